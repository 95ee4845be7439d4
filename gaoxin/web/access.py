"""Who may open which page. Views check here; what a user may do to a case is the action policy's
(``cases.policy``), which the services enforce and the pages ask to offer only what may be done."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import CENTER_ROLES, PERSONAL_DATA_ROLES, Role
from gaoxin.core.errors import ApplicationError

STAFF_ROLES = frozenset({*CENTER_ROLES, Role.HANDLER, Role.GRID_WORKER, Role.LEADER, Role.ADMIN,
                         Role.SERVICE_CADRE, Role.DATA_OFFICER})
DASHBOARD_ROLES = frozenset({*CENTER_ROLES, Role.LEADER, Role.ADMIN})
REVEAL_ROLES = PERSONAL_DATA_ROLES


def actor_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # behind login_required
    return user


def error_page(request: HttpRequest, error: ApplicationError, *, template: str = "web/error.html",
               context: dict[str, Any] | None = None) -> HttpResponse:
    return render(request, template, {"error": error, **(context or {})}, status=error.status)


def forbidden(request: HttpRequest) -> HttpResponse:
    return error_page(request, ApplicationError(_("当前角色无权访问此页面"), code="forbidden", status=403))


View = Callable[..., HttpResponseBase]


def role_required(roles: frozenset[str]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = actor_of(request)
            if user.role not in roles and not user.is_superuser:
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_htmx(request: HttpRequest) -> bool:
    """True for a request made by htmx that wants a fragment (django-htmx's middleware sets ``request.htmx``).
    A history restore (the Back button on a page htmx no longer has in its cache) asks for the whole page, and
    gets it: a fragment would replace the page's body and leave a bare table without the layout."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)

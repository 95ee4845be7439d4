"""Who may open which page. Views check here (and the services check again); templates only hide buttons."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import PERSONAL_DATA_ROLES, Role
from gaoxin.core.errors import ApplicationError

CENTER_ROLES = frozenset({Role.OPERATOR, Role.DISPATCHER, Role.SHIFT_LEAD})
DISPATCH_ROLES = frozenset({Role.DISPATCHER, Role.SHIFT_LEAD})
STAFF_ROLES = frozenset({*CENTER_ROLES, Role.HANDLER, Role.GRID_WORKER, Role.LEADER, Role.ADMIN,
                         Role.SERVICE_CADRE, Role.DATA_OFFICER})
DASHBOARD_ROLES = frozenset({*CENTER_ROLES, Role.LEADER, Role.ADMIN})
REVEAL_ROLES = PERSONAL_DATA_ROLES

# Workflow action (URL name) → roles that may attempt it. The case services then check scope and state.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "register": CENTER_ROLES,
    "reject": CENTER_ROLES,
    "merge": CENTER_ROLES,
    "dispatch": DISPATCH_ROLES,
    "approve_extension": DISPATCH_ROLES,
    "approve_suspension": DISPATCH_ROLES,
    "reopen": DISPATCH_ROLES,
    "accept": frozenset({Role.HANDLER}),
    "return": frozenset({Role.HANDLER}),
    "request_extension": frozenset({Role.HANDLER}),
    "request_suspension": frozenset({Role.HANDLER}),
    "feedback": frozenset({Role.HANDLER}),
    "resume": frozenset({Role.HANDLER, *DISPATCH_ROLES}),
    "verify": frozenset({Role.GRID_WORKER, *CENTER_ROLES}),
    "evaluate": CENTER_ROLES,
}


def actor_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # behind login_required
    return user


def error_page(request: HttpRequest, error: ApplicationError, *, template: str = "web/error.html",
               context: dict[str, Any] | None = None) -> HttpResponse:
    return render(request, template, {"error": error, **(context or {})}, status=error.status)


def forbidden(request: HttpRequest) -> HttpResponse:
    return error_page(request, ApplicationError(_("当前角色无权访问此页面"), code="forbidden", status=403))


def role_required(roles: frozenset[str]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = actor_of(request)
            if user.role not in roles and not user.is_superuser:
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_htmx(request: HttpRequest) -> bool:
    """True for a request made by htmx (django-htmx's middleware sets ``request.htmx``)."""
    return bool(getattr(request, "htmx", False))

"""Small shared pieces of a domain app's own pages (apps below ``web`` cannot import it): the page decorator
(login, the app's role check, an ``ApplicationError`` shown on the platform's error page) and an Excel download."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from gaoxin.core.errors import ApplicationError, PermissionDenied

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
View = Callable[..., HttpResponseBase]


def actor_of(request: HttpRequest) -> Any:
    user = request.user
    assert isinstance(user, get_user_model())  # behind login_required
    return user


def error_page(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    return render(request, "web/error.html", {"error": error}, status=error.status)


def page(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    """Login required, ``allowed(user)`` checked, and an ``ApplicationError`` shown as the error page."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not allowed(actor_of(request)):
                return error_page(request, PermissionDenied(_("当前角色无权访问此页面"), code="forbidden"))
            try:
                return view(request, *args, **kwargs)
            except ApplicationError as exc:
                return error_page(request, exc)

        return wrapped

    return decorator


_CONTROL = re.compile("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def param(request: HttpRequest, name: str, *, max_length: int = 50) -> str:
    """A query parameter as filter text: control characters dropped (PostgreSQL refuses NUL), cut to length."""
    return filter_text(request.GET.get(name), max_length=max_length)


def filter_text(value: str | None, *, max_length: int = 50) -> str:
    """Text typed into a filter: control characters dropped (PostgreSQL refuses NUL), cut to length."""
    return _CONTROL.sub("", value or "")[:max_length].strip()


def xlsx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def posted_id(value: str | None) -> int:
    """A posted id, or 0 (matches nothing) when it is not a small decimal number."""
    return int(value) if value and value.isdecimal() and len(value) < 12 else 0


def paged(request: HttpRequest, qs: Any, per_page: int = 50) -> Page[Any]:
    """The page of ``qs`` the request asks for (``?page=``; the first for anything else)."""
    number = request.GET.get("page", "1")
    return Paginator(qs, per_page).get_page(int(number) if number.isdecimal() and int(number) < 10**6 else 1)

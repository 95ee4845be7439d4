"""How the JSON API knows who calls: a bearer token (``Authorization: Bearer gx_…``) or the browser session.
Session calls that change something need Django's CSRF token (``X-CSRFToken`` header); token calls do not,
since a browser never sends the token on its own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from gaoxin.api import services
from gaoxin.core.errors import ApplicationError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = services.api_token_authenticate(token=token)
        if found is None:
            return None
        request.api_token = found  # type: ignore[attr-defined]  # Open311 and the audit read it
        return found.user


class SessionAuth(APIKeyCookie):
    """The logged-in Django user; the CSRF check only for an authenticated session and an unsafe method (a
    request without a session falls through to the 401 answer, not a misleading CSRF one)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ApplicationError("CSRF 校验失败：会话调用须带 X-CSRFToken 请求头", code="csrf_failed", status=403)
        return user


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=False)

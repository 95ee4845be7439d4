from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from gaoxin.web.forms import LoginForm


class LoginView(auth_views.LoginView):
    """The login page states the lockout rule up front: telling each caller how many attempts are left would tell
    an attacker which user names exist (issue #16 made unknown and locked accounts answer alike)."""

    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "lockout_threshold": settings.GAOXIN_LOCKOUT_THRESHOLD,
                "lockout_minutes": settings.GAOXIN_LOCKOUT_MINUTES}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})

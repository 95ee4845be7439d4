from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from gaoxin.accounts import services
from gaoxin.accounts.models import User


class LockoutModelBackend(ModelBackend):
    """The model backend with the failed-login lockout of ``services.user_check_login``."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check, so timing does not reveal names
            return None
        if services.user_check_login(user=user, password=password) and self.user_can_authenticate(user):
            return User.objects.get(pk=user.pk)
        return None

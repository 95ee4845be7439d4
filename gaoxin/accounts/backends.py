from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from gaoxin.accounts import services
from gaoxin.accounts.models import User


class LockoutModelBackend(ModelBackend):
    """The model backend with the failed-login lockout of ``services.user_check_login``. Unknown names, wrong
    passwords and locked accounts take the same time (one password hash each) and give the same answer; only the
    right password of a locked account is told the lock (``request.gaoxin_locked_until``, read by the form)."""

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
        outcome = services.user_check_login(user=user, password=password)
        if outcome is services.LoginOutcome.LOCKED and request is not None:
            until = User.objects.values_list("locked_until", flat=True).get(pk=user.pk)
            request.gaoxin_locked_until = until  # type: ignore[attr-defined]  # read by the login form
        if outcome is services.LoginOutcome.OK and self.user_can_authenticate(user):
            return User.objects.get(pk=user.pk)
        return None

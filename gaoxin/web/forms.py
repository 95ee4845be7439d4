from __future__ import annotations

import math

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm

from gaoxin.core import clock


class LoginForm(AuthenticationForm):
    """Django's login form, telling a locked-out user how long to wait — only when the right password was given
    (``LockoutModelBackend``): to anyone else a locked account looks like a wrong password or an unknown name."""

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                until = getattr(self.request, "gaoxin_locked_until", None)
                remaining = until - clock.now() if until is not None else None
                if remaining is not None and remaining.total_seconds() > 0:
                    minutes = max(1, math.ceil(remaining.total_seconds() / 60))
                    raise forms.ValidationError(
                        f"连续登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试。", code="locked"
                    )
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

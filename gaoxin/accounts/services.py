"""Writes for org units and users, including the failed-login lockout."""

from __future__ import annotations

import datetime as dt
import enum

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError


def org_unit_create(
    *, code: str, name: str, kind: str, parent: OrgUnit | None = None, is_synthetic: bool = False
) -> OrgUnit:
    if not code or "/" in code:
        raise ApplicationError("机构编码不能为空且不能包含“/”", field="code")
    if kind not in OrgUnit.Kind.values:
        raise ApplicationError(f"未知的机构类型：{kind}", field="kind")
    if OrgUnit.objects.filter(code=code).exists():
        raise ApplicationError(f"机构编码 {code} 已存在", field="code", code="duplicate")
    if parent is None and kind != OrgUnit.Kind.COMMITTEE:
        raise ApplicationError("只有管委会可以没有上级机构", field="parent")
    unit = OrgUnit(code=code, name=name, kind=kind, parent=parent, is_synthetic=is_synthetic)
    unit.save()
    return unit


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    org_unit: OrgUnit | None,
    display_name: str = "",
    phone: str = "",
    is_synthetic: bool = False,
    validate: bool = True,
) -> User:
    if role not in Role.values:
        raise ApplicationError(f"未知的角色：{role}", field="role")
    if role not in (Role.CITIZEN, Role.ENTERPRISE) and org_unit is None:
        raise ApplicationError("工作人员必须属于一个机构", field="org_unit")
    if User.objects.filter(username=username).exists():
        raise ApplicationError(f"用户名 {username} 已存在", field="username", code="duplicate")
    user = User(
        username=username,
        role=role,
        org_unit=org_unit,
        display_name=display_name,
        phone=phone,
        is_synthetic=is_synthetic,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if validate:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ApplicationError("；".join(exc.messages), field="password", code="weak_password") from exc
    user.set_password(password)
    user.save()
    return user


def user_lock_remaining(*, user: User, now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the account stays locked, or None if it is not locked."""
    moment = now or clock.now()
    if user.locked_until and user.locked_until > moment:
        return user.locked_until - moment
    return None


class LoginOutcome(enum.Enum):
    OK = "ok"
    REFUSED = "refused"  # wrong password (or a locked account and a wrong password: the same answer)
    LOCKED = "locked"  # the right password while the account is locked: only its holder learns of the lock


@transaction.atomic
def user_check_login(*, user: User, password: str) -> LoginOutcome:
    """Check a password attempt and keep the lockout counters.

    LOCKOUT_THRESHOLD consecutive failures lock the account for LOCKOUT_MINUTES. While locked every
    attempt is refused, even with the right password, and does not extend the lock. A success resets
    the counter. Every attempt hashes the password once — locked, wrong or right — so the time taken tells an
    attacker nothing, and only a caller who gave the right password hears that the account is locked.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    now = clock.now()
    right = locked.check_password(password)
    if user_lock_remaining(user=locked, now=now) is not None:
        return LoginOutcome.LOCKED if right else LoginOutcome.REFUSED
    if right:
        if locked.failed_login_count or locked.locked_until:
            User.objects.filter(pk=locked.pk).update(failed_login_count=0, locked_until=None)
        return LoginOutcome.OK
    failures = locked.failed_login_count + 1
    if failures >= settings.GAOXIN_LOCKOUT_THRESHOLD:
        until = now + dt.timedelta(minutes=settings.GAOXIN_LOCKOUT_MINUTES)
        User.objects.filter(pk=locked.pk).update(failed_login_count=0, locked_until=until)
    else:
        User.objects.filter(pk=locked.pk).update(failed_login_count=failures)
    return LoginOutcome.REFUSED


def user_unlock(*, user: User) -> None:
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)

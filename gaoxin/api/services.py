"""Writes of the API app: tokens and system accounts (idempotent calls: ``gaoxin.api.idempotency``)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Model, QuerySet

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.api.models import ApiToken
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, NotFound

TOKEN_PREFIX = "gx_"  # noqa: S105  # a marker, not a secret
# last_used_at is written at most this often per token, so that a busy client does not write on every call.
LAST_USED_GRANULARITY_S = 300


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once
    record: ApiToken


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> IssuedToken:
    if not user.is_active:
        raise ApplicationError(f"用户 {user.username} 已停用", field="user", code="user_inactive")
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiToken.objects.create(user=user, name=name.strip()[:60], prefix=prefix, digest=_digest(token),
                                     created_at=clock.now())
    return IssuedToken(token=token, record=record)


def api_token_revoke(*, prefix: str) -> ApiToken:
    record = ApiToken.objects.filter(prefix=prefix.removeprefix(TOKEN_PREFIX)).first()
    if record is None:
        raise NotFound(f"没有前缀为 {prefix} 的令牌", code="token_not_found")
    if record.revoked_at is None:
        record.revoked_at = clock.now()
        record.save(update_fields=["revoked_at"])
    return record


def api_token_list(*, user: User | None = None) -> QuerySet[ApiToken]:
    qs = ApiToken.objects.select_related("user").order_by("-created_at")
    return qs.filter(user=user) if user is not None else qs


def api_token_authenticate(*, token: str) -> ApiToken | None:
    """The active token whose digest matches, with its active user and the user's org unit; None otherwise —
    also while the user's account is locked (a lockout applies to every credential of the account)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    found = _token_with_user(_digest(token))
    if found is None:
        return None
    now = clock.now()
    if found.user.locked_until is not None and found.user.locked_until > now:
        return None
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > LAST_USED_GRANULARITY_S:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found


_TOKEN_MODELS: tuple[type[Model], ...] = (ApiToken, User, OrgUnit)
_token_statements: dict[str, tuple[str, list[list[tuple[str, list[Any], Any]]]]] = {}


def _token_statement() -> tuple[str, list[list[tuple[str, list[Any], Any]]]]:
    """``ApiToken.objects.select_related("user", "user__org_unit").filter(digest=…, revoked_at__isnull=True,
    user__is_active=True)`` as SQL built once per database (a request otherwise compiles this 50-column join
    anew), and per model its fields as (attname, converters, column expression)."""
    found = _token_statements.get(connection.vendor)
    if found is None:
        quote = connection.ops.quote_name
        columns, fields = [], []
        for alias, model in zip(("t", "u", "o"), _TOKEN_MODELS, strict=True):
            model_fields = []
            for f in model._meta.concrete_fields:
                col = f.get_col(alias)
                converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                model_fields.append((f.attname, converters, col))
                columns.append(f"{alias}.{quote(f.column)}")
            fields.append(model_fields)
        token_meta, user_meta, unit_meta = (m._meta for m in _TOKEN_MODELS)
        found = (
            f"SELECT {', '.join(columns)} FROM {quote(token_meta.db_table)} t "  # noqa: S608  # names only
            f"INNER JOIN {quote(user_meta.db_table)} u ON u.{quote('id')} = t.{quote('user_id')} "
            f"LEFT OUTER JOIN {quote(unit_meta.db_table)} o ON o.{quote('id')} = u.{quote('org_unit_id')} "
            f"WHERE t.{quote('digest')} = %s AND t.{quote('revoked_at')} IS NULL AND u.{quote('is_active')} = %s",
            fields,
        )
        _token_statements[connection.vendor] = found
    return found


def _token_with_user(digest: str) -> ApiToken | None:
    connection = connections[DEFAULT_DB_ALIAS]  # resolved once: every attribute read through the proxy costs a lookup
    sql, fields = _token_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest, True])
        row = cursor.fetchone()
    if row is None:
        return None
    instances: list[Model | None] = []
    offset = 0
    for model, model_fields in zip(_TOKEN_MODELS, fields, strict=True):
        values = []
        for (_, converters, col), value in zip(model_fields, row[offset:offset + len(model_fields)], strict=True):
            for converter in converters:
                value = converter(value, col, connection)
            values.append(value)
        offset += len(model_fields)
        names = [name for name, _, _ in model_fields]
        pk_name = model._meta.pk.attname if model._meta.pk else "id"
        # The user may have no org unit: the outer join then gives NULLs.
        instances.append(None if values[names.index(pk_name)] is None else
                         model.from_db(connection.alias, names, values))
    token, user, unit = instances
    assert isinstance(token, ApiToken)
    assert isinstance(user, User)
    User._meta.get_field("org_unit").set_cached_value(user, unit)
    ApiToken._meta.get_field("user").set_cached_value(token, user)
    return token


# --- system accounts -----------------------------------------------------------------------------------------

OPEN311_PUBLIC_USERNAME = "open311-public"


def system_account(*, username: str, role: str, org_unit: Any = None, display_name: str = "") -> User:
    """The account an integration acts as (created on first use, with a random password nobody knows)."""
    from gaoxin.accounts import services as account_services

    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return account_services.user_create(username=username, password=secrets.token_urlsafe(32), role=role,
                                                org_unit=org_unit, display_name=display_name, validate=False)
    except (ApplicationError, IntegrityError):
        return User.objects.get(username=username)

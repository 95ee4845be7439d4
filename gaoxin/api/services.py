"""Writes of the API app: tokens and idempotent calls."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model, QuerySet

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.api.models import ApiToken, IdempotencyRecord
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, NotFound

TOKEN_PREFIX = "gx_"  # noqa: S105  # a marker, not a secret
# last_used_at is written at most this often per token, so that a busy client does not write on every call.
LAST_USED_GRANULARITY_S = 300
IDEMPOTENCY_KEY_MAX = 200


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
    """The active token whose digest matches, with its active user and the user's org unit; None otherwise."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    found = _token_with_user(_digest(token))
    if found is None:
        return None
    now = clock.now()
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


# --- idempotency ---------------------------------------------------------------------------------------------

def request_fingerprint(*, method: str, path: str, payload: Any) -> str:
    """SHA-256 over the method, the path and the canonical JSON of the validated payload (so a retry that only
    reorders keys or changes whitespace is the same request)."""
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True)
class IdempotentResult:
    status: int
    body: Any
    replayed: bool


def idempotent_call(*, client: str, key: str | None, fingerprint: str,
                    call: Callable[[], tuple[int, Any]]) -> IdempotentResult:
    """Run ``call`` (which returns status and a JSON-able body) once per (client, key).

    The record is claimed in the same transaction as whatever ``call`` writes, before it runs, with
    ``INSERT … ON CONFLICT DO NOTHING RETURNING``: a concurrent retry with the same key waits on the unique index
    (PostgreSQL) or on the write lock (SQLite) until the first commits, inserts nothing, and returns the stored
    response. If ``call`` raises, the transaction rolls back, no record remains, and a retry runs again (on
    PostgreSQL a retry that waited on such a claim then inserts its own). The same key with another body is
    refused (422, ``idempotency_key_reused``). Without a key, ``call`` simply runs. ``call`` runs inside this
    transaction and any error rolls it back whole, so what it calls needs no savepoint of its own."""
    if not key:
        with transaction.atomic():
            status, body = call()
        return IdempotentResult(status, body, False)
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise ApplicationError(f"Idempotency-Key 须为 1–{IDEMPOTENCY_KEY_MAX} 个可打印字符",
                               field="Idempotency-Key", code="bad_idempotency_key")
    with transaction.atomic():
        for _ in range(3):
            record_id = _idempotency_claim(client=client, key=key, fingerprint=fingerprint)
            if record_id is not None:
                break
            existing = (IdempotencyRecord.objects.filter(client=client, key=key)
                        .values_list("fingerprint", "status", "body").first())
            if existing is None:  # purged meanwhile: claim again
                continue
            if existing[0] != fingerprint:
                raise ApplicationError("同一个 Idempotency-Key 已用于内容不同的请求", field="Idempotency-Key",
                                       code="idempotency_key_reused", status=422)
            return IdempotentResult(existing[1], existing[2], True)
        else:
            raise ApplicationError("幂等记录冲突，请重试", field="Idempotency-Key", code="idempotency_busy", status=409)
        status, body = call()
        _idempotency_store(record_id=record_id, status=status, body=body)
    return IdempotentResult(status, body, False)


def _prepped(name: str, value: Any, connection: BaseDatabaseWrapper) -> Any:
    """``value`` as the model field ``name`` writes it (JSON, timestamps) on ``connection``."""
    field = IdempotencyRecord._meta.get_field(name)
    assert isinstance(field, Field)
    return field.get_db_prep_save(value, connection)


def _idempotency_claim(*, client: str, key: str, fingerprint: str) -> int | None:
    """Insert the (client, key) record unless it exists; its id, or None when another call holds the key."""
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    table = quote(IdempotencyRecord._meta.db_table)
    columns = ", ".join(quote(c) for c in ("client", "key", "fingerprint", "status", "body", "created_at"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, 0, %s, %s) "  # noqa: S608  # names only
            f"ON CONFLICT ({quote('client')}, {quote('key')}) DO NOTHING RETURNING {quote('id')}",
            [client, key, fingerprint, _prepped("body", {}, connection),
             _prepped("created_at", clock.now(), connection)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def _idempotency_store(*, record_id: int, status: int, body: Any) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    table = quote(IdempotencyRecord._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote('status')} = %s, {quote('body')} = %s "  # noqa: S608  # names only
            f"WHERE {quote('id')} = %s",
            [status, _prepped("body", body, connection), record_id],
        )


def idempotency_purge(*, older_than_hours: int = 72) -> int:
    """Forget records older than the retry window."""
    import datetime as dt

    cutoff = clock.now() - dt.timedelta(hours=older_than_hours)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


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

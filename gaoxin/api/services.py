"""Writes of the API app: tokens and idempotent calls."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from gaoxin.accounts.models import User
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
    """The active token whose digest matches, with its active user; None otherwise."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    found = (ApiToken.objects.select_related("user", "user__org_unit")
             .filter(digest=_digest(token), revoked_at__isnull=True, user__is_active=True).first())
    if found is None:
        return None
    now = clock.now()
    if found.last_used_at is None or (now - found.last_used_at).total_seconds() > LAST_USED_GRANULARITY_S:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        found.last_used_at = now
    return found


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

    The record is inserted in the same transaction as whatever ``call`` writes, before it runs: a concurrent
    retry with the same key blocks on the unique index (PostgreSQL) or on the write lock (SQLite) until the
    first commits, then finds the record and returns the stored response. If ``call`` raises, the transaction
    rolls back, no record remains, and a retry runs again. The same key with another body is refused (422,
    ``idempotency_key_reused``). Without a key, ``call`` simply runs."""
    if not key:
        with transaction.atomic():
            status, body = call()
        return IdempotentResult(status, body, False)
    key = key.strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise ApplicationError(f"Idempotency-Key 须为 1–{IDEMPOTENCY_KEY_MAX} 个可打印字符",
                               field="Idempotency-Key", code="bad_idempotency_key")
    with transaction.atomic():
        record = IdempotencyRecord(client=client, key=key, fingerprint=fingerprint, status=0, body={},
                                   created_at=clock.now())
        try:
            with transaction.atomic():
                record.save(force_insert=True)
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(client=client, key=key).first()
            if existing is None:  # the other call failed and rolled back meanwhile: run again
                return idempotent_call(client=client, key=key, fingerprint=fingerprint, call=call)
            if existing.fingerprint != fingerprint:
                raise ApplicationError("同一个 Idempotency-Key 已用于内容不同的请求", field="Idempotency-Key",
                                       code="idempotency_key_reused", status=422) from None
            return IdempotentResult(existing.status, existing.body, True)
        status, body = call()
        IdempotencyRecord.objects.filter(pk=record.pk).update(status=status, body=body)
    return IdempotentResult(status, body, False)


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

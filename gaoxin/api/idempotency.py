"""Idempotent creating calls: one layer for every adapter (the JSON API, Open311, the city 12345 link).

A client that sends ``Idempotency-Key`` may retry a creating call as often as it likes: the work runs once per
(client, key), and every retry gets the first answer back, byte for byte, marked ``Idempotent-Replayed: true``. The
same key with another body is refused (422, ``idempotency_key_reused``); concurrent retries create one record.

- ``idempotent(path=…)`` decorates a django-ninja endpoint (``@router.post(...)`` above it). The endpoint does the
  work and answers ``Status(status, body)`` with a JSON-able body, or an ``HttpResponse`` with the JSON it rendered
  itself. The decorator declares the ``Idempotency-Key`` header (in the OpenAPI document too), names the client (the
  authenticated user), fingerprints the validated ``payload`` and marks a replay.
- ``idempotent_response(request, …)`` is the same for a view that is not a ninja endpoint (Open311): it takes the
  client, the validated payload and how to render an answer.
- ``idempotent_call`` underneath claims the (client, key) record in the transaction of the work and stores the
  answer; ``request_fingerprint`` is the canonical fingerprint. Records are forgotten after 72 h
  (``idempotency_purge``, nightly)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import inspect
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Header, Status

from gaoxin.api.models import IdempotencyRecord
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_KEY_MAX = 200
# The parameters the decorator adds to an endpoint: ninja's temporary response (for the replay header) and the key.
_RESPONSE_ARG = "response"
_KEY_ARG = "idempotency_key"

Arguments = Mapping[str, Any]


# --- the adapters' layer -------------------------------------------------------------------------------------

def idempotent_response(request: HttpRequest, *, path: str, client: str, payload: Any, work: Callable[[], Any],
                        answer: Callable[[int, Any], Any] = Status, replay_headers: HttpResponse | None = None) -> Any:
    """Run ``work`` once per (``client``, the request's ``Idempotency-Key``) and answer.

    ``work`` returns ``(status, body)`` or ``Status(status, body)`` with a JSON-able body (stored for replays), or an
    ``HttpResponse`` whose content is JSON (stored parsed; the response itself is the first answer). ``path`` names
    the operation in the fingerprint (with the request's method and the canonical JSON of ``payload``, the
    validated input), so one operation reached under several URLs (``requests.json`` / ``.xml``) is one request.
    The answer is ``answer(status, body)``, except a first answer ``work`` rendered itself; a replay is marked
    ``Idempotent-Replayed: true`` on that answer, or on ``replay_headers`` when the answer is not a response (a
    ninja ``Status``, whose headers come from ninja's temporary response)."""
    rendered: list[HttpResponseBase] = []

    def call() -> tuple[int, Any]:
        out = work()
        if isinstance(out, HttpResponseBase):
            rendered.append(out)
            return out.status_code, json.loads(out.content)  # type: ignore[attr-defined]  # not streaming
        if isinstance(out, Status):
            return out.status_code, out.value
        status, body = out
        return status, body

    result = idempotent_call(
        client=client, key=request.headers.get(KEY_HEADER),
        fingerprint=request_fingerprint(method=request.method or "POST", path=path, payload=payload), call=call)
    if rendered and not result.replayed:
        return rendered[0]
    response = answer(result.status, result.body)
    if result.replayed:
        target = response if isinstance(response, HttpResponseBase) else replay_headers
        if target is None:
            raise TypeError("a replayed answer that is not a response needs replay_headers")
        target[REPLAYED_HEADER] = "true"
    return response


def user_client(request: HttpRequest) -> str:
    """The client of an API call: its authenticated user (token or session alike)."""
    return f"user:{request.auth.pk}"  # type: ignore[attr-defined]  # set by the API's auth classes


def validated_payload(arguments: Arguments) -> Any:
    """The endpoint's ``payload`` as ninja validated it, as JSON."""
    return arguments["payload"].model_dump(mode="json")


Endpoint = Callable[..., Any]


def idempotent(*, path: str, client: Callable[[HttpRequest], str] = user_client,
               payload: Callable[[Arguments], Any] = validated_payload) -> Callable[[Endpoint], Endpoint]:
    """Make a django-ninja creating endpoint idempotent (see ``idempotent_response``); below ``@router.post``.

    The endpoint keeps its own parameters (``request``, ``payload`` …); the decorator adds the ``Idempotency-Key``
    header parameter (so the OpenAPI document lists it) and ninja's temporary response (for the replay header)."""

    def decorate(work: Endpoint) -> Endpoint:
        # Annotations evaluated in the endpoint's module: ninja reads the signature with this module's globals.
        signature = inspect.signature(work, eval_str=True)
        taken = {_RESPONSE_ARG, _KEY_ARG} & set(signature.parameters)
        if taken:
            raise TypeError(f"@idempotent adds the parameters {sorted(taken)} itself")

        @functools.wraps(work)
        def endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            temporary = kwargs.pop(_RESPONSE_ARG, None)
            kwargs.pop(_KEY_ARG, None)  # read from the request's headers, as every adapter does
            arguments = signature.bind(request, *args, **kwargs).arguments
            return idempotent_response(request, path=path, client=client(request), payload=payload(arguments),
                                       work=functools.partial(work, request, *args, **kwargs),
                                       replay_headers=temporary)

        endpoint.__signature__ = signature.replace(parameters=[  # type: ignore[attr-defined]  # read by inspect
            *signature.parameters.values(),
            inspect.Parameter(_RESPONSE_ARG, inspect.Parameter.KEYWORD_ONLY, annotation=HttpResponse),
            inspect.Parameter(_KEY_ARG, inspect.Parameter.KEYWORD_ONLY, annotation=str | None,
                              default=Header(None, alias=KEY_HEADER)),
        ])
        return endpoint

    return decorate


# --- the record ----------------------------------------------------------------------------------------------

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
    cutoff = clock.now() - dt.timedelta(hours=older_than_hours)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted

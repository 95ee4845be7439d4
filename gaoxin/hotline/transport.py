"""HTTP transport to the city platform (stdlib only): ``POST {city}/replies`` with a bearer token and the
message id as ``Idempotency-Key``."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from gaoxin.hotline.delivery import SendResult

RETRY_STATUSES = frozenset({408, 425, 429})
PATHS = {"reply": "/replies"}


class HttpTransport:
    def __init__(self, base_url: str, token: str = "", *, timeout: float = 10.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError("the city platform URL must be http(s)")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def send(self, *, kind: str, message_id: str, payload: dict[str, Any]) -> SendResult:
        body = json.dumps(payload, ensure_ascii=False).encode()
        url = self.base_url + PATHS.get(kind, f"/{kind}")
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310  # http(s), checked above
        request.add_header("Content-Type", "application/json; charset=utf-8")
        request.add_header("Idempotency-Key", message_id)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            # The scheme is checked in __init__ (http/https only).
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return SendResult("delivered", f"HTTP {response.status}")
        except urllib.error.HTTPError as exc:
            detail = f"HTTP {exc.code}: {exc.read(300).decode(errors='replace')}"
            if exc.code == 409:  # already received: delivered before, the ack was lost
                return SendResult("delivered", detail)
            if exc.code >= 500 or exc.code in RETRY_STATUSES:
                return SendResult("retry", detail)
            return SendResult("dead", detail)
        except (urllib.error.URLError, OSError) as exc:
            return SendResult("retry", f"connection: {exc}", connection_failed=True)

"""A local SMS gateway: a real HTTP server (stdlib only) speaking the default interface of ``notify.gateway``, for
tests and the demo (the zone's network has no public SMS provider to try against).

``POST /sms`` with ``{message_id, phone, sign, text}`` and the bearer token: 200 when accepted (each message id
recorded once; a repeat answers 200 ``duplicate``), 400 for a number that is not an 11-digit mainland mobile or a
signature other than the registered one (refused for good: the outbox sets the message aside), 401 for a wrong
token, 503 while told to be down. ``GET /sms`` lists what was received, as a phone would show it."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from gaoxin.core.jsonhttp import JsonRequestHandler

MOBILE = re.compile(r"1[3-9]\d{9}")


class SmsGatewaySimulator:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, token: str = "", sign: str = "高新区") -> None:
        self.host = host
        self.port = port
        self.token = token
        self.sign = sign
        self.received: list[dict[str, Any]] = []
        self.duplicates = 0
        self.down = False
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SmsGatewaySimulator:
        server = ThreadingHTTPServer((self.host, self.port), _handler(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def receive(self, message: dict[str, Any], authorization: str) -> tuple[int, dict[str, Any]]:
        if self.token and authorization != f"Bearer {self.token}":
            return 401, {"error": "bad token"}
        with self._lock:
            if self.down:
                return 503, {"error": "gateway down"}
            message_id = str(message.get("message_id") or "")
            phone = str(message.get("phone") or "")
            if not message_id or not str(message.get("text") or "").strip():
                return 400, {"error": "message_id and text are required"}
            if not MOBILE.fullmatch(phone):
                return 400, {"error": f"not a mobile number: {phone[:3]}…"}
            if message.get("sign") != self.sign:
                return 400, {"error": f"signature not registered: {message.get('sign')!r}"}
            if message_id in self._seen:
                self.duplicates += 1
                return 200, {"status": "duplicate", "message_id": message_id}
            self._seen.add(message_id)
            self.received.append({"message_id": message_id, "phone": phone,
                                  "text": f"【{message['sign']}】{message['text']}"})
            return 200, {"status": "accepted", "message_id": message_id}


def _handler(gateway: SmsGatewaySimulator) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonRequestHandler):
        server_version = "SmsGatewaySim/1"

        def do_GET(self) -> None:
            if self.path == "/sms":
                with gateway._lock:
                    self.answer(200, {"received": gateway.received, "duplicates": gateway.duplicates})
            else:
                self.answer(404, {"error": "not found"})

        def do_POST(self) -> None:
            if self.path != "/sms":
                self.answer(404, {"error": "not found"})
                return
            try:
                body = self.read_json()
            except (ValueError, UnicodeDecodeError):
                self.answer(400, {"error": "invalid JSON"})
                return
            self.answer(*gateway.receive(body if isinstance(body, dict) else {},
                                          self.headers.get("Authorization", "")))

    return Handler

"""A small stand-in for the city 12345 platform: a real HTTP server (stdlib only) that pushes orders, urges and
returns to the zone, receives the zone's replies (recording each message id once), and can be told to be down —
answering 503 (``mode="error"``), recording a reply but losing the answer (``"ack_lost"``), or not listening at
all (``"refuse"``: the port is closed, connections are refused) — for a while or until told otherwise.

Use it in-process (``CityPlatform(...).start()``) from tests and the demo, or as ``gaoxin hotline-sim``.

HTTP interface (besides the zone's reply endpoint ``POST /replies``):
  GET  /replies            recorded replies, in arrival order (each message id once) and the count of duplicates
  POST /control/down       {"mode": "error" | "ack_lost" | "refuse", "seconds": N (optional)}
  POST /control/up
  POST /control/push       an order (fields of docs/HOTLINE_12345.md; defaults filled in) → the zone's answer
  POST /control/urge       {"order_id", "content"}
  POST /control/return     {"order_id", "reason"}
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from gaoxin.core.jsonhttp import JsonRequestHandler

ORDER_DEFAULTS: dict[str, Any] = {
    "content": "小区门口占道经营，早晚高峰堵塞通行，请尽快处理。",
    "category": "H-C02",
    "request_type": "H-TS",
    "caller_name": "王小明",
    "caller_phone": "13900001111",
    "address": "高新区石佛办事处 冬青街与红松路交叉口",
    "urgency": "normal",
}


class CityPlatform:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, zone_url: str = "", zone_token: str = "",
                 expect_token: str = "", order_prefix: str = "HL") -> None:
        self.host = host
        self.port = port
        self.zone_url = zone_url.rstrip("/")
        self.zone_token = zone_token
        self.expect_token = expect_token
        self.order_prefix = order_prefix
        self.replies: list[dict[str, Any]] = []
        self.duplicates = 0
        self.refused_while_down = 0
        self.mode = "up"
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._numbers = itertools.count(1)

    # --- lifecycle -------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> CityPlatform:
        self._listen()
        return self

    def _listen(self) -> None:
        server = ThreadingHTTPServer((self.host, self.port), _handler(self))
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def _close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._close()

    def down(self, mode: str = "error", seconds: float | None = None) -> None:
        if mode not in ("error", "ack_lost", "refuse"):
            raise ValueError("mode must be error, ack_lost or refuse")
        with self._lock:
            self.mode = mode
        if mode == "refuse":
            threading.Thread(target=self._close, daemon=True).start() if seconds else self._close()
        if seconds:
            self._timer = threading.Timer(seconds, self.up)
            self._timer.daemon = True
            self._timer.start()

    def up(self) -> None:
        with self._lock:
            was, self.mode = self.mode, "up"
        if was == "refuse" or self._server is None:
            self._listen()

    # --- the city's side: receiving replies ------------------------------------------------------------------

    def receive_reply(self, message: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            mode = self.mode
            if mode == "error":
                self.refused_while_down += 1
                return 503, {"error": "platform down"}
            message_id = str(message.get("message_id", ""))
            if not message_id or not message.get("order_id"):
                return 400, {"error": "message_id and order_id are required"}
            if message_id in self._seen:
                self.duplicates += 1
                status, body = 200, {"status": "duplicate", "message_id": message_id}
            else:
                self._seen.add(message_id)
                self.replies.append({**message, "received_by_city_at": dt.datetime.now(dt.UTC).isoformat()})
                status, body = 200, {"status": "received", "message_id": message_id}
        if mode == "ack_lost":
            return 500, {"error": "recorded, but the answer is lost"}
        return status, body

    # --- the city's side: pushing to the zone ----------------------------------------------------------------

    def next_order_id(self) -> str:
        return f"{self.order_prefix}{uuid.uuid4().hex[:8].upper()}{next(self._numbers):04d}"

    def _post(self, path: str, body: dict[str, Any], key: str | None = None) -> tuple[int, Any]:
        if not self.zone_url:
            raise RuntimeError("zone_url is not set")
        data = json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(self.zone_url + path, data=data, method="POST")  # noqa: S310  # our URL
        request.add_header("Content-Type", "application/json")
        if self.zone_token:
            request.add_header("Authorization", f"Bearer {self.zone_token}")
        if key:
            request.add_header("Idempotency-Key", key)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # http(s) URL we were given
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def push_order(self, order: dict[str, Any] | None = None, *, idempotency_key: str | None = None
                   ) -> tuple[int, Any]:
        body = {**ORDER_DEFAULTS, **(order or {})}
        body.setdefault("order_id", self.next_order_id())
        return self._post("/api/v1/hotline/12345/orders", body, idempotency_key or f"push-{body['order_id']}")

    def urge(self, order_id: str, content: str = "群众再次来电催促，请加快办理。", *, message_id: str | None = None
             ) -> tuple[int, Any]:
        return self._post("/api/v1/hotline/12345/urges",
                          {"message_id": message_id or uuid.uuid4().hex, "order_id": order_id, "content": content})

    def return_order(self, order_id: str, reason: str = "群众反映问题未解决，不满意。", *,
                     message_id: str | None = None) -> tuple[int, Any]:
        return self._post("/api/v1/hotline/12345/returns",
                          {"message_id": message_id or uuid.uuid4().hex, "order_id": order_id, "reason": reason})


def _handler(platform: CityPlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(JsonRequestHandler):
        server_version = "City12345Sim/1"

        def do_GET(self) -> None:
            if self.path == "/replies":
                with platform._lock:
                    self.answer(200, {"replies": platform.replies, "duplicates": platform.duplicates,
                                       "mode": platform.mode})
            elif self.path == "/health":
                self.answer(200, {"mode": platform.mode})
            else:
                self.answer(404, {"error": "not found"})

        def do_POST(self) -> None:
            try:
                body = self.read_json()
            except (ValueError, UnicodeDecodeError):
                self.answer(400, {"error": "invalid JSON"})
                return
            if self.path == "/replies":
                auth = self.headers.get("Authorization", "")
                if platform.expect_token and auth != f"Bearer {platform.expect_token}":
                    self.answer(401, {"error": "bad token"})
                    return
                self.answer(*platform.receive_reply(body if isinstance(body, dict) else {}))
            elif self.path == "/control/down":
                platform.down(body.get("mode", "error"), body.get("seconds"))
                if body.get("mode") != "refuse":
                    self.answer(200, {"mode": platform.mode})
                else:
                    self.answer(200, {"mode": "refuse"})
            elif self.path == "/control/up":
                platform.up()
                self.answer(200, {"mode": platform.mode})
            elif self.path == "/control/push":
                self.answer(*platform.push_order(body or None))
            elif self.path == "/control/urge":
                self.answer(*platform.urge(body["order_id"], body.get("content") or "请加快办理"))
            elif self.path == "/control/return":
                self.answer(*platform.return_order(body["order_id"], body.get("reason") or "不满意"))
            else:
                self.answer(404, {"error": "not found"})

    return Handler

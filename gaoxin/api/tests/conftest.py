"""Fixtures of the API tests: the case tests' zone and people, tokens, and a small JSON client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from gaoxin.api import services as api_services
from gaoxin.cases.tests.conftest import EAST, WEST, People, people, report, run_to_closed  # noqa: F401


class Api:
    """``api.post("/cases", {...}, as_=user)`` → (status, body, response)."""

    def __init__(self) -> None:
        self.client = Client()
        self.tokens: dict[int, str] = {}

    def token(self, user: Any) -> str:
        if user.pk not in self.tokens:
            self.tokens[user.pk] = api_services.api_token_create(user=user).token
        return self.tokens[user.pk]

    def call(self, method: str, path: str, body: Any = None, *, as_: Any = None, headers: dict | None = None,
             **query: Any) -> tuple[int, Any, Any]:
        extra = dict(headers or {})
        if as_ is not None:
            extra["Authorization"] = f"Bearer {self.token(as_)}"
        url = path if path.startswith("/") else f"/api/v1/{path}"
        if not url.startswith("/api/") and not url.startswith("/open311/"):
            url = f"/api/v1{url}"
        if method == "GET":
            response = self.client.get(url, query, headers=extra)
        else:
            response = self.client.generic(method, url, json.dumps(body if body is not None else {}),
                                           content_type="application/json", headers=extra)
        try:
            data = json.loads(response.content) if response.content else None
        except ValueError:
            data = response.content
        return response.status_code, data, response

    def get(self, path: str, *, as_: Any = None, **query: Any) -> tuple[int, Any, Any]:
        return self.call("GET", path, as_=as_, **query)

    def post(self, path: str, body: Any = None, *, as_: Any = None, headers: dict | None = None
             ) -> tuple[int, Any, Any]:
        return self.call("POST", path, body, as_=as_, headers=headers)


@pytest.fixture
def api(db) -> Api:
    return Api()


def report_body(**overrides: Any) -> dict[str, Any]:
    body = {"channel": "public_web", "category": "09001", "description": "占道经营，影响通行",
            "lon": WEST[0], "lat": WEST[1], "reporter_name": "张三", "reporter_phone": "13812341234"}
    body.update(overrides)
    return body

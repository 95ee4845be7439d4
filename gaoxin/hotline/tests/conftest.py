"""Fixtures of the 12345 link tests: the case tests' zone and people, the integration account and its token."""

from __future__ import annotations

import pytest

from gaoxin.api.services import api_token_create
from gaoxin.cases.tests.conftest import People, people  # noqa: F401
from gaoxin.hotline import services


@pytest.fixture
def integration(people):  # noqa: F811  # the imported fixture
    user = services.hotline_setup()
    return user, api_token_create(user=user, name="city").token


ORDER = {
    "order_id": "HL202303010001",
    "content": "小区门口占道经营，早晚高峰堵塞通行。",
    "category": "H-C02",
    "request_type": "H-TS",
    "caller_name": "王小明",
    "caller_phone": "13900001111",
    "address": "石佛办事处 冬青街",
    "lon": 113.52,
    "lat": 34.79,
    "reply_deadline": "2023-03-06T18:00:00+08:00",
}

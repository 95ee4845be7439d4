"""What people type into the compute forms, checked once for every compute service: whole numbers in a range,
prices in 元 kept as fen, hours, moments. Each refusal names its
field and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError

MAX_YUAN = Decimal(10**11)


def whole(value: Any, *, field: str, label: str, low: int = 0, high: int = 1_000_000) -> int:
    text = str(value if value is not None else "").strip()
    if not text.isdecimal() or not low <= int(text) <= high:
        raise ApplicationError(f"{label}：应为 {low}–{high} 的整数", field=field, code="invalid_number")
    return int(text)


def yuan_to_fen(value: Any, *, field: str, label: str, required: bool = True) -> int:
    """An amount in 元 (up to two decimals) as integer fen; blank is 0 when not required."""
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text and not required:
        return 0
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ApplicationError(f"{label}：应为以元计的金额", field=field, code="invalid_amount") from None
    fen = amount * 100
    if not amount.is_finite() or fen != fen.to_integral_value() or amount < 0 or amount > MAX_YUAN:
        raise ApplicationError(f"{label}：应为不小于 0 的金额，最多两位小数", field=field, code="invalid_amount")
    if required and fen == 0:
        raise ApplicationError(f"{label}：应大于 0", field=field, code="invalid_amount")
    return int(fen)


def hours(value: Any, *, field: str, label: str) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else "").strip())
    except InvalidOperation:
        raise ApplicationError(f"{label}：应为小时数，如 2.5", field=field, code="invalid_hours") from None
    if not amount.is_finite() or not Decimal("0.01") <= amount <= Decimal(10_000) or amount != round(amount, 2):
        raise ApplicationError(f"{label}：应为 0.01–10000 小时，最多两位小数", field=field, code="invalid_hours")
    return amount


def moment(value: Any, *, field: str, label: str, required: bool = False) -> dt.datetime | None:
    """A local date and time as a form sends it (``2023-05-01T18:00``), in Beijing time."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)
    text = str(value or "").strip()
    if not text:
        if required:
            raise ApplicationError(f"{label}：不能为空", field=field, code="required")
        return None
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ApplicationError(f"{label}：应为日期时间，如 2023-05-01 18:00", field=field,
                               code="invalid_datetime") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SHANGHAI)

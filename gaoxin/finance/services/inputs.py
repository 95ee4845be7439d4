"""The inputs the finance officers type, checked once for every finance service: amounts in 万元 stored as fen,
dates (not in the future), percentages, choices and enterprises of the registry by their credit code. Each refusal
names its field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet, Sum

from gaoxin.core.calendar import local_today
from gaoxin.core.errors import ApplicationError
from gaoxin.enterprises.models import Enterprise
from gaoxin.enterprises.selectors import enterprise_by_credit_code

FEN_PER_WAN = Decimal(1_000_000)
MAX_FEN = 10**17  # 1 万亿元: beyond any fund


def wan_to_fen(value: Any, *, field: str, label: str, positive: bool = True) -> int:
    """An amount in 万元 as the officers type it (up to six decimals: the fen) as integer fen."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"{label}：应为以万元计的数字", field=field, code="invalid_amount") from None
    fen = amount * FEN_PER_WAN
    if not amount.is_finite() or fen != fen.to_integral_value():
        raise ApplicationError(f"{label}：最多精确到分（万元后六位小数）", field=field, code="invalid_amount")
    if fen < 0 or (positive and fen == 0) or fen > MAX_FEN:
        raise ApplicationError(f"{label}：应大于 0 且不超过 1 万亿元", field=field, code="invalid_amount")
    return int(fen)


def date_of(value: Any, *, field: str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):  # an Excel date cell
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise ApplicationError(f"{label}：格式应为 YYYY-MM-DD", field=field, code="invalid_date") from None


def not_future(day: dt.date, *, field: str, label: str) -> dt.date:
    if day > local_today():
        raise ApplicationError(f"{label}：不能晚于今天", field=field, code="date_in_future")
    return day


def total_of(queryset: QuerySet[Any], field: str) -> int:
    return int(queryset.aggregate(total=Sum(field))["total"] or 0)


def percent_of(value: Any, *, field: str, label: str, upper: int) -> Decimal:
    try:
        pct = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"{label}：应为数字", field=field, code="invalid_number") from None
    if not pct.is_finite() or not 0 <= pct <= upper or pct != pct.quantize(Decimal("0.01")):
        raise ApplicationError(f"{label}：应为 0–{upper}，最多两位小数", field=field, code="invalid_number")
    return pct


def choice_of(value: str, choices: Any, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise ApplicationError(f"{label}：请从列表中选择", field=field, code="invalid_choice")
    return value


def enterprise_of(code: str, *, field: str = "enterprise_code") -> Enterprise:
    return enterprise_by_credit_code(code, field=field)

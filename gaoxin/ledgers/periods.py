"""A ledger's reporting periods: the period a date falls in, its label, and its due date (the due day of the
month after the period ends)."""

from __future__ import annotations

import datetime as dt
import re

from gaoxin.core.errors import ApplicationError


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def bounds(period: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of the ``period`` ("once" and "yearly" are the calendar year) containing ``day``."""
    if period == "monthly":
        start = day.replace(day=1)
        return start, _add_months(start, 1)
    if period == "quarterly":
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return start, _add_months(start, 3)
    start = dt.date(day.year, 1, 1)
    return start, dt.date(day.year + 1, 1, 1)


def due_date(end: dt.date, due_day: int) -> dt.date:
    """The period ending (exclusive) at ``end`` is due on day ``due_day`` of the month ``end`` falls in."""
    return end.replace(day=due_day)


def label(period: str, start: dt.date) -> str:
    if period == "monthly":
        return f"{start:%Y-%m}"
    if period == "quarterly":
        return f"{start.year}Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def parse(period: str, text: object, *, field: str = "period") -> dt.date:
    """The start of the period written as ``label`` writes it (2023-03, 2023Q1, 2023)."""
    value = str(text or "").strip()
    if isinstance(text, dt.datetime | dt.date):
        value = label(period, bounds(period, text if isinstance(text, dt.date) else text.date())[0])
    patterns = {"monthly": (r"(\d{4})-(\d{1,2})", "2023-03"), "quarterly": (r"(\d{4})[Qq]([1-4])", "2023Q1")}
    pattern, example = patterns.get(period, (r"(\d{4})", "2023"))
    m = re.fullmatch(pattern, value)
    if not m or not 2000 <= int(m.group(1)) <= 2100 or (period == "monthly" and not 1 <= int(m.group(2)) <= 12):
        raise ApplicationError(f"统计期应写作 {example}", field=field, code="period")
    year = int(m.group(1))
    if period == "monthly":
        return dt.date(year, int(m.group(2)), 1)
    if period == "quarterly":
        return dt.date(year, (int(m.group(2)) - 1) * 3 + 1, 1)
    return dt.date(year, 1, 1)


def starts(period: str, year: int) -> list[dt.date]:
    """Every period start of ``year``."""
    if period == "monthly":
        return [dt.date(year, m, 1) for m in range(1, 13)]
    if period == "quarterly":
        return [dt.date(year, m, 1) for m in (1, 4, 7, 10)]
    return [dt.date(year, 1, 1)]

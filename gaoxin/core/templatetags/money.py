"""Money in fen shown in yuan (``1,234.56``) or in 万元 (``12.35``), exactly (Decimal, no float)."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    return "—" if fen is None else f"{Decimal(int(fen)) / 100:,.2f}"


@register.filter
def wan(fen: int | None) -> str:
    return "—" if fen is None else f"{Decimal(int(fen)) / 1_000_000:,.2f}"

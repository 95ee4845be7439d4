"""Record numbers of the form ``{prefix}{year}{000001…}``, one sequence per prefix and year."""

from __future__ import annotations

from django.db.models import Model


def next_sequence(model: type[Model], prefix: str, year: int) -> int:
    """The next free sequence of the year's numbers (the last one read locked, inside the caller's transaction)."""
    stem = f"{prefix}{year}"
    last = (model._default_manager.select_for_update().filter(number__startswith=stem)
            .order_by("-number").values_list("number", flat=True).first())
    return int(last[len(stem):]) + 1 if last else 1


def next_number(model: type[Model], prefix: str, year: int) -> str:
    return f"{prefix}{year}{next_sequence(model, prefix, year):06d}"

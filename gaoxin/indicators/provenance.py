"""The records behind a figure, so that every figure of the report opens on a page that adds up to it.

A ``computed`` figure carries the query that counted it (``Computed.records``; for a rate also
``denominator_records``; for an aggregate of a field, its ``total``). ``figure_provenance`` runs that query again
for the reader and says what it totals to: the number of records, the sum of the field, or numerator ÷ denominator
— rounded as the figure is, and whether it equals the figure. The indicator page lists the records a page at a
time, answers the same as JSON (``?format=json``: the total, the definition and every record id) and exports the
list to Excel (``?format=xlsx``). Derived and submitted figures show their formula and inputs, or their
submission and its evidence, on the same page.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from openpyxl import Workbook

from gaoxin.accounts.models import User
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.core.ledger.write import is_formula_like
from gaoxin.indicators.computations.base import aggregate
from gaoxin.indicators.figures import Evaluator, Figure, round_figure, system_actor, total_label
from gaoxin.indicators.models import Indicator
from gaoxin.indicators.yearclose import frozen_records, year_figures

PAGE_SIZE = 50
# An Excel file of the records is written while the reader waits: up to this many rows (about 3 s).
XLSX_MAX_ROWS = 50_000

# The columns shown for the records of a model (field paths through foreign keys). A model not listed shows its
# plain fields, never one that may hold personal data (below).
COLUMNS: dict[str, tuple[str, ...]] = {
    "cases.Case": ("number", "channel", "category__name", "state", "street__name", "registered_at", "closed_at"),
    "enterprises.Enterprise": ("credit_code", "name", "street__name", "size"),
    "enterprises.Visit": ("visited_on", "enterprise__name", "department__name", "participants"),
    "enterprises.ReceptionSession": ("held_on", "title", "leader_name", "location"),
    "enterprises.EnterpriseProblem": ("raised_on", "enterprise__name", "source", "category__name", "department__name",
                                      "case__number", "case__state"),
    "grids.Grid": ("code", "name", "level", "parent__name"),
    "ledgers.LedgerEntry": ("org_unit__name", "period_start", "state", "revision", "reason"),
    "indicators.SourceDocument": ("title", "issuer", "issued_on", "name", "sha256", "uploaded_at"),
    "finance.Commitment": ("fund__name", "source", "investor", "committed_fen", "committed_on"),
    "finance.Investment": ("fund__name", "target", "in_zone", "round", "amount_fen", "invested_on"),
    "finance.FinancingDeal": ("enterprise__name", "kind", "investor", "amount_fen", "closed_on", "event__title"),
    "finance.Certification": ("enterprise__name", "certified_on", "revoked_on"),
    "finance.FinancingDemand": ("enterprise__name", "amount_fen", "term_months", "status", "granted_on",
                                "granted_fen", "granted_product__name"),
    "finance.StartupLoan": ("number", "kind", "project", "bank", "granted_on", "granted_fen", "jobs_created",
                            "status"),
}
# Bookkeeping of a record's history (core.audit.HistoryHead): not what a reader checks a figure against.
HISTORY_FIELDS = ("audit_head", "event_count")
PERSONAL_WORDS = ("phone", "mobile", "contact", "reporter", "id_number", "id_card", "identity", "email", "bank",
                  "password", "address")
# Where one record opens, by model: a URL name taking the record's id (pages that exist for the readers).
RECORD_PAGES: dict[str, str] = {"cases.Case": "web:case_detail",
                                "indicators.SourceDocument": "indicators:document_file",
                                "finance.StartupLoan": "finance:loan_detail",
                                "finance.FinancingDemand": "finance:demand_detail"}


@dataclass
class Provenance:
    figure: Figure
    indicator: Indicator
    year: int
    records: QuerySet[Any] | None = None
    denominator_records: QuerySet[Any] | None = None
    total_label: str = ""
    count: int | None = None  # records counted (the numerator's, for a rate)
    denominator: int | None = None
    total: Decimal | None = None  # what the records add up to, in the figure's unit, unrounded
    total_rounded: Decimal | None = None
    total_display: str = ""  # the total as the figure prints it (the article's precision and unit)
    # A closed year: the records are those frozen by id at the close (``ClosedFigure``), not a live query.
    frozen_ids: list[int] | None = None
    frozen_model: str = ""
    live: Figure | None = None  # the figure from the records as of now, when it differs from the closed one

    @property
    def has_records(self) -> bool:
        return self.records is not None or self.frozen_ids is not None

    @property
    def adds_up(self) -> bool | None:
        if not self.has_records:
            return None
        return self.total_rounded == self.figure.value

    @property
    def model(self) -> type[models.Model] | None:
        if self.frozen_model:
            return apps.get_model(self.frozen_model)
        return self.records.model if self.records is not None else None

    @property
    def model_label(self) -> str:
        model = self.model
        return model._meta.label if model is not None else ""


def figure_provenance(*, actor: User, year: int, ref: str) -> Provenance:
    """The figure ``ref`` of ``year`` as ``actor`` reads it, with its records and what they add up to."""
    indicator = Indicator.objects.filter(ref=ref).first()
    if indicator is None:
        raise NotFound(f"没有编号为 {ref} 的指标", field="ref")
    figure = year_figures(actor=actor, year=year, refs=[ref])[ref]
    if figure.frozen is not None:
        return _frozen_provenance(figure, indicator, year)
    prov = Provenance(figure=figure, indicator=indicator, year=year, records=figure.records,
                      denominator_records=figure.denominator_records, total_label=total_label(figure))
    if prov.records is None:
        return prov
    prov.count = prov.records.count()
    if prov.denominator_records is not None:
        prov.denominator = prov.denominator_records.count()
    prov.total = records_value(figure, prov.records, prov.denominator_records, count=prov.count,
                               denominator_count=prov.denominator)
    _round_total(prov)
    return prov


def records_value(figure: Figure, records: QuerySet[Any], denominator_records: QuerySet[Any] | None, *,
                  count: int | None = None, denominator_count: int | None = None) -> Decimal | None:
    """What ``records`` (and ``denominator_records``) make of the figure, read again from them alone: the
    computation's own reading (``records_total``), an aggregate of a field (``total``), or their count (given
    when already counted); a rate is numerator ÷ denominator × 100."""
    if figure.records_total is not None:
        return figure.records_total(records)
    numerator = (aggregate(records, figure.total) if figure.total is not None
                 else Decimal(records.count() if count is None else count))
    if denominator_records is None:
        return numerator
    denominator = (aggregate(denominator_records, figure.denominator_total) if figure.denominator_total is not None
                   else Decimal(denominator_records.count() if denominator_count is None else denominator_count))
    return None if numerator is None or not denominator else numerator / denominator * 100


def _round_total(prov: Provenance) -> None:
    if prov.total is None:
        return
    prov.total_rounded, number = round_figure(prov.indicator, prov.total)
    prov.total_display = f"{number}{prov.indicator.display_unit or prov.indicator.unit}"


def _frozen_provenance(figure: Figure, indicator: Indicator, year: int) -> Provenance:
    """A closed year's figure: its records are the ids frozen at the close, re-read and totalled now; beside it
    the figure as the records give it today, when that differs."""
    frozen = type(figure.frozen).objects.get(pk=figure.frozen.pk) if figure.frozen is not None else None
    assert frozen is not None
    live = Evaluator(actor=system_actor(), year=year).figure(figure.ref)
    prov = Provenance(figure=figure, indicator=indicator, year=year, total_label=total_label(live))
    if live.value != figure.value or live.missing != figure.missing:
        prov.live = live
    if not frozen.record_model:
        return prov
    prov.frozen_ids, prov.frozen_model = list(frozen.record_ids), frozen.record_model
    prov.count = len(prov.frozen_ids)
    denominator_ids = frozen.denominator_ids
    if denominator_ids is not None:
        prov.denominator = len(denominator_ids)
    if live.records_total is None and live.total is None and live.denominator_total is None:
        # A count or a ratio of counts (the cases of F113/F114: hundreds of thousands of ids): from the ids alone.
        prov.total = Decimal(prov.count) if denominator_ids is None else (
            Decimal(prov.count) / Decimal(prov.denominator) * 100 if prov.denominator else None)
    else:  # an aggregate of a field: read again from the frozen records (a few hundred at most)
        model = apps.get_model(frozen.record_model)
        records = model._default_manager.filter(pk__in=prov.frozen_ids)
        denominator = None
        if denominator_ids is not None and live.denominator_records is not None:
            denominator = live.denominator_records.model._default_manager.filter(pk__in=denominator_ids)
        prov.total = records_value(live, records, denominator)
    _round_total(prov)
    return prov


# --- the records as rows --------------------------------------------------------------------------------------

def _is_personal(name: str) -> bool:
    return any(word in name for word in PERSONAL_WORDS)


def columns(model: type[models.Model]) -> list[tuple[str, str]]:
    """(field path, label) of the columns shown for ``model``'s records."""
    paths = COLUMNS.get(model._meta.label)
    if paths is None:
        paths = tuple(f.name for f in model._meta.concrete_fields
                      if not f.is_relation and not f.primary_key and not _is_personal(f.name)
                      and f.name not in HISTORY_FIELDS
                      and not isinstance(f, models.JSONField | models.BinaryField | models.FileField))[:8]
    return [(path, _label(model, path)) for path in paths]


def _label(model: type[models.Model], path: str) -> str:
    parts = path.split("__")
    current: Any = model
    field: Any = None
    for part in parts:
        field = current._meta.get_field(part)
        if field.is_relation and field.related_model is not None and part != parts[-1]:
            current = field.related_model
    if len(parts) > 1 and parts[-1] in ("name", "number", "state"):
        field = model._meta.get_field(parts[0])
    return str(getattr(field, "verbose_name", parts[-1]))


def _related(model: type[models.Model], paths: Sequence[str]) -> list[str]:
    out = []
    for path in paths:
        parts = path.split("__")
        if len(parts) > 1:
            out.append("__".join(parts[:-1]))
    return sorted(set(out))


def _cell(record: models.Model, path: str) -> Any:
    current: Any = record
    parts = path.split("__")
    for i, part in enumerate(parts):
        if current is None:
            return ""
        if i == len(parts) - 1:
            display = getattr(current, f"get_{part}_display", None)
            if callable(display):
                return display()
        current = getattr(current, part)
    return "" if current is None else current


def _record_url(label: str, pk: int) -> str:
    name = RECORD_PAGES.get(label)
    if not name:
        return ""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def record_rows(prov: Provenance, *, page: int) -> dict[str, Any]:
    """One page of the records, newest id first: {"columns", "rows", "page", "pages"}."""
    model = prov.model
    if model is None:
        return {"columns": [], "rows": [], "page": 1, "pages": 0}
    cols = columns(model)
    pages = max(1, -(-(prov.count or 0) // PAGE_SIZE))
    if page < 1 or page > pages:
        raise ApplicationError(f"页码应在 1 到 {pages} 之间", field="page", code="bad_page")
    window = slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    if prov.frozen_ids is not None:
        shown: Iterable[models.Model] = frozen_records(prov.frozen_model, sorted(prov.frozen_ids, reverse=True)[window])
    else:
        assert prov.records is not None
        shown = prov.records.select_related(*_related(model, [p for p, _ in cols])).order_by("-pk")[window]
    rows = [{"pk": r.pk, "url": _record_url(model._meta.label, r.pk), "text": str(r),
             "cells": [_cell(r, p) for p, _ in cols]}
            for r in shown]
    return {"columns": [label for _, label in cols], "rows": rows, "page": page, "pages": pages}


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def provenance_json(prov: Provenance) -> dict[str, Any]:
    """The figure, its definition, its inputs and — for a computed figure — the total and every record id."""
    out: dict[str, Any] = {
        "id": prov.figure.ref, "name": prov.figure.name, "year": prov.year, "source": prov.indicator.source,
        "measure": prov.indicator.measure, "unit": prov.indicator.unit, "definition": prov.indicator.definition,
        "value": _number(prov.figure.value), "display": None if prov.figure.missing else prov.figure.display,
        "missing": prov.figure.missing, "reason": prov.figure.reason, "provenance": prov.figure.provenance,
    }
    if prov.figure.frozen is not None:
        out["closed"] = True
        out["now"] = None if prov.live is None else {"value": _number(prov.live.value), "missing": prov.live.missing}
    if prov.frozen_ids is not None:
        frozen = prov.figure.frozen
        out.update({
            "model": prov.model_label, "count": prov.count, "denominator": prov.denominator,
            "total_label": prov.total_label, "total": _number(prov.total_rounded),
            "total_exact": _number(prov.total), "adds_up": prov.adds_up, "records": prov.frozen_ids,
            "records_digest": frozen.records_digest if frozen is not None else None,
        })
        if frozen is not None and frozen.denominator_ids is not None:
            out["denominator_records"] = type(frozen).objects.values_list(
                "denominator_ids", flat=True).get(pk=frozen.pk)
    elif prov.records is not None:
        out.update({
            "model": prov.model_label, "count": prov.count, "denominator": prov.denominator,
            "total_label": prov.total_label, "total": _number(prov.total_rounded),
            "total_exact": _number(prov.total), "adds_up": prov.adds_up,
            "records": list(prov.records.order_by("pk").values_list("pk", flat=True)),
        })
        if prov.denominator_records is not None:
            out["denominator_records"] = list(prov.denominator_records.order_by("pk").values_list("pk", flat=True))
    return out


def _rows(prov: Provenance, cols: list[tuple[str, str]]) -> Iterator[list[Any]]:
    if prov.frozen_ids is not None:
        records: Iterable[models.Model] = frozen_records(prov.frozen_model, prov.frozen_ids)
    else:
        assert prov.records is not None
        records = prov.records.select_related(*_related(prov.records.model, [p for p, _ in cols])).order_by(
            "pk").iterator(chunk_size=2000)
    for record in records:
        yield [record.pk, str(record), *(_cell(record, p) for p, _ in cols)]


def _xlsx_value(value: Any) -> Any:
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        from gaoxin.core.calendar import SHANGHAI
        return value.astimezone(SHANGHAI).replace(tzinfo=None)
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def provenance_xlsx(prov: Provenance) -> bytes:
    """The records as an Excel sheet (编号, 记录, the columns), with the figure and its total above them."""
    model = prov.model
    if model is None:
        raise ApplicationError("该指标不是由记录计算得出，没有可导出的记录清单", field="format", code="no_records")
    if (prov.count or 0) > XLSX_MAX_ROWS:
        raise ApplicationError(f"记录共 {prov.count} 条，超过在线导出上限 {XLSX_MAX_ROWS} 条；请用 JSON 取得记录编号，"
                               "或在业务列表页使用后台导出", field="format", code="too_many_records", status=413)
    cols = columns(model)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(prov.figure.ref)
    ws.append([f"{prov.figure.ref} {prov.figure.name}（{prov.year}年）",
               prov.figure.display if not prov.figure.missing else "—"])
    ws.append(["定义", prov.indicator.definition])
    ws.append(["记录数", prov.count, "合计", _number(prov.total_rounded)])
    ws.append([])
    ws.append(["编号", "记录", *(label for _, label in cols)])
    for row in _rows(prov, cols):
        ws.append([_xlsx_value(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()

"""年度关账 — closing a year: every figure of the year frozen with its definition (and its version), its inputs and
the identity of the records behind it (their ids and a digest), so that the year-end report reads the same figures
however the records change afterwards.

- ``year_close`` (leaders and admins, once the year is over, once) evaluates every figure zone-wide and stores the
  snapshot, its digest and a ``close`` event in the close's hash-chained history.
- After the close ``year_figures`` serves the snapshot for that year (the report, the pages, the provenance); a
  department can no longer change a submission of the year (``services.check_period_open``); a figure changes only by
  ``year_adjust``: a leader re-reads it from the records as of now, with a reason, and the report lists the
  adjustment (调整说明).
- ``live_differences`` compares the snapshot with the records as of now, for the pages that show both.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import audit, clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from gaoxin.indicators import links
from gaoxin.indicators.figures import Evaluator, Figure, figure_values, system_actor
from gaoxin.indicators.models import ClosedFigure, Indicator, YearClose, YearCloseEvent

CLOSER_ROLES = frozenset({Role.LEADER, Role.ADMIN})
ID_CHUNK = 5_000  # record ids fetched this many at a time (SQLite's limit on bound parameters)


def closed_year(year: int) -> YearClose | None:
    return YearClose.objects.filter(year=year).first()


def definition_version(indicator: Indicator) -> str:
    """A short digest of what the figure means: its definition text, computation and parameters, derivation."""
    text = json.dumps({"definition": indicator.definition, "computation": indicator.computation,
                       "params": indicator.params, "derivation": indicator.derivation, "unit": indicator.unit},
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ids_digest(ids: Iterable[int]) -> str:
    return hashlib.sha256(",".join(str(i) for i in ids).encode()).hexdigest()


def _ids(qs: QuerySet[Any] | None) -> list[int] | None:
    return None if qs is None else list(qs.order_by("pk").values_list("pk", flat=True))


def _closed_figure(close: YearClose, indicator: Indicator, figure: Any) -> ClosedFigure:
    ids = _ids(figure.records)
    denominator = _ids(figure.denominator_records)
    return ClosedFigure(
        close=close, ref=figure.ref, name=figure.name, section=figure.section, source=figure.source,
        measure=figure.measure, unit=figure.unit, value=figure.value, exact=figure.exact, number=figure.number,
        display_unit=figure.display_unit, missing=figure.missing, reason=figure.reason[:300],
        simulated=figure.simulated, definition=indicator.definition, definition_version=definition_version(indicator),
        provenance=json.loads(json.dumps(figure.provenance, default=str)),
        record_model=figure.records.model._meta.label if figure.records is not None else "",
        record_count=None if ids is None else len(ids), record_ids=ids or [], denominator_ids=denominator,
        records_digest="" if ids is None else ids_digest(ids + [-1] + (denominator or [])),
        total_field=figure.total_field,
    )


def _snapshot_digest(rows: Iterable[ClosedFigure]) -> str:
    content = [[r.ref, str(r.value), str(r.exact), r.missing, r.simulated, r.definition_version, r.records_digest]
               for r in rows]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def _require_closer(actor: User) -> None:
    if not (actor.is_superuser or actor.role in CLOSER_ROLES):
        raise PermissionDenied("只有领导和管理员可以办理年度关账", code="close_role")


def year_close(*, actor: User, year: int, note: str = "") -> YearClose:
    """Freeze ``year``'s figures. Refused before the year is over (Beijing time) and for a year already closed."""
    _require_closer(actor)
    if not 2000 <= year <= 2100:
        raise ApplicationError("年度须在 2000–2100 之间", field="year", code="bad_year")
    if clock.now().astimezone(SHANGHAI).year <= year:
        raise ApplicationError(f"{year} 年尚未结束，不能关账", field="year", code="year_not_over")
    with transaction.atomic():
        if YearClose.objects.select_for_update().filter(year=year).exists():
            raise Conflict(f"{year} 年已经关账", field="year", code="year_closed")
        evaluator = Evaluator(actor=system_actor(), year=year)
        now = clock.now()
        close = YearClose.objects.create(year=year, closed_at=now, closed_by=actor if actor.pk else None,
                                         digest="", note=note[:500])
        rows = [_closed_figure(close, evaluator.indicators[ref], evaluator.figure(ref))
                for ref in evaluator.indicators]
        ClosedFigure.objects.bulk_create(rows, batch_size=200)
        close.digest = _snapshot_digest(rows)
        close.save(update_fields=["digest"])
        audit.append(YearCloseEvent, close, actor=actor if actor.pk else None, at=now, action="close",
                     note=f"{len(rows)} 项指标；快照摘要 {close.digest}；{note}"[:500])
        return close


@transaction.atomic
def year_adjust(*, actor: User, year: int, ref: str, reason: str) -> ClosedFigure:
    """Re-read one figure of a closed year from the records as of now, with a reason: the report shows the new
    value and lists the adjustment (调整说明) with the old value, the date and the reason."""
    _require_closer(actor)
    if not reason or not reason.strip():
        raise ApplicationError("调整时必须填写原因", field="reason", code="reason_required")
    close = YearClose.objects.select_for_update().filter(year=year).first()
    if close is None:
        raise NotFound(f"{year} 年尚未关账", field="year", code="year_not_closed")
    closed = ClosedFigure.objects.filter(close=close, ref=ref).first()
    indicator = Indicator.objects.filter(ref=ref).first()
    if closed is None or indicator is None:
        raise NotFound(f"{year} 年的关账快照中没有指标 {ref}", field="ref")
    live = Evaluator(actor=system_actor(), year=year).figure(ref)
    if live.value == closed.value and live.missing == closed.missing:
        raise Conflict(f"{ref} 按当前记录计算仍为 {closed.number}{closed.display_unit}，无需调整", field="ref",
                       code="nothing_to_adjust")
    before = closed.value
    fresh = _closed_figure(close, indicator, live)
    now = clock.now()
    for name in ("value", "exact", "number", "display_unit", "missing", "reason", "simulated", "definition",
                 "definition_version", "provenance", "record_model", "record_count", "record_ids", "denominator_ids",
                 "records_digest", "total_field"):
        setattr(closed, name, getattr(fresh, name))
    closed.adjusted_at = now
    closed.save()
    audit.append(YearCloseEvent, close, actor=actor, at=now, action="adjust", ref=ref, value_before=before,
                 value_after=closed.value, note=reason.strip()[:500])
    return closed


@dataclass(frozen=True)
class Adjustment:
    ref: str
    name: str
    at: Any
    actor: str
    value_before: Decimal | None
    value_after: Decimal | None
    reason: str


def adjustments(year: int) -> list[Adjustment]:
    """调整说明: every adjustment of the closed year, oldest first."""
    close = closed_year(year)
    if close is None:
        return []
    names = dict(ClosedFigure.objects.filter(close=close).values_list("ref", "name"))
    return [Adjustment(e.ref, names.get(e.ref, ""), e.at, str(e.actor) if e.actor else "系统", e.value_before,
                       e.value_after, e.note)
            for e in close.events.filter(action="adjust").select_related("actor").order_by("seq")]


def year_figures(*, actor: User, year: int, refs: Iterable[str] | None = None) -> dict[str, Figure]:
    """The figures of ``year`` as every page and the report read them: the snapshot once the year is closed,
    otherwise computed from the records as ``actor`` may see them."""
    frozen = frozen_figures(year, refs)
    return frozen if frozen is not None else figure_values(actor=actor, year=year, refs=refs)


def frozen_figures(year: int, refs: Iterable[str] | None = None) -> dict[str, Figure] | None:
    """The closed year's figures (``figures.Figure``, carrying their ``frozen`` row), or None when not closed."""
    close = closed_year(year)
    if close is None:
        return None
    qs = ClosedFigure.objects.filter(close=close).defer("record_ids", "denominator_ids")
    wanted = list(refs) if refs is not None else None
    if wanted is not None:
        qs = qs.filter(ref__in=wanted)
    codes = dict(Indicator.objects.values_list("ref", "code"))
    out: dict[str, Figure] = {}
    for row in qs.order_by("pk"):
        out[row.ref] = Figure(
            ref=row.ref, code=codes.get(row.ref, row.ref), name=row.name, section=row.section, unit=row.unit,
            measure=row.measure, source=row.source, exact=row.exact, value=row.value, number=row.number,
            display_unit=row.display_unit, missing=row.missing, reason=row.reason,
            url=links.indicator_url(row.ref, year=year), provenance=row.provenance, total_field=row.total_field,
            simulated=row.simulated, definition=row.definition, frozen=row)
    if wanted is not None:
        return {ref: out[ref] for ref in wanted if ref in out}
    return out


def live_differences(year: int) -> list[dict[str, Any]]:
    """The figures of a closed year whose value as of now (from the records) differs from the closed one."""
    close = closed_year(year)
    if close is None:
        return []
    evaluator = Evaluator(actor=system_actor(), year=year)
    out: list[dict[str, Any]] = []
    for row in ClosedFigure.objects.filter(close=close).defer("record_ids", "denominator_ids").order_by("pk"):
        if row.ref not in evaluator.indicators:
            continue
        live = evaluator.figure(row.ref)
        if live.value != row.value or live.missing != row.missing:
            out.append({"ref": row.ref, "name": row.name, "closed": row.value, "closed_display":
                        f"{row.number}{row.display_unit}" if not row.missing else "—",
                        "now": live.value, "now_display": live.display if not live.missing else "—"})
    return out


def frozen_records(label: str, ids: list[int]) -> Iterator[models.Model]:
    """The records of ``ids`` (a closed figure's), in the order given, fetched a chunk at a time; a record deleted
    since the close is skipped (the page says how many are gone)."""
    model = apps.get_model(label)
    for start in range(0, len(ids), ID_CHUNK):
        chunk = ids[start:start + ID_CHUNK]
        found = model._default_manager.in_bulk(chunk)
        for pk in chunk:
            if pk in found:
                yield found[pk]

"""Reading the figures: the value of every indicator for a period, how it was made, and a link to that.

``figure_values(actor=…, year=…)`` evaluates the catalog: ``computed`` indicators through their registered
computation over the records the actor may see; ``submitted`` ones from the approved zone-level submission
(none approved → the figure is *missing*, and says so); ``derived`` ones from their base figure and reference
values, with their inputs. Values are rounded as the article rounds them (``decimals`` in the display unit)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.indicators import links
from gaoxin.indicators.computations import Context, compute
from gaoxin.indicators.models import ClosedFigure, Indicator, ReferenceValue, Submission, SubmissionEvidence

SOURCE_LABELS = {"computed": "平台记录计算", "derived": "推算", "submitted": "部门填报"}
SCOPE_WORDS = {"city": "全市", "province": "全省", "plan": "年度计划", "zone_budget": "一般公共预算支出",
               "zone": "本区", "city_districts": "市内各区"}


@dataclass
class Figure:
    ref: str
    code: str
    name: str
    section: str
    unit: str
    measure: str
    source: str
    exact: Decimal | None = None  # unrounded, in ``unit``
    value: Decimal | None = None  # rounded as the article, in ``unit``
    number: str = ""  # the rounded number as printed, in the display unit
    display_unit: str = ""
    missing: bool = False
    reason: str = ""
    url: str = ""  # where the provenance is shown: the indicator's page for the year
    provenance: dict[str, Any] = field(default_factory=dict)
    # A computed figure's records (``Computed``), read again by ``indicators.provenance``; never serialised.
    records: QuerySet[Any] | None = field(default=None, repr=False, compare=False)
    denominator_records: QuerySet[Any] | None = field(default=None, repr=False, compare=False)
    total_field: str = ""
    records_total: Callable[[QuerySet[Any]], Decimal | None] | None = field(default=None, repr=False, compare=False)
    # 模拟: the value rests on simulated data (a simulated submission, synthetic records or reference values).
    simulated: bool = False
    definition: str = ""
    frozen: ClosedFigure | None = field(default=None, repr=False, compare=False)  # the closed year's row

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)

    @property
    def is_helper(self) -> bool:
        """A supplementary base (X…) that a derived figure needs and the article does not state."""
        return self.ref.startswith("X")

    @property
    def display(self) -> str:
        return f"{self.number}{self.display_unit}" if not self.missing else f"【{self.ref} 暂无数值】"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.ref, "code": self.code, "name": self.name, "section": self.section,
            "value": None if self.value is None else _json_number(self.value),
            "exact": None if self.exact is None else _json_number(self.exact),
            "unit": self.unit, "display": None if self.missing else self.display, "measure": self.measure,
            "source": self.source, "missing": self.missing, "reason": self.reason, "url": self.url,
            "provenance": self.provenance, "simulated": self.simulated, "closed": self.frozen is not None,
        }


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def system_actor() -> User:
    """The zone-wide reader the report computes as (an unsaved leader: it sees everything and writes nothing)."""
    return User(username="year-end-report", role=Role.LEADER, display_name="年终报告", is_active=True)


def round_figure(indicator: Indicator, exact: Decimal) -> tuple[Decimal, str]:
    """(value in the unit, number as printed in the display unit) at the article's precision."""
    quantum = Decimal(1).scaleb(-indicator.decimals)
    shown = (exact / indicator.display_scale).quantize(quantum, rounding=ROUND_HALF_UP)
    return shown * indicator.display_scale, format(shown, "f")


def _set_value(figure: Figure, indicator: Indicator, exact: Decimal | None) -> None:
    if exact is None:
        figure.missing = True
        figure.reason = figure.reason or "没有可计算的记录（分母为零）"
        return
    figure.exact = exact
    figure.value, figure.number = round_figure(indicator, exact)
    figure.display_unit = indicator.display_unit or indicator.unit


def _rests_on_synthetic(records: QuerySet[Any] | None) -> bool:
    """Whether any of a computed figure's records was written by the simulation (``is_synthetic``)."""
    if records is None:
        return False
    if not any(f.name == "is_synthetic" for f in records.model._meta.concrete_fields):
        return False
    return records.filter(is_synthetic=True).exists()


def zone_submissions(period: str, indicator_ids: Iterable[int] | None = None) -> dict[int, Submission]:
    """The approved zone-level submission (org unit without a parent) of each indicator for ``period``."""
    qs = Submission.objects.filter(period=period, status=Submission.Status.APPROVED, org_unit__parent__isnull=True)
    if indicator_ids is not None:
        qs = qs.filter(indicator_id__in=list(indicator_ids))
    qs = qs.select_related("approved_by", "created_by", "org_unit").prefetch_related(
        Prefetch("evidence", queryset=SubmissionEvidence.objects.order_by("pk"))).order_by("org_unit__path")
    found: dict[int, Submission] = {}
    for s in qs:
        found.setdefault(s.indicator_id, s)
    return found


def _submitted(figure: Figure, indicator: Indicator, submission: Submission | None) -> None:
    if submission is None:
        figure.missing = True
        figure.reason = "尚无已审核的填报数值"
        figure.provenance = {"kind": "submitted", "submission": None, "owner": indicator.owner_code}
        return
    _set_value(figure, indicator, submission.value)
    figure.simulated = submission.is_simulated
    figure.provenance = {
        "kind": "submitted", "submission": submission.pk, "period": submission.period,
        "org_unit": submission.org_unit.name, "status": submission.status,
        "submitted_by": str(submission.created_by) if submission.created_by else None,
        "submitted_at": submission.submitted_at.isoformat() if submission.submitted_at else None,
        "approved_by": str(submission.approved_by) if submission.approved_by else "系统（模拟数据）",
        "approved_at": submission.approved_at.isoformat() if submission.approved_at else None,
        "evidence": [{"name": e.original_name, "sha256": e.sha256} for e in submission.evidence.all()],
        "is_simulated": submission.is_simulated, "url": links.submission_url(submission.pk),
    }


class Evaluator:
    """Evaluates figures of one period for one actor, each at most once (derived figures reuse their bases)."""

    def __init__(self, *, actor: User, year: int) -> None:
        self.actor = actor
        self.year = year
        self.ctx = Context(actor=actor, year=year)
        self.indicators = {i.ref: i for i in Indicator.objects.all()}
        self.by_code = {i.code: i for i in self.indicators.values()}
        self.submissions = zone_submissions(str(year))
        self.references: dict[str, list[ReferenceValue]] = {}
        for rv in ReferenceValue.objects.filter(period__in=[str(year), str(year - 1)]).order_by("peer"):
            self.references.setdefault(rv.key, []).append(rv)
        self.figures: dict[str, Figure] = {}

    def figure(self, ref: str) -> Figure:
        if ref not in self.figures:
            self.figures[ref] = self._evaluate(self.indicators[ref])
        return self.figures[ref]

    def all(self) -> list[Figure]:
        return [self.figure(ref) for ref in self.indicators]

    def _evaluate(self, indicator: Indicator) -> Figure:
        figure = Figure(ref=indicator.ref, code=indicator.code, name=indicator.name, section=indicator.section,
                        unit=indicator.unit, measure=indicator.measure, source=indicator.source,
                        url=links.indicator_url(indicator.ref, year=self.year), definition=indicator.definition)
        if indicator.source == Indicator.Source.COMPUTED:
            result = compute(self.ctx, indicator.computation, indicator.params)
            _set_value(figure, indicator, result.value)
            figure.records, figure.denominator_records = result.records, result.denominator_records
            figure.total_field, figure.records_total = result.total_field, result.records_total
            figure.simulated = _rests_on_synthetic(result.records)
            figure.provenance = {"kind": "computed", "function": result.function, "params": result.params,
                                 "definition": indicator.definition, **result.detail}
            if links.is_routed(result.url):
                figure.provenance["list_url"] = result.url
        elif indicator.source == Indicator.Source.SUBMITTED:
            _submitted(figure, indicator, self.submissions.get(indicator.pk))
        else:
            self._derive(figure, indicator)
        return figure

    def _reference(self, key: str, scope: str, period: str) -> list[ReferenceValue]:
        return [rv for rv in self.references.get(key, []) if rv.scope == scope and rv.period == period]

    def _derive(self, figure: Figure, indicator: Indicator) -> None:
        rule = indicator.derivation
        base = self.figure(rule["base"])
        base_input = {"id": base.ref, "name": base.name, "value": None if base.exact is None else _plain(base.exact),
                      "unit": base.unit, "source": base.source, "url": base.url}
        figure.provenance = {"kind": "derived", "rule": rule["kind"], "definition": indicator.definition,
                             "inputs": [base_input]}
        figure.simulated = base.simulated
        if base.exact is None:
            figure.missing, figure.reason = True, f"基础指标 {base.ref} 暂无数值"
            return
        kind, period = rule["kind"], str(self.year)
        base_code = self.indicators[base.ref].code
        scope = rule.get("scope", "zone")
        if kind == "growth":
            refs = self._reference(base_code, "zone", str(self.year - 1))
        else:
            refs = self._reference(base_code, scope, period)
        figure.provenance["inputs"] += [
            {"reference": True, "key": rv.key, "period": rv.period, "scope": rv.get_scope_display(), "peer": rv.peer,
             "value": _plain(rv.value), "unit": rv.unit, "source": rv.source, "is_synthetic": rv.is_synthetic,
             "document": rv.document, "issuer": rv.issuer,
             "issued_on": rv.issued_on.isoformat() if rv.issued_on else None}
            for rv in refs
        ]
        figure.simulated = figure.simulated or any(rv.is_synthetic for rv in refs)
        if kind == "growth" and not refs:
            previous = self._previous_year(base.ref)
            if previous is not None:
                figure.provenance["inputs"].append({"id": base.ref, "period": str(self.year - 1),
                                                    "value": _plain(previous)})
                refs_value: Decimal | None = previous
            else:
                refs_value = None
        else:
            refs_value = refs[0].value if refs and kind != "rank" else None
        if kind == "rank":
            if not refs:
                figure.missing, figure.reason = True, "缺少同级单位的对比参考值"
                return
            above = sum(1 for rv in refs if rv.value > base.exact)
            figure.provenance["formula"] = f"1 + {above}（{len(refs)} 个对比单位中高于 {_plain(base.exact)} 的个数）"
            _set_value(figure, indicator, Decimal(1 + above))
            return
        if not refs_value:
            figure.missing = True
            figure.reason = f"缺少参考值（{SCOPE_WORDS.get(scope, scope)}）" if kind != "growth" else "缺少上年值"
            return
        if kind == "growth":
            exact = (base.exact / refs_value - 1) * 100
            formula = f"({_plain(base.exact)} ÷ {_plain(refs_value)} − 1) × 100"
        else:
            exact = base.exact / refs_value * 100
            formula = f"{_plain(base.exact)} ÷ {_plain(refs_value)} × 100"
        figure.provenance["formula"] = f"{formula} = {_plain(exact.quantize(Decimal('0.001')))}"
        _set_value(figure, indicator, exact)

    def _previous_year(self, ref: str) -> Decimal | None:
        indicator = self.indicators[ref]
        if indicator.source == Indicator.Source.COMPUTED:
            return compute(Context(actor=self.actor, year=self.year - 1), indicator.computation,
                           indicator.params).value
        if indicator.source == Indicator.Source.SUBMITTED:
            found = zone_submissions(str(self.year - 1), [indicator.pk]).get(indicator.pk)
            return found.value if found else None
        return None


def figure_values(*, actor: User, year: int, refs: Iterable[str] | None = None) -> dict[str, Figure]:
    """Every figure (or those of ``refs``) for ``year``, keyed by ref, in catalog order."""
    evaluator = Evaluator(actor=actor, year=year)
    wanted = list(refs) if refs is not None else list(evaluator.indicators)
    return {ref: evaluator.figure(ref) for ref in wanted}


def derived_by_base() -> dict[str, list[Indicator]]:
    """For each base indicator, the derived indicators built on it (its share, growth, completion, rank)."""
    out: dict[str, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(source=Indicator.Source.DERIVED):
        out.setdefault(indicator.derivation["base"], []).append(indicator)
    return out

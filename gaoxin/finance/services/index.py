"""Computing the SME growth index for a year (``finance.sme_index``): the raw data read from the registry and the
finance records, the index computed with its sensitivity analysis, and the run stored with its scores. A new
computation is a new run (the earlier ones stay, so a published figure can be traced); pages read the latest run
of a year."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from django.db import transaction
from django.db.models import Sum

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError
from gaoxin.enterprises.models import AnnualFigures, Enterprise, QualificationAward
from gaoxin.finance import policy, sme_index
from gaoxin.finance.models import FinancingDeal, FinancingDemand, IndexRun, IndexScore, Investment

FEN_PER_WAN = 1_000_000


def raw_data(year: int, cfg: sme_index.Config) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, raw columns as ``sme_index.RAW``, size classes) of the population: the SMEs with figures for ``year``."""
    figures = {e: (r, emp, rd, tax) for e, r, emp, rd, tax in AnnualFigures.objects.filter(
        year=year, enterprise__size__in=cfg.sizes).values_list("enterprise_id", "revenue", "employees",
                                                                 "rd_spending", "tax_paid")}
    ids = sorted(figures)
    before = {e: (r, emp) for e, r, emp in AnnualFigures.objects.filter(year=year - 1, enterprise_id__in=ids)
              .values_list("enterprise_id", "revenue", "employees")}
    points: dict[int, float] = defaultdict(float)
    for e, level in QualificationAward.objects.filter(year=year, enterprise_id__in=ids).values_list(
            "enterprise_id", "qualification_type__level"):
        points[e] += cfg.qualification_points.get(level, 0)
    money: dict[int, int] = defaultdict(int)
    for queryset, day, amount in ((FinancingDeal.objects, "closed_on", "amount_fen"),
                                  (FinancingDemand.objects, "granted_on", "granted_fen"),
                                  (Investment.objects, "invested_on", "amount_fen")):
        for e, total in queryset.filter(**{f"{day}__year": year, "enterprise_id__in": ids}).values(
                "enterprise_id").annotate(total=Sum(amount)).values_list("enterprise_id", "total"):
            money[e] += int(total or 0)
    sizes = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "size"))
    nan = float("nan")
    raw = np.array([[float(figures[e][0]), float(before[e][0]) if e in before else nan, float(figures[e][1]),
                     float(before[e][1]) if e in before else nan, float(figures[e][2]), float(figures[e][3]),
                     points[e], money[e] / FEN_PER_WAN] for e in ids], dtype=np.float64).reshape(len(ids), 8)
    size_class = np.array([cfg.sizes.index(sizes[e]) for e in ids], dtype=np.int64)
    return np.array(ids, dtype=np.int64), raw, size_class


@transaction.atomic
def index_compute(*, actor: User, year: int, is_synthetic: bool = False) -> IndexRun:
    """Compute and store the index of ``year`` (the officers)."""
    policy.require_officer(actor)
    if not 2000 <= int(year) <= clock.now().year:
        raise ApplicationError("年度：超出范围", field="year", code="invalid_year")
    cfg = sme_index.config()
    ids, raw, sizes = raw_data(int(year), cfg)
    if ids.size == 0:
        raise ApplicationError(f"年度：{year} 年没有中小企业的年度经营数据，无法计算", field="year", code="no_data")
    result = sme_index.compute(ids, raw, sizes, cfg)
    run = IndexRun.objects.create(
        year=int(year), version=cfg.version, config_digest=cfg.digest, input_digest=result.input_digest,
        enterprises=int(ids.size), imputed=result.imputed, treatment=result.treatment,
        scenarios=[vars(s) for s in result.scenarios], computed_at=clock.now(), computed_by=actor,
        is_synthetic=is_synthetic)
    IndexScore.objects.bulk_create([
        IndexScore(run=run, enterprise_id=int(e), score=float(result.scores[i]), rank=int(result.ranks[i]),
                   pillars=[round(float(v), 6) for v in result.pillars[i]],
                   indicators=[round(float(v), 6) for v in result.indicators[i]],
                   rank_median=float(result.rank_median[i]), rank_p05=float(result.rank_p05[i]),
                   rank_p95=float(result.rank_p95[i]))
        for i, e in enumerate(result.ids)], batch_size=2000)
    return run

"""The matching step of the financing platform (匹配对接): which banks' products fit an enterprise's demand, and
why. Pure over ``Facts`` read from the registry in bulk, so one demand and every open demand against every product
(``bench/bench_finance.py``) run the same code.

A product fits a demand when every criterion holds: the amount within the product's range, the term within its
longest, collateral when the product needs it, and each eligibility rule the product states over the registry's
facts — the enterprise's size, its industrial chains, the qualifications it holds (this year or last), its
employees and revenue in its latest annual figures. Every criterion yields one reason, kept with the proposal,
so a bank, the enterprise and the officer read why a product was proposed; the officer also reads why the others
were not. Fitting products are ranked by their lowest rate, then by the highest amount they allow; the best
``MAX_PROPOSALS`` are proposed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from gaoxin.enterprises.models import AnnualFigures, Enterprise, IndustrialChain, QualificationAward, QualificationType
from gaoxin.finance.models import FinancingDemand, LoanProduct

MAX_PROPOSALS = 3
RULE_KEYS = frozenset({"sizes", "chains_any", "qualifications_any", "min_employees", "min_revenue_wan"})
FEN_PER_WAN = 1_000_000


@dataclass(frozen=True)
class Facts:
    """What the rules read of one enterprise."""

    size: str = ""
    chains: frozenset[str] = frozenset()
    qualifications: frozenset[str] = frozenset()
    employees: int | None = None
    revenue_wan: Decimal | None = None


@dataclass(frozen=True)
class Fit:
    product: LoanProduct
    eligible: bool
    reasons: list[str] = field(default_factory=list)


def facts_for(enterprise_ids: Iterable[int], *, year: int) -> dict[int, Facts]:
    """The facts of many enterprises in four queries: size, chains, qualifications of ``year`` or the year before,
    and the latest annual figures up to ``year``."""
    ids = list(set(enterprise_ids))
    sizes = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "size"))
    chains: dict[int, set[str]] = {}
    for enterprise_id, code in Enterprise.chains.through.objects.filter(enterprise_id__in=ids).values_list(
            "enterprise_id", "industrialchain__code"):
        chains.setdefault(enterprise_id, set()).add(code)
    held: dict[int, set[str]] = {}
    for enterprise_id, code in QualificationAward.objects.filter(
            enterprise_id__in=ids, year__in=(year - 1, year)).values_list("enterprise_id", "qualification_type__code"):
        held.setdefault(enterprise_id, set()).add(code)
    latest: dict[int, tuple[int, Decimal]] = {}
    for enterprise_id, employees, revenue in AnnualFigures.objects.filter(
            enterprise_id__in=ids, year__lte=year).order_by("enterprise_id", "year").values_list(
            "enterprise_id", "employees", "revenue"):
        latest[enterprise_id] = (employees, revenue)  # the last year wins
    return {i: Facts(size=sizes.get(i) or "", chains=frozenset(chains.get(i, ())),
                     qualifications=frozenset(held.get(i, ())),
                     employees=latest[i][0] if i in latest else None,
                     revenue_wan=latest[i][1] if i in latest else None) for i in ids}


def _wan(fen: int) -> str:
    return f"{Decimal(fen) / FEN_PER_WAN:,.2f}".rstrip("0").rstrip(".")


def labels() -> dict[str, str]:
    """The names of the chains and qualifications the rules name by code, for the reasons."""
    return {**dict(IndustrialChain.objects.values_list("code", "name")),
            **dict(QualificationType.objects.values_list("code", "name"))}


def fit(product: LoanProduct, demand: FinancingDemand, facts: Facts, names: dict[str, str] | None = None) -> Fit:
    def named(codes: Iterable[str]) -> str:
        return "、".join((names or {}).get(c, c) for c in sorted(codes))

    checks: list[tuple[bool, str]] = []
    amount, low, high = demand.amount_fen, product.amount_min_fen, product.amount_max_fen
    checks.append((low <= amount <= high, f"额度：需求 {_wan(amount)} 万元，产品 {_wan(low)}–{_wan(high)} 万元"))
    checks.append((demand.term_months <= product.term_max_months,
                   f"期限：需求 {demand.term_months} 个月，产品最长 {product.term_max_months} 个月"))
    if product.needs_collateral:
        checks.append((demand.collateral != FinancingDemand.Collateral.NONE,
                       f"担保方式：产品需要抵质押或担保，企业为“{demand.get_collateral_display()}”"))
    rules = product.rules or {}
    if rules.get("sizes"):
        size_label = Enterprise.Size(facts.size).label if facts.size in Enterprise.Size.values else "未登记"
        checks.append((facts.size in rules["sizes"], f"企业规模：{size_label}"))
    if rules.get("chains_any"):
        both = facts.chains & set(rules["chains_any"])
        checks.append((bool(both), f"产业链：{named(both) if both else '不在产品支持的产业链'}"))
    if rules.get("qualifications_any"):
        both = facts.qualifications & set(rules["qualifications_any"])
        checks.append((bool(both), f"资质：{'持有 ' + named(both) if both else '未持有产品要求的资质'}"))
    if rules.get("min_employees") is not None:
        n = facts.employees
        checks.append((n is not None and n >= int(rules["min_employees"]),
                       f"从业人员：{'未报送' if n is None else n} 人，要求不少于 {rules['min_employees']} 人"))
    if rules.get("min_revenue_wan") is not None:
        r = facts.revenue_wan
        told = "未报送" if r is None else f"{r:,.2f} 万元"
        checks.append((r is not None and r >= Decimal(str(rules["min_revenue_wan"])),
                       f"营业收入：{told}，要求不少于 {rules['min_revenue_wan']} 万元"))
    return Fit(product, all(ok for ok, _ in checks), [("✓ " if ok else "✗ ") + text for ok, text in checks])


def rank(fits: Iterable[Fit]) -> list[Fit]:
    """The eligible fits, best first (lowest rate, then highest amount allowed, then the product's id)."""
    eligible = [f for f in fits if f.eligible]
    return sorted(eligible, key=lambda f: (f.product.rate_min_pct, -f.product.amount_max_fen, f.product.pk))


def proposals_for(demand: FinancingDemand, products: Iterable[LoanProduct], facts: Facts,
                  names: dict[str, str] | None = None) -> list[Fit]:
    return rank(fit(p, demand, facts, names) for p in products)[:MAX_PROPOSALS]

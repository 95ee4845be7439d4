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

from collections.abc import Callable, Iterable, Iterator
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


def _revenue(revenue_wan: Decimal | None) -> str:
    return "未报送" if revenue_wan is None else f"{revenue_wan:,.2f} 万元"


def _criteria(product: LoanProduct, demand: FinancingDemand, facts: Facts,
              names: dict[str, str] | None) -> Iterator[tuple[bool, Callable[[], str]]]:
    """Each criterion the product sets, in order: whether it holds, and how to say why (formatted only when asked:
    the matching of every demand explains only what it proposes)."""
    def named(codes: Iterable[str]) -> str:
        return "、".join((names or {}).get(c, c) for c in sorted(codes))

    amount, low, high = demand.amount_fen, product.amount_min_fen, product.amount_max_fen
    yield low <= amount <= high, lambda: f"额度：需求 {_wan(amount)} 万元，产品 {_wan(low)}–{_wan(high)} 万元"
    yield (demand.term_months <= product.term_max_months,
           lambda: f"期限：需求 {demand.term_months} 个月，产品最长 {product.term_max_months} 个月")
    if product.needs_collateral:
        yield (demand.collateral != FinancingDemand.Collateral.NONE,
               lambda: f"担保方式：产品需要抵质押或担保，企业为“{demand.get_collateral_display()}”")
    rules = product.rules or {}
    if rules.get("sizes"):
        size = facts.size
        known = size in Enterprise.Size.values
        yield size in rules["sizes"], lambda: f"企业规模：{Enterprise.Size(size).label if known else '未登记'}"
    if rules.get("chains_any"):
        chains = facts.chains & set(rules["chains_any"])
        yield bool(chains), lambda: f"产业链：{named(chains) if chains else '不在产品支持的产业链'}"
    if rules.get("qualifications_any"):
        held = facts.qualifications & set(rules["qualifications_any"])
        yield bool(held), lambda: f"资质：{'持有 ' + named(held) if held else '未持有产品要求的资质'}"
    if rules.get("min_employees") is not None:
        n = facts.employees
        yield (n is not None and n >= int(rules["min_employees"]),
               lambda: f"从业人员：{'未报送' if n is None else n} 人，要求不少于 {rules['min_employees']} 人")
    if rules.get("min_revenue_wan") is not None:
        r = facts.revenue_wan
        yield (r is not None and r >= Decimal(str(rules["min_revenue_wan"])),
               lambda: f"营业收入：{_revenue(r)}，要求不少于 {rules['min_revenue_wan']} 万元")


def fits(product: LoanProduct, demand: FinancingDemand, facts: Facts) -> bool:
    """Whether every criterion holds (no reasons: stops at the first that fails)."""
    return all(ok for ok, _ in _criteria(product, demand, facts, None))


def fit(product: LoanProduct, demand: FinancingDemand, facts: Facts, names: dict[str, str] | None = None) -> Fit:
    """Every criterion with its reason."""
    checks = [(ok, say()) for ok, say in _criteria(product, demand, facts, names)]
    return Fit(product, all(ok for ok, _ in checks), [("✓ " if ok else "✗ ") + text for ok, text in checks])


def proposals_for(demand: FinancingDemand, products: Iterable[LoanProduct], facts: Facts,
                  names: dict[str, str] | None = None) -> list[Fit]:
    """The best ``MAX_PROPOSALS`` fitting products, each with its reasons (only those are explained)."""
    chosen = sorted((p for p in products if fits(p, demand, facts)),
                    key=lambda p: (p.rate_min_pct, -p.amount_max_fen, p.pk))[:MAX_PROPOSALS]
    return [fit(p, demand, facts, names) for p in chosen]

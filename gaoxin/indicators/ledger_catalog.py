"""The seed's figures kept in ledgers (台账, ``gaoxin.ledgers``; issue 20): each is ``ledger_metric`` over one
shipped ledger (``gaoxin/ledgers/forms/<ledger>.md``) with its aggregate, field, filters and unit divisor. The
catalog (``catalog.COMPUTED``) takes them in."""

from __future__ import annotations

from typing import Any

YES = "yes"


def _m(ledger: str, aggregate: str, field: str = "", *, divide_by: int = 1, filters: dict[str, Any] | None = None,
       denominator_field: str = "") -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"ledger": ledger, "aggregate": aggregate}
    if field:
        params["field"] = field
    if denominator_field:
        params["denominator_field"] = denominator_field
    if filters:
        params["filters"] = filters
    if divide_by != 1:
        params["divide_by"] = divide_by
    return "ledger_metric", params


LOAN = {"special_loan": YES}

LEDGER_COMPUTED: dict[str, tuple[str, dict[str, Any]]] = {
    # Industry: the chains the city selected, the key facility's capacity (the latest quarter's).
    "F001": _m("industrial_chains", "count", filters={"first_batch": YES}),
    "F005": _m("hydrogen_facilities", "latest", "daily_capacity"),
    "F006": _m("hydrogen_facilities", "latest", "trucks_served"),
    "F072": _m("livelihood_budget", "sum", "livelihood_spending", divide_by=10**10),  # 分 → 亿元
    "F073": _m("livelihood_budget", "share", "livelihood_spending", denominator_field="general_budget"),
    "F074": _m("resettlement", "sum", "area", divide_by=10_000),  # 平方米 → 万平方米
    "F075": _m("resettlement", "sum", "residents", divide_by=10_000),  # 人 → 万人
    "F076": _m("guaranteed_delivery", "distinct", "project"),
    "F077": _m("guaranteed_delivery", "distinct", "project", filters=LOAN),
    "F078": _m("guaranteed_delivery", "sum", "units_delivered", filters=LOAN),
    "F079": _m("guaranteed_delivery", "share", "units_delivered", denominator_field="units_planned", filters=LOAN),
    "F080": _m("guaranteed_delivery", "distinct", "project", filters={"deed_on_delivery": YES}),
    "F081": _m("water_switch", "sum", "beneficiaries", divide_by=10_000),
    "F082": _m("utilities", "sum", "water_capacity", divide_by=10_000),
    "F083": _m("utilities", "sum", "heating_area", divide_by=10_000),
    "F084": _m("utilities", "sum", "gas_users", divide_by=10_000),
    "F085": _m("substations", "count", filters={"voltage": "110kv", "in_service": YES}),
    "F086": _m("employment_events", "count"),
    "F087": _m("employment_events", "sum", "jobs_offered", divide_by=10_000),
    "F088": _m("new_jobs", "sum", "new_jobs"),
    "F090": _m("skills_training", "sum", "trainees", divide_by=10_000),
    "F091": _m("skills_training", "sum", "new_skilled", divide_by=10_000),
    "F094": _m("schools", "count", filters={"category": "school"}),
    "F095": _m("schools", "count", filters={"category": "kindergarten", "ownership": "public"}),
    "F096": _m("schools", "sum", "places"),
    "F097": _m("health_centers", "count", filters={"government_led": YES}),
    "F098": _m("home_care", "sum", "services", divide_by=10_000),
    "F099": _m("elderly_allowance", "sum", "amount", divide_by=1_000_000),  # 分 → 万元
    "F101": _m("party_study", "sum", "sessions"),
    "F102": _m("party_posts", "sum", "count"),
    "F103": _m("practical_deeds", "sum", "deeds"),
    "F104": _m("role_models", "sum", "people"),
    "F105": _m("lectures", "sum", "cadre_lectures"),
    "F106": _m("lectures", "sum", "party_lectures"),
    "F107": _m("research", "sum", "trips"),
    "F108": _m("research", "sum", "reports"),
    "F109": _m("research", "sum", "proposals"),
    "F110": _m("guidance_visits", "sum", "visits"),
}

_AGGREGATE_TEXT = {"sum": "合计", "count": "条目数", "distinct": "不同取值数", "share": "比值 × 100",
                   "latest": "最新一期的值"}


def _text(params: dict[str, Any]) -> str:
    what = params.get("field", "")
    if params["aggregate"] == "share":
        what = f"{params['field']} ÷ {params['denominator_field']}"
    filters = "，".join(f"{k} = {v}" for k, v in params.get("filters", {}).items())
    scale = f"，÷ {params['divide_by']} 换算为指标单位" if "divide_by" in params else ""
    return (f"台账 {params['ledger']} 统计年度内已审核通过的条目（修订以最新通过版为准）"
            f"{'中 ' + filters + ' 的' if filters else ''}{what} 的{_AGGREGATE_TEXT[params['aggregate']]}{scale}")


LEDGER_DEFINITIONS: dict[str, str] = {ref: _text(params) for ref, (_, params) in LEDGER_COMPUTED.items()}

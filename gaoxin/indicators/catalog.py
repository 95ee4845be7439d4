"""The indicator catalog, as data: one indicator for every figure of the seed (``data/figures.csv``, ids kept as
``ref``) plus two supplementary base indicators (X001, X002) from which the seed's land share and ranks are
derived. ``catalog_ensure`` writes it to the database (idempotent); the data migration calls it.

Sources: ``computed`` by a function of ``computations.REGISTRY`` over the platform's records; ``derived`` from a
base indicator and reference values (``derivation``); ``submitted`` by the owning department until the system
that holds the records exists (DESIGN §2)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from gaoxin.indicators.ledger_catalog import LEDGER_COMPUTED, LEDGER_DEFINITIONS

DATA = Path(__file__).resolve().parent / "data"

# Departments that submit (codes of the zone's org units, accounts/synthetic.py).
OWNER_BY_SYSTEM = {
    "enterprises": "GX-D10",  # 经济发展局
    "projects": "GX-D10",
    "land": "GX-D06",  # 自然资源和规划局
    "policies": "GX-D14",  # 企业服务局
    "finance": "GX-D12",  # 财政金融局
    "talent": "GX-D13",  # 人力资源和社会保障局
    "innovation": "GX-D11",  # 科技创新局
    "livelihood": "GX-D09",  # 社会事业局
    "party": "GX-D15",  # 党群工作部
    "report": "GX-D15",
}

CODES: dict[str, str] = {
    "F001": "chain_strategic_first_batch", "F002": "chain_strategic_first_batch_city_share",
    "F003": "chain_leader_enterprises", "F004": "chain_leader_enterprises_city_rank",
    "F005": "hydrogen_station_daily_capacity", "F006": "hydrogen_trucks_served",
    "F007": "service_manufacturing_pilots", "F008": "service_manufacturing_pilots_city_share",
    "F009": "digital_transformation_providers", "F010": "digital_economy_parks_and_key_enterprises",
    "F011": "projects_signed_amount", "F012": "projects_started_investment", "F013": "key_projects",
    "F014": "key_projects_investment", "F015": "key_projects_investment_completion",
    "F016": "new_national_tech_centers", "F017": "new_national_tech_centers_province_share",
    "F018": "new_prov_engineering_centers", "F019": "new_prov_engineering_centers_city_share",
    "F020": "new_prov_major_rd_institutes", "F021": "new_prov_major_rd_institutes_province_share",
    "F022": "new_incubators", "F023": "excellent_incubators", "F024": "excellent_incubators_province_share",
    "F025": "tech_smes", "F026": "tech_smes_city_share", "F027": "new_gazelles", "F028": "new_gazelles_growth",
    "F029": "innovation_leaders", "F030": "innovation_leaders_province_share", "F031": "new_little_giants",
    "F032": "new_prov_srdi", "F033": "industrial_tech_platforms", "F034": "industrial_tech_platforms_province_share",
    "F035": "city_top10_three_high", "F036": "mayor_quality_awards", "F037": "new_listed", "F038": "new_neeq_listed",
    "F039": "urgent_talents", "F040": "urgent_talents_city_share", "F041": "innovation_teams",
    "F042": "innovation_teams_city_share", "F043": "tech_contract_turnover", "F044": "tech_needs_solved",
    "F045": "cooperation_intents", "F046": "new_rd_institutes_introduced", "F047": "rd_results_transferred",
    "F048": "rd_results_published", "F049": "rd_results_matched", "F050": "major_innovation_projects",
    "F051": "major_innovation_funding", "F052": "reception_sessions", "F053": "reception_problems_resolved",
    "F054": "visits", "F055": "visit_problems_resolved", "F056": "visit_problem_resolution_rate",
    "F057": "policies_implemented", "F058": "policy_funds_paid", "F059": "policy_enterprises",
    "F060": "four_permits_days", "F061": "industrial_land_city_share", "F062": "industrial_land_district_rank",
    "F063": "new_fund_managers", "F064": "new_fund_capital", "F065": "equity_financing",
    "F066": "zhenghaorong_new_enterprises", "F067": "zhenghaorong_financing", "F068": "new_guidance_funds",
    "F069": "guidance_fund_projects", "F070": "guidance_fund_investment", "F071": "capital_power_financing",
    "F072": "livelihood_spending", "F073": "livelihood_spending_budget_share", "F074": "resettlement_housing_area",
    "F075": "resettled_residents", "F076": "guaranteed_delivery_projects", "F077": "special_loan_projects",
    "F078": "special_loan_units_delivered", "F079": "special_loan_delivery_rate", "F080": "deed_on_delivery_projects",
    "F081": "water_swap_beneficiaries", "F082": "new_water_supply_capacity", "F083": "new_heating_area",
    "F084": "new_gas_users", "F085": "new_substations_110kv", "F086": "employment_events", "F087": "jobs_offered",
    "F088": "new_urban_jobs", "F089": "young_talents_attracted", "F090": "skills_training",
    "F091": "new_skilled_workers", "F092": "startup_guarantee_loans", "F093": "startup_jobs", "F094": "new_schools",
    "F095": "new_public_kindergartens",
    "F096": "new_school_places", "F097": "new_community_health_centers", "F098": "home_care_services",
    "F099": "elderly_allowance", "F100": "fitness_facilities_city_rank", "F101": "party_study_sessions",
    "F102": "party_responsibility_areas", "F103": "practical_deeds", "F104": "role_models",
    "F105": "cadre_lectures", "F106": "party_lectures", "F107": "research_trips", "F108": "research_reports",
    "F109": "policy_proposals", "F110": "leader_guidance_visits", "F111": "grids", "F112": "micro_grids",
    "F113": "grid_events", "F114": "grid_event_closure_rate", "F115": "work_report_char_gao",
    "F116": "work_report_char_xin",
    "X001": "industrial_land_area", "X002": "fitness_facilities_completion",
}

# Computed indicators: ref → (function of computations.REGISTRY, its parameters).
COMPUTED: dict[str, tuple[str, dict[str, Any]]] = {
    "F003": ("qualification_count", {"type_code": "chain_leader_city"}),
    "F007": ("qualification_count", {"type_code": "service_manufacturing_prov", "new_only": True}),
    "F009": ("qualification_count", {"type_code": "digital_transformation_provider"}),
    "F010": ("qualification_count", {"type_code": "digital_economy_key"}),
    "F016": ("qualification_count", {"type_code": "national_tech_center", "new_only": True}),
    "F018": ("qualification_count", {"type_code": "prov_engineering_center", "new_only": True}),
    "F020": ("qualification_count", {"type_code": "prov_major_rd_institute", "new_only": True}),
    "F022": ("qualification_count", {"type_code": "incubator", "new_only": True}),
    "F023": ("qualification_count", {"type_code": "incubator_excellent"}),
    "F025": ("qualification_count", {"type_code": "tech_sme"}),
    "F027": ("qualification_count", {"type_code": "gazelle_prov", "new_only": True}),
    "F029": ("qualification_count", {"type_code": "innovation_leader_prov"}),
    "F031": ("qualification_count", {"type_code": "little_giant", "new_only": True}),
    "F032": ("qualification_count", {"type_code": "srdi_prov", "new_only": True}),
    "F033": ("qualification_count", {"type_code": "industrial_tech_platform"}),
    "F035": ("qualification_count", {"type_code": "city_top10_three_high"}),
    "F036": ("qualification_count", {"type_code": "mayor_quality_award"}),
    "F037": ("qualification_count", {"type_code": "listed", "new_only": True}),
    "F038": ("qualification_count", {"type_code": "neeq_listed", "new_only": True}),
    "F052": ("reception_metric", {"metric": "sessions"}),
    "F053": ("reception_metric", {"metric": "reception_problems_resolved"}),
    "F054": ("visit_metric", {"metric": "visits"}),
    "F055": ("visit_metric", {"metric": "problems_resolved"}),
    "F056": ("visit_metric", {"metric": "resolution_rate"}),
    "F111": ("grid_count", {"level": "grid"}),
    "F112": ("grid_count", {"level": "micro"}),
    "F113": ("grid_event_metric", {"metric": "accepted_volume"}),
    "F114": ("grid_event_metric", {"metric": "closure_rate"}),
    "F011": ("project_signed_amount", {}),
    "F012": ("project_started_investment", {}),
    "F013": ("key_project_count", {}),
    "F014": ("key_project_investment", {}),
    "F015": ("key_project_completion", {}),
    "F060": ("four_permit_days", {}),
    "X001": ("industrial_land_supplied", {}),
}
# Innovation, technology transfer and talent (issue 22).
COMPUTED.update({
    "F039": ("talent_approvals", {"program": "urgent_talent"}),
    "F041": ("talent_approvals", {"program": "innovation_team"}),
    "F043": ("innovation_metric", {"metric": "contract_turnover"}),
    "F044": ("innovation_metric", {"metric": "demands_solved"}),
    "F045": ("innovation_metric", {"metric": "event_intents"}),
    "F046": ("innovation_metric", {"metric": "new_rd_institutions"}),
    "F047": ("innovation_metric", {"metric": "rd_transferred"}),
    "F048": ("innovation_metric", {"metric": "rd_listed"}),
    "F049": ("innovation_metric", {"metric": "rd_matched"}),
    "F050": ("innovation_metric", {"metric": "projects_approved"}),
    "F051": ("innovation_metric", {"metric": "project_funding"}),
    "F089": ("talent_approvals", {"program": "youth_talent"}),
})
# Enterprise policies (issue 18).
COMPUTED.update({
    "F057": ("policy_metric", {"metric": "implemented"}),
    "F058": ("policy_metric", {"metric": "funds_paid"}),
    "F059": ("policy_metric", {"metric": "enterprises_paid"}),
})
# Fund managers (issue 19).
COMPUTED.update({
    "F063": ("fund_manager_metric", {"metric": "new_managers"}),
    "F064": ("fund_manager_metric", {"metric": "new_aum"}),
    "F065": ("financing_metric", {"metric": "equity"}),
    "F066": ("platform_metric", {"metric": "certified"}),
    "F067": ("platform_metric", {"metric": "loans"}),
    "F068": ("guidance_metric", {"metric": "new_size"}),
    "F069": ("guidance_metric", {"metric": "investments"}),
    "F070": ("guidance_metric", {"metric": "invested"}),
    "F071": ("financing_metric", {"metric": "events"}),
    "F092": ("startup_loan_metric", {"metric": "granted"}),
    "F093": ("startup_loan_metric", {"metric": "jobs"}),
})


def _share(base: str, scope: str) -> dict[str, Any]:
    return {"kind": "share", "base": base, "scope": scope}


# Derived indicators: ref → rule. share = base ÷ reference(scope) × 100; growth = (base ÷ previous period − 1)
# × 100; ratio = base ÷ plan × 100; rank = 1 + number of peers (reference values, scope city_districts) above base.
DERIVED: dict[str, dict[str, Any]] = {
    "F002": _share("F001", "city"), "F004": {"kind": "rank", "base": "F003", "scope": "city_districts"},
    "F008": _share("F007", "city"), "F015": {"kind": "ratio", "base": "F014", "scope": "plan"},
    "F017": _share("F016", "province"), "F019": _share("F018", "city"), "F021": _share("F020", "province"),
    "F024": _share("F023", "province"), "F026": _share("F025", "city"), "F028": {"kind": "growth", "base": "F027"},
    "F030": _share("F029", "province"), "F034": _share("F033", "province"), "F040": _share("F039", "city"),
    "F042": _share("F041", "city"), "F061": _share("X001", "city"),
    "F062": {"kind": "rank", "base": "X001", "scope": "city_districts"},
    "F073": _share("F072", "zone_budget"), "F079": {"kind": "ratio", "base": "F078", "scope": "plan"},
    "F100": {"kind": "rank", "base": "X002", "scope": "city_districts"},
}

# Supplementary bases that the seed does not state but its derived figures need (values synthetic).
SUPPLEMENTARY = [
    {"id": "X001", "section": "reform", "system": "land", "label_zh": "工业用地出让面积", "value": "2640", "unit": "亩",
     "measure": "area", "scope": "zone",
     "note": "synthetic base of F061/F062 (the article gives only the share and the rank)"},
    {"id": "X002", "section": "livelihood", "system": "livelihood", "label_zh": "全民健身设施三级服务体系建设完成率",
     "value": "98.6", "unit": "%", "measure": "rate", "scope": "zone",
     "note": "synthetic base of F100 (the article gives only the rank)"},
]

# The article writes 447,000 as 44.7万件: shown in 万 with one decimal, kept in 件.
DISPLAY = {"F113": (10_000, "万件", 1)}

DEFINITIONS: dict[str, str] = {
    "qualification_count": "企业库中在统计年度持有该资质的企业数（按企业去重）",
    "qualification_count_new": "企业库中在统计年度当年新增该资质的企业数（按企业去重，“当年新增”以资质记录为准）",
    "F052": "统计年度内举办的企业家接待日场次（enterprises.metrics.reception_metrics 的 sessions）",
    "F053": "统计年度内企业家接待日上提出、其案件已办结的问题数",
    "F054": "统计年度内登记的万人助万企走访次数（家次）",
    "F055": "统计年度内走访中提出、其案件已办结的企业问题数",
    "F056": "解决企业问题数 ÷ 收集企业问题数 × 100",
    "F111": "网格表中层级为“网格”、年末（12月31日）有效的网格数（之后新划的网格不计入该年）",
    "F112": "网格表中层级为“微网格”、年末（12月31日）有效的网格数（之后新划的网格不计入该年）",
    "F113": "统计年度内立案的网格化事件数（受理量：不予立案、被并案的不计；渠道为 12345 热线、数字城管监督员、"
            "网格员上报、网上群众上报、Open311、领导交办，即万人助万企走访和企业家接待日以外的全部渠道）",
    "F114": ("上述网格化事件中截至年末（12月31日24时，北京时间）已办结（核查通过，含已回访）的比例 = "
             "年末办结数 ÷ 受理量 × 100"),
    "F011": "统计年度内签订的重大项目投资合同的签约金额之和（万元 ÷ 10000 = 亿元）",
    "F012": "统计年度内实际开工的重大项目的总投资之和（亿元）",
    "F013": "统计年度的省重点、市重点项目数",
    "F014": "省市重点项目各自本年最后一期月报的自年初累计完成投资之和（亿元）",
    "F015": "省市重点项目自年初累计完成投资 ÷ 其年度计划投资之和 × 100",
    "F060": "统计年度出让且四证齐全的宗地中，从签订土地出让合同到第四证发放的最短用时（天，含当日；1 = 一天发四证）",
    "X001": "统计年度签订出让合同的工业用地宗地面积之和（平方米 ÷ 666.67 = 亩）",
}
DEFINITIONS.update({  # issue 22
    "F039": "统计年度内获批（认定）的“郑州市重点产业急需紧缺人才”申报数（talent.metrics.approvals）",
    "F041": "统计年度内获批的“郑州市创新创业团队”项目数",
    "F043": "统计年度内完成认定登记的技术合同成交额之和（万元 ÷ 10,000 = 亿元）",
    "F044": "统计年度内状态变为“已解决”的企业技术需求数",
    "F045": "统计年度内在产学研对接会上达成合作意向的供需对接数（含其后对接成功的）",
    "F046": "统计年度末已引进建设的新型研发机构数",
    "F047": "统计年度内新型研发机构登记转化的科技成果数",
    "F048": "统计年度内新型研发机构发布成果清单的成果数（发布日期在年度内）",
    "F049": "统计年度内新型研发机构成果与企业需求对接成功数",
    "F050": "统计年度内获批立项的省、市重大创新专项数",
    "F051": "统计年度内获批立项的重大创新专项批复财政资金之和（万元）",
    "F089": "统计年度内认定的“青年人才来区留区就业创业”人数",
})
DEFINITIONS.update({  # issue 18
    "F057": "统计年度内有拨付的惠企政策数（政策库中至少向一家企业拨付过奖补资金的政策）",
    "F058": "统计年度内拨付的政策奖补资金减去追回金额（分 ÷ 10^10 = 亿元）",
    "F059": "统计年度内获得政策奖补拨付的企业数（一家企业兑现多项只计一次）",
})
DEFINITIONS.update({  # issue 19
    "F063": "统计年度内落户高新区的基金管理机构数（在中国证券投资基金业协会登记，按落户日期计）",
    "F064": ("统计年度内新落户的基金管理机构在年末的管理规模之和"
             "（各机构截至 12 月 31 日的最近一次记录；分 ÷ 10^10 = 亿元）"),
    "F065": "统计年度内区内企业到位的股权融资金额之和（按到位日期计；分 ÷ 10^10 = 亿元）",
    "F066": "统计年度内首次在融资服务平台（郑好融）认证的企业数（撤销后再次认证不重复计）",
    "F067": "统计年度内经融资服务平台对接、银行放款的贷款金额之和（按放款日期计；分 ÷ 10^10 = 亿元）",
    "F068": ("统计年度内设立的政府引导基金（母基金及子基金）的认缴规模之和，母基金对子基金的出资只在母基金计一次"
             "（分 ÷ 10^10 = 亿元）"),
    "F069": "统计年度内政府引导基金完成的投资笔数（按投资日期计）",
    "F070": "统计年度内政府引导基金的投资金额之和（按投资日期计；分 ÷ 10^10 = 亿元）",
    "F071": ("统计年度内归入“资本力量1+6”活动的企业融资（股权和债权）之和：企业参加该活动且在活动后 365 天内到位"
             "（按到位日期计；分 ÷ 10^10 = 亿元）"),
    "F092": "统计年度内经办银行发放的创业担保贷款金额之和（按放款日期计；分 ÷ 10^6 = 万元）",
    "F093": "统计年度内发放的创业担保贷款带动就业人数之和（放款时登记的用工人数，含创业者本人）",
})


@dataclass(frozen=True)
class Definition:
    ref: str
    code: str
    name: str
    section: str
    system: str
    unit: str
    measure: str
    org_scope: str
    source: str
    note: str
    seed_value: Decimal
    decimals: int
    sort_order: int
    computation: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    derivation: dict[str, Any] = field(default_factory=dict)
    owner_code: str = ""
    display_scale: int = 1
    display_unit: str = ""
    definition: str = ""


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _definition_text(ref: str, computation: str, params: dict[str, Any], derivation: dict[str, Any],
                     label: str) -> str:
    if ref in DEFINITIONS:
        return DEFINITIONS[ref]
    if computation == "qualification_count":
        key = "qualification_count_new" if params.get("new_only") else "qualification_count"
        return f"{DEFINITIONS[key]}；资质类型 {params['type_code']}"
    if derivation:
        kind = derivation["kind"]
        base = derivation["base"]
        return {
            "share": f"{base} ÷ 参考值（{derivation.get('scope')}合计）× 100",
            "growth": f"（{base} ÷ {base} 上年值 − 1）× 100",
            "ratio": f"{base} ÷ 年度计划/应完成值 × 100",
            "rank": f"{base} 在同级单位（参考值中的对比单位）中的名次：1 + 数值更高的单位数",
        }[kind]
    return f"由填报部门按统计口径填报：{label}"


@cache
def definitions() -> tuple[Definition, ...]:
    with (DATA / "figures.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows += SUPPLEMENTARY
    out = []
    for order, row in enumerate(rows, start=1):
        ref = row["id"]
        computation, params = COMPUTED.get(ref, ("", {}))
        derivation = DERIVED.get(ref, {})
        source = "computed" if computation else "derived" if derivation else "submitted"
        scale, display_unit, decimals = DISPLAY.get(ref, (1, "", _decimals(row["value"])))
        out.append(Definition(
            ref=ref, code=CODES[ref], name=row["label_zh"], section=row["section"], system=row["system"],
            unit=row["unit"], measure=row["measure"], org_scope=row["scope"], source=source, note=row["note"] or "",
            seed_value=Decimal(row["value"]), decimals=decimals, sort_order=order, computation=computation,
            params=params, derivation=derivation,
            owner_code=OWNER_BY_SYSTEM.get(row["system"], "") if source == "submitted" else "",
            display_scale=scale, display_unit=display_unit,
            definition=_definition_text(ref, computation, params, derivation, row["label_zh"]),
        ))
    return tuple(out)


def definition(ref: str) -> Definition:
    for d in definitions():
        if d.ref == ref:
            return d
    raise KeyError(ref)


def catalog_ensure(apps: Any = None) -> int:
    """Write the catalog to the database: create missing indicators, update changed ones. Returns the number of
    rows written. ``apps`` is a migration's app registry; without it the live models are used."""
    if apps is None:
        from django.apps import apps as registry

        apps = registry
    model = apps.get_model("indicators", "Indicator")
    existing = {i.ref: i for i in model.objects.all()}
    written = 0
    for d in definitions():
        values = {
            "code": d.code, "name": d.name, "section": d.section, "system": d.system, "unit": d.unit,
            "measure": d.measure, "period_type": "year", "org_scope": d.org_scope, "source": d.source,
            "definition": d.definition, "computation": d.computation,
            "params": d.params, "derivation": d.derivation,
            "owner_code": d.owner_code, "decimals": d.decimals, "display_scale": d.display_scale,
            "display_unit": d.display_unit, "note": d.note[:200], "sort_order": d.sort_order,
        }
        row = existing.get(d.ref)
        if row is None:
            model.objects.create(ref=d.ref, **values)
            written += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
            written += 1
    return written


# The figures kept in ledgers (issue 20), computed over their approved entries.
COMPUTED.update(LEDGER_COMPUTED)
DEFINITIONS.update(LEDGER_DEFINITIONS)
# The work report's counts (issue 20, item 8), from the document uploaded for the year.
COMPUTED.update({
    "F115": ("document_term_count", {"kind": "work_report", "term": "高"}),
    "F116": ("document_term_count", {"kind": "work_report", "term": "新"}),
})
DEFINITIONS.update({
    ref: f"统计年度上传的最新一份政府工作报告（来源文件）正文中“{term}”字的出现次数"
         "（NFKC 规范化、繁体转简体后逐字计数）"
    for ref, term in (("F115", "高"), ("F116", "新"))
})

"""What the simulated year is calibrated to: the seed's figures (``seed/figures.csv``, ids in comments) and the
shape parameters of the year (mixes, patterns, probabilities). Figures are exact at scale 1; ``scaled`` shrinks
them for quick runs."""

from __future__ import annotations

import math

# --- figures (exact at scale 1) ----------------------------------------------------------------------------
GRID_EVENTS = 447_000  # F113 网格化事件 受理量 (registered, not merged; enterprise problems not included)
CLOSURE_RATE = 0.997  # F114 办结率 = closed ÷ registered at year end
VISITS = 9_850  # F054 走访 家次
VISIT_PROBLEMS_RESOLVED = 3_270  # F055
VISIT_PROBLEMS_RAISED = 3_273  # F056: 3,270 ÷ 3,273 = 99.91 % → 99.9 %
RECEPTION_SESSIONS = 135  # F052
RECEPTION_PROBLEMS_RESOLVED = 292  # F053
RECEPTION_PROBLEMS_RAISED = 294
ENTERPRISES = 6_000  # registry size (not a seed figure)

# Qualification awards: figure id → (type code, count, new in the year only). F025/F003 … count holders.
QUALIFICATIONS: dict[str, tuple[str, int, bool]] = {
    "F003": ("chain_leader_city", 19, False),
    "F007": ("service_manufacturing_prov", 13, True),
    "F009": ("digital_transformation_provider", 10, False),
    "F010": ("digital_economy_key", 12, False),
    "F016": ("national_tech_center", 2, True),
    "F018": ("prov_engineering_center", 9, True),
    "F020": ("prov_major_rd_institute", 4, True),
    "F022": ("incubator", 6, True),
    "F023": ("incubator_excellent", 7, False),
    "F025": ("tech_sme", 3_045, False),
    "F027": ("gazelle_prov", 27, True),
    "F029": ("innovation_leader_prov", 13, False),
    "F031": ("little_giant", 6, True),
    "F032": ("srdi_prov", 121, True),
    "F033": ("industrial_tech_platform", 3, False),
    "F035": ("city_top10_three_high", 4, False),
    "F036": ("mayor_quality_award", 3, False),
    "F037": ("listed", 1, True),
    "F038": ("neeq_listed", 1, True),
}
GAZELLE_PREVIOUS_NEW = 19  # F028: 新增瞪羚 2022, so that (27 − 19) ÷ 19 = 42 %
GAZELLE_CONTINUING = 12  # 2022 gazelles still recognised in 2023 (not new)
TECH_SME_PREVIOUS = 2_640  # 2022 入库 (context for "new in 2023")
TECH_SME_CONTINUING = 2_310  # of which also 入库 in 2023


def scaled(n: int, scale: float) -> int:
    """``n`` shrunk by ``scale``, rounded half up, never below 1 for a positive figure."""
    if n <= 0:
        return 0
    return max(1, math.floor(n * scale + 0.5))


def grid_targets(scale: float) -> tuple[int, int]:
    """(registered grid events, closed by year end)."""
    registered = scaled(GRID_EVENTS, scale)
    return registered, math.floor(registered * CLOSURE_RATE + 0.5)


# --- shape of the year -------------------------------------------------------------------------------------
CHANNEL_MIX = {  # share of registered grid events
    "grid_worker": 0.44,
    "city_inspector": 0.19,
    "hotline_12345": 0.31,
    "public_web": 0.04,
    "open311": 0.02,
}
REJECTED_SHARE = 0.025  # reports not registered (不予立案), on top of the registered
DUPLICATE_SHARE = 0.035  # duplicate reports merged (并案), on top
DUPLICATE_AFTER_REGISTER = 0.3  # of the duplicates, merged after they were registered

# Month weights (Jan … Dec): the Spring Festival lull (late January), the summer peak (rain, night markets).
MONTH_WEIGHTS = [0.78, 0.86, 1.0, 1.04, 1.1, 1.16, 1.2, 1.18, 1.06, 0.96, 0.92, 0.86]
# Weight of a day that is not a working day, per channel (grid staff patrol less on rest days).
REST_DAY_WEIGHT = {"grid_worker": 0.35, "city_inspector": 0.45, "hotline_12345": 0.85, "public_web": 1.0,
                   "open311": 1.0}
# Hour-of-day weights (0 … 23) for patrols and for calls.
PATROL_HOURS = [0, 0, 0, 0, 0, 0, 0.2, 0.8, 2.2, 3.2, 3.0, 2.0, 0.8, 0.7, 1.8, 2.6, 2.5, 1.8, 0.6, 0.2, 0.1, 0, 0, 0]
CALL_HOURS = [0.2, 0.1, 0.05, 0.05, 0.05, 0.15, 0.4, 1.0, 2.2, 2.8, 2.6, 2.0, 1.3, 1.4, 2.0, 2.3, 2.2, 1.9, 1.4,
              1.3, 1.5, 1.3, 0.8, 0.4]

# 城市管理 大类 weights for grid workers, inspectors and web reports (部件 01–05, 事件 06–10).
MAJOR_WEIGHTS = {"01": 0.06, "02": 0.04, "03": 0.04, "04": 0.02, "05": 0.02,
                 "06": 0.32, "07": 0.10, "08": 0.08, "09": 0.27, "10": 0.05}
HOTLINE_CONTENT_WEIGHTS = {
    "H-C01": 0.10, "H-C02": 0.22, "H-C03": 0.08, "H-C04": 0.07, "H-C05": 0.07, "H-C06": 0.06, "H-C07": 0.04,
    "H-C08": 0.03, "H-C09": 0.04, "H-C10": 0.16, "H-C11": 0.03, "H-C12": 0.05, "H-C13": 0.04, "H-C99": 0.01,
}
HOTLINE_TYPE_WEIGHTS = {"H-ZX": 0.25, "H-QZ": 0.25, "H-TS": 0.35, "H-JB": 0.06, "H-JY": 0.07, "H-BY": 0.02}

# Hot spots: kind → (number, radius in metres, share of the kind's affine reports drawn there).
HOTSPOTS = {"market": (24, 180.0, 0.65), "construction": (20, 250.0, 0.6), "old_residential": (26, 220.0, 0.5)}
# Category code prefixes affine to each hot-spot kind.
AFFINITY = {
    "market": ("09", "06002", "06004", "06007", "07001", "H-C05"),
    "construction": ("08", "04003", "02", "H-C01"),
    "old_residential": ("06001", "06009", "06011", "01", "03", "05", "10", "H-C10", "H-C12", "H-C13"),
}

# Handling: probabilities per registered case.
RETURN_SHARE = 0.04  # 退单 (first dispatch to a wrong unit)
RETURN_AFTER_ACCEPT = 0.3
REWORK_SHARE = 0.03  # 核查不通过
EXTENSION_SHARE_DAY = 0.05  # 申请延期, categories with day limits
EXTENSION_SHARE_HOUR = 0.01
EXTENSION_APPROVED = 0.85
SUSPENSION_SHARE = 0.004  # 申请挂账
SUSPENSION_APPROVED = 0.8
EVALUATED_SHARE = {"hotline_12345": 0.8, "public_web": 0.6, "open311": 0.6, "grid_worker": 0.15,
                   "city_inspector": 0.15, "enterprise_visit": 0.9, "reception_day": 0.95}
SATISFACTION_MIX = {"satisfied": 0.87, "basic": 0.095, "unsatisfied": 0.035}
# Handling time from signing for to feedback, as a share of the time from registration to the deadline:
# lognormal with this median and sigma (the tail beyond 1 is the overdue cases).
HANDLING_MEDIAN = 0.28
HANDLING_SIGMA = 0.5

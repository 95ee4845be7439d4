"""Reference values the 2023 review article implies (city and province totals, the previous year, the annual
plan, the zone budget) and synthetic peer districts for the ranks, so that the seed's shares, growth,
completion and ranks are derived from the zone's own figures. Each row carries its source. None of them is an
official statistic (the totals are back-calculated from the article's percentages, the peers invented), so every
one is marked synthetic and labels the figures derived from it 模拟; a real value replaces one with its citation
(``services.reference_value_set``: document, issuing body, date)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# Back-calculated from the article's own percentages: not an official statistic, so simulated (模拟) until the
# statistics bureau's value is entered with its citation.
IMPLIED = "由2023年工作回顾原文的百分比反推（非官方统计，模拟值；请以统计部门发布数及文号替换）"
SYNTHETIC_PEERS = "synthetic peer district values (clearly labelled simulation data), ordered as the article states"
SYNTHETIC_BASE = "synthetic value consistent with the article's share"

# (base ref, period, scope, peer, value, unit, source, is_synthetic)
REFERENCE_VALUES_2023: list[tuple[str, str, str, str, str, str, str, bool]] = [
    ("F001", "2023", "city", "", "5", "条", f"{IMPLIED}: 2 条占全市 40%", True),
    ("F007", "2023", "city", "", "25", "家", f"{IMPLIED}: 13 家占全市 52%", True),
    ("F016", "2023", "province", "", "5", "家", f"{IMPLIED}: 2 家占全省 40%", True),
    ("F018", "2023", "city", "", "24", "家", f"{IMPLIED}: 9 家占全市 38%", True),
    ("F020", "2023", "province", "", "16", "家", f"{IMPLIED}: 4 家占全省 25%", True),
    ("F023", "2023", "province", "", "17", "家", f"{IMPLIED}: 7 家占全省 41%", True),
    ("F025", "2023", "city", "", "8700", "家", f"{IMPLIED}: 3045 家占全市 35%", True),
    ("F027", "2022", "zone", "", "19", "家", f"{IMPLIED}: 27 家同比增长 42%", True),
    ("F029", "2023", "province", "", "118", "家", f"{IMPLIED}: 13 家占全省 11%", True),
    ("F033", "2023", "province", "", "6", "家", f"{IMPLIED}: 3 家占全省 50%", True),
    ("F039", "2023", "city", "", "1048", "名", f"{IMPLIED}: 262 名约占全市四分之一", True),
    ("F041", "2023", "city", "", "77", "项", f"{IMPLIED}: 34 项占全市 44%", True),
    ("F014", "2023", "plan", "", "222.5", "亿元", f"{IMPLIED}: 228.1 亿元完成年度计划 102.5%", True),
    ("F072", "2023", "zone_budget", "", "38.84", "亿元", f"{IMPLIED}: 21.4 亿元占一般公共预算支出 55.1%", True),
    ("F078", "2023", "plan", "", "5564", "套", f"{IMPLIED}: 5564 套完成 100% 交付", True),
    ("X001", "2023", "city", "", "6000", "亩", f"{SYNTHETIC_BASE}: 工业用地出让面积占市级总面积 44%", True),
    # 链主 enterprises: the zone is first in the city.
    *[("F003", "2023", "city_districts", peer, value, "家", f"{SYNTHETIC_PEERS}: 位居全市第一", True)
      for peer, value in [("郑东新区", "15"), ("经开区", "14"), ("金水区", "12"), ("航空港区", "11"),
                          ("中原区", "9"), ("二七区", "6"), ("管城区", "5"), ("惠济区", "3")]],
    # Industrial land transferred: first of the city's eight districts.
    *[("X001", "2023", "city_districts", peer, value, "亩", f"{SYNTHETIC_PEERS}: 位居市内八区第一", True)
      for peer, value in [("中原区", "820"), ("二七区", "460"), ("管城区", "600"), ("金水区", "150"),
                          ("上街区", "900"), ("惠济区", "380"), ("郑东新区", "300")]],
    # Three-level fitness facilities: second in the city.
    *[("X002", "2023", "city_districts", peer, value, "%", f"{SYNTHETIC_PEERS}: 完成率居全市第二", True)
      for peer, value in [("金水区", "99.1"), ("中原区", "97.8"), ("二七区", "96.5"), ("管城区", "95.0"),
                          ("惠济区", "94.2"), ("郑东新区", "98.2"), ("经开区", "93.7")]],
]


def reference_rows(year: int) -> list[dict[str, Any]]:
    """The seed's reference values for ``year`` (only 2023 has any)."""
    if year != 2023:
        return []
    from gaoxin.indicators.catalog import CODES

    return [
        {"ref": ref, "key": CODES[ref], "period": period, "scope": scope, "peer": peer, "value": Decimal(value),
         "unit": unit, "source": source, "is_synthetic": synthetic}
        for ref, period, scope, peer, value, unit, source, synthetic in REFERENCE_VALUES_2023
    ]

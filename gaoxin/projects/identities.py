"""The identities of the monthly investment report (固定资产投资月报), one function for the web form, the API and
the Excel import, each violated identity named by the field it is read on:

1. 自年初累计 = 上月自年初累计 + 本月完成 (January, or the year's first report: = 本月完成);
2. 自年初累计 = 建筑工程 + 安装工程 + 设备工器具购置 + 其他费用;
3. 自开始建设累计 = 上年末累计 + 自年初累计;
4. 自开始建设累计 ≤ 总投资 (or the adjusted total, when an adjustment is recorded).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from gaoxin.core.validation import Checked

FIELDS: dict[str, str] = {
    "this_month": "本月完成投资", "ytd": "自年初累计完成投资", "since_start": "自开始建设累计完成投资",
    "building": "建筑工程", "installation": "安装工程", "equipment": "设备工器具购置", "other": "其他费用",
}
COMPONENTS = ("building", "installation", "equipment", "other")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Context:
    """What a row is checked against: the previous report of the same year (None when this is the year's first),
    the 上年末累计 and the ceiling of the project's investment."""

    month: int
    previous_ytd: Decimal | None
    previous_month: int | None
    prior_cumulative: Decimal
    ceiling: Decimal
    adjusted: bool = False


def parse_amount(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return Decimal("NaN")
    return number


def check(raw: Mapping[str, Any], ctx: Context) -> Checked:
    checked = Checked(labels=FIELDS)
    for name in FIELDS:
        number = parse_amount(raw.get(name))
        if number is None:
            checked.add(name, "不能为空", "required")
        elif not number.is_finite():
            checked.add(name, f"“{raw.get(name)}”不是数字")
        elif number < 0:
            checked.add(name, "不能为负数")
        elif number != number.quantize(CENT):
            checked.add(name, "最多两位小数（万元）")
        else:
            checked.values[name] = number.quantize(CENT)
    if not checked.ok:
        return checked
    v = checked.values
    if ctx.previous_ytd is None:
        if v["ytd"] != v["this_month"]:
            checked.add("ytd", f"本年首次月报：自年初累计应等于本月完成 {v['this_month']}，实际 {v['ytd']}",
                        "identity_ytd")
    elif ctx.previous_month is not None and ctx.previous_month != ctx.month - 1:
        checked.add("ytd", f"上月（{ctx.month - 1}月）月报未报，请先报送", "previous_missing")
    elif v["ytd"] != ctx.previous_ytd + v["this_month"]:
        checked.add("ytd", f"应等于上月自年初累计 {ctx.previous_ytd} + 本月完成 {v['this_month']} = "
                    f"{ctx.previous_ytd + v['this_month']}，实际 {v['ytd']}", "identity_ytd")
    parts = sum((v[c] for c in COMPONENTS), Decimal(0))
    if v["ytd"] != parts:
        checked.add("ytd", f"应等于建筑工程、安装工程、设备工器具购置、其他费用之和 {parts}，实际 {v['ytd']}",
                    "identity_composition")
    expected = ctx.prior_cumulative + v["ytd"]
    if v["since_start"] != expected:
        checked.add("since_start", f"应等于上年末累计 {ctx.prior_cumulative} + 自年初累计 {v['ytd']} = {expected}，"
                    f"实际 {v['since_start']}", "identity_since_start")
    if v["since_start"] > ctx.ceiling:
        what = "调整后总投资" if ctx.adjusted else "总投资（如确需超出，请先登记投资调整）"
        checked.add("since_start", f"{v['since_start']} 超过{what} {ctx.ceiling}", "above_total")
    return checked

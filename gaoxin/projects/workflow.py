"""The project lifecycle as a pure table: the stages in order and, for each move, the conditions (gates) it
needs. ``refusals(facts, to)`` names every missing condition; the services, the pages and the simulation read
this table only.

Decisions: a project moves one stage forward at a time (no skipping, no way back: a correction is a new
registration); 开工 needs the four permits of every parcel of the project (拿地即开工)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

RESERVE, SIGNED, PREPARATION, LAND, STARTED, BUILDING, COMPLETED, OPERATING = (
    "reserve", "signed", "preparation", "land", "started", "building", "completed", "operating")
STAGES: dict[str, str] = {
    RESERVE: "谋划储备", SIGNED: "签约", PREPARATION: "前期手续", LAND: "供地", STARTED: "开工", BUILDING: "在建",
    COMPLETED: "竣工", OPERATING: "投产/达产",
}
STAGE_CHOICES = list(STAGES.items())
ORDER = list(STAGES)


@dataclass(frozen=True)
class Facts:
    """What the gates look at, gathered by the services from the records."""

    contracts: int = 0
    has_steward: bool = False
    parcels: int = 0
    parcels_supplied: int = 0
    parcels_with_four_permits: int = 0
    reports_with_investment: int = 0
    completed_on_given: bool = False


@dataclass(frozen=True)
class Condition:
    code: str
    label: str
    test: Callable[[Facts], bool]


HAS_CONTRACT = Condition("contract", "已签订投资合同", lambda f: f.contracts > 0)
HAS_STEWARD = Condition("steward", "已明确项目管家", lambda f: f.has_steward)
HAS_PARCEL = Condition("parcel", "已落实项目宗地", lambda f: f.parcels > 0)
LAND_SUPPLIED = Condition("land_supplied", "项目宗地均已出让（签订土地出让合同）",
                          lambda f: f.parcels > 0 and f.parcels_supplied == f.parcels)
FOUR_PERMITS = Condition("four_permits", "项目宗地均已取得四证（不动产权证书、建设用地规划许可证、建设工程规划许可证、"
                         "建筑工程施工许可证）", lambda f: f.parcels > 0 and f.parcels_with_four_permits == f.parcels)
INVESTING = Condition("investment", "已报送完成投资的月报", lambda f: f.reports_with_investment > 0)
COMPLETION = Condition("completion", "已登记竣工（竣工日期）", lambda f: f.completed_on_given)

GATES: dict[str, tuple[Condition, ...]] = {
    SIGNED: (HAS_CONTRACT,),
    PREPARATION: (HAS_CONTRACT, HAS_STEWARD),
    LAND: (HAS_PARCEL, LAND_SUPPLIED),
    STARTED: (LAND_SUPPLIED, FOUR_PERMITS),
    BUILDING: (FOUR_PERMITS, INVESTING),
    COMPLETED: (INVESTING,),
    OPERATING: (COMPLETION,),
}


def next_stage(stage: str) -> str | None:
    i = ORDER.index(stage)
    return ORDER[i + 1] if i + 1 < len(ORDER) else None


def refusals(stage: str, to: str, facts: Facts) -> list[Condition | str]:
    """Why ``stage`` → ``to`` is refused: a text when the move itself is not in the table, else every gate
    condition not met (empty: allowed)."""
    if to not in STAGES:
        return [f"未知阶段 {to}"]
    if next_stage(stage) != to:
        return [f"只能从“{STAGES[stage]}”进入下一阶段“{STAGES[next_stage(stage) or stage]}”"]
    return [c for c in GATES[to] if not c.test(facts)]


def at_least(stage: str, other: str) -> bool:
    return ORDER.index(stage) >= ORDER.index(other)

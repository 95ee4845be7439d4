"""不动产单元代码 after GB/T 37346-2019: 28 characters in seven parts. The first 19 characters (county, 地籍区,
地籍子区, 宗地特征码, 宗地顺序号) are the parcel code (宗地代码); the last 9 name the fixture (定着物) on it.

``check_unit_code`` names every failing part, so that a form, a ledger and an import report the same reasons."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# (part, label, start, length)
PARTS: tuple[tuple[str, str, int, int], ...] = (
    ("county", "县级行政区划代码", 0, 6),
    ("cadastral_district", "地籍区", 6, 3),
    ("cadastral_subdistrict", "地籍子区", 9, 3),
    ("parcel_feature", "宗地特征码", 12, 2),
    ("parcel_number", "宗地顺序号", 14, 5),
    ("fixture_feature", "定着物特征码", 19, 1),
    ("fixture_number", "定着物单元号", 20, 8),
)
LENGTH = 28
PARCEL_CODE_LENGTH = 19
# 宗地特征码: the first letter the ownership (G 国家, J 集体, Z 争议), the second the right (A 集体土地所有权,
# B 建设用地使用权（地表）, S 地上, X 地下, C 宅基地, D 土地承包经营权, E 林地使用权, F 草原使用权,
# L 林地承包经营权, N 农用地使用权, H 海域使用权, G 无居民海岛, W 使用权未确定或有争议, Y 其他).
OWNERSHIP = "GJZ"
RIGHT = "ABSXCDEFLNHGWY"
# 定着物特征码: F 房屋等建筑物、构筑物, L 林木, Q 其他, W 无定着物.
FIXTURE = "FLQW"


@dataclass(frozen=True)
class PartError:
    part: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}：{self.message}"


def county_code() -> str:
    return str(getattr(settings, "GAOXIN_LAND_COUNTY_CODE", "410171"))


def split(code: str) -> dict[str, str]:
    return {part: code[start:start + length] for part, _label, start, length in PARTS}


def check_unit_code(code: str, *, county: str | None = None) -> list[PartError]:
    """Every failing part of a 28-character unit code (empty when valid)."""
    county = county_code() if county is None else county
    text = (code or "").strip().upper()
    if len(text) != LENGTH:
        return [PartError("length", "不动产单元代码", f"应为{LENGTH}位，实际{len(text)}位")]
    parts = split(text)
    errors: list[PartError] = []
    labels = {part: label for part, label, _s, _n in PARTS}

    def bad(part: str, message: str) -> None:
        errors.append(PartError(part, labels[part], message))

    if not parts["county"].isdecimal():
        bad("county", "应为6位数字")
    elif parts["county"] != county:
        bad("county", f"应为本辖区代码 {county}，实际 {parts['county']}")
    for part in ("cadastral_district", "cadastral_subdistrict"):
        if not parts[part].isdecimal():
            bad(part, "应为3位数字")
        elif parts[part] == "000":
            bad(part, "不能为000")
    feature = parts["parcel_feature"]
    if feature[0] not in OWNERSHIP or feature[1] not in RIGHT:
        bad("parcel_feature", f"第一位应为 {'/'.join(OWNERSHIP)}，第二位应为 {'/'.join(RIGHT)}，实际 {feature}")
    if not parts["parcel_number"].isdecimal():
        bad("parcel_number", "应为5位数字")
    elif parts["parcel_number"] == "00000":
        bad("parcel_number", "不能为00000")
    fixture = parts["fixture_feature"]
    if fixture not in FIXTURE:
        bad("fixture_feature", f"应为 {'/'.join(FIXTURE)} 之一，实际 {fixture}")
    number = parts["fixture_number"]
    if not number.isdecimal():
        bad("fixture_number", "应为8位数字")
    elif fixture == "W" and number != "00000000":
        bad("fixture_number", "无定着物（W）时应为00000000")
    elif fixture in "FLQ" and number == "00000000":
        bad("fixture_number", "有定着物时不能为00000000")
    return errors


def parcel_code(unit_code: str) -> str:
    return unit_code.strip().upper()[:PARCEL_CODE_LENGTH]


def make_unit_code(*, district: int, subdistrict: int, number: int, feature: str = "GB", fixture: str = "W",
                   fixture_number: int = 0, county: str | None = None) -> str:
    county = county_code() if county is None else county
    return f"{county}{district:03d}{subdistrict:03d}{feature}{number:05d}{fixture}{fixture_number:08d}"

from __future__ import annotations

import pytest

from gaoxin.land import unitcode
from gaoxin.land.tests.factories import code


def parts(text: str) -> list[str]:
    return [e.part for e in unitcode.check_unit_code(text, county="410171")]


def test_valid_codes():
    assert parts(code(1)) == []
    assert parts("410171001002GB00001F00010001") == []
    assert unitcode.parcel_code(code(12)) == "410171001002GB00012"
    assert unitcode.make_unit_code(district=1, subdistrict=2, number=12, county="410171") == code(12)


@pytest.mark.parametrize(("text", "part"), [
    ("410172001002GB00001W00000000", "county"),
    ("41017A001002GB00001W00000000", "county"),
    ("4101710A1002GB00001W00000000", "cadastral_district"),
    ("410171000002GB00001W00000000", "cadastral_district"),
    ("410171001000GB00001W00000000", "cadastral_subdistrict"),
    ("410171001002QB00001W00000000", "parcel_feature"),
    ("410171001002GK00001W00000000", "parcel_feature"),
    ("410171001002GB00000W00000000", "parcel_number"),
    ("410171001002GB0001AW00000000", "parcel_number"),
    ("410171001002GB00001K00000000", "fixture_feature"),
    ("410171001002GB00001W00000001", "fixture_number"),
    ("410171001002GB00001F00000000", "fixture_number"),
    ("410171001002GB00001W0000000X", "fixture_number"),
])
def test_each_part_named(text, part):
    assert len(text) == 28
    assert parts(text) == [part]


def test_length_and_several_parts():
    assert parts("410171001002GB00001W0000000") == ["length"]
    assert parts("410100000002GB00000K00000000") == ["county", "cadastral_district", "parcel_number",
                                                     "fixture_feature"]
    message = str(unitcode.check_unit_code("410100001002GB00001W00000000", county="410171")[0])
    assert message == "县级行政区划代码：应为本辖区代码 410171，实际 410100"


def test_county_configurable(settings):
    settings.GAOXIN_LAND_COUNTY_CODE = "410100"
    assert [e.part for e in unitcode.check_unit_code(code(1))] == ["county"]
    assert unitcode.check_unit_code(code(1, county="410100")) == []

"""GeoJSON import: every problem of a file is reported at once, and a bad file changes nothing."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.grids import selectors, services
from gaoxin.grids.layer import Tolerances
from gaoxin.grids.models import Grid

ZONE, WEST, EAST = "410171", "41017101001", "41017102001"
WS, WN, ES, EN = "4101710100101", "4101710100102", "4101710200101", "4101710200102"


def box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code, level, geom, parent=None, street=None, workers=(), name=None) -> dict:
    return {
        "type": "Feature",
        "properties": {
            "code": code,
            "name": name or f"导入{code}",
            "level": level,
            "parent_code": parent,
            "street_code": street,
            "workers": list(workers),
        },
        "geometry": geom,
    }


def valid_layer() -> dict:
    """The same 2 × 2 partition as the ``grid_layer`` fixture, renamed, with one worker."""
    return {
        "type": "FeatureCollection",
        "features": [
            feature(ZONE, "zone", box(113.50, 34.78, 113.60, 34.84)),
            feature(WEST, "grid", box(113.50, 34.78, 113.55, 34.84), ZONE, "GX-S01"),
            feature(EAST, "grid", box(113.55, 34.78, 113.60, 34.84), ZONE, "GX-S02"),
            feature(WS, "micro", box(113.50, 34.78, 113.55, 34.81), WEST, "GX-S01", workers=["gw_ws"]),
            feature(WN, "micro", box(113.50, 34.81, 113.55, 34.84), WEST, "GX-S01"),
            feature(ES, "micro", box(113.55, 34.78, 113.60, 34.81), EAST, "GX-S02"),
            feature(EN, "micro", box(113.55, 34.81, 113.60, 34.84), EAST, "GX-S02"),
        ],
    }


def snapshot() -> list[tuple]:
    return [
        (g.code, g.name, g.level, g.parent and g.parent.code, g.street_id, json.dumps(g.geometry),
         sorted(g.workers.values_list("username", flat=True)))
        for g in Grid.objects.select_related("parent").order_by("code")
    ]


def props(data: dict, code: str) -> dict:
    return next(f for f in data["features"] if f["properties"]["code"] == code)


@pytest.fixture
def existing(grid_layer, make_user, org):
    """An existing layer in the database (the fixture's) and the worker the file refers to."""
    make_user("grid_worker", org.street_a, username="gw_ws")
    return snapshot()


def import_problems(data: dict | str, **kw) -> list[tuple]:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    with pytest.raises(ApplicationError) as caught:
        services.grid_layer_import(text=text, replace=True, **kw)
    assert caught.value.code == "invalid_grid_layer"
    errors = caught.value.extra["errors"]
    assert all(e["message"] for e in errors)
    return [(e["code"], e["kind"], e["other"]) for e in errors]


def test_a_valid_file_replaces_the_layer(existing, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = services.grid_layer_import(text=json.dumps(valid_layer()), replace=True)
    assert (result.zones, result.grids, result.micro_grids, result.workers) == (1, 2, 4, 1)
    after = snapshot()
    assert [row[1] for row in after] == [f"导入{code}" for code in (ZONE, WEST, WS, WN, EAST, ES, EN)]
    assert Grid.objects.get(code=WS).workers.get().username == "gw_ws"
    parent = Grid.objects.get(code=WS).parent
    assert parent is not None
    assert parent.code == WEST
    street = Grid.objects.get(code=ES).street
    assert street is not None
    assert street.code == "GX-S02"


def test_without_replace_an_existing_layer_is_refused(existing):
    with pytest.raises(Conflict) as caught:
        services.grid_layer_import(text=json.dumps(valid_layer()))
    assert caught.value.code == "grid_layer_exists"
    assert snapshot() == existing


def test_invalid_polygon(existing):
    data = valid_layer()
    bow_tie = {"type": "Polygon", "coordinates": [[[113.50, 34.78], [113.55, 34.81], [113.55, 34.78],
                                                   [113.50, 34.81], [113.50, 34.78]]]}
    props(data, WS)["geometry"] = bow_tie
    assert import_problems(data) == [(WS, "invalid_geometry", None)]
    assert snapshot() == existing


def test_invalid_polygon_message_explains_why(existing):
    data = valid_layer()
    props(data, WS)["geometry"] = {"type": "Polygon", "coordinates": [[[113.50, 34.78], [113.55, 34.81],
                                                                       [113.55, 34.78], [113.50, 34.81],
                                                                       [113.50, 34.78]]]}
    with pytest.raises(ApplicationError) as caught:
        services.grid_layer_import(text=json.dumps(data), replace=True)
    assert "Self-intersection" in caught.value.extra["errors"][0]["message"]


def test_not_a_polygon(existing):
    data = valid_layer()
    props(data, EN)["geometry"] = {"type": "Point", "coordinates": [113.57, 34.83]}
    assert import_problems(data) == [(EN, "invalid_geometry", None)]
    assert snapshot() == existing


def test_missing_level(existing):
    data = valid_layer()
    del props(data, WN)["properties"]["level"]
    assert import_problems(data) == [(WN, "missing_level", None)]
    assert snapshot() == existing


def test_unknown_level(existing):
    data = valid_layer()
    props(data, WN)["properties"]["level"] = "block"
    assert import_problems(data) == [(WN, "unknown_level", None)]
    assert snapshot() == existing


def test_unknown_parent_code(existing):
    data = valid_layer()
    props(data, WN)["properties"]["parent_code"] = "41017109999"
    # The western grid then really has an uncovered half: both are listed.
    assert import_problems(data) == [(WEST, "gap", None), (WN, "unknown_parent", None)]
    assert snapshot() == existing


def test_parent_of_the_wrong_level(existing):
    data = valid_layer()
    props(data, WN)["properties"]["parent_code"] = ZONE
    # As with an unknown parent, the western grid is left half uncovered.
    assert import_problems(data) == [(WEST, "gap", None), (WN, "parent_level", None)]
    assert snapshot() == existing


def test_child_code_not_prefixed_by_parent_code(existing):
    data = valid_layer()
    props(data, WN)["properties"]["code"] = "4101710200103"  # under 41017101001, coded like an eastern one
    assert import_problems(data) == [("4101710200103", "code_prefix", None)]
    assert snapshot() == existing


def test_child_outside_its_parent(existing):
    data = valid_layer()
    props(data, WS)["geometry"] = box(113.49, 34.78, 113.55, 34.81)  # ~1 km further west than the grid
    assert import_problems(data) == [(WS, "outside_parent", WEST)]
    assert snapshot() == existing


def test_overlapping_siblings(existing):
    data = valid_layer()
    props(data, WS)["geometry"] = box(113.50, 34.78, 113.55, 34.82)  # reaches into the northern micro-grid
    assert import_problems(data) == [(WS, "sibling_overlap", WN)]
    assert snapshot() == existing


def test_gap_between_siblings(existing):
    data = valid_layer()
    props(data, WS)["geometry"] = box(113.50, 34.78, 113.55, 34.80)  # leaves 34.80–34.81 uncovered
    assert import_problems(data) == [(WEST, "gap", None)]
    assert snapshot() == existing


def test_duplicate_codes(existing):
    data = valid_layer()
    data["features"].append(copy.deepcopy(props(data, EN)))
    assert import_problems(data) == [(EN, "duplicate_code", None)]
    assert snapshot() == existing


def test_unknown_street_code(existing):
    data = valid_layer()
    props(data, EAST)["properties"]["street_code"] = "GX-S99"
    assert import_problems(data) == [(EAST, "unknown_street", None)]
    assert snapshot() == existing


def test_unknown_worker(existing):
    data = valid_layer()
    props(data, EN)["properties"]["workers"] = ["nobody"]
    assert import_problems(data) == [(EN, "unknown_worker", None)]
    assert snapshot() == existing


def test_every_problem_is_listed_at_once(existing):
    data = valid_layer()
    props(data, EAST)["properties"]["street_code"] = "GX-S99"
    props(data, WS)["geometry"] = box(113.50, 34.78, 113.55, 34.80)
    props(data, EN)["properties"]["level"] = "block"
    data["features"].append(feature(None, "micro", box(113.55, 34.81, 113.56, 34.82), EAST))
    assert import_problems(data) == [
        (None, "missing_code", None),
        (WEST, "gap", None),
        (EAST, "unknown_street", None),
        (EN, "unknown_level", None),
    ]
    assert snapshot() == existing


def test_not_geojson(existing):
    assert import_problems("{not json") == [(None, "format", None)]
    assert import_problems(json.dumps({"type": "Feature"})) == [(None, "format", None)]
    assert snapshot() == existing


def test_tolerances_are_configurable(existing, settings):
    data = valid_layer()
    # A 0.0001° (~9 m) strip of the western grid left uncovered: ~9 m × 5.5 km ≈ 50,000 m².
    props(data, WS)["geometry"] = box(113.50, 34.78, 113.5499, 34.81)
    assert import_problems(data) == [(WEST, "gap", None)]
    assert snapshot() == existing
    services.grid_layer_import(text=json.dumps(data), replace=True, tolerances=Tolerances(gap_m2=60_000))
    assert Grid.objects.get(code=WS).name == f"导入{WS}"
    settings.GAOXIN_GRID_TOLERANCES = {"gap_m2": 60_000}
    assert Tolerances.from_settings() == Tolerances(gap_m2=60_000)
    assert Tolerances.from_settings(gap_m2=5) == Tolerances(gap_m2=5)


def test_the_command_prints_every_problem_and_fails(existing, tmp_path, capsys):
    data = valid_layer()
    props(data, EAST)["properties"]["street_code"] = "GX-S99"
    props(data, EN)["properties"]["workers"] = ["nobody"]
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="2 个问题"):
        call_command("grids", "import", str(path), "--replace", "--no-progress", verbosity=0)
    err = capsys.readouterr().err
    assert f"{EAST} [unknown_street]" in err
    assert f"{EN} [unknown_worker]" in err
    assert snapshot() == existing


def test_export_lists_the_layer_with_its_properties(existing):
    data = json.loads(selectors.grid_layer_geojson())
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in data["features"]] == [ZONE, WEST, WS, WN, EAST, ES, EN]
    west_south = props(data, WS)["properties"]
    assert west_south == {
        "code": WS, "name": "西南微网格", "level": "micro", "parent_code": WEST, "street_code": "GX-S01",
        "workers": [], "is_synthetic": False,
    }
    assert props(data, ZONE)["properties"]["parent_code"] is None
    assert props(data, ZONE)["geometry"] == box(113.50, 34.78, 113.60, 34.84)

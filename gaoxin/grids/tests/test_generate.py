"""The synthetic layer in memory (no database): counts, shape, tiling, streets, determinism."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
import shapely

from gaoxin.accounts.synthetic import STREETS
from gaoxin.grids import geometry
from gaoxin.grids.generate import GRID_COUNT, MICRO_COUNT, SyntheticLayer, generate_layer
from gaoxin.grids.layer import LayerFeature, Tolerances, validate_layer


def layer_digest(layer: SyntheticLayer) -> str:
    digest = hashlib.sha256()
    for cell in layer.cells:
        digest.update(f"{cell.code}|{cell.name}|{cell.parent_code}|{cell.street_code}|{cell.worker_name}|".encode())
        digest.update(shapely.to_wkb(cell.geometry))
    return digest.hexdigest()


@pytest.fixture(scope="module")
def layer() -> SyntheticLayer:
    return generate_layer(1)


def test_same_seed_gives_the_identical_layer_and_another_seed_does_not(layer):
    again = generate_layer(1)
    assert [c.code for c in again.cells] == [c.code for c in layer.cells]
    assert layer_digest(again) == layer_digest(layer)
    assert layer_digest(generate_layer(2)) != layer_digest(layer)


def test_counts_codes_and_names(layer):
    assert len(layer.grids) == GRID_COUNT == 571
    assert len(layer.micros) == MICRO_COUNT == 3895
    assert layer.zone.code == "410171"
    codes = [c.code for c in layer.cells]
    assert len(set(codes)) == len(codes)
    street_numbers = {code: f"{n:02d}" for n, (code, _, _) in enumerate(STREETS, start=1)}
    for grid in layer.grids:
        # zone + 2-digit street number + 3-digit grid number
        assert len(grid.code) == 11
        assert grid.code.startswith("410171")
        assert grid.code[6:8] == street_numbers[grid.street_code]
        assert grid.parent_code == "410171"
        assert grid.name.endswith("网格")
    grid_codes = {g.code for g in layer.grids}
    for micro in layer.micros:
        assert len(micro.code) == 13
        assert micro.parent_code in grid_codes
        assert micro.code.startswith(micro.parent_code)
        assert micro.name.endswith("微网格")
        assert micro.worker_name
    per_grid = Counter(m.parent_code for m in layer.micros)
    assert set(per_grid) == grid_codes
    assert min(per_grid.values()) >= 3


def test_zone_is_about_99_km2_irregular_and_near_the_real_zone(layer):
    zone = layer.zone.geometry
    # Stated tolerance: 0.1 % (the boundary is scaled to 99 km² in the generator's projection; the layer's
    # own area measure projects about the zone's centroid instead).
    assert geometry.area_m2(zone) == pytest.approx(99_000_000, rel=1e-3)
    assert zone.geom_type == "Polygon"
    assert zone.is_valid
    assert zone.centroid.x == pytest.approx(113.55, abs=0.01)
    assert zone.centroid.y == pytest.approx(34.81, abs=0.01)
    assert len(zone.exterior.coords) > 100  # not a rectangle
    assert zone.area / zone.envelope.area < 0.85  # nor nearly one
    assert zone.convex_hull.area > zone.area * 1.01  # it has bays


def test_every_cell_is_a_valid_polygon_and_siblings_tile_their_parent(layer):
    assert {c.geometry.geom_type for c in layer.cells} == {"Polygon"}
    features = [
        LayerFeature(
            code=c.code,
            name=c.name,
            level=c.level,
            geometry=geometry.to_geojson(c.geometry),
            parent_code=c.parent_code,
            street_code=c.street_code,
        )
        for c in layer.cells
    ]
    problems = validate_layer(
        features,
        known_streets={code for code, _, _ in STREETS},
        known_users=set(),
        tolerances=Tolerances(outside_m2=0.01, overlap_m2=0.01, gap_m2=0.01),
    )
    assert problems == []
    micro_area = sum(geometry.area_m2(m.geometry) for m in layer.micros)
    assert micro_area == pytest.approx(geometry.area_m2(layer.zone.geometry), rel=1e-6)


def test_grids_are_plausible_not_a_lattice(layer):
    areas = sorted(geometry.area_m2(g.geometry) for g in layer.grids)
    mean = 99_000_000 / 571
    assert 0.2 * mean < areas[0]
    assert areas[-1] < 3 * mean
    vertex_counts = Counter(len(g.geometry.exterior.coords) - 1 for g in layer.grids)
    assert len(vertex_counts) >= 4  # a lattice would give one or two vertex counts


def test_every_street_is_one_contiguous_group_of_grids(layer):
    streets = {code for code, _, _ in STREETS}
    assert {g.street_code for g in layer.grids} == streets
    for street in streets:
        union = shapely.union_all([g.geometry for g in layer.grids if g.street_code == street])
        assert union.geom_type == "Polygon", street
    street_of_grid = {g.code: g.street_code for g in layer.grids}
    assert all(m.street_code == street_of_grid[m.parent_code] for m in layer.micros)

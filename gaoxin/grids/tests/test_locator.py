"""The locator against an independent brute force over every micro-grid, and its invalidation."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pytest
import shapely
from django.core.cache import cache

from gaoxin.grids import geometry, locator, services
from gaoxin.grids.generate import generate_layer
from gaoxin.grids.locator import Location, Locator, get_locator, invalidate
from gaoxin.grids.models import Grid


@pytest.fixture(scope="module")
def full() -> tuple[Locator, list[Grid]]:
    """The locator over the full seed-1 layer, built from unsaved grids (no database needed)."""
    layer = generate_layer(1)
    grid_ids = {g.code: n for n, g in enumerate(layer.grids, start=10_000)}
    grids = {}
    for g in layer.grids:
        assert g.street_code is not None
        grids[grid_ids[g.code]] = Grid(pk=grid_ids[g.code], code=g.code, level="grid",
                                       street_id=int(g.street_code[-2:]))
    # Ids in reverse code order, so that "smallest id" and "smallest code" cannot be confused.
    micros = []
    for n, m in enumerate(layer.micros):
        assert m.parent_code is not None
        micros.append(Grid(pk=100_000 - n, code=m.code, level="micro", parent_id=grid_ids[m.parent_code],
                           geometry=geometry.to_geojson(m.geometry)))
    return Locator(micros, grids), micros


def _located(loc: Locator, lon: float, lat: float) -> Location:
    found = loc.locate(lon, lat)
    assert found is not None, (lon, lat)
    return found


def brute_force(micros: list[Grid], xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """For every point: the id of the smallest-code micro-grid whose closed polygon contains it, else -1."""
    result = np.full(len(xs), -1, dtype=np.int64)
    for grid in sorted(micros, key=lambda g: g.code, reverse=True):  # smaller codes overwrite larger ones
        polygon = geometry.to_shape(grid.geometry)
        min_x, min_y, max_x, max_y = polygon.bounds
        near = np.flatnonzero((xs >= min_x) & (xs <= max_x) & (ys >= min_y) & (ys <= max_y))
        inside = near[[polygon.intersects(shapely.Point(x, y)) for x, y in zip(xs[near], ys[near], strict=True)]]
        result[inside] = grid.pk
    return result


def test_random_points_inside_and_outside_match_brute_force(full):
    loc, micros = full
    rng = np.random.default_rng(20230101)
    min_x, min_y, max_x, max_y = shapely.total_bounds(loc.polygons)
    pad = 0.05 * (max_x - min_x)
    xs = rng.uniform(min_x - pad, max_x + pad, 30_000)
    ys = rng.uniform(min_y - pad, max_y + pad, 30_000)
    expected = brute_force(micros, xs, ys)
    assert 0.2 < (expected == -1).mean() < 0.6  # plenty of outside points, inside and beyond the bbox
    np.testing.assert_array_equal(loc.locate_many(xs, ys), expected)
    np.testing.assert_array_equal([loc.locate_id(x, y) for x, y in zip(xs[:3000], ys[:3000], strict=True)],
                                  expected[:3000])


def test_points_on_shared_boundaries_go_to_the_smallest_code(full):
    loc, micros = full
    # Every vertex of every micro-grid: shared vertices lie on two or three polygons at once.
    owners: dict[tuple[float, float], list[str]] = defaultdict(list)
    for grid in micros:
        for x, y in shapely.get_coordinates(geometry.to_shape(grid.geometry))[:-1]:
            owners[(x, y)].append(grid.code)
    shared = {xy: min(codes) for xy, codes in owners.items() if len(set(codes)) > 1}
    assert len(shared) > 5_000
    xs = np.array([x for x, _ in shared])
    ys = np.array([y for _, y in shared])
    expected = brute_force(micros, xs, ys)
    np.testing.assert_array_equal(loc.locate_many(xs, ys), expected)
    assert [loc.locate_id(x, y) for x, y in shared] == expected.tolist()
    # The winner is never a larger code than the smallest polygon having the point as a vertex (it can be a
    # smaller one: a vertex of one grid's micro-grids may lie on the edge of a neighbouring grid's).
    code_of = {g.pk: g.code for g in micros}
    winners = [code_of[i] for i in expected.tolist()]
    assert all(w <= smallest for w, smallest in zip(winners, shared.values(), strict=True))
    assert sum(w == smallest for w, smallest in zip(winners, shared.values(), strict=True)) > 0.8 * len(shared)
    # Midpoints of edges too (on or within a rounding error of a shared edge): same as brute force.
    coords, ring = shapely.get_coordinates(shapely.get_exterior_ring(loc.polygons), return_index=True)
    same = ring[1:] == ring[:-1]
    mid = ((coords[1:] + coords[:-1]) / 2)[same][::3]
    np.testing.assert_array_equal(loc.locate_many(mid[:, 0], mid[:, 1]), brute_force(micros, mid[:, 0], mid[:, 1]))


def test_location_and_degenerate_input(full):
    loc, micros = full
    first = min(micros, key=lambda g: g.code)
    inside = geometry.to_shape(first.geometry).representative_point()
    found = loc.locate(inside.x, inside.y)
    assert found is not None
    assert found.micro_code == first.code
    assert found.micro_grid_id == first.pk
    assert found.grid_code == first.code[:11]
    assert found.street_id == int(first.code[6:8])
    assert loc.location_of(first.pk) == found
    assert loc.locate(100.0, 20.0) is None
    assert loc.location_of(-1) is None
    nan, inf = float("nan"), float("inf")
    assert loc.locate_many(np.array([nan, inf, -inf, 113.55]), np.array([34.81, 34.81, nan, inf])).tolist() == [-1] * 4
    assert loc.locate(nan, nan) is None
    assert loc.locate_many(np.array([]), np.array([])).tolist() == []


def test_small_layer_corner_shared_by_four_micro_grids(grid_layer):
    loc = get_locator()
    # (113.55, 34.81) is a corner of all four micro-grids: the smallest code wins.
    assert _located(loc, 113.55, 34.81).micro_code == "4101710100101"
    assert _located(loc, 113.56, 34.81).micro_code == "4101710200101"
    assert _located(loc, 113.60, 34.84).micro_code == "4101710200102"  # the outer corner is inside (closed)
    ids = loc.locate_many(np.array([113.55, 113.56, 113.60, 113.61]), np.array([34.81, 34.81, 34.84, 34.84]))
    assert ids.tolist() == [grid_layer.micro_west_south.pk, grid_layer.micro_east_south.pk,
                            grid_layer.micro_east_north.pk, -1]


def test_locator_is_rebuilt_after_a_layer_change(grid_layer, django_capture_on_commit_callbacks):
    before = get_locator()
    assert get_locator() is before  # no rebuild per call
    assert _located(before, 113.52, 34.79).micro_code == "4101710100101"
    shifted = json.loads(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": code, "level": level, "parent_code": parent,
                                           "street_code": street}, "geometry": geometry.to_geojson(shapely.box(*b))}
        for code, level, parent, street, b in [
            ("410171", "zone", None, None, (113.50, 34.78, 113.60, 34.84)),
            ("41017101001", "grid", "410171", "GX-S01", (113.50, 34.78, 113.60, 34.84)),
            ("4101710100101", "micro", "41017101001", "GX-S01", (113.50, 34.78, 113.53, 34.84)),
            ("4101710100102", "micro", "41017101001", "GX-S01", (113.53, 34.78, 113.60, 34.84)),
        ]
    ]}))
    with django_capture_on_commit_callbacks(execute=True):
        services.grid_layer_import(text=json.dumps(shifted), replace=True)
    after = get_locator()
    assert after is not before
    assert _located(after, 113.54, 34.79).micro_code == "4101710100102"
    assert _located(after, 113.58, 34.83).grid_code == "41017101001"


def test_another_process_invalidating_is_seen_through_the_cache(grid_layer):
    before = get_locator()
    # Another process changed the layer: it bumped the shared version key; this process still holds its
    # cached locator (locator._cached is untouched).
    cache.incr(locator._VERSION_KEY)  # the grid_layer fixture set it already
    assert locator._cached is not None
    assert get_locator() is not before
    invalidate()
    assert locator._cached is None


def test_overlaps_holes_multipolygons_and_an_empty_layer_match_brute_force():
    """The raster index makes no tiling assumption: overlapping polygons, holes and multi-part polygons."""
    rng = np.random.default_rng(7)
    shapes = []
    for _ in range(40):
        x, y = rng.uniform(113.50, 113.60), rng.uniform(34.78, 34.84)
        shapes.append(shapely.Point(x, y).buffer(rng.uniform(0.002, 0.02), quad_segs=rng.integers(1, 6)))
    shapes[0] = shapes[0].difference(shapes[0].centroid.buffer(0.001))  # a hole
    parts = [shapely.box(113.50, 34.78, 113.51, 34.79), shapely.box(113.58, 34.82, 113.59, 34.83)]
    shapes[1] = shapely.MultiPolygon(parts)
    shapes[2] = shapely.box(113.55, 34.80, 113.5500001, 34.84)  # a sliver thinner than a raster cell
    micros = [Grid(pk=n + 1, code=f"41017101001{n:02d}", level="micro", geometry=geometry.to_geojson(s))
              for n, s in enumerate(shapes)]
    loc = Locator(micros, {})
    xs, ys = rng.uniform(113.49, 113.61, 50_000), rng.uniform(34.77, 34.85, 50_000)
    xs[:200], ys[:200] = 113.55 + rng.uniform(0, 0.0000001, 200), rng.uniform(34.80, 34.84, 200)  # in the sliver
    expected = brute_force(micros, xs, ys)
    assert (expected == 3).sum() >= 50
    assert (expected == 1).any()
    assert (expected == -1).any()
    np.testing.assert_array_equal(loc.locate_many(xs, ys), expected)
    assert [loc.locate_id(x, y) for x, y in zip(xs[:2000], ys[:2000], strict=True)] == expected[:2000].tolist()

    empty = Locator([], {})
    assert empty.locate_many(xs[:10], ys[:10]).tolist() == [-1] * 10
    assert empty.locate(113.55, 34.81) is None

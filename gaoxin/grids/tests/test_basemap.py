"""The synthetic zone's base map (底图): named roads inside the zone, landmarks near them, street boundaries equal
to their grids; the same seed gives the same map; written with the layer, removed when a layer replaces it, and
served by the app as GeoJSON."""

from __future__ import annotations

import json

import pytest
import shapely
from django.test import Client

from gaoxin.accounts.synthetic import STREETS
from gaoxin.grids import generate
from gaoxin.grids.basemap import EAST_WEST, LANDMARKS, NORTH_SOUTH, ROADS, generate_basemap
from gaoxin.grids.generate import generate_layer
from gaoxin.grids.models import BaseMapFeature


@pytest.fixture(scope="module")
def layer() -> generate.SyntheticLayer:
    return generate_layer(1)


def metres(geom):
    return generate.to_metres(geom)


def test_roads_landmarks_and_streets_of_the_zone(layer):
    features = generate_basemap(layer)
    zone = metres(layer.zone.geometry)
    roads = {f.name: metres(f.geometry) for f in features if f.kind == "road"}
    assert set(roads) <= set(ROADS)
    assert len(roads) >= 18  # an arterial shorter than 300 m inside the zone is left out
    assert len(ROADS) == len(set(ROADS)) == len(EAST_WEST) + len(NORTH_SOUTH)
    for name, road in roads.items():
        assert zone.buffer(1.0).contains(road), name
    landmarks = {f.name: metres(f.geometry) for f in features if f.kind == "landmark"}
    assert list(landmarks) == list(LANDMARKS)
    for name, point in landmarks.items():
        assert min(road.distance(point) for road in roads.values()) < 200, name
        named_after = [r for r in roads if name.startswith(r)]
        for road in named_after:  # 科学大道地铁站 is on 科学大道
            assert roads[road].distance(point) < 200, name
    streets = {f.name: metres(f.geometry) for f in features if f.kind == "street"}
    assert list(streets) == [name for _, name, _ in STREETS]
    for code, name, _ in STREETS:
        cells = shapely.union_all([metres(c.geometry) for c in layer.grids if c.street_code == code])
        assert streets[name].symmetric_difference(cells).area < cells.area * 1e-5, name  # snapped to 1 cm
    assert sum(s.area for s in streets.values()) == pytest.approx(zone.area, rel=1e-6)


def test_the_same_seed_gives_the_same_map(layer):
    first = [(f.kind, f.name, shapely.to_wkb(f.geometry)) for f in generate_basemap(layer)]
    again = [(f.kind, f.name, shapely.to_wkb(f.geometry)) for f in generate_basemap(generate_layer(1))]
    assert first == again


@pytest.mark.django_db
def test_written_with_the_layer_replaced_with_it_and_served_as_geojson(grid_layer):
    from django.core.management import call_command

    from gaoxin.grids.services import grid_layer_generate

    assert not BaseMapFeature.objects.exists()  # the test layer is built cell by cell, without a base map
    grid_layer_generate(seed=1, replace=True)
    kinds = dict.fromkeys(("street", "road", "landmark"), 0)
    for kind in BaseMapFeature.objects.values_list("kind", flat=True):
        kinds[kind] += 1
    assert kinds == {"street": 6, "road": len(generate_basemap(generate_layer(1))) - 6 - 12, "landmark": 12}
    assert set(BaseMapFeature.objects.values_list("is_synthetic", flat=True)) == {True}

    from django.core.cache import cache
    cache.delete("web:basemap")
    response = Client().get("/maps/base.geojson")  # public: the citizens' report form draws it too
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    body = json.loads(response.content)
    assert [f["properties"]["name"] for f in body["features"] if f["properties"]["kind"] == "street"] == [
        name for _, name, _ in STREETS]
    assert len(body["features"]) == BaseMapFeature.objects.count()

    call_command("grids", "generate", "--seed", "2", "--replace", "--no-progress", verbosity=0)
    assert BaseMapFeature.objects.count() == len(generate_basemap(generate_layer(2)))


@pytest.mark.django_db
def test_an_address_names_the_road_nearest_to_its_spot(grid_layer):
    import numpy as np

    from gaoxin.grids.selectors import RASTER_M, nearest_road_names
    from gaoxin.grids.services import grid_layer_generate

    assert nearest_road_names(np.array([113.55]), np.array([34.81])) is None  # no base map: the caller decides
    grid_layer_generate(seed=1, replace=True)
    roads = {f.name: f.geometry for f in generate_basemap(generate_layer(1)) if f.kind == "road"}
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(113.50, 113.60, 500), rng.uniform(34.77, 34.85, 500)
    names = nearest_road_names(lon, lat)
    assert names is not None
    for x, y, name in zip(lon, lat, names, strict=True):
        spot = metres(shapely.Point(x, y))
        distances = sorted(metres(g).distance(spot) for g in roads.values())
        # the road nearest to the spot's cell: at most a cell's diagonal farther than the nearest one
        assert metres(roads[name]).distance(spot) <= distances[0] + RASTER_M * 2 ** 0.5

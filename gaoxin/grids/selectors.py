"""Reads of the grid layer."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict

import numpy as np
import shapely
import shapely.geometry
from django.db.models import Q, QuerySet

from gaoxin.grids.generate import CENTER_LAT, CENTER_LON, to_metres
from gaoxin.grids.geometry import METRES_PER_DEG_LAT, metres_per_deg_lon
from gaoxin.grids.layer import LayerFeature, feature_collection_text
from gaoxin.grids.models import BaseMapFeature, Grid


def grid_layer_features() -> list[LayerFeature]:
    """The whole layer (zone, grids, micro-grids), ordered by code, as import/export features."""
    grids = list(Grid.objects.select_related("parent", "street").order_by("code"))
    workers: dict[int, list[str]] = defaultdict(list)
    for grid_id, username in Grid.workers.through.objects.values_list("grid_id", "user__username"):
        workers[grid_id].append(username)
    return [
        LayerFeature(
            code=g.code,
            name=g.name,
            level=g.level,
            geometry=g.geometry,
            parent_code=g.parent.code if g.parent else None,
            street_code=g.street.code if g.street else None,
            workers=tuple(sorted(workers[g.pk])),
            is_synthetic=g.is_synthetic,
        )
        for g in grids
    ]


def grid_layer_geojson() -> str:
    """The layer as a GeoJSON FeatureCollection (the format ``services.grid_layer_import`` reads)."""
    return feature_collection_text([f.as_geojson() for f in grid_layer_features()])


def grid_list(*, level: str | None = None, on: dt.date | None = None) -> QuerySet[Grid]:
    """The grids (of one level: zone, grid or micro-grid), by code; with ``on``, those valid on that day (valid
    from it or earlier, or from the layer's baseline, and not retired by then). The layer is public within the
    platform."""
    qs = Grid.objects.all()
    if on is not None:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on),
                       Q(valid_to__isnull=True) | Q(valid_to__gt=on))
    return (qs.filter(level=level) if level else qs).order_by("code")


def basemap_geojson() -> dict:
    """The app's own base map as a GeoJSON FeatureCollection (``kind`` and ``name`` in each feature's properties);
    empty when the layer has none (an imported layer: the tile service draws the base map)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry, "properties": {"kind": kind, "name": name}}
        for kind, name, geometry in BaseMapFeature.objects.order_by("kind", "pk").values_list(
            "kind", "name", "geometry")]}


RASTER_M = 100.0  # an address names the road nearest to the centre of the point's 100 m cell


def nearest_road_names(lon: np.ndarray, lat: np.ndarray) -> list[str] | None:
    """The base map's nearest named road to each point (vectorised: the road nearest to the centre of the point's
    100 m cell, the cells computed once per layer), or None when the base map has no roads (an imported layer):
    what an address on that spot is written with."""
    roads = tuple((name, json.dumps(geometry, sort_keys=True)) for name, geometry in BaseMapFeature.objects.filter(
        kind=BaseMapFeature.Kind.ROAD).order_by("pk").values_list("name", "geometry"))
    if not roads:
        return None
    names, (x0, y0), nearest = _road_raster(roads)
    kx = metres_per_deg_lon(CENTER_LAT)  # as generate.to_metres
    x, y = (np.asarray(lon) - CENTER_LON) * kx, (np.asarray(lat) - CENTER_LAT) * METRES_PER_DEG_LAT
    i = np.clip(((x - x0) // RASTER_M).astype(np.int64), 0, nearest.shape[1] - 1)
    j = np.clip(((y - y0) // RASTER_M).astype(np.int64), 0, nearest.shape[0] - 1)
    return np.asarray(names, dtype=object)[nearest[j, i]].tolist()


@functools.lru_cache(maxsize=4)
def _road_raster(roads: tuple[tuple[str, str], ...]) -> tuple[list[str], tuple[float, float], np.ndarray]:
    """Over the roads' extent (plus a kilometre), the index of the nearest road to each 100 m cell's centre
    (cached by the roads themselves: names and geometry)."""
    geoms = [to_metres(shapely.geometry.shape(json.loads(geometry))) for _, geometry in roads]
    min_x, min_y, max_x, max_y = shapely.total_bounds(geoms) + np.array([-1000, -1000, 1000, 1000])
    xs = np.arange(min_x, max_x, RASTER_M) + RASTER_M / 2
    ys = np.arange(min_y, max_y, RASTER_M) + RASTER_M / 2
    gx, gy = np.meshgrid(xs, ys)
    nearest = shapely.STRtree(geoms).query_nearest(shapely.points(gx.ravel(), gy.ravel()), all_matches=False)[1]
    return [name for name, _ in roads], (float(min_x), float(min_y)), nearest.reshape(gx.shape)

"""Writes of the grid layer."""

from __future__ import annotations

from django.db import transaction

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.errors import ApplicationError
from gaoxin.grids import geometry
from gaoxin.grids.models import Grid


def grid_fields_from_geometry(geojson: dict) -> dict:
    """The derived columns (bbox, centroid, area) for a GeoJSON polygon."""
    geom = geometry.to_shape(geojson)
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    centroid = geom.representative_point() if not geom.centroid.within(geom) else geom.centroid
    return {
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "centroid_lon": centroid.x,
        "centroid_lat": centroid.y,
        "area_m2": geometry.area_m2(geom),
    }


@transaction.atomic
def grid_create(
    *,
    code: str,
    name: str,
    level: str,
    geometry_geojson: dict,
    parent: Grid | None = None,
    street: OrgUnit | None = None,
    is_synthetic: bool = False,
) -> Grid:
    if level not in Grid.Level.values:
        raise ApplicationError(f"未知的网格层级：{level}", field="level")
    if parent is not None and not code.startswith(parent.code):
        raise ApplicationError(f"网格编码 {code} 必须以上级编码 {parent.code} 开头", field="code")
    if Grid.objects.filter(code=code).exists():
        raise ApplicationError(f"网格编码 {code} 已存在", field="code", code="duplicate")
    grid = Grid.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        street=street,
        geometry=geometry_geojson,
        is_synthetic=is_synthetic,
        **grid_fields_from_geometry(geometry_geojson),
    )
    transaction.on_commit(grid_layer_changed)
    return grid


def grid_layer_changed() -> None:
    """Tell every process's locator that the layer changed (it rebuilds on next use)."""
    from gaoxin.grids.locator import invalidate

    invalidate()

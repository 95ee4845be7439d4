"""Geometry helpers over GeoJSON in WGS 84 lon/lat.

Areas and distances use a local equirectangular projection about the zone's latitude: at 34.8°N and a
zone of ~10 km across, the error against a geodesic is far below a square metre per hectare, and it keeps
the arithmetic vectorisable.
"""

from __future__ import annotations

import math

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

METRES_PER_DEG_LAT = 110_574.0


def metres_per_deg_lon(lat: float) -> float:
    return 111_320.0 * math.cos(math.radians(lat))


def to_shape(geojson: dict) -> BaseGeometry:
    return shape(geojson)


def to_geojson(geom: BaseGeometry) -> dict:
    return dict(mapping(geom))


def project(geom: BaseGeometry, lat0: float) -> BaseGeometry:
    """lon/lat → local metres about latitude ``lat0``."""
    kx, ky = metres_per_deg_lon(lat0), METRES_PER_DEG_LAT
    return shapely.transform(geom, lambda xy: xy * [kx, ky])


def area_m2(geom: BaseGeometry) -> float:
    return float(project(geom, geom.centroid.y).area) if not geom.is_empty else 0.0


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    kx = metres_per_deg_lon((lat1 + lat2) / 2)
    return math.hypot((lon2 - lon1) * kx, (lat2 - lat1) * METRES_PER_DEG_LAT)

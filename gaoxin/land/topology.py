"""The parcels' topology: every polygon valid, inside the zone, and overlapping no other parcel (touching edges
are allowed). Candidates come from a shapely STRtree, so checking 10,000 parcels costs one tree query."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gaoxin.grids import geometry

# Overlaps smaller than this (m²) are digitising noise on a shared edge, not an overlap.
TOLERANCE_M2 = 0.5


@dataclass(frozen=True)
class Overlap:
    first: str
    second: str
    area_m2: float

    def __str__(self) -> str:
        return f"宗地 {self.first} 与 {self.second} 重叠 {self.area_m2:.1f} 平方米"


def overlaps(new: Mapping[str, BaseGeometry], existing: Mapping[str, BaseGeometry] | None = None) -> list[Overlap]:
    """Every pair (code, code) of overlapping parcels among ``new`` and between ``new`` and ``existing``."""
    existing = existing or {}
    codes: list[str] = [*new, *existing]
    shapes = np.array([*new.values(), *existing.values()], dtype=object)
    n_new = len(new)
    if not n_new:
        return []
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes[:n_new], predicate="intersects")
    keep = left != right
    left, right = left[keep], right[keep]
    # A pair among the new ones is found twice: keep it once.
    keep = (right >= n_new) | (left < right)
    left, right = left[keep], right[keep]
    found: list[Overlap] = []
    if not len(left):
        return found
    lat0 = float(shapely.get_y(shapely.centroid(shapes[left[0]])))
    areas = shapely.area(geometry.project(shapely.intersection(shapes[left], shapes[right]), lat0))
    for i, j, area in zip(left.tolist(), right.tolist(), areas.tolist(), strict=True):
        if area > TOLERANCE_M2:
            a, b = sorted((codes[i], codes[j]))
            found.append(Overlap(a, b, area))
    return sorted(found, key=lambda o: (o.first, o.second))


def outside(new: Mapping[str, BaseGeometry], zone: BaseGeometry | None) -> list[str]:
    """Codes of the parcels not inside the zone boundary (none without a zone layer)."""
    if zone is None or not new:
        return []
    shapes = np.array(list(new.values()), dtype=object)
    shapely.prepare(zone)
    inside = shapely.covers(zone, shapes)
    return [code for code, ok in zip(new, inside.tolist(), strict=True) if not ok]


def invalid(new: Mapping[str, BaseGeometry]) -> list[str]:
    return [code for code, shape in new.items()
            if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty or not shape.is_valid]


def as_shapes(geojsons: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, BaseGeometry]:
    return {code: geometry.to_shape(g) for code, g in geojsons}

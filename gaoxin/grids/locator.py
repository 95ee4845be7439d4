"""Point → micro-grid → grid → street office.

Boundary rule: polygons are closed, so a point on a shared edge lies in every micro-grid that touches it;
the one with the smallest code wins. A point in no micro-grid is "outside" (None / -1), never an
arbitrary grid.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.core.cache import cache

from gaoxin.grids import geometry
from gaoxin.grids.models import Grid

_VERSION_KEY = "grids:layer-version"


@dataclass(frozen=True)
class Location:
    micro_grid_id: int
    grid_id: int
    street_id: int | None
    micro_code: str
    grid_code: str


class Locator:
    def __init__(self, micro_grids: list[Grid], grid_by_id: dict[int, Grid]) -> None:
        # Sorted by code, so the first hit on a shared boundary is the smallest code.
        micro_grids = sorted(micro_grids, key=lambda g: g.code)
        self.ids = np.array([g.pk for g in micro_grids], dtype=np.int64)
        self.polygons = np.array([geometry.to_shape(g.geometry) for g in micro_grids], dtype=object)
        shapely.prepare(self.polygons)
        self.tree = shapely.STRtree(self.polygons)
        self._locations = {
            g.pk: Location(
                micro_grid_id=g.pk,
                grid_id=g.parent_id or g.pk,
                street_id=(grid_by_id[g.parent_id].street_id if g.parent_id in grid_by_id else g.street_id),
                micro_code=g.code,
                grid_code=grid_by_id[g.parent_id].code if g.parent_id in grid_by_id else g.code,
            )
            for g in micro_grids
        }

    @classmethod
    def from_database(cls) -> Locator:
        grids = {g.pk: g for g in Grid.objects.filter(level=Grid.Level.GRID).only("id", "code", "street_id")}
        micro = list(Grid.objects.filter(level=Grid.Level.MICRO).only("id", "code", "parent_id", "street_id",
                                                                      "geometry"))
        return cls(micro, grids)

    def locate_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Micro-grid ids for arrays of points; -1 where a point lies outside every micro-grid."""
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        point_idx, poly_idx = self.tree.query(points, predicate="intersects")
        result = np.full(len(points), -1, dtype=np.int64)
        if len(point_idx):
            # For each point keep the smallest polygon index (= smallest code).
            order = np.lexsort((poly_idx, point_idx))
            point_idx, poly_idx = point_idx[order], poly_idx[order]
            first = np.ones(len(point_idx), dtype=bool)
            first[1:] = point_idx[1:] != point_idx[:-1]
            result[point_idx[first]] = self.ids[poly_idx[first]]
        return result

    def locate(self, lon: float, lat: float) -> Location | None:
        found = int(self.locate_many(np.array([lon]), np.array([lat]))[0])
        return self._locations.get(found)

    def location_of(self, micro_grid_id: int) -> Location | None:
        return self._locations.get(micro_grid_id)


_lock = threading.Lock()
_cached: tuple[int, Locator] | None = None


def _layer_version() -> int:
    return int(cache.get(_VERSION_KEY, 0))


def invalidate() -> None:
    global _cached
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, timeout=None)
    _cached = None


def get_locator() -> Locator:
    """The process-wide locator, rebuilt when the grid layer's version changes."""
    global _cached
    version = _layer_version()
    with _lock:
        if _cached is None or _cached[0] != version:
            _cached = (version, Locator.from_database())
        return _cached[1]

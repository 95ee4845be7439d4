"""Point → micro-grid → grid → street office.

Boundary rule: polygons are closed, so a point on a shared edge lies in every micro-grid that touches it;
the one with the smallest code wins. A point in no micro-grid is "outside" (None / -1), never an
arbitrary grid.

How it is fast (``docs/PERFORMANCE.md``, "Locator"): a uniform raster over the layer's bounding box.
Every cell is classified once, when the locator is built:

- *pure* cells, touched by no polygon edge, lie wholly inside the same set of polygons (or outside all);
  they store the answer (smallest polygon index, or outside) and a point in them is answered by one array
  lookup;
- *mixed* cells, touched by at least one edge, store a short candidate list (the polygons whose edges touch
  the cell plus those containing the cell's centre); a point in them gets an exact closed test
  (``shapely.intersects_xy``) against the candidates, and the smallest hit wins.

Cells are tested for edges with a small margin, so a point exactly on an edge always falls in a mixed cell,
whatever the floating-point rounding of its cell index. The raster is built with vectorised scan-line
filling and a vectorised edge traversal, without shapely in the loop.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np
import shapely
from django.core.cache import cache

from gaoxin.core.errors import ApplicationError
from gaoxin.grids import geometry
from gaoxin.grids.models import Grid

_VERSION_KEY = "grids:layer-version"

# Raster size: about this many cells in all (int32 each), but never cells smaller than MIN_CELL_DEG.
TARGET_CELLS = 1 << 21
MIN_CELL_DEG = 1e-6
# Relative margin (of a cell's size) by which cells are widened when testing them against edges.
_EDGE_MARGIN = 1e-6


@dataclass(frozen=True)
class Location:
    micro_grid_id: int
    grid_id: int
    street_id: int | None
    micro_code: str
    grid_code: str


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(s, s + c)`` for every (s, c), vectorised."""
    counts = counts.astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    offsets = np.repeat(starts.astype(np.int64) - (ends - counts), counts)
    return offsets + np.arange(total, dtype=np.int64)


class _Raster:
    """The raster index over polygons ``polygons`` (in the order whose index is the priority)."""

    def __init__(self, polygons: np.ndarray) -> None:
        n = len(polygons)
        if n:
            min_x, min_y, max_x, max_y = shapely.total_bounds(polygons)
        else:
            min_x = min_y = 0.0
            max_x = max_y = 1.0
        width, height = max(max_x - min_x, MIN_CELL_DEG), max(max_y - min_y, MIN_CELL_DEG)
        cell = max(math.sqrt(width * height / TARGET_CELLS), MIN_CELL_DEG)
        nx, ny = int(math.ceil(width / cell)) + 1, int(math.ceil(height / cell)) + 1
        self.x0, self.y0, self.cell, self.nx, self.ny = min_x - cell / 2, min_y - cell / 2, cell, nx, ny
        self.inv = 1.0 / cell

        xa, ya, xb, yb, seg_poly = self._segments(polygons)
        edge_cell, edge_poly = self._edge_cells(xa, ya, xb, yb, seg_poly)
        fill_cell, fill_poly = self._centre_fill(xa, ya, xb, yb, seg_poly)

        # Cell value: 0 outside, k + 1 pure inside polygon k, -(m + 1) mixed with candidate list m.
        # The raster has a border of outside cells so that clipped indices of far points land on it.
        size = (nx + 2) * (ny + 2)
        best = np.full(size, n, dtype=np.int64)
        np.minimum.at(best, fill_cell, fill_poly)
        values = np.where(best < n, best + 1, 0).astype(np.int32)

        mixed_cells = np.unique(edge_cell)
        # Candidates of a mixed cell: polygons with an edge in it, plus every polygon containing its centre
        # (a polygon meeting a cell either has an edge in it or contains the whole cell).
        in_mixed = np.isin(fill_cell, mixed_cells)
        pairs_cell = np.concatenate([edge_cell, fill_cell[in_mixed]])
        pairs_poly = np.concatenate([edge_poly, fill_poly[in_mixed]])
        key = np.unique(pairs_cell * max(n, 1) + pairs_poly)  # sorted by cell, then polygon index
        pairs_cell, pairs_poly = key // max(n, 1), key % max(n, 1)
        slot = np.searchsorted(mixed_cells, pairs_cell)
        self.candidates = pairs_poly.astype(np.int64)
        self.offsets = np.zeros(len(mixed_cells) + 1, dtype=np.int64)
        np.cumsum(np.bincount(slot, minlength=len(mixed_cells)), out=self.offsets[1:])
        values[mixed_cells] = -(np.arange(len(mixed_cells), dtype=np.int32) + 1)
        self.values = values
        self.mixed_count = len(mixed_cells)

    # -- building -----------------------------------------------------------------------------------------

    @staticmethod
    def _segments(polygons: np.ndarray) -> tuple[np.ndarray, ...]:
        """Every ring edge of every polygon (all parts of a multi-polygon): start, end and the polygon's index."""
        parts, part_poly = shapely.get_parts(polygons, return_index=True)
        rings, ring_part = shapely.get_rings(parts, return_index=True)
        ring_poly = part_poly[ring_part]
        coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
        same = coord_ring[1:] == coord_ring[:-1]
        start = np.flatnonzero(same)
        seg_poly = ring_poly[coord_ring[start]]
        return coords[start, 0], coords[start, 1], coords[start + 1, 0], coords[start + 1, 1], seg_poly

    def _edge_cells(self, xa, ya, xb, yb, seg_poly) -> tuple[np.ndarray, np.ndarray]:
        """(flat cell, polygon) for every cell an edge touches, cells widened by a small margin."""
        inv, eps = self.inv, _EDGE_MARGIN
        fxa, fya, fxb, fyb = (xa - self.x0) * inv, (ya - self.y0) * inv, (xb - self.x0) * inv, (yb - self.y0) * inv
        lo_x, hi_x = np.minimum(fxa, fxb), np.maximum(fxa, fxb)
        c0 = np.floor(lo_x - eps).astype(np.int64)
        c1 = np.floor(hi_x + eps).astype(np.int64)
        ncol = c1 - c0 + 1
        seg = np.repeat(np.arange(len(xa)), ncol)
        col = _ranges(c0, ncol)
        # The part of the segment over this column (clamped to the segment), and its y extent.
        left = np.maximum(col - eps, lo_x[seg])
        right = np.minimum(col + 1 + eps, hi_x[seg])
        dx = fxb[seg] - fxa[seg]
        flat = np.abs(dx) < 1e-12
        slope = np.where(flat, 0.0, (fyb[seg] - fya[seg]) / np.where(flat, 1.0, dx))
        y_left = np.where(flat, fya[seg], fya[seg] + (left - fxa[seg]) * slope)
        y_right = np.where(flat, fyb[seg], fya[seg] + (right - fxa[seg]) * slope)
        r0 = np.floor(np.minimum(y_left, y_right) - eps).astype(np.int64)
        r1 = np.floor(np.maximum(y_left, y_right) + eps).astype(np.int64)
        nrow = r1 - r0 + 1
        pair = np.repeat(np.arange(len(seg)), nrow)
        row = _ranges(r0, nrow)
        col = col[pair]
        cells = (np.clip(row, -1, self.ny) + 1) * (self.nx + 2) + (np.clip(col, -1, self.nx) + 1)
        return cells, seg_poly[seg[pair]]

    def _centre_fill(self, xa, ya, xb, yb, seg_poly) -> tuple[np.ndarray, np.ndarray]:
        """(flat cell, polygon) for every cell whose centre lies inside a polygon (even-odd scan lines)."""
        inv = self.inv
        fxa, fya, fxb, fyb = (xa - self.x0) * inv, (ya - self.y0) * inv, (xb - self.x0) * inv, (yb - self.y0) * inv
        lo, hi = np.minimum(fya, fyb), np.maximum(fya, fyb)
        # Scan line of row r is y = r + 0.5; an edge crosses it if lo <= r + 0.5 < hi (half-open).
        r0 = np.ceil(lo - 0.5).astype(np.int64)
        r1 = np.ceil(hi - 0.5).astype(np.int64)
        nrow = np.maximum(r1 - r0, 0)
        seg = np.repeat(np.arange(len(xa)), nrow)
        row = _ranges(r0, nrow)
        yline = row + 0.5
        t = (yline - fya[seg]) / (fyb[seg] - fya[seg])
        x = fxa[seg] + t * (fxb[seg] - fxa[seg])
        poly = seg_poly[seg]
        order = np.lexsort((x, row, poly))
        x, row, poly = x[order], row[order], poly[order]
        # Crossings come in pairs per (polygon, row): spans [x_in, x_out) between them.
        x_in, x_out, span_row, span_poly = x[0::2], x[1::2], row[0::2], poly[0::2]
        c_first = np.ceil(x_in - 0.5).astype(np.int64)
        c_last = np.ceil(x_out - 0.5).astype(np.int64)  # exclusive
        ncell = np.maximum(c_last - c_first, 0)
        span = np.repeat(np.arange(len(x_in)), ncell)
        col = _ranges(c_first, ncell)
        cells = (span_row[span] + 1) * (self.nx + 2) + (col + 1)
        return cells, span_poly[span]

    # -- lookup -------------------------------------------------------------------------------------------

    def cell_values(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        fx = (x - self.x0) * self.inv
        fy = (y - self.y0) * self.inv
        np.nan_to_num(fx, copy=False, nan=-2.0)
        np.nan_to_num(fy, copy=False, nan=-2.0)
        np.clip(fx, -1.0, self.nx, out=fx)
        np.clip(fy, -1.0, self.ny, out=fy)
        col = np.floor(fx).astype(np.int64)
        row = np.floor(fy).astype(np.int64)
        col += 1
        row += 1
        row *= self.nx + 2
        row += col
        return self.values.take(row)

    def cell_value(self, x: float, y: float) -> int:
        fx, fy = (x - self.x0) * self.inv, (y - self.y0) * self.inv
        if not (-1.0 <= fx < self.nx and -1.0 <= fy < self.ny):  # also false for NaN
            return 0
        return int(self.values[(math.floor(fy) + 1) * (self.nx + 2) + math.floor(fx) + 1])


class Locator:
    def __init__(self, micro_grids: list[Grid], grid_by_id: dict[int, Grid]) -> None:
        # Sorted by code, so the smallest polygon index on a shared boundary is the smallest code.
        micro_grids = sorted(micro_grids, key=lambda g: g.code)
        self.ids = np.array([g.pk for g in micro_grids], dtype=np.int64)
        self.polygons = np.array([geometry.to_shape(g.geometry) for g in micro_grids], dtype=object)
        shapely.prepare(self.polygons)
        self.bounds = tuple(float(v) for v in shapely.total_bounds(self.polygons)) if len(self.polygons) else None
        self.raster = _Raster(self.polygons)
        # Answer per cell value: value 0 → -1 (outside), value k + 1 → ids[k].
        self._answer = np.concatenate([np.array([-1], dtype=np.int64), self.ids])
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

    # How far around the zone's extent a reported point may lie (about 15 km): a report from the next district is
    # taken (and routed to the zone center), one from another city is a mistake.
    NEAR_ZONE_DEGREES = 0.15

    def check_near_zone(self, lon: float, lat: float) -> None:
        """Refuse a point far outside the zone's extent (``ApplicationError`` naming ``lon`` or ``lat``); without a
        grid layer every point is taken."""
        if self.bounds is None:
            return
        min_x, min_y, max_x, max_y = self.bounds
        margin = self.NEAR_ZONE_DEGREES
        if not min_x - margin <= lon <= max_x + margin:
            raise ApplicationError(f"位置不在本辖区附近（经度应在 {min_x - margin:.2f}–{max_x + margin:.2f} 之间）",
                                   field="lon", code="outside_zone")
        if not min_y - margin <= lat <= max_y + margin:
            raise ApplicationError(f"位置不在本辖区附近（纬度应在 {min_y - margin:.2f}–{max_y + margin:.2f} 之间）",
                                   field="lat", code="outside_zone")

    @classmethod
    def from_database(cls) -> Locator:
        grids = {g.pk: g for g in Grid.objects.filter(level=Grid.Level.GRID).only("id", "code", "street_id")}
        micro = list(Grid.objects.filter(level=Grid.Level.MICRO).only("id", "code", "parent_id", "street_id",
                                                                      "geometry"))
        return cls(micro, grids)

    def locate_many(self, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
        """Micro-grid ids for arrays of points; -1 where a point lies outside every micro-grid."""
        x = np.asarray(lons, dtype=np.float64).ravel()
        y = np.asarray(lats, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError("lons and lats must have the same length")
        raster = self.raster
        values = raster.cell_values(x, y)
        result = self._answer.take(np.maximum(values, 0))
        mixed = np.flatnonzero(values < 0)
        if len(mixed):
            slot = -values[mixed].astype(np.int64) - 1
            starts = raster.offsets[slot]
            counts = raster.offsets[slot + 1] - starts
            candidate = raster.candidates[_ranges(starts, counts)]
            point = np.repeat(mixed, counts)
            hit = shapely.intersects_xy(self.polygons[candidate], x[point], y[point])
            big = len(self.ids)
            best = np.minimum.reduceat(np.where(hit, candidate, big), np.cumsum(counts) - counts)
            result[mixed] = np.where(best < big, self.ids[np.minimum(best, big - 1)], -1)
        return result

    def locate_id(self, lon: float, lat: float) -> int:
        """The micro-grid id of one point, or -1 (the scalar twin of ``locate_many``)."""
        value = self.raster.cell_value(lon, lat)
        if value >= 0:
            return int(self._answer[value])
        raster, slot = self.raster, -value - 1
        for k in raster.candidates[raster.offsets[slot] : raster.offsets[slot + 1]].tolist():
            if shapely.intersects_xy(self.polygons[k], lon, lat):
                return int(self.ids[k])
        return -1

    def locate(self, lon: float, lat: float) -> Location | None:
        return self._locations.get(self.locate_id(lon, lat))

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

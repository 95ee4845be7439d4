"""The synthetic grid layer of DESIGN §6, computed in memory (no database here; ``services`` writes it).

Shape of the layer for a seed:

- the zone (辖区): an irregular, star-shaped boundary of 99 km² around 113.55°E 34.81°N, made of a few
  low-frequency harmonics on an ellipse, rotated, then scaled to the exact area;
- 571 grids (网格): a Voronoi tessellation of random seed points inside the zone, relaxed by a few Lloyd
  iterations (so cells are of similar size but not a lattice), each cell clipped to the zone;
- 3,895 micro-grids (微网格): in every grid, a Voronoi tessellation of its own relaxed seed points clipped
  to the grid; the number per grid is proportional to the grid's area (at least 3), summing to 3,895;
- grids are grouped into the six synthetic street offices by k-means over their centroids, then repaired
  so that every street is one edge-connected group of grids.

All geometry is computed in local metres (equirectangular about 34.81°N, see ``geometry``) and mapped back
to lon/lat by the same scaling, so shared edges of neighbouring cells keep bit-identical vertices and
siblings tile their parent exactly (up to floating-point noise far below a square metre).
The same seed gives the same layer, bit for bit, on the same GEOS version.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gaoxin.accounts.synthetic import STREETS
from gaoxin.grids import geometry

ZONE_CODE = "410171"
ZONE_NAME = "高新区（模拟）"
CENTER_LON, CENTER_LAT = 113.55, 34.81
ZONE_AREA_M2 = 99_000_000.0
GRID_COUNT = 571
MICRO_COUNT = 3_895
MIN_MICRO_PER_GRID = 3
LLOYD_GRID_ITERATIONS = 4
LLOYD_MICRO_ITERATIONS = 3

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN_CHARS = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红梅鑫波斌宇浩凯健俊帆帅旭宁龙林欣佳雪晨阳婷琳倩颖文博晓峰辉建国志刚海燕丹慧莉亮飞鹏"  # noqa: E501


@dataclass(frozen=True)
class Cell:
    """One polygon of the synthetic layer (lon/lat geometry)."""

    code: str
    name: str
    level: str  # "zone" | "grid" | "micro"
    geometry: BaseGeometry
    parent_code: str | None = None
    street_code: str | None = None  # org unit code of the street office, e.g. "GX-S01"
    worker_name: str | None = None  # display name of the micro-grid's worker


@dataclass
class SyntheticLayer:
    seed: int
    zone: Cell
    grids: list[Cell] = field(default_factory=list)
    micros: list[Cell] = field(default_factory=list)

    @property
    def cells(self) -> list[Cell]:
        return [self.zone, *self.grids, *self.micros]


def _kx() -> float:
    return geometry.metres_per_deg_lon(CENTER_LAT)


def _to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    """Local metres about the zone centre → lon/lat (the inverse of ``_to_metres``)."""
    kx, ky = _kx(), geometry.METRES_PER_DEG_LAT
    return shapely.transform(geom, lambda xy: xy / [kx, ky] + [CENTER_LON, CENTER_LAT])


def to_lonlat(geom: BaseGeometry) -> BaseGeometry:
    return _to_lonlat(geom)


def to_metres(geom: BaseGeometry) -> BaseGeometry:
    """lon/lat → local metres about the zone centre (the inverse of ``to_lonlat``)."""
    kx, ky = _kx(), geometry.METRES_PER_DEG_LAT
    return shapely.transform(geom, lambda xy: (xy - [CENTER_LON, CENTER_LAT]) * [kx, ky])


def zone_boundary(rng: np.random.Generator, *, vertices: int = 240) -> shapely.Polygon:
    """An irregular star-shaped boundary of exactly ``ZONE_AREA_M2`` in local metres about the centre."""
    theta = np.linspace(0.0, 2 * math.pi, vertices, endpoint=False)
    log_r = np.zeros_like(theta)
    for k in range(2, 7):  # the broad lobes and bays
        log_r += rng.uniform(0.10, 0.22) / k**0.6 * np.cos(k * theta + rng.uniform(0, 2 * math.pi))
    for k in range(7, 25):  # a ragged edge, as administrative borders follow roads and rivers
        log_r += rng.uniform(0.0, 0.025) * np.cos(k * theta + rng.uniform(0, 2 * math.pi))
    r = np.exp(log_r)
    # Elongated (the real zone stretches north-west to south-east), then rotated.
    x, y = 1.35 * r * np.cos(theta), 0.75 * r * np.sin(theta)
    angle = rng.uniform(-0.6, -0.3)
    xr = x * math.cos(angle) - y * math.sin(angle)
    yr = x * math.sin(angle) + y * math.cos(angle)
    polygon = shapely.Polygon(np.column_stack([xr, yr]))
    scale = math.sqrt(ZONE_AREA_M2 / polygon.area)
    return shapely.Polygon(np.column_stack([xr * scale, yr * scale]))


def _random_points_inside(rng: np.random.Generator, region: BaseGeometry, n: int) -> np.ndarray:
    min_x, min_y, max_x, max_y = region.bounds
    shapely.prepare(region)
    found: list[np.ndarray] = []
    have = 0
    while have < n:
        xy = rng.uniform([min_x, min_y], [max_x, max_y], size=(max(2 * n, 16), 2))
        xy = xy[shapely.contains_xy(region, xy[:, 0], xy[:, 1])]
        found.append(xy)
        have += len(xy)
    return np.concatenate(found)[:n]


def _voronoi_cells(points: np.ndarray, region: BaseGeometry) -> np.ndarray:
    """Voronoi cells of ``points`` (in input order) clipped to ``region``."""
    min_x, min_y, max_x, max_y = region.bounds
    pad = max(max_x - min_x, max_y - min_y)
    envelope = shapely.box(min_x - pad, min_y - pad, max_x + pad, max_y + pad)
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=envelope, ordered=True)
    return shapely.intersection(shapely.get_parts(cells), region)


def relaxed_tessellation(
    rng: np.random.Generator, region: BaseGeometry, n: int, iterations: int
) -> np.ndarray:
    """``n`` cells tiling ``region``: random seeds moved a few times to their cell's centroid (Lloyd)."""
    points = _random_points_inside(rng, region, n)
    cells = _voronoi_cells(points, region)
    for _ in range(iterations):
        centroids = shapely.get_coordinates(shapely.centroid(cells))
        if len(centroids) != n:  # a degenerate cell (never seen): keep the last good tessellation
            break
        relaxed = _voronoi_cells(centroids, region)
        if shapely.is_empty(relaxed).any():  # a centroid outside a concave region lost its cell
            break
        cells = relaxed
    return cells


def _micro_counts(areas: np.ndarray, total: int, minimum: int) -> np.ndarray:
    """Split ``total`` over cells proportionally to area (largest remainder), at least ``minimum`` each."""
    quota = areas / areas.sum() * total
    counts = np.maximum(minimum, np.floor(quota)).astype(np.int64)
    order = np.argsort(-(quota - np.floor(quota)), kind="stable")
    i = 0
    while counts.sum() < total:
        counts[order[i % len(order)]] += 1
        i += 1
    order = np.argsort(quota - counts, kind="stable")
    i = 0
    while counts.sum() > total:
        j = order[i % len(order)]
        if counts[j] > minimum:
            counts[j] -= 1
        i += 1
    return counts


def _reading_order(centroids: np.ndarray, band_m: float) -> np.ndarray:
    """Indices sorted north to south in bands of ``band_m``, west to east inside a band."""
    band = np.floor(-centroids[:, 1] / band_m)
    return np.lexsort((centroids[:, 0], band))


def _adjacency(cells: np.ndarray, min_shared_m: float = 1.0) -> list[dict[int, float]]:
    """For each cell, its neighbours sharing more than ``min_shared_m`` of boundary, with that length."""
    tree = shapely.STRtree(cells)
    left, right = tree.query(cells, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(shapely.boundary(cells[left]), shapely.boundary(cells[right])))
    neighbours: list[dict[int, float]] = [{} for _ in range(len(cells))]
    for a, b, length in zip(left.tolist(), right.tolist(), shared.tolist(), strict=True):
        if length > min_shared_m:
            neighbours[a][b] = length
            neighbours[b][a] = length
    return neighbours


def _components(members: list[int], neighbours: list[dict[int, float]]) -> list[list[int]]:
    inside, seen, parts = set(members), set(), []
    for start in members:
        if start in seen:
            continue
        seen.add(start)
        part, stack = [], [start]
        while stack:
            node = stack.pop()
            part.append(node)
            for other in neighbours[node]:
                if other in inside and other not in seen:
                    seen.add(other)
                    stack.append(other)
        parts.append(sorted(part))
    return sorted(parts, key=lambda p: (-len(p), p[0]))


def assign_streets(
    rng: np.random.Generator, cells: np.ndarray, streets: int, *, iterations: int = 40
) -> np.ndarray:
    """Street index (0-based) per cell: k-means over centroids, repaired to edge-connected groups."""
    centroids = shapely.get_coordinates(shapely.centroid(cells))
    areas = shapely.area(cells)
    # k-means++-style deterministic start, then area-weighted Lloyd iterations.
    centres = [centroids[rng.integers(len(centroids))]]
    while len(centres) < streets:
        d2 = np.min([((centroids - c) ** 2).sum(axis=1) for c in centres], axis=0)
        centres.append(centroids[int(np.argmax(d2))])
    centre_arr = np.array(centres)
    labels = np.zeros(len(cells), dtype=np.int64)
    for _ in range(iterations):
        d2 = ((centroids[:, None, :] - centre_arr[None, :, :]) ** 2).sum(axis=2)
        labels = np.argmin(d2, axis=1)
        for k in range(streets):
            mask = labels == k
            if mask.any():
                centre_arr[k] = np.average(centroids[mask], axis=0, weights=areas[mask])
    # Number the streets clockwise from the west, as the street offices are listed.
    angles = np.arctan2(centre_arr[:, 1], centre_arr[:, 0])
    order = np.argsort(-((angles - math.pi) % (2 * math.pi)), kind="stable")
    renumber = np.empty(streets, dtype=np.int64)
    renumber[order] = np.arange(streets)
    labels = renumber[labels]
    # Repair: every street one edge-connected group (a stray cell joins the neighbour it shares most with).
    neighbours = _adjacency(cells)
    for _ in range(50):
        moved = False
        for k in range(streets):
            parts = _components(np.flatnonzero(labels == k).tolist(), neighbours)
            for part in parts[1:]:
                for node in part:
                    shares: dict[int, float] = {}
                    for other, length in neighbours[node].items():
                        if labels[other] != k:
                            shares[int(labels[other])] = shares.get(int(labels[other]), 0.0) + length
                    if shares:
                        labels[node] = max(sorted(shares), key=lambda s: shares[s])
                        moved = True
        if not moved:
            break
    return labels


def person_names(rng: np.random.Generator, n: int) -> list[str]:
    surnames = rng.integers(len(SURNAMES), size=n)
    two_chars = rng.random(n) < 0.7
    first = rng.integers(len(GIVEN_CHARS), size=n)
    second = rng.integers(len(GIVEN_CHARS), size=n)
    return [
        SURNAMES[s] + GIVEN_CHARS[a] + (GIVEN_CHARS[b] if two else "")
        for s, a, b, two in zip(surnames.tolist(), first.tolist(), second.tolist(), two_chars.tolist(), strict=True)
    ]


def _stage(items: Iterable, desc: str, total: int, progress: Callable | None) -> Iterable:
    return progress(items, desc=desc, total=total) if progress else items


def generate_layer(seed: int, *, progress: Callable | None = None) -> SyntheticLayer:
    """The synthetic layer for ``seed``. ``progress(items, desc=, total=)`` wraps the long loops."""
    rng = np.random.default_rng(seed)
    zone_m = zone_boundary(rng)
    shapely.prepare(zone_m)
    grid_cells = relaxed_tessellation(rng, zone_m, GRID_COUNT, LLOYD_GRID_ITERATIONS)
    street_of = assign_streets(rng, grid_cells, len(STREETS))
    counts = _micro_counts(shapely.area(grid_cells), MICRO_COUNT, MIN_MICRO_PER_GRID)

    layer = SyntheticLayer(
        seed=seed, zone=Cell(code=ZONE_CODE, name=ZONE_NAME, level="zone", geometry=_to_lonlat(zone_m))
    )
    centroids = shapely.get_coordinates(shapely.centroid(grid_cells))
    numbered: list[tuple[int, int, int]] = []  # (street index, number in street, cell index)
    for k in range(len(STREETS)):
        members = np.flatnonzero(street_of == k)
        for number, i in enumerate(members[_reading_order(centroids[members], 600.0)], start=1):
            numbered.append((k, number, int(i)))
    numbered.sort()

    for k, number, i in _stage(numbered, "微网格划分", len(numbered), progress):
        street_code, street_name, _ = STREETS[k]
        short = street_name.removesuffix("办事处")
        grid_code = f"{ZONE_CODE}{k + 1:02d}{number:03d}"
        grid_m = grid_cells[i]
        layer.grids.append(
            Cell(
                code=grid_code,
                name=f"{short}第{number}网格",
                level="grid",
                geometry=_to_lonlat(grid_m),
                parent_code=ZONE_CODE,
                street_code=street_code,
            )
        )
        micro_m = relaxed_tessellation(rng, grid_m, int(counts[i]), LLOYD_MICRO_ITERATIONS)
        micro_order = _reading_order(shapely.get_coordinates(shapely.centroid(micro_m)), 150.0)
        names = person_names(rng, len(micro_m))
        for m, j in enumerate(micro_order, start=1):
            layer.micros.append(
                Cell(
                    code=f"{grid_code}{m:02d}",
                    name=f"{short}第{number}网格第{m}微网格",
                    level="micro",
                    geometry=_to_lonlat(micro_m[j]),
                    parent_code=grid_code,
                    street_code=street_code,
                    worker_name=names[m - 1],
                )
            )
    return layer

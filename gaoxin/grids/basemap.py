"""The synthetic zone's base map: named roads, landmarks and the street offices' boundaries, generated with the
grid layer from the same seed and drawn by the app itself as a vector layer when no tile service is configured
(``GAOXIN_TILE_URL``, e.g. 天地图 on the government network, replaces it in production).

The roads follow the layout of the zone's real streets: arterials running east–west (…街, 大道) and north–south
(…路, 环) about a kilometre apart, slightly bent, clipped to the zone. Landmarks sit near road crossings. Street
boundaries are the union of each street's grids. Everything is computed in memory in local metres about the
zone centre (as ``generate`` does) and returned in lon/lat; its own random stream leaves the grid layer
bit-identical for a seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from gaoxin.accounts.synthetic import STREETS
from gaoxin.grids import generate

# East–west arterials first, then north–south ones; the simulated cases' addresses use the same names.
EAST_WEST = ("科学大道", "莲花街", "冬青街", "翠竹街", "合欢街", "枫杨街", "梧桐街", "国槐街", "玉兰街", "丁香里",
             "须水河路")
NORTH_SOUTH = ("西四环", "长椿路", "瑞达路", "红松路", "雪松路", "银屏路", "石楠路", "西三环", "红枫路", "金梭路",
               "牡丹路")
ROADS = EAST_WEST + NORTH_SOUTH
LANDMARKS = ("高新区管委会", "市民服务中心", "科学大道地铁站", "莲花街地铁站", "高新区人民医院", "高新区实验小学",
             "大学科技园", "中央公园", "体育中心", "须水河湿地公园", "软件园", "长椿路公交枢纽")
ROAD_SPACING_M = 1_100.0


@dataclass(frozen=True)
class MapFeature:
    kind: str  # "road" | "landmark" | "street"
    name: str
    geometry: BaseGeometry  # lon/lat


def _road(rng: np.random.Generator, offset: float, span: tuple[float, float], *, east_west: bool) -> shapely.LineString:
    """A gently bent arterial at ``offset`` across ``span`` (metres), as a line of 7 vertices."""
    along = np.linspace(span[0], span[1], 7)
    across = offset + np.cumsum(rng.normal(0.0, 45.0, size=7))
    xy = np.column_stack([along, across] if east_west else [across, along])
    return shapely.LineString(xy)


def _offsets(low: float, high: float, n: int) -> np.ndarray:
    middle = (low + high) / 2
    return middle + (np.arange(n) - (n - 1) / 2) * ROAD_SPACING_M


def generate_basemap(layer: generate.SyntheticLayer) -> list[MapFeature]:
    """Roads, landmarks and street boundaries of the synthetic ``layer``."""
    rng = np.random.default_rng([layer.seed, 20231])
    zone_m = generate.to_metres(layer.zone.geometry)
    grids_m = [(cell.street_code, generate.to_metres(cell.geometry)) for cell in layer.grids]
    min_x, min_y, max_x, max_y = zone_m.bounds
    shapely.prepare(zone_m)
    roads: list[tuple[str, BaseGeometry]] = []
    for names, east_west in ((EAST_WEST, True), (NORTH_SOUTH, False)):
        low, high = (min_y, max_y) if east_west else (min_x, max_x)
        span = (min_x - 500, max_x + 500) if east_west else (min_y - 500, max_y + 500)
        for name, offset in zip(names, _offsets(low, high, len(names)), strict=True):
            clipped = shapely.intersection(_road(rng, float(offset), span, east_west=east_west), zone_m)
            if not clipped.is_empty and clipped.length > 300:
                roads.append((name, clipped))
    # Landmarks near road crossings; one named after a road (科学大道地铁站) on that road.
    crossings = [(a_name, b_name, p) for (a_name, a), (b_name, b) in _pairs(roads)
                 for p in shapely.get_parts(shapely.intersection(a, b)) if isinstance(p, shapely.Point)]
    landmarks = []
    for name in LANDMARKS:
        on_road = [c for c in crossings if name.startswith((c[0], c[1]))] or crossings
        if not on_road:
            break
        _, _, point = on_road[int(rng.integers(len(on_road)))]
        crossings = [c for c in crossings if c[2] is not point] or crossings
        dx, dy = rng.uniform(-120, 120, size=2)
        landmarks.append((name, shapely.Point(point.x + dx, point.y + dy)))
    streets = []
    for code, name, _ in STREETS:
        cells = [cell for street_code, cell in grids_m if street_code == code]
        if cells:
            streets.append((name, shapely.union_all(cells, grid_size=0.01)))
    return ([MapFeature("street", name, generate.to_lonlat(g)) for name, g in streets]
            + [MapFeature("road", name, generate.to_lonlat(g)) for name, g in roads]
            + [MapFeature("landmark", name, generate.to_lonlat(g)) for name, g in landmarks])


def _pairs(roads: list[tuple[str, BaseGeometry]]) -> list[tuple[tuple[str, BaseGeometry], tuple[str, BaseGeometry]]]:
    east_west = [r for r in roads if r[0] in EAST_WEST]
    north_south = [r for r in roads if r[0] in NORTH_SOUTH]
    return [(a, b) for a in east_west for b in north_south]

"""The grid layer as GeoJSON: parsing an import file into features and validating the whole layer.

A layer file is a GeoJSON FeatureCollection (WGS 84 lon/lat, RFC 7946), one feature per grid, with the
properties ``code``, ``name``, ``level`` (zone | grid | micro), ``parent_code`` (null for the zone),
``street_code`` (org unit code of the street office, e.g. ``GX-S01``; null for the zone), ``workers``
(usernames of the grid workers) and optionally ``is_synthetic``.

Validation collects every problem of the file before anything is written (``validate_layer``); each
problem names the offending code and what is wrong. Geometric checks work in local metres (equirectangular
about the layer's mean latitude, see ``geometry``) with these tolerances, in square metres:

- ``outside_m2``: how much of a child may lie outside its parent;
- ``overlap_m2``: how much two siblings (same parent) may overlap;
- ``gap_m2``: how much of a parent may be left uncovered by the union of its children.

The defaults (1 m² each) absorb floating-point noise and coordinates rounded to ~1 cm, and catch every
real digitising error. Override them with the setting ``GAOXIN_GRID_TOLERANCES`` (a dict with any of those
keys) or per import (``gaoxin grids import --outside-tolerance … --overlap-tolerance … --gap-tolerance …``).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from gaoxin.grids import geometry

LEVELS = ("zone", "grid", "micro")
PARENT_LEVEL = {"zone": None, "grid": "zone", "micro": "grid"}


@dataclass(frozen=True)
class Tolerances:
    outside_m2: float = 1.0
    overlap_m2: float = 1.0
    gap_m2: float = 1.0

    @classmethod
    def from_settings(cls, **overrides: float | None) -> Tolerances:
        configured = getattr(settings, "GAOXIN_GRID_TOLERANCES", {}) or {}
        base = cls(**{k: float(v) for k, v in configured.items() if k in cls.__dataclass_fields__})
        return replace(base, **{k: float(v) for k, v in overrides.items() if v is not None})


@dataclass(frozen=True)
class LayerFeature:
    code: str
    name: str
    level: str
    geometry: dict
    parent_code: str | None = None
    street_code: str | None = None
    workers: tuple[str, ...] = ()
    is_synthetic: bool = False

    def as_geojson(self) -> dict:
        return {
            "type": "Feature",
            "properties": {
                "code": self.code,
                "name": self.name,
                "level": self.level,
                "parent_code": self.parent_code,
                "street_code": self.street_code,
                "workers": list(self.workers),
                "is_synthetic": self.is_synthetic,
            },
            "geometry": self.geometry,
        }


@dataclass(frozen=True)
class LayerProblem:
    """One thing wrong with the file: ``code`` is the offending grid code (None for the file itself or a
    feature without a code), ``kind`` a stable machine word, ``message`` the Chinese explanation."""

    code: str | None
    kind: str
    message: str
    other: str | None = None  # the second code of a pair (overlapping siblings)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.code or '-'}: {self.message}"


@dataclass
class ParsedLayer:
    features: list[LayerFeature] = field(default_factory=list)
    problems: list[LayerProblem] = field(default_factory=list)


def feature_collection_text(features: list[dict]) -> str:
    """A FeatureCollection as text with one feature per line (stable, diff-friendly)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    body = ",\n".join(lines)
    return '{"type":"FeatureCollection","features":[\n' + body + ("\n" if lines else "") + "]}\n"


def parse_layer(text: str | bytes) -> ParsedLayer:
    """Features of a GeoJSON file; problems of form (not of content) are collected, never raised."""
    parsed = ParsedLayer()
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        parsed.problems.append(LayerProblem(None, "format", f"文件不是有效的 JSON：{exc}"))
        return parsed
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
        data.get("features"), list
    ):
        parsed.problems.append(LayerProblem(None, "format", "文件不是 GeoJSON FeatureCollection"))
        return parsed
    for number, item in enumerate(data["features"], start=1):
        props = item.get("properties") if isinstance(item, dict) else None
        if not isinstance(props, dict):
            parsed.problems.append(LayerProblem(None, "format", f"第 {number} 个要素不是带属性的 GeoJSON Feature"))
            continue
        code = props.get("code")
        if not isinstance(code, str) or not code.strip():
            parsed.problems.append(LayerProblem(None, "missing_code", f"第 {number} 个要素缺少编码 code"))
            continue
        workers = props.get("workers") or []
        if not isinstance(workers, list) or not all(isinstance(w, str) for w in workers):
            parsed.problems.append(LayerProblem(code, "format", "workers 必须是用户名列表"))
            workers = []
        geojson = item.get("geometry")
        parsed.features.append(
            LayerFeature(
                code=code,
                name=str(props.get("name") or ""),
                level=str(props.get("level") or ""),
                geometry=geojson if isinstance(geojson, dict) else {},
                parent_code=props.get("parent_code") or None,
                street_code=props.get("street_code") or None,
                workers=tuple(workers),
                is_synthetic=bool(props.get("is_synthetic", False)),
            )
        )
    return parsed


def _shape_or_problem(feature: LayerFeature) -> tuple[BaseGeometry | None, LayerProblem | None]:
    def problem(why: str) -> tuple[None, LayerProblem]:
        return None, LayerProblem(feature.code, "invalid_geometry", f"边界无效：{why}")

    if feature.geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return problem(f"几何类型必须是 Polygon 或 MultiPolygon，而不是 {feature.geometry.get('type')!r}")
    try:
        geom = geometry.to_shape(feature.geometry)
    except Exception as exc:  # shapely raises a zoo of types on malformed coordinates
        return problem(f"坐标无法解析（{exc}）")
    if geom.is_empty:
        return problem("几何为空")
    if not geom.is_valid:
        return problem(explain_validity(geom))
    return geom, None


def validate_layer(
    features: list[LayerFeature],
    *,
    known_streets: set[str],
    known_users: set[str],
    tolerances: Tolerances,
) -> list[LayerProblem]:
    """Every problem of the layer, in a stable order (by code, then kind)."""
    problems: list[LayerProblem] = []
    add = problems.append
    counts = Counter(f.code for f in features)
    for code, n in sorted(counts.items()):
        if n > 1:
            add(LayerProblem(code, "duplicate_code", f"编码 {code} 出现了 {n} 次"))
    by_code: dict[str, LayerFeature] = {}
    for f in features:
        by_code.setdefault(f.code, f)

    shapes: dict[str, BaseGeometry] = {}
    for code, f in by_code.items():
        if not f.level:
            add(LayerProblem(code, "missing_level", "缺少层级 level（zone、grid 或 micro）"))
        elif f.level not in LEVELS:
            add(LayerProblem(code, "unknown_level", f"未知的层级 {f.level!r}（应为 zone、grid 或 micro）"))
        geom, problem = _shape_or_problem(f)
        if problem:
            add(problem)
        else:
            shapes[code] = geom
        if f.street_code is not None and f.street_code not in known_streets:
            add(LayerProblem(code, "unknown_street", f"未知的办事处编码 {f.street_code}"))
        unknown = sorted(set(f.workers) - known_users)
        if unknown:
            add(LayerProblem(code, "unknown_worker", f"未知的网格员用户名：{'、'.join(unknown)}"))

    # Hierarchy: who is whose child.
    children: dict[str, list[str]] = defaultdict(list)
    top_level: list[str] = []
    for code, f in by_code.items():
        if f.level not in LEVELS:
            continue
        expected = PARENT_LEVEL[f.level]
        if f.parent_code is None:
            if expected is None:
                top_level.append(code)
            else:
                add(LayerProblem(code, "missing_parent", f"{f.level} 层级的网格必须有上级编码 parent_code"))
            continue
        parent = by_code.get(f.parent_code)
        if parent is None:
            add(LayerProblem(code, "unknown_parent", f"上级编码 {f.parent_code} 不在文件中"))
            continue
        if expected is None or parent.level != expected:
            why = f"{f.level} 层级的上级不能是 {parent.level or '无层级'} {parent.code}"
            add(LayerProblem(code, "parent_level", why))
            continue
        if not code.startswith(parent.code) or code == parent.code:
            add(LayerProblem(code, "code_prefix", f"编码 {code} 必须以上级编码 {parent.code} 开头"))
        children[parent.code].append(code)

    problems.extend(_geometric_problems(by_code, shapes, children, top_level, tolerances))
    return sorted(problems, key=lambda p: (p.code or "", p.kind, p.other or ""))


def _geometric_problems(
    by_code: dict[str, LayerFeature],
    shapes: dict[str, BaseGeometry],
    children: dict[str, list[str]],
    top_level: list[str],
    tolerances: Tolerances,
) -> list[LayerProblem]:
    if not shapes:
        return []
    problems: list[LayerProblem] = []
    lat0 = float(np.mean([(g.bounds[1] + g.bounds[3]) / 2 for g in shapes.values()]))
    metric = {code: geometry.project(g, lat0) for code, g in shapes.items()}

    # Children outside their parent.
    pairs = [(c, p) for p, cs in children.items() for c in cs if c in metric and p in metric]
    if pairs:
        outside = shapely.area(
            shapely.difference([metric[c] for c, _ in pairs], [metric[p] for _, p in pairs])
        )
        for (child, parent), area in zip(pairs, outside.tolist(), strict=True):
            if area > tolerances.outside_m2:
                problems.append(
                    LayerProblem(child, "outside_parent", f"有 {area:,.1f} m² 位于上级 {parent} 之外", other=parent)
                )

    # Overlaps between siblings (children of one parent, or the top-level zones among themselves).
    groups = [*children.values(), top_level]
    sibling_of = {code: n for n, group in enumerate(groups) for code in group}
    codes = [c for c in sorted(metric) if c in sibling_of]
    geoms = np.array([metric[c] for c in codes], dtype=object)
    if len(codes) > 1:
        left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
        group_of = np.array([sibling_of[c] for c in codes])
        keep = (left < right) & (group_of[left] == group_of[right])
        left, right = left[keep], right[keep]
        overlap = shapely.area(shapely.intersection(geoms[left], geoms[right]))
        for a, b, area in zip(left.tolist(), right.tolist(), overlap.tolist(), strict=True):
            if area > tolerances.overlap_m2:
                problems.append(
                    LayerProblem(codes[a], "sibling_overlap", f"与同级网格 {codes[b]} 重叠 {area:,.1f} m²",
                                 other=codes[b])
                )

    # Gaps: the parent not covered by the union of its children (zones and grids must be tiled).
    claimed = Counter(f.parent_code for f in by_code.values())
    for code, f in by_code.items():
        if code not in metric or f.level not in ("zone", "grid"):
            continue
        kids = children.get(code, [])
        if claimed[code] != len(kids) or any(k not in metric for k in kids):
            continue  # a child with a problem of its own is reported already; its gap would only repeat it
        covered = shapely.union_all([metric[k] for k in kids]) if kids else shapely.Polygon()
        gap = float(shapely.area(shapely.difference(metric[code], covered)))
        if gap > tolerances.gap_m2:
            what = "下级网格" if f.level == "zone" else "微网格"
            problems.append(
                LayerProblem(code, "gap", f"有 {gap:,.1f} m² 未被{what}覆盖" if kids else f"没有{what}")
            )
    return problems

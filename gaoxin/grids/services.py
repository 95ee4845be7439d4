"""Writes of the grid layer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import Literal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from gaoxin.accounts.demo import DEMO_PASSWORD
from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.accounts.synthetic import synthetic_org_ensure
from gaoxin.core import clock
from gaoxin.core.calendar import local_today
from gaoxin.core.errors import ApplicationError, Conflict
from gaoxin.core.progress import bar as progress_bar
from gaoxin.core.progress import progress
from gaoxin.grids import geometry
from gaoxin.grids.basemap import generate_basemap
from gaoxin.grids.generate import SyntheticLayer, generate_layer
from gaoxin.grids.layer import LayerFeature, LayerProblem, Tolerances, parse_layer, validate_layer
from gaoxin.grids.models import BaseMapFeature, Grid


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
    valid_from: dt.date | None | Literal["today"] = "today",
) -> Grid:
    """Add one grid to the layer, valid from ``valid_from`` (today by default: a grid drawn now is not a grid of
    past years; ``None`` for a grid of the layer's baseline)."""
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
        valid_from=local_today() if valid_from == "today" else valid_from,
        **grid_fields_from_geometry(geometry_geojson),
    )
    transaction.on_commit(grid_layer_changed)
    return grid


def grid_layer_changed() -> None:
    """Tell every process's locator that the layer changed (it rebuilds on next use)."""
    from gaoxin.grids.locator import invalidate

    invalidate()


# -- the whole layer: generate, import, replace --------------------------------------------------------------

# Synthetic grid workers log in with the published demo password (demo only).
SYNTHETIC_WORKER_PASSWORD = DEMO_PASSWORD
_WRITE_BATCH = 500


@dataclass(frozen=True)
class LayerWriteResult:
    zones: int
    grids: int
    micro_grids: int
    workers: int  # grid-worker assignments


def _bar(desc: str, total: int, enabled: bool):
    return progress_bar(desc=desc, total=total, enabled=enabled)


def _layer_exists_refuse() -> None:
    if Grid.objects.exists():
        raise Conflict(
            f"已存在网格图层（{Grid.objects.count()} 个网格），未做任何修改；如要替换整个图层，请加 --replace",
            code="grid_layer_exists",
        )


def _layer_delete() -> None:
    BaseMapFeature.objects.all().delete()  # drawn for the layer it replaces
    try:
        Grid.workers.through.objects.all().delete()
        for level in (Grid.Level.MICRO, Grid.Level.GRID, Grid.Level.ZONE):
            Grid.objects.filter(level=level).delete()
    except (ProtectedError, RestrictedError) as exc:
        raise Conflict("现有网格图层仍被其他记录（如案件）引用，不能替换", code="grid_layer_in_use") from exc


def _layer_write(features: list[LayerFeature], *, replace: bool, show_progress: bool) -> LayerWriteResult:
    """Write a validated layer in bulk (the caller holds the transaction)."""
    if replace:
        _layer_delete()
    else:
        _layer_exists_refuse()
    street_codes = {f.street_code for f in features if f.street_code}
    street_ids = dict(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET_OFFICE, code__in=street_codes).values_list("code", "pk")
    )
    usernames = {u for f in features for u in f.workers}
    user_ids = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    ids: dict[str, int] = {}
    counts = {}
    for level in (Grid.Level.ZONE, Grid.Level.GRID, Grid.Level.MICRO):
        batch = sorted((f for f in features if f.level == level), key=lambda f: f.code)
        counts[level] = len(batch)
        with _bar(f"写入{Grid.Level(level).label}", len(batch), show_progress) as bar:
            for start in range(0, len(batch), _WRITE_BATCH):
                chunk = batch[start : start + _WRITE_BATCH]
                created = Grid.objects.bulk_create(
                    [
                        Grid(
                            code=f.code,
                            name=f.name,
                            level=f.level,
                            parent_id=ids[f.parent_code] if f.parent_code else None,
                            street_id=street_ids[f.street_code] if f.street_code else None,
                            geometry=f.geometry,
                            is_synthetic=f.is_synthetic,
                            **grid_fields_from_geometry(f.geometry),
                        )
                        for f in chunk
                    ]
                )
                ids.update((g.code, g.pk) for g in created)
                bar.update(len(chunk))
    through = Grid.workers.through
    links = [through(grid_id=ids[f.code], user_id=user_ids[u]) for f in features for u in f.workers]
    through.objects.bulk_create(links, batch_size=2000)
    transaction.on_commit(grid_layer_changed)
    return LayerWriteResult(
        zones=counts[Grid.Level.ZONE],
        grids=counts[Grid.Level.GRID],
        micro_grids=counts[Grid.Level.MICRO],
        workers=len(links),
    )


def _synthetic_workers_ensure(layer: SyntheticLayer, *, show_progress: bool) -> dict[str, str]:
    """One synthetic grid worker per micro-grid (created, or refreshed when it exists); micro code → username."""
    streets = {u.code: u for u in OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET_OFFICE)}
    wanted = {f"gw{m.code}": m for m in layer.micros}
    existing = {u.username: u for u in User.objects.filter(username__in=wanted)}
    foreign = sorted(name for name, user in existing.items() if not user.is_synthetic)
    if foreign:
        raise Conflict(
            f"用户名已被非模拟用户占用，未做任何修改：{'、'.join(foreign[:20])}", code="username_taken",
            extra={"usernames": foreign},
        )
    password = make_password(SYNTHETIC_WORKER_PASSWORD)  # once: hashing 3,895 times would take minutes
    now = clock.now()
    new, refreshed = [], []
    with _bar("网格员", len(wanted), show_progress) as bar:
        for index, (username, micro) in enumerate(wanted.items(), start=1):
            street = streets[micro.street_code] if micro.street_code else None
            user = existing.get(username)
            if user is None:
                new.append(
                    User(
                        username=username,
                        password=password,
                        role=Role.GRID_WORKER,
                        org_unit=street,
                        display_name=micro.worker_name or "",
                        phone=f"1980{index:07d}",  # made up: the demo's text messages go to the local simulator
                        is_synthetic=True,
                        date_joined=now,
                    )
                )
            elif (user.role, user.org_unit_id, user.display_name) != (
                Role.GRID_WORKER, street.pk if street else None, micro.worker_name or ""
            ):
                user.role, user.org_unit, user.display_name = Role.GRID_WORKER, street, micro.worker_name or ""
                refreshed.append(user)
            bar.update(1)
    User.objects.bulk_create(new, batch_size=_WRITE_BATCH)
    User.objects.bulk_update(refreshed, ["role", "org_unit", "display_name"], batch_size=_WRITE_BATCH)
    return {m.code: username for username, m in wanted.items()}


def grid_layer_generate(*, seed: int, replace: bool = False, show_progress: bool = False) -> LayerWriteResult:
    """The synthetic zone of DESIGN §6 for ``seed`` (see ``generate``), with one grid worker per micro-grid.

    Refused over an existing layer unless ``replace``; then the whole layer is replaced in one transaction.
    """
    synthetic_org_ensure()
    if not replace:
        _layer_exists_refuse()
    layer = generate_layer(seed, progress=partial(progress, enabled=show_progress))
    with transaction.atomic():
        workers = _synthetic_workers_ensure(layer, show_progress=show_progress)
        features = [
            LayerFeature(
                code=cell.code,
                name=cell.name,
                level=cell.level,
                geometry=geometry.to_geojson(cell.geometry),
                parent_code=cell.parent_code,
                street_code=cell.street_code,
                workers=(workers[cell.code],) if cell.code in workers else (),
                is_synthetic=True,
            )
            for cell in layer.cells
        ]
        written = _layer_write(features, replace=replace, show_progress=show_progress)
        BaseMapFeature.objects.bulk_create(
            BaseMapFeature(kind=f.kind, name=f.name, geometry=geometry.to_geojson(f.geometry), is_synthetic=True)
            for f in generate_basemap(layer))
        return written


def grid_layer_import(
    *, text: str | bytes, replace: bool = False, tolerances: Tolerances | None = None, show_progress: bool = False
) -> LayerWriteResult:
    """Import a GeoJSON layer file (``layer`` describes it): everything is validated first, then the whole
    layer is written in one transaction, or nothing at all.

    Raises one ``ApplicationError`` (code ``invalid_grid_layer``) whose ``extra["errors"]`` lists every
    problem as ``{"code", "kind", "message", "other"}``.
    """
    if not replace:
        _layer_exists_refuse()
    parsed = parse_layer(text)
    features = parsed.features
    problems = list(parsed.problems)
    streets = set(
        OrgUnit.objects.filter(
            kind=OrgUnit.Kind.STREET_OFFICE, code__in={f.street_code for f in features if f.street_code}
        ).values_list("code", flat=True)
    )
    users = set(
        User.objects.filter(username__in={u for f in features for u in f.workers}).values_list("username", flat=True)
    )
    problems += validate_layer(
        features, known_streets=streets, known_users=users, tolerances=tolerances or Tolerances.from_settings()
    )
    if not problems and not features:
        problems.append(LayerProblem(None, "format", "文件中没有任何网格"))
    if problems:
        raise ApplicationError(
            f"网格图层文件有 {len(problems)} 个问题，未导入任何内容",
            code="invalid_grid_layer",
            extra={"errors": [p.as_dict() for p in problems]},
        )
    with transaction.atomic():
        return _layer_write(features, replace=replace, show_progress=show_progress)

"""The year's reports (grid events): when, through which channel, what category, where, who reported — drawn
with numpy from the calibration, every point located to its micro-grid with the vectorised locator."""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import numpy.typing as npt

from gaoxin.accounts.models import OrgUnit
from gaoxin.cases import selectors as case_selectors
from gaoxin.cases.models import Category, ResponsibilityRule
from gaoxin.core import calendar
from gaoxin.grids.basemap import ROADS
from gaoxin.grids.generate import GIVEN_CHARS, SURNAMES
from gaoxin.grids.locator import get_locator
from gaoxin.grids.models import Grid
from gaoxin.grids.selectors import nearest_road_names
from gaoxin.simulation import calibration as cal
from gaoxin.simulation.lifecycle import (
    KIND_MERGED_REGISTERED,
    KIND_MERGED_REPORTED,
    KIND_REGISTERED,
    KIND_REJECTED,
    Intake,
)
from gaoxin.simulation.world import World

SUFFIX = {
    "grid_worker": "，网格员巡查发现",
    "city_inspector": "，监督员巡查发现",
    "hotline_12345": "，市民来电反映",
    "public_web": "，群众网上反映",
    "open311": "，群众通过移动端反映",
}


def largest_remainder(total: int, shares: list[float]) -> npt.NDArray[np.int64]:
    weights = np.asarray(shares, dtype=np.float64)
    quota = weights / weights.sum() * total
    counts: npt.NDArray[np.int64] = np.floor(quota).astype(np.int64)
    order = np.argsort(-(quota - counts), kind="stable")
    counts[order[: total - int(counts.sum())]] += 1
    return counts


def report_times(rng: np.random.Generator, year: int, channel: np.ndarray) -> np.ndarray:
    """Seasonality × working/rest day × hour of day, per channel."""
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    days = (end - start).days
    is_work = calendar.calendar().workday_table(year)
    month = np.array([(start + dt.timedelta(days=i)).month - 1 for i in range(days)])
    season = np.asarray(cal.MONTH_WEIGHTS)[month]
    out = np.empty(len(channel), dtype=np.int64)
    midnight = calendar.local_midnight(start)
    for code in np.unique(channel).tolist():
        rows = np.flatnonzero(channel == code)
        weights = season * np.where(is_work, 1.0, cal.REST_DAY_WEIGHT.get(code, 1.0))
        day = rng.choice(days, size=len(rows), p=weights / weights.sum())
        hours = cal.PATROL_HOURS if code in ("grid_worker", "city_inspector") else cal.CALL_HOURS
        h = np.asarray(hours, dtype=np.float64)
        hour = rng.choice(24, size=len(rows), p=h / h.sum())
        out[rows] = midnight + day * 86400 + hour * 3600 + rng.integers(0, 3600, len(rows))
    return out


class Places:
    """Where reports come from: hot spots of each kind plus the whole zone, located with the batch locator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.locator = get_locator()
        micro = list(Grid.objects.filter(level=Grid.Level.MICRO).order_by("code").values_list(
            "pk", "centroid_lon", "centroid_lat"))
        zone = Grid.objects.filter(level=Grid.Level.MICRO).order_by()
        self.bbox = (min(zone.values_list("min_lon", flat=True)), min(zone.values_list("min_lat", flat=True)),
                     max(zone.values_list("max_lon", flat=True)), max(zone.values_list("max_lat", flat=True)))
        centroids = np.array([(lon, lat) for _, lon, lat in micro], dtype=np.float64)
        self.spots: dict[str, tuple[np.ndarray, float]] = {}
        for kind, (count, radius, _share) in cal.HOTSPOTS.items():
            chosen = rng.choice(len(centroids), size=min(count, len(centroids)), replace=False)
            self.spots[kind] = (centroids[np.sort(chosen)], radius)
        self.rng = rng

    def uniform(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        min_lon, min_lat, max_lon, max_lat = self.bbox
        lon = self.rng.uniform(min_lon, max_lon, n)
        lat = self.rng.uniform(min_lat, max_lat, n)
        return lon, lat

    def around(self, kind: str, n: int) -> tuple[np.ndarray, np.ndarray]:
        centres, radius = self.spots[kind]
        pick = centres[self.rng.integers(len(centres), size=n)]
        lat0 = np.radians(pick[:, 1])
        dlat = self.rng.standard_normal(n) * radius / 111_320.0
        dlon = self.rng.standard_normal(n) * radius / (111_320.0 * np.cos(lat0))
        return pick[:, 0] + dlon, pick[:, 1] + dlat

    def sample(self, kinds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A located point for every row (kind '' = anywhere in the zone); points outside are drawn again."""
        n = len(kinds)
        lon, lat = np.empty(n), np.empty(n)
        for kind in np.unique(kinds).tolist():
            rows = np.flatnonzero(kinds == kind)
            lon[rows], lat[rows] = self.around(kind, len(rows)) if kind else self.uniform(len(rows))
        micro = self.locator.locate_many(lon, lat)
        for _ in range(200):
            outside = np.flatnonzero(micro < 0)
            if not len(outside):
                break
            lon[outside], lat[outside] = self.uniform(len(outside))
            micro[outside] = self.locator.locate_many(lon[outside], lat[outside])
        return np.round(lon, 6), np.round(lat, 6), micro


def _affinity(code: str) -> str:
    for kind, prefixes in cal.AFFINITY.items():
        if code.startswith(prefixes):
            return kind
    return ""


def names_and_phones(rng: np.random.Generator, n: int) -> tuple[list[str], list[str]]:
    surnames = rng.integers(len(SURNAMES), size=n).tolist()
    given = rng.integers(len(GIVEN_CHARS), size=n).tolist()
    prefixes = np.array(["138", "139", "137", "150", "151", "186", "187", "135", "177", "199"])
    phones = [p + f"{d:08d}" for p, d in zip(prefixes[rng.integers(len(prefixes), size=n)].tolist(),
                                             rng.integers(0, 10**8, size=n).tolist(), strict=True)]
    return [SURNAMES[s] + ("先生" if g % 2 else "女士") for s, g in zip(surnames, given, strict=True)], phones


def routing(world: World, intake: Intake, categories: dict[int, Category]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(center, handling unit, a wrong unit for returns) per case, from the live responsibility matrix and the
    two-level center rule (``selectors.responsibility_target``, ``selectors.center_for``) given what the live
    intake gives them: the category, the street and the grid ids. Computed once per (category, street, ruled
    grid): a case's grids matter only when a grid-level rule of its category names one of them."""
    category, street = intake.category, intake.street
    n = len(category)
    center = np.empty(n, dtype=np.int64)
    target = np.empty(n, dtype=np.int64)
    wrong = np.full(n, -1, dtype=np.int64)
    departments = sorted((u for u in world.units.values() if u.kind == OrgUnit.Kind.DEPARTMENT), key=lambda u: u.code)
    ruled: dict[int, set[int]] = {}
    for category_id, grid_id in ResponsibilityRule.objects.filter(is_active=True, grid__isnull=False).values_list(
            "category_id", "grid_id"):
        ruled.setdefault(category_id, set()).add(grid_id)
    # The grid a rule would match (micro-grid first, as the matrix reads them), else 0.
    ruled_grid = np.zeros(n, dtype=np.int64)
    for category_id, grids in ruled.items():
        rows = np.flatnonzero(category == category_id)
        listed = np.fromiter(grids, dtype=np.int64)
        in_grid = np.isin(intake.grid[rows], listed)
        in_micro = np.isin(intake.micro[rows], listed)
        ruled_grid[rows] = np.where(in_micro, intake.micro[rows], np.where(in_grid, intake.grid[rows], 0))
    keys = np.stack([category, np.where(street >= 0, street, 0), ruled_grid], axis=1)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    for j, (category_id, street_id, grid_id) in enumerate(unique.tolist()):
        rows = np.flatnonzero(inverse == j)
        cat = categories[category_id]
        grid_ids = [grid_id] if grid_id else []
        unit = case_selectors.responsibility_target(category=cat, street_id=street_id or None, grid_ids=grid_ids)
        chosen = case_selectors.center_for(category=cat, street_id=street_id or None, grid_ids=grid_ids)
        if unit is None:
            raise RuntimeError(f"no handling unit for category {cat.code} in street {street_id}")
        center[rows], target[rows] = chosen.pk, unit.pk
        if chosen.kind == OrgUnit.Kind.STREET_CENTER:
            communities = sorted((u for u in world.units.values()
                                  if u.parent_id == street_id and u.kind == OrgUnit.Kind.COMMUNITY),
                                 key=lambda u: u.code)
            options = [u.pk for u in communities if u.pk != unit.pk]
        else:
            options = [u.pk for u in departments if u.pk != unit.pk]
        if options:  # a stable choice that does not depend on database ids
            street_code = world.units[street_id].code if street_id else ""
            wrong[rows] = options[zlib.crc32(f"{cat.code}/{street_code}".encode()) % len(options)]
    return center, target, wrong


def grid_events(rng: np.random.Generator, world: World, *, year: int, registered: int) -> Intake:
    """``registered`` grid events plus the rejected and the duplicate reports on top of them."""
    categories = {c.pk: c for c in Category.objects.filter(is_active=True)}
    by_code = {c.code: c for c in categories.values()}
    rejected = round(registered * cal.REJECTED_SHARE)
    duplicates = round(registered * cal.DUPLICATE_SHARE)
    base = registered + rejected
    channels = np.array(list(cal.CHANNEL_MIX), dtype=object)
    channel = np.repeat(channels, largest_remainder(base, list(cal.CHANNEL_MIX.values())))
    channel = channel[rng.permutation(base)]

    # Categories: 城市管理 小类 for patrols and web reports, 12345 content classes for calls.
    minors = {major: [c for c in by_code.values() if c.parent_id == by_code[major].pk and c.is_assignable]
              for major in cal.MAJOR_WEIGHTS}
    city_ids, city_w = [], []
    for major, weight in cal.MAJOR_WEIGHTS.items():
        items = sorted(minors[major], key=lambda c: c.code)
        shares = rng.dirichlet(np.full(len(items), 2.0))
        city_ids += [c.pk for c in items]
        city_w += list(weight * shares)
    hot_ids = [by_code[c].pk for c in cal.HOTLINE_CONTENT_WEIGHTS]
    category = np.empty(base, dtype=np.int64)
    is_call = channel == "hotline_12345"
    cw = np.asarray(city_w) / sum(city_w)
    category[~is_call] = np.asarray(city_ids)[rng.choice(len(city_ids), int((~is_call).sum()), p=cw)]
    hw = np.asarray(list(cal.HOTLINE_CONTENT_WEIGHTS.values()))
    category[is_call] = np.asarray(hot_ids)[rng.choice(len(hot_ids), int(is_call.sum()), p=hw / hw.sum())]
    type_ids = np.asarray([by_code[c].pk for c in cal.HOTLINE_TYPE_WEIGHTS])
    tw = np.asarray(list(cal.HOTLINE_TYPE_WEIGHTS.values()))
    request_type = np.where(is_call, type_ids[rng.choice(len(type_ids), base, p=tw / tw.sum())], -1)

    # Where: hot spots by the category's affinity, else anywhere.
    affinity = np.array([_affinity(categories[int(c)].code) for c in np.unique(category)], dtype=object)
    aff_of = dict(zip(np.unique(category).tolist(), affinity.tolist(), strict=True))
    kinds = np.array([aff_of[c] for c in category.tolist()], dtype=object)
    share = np.array([cal.HOTSPOTS[k][2] if k else 0.0 for k in kinds.tolist()])
    kinds = np.where(rng.random(base) < share, kinds, "")  # affine reports at their hot spots, the rest anywhere
    places = Places(rng)
    lon, lat, micro = places.sample(kinds)

    t_report = report_times(rng, year, channel)
    kind = np.full(base, KIND_REGISTERED, dtype=np.int64)
    kind[rng.choice(base, rejected, replace=False)] = KIND_REJECTED

    # Duplicates: a second report of a registered case nearby, within hours, merged into it.
    _, year_end = (calendar.local_midnight(dt.date(year, 1, 1)), calendar.local_midnight(dt.date(year + 1, 1, 1)))
    eligible = np.flatnonzero((kind == KIND_REGISTERED) & (t_report < year_end - 3 * 86400))
    master = rng.choice(eligible, duplicates, replace=False)
    jitter = rng.standard_normal((duplicates, 2)) * 3.0 / 111_320.0
    d_lon, d_lat = np.round(lon[master] + jitter[:, 0], 6), np.round(lat[master] + jitter[:, 1], 6)
    d_micro = places.locator.locate_many(d_lon, d_lat)
    moved = d_micro != micro[master]
    d_lon[moved], d_lat[moved], d_micro[moved] = lon[master][moved], lat[master][moved], micro[master][moved]
    d_kind = np.where(rng.random(duplicates) < cal.DUPLICATE_AFTER_REGISTER, KIND_MERGED_REGISTERED,
                      KIND_MERGED_REPORTED)
    d_channel = channel[master].copy()
    d_channel[d_channel == "grid_worker"] = "city_inspector"  # the second report comes from another patrol
    d_time = t_report[master] + rng.integers(600, 6 * 3600, duplicates)

    channel = np.concatenate([channel, d_channel])
    category = np.concatenate([category, category[master]])
    request_type = np.concatenate([request_type, request_type[master]])
    lon, lat, micro = np.concatenate([lon, d_lon]), np.concatenate([lat, d_lat]), np.concatenate([micro, d_micro])
    t_report = np.concatenate([t_report, d_time])
    kind = np.concatenate([kind, d_kind])
    masters = np.concatenate([np.full(base, -1, dtype=np.int64), master])
    n = len(kind)

    grid = np.array([world.micro[m][0] for m in micro.tolist()], dtype=np.int64)
    street = np.array([world.micro[m][1] or -1 for m in micro.tolist()], dtype=np.int64)
    worker = np.array([world.micro[m][2] or -1 for m in micro.tolist()], dtype=np.int64)
    channel[(channel == "grid_worker") & (worker < 0)] = "city_inspector"
    urgency = np.array([categories[c].default_urgency for c in category.tolist()], dtype=object)

    zone_ops = np.asarray(world.center_staff[world.zone_center.pk]["operator"], dtype=np.int64)
    citizens = np.asarray(world.citizens, dtype=np.int64)
    reporter_actor = zone_ops[rng.integers(len(zone_ops), size=n)]
    reporter_actor = np.where(channel == "grid_worker", worker, reporter_actor)
    web = np.isin(channel, ["public_web", "open311"])
    citizen = citizens[rng.integers(len(citizens), size=n)]
    reporter_actor = np.where(web, citizen, reporter_actor)
    reporter_user = np.where(web, citizen, -1)

    names, phones = names_and_phones(rng, n)
    call = channel == "hotline_12345"
    reporter_name = [nm if c else "" for nm, c in zip(names, call.tolist(), strict=True)]
    reporter_phone = [ph if c else "" for ph, c in zip(phones, call.tolist(), strict=True)]
    for i in np.flatnonzero(web).tolist():
        reporter_name[i] = f"市民{world.usernames.get(int(citizen[i]), '')[-4:]}"
    road = rng.integers(len(ROADS), size=n).tolist()
    number = rng.integers(1, 300, size=n).tolist()
    # The nearest road of the base map when the zone has one (so the address and the pin agree).
    road_names = nearest_road_names(lon, lat) or [ROADS[r] for r in road]
    address = [f"{r}{k}号附近" for r, k in zip(road_names, number, strict=True)]
    description = [f"{categories[c].name}：{a}{SUFFIX[ch]}"
                   for c, a, ch in zip(category.tolist(), address, channel.tolist(), strict=True)]
    call_rows = np.flatnonzero(call)
    external_ref = [""] * n
    for seq, i in enumerate(call_rows[np.argsort(t_report[call_rows], kind="stable")].tolist(), start=1):
        external_ref[i] = f"ZZ12345-{year}-{seq:08d}"
    return Intake(
        group=np.zeros(n, dtype=np.int64), kind=kind, t_report=t_report, channel=channel, category=category,
        request_type=request_type, urgency=urgency, lon=lon, lat=lat, micro=micro, grid=grid, street=street,
        reporter_actor=reporter_actor, reporter_user=reporter_user, master=masters, reporter_name=reporter_name,
        reporter_phone=reporter_phone, description=description, address=address, external_ref=external_ref,
    )

"""Reads of cases, always scoped to the actor, plus routing (responsibility matrix) and duplicate proposals.

Who sees which cases (``case_scope_q``):
- leaders, admins and zone-center staff: every case;
- street-center staff (operator, dispatcher, shift lead): cases handled by their center or located in their street;
- handlers, data officers and service cadres: cases assigned to their unit or a unit below it;
- grid workers: cases located in their grids or micro-grids;
- everyone: cases they reported or that were reported for them (``reported_by`` / ``reporter_user``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import CENTER_ROLES, UNIT_ROLES, ZONE_WIDE_ROLES, Role
from gaoxin.accounts.selectors import scope_roots
from gaoxin.cases import reference, timelimits, workflow
from gaoxin.cases.models import Case, CaseEvent, Category, SupervisionNotice
from gaoxin.cases.populations import COHORT, POPULATIONS
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError, NotFound
from gaoxin.grids.models import Grid

# --- scope ---------------------------------------------------------------------------------------------------

def case_scope_q(*, actor: User) -> Q:
    """The cases ``actor`` may see, as a Q object over Case."""
    if actor.role in ZONE_WIDE_ROLES or actor.is_superuser:
        return Q()
    query = Q(reported_by=actor) | Q(reporter_user=actor)
    if actor.role in (Role.CITIZEN, Role.ENTERPRISE):
        return query
    roots = scope_roots(actor=actor)
    if actor.role in CENTER_ROLES:
        if any(root.parent_id is None for root in roots):
            return Q()
        for root in roots:
            query |= Q(center__path__startswith=root.path) | Q(street__path__startswith=root.path)
    elif actor.role in UNIT_ROLES:
        for root in roots:
            query |= Q(assignee__path__startswith=root.path)
    elif actor.role == Role.GRID_WORKER:
        grid_ids = list(Grid.workers.through.objects.filter(user_id=actor.pk).values_list("grid_id", flat=True))
        if grid_ids:
            query |= Q(grid_id__in=grid_ids) | Q(micro_grid_id__in=grid_ids)
    return query


_FILTERS = {
    "state", "street", "assignee", "center", "category", "channel", "grid", "registered_from", "registered_to",
    "reported_from", "reported_to", "q", "overdue", "color", "is_synthetic", "number", "external_ref", "unit", "set",
}


def case_list(*, actor: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Case]:
    """Cases visible to ``actor``, filtered. Filters: state (code or list), street / assignee / center / grid
    (id), category (id, code or Category; a 大类 includes its 小类), channel, registered_from/_to and
    reported_from/_to (datetimes, half-open), q (number or description text), overdue (bool), color
    (green/yellow/red at the platform clock), is_synthetic, number, external_ref, unit (id: cases assigned to the
    unit or a unit below it), set (a metric population's code, ``cases.populations``: only cases of the cohort —
    registered, not merged — in that population; what a dashboard number counts)."""
    filters = dict(filters or {})
    unknown = set(filters) - _FILTERS
    if unknown:
        name = sorted(unknown)[0]
        raise ApplicationError(f"未知的筛选条件：{name}", field=name, code="unknown_filter")
    qs = Case.objects.filter(case_scope_q(actor=actor)).select_related("category", "street", "assignee", "center")
    state = filters.get("state")
    if state is not None and state != "":
        states = [state] if isinstance(state, str) else list(state)
        bad = [s for s in states if s not in workflow.STATES]
        if bad:
            raise ApplicationError(f"未知的案件状态：{bad[0]}", field="state")
        qs = qs.filter(state__in=states)
    for key in ("street", "assignee", "center"):
        if filters.get(key) not in (None, ""):
            qs = qs.filter(**{f"{key}_id": _as_id(filters[key], key)})
    if filters.get("grid") not in (None, ""):
        grid_id = _as_id(filters["grid"], "grid")
        qs = qs.filter(Q(grid_id=grid_id) | Q(micro_grid_id=grid_id))
    if filters.get("category") not in (None, ""):
        qs = qs.filter(category_id__in=category_ids(filters["category"]))
    if filters.get("channel"):
        qs = qs.filter(channel=filters["channel"])
    for key, lookup in (("registered_from", "registered_at__gte"), ("registered_to", "registered_at__lt"),
                        ("reported_from", "reported_at__gte"), ("reported_to", "reported_at__lt")):
        if filters.get(key) is not None:
            if not isinstance(filters[key], dt.datetime):
                raise ApplicationError("时间格式不正确", field=key)
            qs = qs.filter(**{lookup: filters[key]})
    if filters.get("q"):
        text = str(filters["q"]).strip()
        # Part of a case number finds it too (the tail a caller reads out: "000007").
        by_number = Q(number__contains=text) if text.isdecimal() and len(text) >= 4 else Q(number=text)
        qs = qs.filter(by_number | Q(description__contains=text) | Q(address__contains=text))
    if filters.get("number"):
        qs = qs.filter(number=filters["number"])
    if filters.get("external_ref"):
        qs = qs.filter(external_ref=filters["external_ref"])
    if filters.get("overdue") is not None:
        qs = qs.filter(is_overdue=bool(filters["overdue"]))
    if filters.get("is_synthetic") is not None:
        qs = qs.filter(is_synthetic=bool(filters["is_synthetic"]))
    if filters.get("unit") not in (None, ""):
        unit = OrgUnit.objects.filter(pk=_as_id(filters["unit"], "unit")).first()
        if unit is None:
            raise ApplicationError("处置单位不存在", field="unit")
        qs = qs.filter(assignee__path__startswith=unit.path)
    if filters.get("set"):
        population = POPULATIONS.get(str(filters["set"]))
        if population is None:
            raise ApplicationError(f"未知的统计口径：{filters['set']}", field="set")
        qs = qs.filter(COHORT, population.condition)
    if filters.get("color"):
        now = clock.now()
        running = Q(state__in=workflow.CLOCK_RUNNING_STATES, deadline__isnull=False)
        color = filters["color"]
        if color == timelimits.RED:
            qs = qs.filter(running, deadline__lt=now)
        elif color == timelimits.YELLOW:
            qs = qs.filter(running, deadline__gte=now, warn_at__lte=now)
        elif color == timelimits.GREEN:
            qs = qs.filter(running, warn_at__gt=now)
        else:
            raise ApplicationError(f"未知的时限状态：{color}", field="color")
    return qs.order_by("-reported_at", "-id")


def _as_id(value: Any, field: str) -> int:
    if hasattr(value, "pk"):
        return int(value.pk)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApplicationError("编号格式不正确", field=field) from None
    if not 1 <= number <= 2**63 - 1:
        raise ApplicationError("编号超出范围", field=field)
    return number


def category_ids(category: Category | int | str) -> list[int]:
    """The ids a category filter matches: the category and, for a 大类, its 小类. A string is a code, an int a
    primary key."""
    if isinstance(category, Category):
        found: Category | None = category
    elif isinstance(category, str):
        found = Category.objects.filter(code=category).first()
    else:
        found = Category.objects.filter(pk=_as_id(category, "category")).first()
    if found is None:
        raise ApplicationError(f"未知的类别：{category}", field="category")
    cat = found
    return [cat.pk, *Category.objects.filter(parent_id=cat.pk).values_list("pk", flat=True)]


def case_get(*, actor: User, pk: int) -> Case:
    case = case_list(actor=actor).filter(pk=pk).first()
    if case is None:
        raise NotFound("案件不存在或无权查看", code="case_not_found")
    return case


def case_events(*, actor: User, case: Case) -> QuerySet[CaseEvent]:
    """The case's history (raises NotFound when the case is outside the actor's scope)."""
    case_get(actor=actor, pk=case.pk)
    return CaseEvent.objects.filter(case_id=case.pk).select_related("actor").order_by("seq")


def category_list(*, kind: str | None = None, assignable_only: bool = True) -> QuerySet[Category]:
    qs = Category.objects.filter(is_active=True)
    if kind:
        qs = qs.filter(kind=kind)
    if assignable_only:
        qs = qs.filter(is_assignable=True)
    return qs.order_by("code")


def case_answer(*, case_id: int) -> str:
    """The handling unit's latest answer (处置反馈) on a case, or '' (what a reporter is told when it closes)."""
    return (CaseEvent.objects.filter(case_id=case_id, action="feedback").order_by("-seq")
            .values_list("note", flat=True).first()) or ""


def case_public_state(*, case: Case) -> str:
    """The state shown to the public: a merged case follows the case it was merged into."""
    seen = set()
    while case.state == workflow.MERGED and case.merged_into_id and case.pk not in seen:
        seen.add(case.pk)
        case = Case.objects.only("pk", "state", "merged_into_id").get(pk=case.merged_into_id)
    return case.state


def case_time_status(*, case: Case, now: dt.datetime | None = None) -> str | None:
    """green / yellow / red for an open case whose clock runs; ``suspended`` while 挂账; None otherwise."""
    if case.state == workflow.SUSPENDED:
        return "suspended"
    if case.state not in workflow.CLOCK_RUNNING_STATES or case.deadline is None:
        return None
    moment = now or clock.now()
    if moment > case.deadline:
        return timelimits.RED
    if case.warn_at is not None and moment >= case.warn_at:
        return timelimits.YELLOW
    return timelimits.GREEN


def supervision_notice_list(*, actor: User, open_only: bool = False) -> QuerySet[SupervisionNotice]:
    """督办 notices told to a unit of the actor's scope or to its superior, newest first (leaders and admins:
    all); ``open_only``: not yet acknowledged."""
    if actor.role in ZONE_WIDE_ROLES or actor.is_superuser:
        qs = SupervisionNotice.objects.all()
    else:
        query = Q(pk__in=[])
        for root in scope_roots(actor=actor):
            query |= Q(unit__path__startswith=root.path) | Q(superior_unit__path__startswith=root.path)
        qs = SupervisionNotice.objects.filter(query)
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    return qs.select_related("case", "unit", "superior_unit").order_by("-created_at", "-pk")


# --- routing -------------------------------------------------------------------------------------------------

def responsibility_target(
    *, category: Category, street_id: int | None, grid_ids: list[int] | tuple[int, ...] = ()
) -> OrgUnit | None:
    """The handling unit the responsibility matrix proposes: an active rule for one of ``grid_ids`` (micro-grid
    first), else for the street, else the category's zone-level rule; without any rule the category's default
    (its street office when the default kind is ``street_office`` and the case is located, else the unit with
    ``default_handler_code``). Reads the per-process reference data (``gaoxin.cases.reference``)."""
    return _responsibility_target(reference.current(), category, street_id, grid_ids)


def _responsibility_target(ref: reference.Reference, category: Category, street_id: int | None,
                           grid_ids: list[int] | tuple[int, ...]) -> OrgUnit | None:
    ids = [g for g in grid_ids if g]
    rules = ref.rules(category.pk, street_id or None, ids)
    handler_id = next((r.handler_id for grid_id in ids for r in rules if r.grid_id == grid_id), None)
    if handler_id is None:
        handler_id = next((r.handler_id for r in rules if r.grid_id is None and r.street_id is not None), None)
    if handler_id is None:
        handler_id = next((r.handler_id for r in rules if r.grid_id is None and r.street_id is None), None)
    if handler_id is not None:
        return ref.unit(handler_id)
    if category.default_handler_kind == Category.HandlerKind.STREET_OFFICE and street_id:
        return ref.unit(street_id)
    if category.default_handler_code:
        return ref.unit_by_code(category.default_handler_code)
    return None


def case_dispatch_proposal(*, case: Case) -> OrgUnit | None:
    """The unit a dispatcher is offered for ``case``."""
    return responsibility_target(
        category=case.category, street_id=case.street_id, grid_ids=[g for g in (case.micro_grid_id, case.grid_id) if g]
    )


def zone_center() -> OrgUnit:
    return _zone_center(reference.current())


def _zone_center(ref: reference.Reference) -> OrgUnit:
    center = ref.zone_center()
    if center is None:
        raise ApplicationError("尚未配置区级城运中心", code="no_zone_center", status=500)
    return center


def center_for(*, category: Category, street_id: int | None, grid_ids: list[int] | tuple[int, ...] = ()) -> OrgUnit:
    """Two-level centers: when the proposed handling unit lies inside the case's street office (the street
    office itself or one of its communities) the street's own center handles the case; otherwise — a zone
    department, no street, or a street without a center — the zone center does."""
    ref = reference.current()
    if street_id:
        target = _responsibility_target(ref, category, street_id, grid_ids)
        street = ref.unit(street_id)
        if target is not None and street is not None and target.path.startswith(street.path):
            center = ref.street_center(street_id)
            if center is not None:
                return center
    return _zone_center(ref)


# --- duplicates ----------------------------------------------------------------------------------------------

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def my_reports(*, actor: User, number: str = "", also: Iterable[int] = ()) -> QuerySet[Case]:
    """我的上报: the cases the actor reported — a citizen's as their reporter account (and the cases ``also``: the
    web app's public reports filed while logged in), anyone else's as the one who entered them (a grid worker's
    reports) — newest first; ``number`` matches part of the case number."""
    if actor.role == Role.CITIZEN:
        qs = Case.objects.filter(Q(reporter_user=actor) | Q(pk__in=list(also)))
    else:
        qs = Case.objects.filter(reported_by=actor)
    if number.strip():
        qs = qs.filter(number__contains=number.strip())
    return qs.select_related("category", "street").order_by("-reported_at", "-pk")


def _within(qs: QuerySet[Case], *, lon: float, lat: float, radius_m: float, scan: int = 500) -> list[Case]:
    """The cases of ``qs`` (the first ``scan`` in its order inside the bounding box) within ``radius_m`` of a
    spot, each with a ``distance_m`` attribute, unsorted."""
    dlat = radius_m / 111_320.0
    dlon = radius_m / (111_320.0 * max(0.01, math.cos(math.radians(lat))))
    found = []
    for other in qs.filter(lon__range=(lon - dlon, lon + dlon), lat__range=(lat - dlat, lat + dlat))[:scan]:
        assert other.lon is not None
        assert other.lat is not None
        d = distance_m(lon, lat, other.lon, other.lat)
        if d <= radius_m:
            other.distance_m = d  # type: ignore[attr-defined]  # annotation for the page
            found.append(other)
    return found


NEARBY_RADIUS_M = 200.0


def open_cases_near(*, lon: float, lat: float, radius_m: float = NEARBY_RADIUS_M, limit: int = 5) -> list[Case]:
    """Open cases within ``radius_m`` of a spot, nearest first (each with ``distance_m``): shown to whoever is about
    to report there, so a problem already reported is not reported twice. Only what the public tracking page shows
    of a case (category, address, state, date) may be displayed from them."""
    open_cases = Case.objects.filter(state__in=workflow.OPEN_STATES).select_related("category").order_by(
        "-reported_at")
    found = _within(open_cases, lon=lon, lat=lat, radius_m=radius_m)
    found.sort(key=lambda c: (c.distance_m, -c.reported_at.timestamp()))  # type: ignore[attr-defined]  # above
    return found[:limit]


def case_duplicate_candidates(*, actor: User, case: Case, limit: int = 10) -> list[Case]:
    """Cases the actor may see that look like duplicates of ``case``: the same category, not rejected or merged,
    reported within the category's time window (before or after), and — when the case has a point — within the
    category's radius (nearest first, each with a ``distance_m`` attribute); without a point, the same
    non-empty address or reporter phone. A category with radius 0 matches only by address or phone."""
    category = case.category
    window = dt.timedelta(hours=category.duplicate_window_hours)
    qs = (
        case_list(actor=actor)
        .filter(category_id=case.category_id, reported_at__gte=case.reported_at - window,
                reported_at__lte=case.reported_at + window)
        .exclude(pk=case.pk)
        .exclude(state__in=workflow.TERMINAL_STATES)
    )
    radius = category.duplicate_radius_m
    if case.lon is not None and case.lat is not None and radius > 0:
        found = _within(qs, lon=case.lon, lat=case.lat, radius_m=radius)
        found.sort(key=lambda c: (c.distance_m, c.reported_at))  # type: ignore[attr-defined]  # set just above
        return found[:limit]
    same = Q(pk__in=[])
    if case.address.strip():
        same |= Q(address=case.address)
    if case.reporter_phone.strip():
        same |= Q(reporter_phone=case.reporter_phone)
    return list(qs.filter(same).order_by("reported_at")[:limit])

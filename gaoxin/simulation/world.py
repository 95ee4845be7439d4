"""The zone the simulated year happens in: the synthetic administration, the grid layer, the demo logins and
the synthetic staff who act in the year's records (operators, dispatchers and shift leads of every operations
center, handlers of every department and street office, service cadres, residents). Everything is labelled
``is_synthetic`` and is reused when it exists already (a second run adds nothing)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from gaoxin.accounts.demo import DEMO_PASSWORD, demo_users_ensure
from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.accounts.synthetic import synthetic_org_ensure
from gaoxin.core import clock
from gaoxin.grids.models import Grid
from gaoxin.grids.services import grid_layer_generate

CENTER_STAFF = {Role.OPERATOR: 4, Role.DISPATCHER: 2, Role.SHIFT_LEAD: 1}
ZONE_CENTER_STAFF = {Role.OPERATOR: 10, Role.DISPATCHER: 4, Role.SHIFT_LEAD: 2}
HANDLERS_PER_DEPARTMENT = 3
HANDLERS_PER_STREET = 4
CADRE_DEPARTMENTS = ["GX-D10", "GX-D11", "GX-D12", "GX-D13", "GX-D14"]
CADRES_PER_DEPARTMENT = 8
CITIZENS = 400


@dataclass
class World:
    committee: OrgUnit
    zone_center: OrgUnit
    units: dict[int, OrgUnit]
    unit_by_code: dict[str, OrgUnit]
    # center id → role → user ids; unit id → handler ids (a street office's handlers also act for its communities)
    center_staff: dict[int, dict[str, list[int]]]
    handlers: dict[int, list[int]]
    cadres: list[int]
    cadre_unit: dict[int, int]
    citizens: list[int]
    leader_id: int
    usernames: dict[int, str] = field(default_factory=dict)
    # micro-grid id → (grid id, street id, worker user id or None)
    micro: dict[int, tuple[int, int | None, int | None]] = field(default_factory=dict)
    micro_codes: dict[int, str] = field(default_factory=dict)

    def handler_pool(self, unit_id: int) -> list[int]:
        unit = self.units[unit_id]
        if unit_id in self.handlers:
            return self.handlers[unit_id]
        if unit.parent_id in self.handlers:  # a community: its street office's handlers
            return self.handlers[unit.parent_id]
        raise LookupError(f"no handler for {unit.code}")


def _ensure_users(specs: list[tuple[str, str, OrgUnit | None, str]], password: str) -> None:
    """Create the (username, role, unit, display name) users that do not exist yet, in bulk; staff with a made-up
    mobile number (the demo's text messages go to the local SMS gateway simulator; the simulated citizens give
    their phone with each report)."""
    existing = set(User.objects.filter(username__in=[s[0] for s in specs]).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=name, role=role, org_unit=unit, display_name=display, is_synthetic=True, password=password,
                 phone="" if role == Role.CITIZEN else f"1970{index:07d}", date_joined=clock.now())
            for index, (name, role, unit, display) in enumerate(specs, start=1)
            if name not in existing
        ],
        batch_size=500,
    )


@transaction.atomic
def _staff_ensure() -> None:
    password = make_password(DEMO_PASSWORD)  # hashed once for every synthetic account (demo only)
    units = list(OrgUnit.objects.all())
    specs: list[tuple[str, str, OrgUnit | None, str]] = []
    for unit in units:
        if unit.kind in (OrgUnit.Kind.ZONE_CENTER, OrgUnit.Kind.STREET_CENTER):
            staff = ZONE_CENTER_STAFF if unit.kind == OrgUnit.Kind.ZONE_CENTER else CENTER_STAFF
            for role, count in staff.items():
                for n in range(1, count + 1):
                    label = Role(role).label
                    specs.append((f"sim_{role}_{unit.code}_{n}", role, unit, f"{unit.name}{label}{n}号"))
        elif unit.kind == OrgUnit.Kind.DEPARTMENT:
            for n in range(1, HANDLERS_PER_DEPARTMENT + 1):
                specs.append((f"sim_handler_{unit.code}_{n}", Role.HANDLER, unit, f"{unit.name}处置员{n}号"))
            if unit.code in CADRE_DEPARTMENTS:
                for n in range(1, CADRES_PER_DEPARTMENT + 1):
                    specs.append((f"sim_cadre_{unit.code}_{n}", Role.SERVICE_CADRE, unit, f"{unit.name}助企干部{n}号"))
        elif unit.kind == OrgUnit.Kind.STREET_OFFICE:
            for n in range(1, HANDLERS_PER_STREET + 1):
                specs.append((f"sim_handler_{unit.code}_{n}", Role.HANDLER, unit, f"{unit.name}处置员{n}号"))
    for n in range(1, CITIZENS + 1):
        specs.append((f"sim_citizen_{n:04d}", Role.CITIZEN, None, f"市民{n:04d}（模拟）"))
    _ensure_users(specs, password)


def world_ensure(*, seed: int, show_progress: bool = False) -> World:
    """The administration, the grid layer (generated with ``seed`` when none exists), demo logins and staff."""
    synthetic_org_ensure()
    if not Grid.objects.exists():
        grid_layer_generate(seed=seed, show_progress=show_progress)
    demo_users_ensure()
    _staff_ensure()
    return world_load()


def world_load() -> World:
    units = {u.pk: u for u in OrgUnit.objects.all()}
    by_code = {u.code: u for u in units.values()}
    center_staff: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    handlers: dict[int, list[int]] = defaultdict(list)
    cadres: list[int] = []
    cadre_unit: dict[int, int] = {}
    citizens: list[int] = []
    usernames: dict[int, str] = {}
    # Demo logins first in their pools, so that the demo accounts appear in the year's histories.
    staff = (
        User.objects.filter(is_synthetic=True)
        .exclude(role=Role.GRID_WORKER)
        .order_by("username")
        .values_list("pk", "username", "role", "org_unit_id")
    )
    rows = sorted(staff, key=lambda r: (r[1].startswith("sim_"), r[1]))
    leader_id = None
    for pk, username, role, unit_id in rows:
        usernames[pk] = username
        unit = units.get(unit_id) if unit_id else None
        if role in (Role.OPERATOR, Role.DISPATCHER, Role.SHIFT_LEAD) and unit is not None:
            if unit.kind in (OrgUnit.Kind.ZONE_CENTER, OrgUnit.Kind.STREET_CENTER):
                center_staff[unit.pk][role].append(pk)
        elif role == Role.HANDLER and unit is not None:
            if unit.kind in (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.STREET_OFFICE):
                handlers[unit.pk].append(pk)
        elif role == Role.SERVICE_CADRE and unit is not None:
            cadres.append(pk)
            cadre_unit[pk] = unit.pk
        elif role == Role.CITIZEN and username.startswith("sim_citizen_"):
            citizens.append(pk)
        elif role == Role.LEADER and leader_id is None:
            leader_id = pk
    zone_center = next(u for u in units.values() if u.kind == OrgUnit.Kind.ZONE_CENTER)
    committee = next(u for u in units.values() if u.parent_id is None)
    world = World(
        committee=committee, zone_center=zone_center, units=units, unit_by_code=by_code,
        center_staff={k: dict(v) for k, v in center_staff.items()}, handlers=dict(handlers), cadres=cadres,
        cadre_unit=cadre_unit, citizens=citizens, leader_id=leader_id or cadres[0], usernames=usernames,
    )
    grids = dict(Grid.objects.filter(level=Grid.Level.GRID).values_list("pk", "street_id"))
    workers: dict[int, int] = {}
    for grid_id, user_id in Grid.workers.through.objects.order_by("grid_id", "user_id").values_list(
        "grid_id", "user_id"
    ):
        workers.setdefault(grid_id, user_id)
    for pk, code, parent_id, street_id in Grid.objects.filter(level=Grid.Level.MICRO).values_list(
        "pk", "code", "parent_id", "street_id"
    ):
        world.micro[pk] = (parent_id, grids.get(parent_id, street_id), workers.get(pk))
        world.micro_codes[pk] = code
    return world

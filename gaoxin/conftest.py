"""Fixtures shared by every app's tests: a small zone built through the real services; the Hypothesis profiles."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings

from gaoxin.accounts import services as account_services
from gaoxin.accounts.models import OrgUnit, User
from gaoxin.core import clock

SHANGHAI = ZoneInfo("Asia/Shanghai")

# Hypothesis profiles. ``default`` samples the property tests, so that the everyday run stays fast; ``ci`` runs
# them in full (CI's SQLite pass sets HYPOTHESIS_PROFILE=ci). ``ci`` is built on Hypothesis' own ``ci`` profile:
# derandomized, so that a failure happens again on a rerun (and with HYPOTHESIS_PROFILE=ci on a laptop), no
# deadline, the failing example's blob printed. ``default`` is too when the CI variable is set, so CI's sampled
# pass is repeatable as well; elsewhere it explores new examples on every run. A test takes a share of the
# profile's examples through ``examples()``, so the profile decides how many each runs.
FULL_EXAMPLES = 200
SAMPLED_EXAMPLES = 20
_HYPOTHESIS_CI = settings.get_profile("ci")
settings.register_profile("ci", _HYPOTHESIS_CI, max_examples=FULL_EXAMPLES)
settings.register_profile("default", _HYPOTHESIS_CI if os.environ.get("CI") else settings.get_profile("default"),
                          max_examples=SAMPLED_EXAMPLES)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.load_profile(HYPOTHESIS_PROFILE)


def examples(share: float, *, minimum: int = 1) -> int:
    """``share`` of the active profile's ``max_examples`` (rounded up, at least ``minimum``): a test that costs
    more per example takes a smaller share, e.g. ``0.125`` for 25 of the ``ci`` profile's 200."""
    return max(minimum, math.ceil(settings().max_examples * share))


def pytest_report_header(config: pytest.Config) -> str:
    current = settings()
    return (f"hypothesis profile: {HYPOTHESIS_PROFILE} (max_examples={current.max_examples}, "
            f"derandomize={current.derandomize}; HYPOTHESIS_PROFILE=ci runs the property tests in full)")


@dataclass
class Org:
    committee: OrgUnit
    zone_center: OrgUnit
    urban_management: OrgUnit  # 城管局
    construction: OrgUnit  # 住建局
    street_a: OrgUnit
    street_a_center: OrgUnit
    community_a1: OrgUnit
    street_b: OrgUnit
    street_b_center: OrgUnit


@pytest.fixture
def org(db) -> Org:
    create = account_services.org_unit_create
    committee = create(code="GX", name="高新区管委会", kind=OrgUnit.Kind.COMMITTEE)
    street_a = create(code="GX-S01", name="石佛办事处", kind=OrgUnit.Kind.STREET_OFFICE, parent=committee)
    street_b = create(code="GX-S02", name="沟赵办事处", kind=OrgUnit.Kind.STREET_OFFICE, parent=committee)
    return Org(
        committee=committee,
        zone_center=create(code="GX-C", name="区级城运中心", kind=OrgUnit.Kind.ZONE_CENTER, parent=committee),
        urban_management=create(code="GX-D01", name="城市管理局", kind=OrgUnit.Kind.DEPARTMENT, parent=committee),
        construction=create(code="GX-D02", name="住房和城乡建设局", kind=OrgUnit.Kind.DEPARTMENT, parent=committee),
        street_a=street_a,
        street_a_center=create(
            code="GX-S01-C", name="石佛城运中心", kind=OrgUnit.Kind.STREET_CENTER, parent=street_a
        ),
        community_a1=create(code="GX-S01-01", name="石佛社区", kind=OrgUnit.Kind.COMMUNITY, parent=street_a),
        street_b=street_b,
        street_b_center=create(
            code="GX-S02-C", name="沟赵城运中心", kind=OrgUnit.Kind.STREET_CENTER, parent=street_b
        ),
    )


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    counter = iter(range(1, 10_000))

    def make(role: str, unit: OrgUnit | None, *, username: str | None = None, **fields) -> User:
        return account_services.user_create(
            username=username or f"{role}{next(counter)}",
            password=fields.pop("password", "Gaoxin-test-2023!"),
            role=role,
            org_unit=unit,
            validate=False,
            **fields,
        )

    return make


@pytest.fixture
def frozen_now() -> Callable[..., object]:
    """``with frozen_now(2023, 3, 1, 9): ...`` freezes the platform clock at that Shanghai time."""

    def freeze(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0):
        return clock.frozen(dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI))

    return freeze


def _box(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> dict:
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class GridLayer:
    zone: object
    grid_west: object  # street_a
    grid_east: object  # street_b
    micro_west_south: object
    micro_west_north: object
    micro_east_south: object
    micro_east_north: object


@pytest.fixture
def grid_layer(org: Org) -> GridLayer:
    """A 2 × 2 layer: the zone box 113.50–113.60°E × 34.78–34.84°N, split into a western grid (石佛) and an
    eastern grid (沟赵) at 113.55°E, each split into a southern and northern micro-grid at 34.81°N."""
    from django.db import transaction

    from gaoxin.grids import services as grid_services
    from gaoxin.grids.models import Grid

    create = partial(grid_services.grid_create, valid_from=None)  # the layer's baseline: valid in every year
    with transaction.atomic():
        zone = create(code="410171", name="高新区", level=Grid.Level.ZONE, geometry_geojson=_box(113.50, 34.78, 113.60, 34.84))
        west = create(code="41017101001", name="西网格", level=Grid.Level.GRID, parent=zone, street=org.street_a,
                      geometry_geojson=_box(113.50, 34.78, 113.55, 34.84))
        east = create(code="41017102001", name="东网格", level=Grid.Level.GRID, parent=zone, street=org.street_b,
                      geometry_geojson=_box(113.55, 34.78, 113.60, 34.84))
        layer = GridLayer(
            zone=zone,
            grid_west=west,
            grid_east=east,
            micro_west_south=create(code="4101710100101", name="西南微网格", level=Grid.Level.MICRO, parent=west,
                                    street=org.street_a, geometry_geojson=_box(113.50, 34.78, 113.55, 34.81)),
            micro_west_north=create(code="4101710100102", name="西北微网格", level=Grid.Level.MICRO, parent=west,
                                    street=org.street_a, geometry_geojson=_box(113.50, 34.81, 113.55, 34.84)),
            micro_east_south=create(code="4101710200101", name="东南微网格", level=Grid.Level.MICRO, parent=east,
                                    street=org.street_b, geometry_geojson=_box(113.55, 34.78, 113.60, 34.81)),
            micro_east_north=create(code="4101710200102", name="东北微网格", level=Grid.Level.MICRO, parent=east,
                                    street=org.street_b, geometry_geojson=_box(113.55, 34.81, 113.60, 34.84)),
        )
    from gaoxin.grids.locator import invalidate

    invalidate()
    return layer


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Caches outlive a test's database rollback; clear them so no test sees another's grid layer."""
    from django.core.cache import cache

    from gaoxin.grids import locator

    def clear() -> None:
        # django-redis: only this worker's prefixed keys; local memory: everything.
        if hasattr(cache, "delete_pattern"):
            cache.delete_pattern("*")
        else:
            cache.clear()
        locator._cached = None

    clear()
    yield
    clear()


@pytest.fixture(autouse=True)
def _platform_clock_released():
    """The platform clock is process-wide (the live server's thread reads it too): a test that leaves it frozen
    would hand its moment to every later test of the worker. Fail that test, and release the clock."""
    yield
    left = clock.frozen_at()
    if left is not None:
        clock.release()
        pytest.fail(f"the test left the platform clock frozen at {left.isoformat()}")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path):
    """Uploads and exports a test writes go to its own temporary directory, never into the checkout's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


def pytest_collection_modifyitems(config, items):
    _restore_reference_data_after_transactional_tests(items)
    _skip_slow_unless_asked(items)


def _restore_reference_data_after_transactional_tests(items):
    """A transactional test (``transaction=True``, ``live_server``) ends by flushing every table, which would
    also wipe the reference data that migrations load (case categories, qualification types …) for the tests
    that run after it. Serialized rollback restores that data after each such test."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        names = getattr(item, "fixturenames", ())
        if kwargs.get("transaction") or "live_server" in names or "transactional_db" in names:
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)


def _skip_slow_unless_asked(items):
    """Tests marked ``slow`` (the full-scale year) run only with GAOXIN_RUN_SLOW=1; CI runs them once."""
    import os

    if os.environ.get("GAOXIN_RUN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow full-scale test: set GAOXIN_RUN_SLOW=1 to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)

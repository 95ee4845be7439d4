"""`gaoxin grids generate|export|import` on the full synthetic layer, through the database."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.grids.models import Grid
from gaoxin.grids.services import SYNTHETIC_WORKER_PASSWORD


def generate(*extra: str) -> None:
    call_command("grids", "generate", "--seed", "1", "--no-progress", *extra, verbosity=0)


def export(path) -> dict:
    call_command("grids", "export", "--out", str(path), verbosity=0)
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.django_db
def test_generate_writes_the_synthetic_zone_with_one_worker_per_micro_grid():
    generate()
    assert Grid.objects.filter(level=Grid.Level.ZONE).count() == 1
    assert Grid.objects.filter(level=Grid.Level.GRID).count() == 571
    assert Grid.objects.filter(level=Grid.Level.MICRO).count() == 3895
    assert not Grid.objects.filter(is_synthetic=False).exists()
    zone = Grid.objects.get(level=Grid.Level.ZONE)
    assert zone.code == "410171"
    assert zone.area_m2 == pytest.approx(99_000_000, rel=1e-3)
    streets = set(OrgUnit.objects.filter(kind=OrgUnit.Kind.STREET_OFFICE).values_list("pk", flat=True))
    assert set(Grid.objects.filter(level=Grid.Level.GRID).values_list("street_id", flat=True)) == streets

    links = list(Grid.workers.through.objects.values_list("grid__code", "grid__level", "user_id"))
    assert len(links) == 3895
    assert {level for _, level, _ in links} == {Grid.Level.MICRO}
    assert len({code for code, _, _ in links}) == 3895
    assert len({user for _, _, user in links}) == 3895
    micro = Grid.objects.select_related("parent").get(code="4101710100101")
    worker = micro.workers.get()
    assert micro.parent is not None
    assert worker.username == "gw4101710100101"
    assert (worker.role, worker.org_unit_id, worker.is_synthetic) == (Role.GRID_WORKER, micro.parent.street_id, True)
    assert 2 <= len(worker.display_name) <= 3
    assert worker.check_password(SYNTHETIC_WORKER_PASSWORD)
    # One hash for all: the password was hashed once.
    workers = User.objects.filter(role=Role.GRID_WORKER, is_synthetic=True)
    assert workers.count() == 3895
    assert workers.values("password").distinct().count() == 1


@pytest.mark.django_db
def test_generate_refuses_to_overwrite_a_layer_unless_replace(grid_layer):
    before = list(Grid.objects.values_list("code", "name"))
    with pytest.raises(CommandError, match="--replace"):
        generate()
    assert list(Grid.objects.values_list("code", "name")) == before
    assert not User.objects.filter(role=Role.GRID_WORKER).exists()


@pytest.mark.django_db
def test_round_trip_generate_export_import_export(tmp_path):
    generate()
    first = export(tmp_path / "first.geojson")
    assert len(first["features"]) == 4467
    micro = next(f for f in first["features"] if f["properties"]["code"] == "4101710100101")
    assert micro["properties"]["workers"] == ["gw4101710100101"]
    assert micro["properties"]["parent_code"] == "41017101001"
    assert micro["properties"]["street_code"] == "GX-S01"

    call_command("grids", "import", str(tmp_path / "first.geojson"), "--replace", "--no-progress", verbosity=0)
    second = export(tmp_path / "second.geojson")
    assert second["features"] == first["features"]
    assert (tmp_path / "second.geojson").read_bytes() == (tmp_path / "first.geojson").read_bytes()

    # Generating again over it with --replace gives the same layer too (workers are reused, not duplicated).
    generate("--replace")
    assert export(tmp_path / "third.geojson")["features"] == first["features"]
    assert User.objects.filter(role=Role.GRID_WORKER).count() == 3895

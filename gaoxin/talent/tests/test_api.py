"""The talent JSON API: programs as data, applications in the pages' scope, personal data always masked."""

from __future__ import annotations

import pytest

from gaoxin.talent.models import TalentProgram
from gaoxin.talent.tests.test_services import _apply

pytestmark = pytest.mark.django_db


def test_programs(client, world):
    client.force_login(world.talent_officer)
    programs = client.get("/api/v1/talent/programs").json()
    assert [p["code"] for p in programs] == list(TalentProgram.objects.order_by("sort_order", "code")
                                                 .values_list("code", flat=True))


def test_applications_scoped_and_masked(client, world, frozen_now):
    with frozen_now(2023, 5, 8, 10):
        mine = _apply(world)
    client.force_login(world.enterprise_user)
    rows = client.get("/api/v1/talent/applications").json()
    assert [r["number"] for r in rows] == [mine.number]
    assert (rows[0]["person_name"], rows[0]["id_number"], rows[0]["phone"]) == (
        "李*", "110***********002X", "138****8000")
    assert "11010519491231002X" not in client.get("/api/v1/talent/applications").content.decode()
    client.force_login(world.talent_officer)
    assert [r["number"] for r in client.get("/api/v1/talent/applications?status=submitted").json()] == [
        mine.number]
    assert client.get("/api/v1/talent/applications?year=2022").json() == []
    assert client.get("/api/v1/talent/applications?program=urgent_talent").json()[0]["person_name"] == "李*"
    client.force_login(world.cadre)
    assert client.get("/api/v1/talent/applications").json() == []

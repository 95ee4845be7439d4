"""The land officer splits and merges parcels on the parcel page (issue 17, item 7: history of splits and
merges): the parts as a GeoJSON FeatureCollection, the merge by codes; refused forms name the problem and change
nothing; the parcel page links the parcels it came from and became."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gaoxin.land.models import Parcel
from gaoxin.land.tests.factories import box, code
from gaoxin.land.tests.test_services import register, row

pytestmark = pytest.mark.django_db


def feature(n: int, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"unit_code": code(n), "name": f"分割宗地{n}"}, "geometry": geometry}


def states() -> list[tuple[str, str]]:
    return list(Parcel.objects.order_by("parcel_code").values_list("parcel_code", "status"))


def test_split_and_merge_in_the_browser(people, grid_layer):
    (parcel,) = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)))
    client = Client()
    client.force_login(people.land_officer)
    page = client.get(f"/land/{parcel.parcel_code}/").content.decode()
    assert 'id="split-form"' in page
    assert 'id="merge-form"' in page
    before = states()
    gap = {"type": "FeatureCollection", "features": [feature(2, box(113.51, 34.79, 113.515, 34.80)),
                                                     feature(3, box(113.515, 34.79, 113.519, 34.80))]}
    refused = client.post(f"/land/{parcel.parcel_code}/split/", {"parts": json.dumps(gap)})
    assert refused.status_code == 400
    assert "分割后的宗地未覆盖原宗地" in refused.content.decode()
    assert 'data-field="parts"' in refused.content.decode()
    assert client.post(f"/land/{parcel.parcel_code}/split/", {"parts": "{"}).status_code == 400
    assert states() == before
    parts = {"type": "FeatureCollection", "features": [feature(2, box(113.51, 34.79, 113.515, 34.80)),
                                                       feature(3, box(113.515, 34.79, 113.52, 34.80))]}
    done = client.post(f"/land/{parcel.parcel_code}/split/", {"parts": json.dumps(parts)})
    assert done.status_code == 302
    assert done["Location"] == f"/land/{parcel.parcel_code}/"
    retired = client.get(done["Location"]).content.decode()
    a, b = Parcel.objects.filter(parents=parcel).order_by("parcel_code")
    assert f'href="/land/{a.parcel_code}/"' in retired
    assert 'id="split-form"' not in retired  # a retired parcel is not split again
    # The two parts merge back into one under a new code.
    refused = client.post(f"/land/{a.parcel_code}/merge/", {"others": "", "unit_code": code(9), "name": "合并"})
    assert refused.status_code == 400
    assert 'data-field="others"' in refused.content.decode()
    merged = client.post(f"/land/{a.parcel_code}/merge/", {"others": b.parcel_code, "unit_code": code(9),
                                                           "name": "合并宗地"})
    assert merged.status_code == 302
    new = Parcel.objects.get(unit_code=code(9))
    assert merged["Location"] == f"/land/{new.parcel_code}/"
    page = client.get(merged["Location"]).content.decode()
    assert f'href="/land/{a.parcel_code}/"' in page
    assert f'href="/land/{b.parcel_code}/"' in page
    assert set(Parcel.objects.filter(status="retired").values_list("pk", flat=True)) == {parcel.pk, a.pk, b.pk}


def test_only_the_land_office_reshapes_parcels(people, grid_layer):
    (parcel,) = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)))
    client = Client()
    client.force_login(people.leader)
    assert 'id="split-form"' not in client.get(f"/land/{parcel.parcel_code}/").content.decode()
    before = states()
    response = client.post(f"/land/{parcel.parcel_code}/merge/", {"others": "x", "unit_code": code(9), "name": "x"})
    assert response.status_code == 403
    assert states() == before


def test_four_permits_on_one_form(people, grid_layer):
    """一天发四证: the parcel page issues every missing permit on one date in one go, or none of them."""
    import datetime as dt

    from gaoxin.land import services
    from gaoxin.land.models import LandSupply, Permit

    (parcel,) = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)))
    services.supply_record(actor=people.land_officer, parcel=parcel, contract_no="C1",
                           contract_date=dt.date(2023, 6, 1), method="agreement", price=500)
    client = Client()
    client.force_login(people.land_officer)
    assert 'id="permits-form"' in client.get(f"/land/{parcel.parcel_code}/").content.decode()
    numbers = {f"number_{kind}": f"N-{i}" for i, kind in enumerate(Permit.Kind.values)}
    missing_one = {**numbers, f"number_{Permit.Kind.values[2]}": "", "issued_on": "2023-06-01"}
    refused = client.post(f"/land/{parcel.parcel_code}/permits/", missing_one)
    assert refused.status_code == 400
    assert 'data-field="number"' in refused.content.decode()
    assert Permit.objects.count() == 0
    done = client.post(f"/land/{parcel.parcel_code}/permits/", {**numbers, "issued_on": "2023-06-01"})
    assert done.status_code == 302
    assert sorted(Permit.objects.values_list("number", flat=True)) == ["N-0", "N-1", "N-2", "N-3"]
    assert LandSupply.objects.get().four_permit_days == 1
    assert 'id="permits-form"' not in client.get(f"/land/{parcel.parcel_code}/").content.decode()

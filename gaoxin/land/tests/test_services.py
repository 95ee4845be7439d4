from __future__ import annotations

import datetime as dt
import math

import pytest

from gaoxin.core import audit
from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.land import metrics, selectors, services
from gaoxin.land.models import LandSupply, Parcel, ParcelEvent, Permit
from gaoxin.land.services import ParcelInput
from gaoxin.land.tests.factories import box, code

pytestmark = pytest.mark.django_db


def row(n: int, geometry: dict, use: str = "industrial") -> ParcelInput:
    return ParcelInput(code(n), f"宗地{n}", use, geometry)


def register(people, *rows: ParcelInput) -> list[Parcel]:
    services.parcels_register(actor=people.land_officer, rows=list(rows))
    return list(Parcel.objects.filter(unit_code__in=[r.unit_code for r in rows]).order_by("parcel_code"))


def test_register_computes_area_and_history(people, grid_layer):
    (parcel,) = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)))
    assert parcel.parcel_code == "410171001002GB00001"
    # 0.01° × 0.01° at 34.795°N: 111320·cos(34.795°) × 110574 × 1e-4 m².
    assert float(parcel.area_m2) == pytest.approx(111_320 * math.cos(math.radians(34.795)) * 110_574 * 1e-4, abs=0.01)
    assert parcel.area_mu == (parcel.area_m2 * 15 / 10000).quantize(parcel.area_mu)
    assert list(ParcelEvent.objects.filter(parcel=parcel).values_list("action", flat=True)) == ["registered"]
    assert list(audit.verify(ParcelEvent)) == []


def test_overlaps_refused_by_code_pair_and_nothing_written(people, grid_layer):
    register(people, row(1, box(113.51, 34.79, 113.52, 34.80)))
    with pytest.raises(ApplicationError) as err:
        register(people, row(2, box(113.515, 34.79, 113.525, 34.80)),  # overlaps 1
                 row(3, box(113.52, 34.79, 113.53, 34.80)),  # touches 1 only: fine, but overlaps 2
                 row(4, box(113.40, 34.79, 113.41, 34.80)),  # outside the zone
                 ParcelInput("410171001002GB00005W0000000X", "坏代码", "industrial", box(113.55, 34.79, 113.56, 34.8)))
    assert err.value.code == "parcels_invalid"
    problems = err.value.extra["problems"]
    assert "410171001002GB00005W0000000X：定着物单元号：应为8位数字" in problems
    assert "410171001002GB00004：宗地不在辖区范围内" in problems
    overlaps = [p for p in problems if "重叠" in p]
    assert [p.split(" 重叠")[0] for p in overlaps] == ["宗地 410171001002GB00001 与 410171001002GB00002",
                                                      "宗地 410171001002GB00002 与 410171001002GB00003"]
    assert len(problems) == 4
    assert Parcel.objects.count() == 1


def test_bad_code_names_the_part(people, grid_layer):
    with pytest.raises(ApplicationError) as err:
        services.parcel_register(actor=people.land_officer, unit_code="410171001002GB00000W00000000", name="x",
                                 use_class="industrial", geometry_json=box(113.51, 34.79, 113.52, 34.80))
    assert err.value.field == "unit_code"
    assert err.value.extra["parts"] == ["parcel_number"]
    assert Parcel.objects.count() == 0


def test_only_the_land_bureau_registers(people, grid_layer):
    with pytest.raises(PermissionDenied):
        services.parcels_register(actor=people.investment_officer, rows=[row(1, box(113.51, 34.79, 113.52, 34.80))])
    assert Parcel.objects.count() == 0


def test_supply_standard_land_needs_its_indicators(people, grid_layer):
    (parcel,) = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)))
    with pytest.raises(ApplicationError) as err:
        services.supply_record(actor=people.land_officer, parcel=parcel, contract_no="C1",
                               contract_date=dt.date(2023, 3, 1), method="auction", price=1000, is_standard=True,
                               indicators={"floor_area_ratio": 1.5, "investment_intensity": 300})
    assert err.value.field == "output_per_mu"
    assert LandSupply.objects.count() == 0


def test_four_permits_and_days(people, grid_layer):
    a, b = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)), row(2, box(113.52, 34.79, 113.53, 34.80)))
    day = dt.date(2023, 6, 1)
    for parcel, n in ((a, 1), (b, 2)):
        services.supply_record(actor=people.land_officer, parcel=parcel, contract_no=f"C{n}", contract_date=day,
                               method="auction", price=1000, is_standard=True,
                               indicators={"floor_area_ratio": 1.5, "investment_intensity": 300,
                                           "output_per_mu": 500, "tax_per_mu": 30})
    with pytest.raises(ApplicationError) as err:
        services.permit_issue(actor=people.land_officer, parcel=a, kind="property", number="P0",
                              issued_on=dt.date(2023, 5, 31))
    assert err.value.field == "issued_on"
    for i, kind in enumerate(Permit.Kind.values):
        services.permit_issue(actor=people.land_officer, parcel=a, kind=kind, number=f"A{i}", issued_on=day)
        services.permit_issue(actor=people.land_officer, parcel=b, kind=kind, number=f"B{i}",
                              issued_on=day + dt.timedelta(days=3 * i))
    with pytest.raises(ApplicationError) as err:
        services.permit_issue(actor=people.land_officer, parcel=a, kind="property", number="A9", issued_on=day)
    assert err.value.code == "duplicate"
    rows = {s.parcel.parcel_code: s.days_to_fourth.days  # type: ignore[attr-defined]  # annotated
            for s in selectors.with_permit_days(selectors.supply_list(actor=people.leader))}
    assert rows == {a.parcel_code: 0, b.parcel_code: 9}
    year = {"start": dt.date(2023, 1, 1), "end": dt.date(2024, 1, 1)}
    assert metrics.fastest_four_permits(actor=people.leader, **year) == (1, [a.supply.pk])
    records = metrics.industrial_supply_records(actor=people.leader, **year)
    assert metrics.supplied_area_mu(records) == ((a.area_m2 + b.area_m2) * 15 / 10000).quantize(a.area_mu)
    assert metrics.industrial_supply_records(actor=people.outsider, **year).count() == 0


def test_four_permits_issued_together_or_not_at_all(people, grid_layer):
    """一天发四证 at the window: the four permits in one call, each an event of the parcel's history; a batch with
    one bad permit writes none of them."""
    (a,) = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)))
    day = dt.date(2023, 6, 1)
    services.supply_record(actor=people.land_officer, parcel=a, contract_no="C1", contract_date=day,
                           method="agreement", price=1000)
    four = [(kind, f"A{i}", day) for i, kind in enumerate(Permit.Kind.values)]
    events_before = ParcelEvent.objects.filter(parcel=a).count()
    refused = [
        ([*four[:3], (four[0][0], "A9", day)], "kind", "duplicate"),  # one kind twice
        ([*four[:3], (four[3][0], "A0", day)], "number", "duplicate"),  # one number twice
        ([*four[:3], (four[3][0], "A3", day - dt.timedelta(days=1))], "issued_on", None),  # before the contract
    ]
    for batch, field, expected in refused:
        with pytest.raises(ApplicationError) as err:
            services.permits_issue(actor=people.land_officer, parcel=a, permits=batch)
        assert err.value.field == field
        assert expected is None or err.value.code == expected
        assert (Permit.objects.count(), ParcelEvent.objects.filter(parcel=a).count()) == (0, events_before)
    made = services.permits_issue(actor=people.land_officer, parcel=a, permits=four)
    assert [p.number for p in made] == ["A0", "A1", "A2", "A3"]
    a.supply.refresh_from_db()
    assert (a.supply.four_permits_on, a.supply.four_permit_days) == (day, 1)
    events = list(ParcelEvent.objects.filter(parcel=a).order_by("seq").values_list("seq", "action", "payload"))
    assert events[events_before:] == [(events_before + 1 + i, "permit", {"kind": kind, "number": f"A{i}",
                                                                       "issued_on": "2023-06-01"})
                                      for i, kind in enumerate(Permit.Kind.values)]
    assert list(audit.verify(ParcelEvent)) == []


def test_dossier_lookup_and_map_click(people, grid_layer):
    (parcel,) = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)))
    assert selectors.parcel_by_code(actor=people.leader, code=parcel.unit_code) == parcel
    assert selectors.parcel_by_code(actor=people.leader, code=parcel.parcel_code) == parcel
    assert selectors.parcel_by_code(actor=people.outsider, code=parcel.parcel_code) is None
    assert selectors.parcel_at(actor=people.land_officer, lon=113.515, lat=34.795) == parcel
    assert selectors.parcel_at(actor=people.land_officer, lon=113.525, lat=34.795) is None


def test_split_into_parts_that_cover_it(people, grid_layer):
    (parcel,) = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)))
    before = list(Parcel.objects.values_list("parcel_code", "status"))
    with pytest.raises(ApplicationError) as err:  # leaves a gap and pokes outside
        services.parcel_split(actor=people.land_officer, parcel=parcel,
                              parts=[row(2, box(113.51, 34.79, 113.515, 34.80)),
                                     row(3, box(113.515, 34.79, 113.521, 34.799))])
    assert err.value.extra["problems"] == ["410171001002GB00003W00000000：超出原宗地 410171001002GB00001 的范围",
                                           err.value.extra["problems"][1]]
    assert err.value.extra["problems"][1].startswith("分割后的宗地未覆盖原宗地，缺 ")
    assert list(Parcel.objects.values_list("parcel_code", "status")) == before
    a, b = services.parcel_split(actor=people.land_officer, parcel=parcel,
                                 parts=[row(2, box(113.51, 34.79, 113.515, 34.80)),
                                        row(3, box(113.515, 34.79, 113.52, 34.80))])
    parcel.refresh_from_db()
    assert parcel.status == Parcel.Status.RETIRED
    assert list(a.parents.all()) == [parcel]
    assert parcel.events.latest("seq").payload == {"parcels": [a.parcel_code, b.parcel_code]}
    assert list(audit.verify(ParcelEvent)) == []


def test_merge_adjacent_parcels_of_one_use(people, grid_layer):
    a, b = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)), row(2, box(113.52, 34.79, 113.53, 34.80)))
    (far,) = register(people, row(3, box(113.55, 34.79, 113.56, 34.80)))
    with pytest.raises(ApplicationError) as err:
        services.parcel_merge(actor=people.land_officer, parcels=[a, far], unit_code=code(9), name="合并")
    assert err.value.code == "not_adjacent"
    merged = services.parcel_merge(actor=people.land_officer, parcels=[a, b], unit_code=code(9), name="合并宗地")
    assert merged.area_m2 == pytest.approx(a.area_m2 + b.area_m2, abs=0.05)
    assert set(merged.parents.all()) == {a, b}
    assert set(Parcel.objects.filter(status=Parcel.Status.RETIRED).values_list("pk", flat=True)) == {a.pk, b.pk}
    services.supply_record(actor=people.land_officer, parcel=merged, contract_no="C9",
                           contract_date=dt.date(2023, 3, 1), method="auction", price=100)
    with pytest.raises(ApplicationError) as err:
        services.parcel_split(actor=people.land_officer, parcel=merged,
                              parts=[row(10, box(113.51, 34.79, 113.52, 34.80)),
                                     row(11, box(113.52, 34.79, 113.53, 34.80))])
    assert err.value.code == "already_supplied"


def test_agreement_checked_at_completion_names_the_shortfalls(people, grid_layer):
    from gaoxin.land.models import AgreementCheck

    (parcel,) = register(people, row(1, box(113.51, 34.79, 113.52, 34.80)))
    supply = services.supply_record(actor=people.land_officer, parcel=parcel, contract_no="C1",
                                    contract_date=dt.date(2023, 3, 1), method="auction", price=1000,
                                    is_standard=True, indicators={"floor_area_ratio": "1.5",
                                                                  "investment_intensity": "300",
                                                                  "output_per_mu": "500", "tax_per_mu": "30"})
    actual = {"floor_area_ratio": "1.6", "investment_intensity": "300", "output_per_mu": "450", "tax_per_mu": "35"}
    check = services.agreement_check(actor=people.land_officer, supply=supply, occasion="completion", year=2024,
                                     actuals=actual)
    assert check.passed is False
    assert check.shortfalls == [{"indicator": "output_per_mu", "label": "亩均产出", "agreed": "500.00",
                                 "actual": "450.00"}]
    with pytest.raises(ApplicationError) as err:
        services.agreement_check(actor=people.land_officer, supply=supply, occasion="annual", year=2025,
                                 actuals={**actual, "tax_per_mu": ""})
    assert err.value.field == "tax_per_mu"
    assert AgreementCheck.objects.count() == 1
    ok = services.agreement_check(actor=people.land_officer, supply=supply, occasion="annual", year=2025,
                                  actuals={**actual, "output_per_mu": "520"})
    assert ok.passed is True
    assert parcel.events.latest("seq").payload["passed"] is True

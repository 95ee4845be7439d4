"""Registering fund managers, funds and assets under management: the values stored exactly (fen), every bad
input named by its field, duplicates refused, and refused actions changing nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.finance import services
from gaoxin.finance.models import AumRecord, Fund, FundManager
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db


def _snapshot():
    return (list(FundManager.objects.values()), list(Fund.objects.values()), list(AumRecord.objects.values()))


def _manager(world, n=1, settled_on="2023-03-01"):
    return services.manager_register(actor=world.officer, name=f"郑州测试创投{n}", credit_code=code(n),
                                     amac_number=f"P100000{n}", settled_on=settled_on)


def test_a_manager_its_fund_and_its_assets_are_stored_exactly(world, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        manager = services.manager_register(actor=world.officer, name=" 郑州测试创投 ", credit_code=code(1).lower(),
                                            amac_number="p1000001", settled_on="2023-03-01")
        fund = services.fund_register(actor=world.officer, manager=manager, name="测试一号", size_wan="12345.678901",
                                      stage="venture", currency="CNY", vintage="2023")
        aum = services.aum_record(actor=world.officer, manager=manager, as_of=dt.date(2023, 12, 31),
                                  amount_wan="1,000.5", source="季度报送")
    assert (manager.name, manager.credit_code, manager.amac_number, manager.settled_on) == (
        "郑州测试创投", code(1), "P1000001", dt.date(2023, 3, 1))
    assert (fund.size_fen, fund.stage, fund.vintage) == (12_345_678_901, "venture", 2023)
    assert (aum.amount_fen, aum.as_of, aum.created_by) == (1_000_500_000, dt.date(2023, 12, 31), world.officer)


@pytest.mark.parametrize(("changes", "field", "error_code"), [
    ({"name": " "}, "name", "required"),
    ({"credit_code": "91410100MA23000X"}, "credit_code", "credit_code_length"),
    ({"amac_number": "P12345"}, "amac_number", "invalid_amac_number"),
    ({"amac_number": "Q1234567"}, "amac_number", "invalid_amac_number"),
    ({"settled_on": "2023/03/01"}, "settled_on", "invalid_date"),
    ({"settled_on": "2024-01-01"}, "settled_on", "date_in_future"),
])
def test_bad_manager_input_is_named_and_changes_nothing(world, frozen_now, changes, field, error_code):
    values = {"name": "郑州测试创投", "credit_code": code(1), "amac_number": "P1000001", "settled_on": "2023-03-01"}
    before = _snapshot()
    with frozen_now(2023, 12, 31, 17), pytest.raises(ApplicationError) as err:
        services.manager_register(actor=world.officer, **{**values, **changes})
    assert (err.value.field, err.value.code) == (field, error_code)
    assert _snapshot() == before


def test_duplicates_are_refused(world, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        manager = _manager(world)
        with pytest.raises(Conflict) as err:
            services.manager_register(actor=world.officer, name="另一家", credit_code=code(1), amac_number="P1000002",
                                      settled_on="2023-03-01")
        assert (err.value.field, err.value.code) == ("credit_code", "manager_exists")
        with pytest.raises(Conflict) as err:
            services.manager_register(actor=world.officer, name="另一家", credit_code=code(2), amac_number="P1000001",
                                      settled_on="2023-03-01")
        assert (err.value.field, err.value.code) == ("amac_number", "amac_number_taken")
        services.aum_record(actor=world.officer, manager=manager, as_of="2023-06-30", amount_wan="100", source="报送")
        before = _snapshot()
        with pytest.raises(Conflict) as err:
            services.aum_record(actor=world.officer, manager=manager, as_of="2023-06-30", amount_wan="200",
                                source="报送")
        assert (err.value.field, err.value.code) == ("as_of", "aum_exists")
        assert _snapshot() == before


@pytest.mark.parametrize(("changes", "field", "error_code"), [
    ({"size_wan": "0"}, "size", "invalid_amount"),
    ({"size_wan": "-5"}, "size", "invalid_amount"),
    ({"size_wan": "1.0000001"}, "size", "invalid_amount"),
    ({"size_wan": "一百"}, "size", "invalid_amount"),
    ({"size_wan": "NaN"}, "size", "invalid_amount"),
    ({"stage": "seed"}, "stage", "invalid_choice"),
    ({"currency": "EUR"}, "currency", "invalid_choice"),
    ({"vintage": "2024"}, "vintage", "invalid_year"),
    ({"vintage": "1989"}, "vintage", "invalid_year"),
])
def test_bad_fund_input_is_named_and_changes_nothing(world, frozen_now, changes, field, error_code):
    with frozen_now(2023, 12, 31, 17):
        manager = _manager(world)
        before = _snapshot()
        values = {"name": "测试一号", "size_wan": "100", "stage": "venture", "currency": "CNY", "vintage": "2023"}
        with pytest.raises(ApplicationError) as err:
            services.fund_register(actor=world.officer, manager=manager, **{**values, **changes})
    assert (err.value.field, err.value.code) == (field, error_code)
    assert _snapshot() == before


def test_assets_cannot_predate_the_settling_nor_lie_in_the_future(world, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        manager = _manager(world)
        before = _snapshot()
        for as_of, error_code in (("2023-02-28", "before_settled"), ("2024-01-01", "date_in_future")):
            with pytest.raises(ApplicationError) as err:
                services.aum_record(actor=world.officer, manager=manager, as_of=as_of, amount_wan="1", source="报送")
            assert (err.value.field, err.value.code) == ("as_of", error_code)
        assert _snapshot() == before


def test_only_the_finance_office_registers(world, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        manager = _manager(world)
        before = _snapshot()
        for actor in (world.cadre, world.leader, world.other):
            with pytest.raises(PermissionDenied) as err:
                services.manager_register(actor=actor, name="某机构", credit_code=code(2), amac_number="P1000002",
                                          settled_on="2023-03-01")
            assert err.value.code == "finance_officer_only"
            with pytest.raises(PermissionDenied):
                services.aum_record(actor=actor, manager=manager, as_of="2023-06-30", amount_wan="1", source="报送")
        assert _snapshot() == before

"""Differential test: the bulk path of many registered technology contracts (the simulated year) writes what
``contract_submit`` then ``contract_register`` write contract by contract — the same rows, numbers, certificates,
events and hashes. Each path writes the same contracts in a savepoint rolled back afterwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction

from gaoxin.core import audit, clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.innovation import bulk, services
from gaoxin.innovation.models import ContractEvent, TechContract

pytestmark = pytest.mark.django_db

CONTRACT_FIELDS = [f.attname for f in TechContract._meta.concrete_fields if f.attname != "id"]
EVENT_FIELDS = ["seq", "actor_id", "at", "note", "payload", "prev_hash", "hash", "action"]


def at(y: int, m: int, d: int, h: int) -> dt.datetime:
    return dt.datetime(y, m, d, h, tzinfo=SHANGHAI)


ROWS = [  # kind, amount, signed, submitted, registered (the last one in the next year: its own certificates)
    ("development", "120.5", dt.date(2023, 3, 1), at(2023, 3, 3, 10), at(2023, 3, 10, 15), "102.42"),
    ("transfer", "80", dt.date(2023, 6, 1), at(2023, 6, 5, 9), at(2023, 8, 30, 15), "68"),  # past the 30 days
    ("consulting", "15", dt.date(2023, 12, 1), at(2023, 12, 20, 11), at(2024, 1, 8, 10), "12.75"),
]


def _written() -> list[tuple]:
    contracts = TechContract.objects.order_by("number")
    assert list(audit.verify(ContractEvent, contracts)) == []
    number = CONTRACT_FIELDS.index("number")
    return [(row, list(ContractEvent.objects.filter(contract__number=row[number]).order_by("seq")
                       .values_list(*EVENT_FIELDS))) for row in contracts.values_list(*CONTRACT_FIELDS)]


def _write(world, path: str) -> list[tuple]:
    with transaction.atomic():
        if path == "services":
            for kind, amount, signed, submitted, registered, income in ROWS:
                with clock.frozen(submitted):
                    contract = services.contract_submit(
                        actor=world.officer, kind=kind, title=f"{kind}合同", seller=world.institution.name,
                        seller_institution=world.institution, buyer=world.enterprise.name,
                        buyer_enterprise=world.enterprise, amount=amount, signed_on=signed)
                with clock.frozen(registered):
                    services.contract_register(actor=world.officer, contract=contract, classification="电子信息",
                                               tech_income=income)
        else:
            rows = []
            for kind, amount, signed, submitted, registered, income in ROWS:
                checked = services.contract_checked(kind=kind, title=f"{kind}合同", seller=world.institution.name,
                                                    buyer=world.enterprise.name, amount=amount, signed_on=signed,
                                                    now=submitted)
                rows.append(bulk.RegisteredContract(
                    checked=checked, signed_on=signed, submitted_at=submitted, registered_at=registered,
                    classification="电子信息", tech_income=Decimal(income), seller_institution=world.institution,
                    buyer_enterprise=world.enterprise))
            bulk.contracts_registered_many(actor=world.officer, rows=rows)
        out = _written()
        transaction.set_rollback(True)
    return out


def test_bulk_contracts_write_what_the_services_write(world):
    with clock.frozen(at(2023, 2, 1, 9)):  # one earlier contract on record: the numbers go on after it
        services.contract_submit(actor=world.officer, kind="service", title="服务合同", seller="甲", buyer="乙",
                                 amount="5", signed_on=dt.date(2023, 1, 20))
    one_by_one = _write(world, "services")
    in_bulk = _write(world, "bulk")
    assert in_bulk == one_by_one
    number, certificate = CONTRACT_FIELDS.index("number"), CONTRACT_FIELDS.index("certificate_no")
    assert [(c[number], c[certificate]) for c, _ in in_bulk] == [
        ("HT2023000001", None), ("HT2023000002", "4101712023000001K"), ("HT2023000003", "4101712023000002Z"),
        ("HT2023000004", "4101712024000001Z1")]
    assert [len(events) for _, events in in_bulk] == [1, 2, 2, 2]
    assert [e[-1] for e in in_bulk[2][1]] == ["submit", "register"]
    assert in_bulk[2][1][1][4] == {"certificate_no": "4101712023000002Z", "overdue": True}

"""F063 and F064 from the records: the managers settled in the year, and their assets at its end — each one's
last record on or before 31 December, a later record and an earlier manager not counted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.finance import metrics, services
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db


def test_new_managers_and_their_assets_at_the_year_end(world, frozen_now):
    with frozen_now(2024, 3, 31, 17):
        def manager(n, settled_on, records):
            m = services.manager_register(actor=world.officer, name=f"机构{n}", credit_code=code(n),
                                          amac_number=f"P100000{n}", settled_on=settled_on)
            for as_of, amount in records:
                services.aum_record(actor=world.officer, manager=m, as_of=as_of, amount_wan=amount, source="报送")
            return m

        first = manager(1, "2023-02-01", [("2023-06-30", "10000"), ("2023-12-31", "25000.5"),
                                         ("2024-03-31", "99999")])
        second = manager(2, "2023-12-31", [("2023-12-31", "1234.000001")])
        third = manager(3, "2023-05-01", [])  # settled, no assets reported yet
        manager(4, "2022-12-31", [("2023-12-31", "50000")])  # settled the year before
        manager(5, "2024-01-01", [("2024-03-31", "700")])  # settled the year after
    managers = metrics.new_managers(actor=world.leader, start=dt.date(2023, 1, 1), end=dt.date(2024, 1, 1))
    assert list(managers) == [first, third, second]
    # 25,000.5万 + 1,234.000001万 = 26,234.500001万 = 2.6234500001亿
    assert metrics.aum_yi(managers) == Decimal("2.6234500001")
    assert metrics.new_managers(actor=world.other, start=dt.date(2023, 1, 1), end=dt.date(2024, 1, 1)).count() == 0

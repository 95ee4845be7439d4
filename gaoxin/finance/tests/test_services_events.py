"""Capital events and financing: an event with its attending enterprises; financing attributed to an event only
when the enterprise attended and the money came within a year after it; F065 and F071 from the records; refusals
named by their field and changing nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.enterprises import reference as enterprise_reference
from gaoxin.enterprises import services as enterprise_services
from gaoxin.finance import metrics, selectors, services
from gaoxin.finance.models import CapitalEvent, FinancingDeal
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db
YEAR = {"start": dt.date(2023, 1, 1), "end": dt.date(2024, 1, 1)}


def _snapshot():
    return (list(CapitalEvent.objects.values()), list(FinancingDeal.objects.values()),
            list(CapitalEvent.enterprises.through.objects.values()))


@pytest.fixture
def event(world, frozen_now):
    """A 资本力量1+6 roadshow on 2023-04-10 attended by enterprise 1; enterprise 2 did not attend."""
    with frozen_now(2023, 4, 10, 9):
        enterprise_reference.reference_data_ensure()
        for n in (1, 2):
            enterprise_services.enterprise_create(actor=world.admin, credit_code=code(n), name=f"郑州示例{n}号公司",
                                                  size="small")
        made = services.event_create(actor=world.officer, title="资本力量1+6·传感器专场", series="资本力量1+6",
                                     kind="roadshow", held_on="2023-04-10", location="科技金融广场",
                                     investors="启明创投\n\n 郑州银行 \n")
        services.event_attend(actor=world.officer, event=made, enterprise_code=code(1))
    return made


def test_financing_attributed_to_an_event_counts_towards_both_figures(world, event, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        services.deal_record(actor=world.officer, enterprise_code=code(1), kind="equity", investor="启明创投",
                             amount_wan="3000", closed_on="2023-08-01", event=event)
        services.deal_record(actor=world.officer, enterprise_code=code(1), kind="debt", investor="郑州银行",
                             amount_wan="1500.5", closed_on="2023-04-10", event=event)
        services.deal_record(actor=world.officer, enterprise_code=code(2), kind="equity", investor="某天使",
                             amount_wan="500", closed_on="2023-02-01")
        services.deal_record(actor=world.officer, enterprise_code=code(2), kind="equity", investor="某天使",
                             amount_wan="700", closed_on="2022-12-31")
    assert event.investor_names() == ["启明创投", "郑州银行"]
    equity = metrics.equity_deals(actor=world.leader, **YEAR)
    at_events = metrics.event_deals(actor=world.leader, **YEAR)
    assert selectors.deal_total(equity) == 3_500 * 10**6
    assert selectors.deal_total(at_events) == 4_500_500_000
    row = selectors.event_get(actor=world.leader, pk=event.pk)
    assert row is not None
    assert (selectors.annotated(row, "n_enterprises"), selectors.annotated(row, "deals_fen")) == (1, 4_500_500_000)


@pytest.mark.parametrize(("attempt", "field", "error_code"), [
    ({"enterprise_code": code(2)}, "event", "not_attending"),
    ({"closed_on": "2023-04-09"}, "event", "outside_attribution"),
    ({"closed_on": "2024-04-10"}, "event", "outside_attribution"),
    ({"enterprise_code": code(9)}, "enterprise_code", "unknown_enterprise"),
    ({"kind": "grant"}, "kind", "invalid_choice"),
    ({"amount_wan": "-1"}, "amount", "invalid_amount"),
    ({"investor": ""}, "investor", "required"),
])
def test_bad_attributions_are_refused_and_change_nothing(world, event, frozen_now, attempt, field, error_code):
    before = _snapshot()
    values = {"enterprise_code": code(1), "kind": "equity", "investor": "启明创投", "amount_wan": "100",
              "closed_on": "2023-05-01", **attempt}
    with frozen_now(2024, 6, 1, 9), pytest.raises(ApplicationError) as caught:
        services.deal_record(actor=world.officer, event=event, **values)
    assert (caught.value.field, caught.value.code) == (field, error_code)
    assert _snapshot() == before


def test_the_last_day_of_the_attribution_is_accepted(world, event, frozen_now):
    with frozen_now(2024, 6, 1, 9):
        deal = services.deal_record(actor=world.officer, enterprise_code=code(1), kind="debt", investor="郑州银行",
                                    amount_wan="1", closed_on="2024-04-09", event=event)
    assert deal.closed_on - event.held_on == dt.timedelta(days=services.ATTRIBUTION_DAYS)


def test_attending_twice_duplicates_and_outsiders_are_refused(world, event, frozen_now):
    before = _snapshot()
    with frozen_now(2023, 5, 1, 9):
        with pytest.raises(Conflict) as twice:
            services.event_attend(actor=world.officer, event=event, enterprise_code=code(1))
        with pytest.raises(Conflict) as duplicate:
            services.event_create(actor=world.officer, title="资本力量1+6·传感器专场", series="", kind="roadshow",
                                  held_on="2023-04-10", location="x")
        with pytest.raises(PermissionDenied):
            services.event_attend(actor=world.leader, event=event, enterprise_code=code(2))
    assert (twice.value.code, duplicate.value.code) == ("already_attending", "event_exists")
    assert _snapshot() == before
    assert selectors.event_list(actor=world.other).count() == 0

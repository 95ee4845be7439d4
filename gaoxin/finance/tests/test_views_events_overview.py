"""The capital-event, financing and overview pages per role: the officer registers an event, its attendance and the
financing attributed to it (a deal of an enterprise that did not attend named on the form, nothing saved); the
leader reads the financing ledger and the overview of the money raised by channel, month and chain; others are
refused."""

from __future__ import annotations

import pytest

from gaoxin.enterprises import reference as enterprise_reference
from gaoxin.enterprises import services as enterprise_services
from gaoxin.finance import services
from gaoxin.finance.models import CapitalEvent, FinancingDeal
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprises(world, frozen_now):
    with frozen_now(2023, 1, 5, 9):
        enterprise_reference.reference_data_ensure()
        return [enterprise_services.enterprise_create(actor=world.admin, credit_code=code(n), name=f"郑州示例{n}号公司",
                                                      size="small", chains=["sensor"] if n == 1 else [])
                for n in (1, 2)]


def test_officer_registers_an_event_its_attendance_and_the_financing_it_brought(client, world, enterprises,
                                                                                frozen_now):
    client.force_login(world.officer)
    with frozen_now(2023, 12, 31, 17):
        response = client.post("/finance/events/", {"title": "资本力量1+6·传感器专场", "series": "资本力量1+6",
                                                    "kind": "roadshow", "held_on": "2023-04-10",
                                                    "location": "科技金融广场", "investors": "启明创投\n郑州银行"})
        event = CapitalEvent.objects.get()
        assert response["Location"] == f"/finance/events/{event.pk}/"
        url = f"/finance/events/{event.pk}/"
        client.post(url, {"action": "attend", "enterprise_code": code(1)})
        refused = client.post(url, {"action": "deal", "enterprise_code": code(2), "kind": "equity",
                                    "investor": "启明创投", "amount": "3000", "closed_on": "2023-08-01"})
        client.post(url, {"action": "deal", "enterprise_code": code(1), "kind": "equity", "investor": "启明创投",
                          "amount": "3000", "closed_on": "2023-08-01"})
        page = client.get(url).content.decode()
    assert refused.status_code == 400
    assert "对接活动：该企业未参加此活动，融资不能归入" in refused.content.decode()
    assert FinancingDeal.objects.get().enterprise == enterprises[0]
    assert 'id="event-deals-total">3,000.00<' in page


def test_leader_reads_the_ledger_and_the_overview_others_are_refused(client, world, enterprises, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        event = services.event_create(actor=world.officer, title="资本力量1+6·银企对接会", series="资本力量1+6",
                                      kind="bank", held_on="2023-03-01", location="x")
        services.event_attend(actor=world.officer, event=event, enterprise_code=code(1))
        services.deal_record(actor=world.officer, enterprise_code=code(1), kind="debt", investor="郑州银行",
                             amount_wan="2000", closed_on="2023-03-20", event=event)
        services.deal_record(actor=world.officer, enterprise_code=code(2), kind="equity", investor="启明创投",
                             amount_wan="500", closed_on="2023-07-02")
        loan = services.loan_apply(actor=world.officer, kind="individual", applicant_name="张三",
                                   id_number="11010519491231002X", phone="13812345678", project="便利店",
                                   requested_wan="10", applied_on="2023-05-01")
        services.loan_decide(actor=world.officer, loan=loan, approve=True, decided_on="2023-05-03")
        services.loan_grant(actor=world.officer, loan=loan, bank="郑州银行", amount_wan="10", granted_on="2023-07-15",
                            term_months="36", rate_pct="3.95", jobs_created="2")
    client.force_login(world.leader)
    with frozen_now(2024, 1, 5, 9):
        ledger = client.get("/finance/deals/?year=2023&series=资本力量1%2B6").content.decode()
        overview = client.get("/finance/overview/").content.decode()
    assert 'id="deals-count">1<' in ledger
    assert 'id="deals-total">2,000.00<' in ledger
    assert "2023 年融资总览" in overview  # opens on the last year with records
    assert [f'id="overview-{c}">{v}<' in overview for c, v in (
        ("debt", "2,000.00"), ("equity", "500.00"), ("startup_loans", "10.00"), ("total", "2,510.00"))] == [True] * 4
    chain_row = '<td>智能传感器</td><td class="num">0.00</td><td class="num">0.00</td><td class="num">2,000.00</td>'
    assert chain_row in overview
    assert 'id="overview-data"' in overview
    client.force_login(world.other)
    assert [client.get(u).status_code for u in ("/finance/events/", "/finance/deals/", "/finance/overview/")] == [
        403, 403, 403]

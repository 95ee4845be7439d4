"""The financing platform's pages per role: the enterprise posts a demand (its consent named when missing) and
reads the proposals with their reasons; the bank's staff answer on their desk and record the loan; the officer
certifies, registers products and follows up; the leader reads the chain's measures; others are refused."""

from __future__ import annotations

import pytest

from gaoxin.accounts.roles import Role
from gaoxin.enterprises import reference as enterprise_reference
from gaoxin.enterprises import services as enterprise_services
from gaoxin.finance import services
from gaoxin.finance.models import Bank, FinancingDemand, FollowUp, LoanProduct
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world, make_user, frozen_now):
    with frozen_now(2023, 1, 3, 9):
        enterprise_reference.reference_data_ensure()
        enterprise = enterprise_services.enterprise_create(actor=world.admin, credit_code=code(1), name="示例科技",
                                                           size="small")
        owner = make_user(Role.ENTERPRISE, None, username="ent")
        enterprise_services.enterprise_user_link(actor=world.admin, user=owner, enterprise=enterprise)
        staff = make_user(Role.ENTERPRISE, None, username="bank")
    return {"owner": owner, "staff": staff}


def test_the_whole_chain_through_the_pages(client, world, people, frozen_now):
    client.force_login(world.officer)
    with frozen_now(2023, 3, 1, 9):
        client.post("/finance/banks/", {"action": "bank", "name": "郑州银行"})
        bank = Bank.objects.get()
        services.bank_staff_add(actor=world.officer, bank=bank, user=people["staff"])
        client.post("/finance/banks/", {"action": "product", "bank": str(bank.pk), "name": "科创贷",
                                        "rate_min_pct": "3.45", "rate_max_pct": "4.35", "amount_min": "10",
                                        "amount_max": "1000", "term_max_months": "36", "sizes": ["small", "micro"]})
        client.post("/finance/certifications/", {"action": "grant", "enterprise_code": code(1),
                                                 "certified_on": "2023-03-01"})
    assert LoanProduct.objects.get().rules == {"sizes": ["micro", "small"]}

    client.force_login(people["owner"])
    with frozen_now(2023, 3, 6, 10):
        refused = client.post("/finance/demands/", {"amount": "300", "term_months": "12", "purpose": "采购原材料",
                                                    "collateral": "none"})
        response = client.post("/finance/demands/", {"amount": "300", "term_months": "12", "purpose": "采购原材料",
                                                     "collateral": "none", "consent": "1"})
        demand = FinancingDemand.objects.get()
        page = client.get(f"/finance/demands/{demand.pk}/").content.decode()
    assert refused.status_code == 400
    assert "征信授权：请阅读并同意授权银行查询企业征信" in refused.content.decode()
    assert response["Location"] == f"/finance/demands/{demand.pk}/"
    assert ["✓ 企业规模：小型" in page, 'id="demand-withdraw"' in page] == [True, True]

    client.force_login(people["staff"])
    with frozen_now(2023, 3, 7, 10):
        desk = client.get("/finance/bank/").content.decode()
        proposal = demand.proposals.get()
        url = f"/finance/demands/{demand.pk}/"
        client.post(url, {"action": "interested", "proposal": str(proposal.pk)})
        client.post(url, {"action": "grant", "proposal": str(proposal.pk), "amount": "300",
                          "granted_on": "2023-03-07"})
    assert 'id="pending-count">1<' in desk
    assert FinancingDemand.objects.get().status == "granted"

    client.force_login(world.officer)
    with frozen_now(2023, 3, 20, 10):
        client.post(f"/finance/demands/{demand.pk}/", {"action": "follow_up", "visited_on": "2023-03-20",
                                                        "satisfied": "1", "note": "企业满意"})
    assert FollowUp.objects.get().satisfied is True

    client.force_login(world.leader)
    with frozen_now(2024, 1, 5, 9):
        listing = client.get("/finance/demands/?granted_year=2023").content.decode()
        certified = client.get("/finance/certifications/?year=2023&first=1").content.decode()
    assert 'id="demands-granted-total">300.00<' in listing
    assert 'id="stats-match-to-loan">100.0%<' in listing
    assert 'id="certifications-count">1<' in certified


def test_others_are_refused_and_an_enterprise_sees_only_its_own(client, world, people, make_user, frozen_now):
    client.force_login(world.other)
    assert [client.get(u).status_code for u in ("/finance/demands/", "/finance/bank/", "/finance/certifications/",
                                                "/finance/banks/")] == [403, 403, 403, 403]
    client.force_login(people["owner"])
    assert [client.get(u).status_code for u in ("/finance/demands/", "/finance/bank/", "/finance/certifications/",
                                                "/finance/banks/")] == [200, 403, 403, 403]
    page = client.get("/finance/demands/").content.decode()
    assert 'id="not-certified"' in page  # not certified yet: no form

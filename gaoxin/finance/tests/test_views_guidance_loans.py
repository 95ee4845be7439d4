"""The guidance-fund and startup-loan pages per role: the 财政金融局 officer keeps the ledgers through the forms (a
bad form names its field, keeps the input and changes nothing); the leader reads the dashboard, the investments and
the loans with the borrowers masked, and exports them; others are refused."""

from __future__ import annotations

import io

import openpyxl
import pytest

from gaoxin.finance import services
from gaoxin.finance.models import Commitment, GuidanceFund, Investment, PaidIn, StartupLoan

pytestmark = pytest.mark.django_db

PERSON = "11010519491231002X"


def _sheet(content: bytes, title: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [tuple(row) for row in book[title].iter_rows(values_only=True)]


def test_officer_sets_up_a_fund_commits_pays_in_and_invests(client, world, frozen_now):
    client.force_login(world.officer)
    with frozen_now(2023, 12, 31, 17):
        response = client.post("/finance/guidance/", {"name": "测试母基金", "parent": "", "manager": "",
                                                      "established_on": "2023-01-10", "term_years": "15",
                                                      "reinvest_pct": "50"})
        fund = GuidanceFund.objects.get()
        assert response["Location"] == f"/finance/guidance/{fund.pk}/"
        url = f"/finance/guidance/{fund.pk}/"
        client.post(url, {"action": "commitment", "source": "zone", "investor": "郑州高新区财政局", "amount": "10000",
                          "committed_on": "2023-01-10"})
        commitment = Commitment.objects.get()
        client.post(url, {"action": "paid_in", "commitment": str(commitment.pk), "amount": "4000",
                          "paid_on": "2023-02-01"})
        client.post(url, {"action": "investment", "target": "某区内项目", "in_zone": "1", "round": "a",
                          "amount": "1500", "invested_on": "2023-05-01"})
        page = client.get(url).content.decode()
        dashboard = client.get("/finance/guidance/?established_year=2023").content.decode()
    assert (PaidIn.objects.get().amount_fen, Investment.objects.get().in_zone) == (4_000_000_000, True)
    assert 'id="fund-paid-in">4,000.00<' in page
    assert 'id="fund-in-zone">1,500.00，完成 30.0%<' in page  # 1,500 of 50 % × 10,000 万
    assert 'id="guidance-own-total">10,000.00<' in dashboard
    assert 'id="guidance-data"' in dashboard


def test_a_bad_investment_names_the_field_and_changes_nothing(client, world, frozen_now):
    client.force_login(world.officer)
    with frozen_now(2023, 12, 31, 17):
        fund = services.guidance_fund_register(actor=world.officer, name="测试基金", parent=None, manager=None,
                                               established_on="2023-01-10", term_years="10", reinvest_pct="50")
        response = client.post(f"/finance/guidance/{fund.pk}/", {
            "action": "investment", "target": "某项目", "round": "a", "amount": "1", "invested_on": "2023-05-01"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "投资金额：超过基金可投资金（实缴未投 0 万元）" in page
    assert 'value="某项目"' in page
    assert Investment.objects.count() == 0


def test_officer_takes_a_loan_from_application_to_grant(client, world, frozen_now):
    client.force_login(world.officer)
    with frozen_now(2023, 12, 31, 17):
        response = client.post("/finance/loans/", {"kind": "individual", "applicant_name": "张三",
                                                   "id_number": PERSON, "phone": "13812345678",
                                                   "project": "社区便利店", "requested": "20",
                                                   "applied_on": "2023-03-01"})
        loan = StartupLoan.objects.get()
        assert response["Location"] == f"/finance/loans/{loan.pk}/"
        url = f"/finance/loans/{loan.pk}/"
        client.post(url, {"action": "approve", "decided_on": "2023-03-08"})
        bad = client.post(url, {"action": "grant", "bank": "郑州银行", "amount": "20", "granted_on": "2023-03-20",
                                "term_months": "37", "rate_pct": "4.35", "jobs_created": "4"})
        client.post(url, {"action": "grant", "bank": "郑州银行", "amount": "20", "granted_on": "2023-03-20",
                          "term_months": "36", "rate_pct": "4.35", "jobs_created": "4"})
        page = client.get(url).content.decode()
    assert bad.status_code == 400
    assert "贷款期限：应为 1–36 个月" in bad.content.decode()
    assert 'id="loan-applicant">张三<' in page
    assert f'id="loan-id-number">{PERSON}<' in page
    assert 'id="loan-subsidy">1.58<' in page
    assert 'id="loan-repayment"' in page


def test_leader_sees_borrowers_masked_in_pages_and_export_others_are_refused(client, world, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        loan = services.loan_apply(actor=world.officer, kind="individual", applicant_name="张三", id_number=PERSON,
                                   phone="13812345678", project="社区便利店", requested_wan="20",
                                   applied_on="2023-03-01")
        services.loan_decide(actor=world.officer, loan=loan, approve=True, decided_on="2023-03-08")
        services.loan_grant(actor=world.officer, loan=loan, bank="郑州银行", amount_wan="15", granted_on="2023-03-20",
                            term_months="24", rate_pct="3.95", jobs_created="3")
    client.force_login(world.leader)
    with frozen_now(2024, 1, 5, 9):
        listing = client.get("/finance/loans/?granted_year=2023").content.decode()
        detail = client.get(f"/finance/loans/{loan.pk}/").content.decode()
        export = client.get("/finance/loans/?granted_year=2023&export=xlsx")
        posted = client.post(f"/finance/loans/{loan.pk}/", {"action": "repayment", "status": "repaid",
                                                           "on": "2024-01-02"})
    assert 'id="loans-granted-total">15.00<' in listing
    assert 'id="loans-jobs-total">3<' in listing
    assert [text in listing + detail for text in ("张三", PERSON, "13812345678")] == [False, False, False]
    assert 'id="loan-id-number">110105********002X<' in detail
    assert ['id="loan-decide"' in detail, 'id="loan-repayment"' in detail] == [False, False]
    rows = _sheet(export.content, "创业担保贷款")
    assert rows[1][:4] == ("CD2023000001", "个人创业", "张*", "110105********002X")
    assert posted.status_code == 403
    assert StartupLoan.objects.get().status == "granted"
    client.force_login(world.other)
    assert [client.get(u).status_code for u in ("/finance/loans/", "/finance/guidance/",
                                                "/finance/guidance/investments/")] == [403, 403, 403]

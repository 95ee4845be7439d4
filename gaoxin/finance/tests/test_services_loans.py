"""Startup guarantee loans: an application checked (ID number, credit code, phone, the kind's limit), the guarantee
decision, the grant with its subsidy computed to the fen, the repayment's moves; refusals named by their field and
changing nothing; personal data in clear for the finance officers only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.finance import metrics, selectors, services
from gaoxin.finance.models import StartupLoan
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db

PERSON = "11010519491231002X"  # the check character of GB 11643's example


def _snapshot():
    return list(StartupLoan.objects.order_by("pk").values())


def _apply(world, **overrides):
    fields = {"kind": "individual", "applicant_name": "张三", "id_number": PERSON, "phone": "13812345678",
              "project": "社区便利店", "requested_wan": "20", "applied_on": "2023-03-01", **overrides}
    return services.loan_apply(actor=world.officer, **fields)


def _granted(world, frozen_now, **grant):
    with frozen_now(2023, 12, 31, 17):
        loan = _apply(world)
        services.loan_decide(actor=world.officer, loan=loan, approve=True, decided_on="2023-03-08")
        values = {"bank": "郑州银行高新区支行", "amount_wan": "20", "granted_on": "2023-03-20", "term_months": "36",
                  "rate_pct": "4.35", "jobs_created": "4", **grant}
        return services.loan_grant(actor=world.officer, loan=loan, **values)


def test_a_loan_from_application_to_repayment(world, frozen_now):
    loan = _granted(world, frozen_now)
    # 200,000 元 at min(4.35 %, 3.95 %) for 3 years = 23,700 元 of interest; two thirds subsidised = 15,800 元.
    assert (loan.number, loan.status, loan.granted_fen, loan.subsidy_fen, loan.jobs_created) == (
        "CD2023000001", "granted", 20_000_000, 1_580_000, 4)
    with frozen_now(2023, 12, 31, 17):
        services.loan_repayment(actor=world.officer, loan=loan, status="overdue", on="2023-09-20")
        services.loan_repayment(actor=world.officer, loan=loan, status="compensated", on="2023-12-20")
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on) == ("compensated", dt.date(2023, 12, 20))
    year = metrics.loans_granted(actor=world.leader, start=dt.date(2023, 1, 1), end=dt.date(2024, 1, 1))
    assert selectors.loan_totals(year) == {"granted": 20_000_000, "subsidy": 1_580_000, "jobs": 4}


def test_the_subsidy_is_rounded_half_up_to_the_fen():
    # 123,456.78 元 at 3.65 % for 17 months: 12,345,678 × 3.65 / 100 = 450,617.247 fen a year; × 17 / 12 =
    # 638,374.433…; two thirds = 425,582.955… fen, rounded to 425,583.
    assert services.subsidy_fen(amount_fen=12_345_678, rate_pct=Decimal("3.65"), term_months=17) == 425_583
    # 200,000 元 at 3.95 % (the cap) for 12 months: 790,000 fen × 2 / 3 = 526,666.67 → 526,667.
    assert services.subsidy_fen(amount_fen=20_000_000, rate_pct=Decimal("3.95"), term_months=12) == 526_667


def test_a_business_borrows_by_its_credit_code_up_to_its_own_limit(world, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        loan = _apply(world, kind="business", applicant_name="郑州某科技有限公司", id_number=PERSON,
                      credit_code=code(5), requested_wan="300")
    assert (loan.kind, loan.id_number, loan.credit_code, loan.requested_fen) == ("business", "", code(5), 3 * 10**8)


@pytest.mark.parametrize(("overrides", "field", "error_code"), [
    ({"id_number": "110105194912310021"}, "id_number", "invalid_id_number"),
    ({"kind": "business", "credit_code": "91410100MA23000"}, "credit_code", "credit_code_length"),
    ({"phone": "12345"}, "phone", "invalid_phone"),
    ({"requested_wan": "20.01"}, "requested", "over_limit"),
    ({"requested_wan": "0"}, "requested", "invalid_amount"),
    ({"applied_on": "2024-01-01"}, "applied_on", "date_in_future"),
    ({"kind": "partnership"}, "kind", "invalid_choice"),
    ({"applicant_name": " "}, "applicant_name", "required"),
])
def test_bad_applications_are_refused_by_field(world, frozen_now, overrides, field, error_code):
    with frozen_now(2023, 12, 31, 17), pytest.raises(ApplicationError) as caught:
        _apply(world, **overrides)
    assert (caught.value.field, caught.value.code) == (field, error_code)
    assert _snapshot() == []


@pytest.mark.parametrize(("grant", "field", "error_code"), [
    ({"amount_wan": "20.01"}, "amount", "over_requested"),
    ({"term_months": "37"}, "term_months", "invalid_term"),
    ({"rate_pct": "4.355"}, "rate_pct", "invalid_number"),
    ({"jobs_created": "0"}, "jobs_created", "invalid_jobs"),
    ({"granted_on": "2023-03-07"}, "granted_on", "before_decided"),
    ({"bank": ""}, "bank", "required"),
])
def test_bad_grants_are_refused_and_change_nothing(world, frozen_now, grant, field, error_code):
    with frozen_now(2023, 12, 31, 17):
        loan = _apply(world)
        services.loan_decide(actor=world.officer, loan=loan, approve=True, decided_on="2023-03-08")
        before = _snapshot()
        values = {"bank": "郑州银行", "amount_wan": "20", "granted_on": "2023-03-20", "term_months": "36",
                  "rate_pct": "4.35", "jobs_created": "4", **grant}
        with pytest.raises(ApplicationError) as caught:
            services.loan_grant(actor=world.officer, loan=loan, **values)
    assert (caught.value.field, caught.value.code) == (field, error_code)
    assert _snapshot() == before


def test_moves_out_of_turn_are_conflicts(world, frozen_now):
    loan = _granted(world, frozen_now)
    before = _snapshot()
    with frozen_now(2023, 12, 31, 17):
        with pytest.raises(Conflict) as compensated:  # only an overdue loan is compensated
            services.loan_repayment(actor=world.officer, loan=loan, status="compensated", on="2023-12-01")
        with pytest.raises(Conflict) as decided:
            services.loan_decide(actor=world.officer, loan=loan, approve=False, decided_on="2023-12-01",
                                 reason="x")
        with pytest.raises(Conflict) as again:  # one open loan per person
            _apply(world, applied_on="2023-12-01")
    assert [e.value.code for e in (compensated, decided, again)] == ["invalid_move", "invalid_state", "loan_open"]
    assert _snapshot() == before


def test_a_refusal_needs_its_reason_and_frees_the_applicant(world, frozen_now):
    with frozen_now(2023, 12, 31, 17):
        loan = _apply(world)
        with pytest.raises(ApplicationError) as caught:
            services.loan_decide(actor=world.officer, loan=loan, approve=False, decided_on="2023-03-05")
        assert caught.value.field == "reason"
        services.loan_decide(actor=world.officer, loan=loan, approve=False, decided_on="2023-03-05",
                             reason="征信记录不良")
        second = _apply(world, applied_on="2023-06-01")
    assert (StartupLoan.objects.get(pk=loan.pk).status, second.number) == ("refused", "CD2023000002")


def test_personal_data_is_masked_for_all_but_the_officers(world, frozen_now):
    loan = _granted(world, frozen_now)
    assert selectors.borrower_of(loan, actor=world.officer) == selectors.Borrower("张三", PERSON, "13812345678")
    assert selectors.borrower_of(loan, actor=world.leader) == selectors.Borrower("张*", "110105********002X",
                                                                                "138****5678")
    assert selectors.loan_list(actor=world.leader, filters=selectors.LoanFilters(q="张三")).count() == 0
    assert selectors.loan_list(actor=world.officer, filters=selectors.LoanFilters(q="张三")).count() == 1
    assert selectors.loan_list(actor=world.other).count() == 0


def test_only_the_finance_office_handles_loans(world, frozen_now):
    for actor in (world.cadre, world.leader, world.other):
        with frozen_now(2023, 12, 31, 17), pytest.raises(PermissionDenied):
            services.loan_apply(actor=actor, kind="individual", applicant_name="张三", id_number=PERSON,
                                phone="13812345678", project="x", requested_wan="1", applied_on="2023-03-01")
    assert _snapshot() == []

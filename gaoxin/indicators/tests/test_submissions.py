"""The submission workflow: who may do what, refused actions change nothing, approved values are locked, and
every change is logged append-only."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from gaoxin.core import audit
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.indicators import services
from gaoxin.indicators.figures import figure_values, system_actor
from gaoxin.indicators.models import Submission, SubmissionEvent

from .conftest import approved, indicator


def snapshot():
    return (list(Submission.objects.order_by("pk").values()), SubmissionEvent.objects.count())


def evidence(o, sub):
    return services.submission_evidence_add(actor=o.officer, submission=sub, file=ContentFile(b"scan"), name="a.pdf")


def test_draft_submit_approve_and_the_report_uses_only_the_approved_value(officers):
    o = officers
    sub = services.submission_save(actor=o.officer, indicator=indicator("F011"), period=2023, value="434.6")
    assert sub.status == "draft"
    assert sub.org_unit.code == "GX"
    assert sub.value == Decimal("434.6")
    evidence(o, sub)
    sub = services.submission_submit(actor=o.officer, submission=sub)
    assert figure_values(actor=system_actor(), year=2023, refs=["F011"])["F011"].missing
    sub = services.submission_approve(actor=o.approver, submission=sub)
    assert (sub.status, sub.approved_by) == ("approved", o.approver)
    f = figure_values(actor=system_actor(), year=2023, refs=["F011"])["F011"]
    assert f.display == "434.6亿元"
    assert f.provenance["approved_by"] == "赵领导"
    assert f.provenance["evidence"][0]["name"] == "a.pdf"
    assert f.url == "/indicators/F011/?year=2023"
    assert f.provenance["url"] == f"/indicators/submissions/{sub.pk}/"
    assert list(sub.events.values_list("action", "from_status", "to_status")) == [
        ("create", "", "draft"), ("evidence", "draft", "draft"), ("submit", "draft", "submitted"),
        ("approve", "submitted", "approved")]


def test_return_with_reason_then_resubmit(officers):
    o = officers
    sub = services.submission_save(actor=o.officer, indicator=indicator("F013"), period=2023, value=57)
    evidence(o, sub)
    sub = services.submission_submit(actor=o.officer, submission=sub)
    with pytest.raises(ApplicationError) as exc:
        services.submission_return(actor=o.approver, submission=sub, reason="  ")
    assert exc.value.field == "reason"
    sub = services.submission_return(actor=o.approver, submission=sub, reason="与台账不符，应为58个")
    assert sub.status == "returned"
    assert sub.return_reason == "与台账不符，应为58个"
    sub = services.submission_save(actor=o.officer, indicator=indicator("F013"), period=2023, value=58)
    assert sub.status == "draft"
    sub = services.submission_submit(actor=o.officer, submission=sub)
    sub = services.submission_approve(actor=o.approver, submission=sub)
    last = sub.events.order_by("-pk").first()
    assert last is not None
    assert sub.value == 58
    assert last.action == "approve"
    assert sub.events.filter(action="edit", value_before=57, value_after=58).exists()


@pytest.mark.parametrize("case", ["citizen", "other_department", "computed_indicator", "bad_value", "too_precise",
                                  "bad_period"])
def test_refused_saves_change_nothing(officers, case):
    o = officers
    before = snapshot()
    period: int | str
    actor, ref, value, period = o.officer, "F011", "1", 2023
    if case == "citizen":
        actor = o.citizen
    elif case == "other_department":
        actor = o.officer_science
    elif case == "computed_indicator":
        ref = "F025"
    elif case == "bad_value":
        value = "四百"
    elif case == "too_precise":
        value = "1.00001"
    elif case == "bad_period":
        period = "23"
    with pytest.raises(ApplicationError) as exc:
        services.submission_save(actor=actor, indicator=indicator(ref), period=period, value=value)
    expected = {"citizen": None, "other_department": "indicator", "computed_indicator": "indicator",
                "bad_value": "value", "too_precise": "value", "bad_period": "period"}[case]
    assert exc.value.field == expected
    assert snapshot() == before


def test_refused_workflow_actions_change_nothing(officers):
    o = officers
    sub = services.submission_save(actor=o.officer, indicator=indicator("F012"), period=2023, value="348.2")
    before = snapshot()
    with pytest.raises(ApplicationError) as exc:  # no evidence yet
        services.submission_submit(actor=o.officer, submission=sub)
    assert exc.value.code == "evidence_required"
    with pytest.raises(Conflict):  # a draft cannot be approved
        services.submission_approve(actor=o.approver, submission=sub)
    assert snapshot() == before
    evidence(o, sub)
    sub = services.submission_submit(actor=o.officer, submission=sub)
    before = snapshot()
    with pytest.raises(PermissionDenied):  # a data officer cannot approve
        services.submission_approve(actor=o.officer_science, submission=sub)
    with pytest.raises(Conflict):  # submitted: not editable
        services.submission_save(actor=o.officer, indicator=indicator("F012"), period=2023, value="1")
    assert snapshot() == before


def test_no_one_approves_their_own_submission(officers):
    o = officers
    sub = services.submission_save(actor=o.admin, indicator=indicator("F057"), period=2023, value=36)
    services.submission_evidence_add(actor=o.admin, submission=sub, file=ContentFile(b"x"), name="p.pdf")
    sub = services.submission_submit(actor=o.admin, submission=sub)
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.submission_approve(actor=o.admin, submission=sub)
    assert exc.value.code == "approval_self"
    assert snapshot() == before


def test_approved_values_are_locked(officers):
    o = officers
    sub = approved(o, "F011", "434.6")
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.submission_save(actor=o.officer, indicator=indicator("F011"), period=2023, value="500")
    assert exc.value.code == "submission_locked"
    with pytest.raises(Conflict):
        services.submission_evidence_add(actor=o.officer, submission=sub, file=ContentFile(b"y"), name="b.pdf")
    with pytest.raises(Conflict):
        services.submission_return(actor=o.approver, submission=sub, reason="改")
    with pytest.raises(Conflict):
        services.submission_approve(actor=o.admin, submission=sub)
    assert snapshot() == before


def test_the_log_is_append_only(officers):
    sub = approved(officers, "F011", "434.6")
    event = sub.events.first()
    assert event is not None
    event.note = "篡改"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
    with pytest.raises(RuntimeError):
        SubmissionEvent.objects.filter(submission=sub).update(note="篡改")
    with pytest.raises(RuntimeError):
        SubmissionEvent.objects.filter(submission=sub).delete()
    assert not SubmissionEvent.objects.filter(note="篡改").exists()


def test_simulated_submissions_cover_every_submitted_indicator_once(officers):
    real = approved(officers, "F011", "400")
    created = services.simulated_submissions_ensure(year=2023)
    submitted_refs = set(services.Indicator.objects.filter(source="submitted").values_list("ref", flat=True))
    assert created == len(submitted_refs) - 1
    assert services.simulated_submissions_ensure(year=2023) == 0
    real.refresh_from_db()
    assert real.value == 400
    assert not real.is_simulated
    sims = Submission.objects.filter(is_simulated=True, status="approved", period="2023")
    assert set(sims.values_list("indicator__ref", flat=True)) == submitted_refs - {"F011"}
    assert sims.get(indicator__ref="F058").value == Decimal("2.3")
    f = figure_values(actor=system_actor(), year=2023, refs=["F026", "F100"])
    assert f["F100"].value == 2
    assert f["F100"].provenance["inputs"][1]["is_synthetic"] is True


def test_the_log_is_a_hash_chain_that_finds_tampering(officers):
    """Every change of a submission is a link of its core.audit history: in order, each covering the one before,
    the head kept on the submission; editing a stored value in the database is found."""
    sub = approved(officers, "F011", "434.6")
    sub.refresh_from_db()
    events = list(sub.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert sub.event_count == len(events)
    assert sub.audit_head == events[-1].hash
    assert list(audit.verify(SubmissionEvent)) == []
    with connection.cursor() as cursor:  # behind the model's back, as an attacker with database access would
        cursor.execute(f"UPDATE {SubmissionEvent._meta.db_table} SET value_after = 999 WHERE id = %s",  # noqa: S608
                       [events[-1].pk])
    broken = list(audit.verify(SubmissionEvent))
    assert [(b.subject, b.event_id) for b in broken] == [(str(sub.pk), events[-1].pk)]
    assert broken[0].reason == "事件内容与哈希不符（事件被改动）"


def test_an_approved_value_is_revised_with_a_reason_and_reviewed_again(officers):
    o = officers
    sub = approved(o, "F011", "434.6")
    before = snapshot()
    with pytest.raises(ApplicationError) as exc:
        services.submission_revise(actor=o.officer, submission=sub, value="440", reason=" ")
    assert exc.value.field == "reason"
    with pytest.raises(PermissionDenied):
        services.submission_revise(actor=o.officer_science, submission=sub, value="440", reason="统计口径更正")
    assert snapshot() == before
    assert services.submission_actions(actor=o.officer, submission=sub) == ["revise", "withdraw"]
    assert services.submission_actions(actor=o.approver, submission=sub) == []
    sub = services.submission_revise(actor=o.officer, submission=sub, value="440", reason="统计口径更正")
    assert (sub.status, sub.value, sub.approved_by) == ("submitted", Decimal("440"), None)
    assert figure_values(actor=system_actor(), year=2023, refs=["F011"])["F011"].missing  # until approved again
    assert services.submission_actions(actor=o.approver, submission=sub) == ["approve", "return"]
    assert services.submission_actions(actor=o.officer, submission=sub) == ["withdraw"]  # no approving one's own
    sub = services.submission_approve(actor=o.approver, submission=sub)
    assert figure_values(actor=system_actor(), year=2023, refs=["F011"])["F011"].value == Decimal("440")
    revise = sub.events.get(action="revise")
    assert (revise.from_status, revise.to_status, revise.value_before, revise.value_after, revise.note) == (
        "approved", "submitted", Decimal("434.6"), Decimal("440"), "统计口径更正")
    assert list(audit.verify(SubmissionEvent, Submission.objects.filter(pk=sub.pk))) == []


def test_a_value_is_withdrawn_with_a_reason_and_entered_anew(officers):
    o = officers
    sub = approved(o, "F011", "434.6")
    before = snapshot()
    with pytest.raises(ApplicationError):
        services.submission_withdraw(actor=o.officer, submission=sub, reason="")
    assert snapshot() == before
    sub = services.submission_withdraw(actor=o.officer, submission=sub, reason="数据来源有误")
    assert sub.status == "withdrawn"
    assert figure_values(actor=system_actor(), year=2023, refs=["F011"])["F011"].missing
    with pytest.raises(Conflict):
        services.submission_withdraw(actor=o.officer, submission=sub, reason="再撤一次")
    sub = services.submission_save(actor=o.officer, indicator=indicator("F011"), period=2023, value="430")
    assert (sub.status, sub.value) == ("draft", Decimal("430"))
    assert list(sub.events.values_list("action", flat=True))[-2:] == ["withdraw", "edit"]


def test_a_real_submission_supersedes_the_simulated_one(officers):
    o = officers
    services.simulated_submissions_ensure(year=2023)
    simulated = Submission.objects.get(indicator__ref="F011", period="2023")
    assert simulated.is_simulated
    assert services.submission_actions(actor=o.officer, submission=simulated) == ["supersede"]
    assert "approve" not in services.submission_actions(actor=o.officer, submission=simulated)
    sub = services.submission_save(actor=o.officer, indicator=indicator("F011"), period=2023, value="430.2")
    assert sub.pk == simulated.pk
    assert (sub.is_simulated, sub.status, sub.created_by, sub.approved_by) == (False, "draft", o.officer, None)
    event = sub.events.get(action="supersede")
    assert (event.value_before, event.value_after) == (Decimal("434.6"), Decimal("430.2"))
    assert figure_values(actor=system_actor(), year=2023, refs=["F011"])["F011"].missing
    evidence(o, sub)
    services.submission_submit(actor=o.officer, submission=sub)
    sub = services.submission_approve(actor=o.approver, submission=sub)
    figure = figure_values(actor=system_actor(), year=2023, refs=["F011"])["F011"]
    assert (figure.value, figure.simulated) == (Decimal("430.2"), False)

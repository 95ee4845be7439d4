from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.core import audit, clock
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.ledgers import selectors, services
from gaoxin.ledgers.definition import markdown_to_xlsx
from gaoxin.ledgers.models import Ledger, LedgerEntry, LedgerEntryEvent, LedgerReminder, LedgerVersion
from gaoxin.ledgers.tests.conftest import FORM, at, good

pytestmark = pytest.mark.django_db


def snapshot():
    return (list(Ledger.objects.values_list("pk", "current_version_id")),
            list(LedgerVersion.objects.values_list("pk", "status")),
            list(LedgerEntry.objects.values_list("pk", "state", "values", "revision")),
            LedgerEntryEvent.objects.count())


def test_only_designers_import_and_a_refusal_writes_nothing(env):
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.ledger_definition_import(actor=env.reviewer, source=markdown_to_xlsx(FORM))
    with pytest.raises(ApplicationError) as exc:
        services.ledger_definition_import(actor=env.admin,
                                          source=markdown_to_xlsx(FORM.replace("GX-S02 |", "GX-S99 |")))
    assert (exc.value.field, exc.value.message) == ("file", "settings 表 gx_fillers：机构编码不存在：GX-S99")
    assert snapshot() == before


def test_fill_submit_approve_locks_and_is_audited(env):
    with clock.frozen(at(2023, 4, 8)):
        entry = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                      period_start=dt.date(2023, 1, 1), values=good(), submit=True)
    assert (entry.state, entry.period_end, entry.due_date, entry.is_late) == (
        "submitted", dt.date(2023, 4, 1), dt.date(2023, 4, 10), False)
    assert entry.values == {"project": "P001", "planned": 120, "delivered": 100, "loan": 123450, "deed": "yes",
                            "delivered_on": "2023-03-20"}
    with pytest.raises(PermissionDenied):
        services.entry_approve(actor=env.filler_b, entry=entry)
    with clock.frozen(at(2023, 4, 9)):
        services.entry_approve(actor=env.reviewer, entry=entry)
    entry.refresh_from_db()
    assert entry.state == "approved"
    before = snapshot()
    with pytest.raises(Conflict) as exc:
        services.entry_update(actor=env.filler_a, entry=entry, values=good(delivered="90"))
    assert exc.value.message == "条目当前状态为“已通过”，不能保存"
    assert snapshot() == before
    assert list(entry.events.values_list("action", "from_state", "to_state")) == [
        ("create", "", "draft"), ("submit", "draft", "submitted"), ("approve", "submitted", "approved")]
    assert list(audit.verify(LedgerEntryEvent)) == []


def test_units_fill_only_their_own(env):
    before = snapshot()
    with pytest.raises(PermissionDenied) as exc:
        services.entry_create(actor=env.filler_b, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                              period_start=dt.date(2023, 1, 1), values=good())
    assert exc.value.message == "石佛办事处不是您可以填报的保交楼测试台账填报单位"
    with pytest.raises(ApplicationError) as bad:
        services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                              period_start=dt.date(2023, 1, 1), values=good(delivered="130"), submit=True)
    assert (bad.value.field, bad.value.message) == ("delivered", "已交付套数（套）：应不大于“应交付套数”")
    with pytest.raises(ApplicationError) as period:
        services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                              period_start=dt.date(2023, 2, 1), values=good())
    assert (period.value.field, period.value.message) == ("period", "统计期应从 2023-01-01 开始")
    assert snapshot() == before


def test_return_with_reason_then_resubmit_late(env):
    with clock.frozen(at(2023, 4, 12)):
        entry = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                      period_start=dt.date(2023, 1, 1), values=good(), submit=True)
    assert entry.is_late
    before = snapshot()
    with pytest.raises(ApplicationError) as exc:
        services.entry_return(actor=env.reviewer, entry=entry, reason="  ")
    assert (exc.value.field, exc.value.message) == ("reason", "原因：不能为空")
    assert snapshot() == before
    services.entry_return(actor=env.reviewer, entry=entry, reason="交付套数与佐证不符")
    entry.refresh_from_db()
    assert (entry.state, entry.reason) == ("returned", "交付套数与佐证不符")
    services.entry_update(actor=env.filler_a, entry=entry, values=good(delivered="95"), submit=True)
    entry.refresh_from_db()
    assert (entry.state, entry.values["delivered"], entry.submitted_at) == ("submitted", 95, at(2023, 4, 12))
    assert [e.action for e in entry.events.all()] == ["create", "submit", "return", "save", "submit"]
    assert entry.events.get(action="return").note == "交付套数与佐证不符"


def test_revision_is_a_new_entry_that_replaces_the_approved_one(env):
    entry = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                  period_start=dt.date(2023, 1, 1), values=good(), submit=True)
    services.entry_approve(actor=env.reviewer, entry=entry)
    with pytest.raises(ApplicationError) as exc:
        services.entry_revise(actor=env.filler_a, entry=entry, values=good(delivered="110"), reason="")
    assert exc.value.field == "reason"
    revision = services.entry_revise(actor=env.filler_a, entry=entry, values=good(delivered="110"),
                                     reason="补录三月交付")
    assert (revision.revision, revision.revises_id, revision.state, revision.reason) == (1, entry.pk, "submitted",
                                                                                        "补录三月交付")
    entry.refresh_from_db()
    assert entry.state == "approved"  # counts until the revision is approved
    with pytest.raises(Conflict):
        services.entry_revise(actor=env.filler_a, entry=entry, values=good(), reason="再改")
    services.entry_approve(actor=env.reviewer, entry=revision)
    entry.refresh_from_db()
    assert entry.state == "superseded"
    assert list(entry.events.values_list("action", flat=True)) == ["create", "submit", "approve", "supersede"]
    assert list(audit.verify(LedgerEntryEvent)) == []


def test_a_new_version_does_not_change_old_entries(env):
    old = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                period_start=dt.date(2023, 1, 1), values=good(), submit=True)
    # Version 2: the project code rule changes and a required field is added.
    v2_form = FORM.replace("'^P[0-9]{3}$'", "'^BJL[0-9]{3}$'").replace(
        "| | date | delivered_on |",
        "| | integer | households | 回迁户数 | yes | . >= 0 |  |  | 户 |\n| | date | delivered_on |")
    v2 = services.ledger_definition_import(actor=env.admin, source=markdown_to_xlsx(v2_form))
    assert (v2.number, v2.status) == (2, "draft")
    services.ledger_version_publish(actor=env.admin, version=v2)
    env.ledger.refresh_from_db()
    old.refresh_from_db()
    assert (env.ledger.current_version_id, old.version_id, old.values["project"]) == (v2.pk, env.version.pk, "P001")
    services.entry_approve(actor=env.reviewer, entry=old)  # still valid under the version it was filled in
    with pytest.raises(ApplicationError) as exc:
        services.entry_create(actor=env.filler_b, ledger=env.ledger, org_unit=env.filler_b.org_unit,
                              period_start=dt.date(2023, 1, 1), values=good(), submit=True)
    assert exc.value.field == "households"
    new = services.entry_create(actor=env.filler_b, ledger=env.ledger, org_unit=env.filler_b.org_unit,
                                period_start=dt.date(2023, 1, 1), values=good(project="BJL001", households=3),
                                submit=True)
    assert new.version_id == v2.pk
    with pytest.raises(Conflict):
        services.ledger_version_publish(actor=env.admin, version=v2)


def test_late_reports_are_reminded_once_and_answered_by_a_submission(env):
    with clock.frozen(at(2023, 7, 11)):  # Q1 due 04-10 and Q2 due 07-10 are both past
        assert services.ledger_reminders_queue(year=2023) == 4  # two streets × two quarters
        assert services.ledger_reminders_queue(year=2023) == 0  # the message id makes it once
    assert sorted(LedgerReminder.objects.values_list("message_id", flat=True)) == [
        "housing:GX-S01:2023-01-01", "housing:GX-S01:2023-04-01", "housing:GX-S02:2023-01-01",
        "housing:GX-S02:2023-04-01"]
    assert LedgerReminder.objects.get(message_id="housing:GX-S01:2023-01-01").text == (
        "请尽快报送保交楼测试台账（2023Q1），截止日期 2023-04-10 已过")
    with clock.frozen(at(2023, 7, 12)):
        services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                              period_start=dt.date(2023, 1, 1), values=good(), submit=True)
        assert services.ledger_reminders_queue(year=2023) == 0
    assert list(selectors.my_reminders(actor=env.filler_a).values_list("message_id", flat=True)) == [
        "housing:GX-S01:2023-04-01"]
    assert selectors.my_reminders(actor=env.reviewer).count() == 0


def test_required_evidence_must_be_attached_before_submitting(env):
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = FORM.replace("| | date | delivered_on |",
                        "| | file | proof | 交付证明 | yes |  |  |  |  |\n| | date | delivered_on |")
    v2 = services.ledger_definition_import(actor=env.admin, source=markdown_to_xlsx(form))
    services.ledger_version_publish(actor=env.admin, version=v2)
    draft = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                  period_start=dt.date(2023, 1, 1), values=good())
    with pytest.raises(ApplicationError) as exc:
        services.entry_submit(actor=env.filler_a, entry=draft)
    assert (exc.value.field, exc.value.message) == ("attachments", "交付证明：必须上传附件")
    draft.refresh_from_db()
    assert draft.state == "draft"
    with pytest.raises(ApplicationError) as wrong:
        services.entry_attach(actor=env.filler_a, entry=draft, field="photo",
                              file=SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
    assert wrong.value.field == "field"
    services.entry_attach(actor=env.filler_a, entry=draft, field="proof", file=SimpleUploadedFile("a.pdf", b"%PDF"))
    services.entry_submit(actor=env.filler_a, entry=draft)
    draft.refresh_from_db()
    assert (draft.state, draft.attachments.get().name) == ("submitted", "a.pdf")
    with pytest.raises(Conflict):  # no evidence added once submitted
        services.entry_attach(actor=env.filler_a, entry=draft, field="proof",
                              file=SimpleUploadedFile("b.pdf", b"x"))
    assert list(draft.events.values_list("action", flat=True)) == ["create", "save", "submit"]


def test_every_entry_history_verifies_with_the_audit_command(env):
    from io import StringIO

    from django.core.management import call_command
    from django.db import connection

    entry = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                  period_start=dt.date(2023, 1, 1), values=good(), submit=True)
    services.entry_approve(actor=env.reviewer, entry=entry)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert LedgerEntryEvent in audit.histories()
    assert list(audit.verify(LedgerEntryEvent)) == []
    with connection.cursor() as cursor:  # tamper with the approval behind the model's back
        cursor.execute("UPDATE ledgers_ledgerentryevent SET to_state = 'returned' WHERE seq = 3")
    third = LedgerEntryEvent.objects.get(entry=entry, seq=3)
    assert [(b.subject, b.event_id) for b in audit.verify(LedgerEntryEvent)] == [(str(entry.pk), third.pk)]


def test_a_deed_links_cases_the_unit_may_see(env, people):
    from gaoxin.cases.models import Case, Channel
    from gaoxin.cases.tests.conftest import report

    with clock.frozen(at(2023, 3, 1)):
        case = report(people.worker_west, channel=Channel.GRID_WORKER)
    form = FORM.replace("| | date | delivered_on |",
                        "| | text | cases | 关联案件 | no |  |  | case |  |\n| | date | delivered_on |")
    services.ledger_version_publish(actor=env.admin, version=services.ledger_definition_import(
        actor=env.admin, source=markdown_to_xlsx(form)))
    before = snapshot()
    with pytest.raises(ApplicationError) as exc:
        services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                              period_start=dt.date(2023, 1, 1), values=good(cases=f"{case.number}、GX-NONE"))
    assert (exc.value.field, exc.value.message) == (
        "cases", f"关联案件：案件不存在（或不在您的管辖范围内）：{case.number}、GX-NONE")  # not assigned to S01
    assert snapshot() == before
    Case.objects.filter(pk=case.pk).update(assignee=env.filler_a.org_unit)
    entry = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                  period_start=dt.date(2023, 1, 1), values=good(cases=f" {case.number} "))
    assert entry.values["cases"] == case.number

"""Which case changes send a text message, to whom, saying what. Called by the case engine and its satellites
(instructions, field checks) for every event they write, inside their transaction (``GAOXIN_CASE_EFFECTS``), so a
message is queued exactly when the change commits.

- 派遣 (dispatch): the handlers of the unit the case goes to, with the case number and the deadline;
- 领导批示 (an instruction issued): the handlers of the instructed unit;
- 核实任务 (a field check sent): the grid worker sent, with the address and the time limit;
- 核查通过 (closed) / 不予立案 (not accepted): the reporter of a public or enterprise report, at the phone they
  gave (12345 orders are answered by the city platform, through the 12345 link, not by text from the zone);
  reports merged into a closed case are answered too.

People without a phone number on record get no message; the pages show the change to them as before."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.cases.models import Case, CaseEvent, CaseInstructionEvent, Channel, FieldCheckEvent
from gaoxin.cases.selectors import case_answer
from gaoxin.core import clock
from gaoxin.notify import conf
from gaoxin.notify.models import SmsMessage

REPORTER_CHANNELS = frozenset({Channel.PUBLIC_WEB, Channel.OPEN311, Channel.ENTERPRISE_VISIT, Channel.RECEPTION_DAY})
EXCERPT = 30


def case_event_recorded(*, case: Case, event: Model) -> None:
    if isinstance(event, CaseEvent):
        _case_event(case, event)
    elif isinstance(event, CaseInstructionEvent) and event.action == "issue":
        instruction = event.instruction
        leader = instruction.created_by
        text = (f"{leader.display_name or leader.username}对案件{case.number}作出批示："
                f"{_sentence(instruction.text)}请登录平台查看并确认。")
        sms_enqueue(kind=SmsMessage.Kind.INSTRUCTED, case=case, event=event, text=text,
                    recipients=_handlers(instruction.unit_id))
    elif isinstance(event, FieldCheckEvent) and event.action == "send":
        check = event.field_check
        text = (f"请于{_moment(check.due_at)}前到现场核实案件{case.number}（{_excerpt(case.address, 20)}），"
                f"并在手机端反馈核实结果。")
        sms_enqueue(kind=SmsMessage.Kind.FIELD_CHECK, case=case, event=event, text=text, recipients=[check.worker])


def _case_event(case: Case, event: CaseEvent) -> None:
    if event.action == "dispatch" and case.assignee_id is not None:
        unit = case.assignee
        assert unit is not None
        deadline = f"，请于{_moment(case.deadline)}前办结" if case.deadline else ""
        text = f"案件{case.number}（{case.category.name}）已派遣至{unit.name}{deadline}。请登录平台签收。"
        sms_enqueue(kind=SmsMessage.Kind.DISPATCHED, case=case, event=event, text=text, recipients=_handlers(unit.pk))
    elif event.action == "verify_pass":
        result = case_answer(case_id=case.pk) or "已办结"
        for reported in [case, *Case.objects.filter(merged_into_id=case.pk)]:
            text = f"您反映的问题（编号{reported.number}）已办结：{_sentence(result)}可凭编号查询办理结果并评价。"
            _tell_reporter(reported, kind=SmsMessage.Kind.CLOSED, event=event, text=text)
    elif event.action == "reject":
        text = f"您反映的问题（编号{case.number}）不予立案，原因：{_sentence(event.note)}"
        _tell_reporter(case, kind=SmsMessage.Kind.REJECTED, event=event, text=text)


def _tell_reporter(case: Case, *, kind: str, event: Model, text: str) -> None:
    if case.channel in REPORTER_CHANNELS and case.reporter_phone:
        sms_enqueue(kind=kind, case=case, event=event, text=text, phones=[(case.reporter_phone, case.reporter_user)])


def _handlers(unit_id: int | None) -> list[User]:
    return list(User.objects.filter(org_unit_id=unit_id, role=Role.HANDLER, is_active=True).exclude(phone="")
                .order_by("pk"))


def sms_enqueue(*, kind: str, case: Case | None, event: Model, text: str, recipients: Iterable[User] = (),
                phones: Iterable[tuple[str, User | None]] = ()) -> list[SmsMessage]:
    """Queue ``text`` to each recipient with a phone (and to each bare phone number), in the caller's transaction.
    The message id names the event and the number, so the same event never texts the same number twice."""
    targets = [(user.phone, user) for user in recipients if user.phone] + list(phones)
    now = clock.now()
    sign = conf.signature()
    messages = []
    seen: set[str] = set()
    for phone, user in targets:
        if phone in seen:
            continue
        seen.add(phone)
        message_id = f"{event._meta.model_name}-{event.pk}-{phone}"
        payload: dict[str, Any] = {"message_id": message_id, "phone": phone, "sign": sign, "text": text}
        messages.append(SmsMessage(message_id=message_id, kind=kind, phone=phone, recipient=user, case=case,
                                   text=text, payload=payload, next_attempt_at=now, created_at=now))
    SmsMessage.objects.bulk_create(messages, ignore_conflicts=True)
    return messages


def _excerpt(text: str, length: int = EXCERPT) -> str:
    text = " ".join((text or "").split())
    return text[:length] + "…" if len(text) > length else text


def _sentence(text: str) -> str:
    text = _excerpt(text)
    return text if not text or text.endswith(("。", "！", "？", "…")) else text + "。"


def _moment(at: Any) -> str:
    return timezone.localtime(at).strftime("%m月%d日%H:%M")

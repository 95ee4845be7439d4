"""Writes of the talent system: programs (as data), applications by enterprises, review and approval within the
program's working-day limits (Chinese working calendar), and the audited reveal of an applicant's personal data.

Who: enterprise users apply for their own enterprise; 人社局 talent officers (staff of GX-D13) and admins review,
decide and reveal; leaders read."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import ZONE_WIDE_ROLES, Role
from gaoxin.core import audit, clock
from gaoxin.core.calendar import SHANGHAI, add_working_time
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.core.validation import refuse_control_characters
from gaoxin.enterprises.models import Enterprise
from gaoxin.enterprises.scope import own_enterprise_id
from gaoxin.talent.models import ApplicationEvent, TalentApplication, TalentProgram

OFFICE_UNIT = "GX-D13"  # 人力资源和社会保障局
OFFICER_ROLES = frozenset({Role.HANDLER, Role.DATA_OFFICER, Role.SERVICE_CADRE})

# The programs, as data: (code, name, kind, issuer, review days, approval days, subsidy 万元).
PROGRAMS: list[tuple[str, str, str, str, int, int, str]] = [
    ("urgent_talent", "郑州市重点产业急需紧缺人才", "person", "郑州市人才工作领导小组办公室", 10, 15, "10"),
    ("innovation_team", "郑州市创新创业团队", "team", "郑州市科技局", 15, 20, "200"),
    ("youth_talent", "青年人才来区留区就业创业", "youth", "高新区人力资源和社会保障局", 5, 5, "0.5"),
    ("high_end_talent", "高新区高层次人才认定", "person", "高新区人才工作领导小组", 10, 15, "30"),
]

ID_NUMBER = re.compile(r"^\d{17}[\dX]$")
PHONE = re.compile(r"^1\d{10}$")


def is_officer(actor: User) -> bool:
    if not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser or actor.role == Role.ADMIN:
        return True
    return actor.role in OFFICER_ROLES and actor.org_unit is not None and actor.org_unit.code == OFFICE_UNIT


def is_reader(actor: User) -> bool:
    return is_officer(actor) or (actor.is_authenticated and actor.role in ZONE_WIDE_ROLES)


def _require_officer(actor: User) -> None:
    if not is_officer(actor):
        raise PermissionDenied("只有人社局人才工作人员可以执行此操作", code="talent_officer_only")


def programs_ensure() -> int:
    """Write the programs of ``PROGRAMS`` that do not exist yet (idempotent). Returns how many were created."""
    created = 0
    for order, (code, name, kind, issuer, review, approve, subsidy) in enumerate(PROGRAMS, start=1):
        _, made = TalentProgram.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "issuer": issuer, "review_days": review, "approve_days": approve,
            "subsidy": Decimal(subsidy), "sort_order": order})
        created += made
    return created


def id_number_valid(value: str) -> bool:
    """GB 11643-1999: 17 digits and a check character (ISO 7064 MOD 11-2)."""
    if not ID_NUMBER.match(value):
        return False
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(value[:17], weights, strict=True))
    return "10X98765432"[total % 11] == value[17]


def mask_id_number(value: str) -> str:
    return f"{value[:3]}***********{value[-4:]}" if len(value) == 18 else ("***" if value else "")


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if len(value) == 11 else ("***" if value else "")


def mask_name(value: str) -> str:
    return f"{value[0]}{'*' * (len(value) - 1)}" if value else ""


def next_sequence(year: int) -> int:
    """The next free sequence of the year's application numbers ``RC{year}{000001…}`` (the last read locked)."""
    stem = f"RC{year}"
    last = (TalentApplication.objects.select_for_update().filter(number__startswith=stem)
            .order_by("-number").values_list("number", flat=True).first())
    return int(last[len(stem):]) + 1 if last else 1


def _next_number(year: int) -> str:
    return f"RC{year}{next_sequence(year):06d}"


@transaction.atomic
def application_submit(*, actor: User, program: TalentProgram, enterprise: Enterprise, person_name: str,
                       id_number: str = "", phone: str = "", team_name: str = "", team_size: int = 1,
                       degree: str = "", position: str = "", is_synthetic: bool = False) -> TalentApplication:
    """An enterprise applies for a person (or a team, led by ``person_name``) under ``program``."""
    if not (is_officer(actor) or (actor.role == Role.ENTERPRISE and own_enterprise_id(actor) == enterprise.pk)):
        raise PermissionDenied("只能为本企业申报人才", field="enterprise", code="talent_enterprise_scope")
    values = applicant_checked(program=program, person_name=person_name, id_number=id_number, phone=phone,
                               team_name=team_name, team_size=team_size, degree=degree, position=position)
    now = clock.now()
    application = TalentApplication.objects.create(
        number=_next_number(now.astimezone(SHANGHAI).year), program=program, enterprise=enterprise,
        submitted_at=now, review_due=add_working_time(now, program.review_days, "day"), submitted_by=actor,
        is_synthetic=is_synthetic, **values)
    audit.append(ApplicationEvent, application, actor=actor, at=now, action="submit")
    return application


def applicant_checked(*, program: TalentProgram, person_name: str, id_number: str = "", phone: str = "",
                      team_name: str = "", team_size: int = 1, degree: str = "",
                      position: str = "") -> dict[str, Any]:
    """The applicant's fields as an application keeps them, checked (the first error refuses it, naming the
    field)."""
    values, problems = applicant_problems(program=program, person_name=person_name, id_number=id_number,
                                          phone=phone, team_name=team_name, team_size=team_size, degree=degree,
                                          position=position)
    if problems:
        raise problems[0]
    return values


def applicant_problems(*, program: TalentProgram, person_name: str, id_number: str = "", phone: str = "",
                       team_name: str = "", team_size: int = 1, degree: str = "",
                       position: str = "") -> tuple[dict[str, Any], list[ApplicationError]]:
    """The applicant's fields cleaned, and every problem with them (a ledger row names them all)."""
    problems: list[ApplicationError] = []
    if not program.active:
        problems.append(ApplicationError("人才计划：该计划当前不受理申报", field="program", code="program_closed"))
    try:
        name = refuse_control_characters(person_name.strip(), field="person_name", label="姓名")
        if not name or len(name) > 50:
            problems.append(ApplicationError("姓名：不能为空，且不超过 50 字", field="person_name", code="required"))
    except ApplicationError as exc:
        name = ""
        problems.append(exc)
    id_number = id_number.strip().upper()
    if id_number and not id_number_valid(id_number):
        problems.append(ApplicationError("身份证号：格式或校验位错误（GB 11643）", field="id_number",
                                         code="id_number_invalid"))
    phone = phone.strip()
    if phone and not PHONE.match(phone):
        problems.append(ApplicationError("联系电话：应为 11 位手机号", field="phone", code="phone_invalid"))
    if program.kind == TalentProgram.Kind.TEAM:
        if not team_name.strip():
            problems.append(ApplicationError("团队名称：团队项目必须填写", field="team_name", code="required"))
        if team_size < 2:
            problems.append(ApplicationError("团队人数：团队至少 2 人", field="team_size", code="out_of_range"))
    elif team_size != 1:
        problems.append(ApplicationError("团队人数：个人项目为 1 人", field="team_size", code="out_of_range"))
    values = {"person_name": name, "id_number": id_number, "phone": phone, "team_name": team_name.strip()[:200],
              "team_size": team_size, "degree": degree.strip()[:20], "position": position.strip()[:200]}
    return values, problems


@transaction.atomic
def application_review(*, actor: User, application: TalentApplication, passed: bool,
                       note: str = "") -> TalentApplication:
    """初审: passed → 待审批 (with the approval limit counted from now), or 未通过."""
    _require_officer(actor)
    application = TalentApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != TalentApplication.Status.SUBMITTED:
        raise Conflict(f"该申报{application.get_status_display()}，不能初审", field="passed", code="not_submitted")
    if not passed and not note.strip():
        raise ApplicationError("意见：不通过时必须填写理由", field="note", code="required")
    now = clock.now()
    application.reviewed_at = now
    application.decision_note = note.strip()[:300]
    if passed:
        application.status = TalentApplication.Status.REVIEWED
        application.approve_due = add_working_time(now, application.program.approve_days, "day")
    else:
        application.status, application.decided_at = TalentApplication.Status.REJECTED, now
    application.save()
    audit.append(ApplicationEvent, application, actor=actor, at=now, action="review_pass" if passed else "review_fail",
                 note=application.decision_note, payload={"overdue": now > application.review_due})
    return application


@transaction.atomic
def application_decide(*, actor: User, application: TalentApplication, approved: bool, subsidy: Any = None,
                       note: str = "") -> TalentApplication:
    """审批: 已认定 with the subsidy (the program's standard unless given), or 未通过."""
    _require_officer(actor)
    application = TalentApplication.objects.select_for_update().select_related("program").get(pk=application.pk)
    if application.status != TalentApplication.Status.REVIEWED:
        raise Conflict(f"该申报{application.get_status_display()}，不能审批", field="approved", code="not_reviewed")
    amount = application.program.subsidy
    if subsidy not in (None, ""):
        try:
            amount = Decimal(str(subsidy)).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ApplicationError("资助金额：应为数字（万元）", field="subsidy", code="not_a_number") from None
        if amount < 0 or amount > application.program.subsidy * 2:
            raise ApplicationError("资助金额：应在 0 到计划资助标准的 2 倍之间", field="subsidy", code="out_of_range")
    now = clock.now()
    application.status = TalentApplication.Status.APPROVED if approved else TalentApplication.Status.REJECTED
    application.decided_at = now
    application.subsidy = amount if approved else Decimal(0)
    application.decision_note = note.strip()[:300] or application.decision_note
    application.save()
    overdue = application.approve_due is not None and now > application.approve_due
    audit.append(ApplicationEvent, application, actor=actor, at=now, action="approve" if approved else "reject",
                 note=note.strip()[:300], payload={"subsidy": str(application.subsidy), "overdue": overdue})
    return application


@transaction.atomic
def application_reveal(*, actor: User, application: TalentApplication, reason: str) -> dict[str, str]:
    """The applicant's name, ID number and phone in clear, for an officer with a reason; the reveal is audited."""
    _require_officer(actor)
    reason = reason.strip()
    if len(reason) < 2:
        raise ApplicationError("查看理由：请填写查看个人信息的理由", field="reason", code="required")
    audit.append(ApplicationEvent, application, actor=actor, at=clock.now(), action="reveal", note=reason[:300])
    return {"person_name": application.person_name, "id_number": application.id_number, "phone": application.phone}

"""The talent applications in Excel on ``core.ledger``: the export (人才申报台账, personal data masked, as on the
pages) and the import of new applications (人才批量申报: one row a person or team, checked by the rules of
``services.application_submit``, every bad cell named, nothing written while a row is wrong)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.core.ledger import (
    Column,
    FileInput,
    LedgerImportResult,
    LedgerKind,
    LedgerPreview,
    LedgerUpload,
    SheetSpec,
    export_workbook,
    import_commit,
    import_preview,
    template_workbook,
)
from gaoxin.enterprises.models import Enterprise
from gaoxin.enterprises.scope import own_enterprise_id
from gaoxin.talent import services
from gaoxin.talent.models import TalentApplication, TalentProgram
from gaoxin.talent.services import mask_id_number, mask_name, mask_phone

_COLUMNS = (
    ("number", "编号", 16), ("program", "人才计划", 24), ("enterprise", "用人单位", 28), ("person_name", "姓名", 10),
    ("id_number", "身份证号", 22), ("phone", "联系电话", 14), ("team", "团队", 20), ("team_size", "人数", 6),
    ("status", "状态", 10), ("submitted_at", "申报时间", 18), ("review_due", "初审时限", 18),
    ("decided_at", "审批时间", 18), ("subsidy", "资助（万元）", 10))
APPLICATIONS = SheetSpec("人才申报", tuple(Column(name, header, export_only=True, width=width)
                                       for name, header, width in _COLUMNS))


def _refuse(actor: User, upload: LedgerUpload) -> None:
    raise ApplicationError("此台账只供导出；批量申报请下载“人才批量申报”模板", field="file", code="ledger_export_only")


def _nothing(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
    return {}


APPLICATION_LEDGER = LedgerKind[User](name="talent_applications", label="人才申报台账", sheets=(APPLICATIONS,),
                                      instructions=("导出用，个人信息已脱敏。",), validate=_refuse, write=_nothing,
                                      partial_import=False)


def _at(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def ledger_export_applications(applications: QuerySet[TalentApplication]) -> bytes:
    rows: Iterable[Mapping[str, Any]] = (
        {"number": a.number, "program": a.program.name, "enterprise": a.enterprise.name,
         "person_name": mask_name(a.person_name), "id_number": mask_id_number(a.id_number),
         "phone": mask_phone(a.phone), "team": a.team_name, "team_size": a.team_size, "status": a.get_status_display(),
         "submitted_at": _at(a.submitted_at), "review_due": _at(a.review_due), "decided_at": _at(a.decided_at),
         "subsidy": a.subsidy}
        for a in applications.select_related("program", "enterprise").iterator(chunk_size=2000))
    return export_workbook(APPLICATION_LEDGER, {APPLICATIONS.title: rows})


NEW_APPLICATIONS = SheetSpec("人才批量申报", (
    Column("program", "人才计划", required=True, options="programs", width=24, note="计划名称或编码"),
    Column("credit_code", "用人单位统一社会信用代码", text=True, width=22, note="企业用户可不填（本企业）"),
    Column("person_name", "姓名", required=True, width=10, note="团队项目填带头人"),
    Column("id_number", "身份证号", text=True, width=22, note="GB 11643，18 位"),
    Column("phone", "联系电话", text=True, width=14),
    Column("team_name", "团队名称", width=20, note="团队项目必填"),
    Column("team_size", "团队人数", width=8, note="个人项目为 1"),
    Column("degree", "学历", width=8),
    Column("position", "岗位", width=20),
))


def _may_apply(actor: User) -> None:
    if not (services.is_officer(actor) or (actor.role == Role.ENTERPRISE and own_enterprise_id(actor))):
        raise PermissionDenied("只有用人单位（企业用户）和人社局人才工作人员可以申报", code="talent_import_role")


def _programs() -> Mapping[str, Any]:
    return {"programs": [p.name for p in TalentProgram.objects.filter(active=True)]}


def _validate_new(actor: User, upload: LedgerUpload) -> None:
    officer = services.is_officer(actor)
    own = None if officer else own_enterprise_id(actor)
    programs = {key: p for p in TalentProgram.objects.all() for key in (p.code, p.name)}
    for row in upload.rows(NEW_APPLICATIONS):
        raw = row.raw
        program = programs.get(str(raw.get("program") or "").strip())
        if program is None:
            row.add("program", "未知的人才计划", "unknown_program")
        code = str(raw.get("credit_code") or "").strip().upper()
        enterprise = Enterprise.objects.filter(credit_code=code).first() if code else None
        if code and enterprise is None:
            row.add("credit_code", "不在企业库中", "unknown_enterprise")
        elif not officer and code and enterprise is not None and enterprise.pk != own:
            row.add("credit_code", "只能为本企业申报人才", "talent_enterprise_scope")
        elif not officer and not code:
            enterprise = Enterprise.objects.filter(pk=own or 0).first()
        elif officer and not code:
            row.add("credit_code", "不能为空", "required")
        size = raw.get("team_size")
        try:
            team_size = int(str(size)) if size not in (None, "") else 1
        except (TypeError, ValueError):
            row.add("team_size", "应为整数", "invalid")
            team_size = 1
        applicant: dict[str, Any] = {}
        if program is not None:
            applicant, problems = services.applicant_problems(
                program=program, person_name=str(raw.get("person_name") or ""),
                id_number=str(raw.get("id_number") or ""), phone=str(raw.get("phone") or ""),
                team_name=str(raw.get("team_name") or ""), team_size=team_size,
                degree=str(raw.get("degree") or ""), position=str(raw.get("position") or ""))
            for exc in problems:
                row.add(exc.field or "person_name", exc.message.split("：", 1)[-1], exc.code)
        row.values = {"program": program, "enterprise": enterprise, **applicant}


def _write_new(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
    n = 0
    for row in upload.rows(NEW_APPLICATIONS):
        row.record = services.application_submit(actor=actor, **row.values)
        n += 1
    return {"applications": n}


NEW_APPLICATION_LEDGER = LedgerKind[User](
    name="talent_new_applications", label="人才批量申报", sheets=(NEW_APPLICATIONS,),
    instructions=("每行申报一人（团队项目一行一个团队，姓名填带头人）；企业用户只能为本企业申报。",
                  "身份证号按 GB 11643 校验；个人信息导入后只对人社局经办人员在说明理由后显示。"),
    validate=_validate_new, write=_write_new, check_actor=_may_apply, options=_programs, partial_import=False)


def ledger_template_new() -> bytes:
    return template_workbook(NEW_APPLICATION_LEDGER)


def ledger_import_preview(*, actor: User, file: FileInput) -> LedgerPreview:
    return import_preview((NEW_APPLICATION_LEDGER,), actor=actor, file=file, kind="talent_new_applications")


def ledger_import_commit(*, actor: User, file: FileInput) -> LedgerImportResult:
    return import_commit((NEW_APPLICATION_LEDGER,), actor=actor, file=file, kind="talent_new_applications")

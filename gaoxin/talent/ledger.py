"""The talent applications' Excel export on ``core.ledger`` (人才申报台账): personal data masked, as on the pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.core.errors import ApplicationError
from gaoxin.core.ledger import Column, LedgerKind, LedgerUpload, SheetSpec, export_workbook
from gaoxin.talent.models import TalentApplication
from gaoxin.talent.services import mask_id_number, mask_name, mask_phone

_COLUMNS = (
    ("number", "编号", 16), ("program", "人才计划", 24), ("enterprise", "用人单位", 28), ("person_name", "姓名", 10),
    ("id_number", "身份证号", 22), ("phone", "联系电话", 14), ("team", "团队", 20), ("team_size", "人数", 6),
    ("status", "状态", 10), ("submitted_at", "申报时间", 18), ("review_due", "初审时限", 18),
    ("decided_at", "审批时间", 18), ("subsidy", "资助（万元）", 10))
APPLICATIONS = SheetSpec("人才申报", tuple(Column(name, header, export_only=True, width=width)
                                       for name, header, width in _COLUMNS))


def _refuse(actor: User, upload: LedgerUpload) -> None:
    raise ApplicationError("人才申报请企业在页面上逐人提交；此台账只供导出", field="file", code="ledger_export_only")


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

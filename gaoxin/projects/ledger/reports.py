"""项目投资月报台账: one row per project and month."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from gaoxin.accounts.models import User
from gaoxin.core import clock
from gaoxin.core.errors import PermissionDenied
from gaoxin.core.ledger import Column, LedgerKind, LedgerRow, LedgerUpload, SheetSpec, export_workbook
from gaoxin.projects import bulk, identities, policy, selectors, services
from gaoxin.projects.models import MonthlyReport, Project

REPORTS = SheetSpec("项目月报", (
    Column("code", "项目编号", required=True, width=16, text=True),
    Column("name", "项目名称", export_only=True, width=30),
    Column("year", "年", required=True, width=8),
    Column("month", "月", required=True, width=6),
    Column("this_month", "本月完成投资", required=True, note="万元，两位小数"),
    Column("ytd", "自年初累计完成投资", required=True, note="= 上月自年初累计 + 本月（1月 = 本月）；= 四项构成之和"),
    Column("since_start", "自开始建设累计完成投资", required=True, note="= 上年末累计 + 自年初累计；不超过总投资"),
    Column("building", "建筑工程", required=True),
    Column("installation", "安装工程", required=True),
    Column("equipment", "设备工器具购置", required=True),
    Column("other", "其他费用", required=True),
    Column("progress_note", "形象进度", width=30),
))
INSTRUCTIONS = (
    "每行一个项目一个月的投资月报，金额单位万元；每月25日前报送，逾期标记为迟报。",
    "平衡关系逐行校验：自年初累计 = 上月自年初累计 + 本月完成（1月或本年首报 = 本月完成）；"
    "自年初累计 = 建筑工程 + 安装工程 + 设备工器具购置 + 其他费用；自开始建设累计 = 上年末累计 + 自年初累计；"
    "不超过总投资（或已登记的调整后总投资）。",
    "同一项目可在一个文件中报送连续多月；任何一行有错，整个文件都不导入。",
)


def _require(actor: User) -> None:
    if not actor.is_authenticated:
        raise PermissionDenied("请先登录")


def _validate(actor: User, upload: LedgerUpload) -> None:
    visible = {p.code: p for p in Project.objects.filter(policy.project_scope_q(actor=actor))}
    groups: dict[tuple[int, int], list[LedgerRow]] = defaultdict(list)
    for row in upload.rows(REPORTS):
        code = str(row.raw.get("code") or "").strip()
        project = visible.get(code)
        if project is None or not policy.may_report(actor, project):
            row.add("code", f"（{row.cell('code')}）项目“{code}”不存在（或不是您负责的项目）", "unknown")
            continue
        try:
            year, month = services.check_period(_int(row.raw.get("year")), _int(row.raw.get("month")))
        except Exception as exc:  # noqa: BLE001 - ApplicationError of the period, reported on the row
            row.add("month", f"（{row.cell('month')}）{getattr(exc, 'message', exc)}")
            continue
        row.values = {"project": project, "year": year, "month": month,
                      "progress_note": str(row.raw.get("progress_note") or "").strip()}
        groups[(project.pk, year)].append(row)
    for (project_pk, year), rows in groups.items():
        project = next(r.values["project"] for r in rows)
        on_record = dict(MonthlyReport.objects.filter(project_id=project_pk, year=year).values_list("month", "ytd"))
        months = [r.values["month"] for r in rows]
        seen: set[int] = set()
        bad: set[int] = set()
        for row in sorted(rows, key=lambda r: r.values["month"]):
            month = row.values["month"]
            if month - 1 in bad:
                row.add("ytd", f"（{row.cell('ytd')}）上月（{month - 1}月）所在行有错误，本行无法核对", "previous_bad")
                bad.add(month)
                continue
            if month in seen:
                row.add("month", f"（{row.cell('month')}）{year}年{month}月在本文件中重复", "duplicate")
                continue
            seen.add(month)
            later = [m for m in on_record if m > month and m not in months]
            if later:
                row.add("month", f"（{row.cell('month')}）已报送{year}年{max(later)}月，不能再修改{month}月",
                        "later_reported")
                continue
            earlier = [m for m in on_record if m < month]
            previous = max(earlier) if earlier else None
            ctx = identities.Context(
                month=month, previous_ytd=on_record[previous] if previous is not None else None,
                previous_month=previous, prior_cumulative=project.prior_cumulative,
                ceiling=project.investment_ceiling, adjusted=project.adjusted_total is not None)
            checked = identities.check(row.raw, ctx)
            for error in checked.errors:
                row.add(error.field, f"（{row.cell(error.field)}）{error.message}", error.code)
            if checked.ok:
                row.values.update(checked.values)
                on_record[month] = checked.values["ytd"]  # the next month of the file is checked against it
            else:
                bad.add(month)


def _int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _write(actor: User, upload: LedgerUpload) -> Mapping[str, int]:
    """The checked rows in bulk (``projects.bulk``), each project's months in order."""
    rows = sorted(upload.rows(REPORTS), key=lambda r: (r.values["project"].code, r.values["year"],
                                                       r.values["month"]))
    now = clock.now()
    written = bulk.monthly_reports_write_many(actor=actor, rows=[bulk.ReportRow(
        project=r.values["project"], year=r.values["year"], month=r.values["month"],
        values={k: r.values[k] for k in identities.FIELDS}, at=now, progress_note=r.values["progress_note"])
        for r in rows])
    for row, report in zip(rows, written, strict=True):
        row.record = report
    return {"reports": len(written)}


REPORT_LEDGER = LedgerKind[User](
    name="project_reports", label="项目投资月报台账", sheets=(REPORTS,), instructions=INSTRUCTIONS,
    validate=_validate, write=_write, check_actor=_require, partial_import=False,
)


def ledger_export_reports(*, actor: User, year: int) -> bytes:
    reports = selectors.report_list(actor=actor, year=year)
    return export_workbook(REPORT_LEDGER, {REPORTS.title: (
        {"code": r.project.code, "name": r.project.name, "year": r.year, "month": r.month,
         "this_month": r.this_month, "ytd": r.ytd, "since_start": r.since_start, "building": r.building,
         "installation": r.installation, "equipment": r.equipment, "other": r.other,
         "progress_note": r.progress_note}
        for r in reports.iterator(chunk_size=2000))})

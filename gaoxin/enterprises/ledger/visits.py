"""The visit ledger: 走访记录 (one row per visit) and 企业问题 (one row per problem, tied to its visit by the
ledger's own 走访编号)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.ledger import Column, LedgerKind, LedgerRow, LedgerUpload, SheetSpec, export_workbook
from gaoxin.core.validation import clean_text, parse_date
from gaoxin.enterprises import casebridge, services_problems
from gaoxin.enterprises.creditcode import credit_code_problem
from gaoxin.enterprises.ledger.enterprises import EXPORT_CHUNK, _code
from gaoxin.enterprises.models import Enterprise, EnterpriseProblem
from gaoxin.enterprises.scope import enterprise_scope_q
from gaoxin.enterprises.selectors_visits import VisitFilters, visit_list
from gaoxin.enterprises.services_problems import CheckedProblem, department_from_input

VISITS = SheetSpec(
    "走访记录",
    (
        Column("ref", "走访编号", required=True, width=12, text=True, note="本文件内唯一，用于在“企业问题”中对应走访"),
        Column("credit_code", "统一社会信用代码", required=True, width=24, text=True),
        Column("enterprise_name", "企业名称", width=28, export_only=True),
        Column("visited_on", "走访日期", required=True, width=12, note="YYYY-MM-DD，不晚于今天"),
        Column("cadre", "走访干部账号", required=True, width=14, note="助企干部的登录账号"),
        Column("participants", "参与人员", width=20),
        Column("notes", "走访情况", width=40),
        Column("revisit_on", "计划回访日期", width=12, note="留空表示无需回访；应晚于走访日期"),
    ),
)
PROBLEMS = SheetSpec(
    "企业问题",
    (
        Column("visit_ref", "走访编号", required=True, width=12, text=True),
        Column("category", "问题类型", required=True, width=14, options="categories",
               note="企业问题类型名称或编码（如 融资 或 EP02）"),
        Column("description", "问题描述", required=True, width=50),
        Column("department", "责任部门", width=20, note="部门名称或编码；留空时按问题类型的职责分工派遣"),
        Column("case_number", "案件编号", width=20, export_only=True),
        Column("state", "办理状态", width=10, export_only=True),
        Column("closed_at", "办结时间", width=18, export_only=True),
    ),
)

INSTRUCTIONS = (
    "“走访记录”每行一次走访（一家次）；“企业问题”每行一个问题，通过“走访编号”对应到走访记录。",
    "每个问题导入后即成为一件案件（渠道：万人助万企走访），由城运中心立案派遣到责任部门办理。",
    "助企干部只能导入本人的走访记录；管理员可导入任何助企干部的记录。",
)


def _options() -> dict[str, list[str]]:
    return {"categories": [c.name for c in casebridge.enterprise_categories()]}


def _require_actor(actor: User) -> None:
    services_problems._require(actor, services_problems.VISIT_ROLES, "只有助企干部和管理员可以导入走访台账",
                               "visit_role")


def _validate(actor: User, upload: LedgerUpload) -> None:
    today = clock.now().date()
    scoped = Enterprise.objects.filter(enterprise_scope_q(actor=actor))
    is_admin = actor.is_superuser or actor.role == Role.ADMIN
    refs: dict[str, LedgerRow] = {}
    cadres: dict[str, User | None] = {}
    for row in upload.rows(VISITS):
        values = row.values
        ref = clean_text(row.raw.get("ref"))
        if not ref:
            row.add("ref", "不能为空", "required")
        elif ref in refs:
            row.add("ref", f"与第{refs[ref].row_number}行重复", "duplicate")
        else:
            refs[ref] = row
        code = _code(row.raw.get("credit_code"))
        problem = credit_code_problem(code)
        values["enterprise"] = None
        if problem is not None:
            row.add("credit_code", problem.message, problem.code)
        else:
            values["enterprise"] = scoped.filter(credit_code=code).first()
            if values["enterprise"] is None:
                row.add("credit_code", "企业不在企业库中（或不在您的管辖范围内）", "unknown")
        for name, required in (("visited_on", True), ("revisit_on", False)):
            try:
                values[name] = parse_date(row.raw.get(name))
                if values[name] is None and required:
                    row.add(name, "不能为空", "required")
            except ValueError:
                values[name] = None
                row.add(name, f"“{clean_text(row.raw.get(name))}”不是日期（应为 YYYY-MM-DD）")
        if values["visited_on"] and values["visited_on"] > today:
            row.add("visited_on", "不能晚于今天")
        if values["visited_on"] and values["revisit_on"] and values["revisit_on"] <= values["visited_on"]:
            row.add("revisit_on", "应晚于走访日期")
        username = clean_text(row.raw.get("cadre"))
        if username and username not in cadres:
            cadres[username] = User.objects.filter(username=username, is_active=True).first()
        cadre = cadres.get(username)
        if not username:
            row.add("cadre", "不能为空", "required")
        elif cadre is None or not (cadre.role == Role.SERVICE_CADRE or cadre.role == Role.ADMIN):
            row.add("cadre", f"“{username}”不是助企干部账号", "unknown")
        elif not is_admin and cadre.pk != actor.pk:
            row.add("cadre", "只能导入本人的走访记录", "permission_denied")
        values["cadre"] = cadre
        for name, limit in (("participants", 300), ("notes", 5000)):
            values[name] = clean_text(row.raw.get(name))
            if len(values[name]) > limit:
                row.add(name, f"不能超过{limit}个字符")
        values["problems"] = []

    for row in upload.rows(PROBLEMS):
        values = row.values
        ref = clean_text(row.raw.get("visit_ref"))
        visit_row = refs.get(ref)
        if not ref:
            row.add("visit_ref", "不能为空", "required")
        elif visit_row is None:
            row.add("visit_ref", f"“走访记录”中没有编号为“{ref}”的走访", "unknown")
        elif not visit_row.ok:
            row.add("visit_ref", f"对应的“走访记录”第{visit_row.row_number}行有错误", "visit_row_invalid")
        category_raw = clean_text(row.raw.get("category"))
        values["category"] = casebridge.enterprise_category(category_raw)
        if not category_raw:
            row.add("category", "不能为空", "required")
        elif values["category"] is None:
            row.add("category", f"问题类型“{category_raw}”不存在", "unknown")
        values["description"] = clean_text(row.raw.get("description"))
        if not values["description"]:
            row.add("description", "不能为空", "required")
        department_raw = clean_text(row.raw.get("department"))
        values["department"] = department_from_input(department_raw)
        if department_raw and values["department"] is None:
            row.add("department", f"责任部门“{department_raw}”不存在", "unknown")
        if row.ok and visit_row is not None:
            visit_row.values["problems"].append(row)

    # A visit whose problem rows are bad is not written either (its problems would be lost silently).
    for visit_row in refs.values():
        if visit_row.ok:
            bad = [r.row_number for r in upload.rows(PROBLEMS)
                   if clean_text(r.raw.get("visit_ref")) == clean_text(visit_row.raw.get("ref")) and not r.ok]
            if bad:
                rows = "、".join(str(n) for n in bad)
                visit_row.add("ref", f"“企业问题”第{rows}行有错误", "problem_row_invalid")


def _write(actor: User, upload: LedgerUpload) -> dict[str, int]:
    visits = problems = 0
    for row in upload.rows(VISITS):
        v = row.values
        checked = [CheckedProblem(p.values["category"], p.values["description"], p.values["department"])
                   for p in v["problems"]]
        services_problems._visit_create(
            cadre=v["cadre"], enterprise=v["enterprise"], visited_on=v["visited_on"],
            participants=v["participants"], notes=v["notes"], revisit_on=v["revisit_on"], problems=checked,
        )
        visits += 1
        problems += len(checked)
    return {"visits": visits, "problems": problems}


VISIT_LEDGER = LedgerKind[User](
    name="visits",
    label="万人助万企走访台账",
    sheets=(VISITS, PROBLEMS),
    instructions=INSTRUCTIONS,
    options=_options,
    validate=_validate,
    write=_write,
    check_actor=_require_actor,
)


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def ledger_export_visits(*, actor: User, filters: VisitFilters | None = None) -> bytes:
    """The visit list under ``filters`` and the problems of those visits with their case state."""
    visits = visit_list(actor=actor, filters=filters)
    problems = (
        EnterpriseProblem.objects.filter(visit__in=visits.values("pk"))
        .select_related("category", "department", "case")
        .order_by("visit__visited_on", "visit_id", "pk")
    )
    return export_workbook(VISIT_LEDGER, {
        VISITS.title: (
            {
                "ref": f"V{v.pk}",
                "credit_code": v.enterprise.credit_code,
                "enterprise_name": v.enterprise.name,
                "visited_on": v.visited_on.isoformat(),
                "cadre": v.cadre.username,
                "participants": v.participants,
                "notes": v.notes,
                "revisit_on": v.revisit_on.isoformat() if v.revisit_on else "",
            }
            for v in visits.order_by("visited_on", "pk").iterator(chunk_size=EXPORT_CHUNK)
        ),
        PROBLEMS.title: (
            {
                "visit_ref": f"V{p.visit_id}",
                "category": p.category.name,
                "description": p.description,
                "department": p.department.name if p.department else "",
                "case_number": p.case.number if p.case else "",
                "state": casebridge.STATE_LABELS.get(p.case.state, p.case.state) if p.case else "",
                "closed_at": _local(p.case.closed_at) if p.case else "",
            }
            for p in problems.iterator(chunk_size=EXPORT_CHUNK)
        ),
    })

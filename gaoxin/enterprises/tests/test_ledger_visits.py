from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from gaoxin.cases.models import Case
from gaoxin.core.errors import ApplicationError
from gaoxin.enterprises import services_problems
from gaoxin.enterprises.ledger import ledger_export_visits, ledger_import_commit, ledger_import_preview, ledger_template
from gaoxin.enterprises.models import EnterpriseProblem, Visit
from gaoxin.enterprises.selectors_visits import VisitFilters
from gaoxin.enterprises.services_problems import ProblemInput
from gaoxin.enterprises.tests.conftest import usc

VISIT_HEADER = ["走访编号*", "统一社会信用代码*", "走访日期*", "走访干部账号*", "参与人员", "走访情况", "计划回访日期"]
PROBLEM_HEADER = ["走访编号*", "问题类型*", "问题描述*", "责任部门"]


def workbook(visits: list[list], problems: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "走访记录"
    ws.append(VISIT_HEADER)
    for row in visits:
        ws.append(row)
    ws2 = wb.create_sheet("企业问题")
    ws2.append(PROBLEM_HEADER)
    for row in problems:
        ws2.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def two(staff, grid_layer, make_enterprise):
    return (make_enterprise("甲公司", lon=113.52, lat=34.80), make_enterprise("乙公司", lon=113.58, lat=34.80))


def test_template(refdata):
    wb = load_workbook(io.BytesIO(ledger_template(kind="visits")))
    assert wb.sheetnames == ["走访记录", "企业问题", "填表说明", "选项"]
    assert [c.value for c in wb["企业问题"][1]] == [*PROBLEM_HEADER, "案件编号", "办理状态", "办结时间"]
    assert [wb["选项"].cell(row=r, column=1).value for r in range(2, 5)] == ["用地", "融资", "用工"]


def test_mixed_rows_are_all_reported_and_nothing_is_written(staff, two, org, frozen_now):
    a, b = two
    unknown = usc("91410100MA999999")
    source = workbook(
        [
            ["V1", a.credit_code, "2023-03-06", "cadre", "王干部", "了解经营情况", "2023-04-06"],
            ["V2", unknown, "2023-03-32", "nobody", None, None, "2023-03-01"],
            ["V3", b.credit_code, "2023-03-07", "cadre", None, None, None],
            ["V1", b.credit_code, "2023-03-08", "leader", None, None, None],
        ],
        [
            ["V1", "水电气暖", "电力扩容", "住房和城乡建设局"],
            ["V1", "EP02", "贷款", None],
            ["V3", "卫星发射", "", "火星局"],
            ["V9", "融资", "x", None],
            ["V2", "融资", "y", None],
        ],
    )
    with frozen_now(2023, 3, 10, 9):
        preview = ledger_import_preview(actor=staff.admin, file=source)
    assert preview.kind == "visits"
    assert {(r.sheet, r.row_number): r.error_text for r in preview.rows} == {
        ("走访记录", 2): "",
        ("走访记录", 3): "统一社会信用代码: 企业不在企业库中（或不在您的管辖范围内）；"
                          "走访日期: “2023-03-32”不是日期（应为 YYYY-MM-DD）；走访干部账号: “nobody”不是助企干部账号",
        ("走访记录", 4): "走访编号: “企业问题”第4行有错误",
        ("走访记录", 5): "走访编号: 与第2行重复；走访干部账号: “leader”不是助企干部账号",
        ("企业问题", 2): "",
        ("企业问题", 3): "",
        ("企业问题", 4): "问题类型: 问题类型“卫星发射”不存在；问题描述: 不能为空；责任部门: 责任部门“火星局”不存在",
        ("企业问题", 5): "走访编号: “走访记录”中没有编号为“V9”的走访",
        ("企业问题", 6): "走访编号: 对应的“走访记录”第3行有错误",
    }
    with frozen_now(2023, 3, 10, 9), pytest.raises(ApplicationError) as exc:
        ledger_import_commit(actor=staff.admin, file=source)
    assert exc.value.code == "ledger_has_errors"
    assert (Visit.objects.count(), EnterpriseProblem.objects.count(), Case.objects.count()) == (0, 0, 0)

    with frozen_now(2023, 3, 10, 9):
        result = ledger_import_commit(actor=staff.admin, file=source, clean_rows_only=True)
    assert result.created == {"visits": 1, "problems": 2}
    visit = Visit.objects.get()
    assert (visit.enterprise, visit.cadre, str(visit.visited_on), str(visit.revisit_on), visit.notes) == (
        a, staff.cadre, "2023-03-06", "2023-04-06", "了解经营情况")
    assert list(visit.problems.order_by("pk").values_list("category__code", "department__code", "case__channel")) == [
        ("EP06", org.construction.code, "enterprise_visit"), ("EP02", None, "enterprise_visit")]


def test_a_cadre_imports_only_its_own_visits(staff, two, frozen_now):
    a, _ = two
    source = workbook([["V1", a.credit_code, "2023-03-06", "cadre", None, None, None]], [])
    with frozen_now(2023, 3, 10, 9):
        preview = ledger_import_preview(actor=staff.cadre_street_a, file=source)
    assert preview.rows[0].error_text == "走访干部账号: 只能导入本人的走访记录"


def test_export_round_trip(staff, two, org, frozen_now):
    a, b = two
    with frozen_now(2023, 3, 10, 9):
        services_problems.visit_record(
            actor=staff.cadre, enterprise=a, visited_on="2023-03-06", participants="王干部", notes="座谈",
            revisit_on="2023-04-01",
            problems=[ProblemInput("EP06", "电力扩容", department=org.construction), ProblemInput("EP02", "贷款")])
        services_problems.visit_record(actor=staff.cadre_street_a, enterprise=a, visited_on="2023-03-08")
        services_problems.visit_record(actor=staff.cadre, enterprise=b, visited_on="2023-02-01",
                                       problems=[ProblemInput("EP03", "招工")])
        exported = ledger_export_visits(actor=staff.admin, filters=VisitFilters(date_from=dt.date(2023, 3, 1)))
    wb = load_workbook(io.BytesIO(exported))
    assert [r[4] for r in wb["走访记录"].iter_rows(min_row=2, values_only=True)] == ["cadre", "cadre_a"]
    problem_rows = list(wb["企业问题"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[2], r[3], r[5]) for r in problem_rows] == [
        ("水电气暖", "电力扩容", "住房和城乡建设局", "已上报"), ("融资", "贷款", None, "已上报")]

    def shape(visits):
        return sorted(
            (v.enterprise.credit_code, v.cadre.username, v.visited_on, v.participants, v.notes, v.revisit_on,
             tuple((p.category.code, p.description, p.department_id) for p in v.problems.order_by("pk")))
            for v in visits
        )

    original = shape(Visit.objects.filter(visited_on__gte="2023-03-01"))
    before = set(Visit.objects.values_list("pk", flat=True))
    with frozen_now(2023, 3, 10, 9):
        result = ledger_import_commit(actor=staff.admin, file=exported)
    assert result.created == {"visits": 2, "problems": 2}
    assert shape(Visit.objects.exclude(pk__in=before)) == original

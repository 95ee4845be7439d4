from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from gaoxin.core.errors import ApplicationError
from gaoxin.projects import ledger
from gaoxin.projects.models import MonthlyReport

pytestmark = pytest.mark.django_db

HEADERS = ["项目编号", "年", "月", "本月完成投资", "自年初累计完成投资", "自开始建设累计完成投资", "建筑工程",
           "安装工程", "设备工器具购置", "其他费用"]


def workbook(rows: list[list[object]]) -> io.BytesIO:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目月报"
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "月报.xlsx"
    return out


def test_template_has_the_sheet_and_headers():
    wb = openpyxl.load_workbook(io.BytesIO(ledger.ledger_template()))
    headers = [c.value for c in wb["项目月报"][1]]
    assert headers[:4] == ["项目编号*", "项目名称", "年*", "月*"]


def test_every_violated_identity_named_by_cell_and_nothing_written(made):
    project = made.project("XM-1", prior="1000")
    made.project("XM-2", steward=made.people.other_steward)
    rows = [
        ["XM-1", 2023, 1, 100, 100, 1100, 60, 20, 10, 10],  # row 2: clean
        ["XM-1", 2023, 2, 50, 160, 1160, 100, 20, 20, 20],  # row 3: 自年初累计 ≠ 100 + 50
        ["XM-1", 2023, 3, 50, 200, 1210, 100, 50, 25, 25],  # row 4: previous row bad
        ["XM-2", 2023, 1, 10, 10, 10, 10, 0, 0, 0],  # row 5: not the steward's project
        ["XM-1", 2024, 1, 10, 10, 1250, 5, 5, 0, 1],  # row 6: composition and since_start
    ]
    preview = ledger.ledger_import_preview(actor=made.people.steward, file=workbook(rows))
    errors = {r.row_number: r.error_text for r in preview.bad_rows}
    assert errors == {
        3: "自年初累计完成投资: （E3）应等于上月自年初累计 100.00 + 本月完成 50.00 = 150.00，实际 160.00",
        4: "自年初累计完成投资: （E4）上月（2月）所在行有错误，本行无法核对",
        5: "项目编号: （A5）项目“XM-2”不存在（或不是您负责的项目）",
        6: "自年初累计完成投资: （E6）应等于建筑工程、安装工程、设备工器具购置、其他费用之和 11.00，实际 10.00；"
           "自开始建设累计完成投资: （F6）应等于上年末累计 1000.00 + 自年初累计 10.00 = 1010.00，实际 1250.00",
    }
    with pytest.raises(ApplicationError) as err:
        ledger.ledger_import_commit(actor=made.people.steward, file=workbook(rows))
    assert err.value.code == "ledger_has_errors"
    assert MonthlyReport.objects.count() == 0
    assert project.events.count() == 1  # registration only


def test_clean_file_written_in_month_order_and_exported(made):
    project = made.project("XM-1", prior="1000")
    rows = [["XM-1", 2023, 2, 50, 150, 1150, 90, 20, 20, 20], ["XM-1", 2023, 1, 100, 100, 1100, 60, 20, 10, 10]]
    result = ledger.ledger_import_commit(actor=made.people.steward, file=workbook(rows))
    assert result.created == {"reports": 2}
    assert list(MonthlyReport.objects.filter(project=project).values_list("month", "ytd")) == [
        (1, Decimal("100.00")), (2, Decimal("150.00"))]
    exported = openpyxl.load_workbook(io.BytesIO(ledger.ledger_export_reports(actor=made.people.leader, year=2023)))
    values = [[c.value for c in row] for row in exported["项目月报"].iter_rows(min_row=2, max_col=4)]
    assert values == [["XM-1", "项目XM-1", 2023, 1], ["XM-1", "项目XM-1", 2023, 2]]

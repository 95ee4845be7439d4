from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.core.ledger import LedgerHasErrors
from gaoxin.ledgers.excel import ledger_import_commit, ledger_import_preview, ledger_template
from gaoxin.ledgers.models import LedgerEntry, LedgerEntryEvent
from gaoxin.ledgers.tests.conftest import Env

pytestmark = pytest.mark.django_db

HEADERS = ["填报单位*", "统计期*", "项目名称*", "应交付套数（套）*", "已交付套数（套）*", "专项借款（元）",
           "交房即发证*", "交付日期"]


def upload(env: Env, rows: list[list[object]]) -> bytes:
    wb = load_workbook(io.BytesIO(ledger_template(ledger=env.ledger)))
    ws = wb[env.ledger.name]
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_template_from_the_definition(env):
    wb = load_workbook(io.BytesIO(ledger_template(ledger=env.ledger)))
    assert wb.sheetnames[0] == "保交楼测试台账"
    assert [c.value for c in wb["保交楼测试台账"][1]][:8] == HEADERS


MIXED = [
    ["石佛办事处", "2023Q1", "P001", 120, 100, 1234.5, "是", "2023-03-20"],
    ["沟赵办事处", "2023Q1", "P002", 80, 80, None, "否", None],  # not the uploader's unit
    ["GX-S01", "2023-03", "P3", 10, 12, 1.234, "也许", "2023-02-30"],
    ["GX-S01", "2023Q2", "P004", 50, 40, None, "是", None],
]


def test_every_bad_cell_is_named_and_nothing_is_written(env):
    before = (LedgerEntry.objects.count(), LedgerEntryEvent.objects.count())
    preview = ledger_import_preview(actor=env.filler_a, ledger=env.ledger, file=upload(env, MIXED))
    assert [(r.row_number, r.error_text) for r in preview.bad_rows] == [
        (3, "填报单位: “沟赵办事处”不是您可以填报的单位"),
        (4, "统计期: 统计期应写作 2023Q1；专项借款（元）: 金额最多两位小数；交房即发证: 应为：是、否；"
            "交付日期: 应为日期（如 2023-03-31）；项目名称: 项目编号应为 P 加三位数字；"
            "已交付套数（套）: 应不大于“应交付套数”"),
    ]
    row = preview.bad_rows[1]
    assert [row.cell(e.field) for e in row.errors] == ["B4", "F4", "G4", "H4", "C4", "E4"]
    with pytest.raises(LedgerHasErrors) as exc:
        ledger_import_commit(actor=env.filler_a, ledger=env.ledger, file=upload(env, MIXED))
    assert exc.value.code == "ledger_has_errors"
    assert (LedgerEntry.objects.count(), LedgerEntryEvent.objects.count()) == before


def test_clean_rows_only_writes_submitted_entries(env):
    result = ledger_import_commit(actor=env.filler_a, ledger=env.ledger, file=upload(env, MIXED),
                                  clean_rows_only=True)
    assert result.created == {"entries": 2}
    assert [r.row_number for r in result.skipped_rows] == [3, 4]
    entries = list(LedgerEntry.objects.order_by("period_start").values_list(
        "org_unit__code", "period_start", "state", "values", "version__number"))
    assert [(e[0], str(e[1]), e[2], e[3]["delivered"], e[4]) for e in entries] == [
        ("GX-S01", "2023-01-01", "submitted", 100, 1), ("GX-S01", "2023-04-01", "submitted", 40, 1)]
    assert entries[0][3]["loan"] == 123450


def test_a_unit_that_does_not_fill_is_refused(env):
    with pytest.raises(PermissionDenied):
        ledger_import_commit(actor=env.reviewer, ledger=env.ledger, file=upload(env, MIXED[:1]))
    assert LedgerEntry.objects.count() == 0


def test_not_a_workbook(env):
    with pytest.raises(ApplicationError) as exc:
        ledger_import_preview(actor=env.filler_a, ledger=env.ledger, file=b"garbage")
    assert exc.value.field == "file"

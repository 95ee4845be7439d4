"""The startup loans' Excel ledger imported (the banks' monthly list): every bad cell named in the preview and in
the error workbook, nothing written while a row is wrong, the clean rows alone when asked, each row written through
the services (applied, guaranteed, granted), and the officers only."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from gaoxin.finance.models import StartupLoan
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db

HEADER = ["申请类型*", "申请人*", "身份证号", "统一社会信用代码", "联系电话*", "创业项目*", "申请日期*",
          "申请金额（万元）*", "担保决定日期", "经办银行", "放款日期", "放款金额（万元）", "期限（月）", "年利率（%）",
          "带动就业人数"]
GOOD = ["个人创业", "张三", "11010519491231002X", "", "13812345678", "社区便利店", "2023-03-01", "20",
        "2023-03-08", "郑州银行", "2023-03-20", "20", "36", "4.35", "4"]
BUSINESS = ["小微企业", "郑州某科技有限公司", "", code(5), "037167891234", "软件开发", "2023-04-01", "300", "", "",
            "", "", "", "", ""]


def _workbook(*rows: list) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "创业担保贷款"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    data = io.BytesIO()
    wb.save(data)
    data.seek(0)
    data.name = "loans.xlsx"
    return data


def test_the_template_heads_the_input_columns(client, world):
    client.force_login(world.officer)
    template = client.get("/finance/loans/import/?template=1")
    headers = [c.value for c in load_workbook(io.BytesIO(template.content))["创业担保贷款"][1]]
    assert headers[:9] == ["申请编号", "申请类型*", "申请人*", "身份证号", "统一社会信用代码", "联系电话*", "创业项目*",
                           "申请日期*", "申请金额（万元）*"]


def test_bad_cells_are_named_and_nothing_is_written(client, world, frozen_now):
    client.force_login(world.officer)
    bad = _workbook(
        GOOD,
        ["个人创业", "李四", "110105194912310021", "", "123", "", "2023-02-30", "25", "", "", "", "", "", "", ""],
        ["个人创业", "王五", "11010519491231002X", "", "13900000000", "餐馆", "2023-03-01", "20", "2023-03-05",
         "郑州银行", "2023-03-01", "30", "48", "4.355", "0"],  # the same person as row 2, and a bad grant
        ["个人创业", "赵六", "11010519800101001X", "", "13900000001", "餐馆", "2023-03-01", "10", "", "郑州银行",
         "", "", "", "", ""],  # a grant column without the decision and the rest of the grant
    )
    with frozen_now(2023, 12, 31, 17):
        preview = client.post("/finance/loans/import/", {"file": bad}).content.decode()
        for text in ("身份证号: 应为 18 位有效的居民身份证号码", "联系电话: 应为手机号或带区号的固定电话",
                     "创业项目: 不能为空", "申请日期: 格式应为 YYYY-MM-DD", "申请金额（万元）: 个人创业最高 20 万元",
                     "身份证号: 已有未结清的创业担保贷款或在办申请", "放款日期: 不能早于担保决定日期",
                     "放款金额（万元）: 不能超过申请金额", "期限（月）: 应为 1–36 个月",
                     "年利率（%）: 应为 0–24，最多两位小数",
                     "带动就业人数: 应为 1–10000 的整数（含创业者本人）",
                     "担保决定日期: 已放款的贷款必须填写担保决定日期", "放款日期: 已放款时不能为空"):
            assert text in preview, text
        bad.seek(0)
        errors = client.post("/finance/loans/import/", {"file": bad, "errors": "1"})
        bad.seek(0)
        refused = client.post("/finance/loans/import/", {"file": bad, "commit": "1"}).content.decode()
    assert errors["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'id="preview"' in refused
    assert StartupLoan.objects.count() == 0


def test_clean_rows_are_written_through_the_services(client, world, frozen_now):
    client.force_login(world.officer)
    with frozen_now(2023, 12, 31, 17):
        done = client.post("/finance/loans/import/", {"file": _workbook(GOOD, BUSINESS), "commit": "1"})
        again = client.post("/finance/loans/import/", {"file": _workbook(GOOD), "commit": "1"}).content.decode()
    assert 'id="import-result"' in done.content.decode()
    person, business = StartupLoan.objects.order_by("pk")
    assert (person.number, person.status, person.granted_fen, person.subsidy_fen, person.jobs_created) == (
        "CD2023000001", "granted", 20_000_000, 1_580_000, 4)
    assert (business.status, business.credit_code, business.requested_fen) == ("applied", code(5), 3 * 10**8)
    assert "已有未结清的创业担保贷款或在办申请" in again  # the same list twice writes nothing twice
    assert StartupLoan.objects.count() == 2


def test_only_the_officers_import(client, world, frozen_now):
    client.force_login(world.leader)
    assert client.get("/finance/loans/import/").status_code == 403
    with frozen_now(2023, 12, 31, 17):
        assert client.post("/finance/loans/import/", {"file": _workbook(GOOD), "commit": "1"}).status_code == 403
    assert StartupLoan.objects.count() == 0

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
LOANS_URL = "/finance/import/?kind=startup_loans"

HEADER = ["申请类型*", "申请人*", "身份证号", "统一社会信用代码", "联系电话*", "创业项目*", "申请日期*",
          "申请金额（万元）*", "担保决定日期", "经办银行", "放款日期", "放款金额（万元）", "期限（月）", "年利率（%）",
          "带动就业人数"]
GOOD = ["个人创业", "张三", "11010519491231002X", "", "13812345678", "社区便利店", "2023-03-01", "20",
        "2023-03-08", "郑州银行", "2023-03-20", "20", "36", "4.35", "4"]
BUSINESS = ["小微企业", "郑州某科技有限公司", "", code(5), "037167891234", "软件开发", "2023-04-01", "300", "", "",
            "", "", "", "", ""]


def _workbook(*rows: list) -> io.BytesIO:
    return _sheet("创业担保贷款", HEADER, *rows)


def test_the_template_heads_the_input_columns(client, world):
    client.force_login(world.officer)
    template = client.get("/finance/import/?kind=startup_loans&template=1")
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
        preview = client.post("/finance/import/?kind=startup_loans", {"file": bad}).content.decode()
        for text in ("身份证号: 应为 18 位有效的居民身份证号码", "联系电话: 应为手机号或带区号的固定电话",
                     "创业项目: 不能为空", "申请日期: 格式应为 YYYY-MM-DD", "申请金额（万元）: 个人创业最高 20 万元",
                     "身份证号: 已有未结清的创业担保贷款或在办申请", "放款日期: 不能早于担保决定日期",
                     "放款金额（万元）: 不能超过申请金额", "期限（月）: 应为 1–36 个月",
                     "年利率（%）: 应为 0–24，最多两位小数",
                     "带动就业人数: 应为 1–10000 的整数（含创业者本人）",
                     "担保决定日期: 已放款的贷款必须填写担保决定日期", "放款日期: 已放款时不能为空"):
            assert text in preview, text
        bad.seek(0)
        errors = client.post("/finance/import/?kind=startup_loans", {"file": bad, "errors": "1"})
        bad.seek(0)
        refused = client.post("/finance/import/?kind=startup_loans", {"file": bad, "commit": "1"}).content.decode()
    assert errors["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'id="preview"' in refused
    assert StartupLoan.objects.count() == 0


def test_clean_rows_are_written_through_the_services(client, world, frozen_now):
    client.force_login(world.officer)
    with frozen_now(2023, 12, 31, 17):
        done = client.post("/finance/import/?kind=startup_loans", {"file": _workbook(GOOD, BUSINESS),
                                                                   "commit": "1"})
        again = client.post(LOANS_URL, {"file": _workbook(GOOD), "commit": "1"}).content.decode()
    assert 'id="import-result"' in done.content.decode()
    person, business = StartupLoan.objects.order_by("pk")
    assert (person.number, person.status, person.granted_fen, person.subsidy_fen, person.jobs_created) == (
        "CD2023000001", "granted", 20_000_000, 1_580_000, 4)
    assert (business.status, business.credit_code, business.requested_fen) == ("applied", code(5), 3 * 10**8)
    assert "已有未结清的创业担保贷款或在办申请" in again  # the same list twice writes nothing twice
    assert StartupLoan.objects.count() == 2


def test_only_the_officers_import(client, world, frozen_now):
    client.force_login(world.leader)
    assert client.get("/finance/import/?kind=startup_loans").status_code == 403
    with frozen_now(2023, 12, 31, 17):
        assert client.post(LOANS_URL, {"file": _workbook(GOOD), "commit": "1"}).status_code == 403
    assert StartupLoan.objects.count() == 0


def _sheet(title: str, header: list[str], *rows: list) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for row in rows:
        ws.append(row)
    data = io.BytesIO()
    wb.save(data)
    data.seek(0)
    data.name = f"{title}.xlsx"
    return data


def test_fund_managers_import(client, world, frozen_now):
    from gaoxin.finance.models import FundManager

    header = ["机构名称*", "统一社会信用代码*", "基金业协会登记编号*", "落户日期*"]
    client.force_login(world.officer)
    with frozen_now(2023, 12, 31, 17):
        bad = _sheet("基金管理机构", header, ["甲创投", code(1), "P1000001", "2023-03-01"],
                     ["乙创投", code(1), "P12", "2024-01-01"])
        preview = client.post("/finance/import/?kind=fund_managers", {"file": bad}).content.decode()
        good = _sheet("基金管理机构", header, ["甲创投", code(1), "p1000001", "2023-03-01"])
        done = client.post("/finance/import/?kind=fund_managers", {"file": good, "commit": "1"}).content.decode()
    for text in ("统一社会信用代码: 与本表前面的行重复", "基金业协会登记编号: 应为 P 加 7 位数字（如 P1001234）",
                 "落户日期: 不能晚于今天"):
        assert text in preview, text
    assert 'id="import-result"' in done
    assert list(FundManager.objects.values_list("name", "amac_number")) == [("甲创投", "P1000001")]


def test_guidance_investments_import_counts_the_rows_above(client, world, frozen_now):
    from gaoxin.finance import services
    from gaoxin.finance.models import Investment

    header = ["基金*", "投资项目或企业", "统一社会信用代码", "区内（计入返投）", "轮次*", "投资日期*",
              "投资金额（万元）*"]
    with frozen_now(2023, 12, 31, 17):
        fund = services.guidance_fund_register(actor=world.officer, name="测试基金", parent=None, manager=None,
                                               established_on="2023-01-10", term_years="10", reinvest_pct="50")
        commitment = services.commitment_add(actor=world.officer, fund=fund, source="zone", investor="财政局",
                                             amount_wan="1000", committed_on="2023-01-10")
        services.paid_in_record(actor=world.officer, commitment=commitment, paid_on="2023-02-01", amount_wan="500")
    client.force_login(world.officer)
    rows = (["测试基金", "甲项目", "", "是", "A 轮", "2023-05-01", "300"],
            ["测试基金", "乙项目", "", "否", "B 轮", "2023-06-01", "300"],  # 500 − 300 leaves 200
            ["无此基金", "丙项目", "", "", "Z 轮", "2023-01-01", "1"])
    with frozen_now(2023, 12, 31, 17):
        preview = client.post("/finance/import/?kind=guidance_investments",
                              {"file": _sheet("引导基金投资", header, *rows)}).content.decode()
        done = client.post("/finance/import/?kind=guidance_investments",
                           {"file": _sheet("引导基金投资", header, *rows), "commit": "1", "clean_rows_only": "1"})
    for text in ("投资金额（万元）: 超过基金可投资金（实缴未投 200 万元）", "基金: 没有该名称的引导基金",
                 "轮次: 请从列表中选择", "区内（计入返投）: 未填信用代码的项目须注明是否在区内"):
        assert text in preview, text
    assert 'id="import-result"' in done.content.decode()
    assert list(Investment.objects.values_list("target", "in_zone", "amount_fen")) == [("甲项目", True, 3 * 10**8)]


def test_financing_deals_import_attributes_to_an_event(client, world, frozen_now):
    from gaoxin.enterprises import reference as enterprise_reference
    from gaoxin.enterprises import services as enterprise_services
    from gaoxin.finance import services
    from gaoxin.finance.models import FinancingDeal

    header = ["到位日期*", "统一社会信用代码*", "融资类型*", "投资机构或银行*", "融资金额（万元）*", "对接活动"]
    with frozen_now(2023, 4, 1, 9):
        enterprise_reference.reference_data_ensure()
        for n in (1, 2):
            enterprise_services.enterprise_create(actor=world.admin, credit_code=code(n), name=f"示例{n}", size="small")
        event = services.event_create(actor=world.officer, title="资本力量1+6·路演", series="资本力量1+6",
                                      kind="roadshow", held_on="2023-04-01", location="x")
        services.event_attend(actor=world.officer, event=event, enterprise_code=code(1))
    client.force_login(world.officer)
    rows = (["2023-05-01", code(1), "股权融资", "启明创投", "800", "资本力量1+6·路演"],
            ["2023-05-01", code(2), "债权融资", "郑州银行", "300", "资本力量1+6·路演"],  # did not attend
            ["2023-05-01", code(2), "债权融资", "郑州银行", "300", "无此活动"])
    with frozen_now(2023, 12, 31, 17):
        preview = client.post("/finance/import/?kind=financing_deals",
                              {"file": _sheet("企业融资", header, *rows)}).content.decode()
        client.post("/finance/import/?kind=financing_deals",
                    {"file": _sheet("企业融资", header, rows[0]), "commit": "1"})
    for text in ("对接活动: 该企业未参加此活动，融资不能归入", "对接活动: 没有该名称的资本活动"):
        assert text in preview, text
    assert list(FinancingDeal.objects.values_list("kind", "amount_fen", "event__title")) == [
        ("equity", 8 * 10**8, "资本力量1+6·路演")]

"""Pages per role: what each role sees and does, forbidden actions that change nothing, bad input naming the
field, Excel export and import with cell-level errors."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from gaoxin.innovation import services
from gaoxin.innovation.models import Achievement, Match, TechContract, TechDemand

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def records(world, frozen_now):
    with frozen_now(2023, 4, 3, 10):
        demand = services.demand_post(actor=world.enterprise_user, enterprise=world.enterprise,
                                      title="车间可燃气体泄漏监测", text="车间可燃气体泄漏，要求响应快", field="sensor")
        other = services.demand_post(actor=world.officer, enterprise=world.other_enterprise, title="刀具崩刃",
                                     text="淬火钢加工刀具崩刃", field="new_material")
        chip = services.achievement_register(
            actor=world.institution_user, institution=world.institution, name="MEMS催化燃烧甲烷传感芯片",
            text="功耗低，响应时间小于10秒", field="sensor", form="process", readiness=7, transfer_method="license")
        contract = services.contract_submit(actor=world.enterprise_user, kind="development", title="传感芯片开发",
                                            seller="研究院", buyer=world.enterprise.name,
                                            buyer_enterprise=world.enterprise, amount="200",
                                            signed_on=dt.date(2023, 4, 1))
    return {"demand": demand, "other": other, "chip": chip, "contract": contract}


def test_officer_matches_a_demand_and_records_an_intent(world, records, frozen_now):
    c = client(world.officer)
    demand = records["demand"]
    with frozen_now(2023, 4, 10, 10):
        assert c.post(f"/innovation/demands/{demand.pk}/propose/").status_code == 302
        page = c.get(f"/innovation/demands/{demand.pk}/").content.decode()
        assert "MEMS催化燃烧甲烷传感芯片" in page
        assert "气体检测" in page
        response = c.post(f"/innovation/demands/{demand.pk}/record/",
                          {"achievement": records["chip"].pk, "outcome": "intent"})
    assert response.status_code == 302
    assert Match.objects.get(demand=demand).status == Match.Status.INTENT


def test_officer_registers_a_contract(world, records, frozen_now):
    c = client(world.officer)
    contract = records["contract"]
    with frozen_now(2023, 4, 12, 10):
        bad = c.post(f"/innovation/contracts/{contract.pk}/decide/",
                      {"decision": "register", "classification": "电子信息", "tech_income": "300"})
        assert bad.status_code == 400
        assert 'data-field="tech_income"' in bad.content.decode()
        contract.refresh_from_db()
        assert contract.status == TechContract.Status.SUBMITTED
        c.post(f"/innovation/contracts/{contract.pk}/decide/",
               {"decision": "register", "classification": "电子信息", "tech_income": "180"})
    contract.refresh_from_db()
    assert contract.certificate_no == "4101712023000001K"


def test_enterprise_posts_a_demand_and_sees_only_its_own(world, records, frozen_now):
    c = client(world.enterprise_user)
    with frozen_now(2023, 5, 1, 10):
        bad = c.post("/innovation/demands/new/", {"enterprise": world.enterprise.pk, "title": "", "text": "x",
                                                  "field": "sensor"})
        assert bad.status_code == 400
        assert 'data-field="title"' in bad.content.decode()
        assert TechDemand.objects.count() == 2
        ok = c.post("/innovation/demands/new/", {"enterprise": world.enterprise.pk, "title": "压力监控",
                                                 "text": "液压站油压波动", "field": "sensor", "budget": "50"})
    assert ok.status_code == 302
    listing = c.get("/innovation/demands/").content.decode()
    assert "压力监控" in listing
    assert "刀具崩刃" not in listing
    assert c.get(f"/innovation/demands/{records['other'].pk}/").status_code == 404
    assert c.get("/innovation/").status_code == 403
    assert c.post(f"/innovation/demands/{records['demand'].pk}/propose/").status_code == 403
    assert Match.objects.count() == 0


def test_enterprise_sees_its_contracts(world, records):
    page = client(world.enterprise_user).get("/innovation/contracts/").content.decode()
    assert "传感芯片开发" in page


def test_institution_registers_an_achievement(world, records, frozen_now):
    c = client(world.institution_user)
    with frozen_now(2023, 5, 1, 10):
        response = c.post("/innovation/achievements/new/", {
            "institution": world.institution.pk, "name": "振动监测系统", "text": "三轴加速度", "field": "sensor",
            "form": "software", "ip_numbers": "2023SR0123456", "readiness": "8", "transfer_method": "license"})
    assert response.status_code == 302
    assert Achievement.objects.filter(institution=world.institution).count() == 2
    assert "振动监测系统" in c.get("/innovation/achievements/").content.decode()
    assert c.post("/innovation/achievements/publish/", {"achievement": records["chip"].pk}).status_code == 403
    records["chip"].refresh_from_db()
    assert records["chip"].listed_on is None


def test_leader_reads_the_board_and_may_not_write(world, records):
    c = client(world.leader)
    page = c.get("/innovation/?year=2023")
    assert page.status_code == 200
    assert 'id="kpi-turnover"' in page.content.decode()
    assert c.post(f"/innovation/contracts/{records['contract'].pk}/decide/",
                  {"decision": "refuse", "reason": "x"}).status_code == 403
    records["contract"].refresh_from_db()
    assert records["contract"].status == TechContract.Status.SUBMITTED


def test_export_and_import_with_cell_errors(world, records, frozen_now):
    c = client(world.officer)
    exported = c.get("/innovation/demands/?export=xlsx")
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(exported.content))["技术需求"]
    assert [cell.value for cell in sheet[1]][:4] == ["需求编号", "企业统一社会信用代码*", "企业名称", "需求名称*"]
    assert sheet.max_row == 3
    wb = Workbook()
    ws = wb.active
    ws.title = "技术需求"
    ws.append(["企业统一社会信用代码*", "需求名称*", "需求描述*", "技术领域*", "预算（万元）", "要求技术就绪度"])
    ws.append([world.enterprise.credit_code, "温湿度记录", "冷库温度靠人工抄表", "智能传感器", "30", "6"])
    ws.append(["91410100XXXXXXXXXX", "", "描述", "不存在", "很多", "12"])
    data = io.BytesIO()
    wb.save(data)

    def upload(**extra):
        f = io.BytesIO(data.getvalue())
        f.name = "demands.xlsx"
        return c.post("/innovation/import/?kind=demands", {"file": f, **extra})

    with frozen_now(2023, 6, 1, 10):
        preview = upload().content.decode()
        assert "企业统一社会信用代码: 不在企业库中（或不在您的管辖范围内）" in preview
        assert "需求名称: 不能为空" in preview
        assert "预算（万元）: 应为数字（万元）" in preview
        assert "要求技术就绪度: 应为 1–9 的整数（GB/T 22900-2022）" in preview
        upload(commit="1")
        assert TechDemand.objects.count() == 2
        upload(commit="1", clean_rows_only="1")
    assert TechDemand.objects.count() == 3
    assert TechDemand.objects.filter(title="温湿度记录", enterprise=world.enterprise).exists()


def test_institution_sees_the_demands_its_achievement_may_solve(world, records):
    page = client(world.institution_user).get(f"/innovation/achievements/{records['chip'].pk}/").content.decode()
    assert "车间可燃气体泄漏监测" in page
    assert "刀具崩刃" not in page
    assert "≈气体检测" in page


def test_officer_records_a_transfer_and_completes_milestones_before_acceptance(world, records, frozen_now):
    c = client(world.officer)
    chip = records["chip"]
    with frozen_now(2023, 8, 1, 10):
        assert c.post(f"/innovation/achievements/{chip.pk}/", {"on": "2023-08-01"}).status_code == 302
        project = services.project_apply(actor=world.officer, enterprise=world.enterprise, title="传感器产业化",
                                         field="sensor", level="city", funding_requested="100",
                                         applied_on=dt.date(2023, 3, 1), milestones=[("中期检查", dt.date(2023, 9, 1))])
        services.project_decide(actor=world.officer, project=project, approved=True, on=dt.date(2023, 5, 1),
                                funding_granted="80")
        refused = c.post(f"/innovation/projects/{project.pk}/", {"action": "accept"})
        assert refused.status_code == 409
        milestone = project.milestones.get()
        c.post(f"/innovation/projects/{project.pk}/", {"action": "milestone", "milestone": milestone.pk})
        c.post(f"/innovation/projects/{project.pk}/", {"action": "accept"})
    chip.refresh_from_db()
    project.refresh_from_db()
    assert chip.transferred_on == dt.date(2023, 8, 1)
    assert project.status == "accepted"
    assert c.post(f"/innovation/achievements/{chip.pk}/", {"on": "2023-08-02"}).status_code == 409


def test_cadre_records_a_demand_on_a_visit(world, records, frozen_now):
    from gaoxin.enterprises.services_problems import visit_record

    with frozen_now(2023, 6, 1, 10):
        visit = visit_record(actor=world.cadre, enterprise=world.enterprise, visited_on=dt.date(2023, 6, 1))
        c = client(world.cadre)
        assert c.get("/innovation/demands/new/").status_code == 400
        page = c.get(f"/innovation/demands/new/?visit={visit.pk}").content.decode()
        assert 'id="visit-note"' in page
        response = c.post("/innovation/demands/new/", {"visit": visit.pk, "enterprise": world.enterprise.pk,
                                                       "title": "冷库温度监测", "text": "冷库温度靠人工抄表",
                                                       "field": "sensor"})
    assert response.status_code == 302
    assert TechDemand.objects.get(title="冷库温度监测").visit == visit


HOSTILE = ["99999999999999999999999", "-1", "0000-01-01", "2023-02-30", "\x00", "' OR 1=1 --", "a" * 5000, "\u202e",
           "<script>alert(1)</script>", "²", "٣"]
PAGES = {"/innovation/": ("year",), "/innovation/demands/": ("status", "field", "q", "year", "page"),
         "/innovation/achievements/": ("status", "field", "q", "page"),
         "/innovation/contracts/": ("status", "q", "year"),
         "/innovation/import/": ("kind",), "/talent/applications/": ("program", "status", "q", "year", "page"),
         "/talent/": ("year",)}


@pytest.mark.parametrize("url", list(PAGES))
def test_hostile_query_parameters_never_make_a_server_error(world, records, url):
    c = Client(raise_request_exception=False)
    c.force_login(world.admin)
    for name in PAGES[url]:
        for value in HOSTILE:
            status = c.get(url, {name: value}).status_code
            assert status in (200, 404), (url, name, value, status)


def test_posted_garbage_ids_are_refused_not_errors(world, records):
    c = Client(raise_request_exception=False)
    c.force_login(world.officer)
    demand = records["demand"]
    assert c.post(f"/innovation/demands/{demand.pk}/record/", {"achievement": "abc", "outcome": "intent"}
                  ).status_code == 404
    assert c.post("/innovation/demands/new/", {"enterprise": "²", "title": "x", "text": "y"}).status_code == 400
    assert c.post("/innovation/achievements/new/", {"institution": "-1"}).status_code == 400
    assert Match.objects.count() == 0


def _contracts_workbook(*rows: list) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "技术合同"
    ws.append(["合同类别*", "合同名称*", "卖方*", "卖方企业统一社会信用代码", "买方*", "买方企业统一社会信用代码",
               "合同成交额（万元）*", "签订日期*"])
    for row in rows:
        ws.append(row)
    data = io.BytesIO()
    wb.save(data)
    data.seek(0)
    data.name = "contracts.xlsx"
    return data


def test_contracts_import_for_recognition_with_cell_errors(world, records, frozen_now):
    """技术合同 in Excel (issue 22, item 8): each row a contract submitted for recognition, checked as the page's
    form is, every bad cell named; nothing written while a row is wrong; the export imports again."""
    ent = client(world.enterprise_user)
    listing = ent.get("/innovation/contracts/").content.decode()
    assert 'href="/innovation/import/?kind=contracts"' in listing
    template = ent.get("/innovation/import/?kind=contracts&template=1")
    headers = [cell.value for cell in load_workbook(io.BytesIO(template.content))["技术合同"][1]]
    assert headers == ["受理编号", "合同类别*", "合同名称*", "卖方*", "卖方企业统一社会信用代码", "买方*",
                       "买方企业统一社会信用代码", "合同成交额（万元）*", "签订日期*", "状态", "技术交易额（万元）",
                       "登记证明编号", "认定时限"]
    other = world.other_enterprise.credit_code
    bad = _contracts_workbook(
        ["技术开发", "传感模组开发", "研究院", "", "企业", world.enterprise.credit_code, "120.5", "2023-05-20"],
        ["技术赠与", "", "研究院", "", "企业", other, "abc", "2099-01-01"],  # another enterprise's contract
        ["技术服务", "检测服务", "研究院", "91410100XXXXXXXXXX", "企业", world.enterprise.credit_code, "0",
         "2023-13-40"],
        ["技术咨询", "工艺咨询", "研究院", "", "企业", world.enterprise.credit_code, "10", ""],  # no date
    )
    before = TechContract.objects.count()
    with frozen_now(2023, 6, 1, 10):
        preview = ent.post("/innovation/import/?kind=contracts", {"file": bad}).content.decode()
        for text in ("合同类别: 应为 技术开发、技术转让、技术许可、技术咨询、技术服务 之一", "合同名称: 不能为空",
                     "合同成交额（万元）: 应为数字（万元）", "签订日期: 不能晚于今天",
                     "卖方企业统一社会信用代码: 只能为本企业作为合同一方的技术合同申请登记",
                     "卖方企业统一社会信用代码: 不在企业库中", "合同成交额（万元）: 应大于 0",
                     "签订日期: 日期格式应为 YYYY-MM-DD",
                     '<td>5</td><td class="error">签订日期: 不能为空</td>'):
            assert text in preview, text
        bad.seek(0)
        refused = ent.post("/innovation/import/?kind=contracts", {"file": bad, "commit": "1"}).content.decode()
        assert 'id="preview"' in refused
        assert TechContract.objects.count() == before
        good = _contracts_workbook(
            ["技术开发", "传感模组开发", "研究院", "", "企业", world.enterprise.credit_code, "120.5", "2023-05-20"])
        done = ent.post("/innovation/import/?kind=contracts", {"file": good, "commit": "1"}).content.decode()
    assert 'id="import-result"' in done
    made = TechContract.objects.get(title="传感模组开发")
    assert (made.kind, made.amount, made.buyer_enterprise, made.status, made.submitted_by) == (
        "development", 120.5, world.enterprise, "submitted", world.enterprise_user)
    assert list(made.events.values_list("action", flat=True)) == ["submit"]
    # The officer's export carries the parties' credit codes and imports again (as new submissions).
    exported = client(world.officer).get("/innovation/contracts/?export=xlsx")
    sheet = load_workbook(io.BytesIO(exported.content))["技术合同"]
    header = [cell.value for cell in sheet[1]]
    row = {h: sheet.cell(2, i + 1).value for i, h in enumerate(header)}
    assert world.enterprise.credit_code in (row["买方企业统一社会信用代码"], sheet.cell(3, header.index(
        "买方企业统一社会信用代码") + 1).value)
    # Roles that may not submit contracts are refused the import and nothing is written.
    with frozen_now(2023, 6, 1, 10):
        good.seek(0)
        response = client(world.leader).post("/innovation/import/?kind=contracts", {"file": good, "commit": "1"})
    assert response.status_code == 403
    assert TechContract.objects.count() == before + 1

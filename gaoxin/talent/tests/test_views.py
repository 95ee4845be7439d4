"""Talent pages per role: masked lists, the audited reveal, review and approval by the talent officer, the
enterprise's application, the leader's board, forbidden actions that change nothing."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from gaoxin.talent import services
from gaoxin.talent.models import TalentApplication, TalentProgram

pytestmark = pytest.mark.django_db
ID = "11010519491231002X"


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def application(world, frozen_now):
    with frozen_now(2023, 9, 28, 10):
        return services.application_submit(actor=world.enterprise_user,
                                           program=TalentProgram.objects.get(code="urgent_talent"),
                                           enterprise=world.enterprise, person_name="李明", id_number=ID,
                                           phone="13800138000")


def test_officer_sees_masked_data_reveals_with_a_reason_and_approves(world, application, frozen_now):
    c = client(world.talent_officer)
    listing = c.get("/talent/applications/").content.decode()
    assert "110***********002X" in listing
    assert ID not in listing
    assert "李*" in listing
    page = c.post(f"/talent/applications/{application.pk}/", {"action": "reveal", "reason": "核对学历"})
    assert ID in page.content.decode()
    assert application.events.filter(action="reveal", actor=world.talent_officer).count() == 1
    with frozen_now(2023, 10, 9, 10):
        c.post(f"/talent/applications/{application.pk}/decide/", {"action": "pass"})
        c.post(f"/talent/applications/{application.pk}/decide/", {"action": "approve", "subsidy": "8"})
    application.refresh_from_db()
    assert application.status == TalentApplication.Status.APPROVED
    assert str(application.subsidy) == "8.00"


def test_export_is_masked(world, application):
    response = client(world.talent_officer).get("/talent/applications/?export=xlsx")
    ws = load_workbook(io.BytesIO(response.content))["人才申报"]
    assert [c.value for c in ws[2]][3:6] == ["李*", "110***********002X", "138****8000"]


def test_enterprise_applies_and_cannot_decide(world, frozen_now):
    c = client(world.enterprise_user)
    program = TalentProgram.objects.get(code="urgent_talent")
    with frozen_now(2023, 9, 28, 10):
        bad = c.post("/talent/applications/new/", {"program": program.pk, "person_name": "王强",
                                                   "id_number": "110105194912310021"})
        assert bad.status_code == 400
        assert 'data-field="id_number"' in bad.content.decode()
        assert TalentApplication.objects.count() == 0
        ok = c.post("/talent/applications/new/", {"program": program.pk, "person_name": "王强", "id_number": ID})
    assert ok.status_code == 302
    created = TalentApplication.objects.get()
    assert c.post(f"/talent/applications/{created.pk}/decide/", {"action": "pass"}).status_code == 403
    created.refresh_from_db()
    assert created.status == TalentApplication.Status.SUBMITTED
    reveal = c.post(f"/talent/applications/{created.pk}/", {"action": "reveal", "reason": "看看"})
    assert reveal.status_code == 403
    assert created.events.filter(action="reveal").count() == 0


def test_leader_board_and_innovation_officer_is_not_a_talent_officer(world, application):
    assert client(world.leader).get("/talent/?year=2023").status_code == 200
    assert client(world.officer).get("/talent/applications/").status_code == 403


def _applications_workbook(*rows: list):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "人才批量申报"
    ws.append(["人才计划*", "用人单位统一社会信用代码", "姓名*", "身份证号", "联系电话", "团队名称", "团队人数", "学历",
               "岗位"])
    for row in rows:
        ws.append(row)
    data = io.BytesIO()
    wb.save(data)
    data.seek(0)
    data.name = "talent.xlsx"
    return data


def test_applications_import_with_cell_errors(world, frozen_now):
    """人才批量申报 (issue 22, item 8): an enterprise applies for several people at once; every bad cell named,
    nothing written while a row is wrong; an officer names the employer; other roles are refused."""
    ent = client(world.enterprise_user)
    assert 'href="/talent/applications/import/"' in ent.get("/talent/applications/").content.decode()
    template = ent.get("/talent/applications/import/?template=1")
    assert [c.value for c in load_workbook(io.BytesIO(template.content))["人才批量申报"][1]][:3] == [
        "人才计划*", "用人单位统一社会信用代码", "姓名*"]
    before = TalentApplication.objects.count()
    bad = _applications_workbook(
        ["郑州市重点产业急需紧缺人才", "", "李明", "11010519491231002X", "13800138000", "", "", "博士", "研发负责人"],
        ["不存在的计划", "", "王芳", "", "", "", "", "", ""],
        ["郑州市重点产业急需紧缺人才", world.other_enterprise.credit_code, "赵强", "110105194912310021", "123", "", "",
         "", ""],
        ["郑州市创新创业团队", "", "钱军", "", "", "", "1", "", ""],
    )
    with frozen_now(2023, 9, 1, 10):
        preview = ent.post("/talent/applications/import/", {"file": bad}).content.decode()
        for text in ("人才计划: 未知的人才计划", "用人单位统一社会信用代码: 只能为本企业申报人才",
                     "联系电话: 应为 11 位手机号", "团队名称: 团队项目必须填写", "团队人数: 团队至少 2 人"):
            assert text in preview, text
        assert "11010519491231002X" not in preview  # no personal data echoed back
        bad.seek(0)
        marked = load_workbook(io.BytesIO(ent.post("/talent/applications/import/",
                                                   {"file": bad, "errors": "1"}).content))["人才批量申报"]
        notes = [marked.cell(r, marked.max_column).value for r in range(1, 6)]
        assert notes[0] == "错误说明"
        assert notes[1] is None
        assert "联系电话: 应为 11 位手机号" in notes[3]
        bad.seek(0)
        refused = ent.post("/talent/applications/import/", {"file": bad, "commit": "1"})
        assert refused.status_code == 400
        assert TalentApplication.objects.count() == before
        good = _applications_workbook(
            ["郑州市重点产业急需紧缺人才", "", "李明", "11010519491231002X", "13800138000", "", "", "博士",
             "研发负责人"],
            ["urgent_talent", world.enterprise.credit_code, "王芳", "", "", "", "", "硕士", ""])
        done = ent.post("/talent/applications/import/", {"file": good, "commit": "1"}).content.decode()
    assert 'id="import-result"' in done
    made = list(TalentApplication.objects.order_by("number").values_list("person_name", "enterprise_id", "status",
                                                                          "submitted_by_id"))[before:]
    assert made == [("李明", world.enterprise.pk, "submitted", world.enterprise_user.pk),
                    ("王芳", world.enterprise.pk, "submitted", world.enterprise_user.pk)]
    # The officer must name the employer; the leader may not import at all.
    officer = client(world.talent_officer)
    with frozen_now(2023, 9, 1, 10):
        nameless = _applications_workbook(["郑州市重点产业急需紧缺人才", "", "孙丽", "", "", "", "", "", ""])
        assert "用人单位统一社会信用代码: 不能为空" in officer.post("/talent/applications/import/",
                                                                  {"file": nameless}).content.decode()
        nameless.seek(0)
        assert client(world.leader).post("/talent/applications/import/",
                                         {"file": nameless, "commit": "1"}).status_code == 403
    assert TalentApplication.objects.count() == before + 2

"""The pages of each role, through the Django client: what each sees, what it may do, and refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from gaoxin.core import clock
from gaoxin.ledgers import services
from gaoxin.ledgers.definition import markdown_to_xlsx, read_xlsform
from gaoxin.ledgers.models import LedgerEntry, LedgerVersion
from gaoxin.ledgers.tests.conftest import FORM, at, good

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_designer_imports_and_publishes(env):
    c = client(env.admin)
    body = markdown_to_xlsx(FORM.replace("| 1 | GX-D02 |", "| 2 | GX-D02 |"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = c.post("/ledgers/design/", {"file": SimpleUploadedFile("housing.xlsx", body)})
    assert r.status_code == 302
    v2 = LedgerVersion.objects.get(ledger=env.ledger, number=2)
    assert v2.status == "draft"
    assert c.post(f"/ledgers/versions/{v2.pk}/publish/").status_code == 302
    v2.refresh_from_db()
    assert v2.status == "published"
    r = c.get(f"/ledgers/versions/{v2.pk}/xlsform.xlsx")
    assert r.status_code == 200
    bad = c.post("/ledgers/design/", {"file": SimpleUploadedFile("x.xlsx", b"nope")})
    assert bad.status_code == 400
    assert "XLSForm 无法读取" in bad.content.decode()
    assert client(env.filler_a).get("/ledgers/design/").status_code == 403
    sample = c.get("/ledgers/design/sample.xlsx")
    assert sample.status_code == 200
    assert read_xlsform(sample.content).code == "guaranteed_delivery"
    assert client(env.filler_a).get("/ledgers/design/sample.xlsx").status_code == 403


def test_filler_sees_what_is_due_and_fills_the_generated_form(env):
    c = client(env.filler_a)
    with clock.frozen(at(2023, 5, 20)):
        html = c.get("/ledgers/mine/?year=2023").content.decode()
        assert html.count('data-ledger="housing"') == 2  # Q1 (late: due 04-10) and Q2
        assert "逾期未报" in html
        form = c.get("/ledgers/housing/fill/?unit=GX-S01&period=2023Q1").content.decode()
        assert 'name="delivered" type="number" step="1"' in form
        r = c.post("/ledgers/housing/fill/", {"unit": "GX-S01", "period": "2023Q1", "action": "submit",
                                              **good(delivered="121", deed="yes")})
        assert r.status_code == 400
        assert "已交付套数（套）：应不大于“应交付套数”" in r.content.decode()
        assert LedgerEntry.objects.count() == 0
        r = c.post("/ledgers/housing/fill/", {"unit": "GX-S01", "period": "2023Q1", "action": "submit",
                                              **good(deed="yes")})
        assert r.status_code == 302
    entry = LedgerEntry.objects.get()
    assert (entry.state, entry.is_late) == ("submitted", True)
    # Another street may not fill for this one, nor see its entry.
    other = client(env.filler_b)
    r = other.post("/ledgers/housing/fill/", {"unit": "GX-S01", "period": "2023Q1", "action": "submit", **good()})
    assert r.status_code == 400
    assert other.get(f"/ledgers/entries/{entry.pk}/").status_code == 404
    assert LedgerEntry.objects.count() == 1


def test_reviewer_approves_and_returns_from_the_queue(env):
    a = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                              period_start=dt.date(2023, 1, 1), values=good(), submit=True)
    b = services.entry_create(actor=env.filler_b, ledger=env.ledger, org_unit=env.filler_b.org_unit,
                              period_start=dt.date(2023, 1, 1), values=good(project="P002"), submit=True)
    c = client(env.reviewer)
    html = c.get("/ledgers/review/").content.decode()
    assert f'data-entry="{a.pk}"' in html
    assert f'data-entry="{b.pk}"' in html
    assert c.post(f"/ledgers/entries/{a.pk}/", {"action": "approve"}).status_code == 302
    r = c.post(f"/ledgers/entries/{b.pk}/", {"action": "return", "reason": ""})
    assert r.status_code == 400
    assert c.post(f"/ledgers/entries/{b.pk}/", {"action": "return", "reason": "项目编号有误"}).status_code == 302
    assert list(LedgerEntry.objects.order_by("pk").values_list("state", "reason")) == [
        ("approved", ""), ("returned", "项目编号有误")]
    # A filler cannot approve.
    b2 = services.entry_update(actor=env.filler_b, entry=b, values=good(project="P002"), submit=True)
    assert client(env.filler_a).post(f"/ledgers/entries/{b2.pk}/", {"action": "approve"}).status_code == 404
    assert client(env.filler_b).post(f"/ledgers/entries/{b2.pk}/", {"action": "approve"}).status_code == 403


def test_leader_board_lights_and_drill_down(env):
    a = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                              period_start=dt.date(2023, 1, 1), values=good(delivered="30", planned="40"),
                              submit=True)
    services.entry_approve(actor=env.reviewer, entry=a)
    c = client(env.leader)
    with clock.frozen(at(2023, 4, 20)):
        html = c.get("/ledgers/board/?year=2023").content.decode()
    # Target 100 for S01; 30 done with one of four quarters due: 30.0 % ≥ 25 % → green.
    assert 'class="light-green" data-ledger="housing" data-unit="GX-S01"' in html
    assert '<td class="rate">30.0%</td>' in html
    with clock.frozen(at(2023, 7, 20)):
        html = c.get("/ledgers/board/?year=2023").content.decode()
    assert 'class="light-red" data-ledger="housing" data-unit="GX-S01"' in html  # Q2 not reported by 07-10
    drill = c.get("/ledgers/housing/entries/?year=2023&unit=GX-S01").content.decode()
    assert f'data-entry="{a.pk}"' in drill
    assert client(env.filler_a).get("/ledgers/board/").status_code == 403


def test_entry_page_shows_the_history_in_words(env):
    entry = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                  period_start=dt.date(2023, 1, 1), values=good(), submit=True)
    services.entry_return(actor=env.reviewer, entry=entry, reason="佐证不足")
    html = client(env.filler_a).get(f"/ledgers/entries/{entry.pk}/").content.decode()
    assert '<tr data-action="return"><td>' in html
    assert "<td>退回</td><td>待审核 → 已退回</td>" in html
    assert "退回原因：佐证不足" in html
    assert 'name="delivered" type="number" step="1" inputmode="decimal" value="100"' in html  # editable again


def test_upload_checked_first_then_committed(env):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from gaoxin.ledgers.tests.test_excel import MIXED, upload

    c = client(env.filler_a)
    body = upload(env, MIXED)
    r = c.post("/ledgers/housing/upload/", {"action": "check", "file": SimpleUploadedFile("u.xlsx", body)})
    assert r.status_code == 400
    ws = load_workbook(io.BytesIO(r.content))["保交楼测试台账"]
    errors = [ws.cell(n, ws.max_column).value for n in range(2, 6)]
    assert errors[0] in (None, "")
    assert errors[1] == "填报单位: “沟赵办事处”不是您可以填报的单位"
    assert LedgerEntry.objects.count() == 0
    r = c.post("/ledgers/housing/upload/", {"action": "commit", "file": SimpleUploadedFile("u.xlsx", body)})
    assert r.status_code == 400
    assert "台账有 2 行错误，未导入任何数据" in r.content.decode()
    assert LedgerEntry.objects.count() == 0
    r = c.post("/ledgers/housing/upload/", {"action": "commit", "clean_rows_only": "1",
                                            "file": SimpleUploadedFile("u.xlsx", body)})
    assert "已报送 2 条。" in r.content.decode()
    assert LedgerEntry.objects.count() == 2
    clean = upload(env, [MIXED[0]])
    r = c.post("/ledgers/housing/upload/", {"action": "check", "file": SimpleUploadedFile("u.xlsx", clean)})
    assert "检查通过：1 行无误" in r.content.decode()
    assert LedgerEntry.objects.count() == 2


def test_roles_outside_the_ledgers_see_nothing(env, make_user):
    from gaoxin.accounts.roles import Role

    entry = services.entry_create(actor=env.filler_a, ledger=env.ledger, org_unit=env.filler_a.org_unit,
                                  period_start=dt.date(2023, 1, 1), values=good(), submit=True)
    for user in (make_user(Role.CITIZEN, None), make_user(Role.HANDLER, env.filler_b.org_unit)):
        c = client(user)
        home = c.get("/ledgers/").content.decode()
        assert "暂无可见的台账" in home
        assert "保交楼测试台账" not in home
        listing = c.get("/ledgers/housing/entries/?year=2023").content.decode()
        assert "共 0 条" in listing
        assert c.get(f"/ledgers/entries/{entry.pk}/").status_code == 404
        assert c.get("/ledgers/review/").content.decode().count("data-entry=") == 0
        assert c.get("/ledgers/board/").status_code == 403

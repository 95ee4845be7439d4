"""The policy pages per role: the officer runs matching, reads a decision's trace, publishes a notice, handles an
objection and closes it; the enterprise sees only its own, confirms its account, uses the calculator and
applies; 财政金融局 pays and exports the treasury's list; the leader reads; the others are refused."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from gaoxin.policies import services
from gaoxin.policies.models import Decision, Notice, PaymentBatch

pytestmark = pytest.mark.django_db


def test_officer_runs_matching_and_reads_the_trace(client, world, catalog, frozen_now):
    client.force_login(world.officer)
    with frozen_now(2023, 3, 1, 9):
        response = client.post("/policies/", {"on": "2023-03-01"})
    assert response.status_code == 200
    assert Decision.objects.count() == 6
    assert "新匹配 6 项" in response.content.decode()
    rd = Decision.objects.get(item__code="gx2023_rd_subsidy")
    page = client.get(f"/policies/decisions/{rd.pk}/").content.decode()
    assert "上年度研发费用不低于 300 万元" in page
    assert "400.00 万元" in page
    figures = world.sensor.annual_figures.get(year=2022)
    assert f'href="#figures-{figures.pk}"' in page  # the fact's link, to the record shown on the page
    assert f'id="figures-{figures.pk}"' in page
    assert client.get("/policies/catalog/GX2023-02/").status_code == 200
    assert client.get("/policies/reconciliation/?year=2023").status_code == 200


def test_enterprise_sees_its_own_confirms_and_applies(client, world, catalog, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        services.matching_run(actor=world.officer)
    client.force_login(world.sensor_user)
    listed = client.get("/policies/decisions/").content.decode()
    assert "郑州示例传感科技有限公司" in listed
    assert "郑州巨人装备有限公司" not in listed
    other = Decision.objects.filter(enterprise=world.giant).first()
    assert other is not None
    assert client.get(f"/policies/decisions/{other.pk}/").status_code == 404
    mine = Decision.objects.get(item__code="gx2023_tech_sme_award")
    response = client.post(f"/policies/decisions/{mine.pk}/", {"action": "confirm", "bank_name": "中原银行",
                                                               "bank_account": "abc"})
    assert response.status_code == 400
    assert 'data-field="bank_account"' in response.content.decode()
    assert Decision.objects.get(pk=mine.pk).status == Decision.Status.MATCHED
    with frozen_now(2023, 3, 2, 9):
        client.post(f"/policies/decisions/{mine.pk}/", {"action": "confirm", "bank_name": "中原银行",
                                                        "bank_account": "6222020200112233"})
    assert Decision.objects.get(pk=mine.pk).status == Decision.Status.CONFIRMED
    with frozen_now(2023, 5, 8, 9):
        calc = client.get("/policies/calculator/").content.decode()
        assert "calc-eligible" in calc
        assert "/policies/apply/gx2023_jobs_subsidy/" in calc
        response = client.post("/policies/apply/gx2023_jobs_subsidy/", {
            "materials": ["社保缴费证明"], "bank_name": "中原银行", "bank_account": "6222020200112233"})
    applied = Decision.objects.get(item__code="gx2023_jobs_subsidy")
    assert response.status_code == 302
    with frozen_now(2026, 3, 1, 9):  # a later day: the 2025 figures are not reported; the calculator on a date
        assert "calc-eligible" not in client.get("/policies/calculator/").content.decode()
        earlier = client.get("/policies/calculator/?on=2023-05-08").content.decode()
    assert "calc-eligible" in earlier
    assert "/policies/apply/" not in earlier  # an application is judged on the day it is made
    assert (applied.status, applied.amount_fen) == (Decision.Status.APPLIED, 3_000_000)


def test_notice_objection_and_payment_through_the_pages(client, world, catalog, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        services.matching_run(actor=world.officer)
    tech = Decision.objects.get(item__code="gx2023_tech_sme_award")
    with frozen_now(2023, 3, 2, 9):
        services.decision_confirm(actor=world.sensor_user, decision=tech, bank_name="中原银行",
                                  bank_account="6222020200112233")
        client.force_login(world.officer)
        response = client.post("/policies/decisions/", {"action": "notice", "title": "第一批公示",
                                                        "decision": [str(tech.pk)]})
    notice = Notice.objects.get()
    assert response.url == f"/policies/notices/{notice.pk}/"
    with frozen_now(2023, 3, 3, 9):
        client.post(f"/policies/decisions/{tech.pk}/", {"action": "object", "objector": "张某", "text": "不符合",
                                                        "received_on": "2023-03-03"})
        objection = tech.objections.get()
        client.post(f"/policies/notices/{notice.pk}/", {"objection": objection.pk, "action": "dismiss",
                                                        "answer": "经核查符合条件"})
    with frozen_now(2023, 3, 10, 9):
        client.post(f"/policies/notices/{notice.pk}/", {"action": "close"})
    assert Decision.objects.get(pk=tech.pk).status == Decision.Status.CLEARED
    client.force_login(world.finance)
    with frozen_now(2023, 3, 20, 9):
        response = client.post("/policies/decisions/", {"action": "pay", "decision": [str(tech.pk)]})
    batch = PaymentBatch.objects.get()
    assert response.url == f"/policies/batches/{batch.pk}/"
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/policies/batches/{batch.pk}/?export=xlsx").content))
    rows = list(sheet["拨付清单"].iter_rows(values_only=True))
    assert rows[1][2:7] == (world.sensor.credit_code, "郑州示例传感科技有限公司", "中原银行", "6222020200112233",
                            50000)
    client.force_login(world.leader)
    board = client.get("/policies/?year=2023").content.decode()
    assert "5.00" in board  # 5 万元 net paid
    assert '<a class="kpi-value" id="kpi-policies" href="/policies/reconciliation/?year=2023">1</a>' in board
    assert client.post(f"/policies/decisions/{tech.pk}/", {"action": "clawback", "amount": "1",
                                                           "reason": "x"}).status_code == 403
    assert Decision.objects.get(pk=tech.pk).clawed_back_fen == 0


@pytest.mark.parametrize("url", ["/policies/", "/policies/notices/", "/policies/batches/",
                                 "/policies/reconciliation/"])
def test_enterprise_and_handlers_may_not_open_the_office_pages(client, world, url, make_user, org):
    client.force_login(world.sensor_user)
    assert client.get(url).status_code == 403
    from gaoxin.accounts.roles import Role
    client.force_login(make_user(Role.HANDLER, org.construction, username="zj"))
    assert client.get(url).status_code == 403
    assert client.get("/policies/decisions/").status_code == 403


def test_a_rules_file_becomes_a_draft_policy(client, world, frozen_now):
    from gaoxin.policies.services import catalog_files
    text = catalog_files()[2].read_text(encoding="utf-8").replace("GX2023-03", "GX2023-99").replace(
        "gx2023_scale_up", "gx2023_scale_up_b")
    client.force_login(world.officer)
    from django.core.files.uploadedfile import SimpleUploadedFile
    with frozen_now(2023, 1, 3, 9):
        response = client.post("/policies/catalog/", {"file": SimpleUploadedFile("p.yaml", text.encode())})
    assert response.url == "/policies/catalog/GX2023-99/"
    response = client.post("/policies/catalog/GX2023-99/", {"action": "publish"})
    assert response.status_code == 302
    bad = client.post("/policies/catalog/", {"file": SimpleUploadedFile("p.yaml", b"code: [x")})
    assert bad.status_code == 400
    assert 'data-field="file"' in bad.content.decode()
    assert dt.date(2023, 1, 1)

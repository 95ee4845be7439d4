import io
from decimal import Decimal

from django.test import Client

from gaoxin.indicators.models import Submission

from .conftest import approved


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_dashboard_lists_values_with_share_growth_rank_and_provenance(officers, grid_layer):
    approved(officers, "F001", 2)
    from gaoxin.indicators import services

    services.reference_values_ensure(year=2023)
    response = login(officers.approver).get("/indicators/?year=2023")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/indicators/F111/?year=2023"' in html  # F111 computed from the grid table: its records
    assert ">2个</a>" in html
    assert 'href="/indicators/F002/?year=2023"' in html  # F001's share
    assert ">40%</a>" in html
    assert "222.5亿元" in html  # F014's target (annual plan)


def test_dashboard_is_refused_to_a_citizen(officers):
    response = login(officers.citizen).get("/indicators/")
    assert response.status_code == 403


def test_catalog_and_detail_pages(officers):
    client = login(officers.officer)
    html = client.get("/indicators/catalog/").content.decode()
    assert html.count("<tr id=") == 118
    assert "受理量" in html
    detail = client.get("/indicators/F113/?year=2023").content.decode()
    assert "cases.metrics" in detail
    assert '<td class="records-count">0</td>' in detail
    assert "/cases/?reg_from" not in detail  # a single case list would not add up to the figure


def test_submission_pages_form_and_workflow(officers):
    client = login(officers.officer)
    response = client.post("/indicators/submissions/", {"indicator": "F011", "value": "x", "year": "2023"})
    assert response.status_code == 400
    assert Submission.objects.count() == 0
    evidence = io.BytesIO(b"%PDF-1.4 x")
    evidence.name = "台账.pdf"
    response = client.post("/indicators/submissions/", {"indicator": "F011", "value": "434.6", "year": "2023",
                                                        "evidence": evidence})
    sub = Submission.objects.get()
    assert response.status_code == 302
    assert sub.evidence.count() == 1
    assert client.post(f"/indicators/submissions/{sub.pk}/", {"action": "submit"}).status_code == 302
    denied = client.post(f"/indicators/submissions/{sub.pk}/", {"action": "approve"})
    assert denied.status_code == 403
    sub.refresh_from_db()
    assert sub.status == "submitted"
    assert login(officers.approver).post(f"/indicators/submissions/{sub.pk}/", {"action": "approve"}).status_code == 302
    sub.refresh_from_db()
    assert sub.status == "approved"
    # The change log in words, not the stored codes.
    log = client.get(f"/indicators/submissions/{sub.pk}/").content.decode()
    log = log[log.index("变更记录"):]
    for words in ("<td>新建</td>", "<td>提交审核</td>", "<td>草稿 → 已提交</td>", "<td>审核通过</td>",
                  "<td>已提交 → 已审核</td>"):
        assert words in log, words
    assert "submitted" not in log


def test_template_download_and_upload_pages(officers):
    client = login(officers.officer)
    response = client.get("/indicators/template.xlsx?year=2023")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxml")
    bad = io.BytesIO(b"nope")
    bad.name = "x.xlsx"
    response = client.post("/indicators/upload/", {"file": bad})
    assert response.status_code == 400
    assert "无法读取" in response.content.decode()


def test_dashboard_queries_do_not_grow_with_the_records(officers, grid_layer, staff, make_enterprise,
                                                        django_assert_max_num_queries):
    from gaoxin.enterprises import services as enterprise_services
    from gaoxin.indicators import services

    services.simulated_submissions_ensure(year=2023)
    client = login(officers.approver)
    # one "rests on simulated records?" per computed figure; issue 22 adds 12 figures of 2 queries each; the
    # the finance figures of issue 19 added after F063–F064 (F065–F071, F092–F093) add 9 (measured)
    with django_assert_max_num_queries(80 + 2 * 12 + 9) as small:
        client.get("/indicators/?year=2023")
    for code in ("tech_sme", "gazelle_prov", "srdi_prov"):
        for _ in range(3):
            enterprise_services.qualification_award_create(actor=staff.admin, enterprise=make_enterprise(),
                                                           qualification_type=code, year=2023)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get("/indicators/?year=2023")


def test_pages_default_to_the_reporting_year_not_the_calendar_year(officers, frozen_now):
    from gaoxin.indicators import services

    client = login(officers.officer)
    with frozen_now(2026, 3, 1, 9):
        html = client.get("/indicators/submissions/").content.decode()
        assert "<h1>2025 年指标填报</h1>" in html
        assert 'href="/indicators/template.xlsx?year=2025"' in html
        assert 'name="year" value="2025"' in html  # the year switch starts at it
        template = client.get("/indicators/template.xlsx")
        assert template["Content-Disposition"] == 'attachment; filename="indicators-GX-D10-2025.xlsx"'
        assert "<h1>2024 年指标填报</h1>" in client.get("/indicators/submissions/?year=2024").content.decode()
        # A platform holding a simulated year (the demo) reports on that year.
        services.simulated_submissions_ensure(year=2023)
        assert "<h1>2023 年指标填报</h1>" in client.get("/indicators/submissions/").content.decode()
        assert "2023 年指标看板" in login(officers.approver).get("/indicators/").content.decode()


def test_the_downloaded_template_filled_and_uploaded_through_the_pages(officers):
    from openpyxl import load_workbook

    from gaoxin.indicators import excel

    approved(officers, "F013", "58")  # issue 15 #6: an approved value must not make the filled template fail
    client = login(officers.officer)
    template = client.get("/indicators/template.xlsx?year=2023").content
    wb = load_workbook(io.BytesIO(template))
    ws = wb[excel.SHEET]
    for row in ws.iter_rows(min_row=2):
        row[3].value = {"F011": 434.6, "F014": 228.1}.get(row[0].value)
    upload = io.BytesIO()
    wb.save(upload)
    upload.seek(0)
    upload.name = "indicators-GX-D10-2023.xlsx"
    response = client.post("/indicators/upload/", {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "已保存 2 项草稿" in html
    unchanged = io.BytesIO(template)
    unchanged.name = "indicators-GX-D10-2023.xlsx"
    response = client.post("/indicators/upload/", {"file": unchanged})
    assert response.status_code == 400
    assert "没有需要导入的内容" in response.content.decode()


def test_the_submission_page_offers_only_the_actions_the_user_may_take(officers):
    from gaoxin.indicators import services

    services.simulated_submissions_ensure(year=2023)
    sub = Submission.objects.get(indicator__ref="F005", period="2023")
    officer, approver = login(officers.officer), login(officers.approver)
    html = officer.get(f"/indicators/submissions/{sub.pk}/").content.decode()
    assert 'value="supersede"' in html
    assert "审核通过" not in html
    assert 'value="supersede"' not in approver.get(f"/indicators/submissions/{sub.pk}/").content.decode()
    response = officer.post(f"/indicators/submissions/{sub.pk}/", {"action": "supersede", "value": "3980"})
    assert response.status_code == 302
    sub.refresh_from_db()
    assert (sub.is_simulated, sub.status, sub.value) == (False, "draft", Decimal("3980"))
    officer.post(f"/indicators/submissions/{sub.pk}/", {"action": "evidence", "evidence": _pdf()})
    officer.post(f"/indicators/submissions/{sub.pk}/", {"action": "submit"})
    html = officer.get(f"/indicators/submissions/{sub.pk}/").content.decode()
    assert "审核通过" not in html  # the submitter never sees the reviewer's buttons
    assert "审核通过" in approver.get(f"/indicators/submissions/{sub.pk}/").content.decode()
    assert approver.post(f"/indicators/submissions/{sub.pk}/", {"action": "approve"}).status_code == 302
    refused = officer.post(f"/indicators/submissions/{sub.pk}/", {"action": "withdraw", "reason": ""})
    assert refused.status_code == 400
    sub.refresh_from_db()
    assert sub.status == "approved"
    assert officer.post(f"/indicators/submissions/{sub.pk}/",
                        {"action": "withdraw", "reason": "来源有误"}).status_code == 302
    sub.refresh_from_db()
    assert sub.status == "withdrawn"


def test_the_template_leaves_simulated_values_blank_for_the_real_ones(officers):
    from openpyxl import load_workbook

    from gaoxin.indicators import services

    services.simulated_submissions_ensure(year=2023)
    book = load_workbook(io.BytesIO(login(officers.officer).get("/indicators/template.xlsx?year=2023").content))
    sheet = book.worksheets[0]
    rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "F005"]
    assert rows
    assert rows[0][3] is None
    assert "模拟数据" in str(rows[0])


def _pdf():
    f = io.BytesIO(b"%PDF-1.4 x")
    f.name = "证明.pdf"
    return f

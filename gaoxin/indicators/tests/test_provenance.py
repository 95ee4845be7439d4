"""Every figure opens on its indicator page, whose records add up to it (issue #14: provenance that adds up)."""

import io

from django.test import Client
from openpyxl import load_workbook

from gaoxin.enterprises import services as enterprise_services
from gaoxin.grids.models import Grid
from gaoxin.indicators import provenance, services
from gaoxin.indicators.figures import figure_values, system_actor

from .conftest import approved


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_count_figure_lists_its_records_and_adds_up(officers, grid_layer):
    client = login(officers.approver)
    html = client.get("/indicators/F112/?year=2023").content.decode()
    assert '<td class="records-count">4</td>' in html
    assert '<td class="records-total">4个</td>' in html
    assert '<td class="adds-up">✓ 一致</td>' in html
    for grid in Grid.objects.filter(level=Grid.Level.MICRO):
        assert f"<td>{grid.code}</td>" in html
    data = client.get("/indicators/F112/?year=2023&format=json").json()
    micro = sorted(Grid.objects.filter(level=Grid.Level.MICRO).values_list("pk", flat=True))
    assert (data["value"], data["total"], data["count"], data["adds_up"]) == (4, 4, 4, True)
    assert data["records"] == micro
    assert data["model"] == "grids.Grid"
    assert data["definition"]


def test_a_rate_adds_up_from_numerator_and_denominator(catalog, staff, make_enterprise):
    from gaoxin.enterprises import services_problems

    enterprise = make_enterprise()
    import datetime as dt
    services_problems.visit_record(actor=staff.cadre, enterprise=enterprise, visited_on=dt.date(2023, 4, 1))
    prov = provenance.figure_provenance(actor=system_actor(), year=2023, ref="F054")
    assert (prov.count, prov.total_rounded, prov.figure.value, prov.adds_up) == (1, 1, 1, True)
    rate = provenance.figure_provenance(actor=system_actor(), year=2023, ref="F056")
    assert rate.figure.missing
    assert rate.denominator == 0
    assert rate.total is None


def test_the_records_export_to_excel_with_the_total(officers, staff, make_enterprise):
    first, second = make_enterprise(), make_enterprise(name="=HYPERLINK(\"http://x\")")
    for e in (first, second):
        enterprise_services.qualification_award_create(actor=staff.admin, enterprise=e, qualification_type="tech_sme",
                                                       year=2023)
    response = login(officers.approver).get("/indicators/F025/?year=2023&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[2][:4] == ["记录数", 2, "合计", 2]
    assert rows[4][:3] == ["编号", "记录", "统一社会信用代码"]
    names = {r[3] for r in rows[5:]}
    assert names == {first.name, "'=HYPERLINK(\"http://x\")"}  # formula neutralised


def test_derived_and_submitted_figures_open_on_the_same_page(officers, grid_layer):
    approved(officers, "F001", 2)
    services.reference_values_ensure(year=2023)
    figures = figure_values(actor=system_actor(), year=2023, refs=["F001", "F002"])
    assert figures["F001"].url == "/indicators/F001/?year=2023"
    client = login(officers.approver)
    html = client.get(figures["F002"].url).content.decode()
    assert 'href="/indicators/F001/?year=2023"' in html  # the formula's input, linked
    data = client.get("/indicators/F001/?year=2023&format=json").json()
    assert data["source"] == "submitted"
    assert data["value"] == 2
    assert "records" not in data
    refused = client.get("/indicators/F001/?year=2023&format=xlsx")
    assert refused.status_code == 400
    assert "没有可导出的记录清单" in refused.content.decode()


def test_bad_page_and_format_are_named_and_readers_only(officers, grid_layer):
    client = login(officers.approver)
    assert client.get("/indicators/F112/?year=2023&page=9").status_code == 400
    assert "页码" in client.get("/indicators/F112/?year=2023&page=x").content.decode()
    bad = client.get("/indicators/F112/?year=2023&format=pdf")
    assert bad.status_code == 400
    assert "格式" in bad.content.decode()
    assert client.get("/indicators/F999/?year=2023&format=json").json()["field"] == "ref"
    assert login(officers.citizen).get("/indicators/F112/?year=2023&format=json").status_code == 403


def test_a_case_record_links_to_its_page(catalog, people, frozen_now):
    from gaoxin.cases.tests.conftest import report

    with frozen_now(2023, 3, 1, 9):
        case = report(people.citizen)
        from gaoxin.cases import services as case_services
        case_services.case_register(actor=people.a_operator, case=case)
    prov = provenance.figure_provenance(actor=system_actor(), year=2023, ref="F113")
    rows = provenance.record_rows(prov, page=1)["rows"]
    assert [(r["pk"], r["url"]) for r in rows] == [(case.pk, f"/cases/{case.pk}/")]
    assert prov.total_display == "0.0万件"

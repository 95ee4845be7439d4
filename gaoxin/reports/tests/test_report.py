"""The year-end report computes, not echoes: JSON shape, HTML links, missing figures, and figures that move when
a record changes."""

import csv
import datetime as dt
import json
import re

from django.core.management import call_command
from django.test import Client

from gaoxin.grids import services as grid_services
from gaoxin.grids.models import Grid
from gaoxin.indicators import catalog as catalog_module
from gaoxin.indicators import services
from gaoxin.indicators.ledger_catalog import LEDGER_COMPUTED
from gaoxin.indicators.tests.conftest import SUBMITTED_BEFORE_LEDGERS
from gaoxin.reports import fonts
from gaoxin.reports.builder import report_build
from gaoxin.reports.render import render_html, render_json

SEED_IDS = [r["id"] for r in csv.DictReader((catalog_module.DATA / "figures.csv").open(encoding="utf-8"))]


def box(min_lon, min_lat, max_lon, max_lat):
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def test_json_has_every_figure_with_value_unit_source_and_provenance(officers, grid_layer):
    services.simulated_submissions_ensure(year=2023)
    data = render_json(report_build(year=2023))
    figures = {f["id"]: f for f in data["figures"]}
    assert set(SEED_IDS) <= set(figures)
    seed = {r["id"]: r for r in csv.DictReader((catalog_module.DATA / "figures.csv").open(encoding="utf-8"))}
    for ref in SEED_IDS:
        f = figures[ref]
        assert set(f) >= {"id", "value", "unit", "source", "provenance", "missing", "display", "url"}
        assert f["unit"] == seed[ref]["unit"]
        assert f["source"] in ("computed", "submitted", "derived")
        if f["source"] == "submitted":
            assert f["value"] == float(seed[ref]["value"]), ref  # the simulated approved values
            assert f["provenance"]["is_simulated"] is True
    assert figures["F111"] == {**figures["F111"], "value": 2, "source": "computed", "display": "2个",
                               "url": "/indicators/F111/?year=2023"}
    assert figures["F002"]["value"] == 40
    assert figures["F073"]["value"] is None  # from the budget ledger (issue 20), not loaded here
    # Key projects and land are computed from their records (issue 17), none here: nothing signed or supplied,
    # no plan to complete (F015) and no four permits (F060); with 0 亩 the zone ranks last of eight (F062).
    assert figures["F011"]["value"] == 0
    assert figures["F015"]["value"] is None
    assert figures["F062"]["value"] == 8
    assert figures["F100"]["value"] == 2
    # no visit problems, no grid events, no key project plans, no parcel with its four permits; no ledgers loaded
    # (issue 20: their figures have no value yet; F001, F005 and F006 are kept submitted by the fixture) and no
    # work report uploaded (F115–F116 are counted from it)
    assert {m["id"] for m in data["missing"]} == ({"F056", "F114", "F015", "F060", "F115", "F116"}
                                                  | set(LEDGER_COMPUTED) - set(SUBMITTED_BEFORE_LEDGERS))
    assert data["keyword_stats"]["work_report"]["F115"]["value"] is None
    own = {c["term"]: c for c in data["keyword_stats"]["own_text"]}
    text = data["title"] + "".join(s["text"] for s in data["sections"])
    assert own["高"]["count"] >= text.count("高") - 5  # the subtitle is counted too
    json.dumps(data, ensure_ascii=False)  # serialisable as is


def test_changing_a_record_changes_the_figure_in_every_format(officers, grid_layer):
    def f112():
        report = report_build(year=2023)
        return {f["id"]: f for f in render_json(report)["figures"]}["F112"]["value"], render_html(report)

    before, html_before = f112()
    grid_services.grid_create(code="4101710200103", name="新微网格", level=Grid.Level.MICRO,
                              parent=grid_layer.grid_east, street=grid_layer.grid_east.street,
                              geometry_geojson=box(113.58, 34.83, 113.59, 34.84), valid_from=dt.date(2023, 6, 1))
    after, html_after = f112()
    assert (before, after) == (4, 5)
    anchor = 'data-ref="F112" data-source="computed" href="/indicators/F112/?year=2023" title="F112 · 微网格数">'
    assert anchor + "4个" in html_before
    assert anchor + "5个" in html_after


def test_html_links_every_figure_to_its_provenance_and_draws_charts_inline(officers, grid_layer):
    services.simulated_submissions_ensure(year=2023)
    report = report_build(year=2023)
    html = render_html(report)
    anchors = re.findall(r'<a class="fig" data-ref="(\w+)" data-source="(\w+)" href="([^"]+)"', html)
    missing = re.findall(r'<span class="fig missing" data-ref="(\w+)"', html)
    assert len(anchors) + len(missing) == len(report.used_refs)
    assert {ref for ref, _, _ in anchors} | set(missing) >= set(SEED_IDS) - {"F115", "F116"}
    leader = Client()
    leader.force_login(officers.approver)
    for ref, source, href in anchors:
        assert href == f"/indicators/{ref}/?year=2023", ref
        assert leader.get(href).status_code == 200, ref
        data = leader.get(href + "&format=json").json()
        assert data["id"] == ref
        if source == "computed":
            assert data["adds_up"] is True, ref
    assert html.count("<svg") >= 2
    assert "<script" not in html
    assert "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert "年度累计流转处置网格化事件" in html
    assert "关键词统计" in html


def test_without_approved_values_the_report_says_which_figures_are_missing(officers, grid_layer):
    report = report_build(year=2023)
    html = render_html(report)
    assert "【F005 暂无数值】" in html
    assert '<section id="missing">' in html
    data = render_json(report)
    assert {"id": "F005", "name": "金马氢能加氢站日加氢能力", "reason": "尚无已审核的填报数值"} in data["missing"]
    assert any("暂无数值" in w for w in data["warnings"])


def test_report_command_writes_files_and_warns_about_missing_fonts(officers, grid_layer, tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.setattr(fonts, "missing_fonts", lambda: ["方正小标宋简体", "仿宋_GB2312"])
    call_command("report", year=2023, format="all", out=str(tmp_path))
    err = capsys.readouterr().err
    assert "本机缺少公文字体：方正小标宋简体、仿宋_GB2312" in err
    data = json.loads((tmp_path / "report-2023.json").read_text(encoding="utf-8"))
    assert data["missing_fonts"] == ["方正小标宋简体", "仿宋_GB2312"]
    assert "本机缺少公文字体" in data["warnings"][0]
    assert (tmp_path / "report-2023.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert (tmp_path / "report-2023.docx").read_bytes()[:2] == b"PK"


def test_report_pages_for_leaders_only(officers, grid_layer):
    leader, citizen = Client(), Client()
    leader.force_login(officers.approver)
    citizen.force_login(officers.officer)
    assert leader.get("/reports/2023/").status_code == 200
    assert leader.get("/reports/2023.json").json()["year"] == 2023
    assert leader.get("/reports/2023.docx")["Content-Type"].endswith("wordprocessingml.document")
    assert citizen.get("/reports/2023/").status_code == 403


def test_the_file_carries_its_stylesheet_and_the_web_page_links_it(officers, grid_layer):
    report = report_build(year=2023)
    assert "<style>" in render_html(report)
    assert "report.css" not in render_html(report)
    web = render_html(report, standalone=False)
    assert "<style>" not in web
    assert 'href="/static/reports/report.css"' in web


def test_monthly_chart_counts_grid_events_by_month_of_registration(catalog, people, frozen_now):
    from gaoxin.cases import services as case_services
    from gaoxin.cases.tests.conftest import report
    from gaoxin.indicators.figures import system_actor
    from gaoxin.reports.builder import _monthly_events

    # 00:30 on 1 April in Shanghai is still 31 March in UTC: months are the zone's.
    for month, day, hour in ((3, 31, 23), (4, 1, 0), (4, 2, 9)):
        with frozen_now(2023, month, day, hour, 30):
            case_services.case_register(actor=people.a_operator, case=report(people.citizen))
    assert _monthly_events(system_actor(), 2023) == [("3月", 1), ("4月", 2)]


def test_simulated_values_are_labelled_and_helper_values_never_printed_as_the_articles(officers, grid_layer):
    services.simulated_submissions_ensure(year=2023)
    report = report_build(year=2023)
    html = render_html(report)
    assert re.search(r'data-ref="F005"[^>]*>[^<]*</a><sup class="simulated" title="模拟数据">模拟</sup>', html)
    assert not re.search(r'data-ref="F112"[^>]*>[^<]*</a><sup', html)  # the grids were made by hand, not simulated
    printed = [report.figures[ref] for ref in dict.fromkeys(report.used_refs)]
    simulated = sum(1 for f in printed if f.simulated and not f.missing)
    assert simulated == sum(1 for f in printed if f.source == "submitted") + sum(
        1 for f in printed if f.source == "derived" and f.simulated)
    assert f"其中{simulated}项为模拟数据（标“模拟”）" in report.subtitle
    assert "经审核" not in report.subtitle
    text = report.text
    assert "工业用地出让面积创高新区近10年新高" in text
    assert "2640" not in text
    assert "98.6" not in text
    assert "X001" not in report.used_refs
    assert "X002" not in report.used_refs
    data = {f["id"]: f for f in render_json(report)["figures"]}
    assert (data["F005"]["simulated"], data["F112"]["simulated"]) == (True, False)


def test_the_page_does_not_show_readers_the_servers_missing_fonts(officers, grid_layer, monkeypatch):
    monkeypatch.setattr(fonts, "missing_fonts", lambda: ["方正小标宋简体"])
    report = report_build(year=2023)
    assert any("本机缺少公文字体" in w for w in report.warnings)  # the command and the JSON say it
    assert "本机缺少公文字体" not in render_html(report)

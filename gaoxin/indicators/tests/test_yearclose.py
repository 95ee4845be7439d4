"""年度关账: a closed year's figures stay as they were closed, later record changes show beside them and change them
only by an adjustment with a reason; refused closes and adjustments change nothing (issue #14, item 1)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from gaoxin.core import audit
from gaoxin.core.errors import ApplicationError, Conflict, PermissionDenied
from gaoxin.grids import services as grid_services
from gaoxin.grids.models import Grid
from gaoxin.indicators import services, yearclose
from gaoxin.indicators.figures import figure_values, system_actor
from gaoxin.indicators.models import ClosedFigure, Indicator, Submission, YearClose, YearCloseEvent
from gaoxin.reports.builder import report_build
from gaoxin.reports.render import render_html, render_json

from .conftest import approved, indicator


def _box(min_lon, min_lat, max_lon, max_lat):
    ring = [[min_lon, min_lat], [max_lon, min_lat], [max_lon, max_lat], [min_lon, max_lat], [min_lon, min_lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _new_micro_grid(grid_layer):
    """A grid recorded after the close as valid since June 2023 (a late registration): it changes 2023's records."""
    return grid_services.grid_create(code="4101710200103", name="新微网格", level=Grid.Level.MICRO,
                                     parent=grid_layer.grid_east, street=grid_layer.grid_east.street,
                                     geometry_geojson=_box(113.58, 34.83, 113.59, 34.84),
                                     valid_from=dt.date(2023, 6, 1))


def snapshot():
    return (YearClose.objects.count(), ClosedFigure.objects.count(), YearCloseEvent.objects.count())


@pytest.fixture
def in_2024(frozen_now):
    with frozen_now(2024, 2, 1, 9):
        yield


def test_the_close_freezes_every_figure_with_its_definition_and_records(officers, grid_layer, in_2024):
    approved(officers, "F011", "434.6")
    close = yearclose.year_close(actor=officers.approver, year=2023, note="年终答卷定稿")
    assert close.figures.count() == Indicator.objects.count()
    f112 = close.figures.get(ref="F112")
    micro = sorted(Grid.objects.filter(level=Grid.Level.MICRO).values_list("pk", flat=True))
    assert (f112.value, f112.record_count, f112.record_ids, f112.record_model) == (4, 4, micro, "grids.Grid")
    assert f112.records_digest == yearclose.ids_digest([*micro, -1])
    assert f112.definition_version == yearclose.definition_version(indicator("F112"))
    assert close.figures.get(ref="F011").value == Decimal("434.6")
    event = close.events.get()
    assert (event.action, event.actor) == ("close", officers.approver)
    assert list(audit.verify(YearCloseEvent, YearClose.objects.all())) == []


def test_later_changes_do_not_move_the_closed_year_and_show_beside_it(officers, grid_layer, in_2024):
    yearclose.year_close(actor=officers.approver, year=2023)
    _new_micro_grid(grid_layer)
    assert figure_values(actor=system_actor(), year=2023, refs=["F112"])["F112"].value == 5  # the records now
    assert yearclose.year_figures(actor=officers.approver, year=2023, refs=["F112"])["F112"].value == 4
    report = report_build(year=2023)
    assert report.figures["F112"].display == "4个"
    assert "年度关账快照" in report.closed
    assert yearclose.live_differences(2023) == [
        {"ref": "F112", "name": "微网格数", "closed": 4, "closed_display": "4个", "now": 5, "now_display": "5个"}]
    client = Client()
    client.force_login(officers.approver)
    html = client.get("/indicators/F112/?year=2023").content.decode()
    assert '<strong class="figure-value">4个</strong>' in html
    assert "按当前记录计算：5个" in html
    data = client.get("/indicators/F112/?year=2023&format=json").json()
    assert (data["value"], data["count"], data["total"], data["adds_up"], data["closed"]) == (4, 4, 4, True, True)
    assert data["now"] == {"value": 5, "missing": False}
    new = Grid.objects.get(code="4101710200103").pk
    assert new not in data["records"]


def test_a_closed_years_submissions_cannot_change(officers, grid_layer, in_2024):
    sub = approved(officers, "F011", "434.6")
    yearclose.year_close(actor=officers.approver, year=2023)
    before = list(Submission.objects.values())
    with pytest.raises(Conflict) as exc:
        services.submission_revise(actor=officers.officer, submission=sub, value="440", reason="更正")
    assert exc.value.code == "year_closed"
    with pytest.raises(Conflict):
        services.submission_withdraw(actor=officers.officer, submission=sub, reason="撤回")
    with pytest.raises(Conflict):
        services.submission_save(actor=officers.officer, indicator=indicator("F013"), period=2023, value="58")
    assert services.simulated_submissions_ensure(year=2023) == 0
    assert list(Submission.objects.values()) == before


def test_refused_closes_change_nothing(officers, grid_layer, frozen_now):
    with frozen_now(2023, 12, 31, 23, 59):
        with pytest.raises(ApplicationError) as exc:
            yearclose.year_close(actor=officers.approver, year=2023)
        assert exc.value.code == "year_not_over"
    with frozen_now(2024, 1, 1, 0, 1):
        with pytest.raises(PermissionDenied):
            yearclose.year_close(actor=officers.officer, year=2023)
        assert snapshot() == (0, 0, 0)
        yearclose.year_close(actor=officers.approver, year=2023)
        before = snapshot()
        with pytest.raises(Conflict):
            yearclose.year_close(actor=officers.admin, year=2023)
        assert snapshot() == before


def test_an_adjustment_needs_a_reason_and_is_listed_in_the_report(officers, grid_layer, in_2024):
    yearclose.year_close(actor=officers.approver, year=2023)
    with pytest.raises(Conflict) as exc:
        yearclose.year_adjust(actor=officers.approver, year=2023, ref="F112", reason="复核")
    assert exc.value.code == "nothing_to_adjust"
    _new_micro_grid(grid_layer)
    before = snapshot()
    with pytest.raises(ApplicationError) as no_reason:
        yearclose.year_adjust(actor=officers.approver, year=2023, ref="F112", reason=" ")
    assert no_reason.value.field == "reason"
    with pytest.raises(PermissionDenied):
        yearclose.year_adjust(actor=officers.officer, year=2023, ref="F112", reason="补录")
    assert snapshot() == before
    assert ClosedFigure.objects.get(ref="F112").value == 4
    adjusted = yearclose.year_adjust(actor=officers.approver, year=2023, ref="F112", reason="补录漏报的微网格")
    assert (adjusted.value, adjusted.record_count) == (5, 5)
    report = report_build(year=2023)
    assert report.figures["F112"].display == "5个"
    html = render_html(report)
    assert "<h2>调整说明</h2>" in html
    assert "补录漏报的微网格" in html
    adjustment = render_json(report)["adjustments"][0]
    assert {k: adjustment[k] for k in ("id", "value_before", "value_after", "reason")} == {
        "id": "F112", "value_before": "4", "value_after": "5", "reason": "补录漏报的微网格"}
    assert list(audit.verify(YearCloseEvent, YearClose.objects.all())) == []
    assert yearclose.live_differences(2023) == []


def test_the_leader_closes_on_the_page_after_confirming(officers, grid_layer, in_2024):
    leader = Client()
    leader.force_login(officers.approver)
    page = leader.get("/reports/2023/close/").content.decode()
    assert '<td class="close-count">' in page
    refused = leader.post("/reports/2023/close/", {"action": "close"})
    assert refused.status_code == 400
    assert YearClose.objects.count() == 0
    assert leader.post("/reports/2023/close/", {"action": "close", "confirm": "yes"}).status_code == 302
    assert YearClose.objects.get().closed_by == officers.approver
    assert "快照摘要" in leader.get("/reports/2023/close/").content.decode()
    officer = Client()
    officer.force_login(officers.officer)
    assert officer.get("/reports/2023/close/").status_code == 403
    assert leader.get("/reports/close/")["Location"] == "/reports/2023/close/"


def test_the_command_closes_the_year(officers, grid_layer, in_2024, capsys):
    call_command("report", "close", year=2023, user="approver")
    out = capsys.readouterr().out
    assert out.startswith("2023 年已关账：")
    close = YearClose.objects.get()
    data = json.loads(json.dumps(close.figures.get(ref="F112").provenance))
    assert data["kind"] == "computed"

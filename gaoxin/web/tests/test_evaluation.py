"""综合评价: the measures and the score of each street and department from cases built through the services, exact;
each count links to its cases; the Excel export; leaders and shift leads only; bad input names the field."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from gaoxin.cases import metrics, services
from gaoxin.core.calendar import SHANGHAI
from gaoxin.web.tests.conftest import report


def _year(p, frozen_now):
    """Street A: one case closed on time after a rework, one open; street B: one case still waiting."""
    with frozen_now(2023, 3, 1, 9):
        a = services.case_register(actor=p.a_operator, case=report(p.citizen))
        a = services.case_dispatch(actor=p.a_dispatcher, case=a)
        a = services.case_accept(actor=p.street_a_handler, case=a)
        a = services.case_feedback(actor=p.street_a_handler, case=a, result="已劝离")
        a = services.case_verify(actor=p.worker_west, case=a, passed=False, note="仍有摊位")
        if a.state == "dispatched":
            a = services.case_accept(actor=p.street_a_handler, case=a)
        a = services.case_feedback(actor=p.street_a_handler, case=a, result="已清理")
        services.case_verify(actor=p.worker_west, case=a, passed=True)
        services.case_register(actor=p.a_operator, case=report(p.citizen, description="垃圾"))
        services.case_register(actor=p.b_operator, case=report(p.citizen, point=(113.58, 34.79)))
    return a


def test_scores_are_the_weighted_measures(people, frozen_now):
    p = people
    a = _year(p, frozen_now)
    rows = metrics.evaluation(actor=p.leader, start=dt.datetime(2023, 1, 1, tzinfo=SHANGHAI),
                              end=dt.datetime(2024, 1, 1, tzinfo=SHANGHAI), by="street")
    street_a = next(r for r in rows if r["unit_id"] == a.street_id)
    assert (street_a["counts"]["registered"], street_a["counts"]["closed"], street_a["counts"]["closed_on_time"]) == (
        2, 1, 1)
    assert (street_a["closure_rate"], street_a["on_time_closure_rate"], street_a["rework_rate"]) == (0.5, 1.0, 0.5)
    on_time = street_a["response_rate"]
    assert street_a["score"] == round(30 * 0.5 + 30 * 1.0 + 20 * on_time + 20 * (1 - 0.5), 2)
    assert street_a["rank"] == 1
    other = next(r for r in rows if r["unit_id"] != a.street_id)
    assert (other["score"], other["rank"]) == (None, None)  # nothing closed or dispatched: not ranked
    assert rows[-1] is other


def test_the_page_links_exports_and_refuses(people, client_for, frozen_now):
    p = people
    a = _year(p, frozen_now)
    with frozen_now(2024, 2, 1, 9):
        leader = client_for(p.leader)
        page = leader.get("/evaluation/").content.decode()  # the reporting year 2023 by default
        assert 'href="/evaluation/"' in page
        link = f"/cases/?reg_from=2023-01-01&amp;reg_to=2023-12-31&amp;street={a.street_id}&amp;set=registered"
        assert f'<a href="{link}">2</a>' in page
        assert "方法版本 2023-1" in page
        listing = leader.get(f"/cases/?reg_from=2023-01-01&reg_to=2023-12-31&street={a.street_id}&set=registered")
        assert listing.content.decode().count('<tr class="row-') == 2
        by_unit = leader.get("/evaluation/?by=department").content.decode()
        assert a.assignee.name in by_unit
        sheet = load_workbook(io.BytesIO(leader.get("/evaluation/?format=xlsx").content)).active
        assert [c.value for c in sheet[2]][:3] == ["排名", "单位", "立案数"]
        assert sheet.cell(3, 3).value == 2
        posts = leader.get("/evaluation/?by=post").content.decode()
        assert "<td>处置员</td><td>1</td><td>street_a_handler</td><td>石佛办事处</td>" in posts
        assert "处置反馈数 2；被返工数 1" in posts
        assert "返工率 50.0%" in posts
        assert "共 5 条" in posts  # a_operator, b_operator, a_dispatcher, street_a_handler, worker_west
        handlers = leader.get("/evaluation/?by=post&post=handler").content.decode()
        assert "共 1 条" in handlers
        assert "a_operator" not in handlers
        unknown = leader.get("/evaluation/?by=post&post=boss")
        assert unknown.status_code == 400
        assert 'data-field="post"' in unknown.content.decode()
        sheet = load_workbook(io.BytesIO(leader.get("/evaluation/?by=post&format=xlsx").content)).active
        assert [c.value for c in sheet[2]][:5] == ["岗位", "岗位内排名", "姓名", "账号", "单位"]
        assert [c.value for c in sheet[3]][:6] == ["受理员", 1, "a_operator", "a_operator", "石佛城运中心", 2]
        bad = leader.get("/evaluation/?by=person")
        assert bad.status_code == 400
        assert 'data-field="by"' in bad.content.decode()
        assert leader.get("/evaluation/?start=2023-13-01").status_code == 400
        assert client_for(p.zone_shift_lead).get("/evaluation/").status_code == 200
        assert client_for(p.street_a_handler).get("/evaluation/").status_code == 403
        assert client_for(p.a_operator).get("/evaluation/").status_code == 403

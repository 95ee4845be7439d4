"""The operations dashboard: numbers equal the metrics, each links to exactly the cases behind it; drill-down;
bounded queries; forbidden for handlers; bad input names the field."""

from __future__ import annotations

import re
from html import unescape

from gaoxin.cases import services
from gaoxin.core import clock
from gaoxin.web.tests.conftest import report


def _setup(p):
    closed = report(p.citizen)
    closed = services.case_register(actor=p.a_operator, case=closed)
    closed = services.case_dispatch(actor=p.a_dispatcher, case=closed)
    closed = services.case_accept(actor=p.street_a_handler, case=closed)
    closed = services.case_feedback(actor=p.street_a_handler, case=closed, result="已处理")
    closed = services.case_verify(actor=p.worker_west, case=closed, passed=True)
    services.case_evaluate(actor=p.a_operator, case=closed, satisfaction="satisfied")
    services.case_register(actor=p.a_operator, case=report(p.citizen, description="垃圾"))
    services.case_register(actor=p.b_operator, case=report(p.citizen, point=(113.58, 34.79)))
    report(p.citizen, description="未立案的不计入受理量")
    return closed


def _links(body: str) -> dict[str, str]:
    return {m.group(1): unescape(m.group(2)) for m in
            re.finditer(r'data-kpi="(\w+)">.*?<a class="kpi-value" href="([^"]+)"', body, re.S)}


def test_dashboard_numbers_and_their_case_lists(people, client_for, frozen_now, django_assert_max_num_queries):
    p = people
    with frozen_now(2023, 3, 1, 10):
        _setup(p)
        client = client_for(p.leader)
        with django_assert_max_num_queries(20):
            response = client.get("/dashboard/?start=2023-02-01&end=2023-03-01")
        body = response.content.decode()
        assert response.status_code == 200
        assert re.search(r'data-kpi="accepted_volume">.*?kpi-value[^>]*>3<', body, re.S)
        assert re.search(r'data-kpi="closure_rate">.*?kpi-value[^>]*>33.3%<', body, re.S)
        assert re.search(r'data-kpi="satisfaction_rate">.*?kpi-value[^>]*>100.0%<', body, re.S)
        assert "统计期内立案的案件数" in body  # the definition beside the number
        links = _links(body)
        assert len(links) == 4
        counts = {"accepted_volume": 3, "closure_rate": 1, "on_time_closure_rate": 1, "satisfaction_rate": 1}
        for code, url in links.items():
            listing = client.get(url).content.decode()
            assert listing.count('<tr class="row-') == counts[code], (code, url)
        assert "石佛办事处" in body  # ranking
        # Drill-down into the western grid keeps only its cases.
        west = p.worker_west.grids.get().parent_id
        body = client.get(f"/dashboard/?start=2023-02-01&end=2023-03-01&grid={west}").content.decode()
        assert re.search(r'data-kpi="accepted_volume">.*?kpi-value[^>]*>2<', body, re.S)
        partial = client.get("/dashboard/?days=30", HTTP_HX_REQUEST="true").content.decode()
        assert partial.startswith('\n<div id="panels"') or partial.lstrip().startswith('<div id="panels"')
    # Opened early the next year without a period, it shows the reporting year (never an empty last month).
    with frozen_now(2024, 2, 1, 9):
        body = client_for(p.leader).get("/dashboard/").content.decode()
        assert re.search(r'data-kpi="accepted_volume">.*?kpi-value[^>]*>3<', body, re.S)
        assert '<button type="submit" name="days" value="year" class="chip">报告年度 2023</button>' in body
        last_month = client_for(p.leader).get("/dashboard/?days=30").content.decode()
        assert re.search(r'data-kpi="accepted_volume">.*?kpi-value[^>]*>0<', last_month, re.S)


def test_dashboard_refuses_bad_input_and_other_roles(people, client_for):
    client = client_for(people.leader)
    for query, field in (("start=2023-13-01", "start"), ("grid=999999", "grid"), ("days=11", "days"),
                         ("start=2023-03-02&end=2023-03-01", "start"), ("street=abc", "street")):
        response = client.get(f"/dashboard/?{query}")
        assert response.status_code == 400, query
        assert f'data-field="{field}"' in response.content.decode(), query
    assert client_for(people.street_a_handler).get("/dashboard/").status_code == 403
    assert client_for(people.a_dispatcher).get("/dashboard/").status_code == 200


def test_grid_geojson(people, client_for, grid_layer):
    client = client_for(people.leader)
    data = client.get("/maps/grids.geojson?level=grid").json()
    assert {f["properties"]["code"] for f in data["features"]} == {"41017101001", "41017102001"}
    micro = client.get(f"/maps/grids.geojson?level=micro&parent={grid_layer.grid_west.pk}").json()
    assert len(micro["features"]) == 2
    assert client.get("/maps/grids.geojson?level=bad").status_code == 400
    assert client_for(people.citizen).get("/maps/grids.geojson").status_code == 403
    assert clock.now() is not None


def test_categories_sharing_a_name_are_told_apart_and_the_update_time_is_local(people, client_for, frozen_now):
    """部件 03 and 事件 06 are both 市容环境类: the chart says which; 数据更新于 in Beijing time, not raw UTC."""
    import json

    p = people
    with frozen_now(2023, 3, 1, 10):
        for code in ("03001", "06002"):
            case = report(p.citizen, code=code)
            operator = (p.a_operator if case.center_id == p.a_operator.org_unit_id
                        else p.zone_operator if case.center.kind == "zone_center" else p.b_operator)
            services.case_register(actor=operator, case=case)
        body = client_for(p.leader).get("/dashboard/?start=2023-03-01&end=2023-03-01").content.decode()
    found = re.search(r'<script id="dash-data" type="application/json">(.*?)</script>', body, re.S)
    assert found is not None
    data = json.loads(unescape(found.group(1)))
    assert sorted(c["name"] for c in data["categories"]) == ["市容环境类（事件）", "市容环境类（部件）"]
    assert "数据更新于 2023-03-01 10:00:00" in body

"""Hand-fuzzing of every web page's query parameters (issue 16 #7): hostile values — huge and negative numbers,
impossible dates, control characters, very long text — are answered with the page or a clear 4xx, never a 500.
Sampled by hypothesis; the default profile draws a handful per page, CI's full profile many more."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaoxin.web.filters import PARAMS

HOSTILE = st.one_of(
    st.sampled_from(["99999999999999999999999", "-1", "0", "1e309", "NaN", "0000-01-01", "9999-12-31", "2023-02-30",
                     "2023-01-01T00:00:00+99:00", "\x00", "' OR 1=1 --", "<script>alert(1)</script>", "a" * 5000,
                     "％", "\u202e", "[]", "{}", "..", "true"]),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
PAGES = {
    "/cases/": PARAMS + ("cursor",),
    "/work/operator/": ("tab", "cursor", "channel", "sort"),
    "/work/dispatch/": ("tab", "cursor", "sort"),
    "/work/supervision/": ("all", "node", "page", "acknowledged"),
    "/dashboard/": ("start", "end", "days", "street", "unit", "grid", "shade", "year"),
    "/maps/grids.geojson": ("level", "parent"),
    "/indicators/": ("year",),
    "/indicators/submissions/": ("year",),
    "/indicators/F111/": ("year", "page", "format"),
    "/enterprises/": ("q", "street", "chain", "qualification", "qualification_year", "new_only", "page", "format"),
    "/enterprises/visits/": ("visited_from", "visited_to", "enterprise", "street", "with_problems", "page"),
    "/enterprises/reception-days/": ("held_from", "held_to", "page"),
    "/public/track/": ("code",),
}


@pytest.mark.parametrize("url", list(PAGES))
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_query_parameter_value_makes_a_server_error(url, data, people):
    client = Client(raise_request_exception=False)
    client.force_login(people.zone_dispatcher if url.startswith("/work/") else people.leader)
    name = data.draw(st.sampled_from(PAGES[url]), label="parameter")
    value = data.draw(HOSTILE, label="value")
    response = client.get(url, {name: value})
    assert response.status_code < 500, (url, name, value, response.status_code)


@pytest.mark.parametrize("url", list(PAGES))
def test_a_nul_in_any_parameter_is_not_a_server_error(url, people):
    """The value the fuzzing found on PostgreSQL (which refuses NUL in a string), for every parameter."""
    client = Client(raise_request_exception=False)
    client.force_login(people.zone_dispatcher if url.startswith("/work/") else people.leader)
    for name in PAGES[url]:
        response = client.get(url, {name: "\x00"})
        assert response.status_code < 500, (url, name, response.status_code)

"""The SME growth index computed from the registry's records through the service and read on the pages: the raw
data of each enterprise (figures of the year and the year before, qualification points, financing closed), a new
run per computation reproducing the same scores from the same data, refusals, and who sees what."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.accounts.roles import Role
from gaoxin.core.errors import ApplicationError, PermissionDenied
from gaoxin.enterprises import reference as enterprise_reference
from gaoxin.enterprises import services as enterprise_services
from gaoxin.finance import selectors, services, sme_index
from gaoxin.finance.models import IndexRun, IndexScore
from gaoxin.finance.tests.conftest import code

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(world, frozen_now):
    """Three SMEs with 2022 figures (two with 2021 ones too), a large one (not scored), a qualification and a
    financing deal."""
    with frozen_now(2023, 3, 1, 9):
        enterprise_reference.reference_data_ensure()
        made = []
        for n, size in enumerate(("small", "micro", "medium", "large"), start=1):
            enterprise = enterprise_services.enterprise_create(actor=world.admin, credit_code=code(n),
                                                               name=f"示例{n}号", size=size, chains=["sensor"])
            years = (2021, 2022) if n != 3 else (2022,)
            for year in years:
                enterprise_services.annual_figures_record(
                    actor=world.admin, enterprise=enterprise, year=year, revenue=str(1000 * n + 100 * (year - 2021)),
                    rd_spending=str(50 * n), employees=10 * n + (year - 2021), tax_paid=str(30 * n))
            made.append(enterprise)
        enterprise_services.qualification_award_create(actor=world.admin, enterprise=made[0],
                                                       qualification_type="tech_sme", year=2022,
                                                       awarded_on=dt.date(2022, 5, 1))
        event = services.event_create(actor=world.officer, title="路演", series="", kind="roadshow",
                                      held_on="2022-03-01", location="x")
        services.event_attend(actor=world.officer, event=event, enterprise_code=code(2))
        services.deal_record(actor=world.officer, enterprise_code=code(2), kind="equity", investor="某创投",
                             amount_wan="500", closed_on="2022-06-01", event=event)
    return made


def test_raw_data_come_from_the_records(registry):
    ids, raw, sizes = services.index.raw_data(2022, sme_index.config())
    assert ids.tolist() == [e.pk for e in registry[:3]]  # the large enterprise is not an SME
    assert raw[0].tolist() == [1100.0, 1000.0, 11.0, 10.0, 50.0, 30.0, 3.0, 0.0]  # tech_sme is national: 3 points
    assert raw[1, 7] == 500.0  # the equity closed in 2022, in 万元
    assert raw[2, 1] != raw[2, 1]  # no 2021 figures: NaN, imputed by the method
    assert sizes.tolist() == [1, 2, 0]  # small, micro, medium in the configuration's order


def test_a_computation_is_a_new_run_with_the_same_scores(world, registry, frozen_now):
    with frozen_now(2023, 6, 30, 17):
        first = services.index_compute(actor=world.officer, year=2022)
        second = services.index_compute(actor=world.officer, year=2022)
    assert (first.enterprises, first.version, first.imputed["revenue_growth"]) == (3, sme_index.config().version, 1)
    assert (first.config_digest, first.input_digest) == (second.config_digest, second.input_digest)
    assert list(first.scores.order_by("enterprise_id").values_list("score", "rank")) == list(
        second.scores.order_by("enterprise_id").values_list("score", "rank"))
    assert selectors.latest_runs(actor=world.leader) == {2022: second}
    assert len(first.scenarios) == 24


def test_refusals_change_nothing(world, registry, frozen_now):
    with frozen_now(2023, 6, 30, 17):
        with pytest.raises(ApplicationError) as empty:
            services.index_compute(actor=world.officer, year=2019)
        with pytest.raises(PermissionDenied):
            services.index_compute(actor=world.leader, year=2022)
    assert (empty.value.field, empty.value.code) == ("year", "no_data")
    assert (IndexRun.objects.count(), IndexScore.objects.count()) == (0, 0)


def test_pages_per_role(client, world, registry, make_user, frozen_now):
    with frozen_now(2023, 6, 30, 17):
        run = services.index_compute(actor=world.officer, year=2022)
        owner = make_user(Role.ENTERPRISE, None, username="ent")
        enterprise_services.enterprise_user_link(actor=world.admin, user=owner, enterprise=registry[0])
    client.force_login(world.leader)
    page = client.get("/finance/index/?year=2022").content.decode()
    assert 'id="index-n">3<' in page
    assert 'id="index-compute"' not in page
    top = run.scores.get(rank=1)
    assert f'href="/finance/index/enterprise/{top.enterprise_id}/"' in page
    export = client.get("/finance/index/?year=2022&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(owner)
    assert client.get("/finance/index/mine/")["Location"] == f"/finance/index/enterprise/{registry[0].pk}/"
    own = client.get(f"/finance/index/enterprise/{registry[0].pk}/").content.decode()
    assert 'id="index-rank">' in own
    assert client.get(f"/finance/index/enterprise/{registry[1].pk}/").status_code == 404
    assert client.get("/finance/index/").status_code == 403
    client.force_login(world.officer)
    with frozen_now(2023, 7, 1, 9):
        refused = client.post("/finance/index/", {"year": "2019"})
    assert refused.status_code == 400
    assert "2019 年没有中小企业的年度经营数据" in refused.content.decode()

"""Computed figures move when the records move."""

import datetime as dt
from decimal import Decimal

from gaoxin.cases.models import Channel
from gaoxin.cases.tests.conftest import report, run_to_closed
from gaoxin.enterprises import services as enterprise_services
from gaoxin.enterprises import services_problems
from gaoxin.grids import services as grid_services
from gaoxin.grids.models import Grid
from gaoxin.indicators.figures import figure_values, system_actor

from .conftest import _box_for_tests


def values(*refs, year=2023):
    figures = figure_values(actor=system_actor(), year=year, refs=refs)
    return {r: (None if f.missing else f.value) for r, f in figures.items()}


def test_grid_counts_follow_the_grid_table(catalog, grid_layer):
    assert values("F111", "F112") == {"F111": 2, "F112": 4}


def test_grid_counts_are_the_grids_valid_at_the_years_end(catalog, grid_layer, frozen_now):
    """A grid drawn in 2026 is not a 2023 grid; one drawn in June 2023 is; one retired in 2023 is not."""
    with frozen_now(2026, 3, 1, 9):
        late = grid_services.grid_create(code="4101710200103", name="东北二微网格", level=Grid.Level.MICRO,
                                         parent=grid_layer.grid_east, street=grid_layer.grid_east.street,
                                         geometry_geojson=_box_for_tests(113.58, 34.83, 113.59, 34.84))
    assert late.valid_from == dt.date(2026, 3, 1)
    assert values("F112") == {"F112": 4}
    assert values("F112", year=2026) == {"F112": 5}
    grid_services.grid_create(code="4101710200104", name="东北三微网格", level=Grid.Level.MICRO,
                              parent=grid_layer.grid_east, street=grid_layer.grid_east.street,
                              geometry_geojson=_box_for_tests(113.57, 34.83, 113.58, 34.84),
                              valid_from=dt.date(2023, 6, 1))
    assert values("F112") == {"F112": 5}
    Grid.objects.filter(pk=grid_layer.micro_west_south.pk).update(valid_to=dt.date(2023, 12, 31))
    assert values("F112") == {"F112": 4}  # retired on the last day: not valid at the year's end
    assert values("F112", year=2022) == {"F112": 4}  # valid then; the June 2023 grid was not yet


def test_grid_events_and_closure_rate_follow_the_cases(catalog, people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        first, second, third = (report(people.citizen) for _ in range(3))
        run_to_closed(people, first)
        run_to_closed(people, second)
        from gaoxin.cases import services as case_services

        third = case_services.case_register(actor=people.a_operator, case=third)
        # An enterprise problem is a case too, but not a grid event (F053/F055 count it).
        visit_case = report(people.cadre, channel=Channel.ENTERPRISE_VISIT, code="EP10")
        case_services.case_register(actor=people.zone_operator, case=visit_case)
    with frozen_now(2024, 1, 2, 9):
        next_year = report(people.citizen)
        case_services.case_register(actor=people.a_operator, case=next_year)
    figures = figure_values(actor=system_actor(), year=2023, refs=["F113", "F114"])
    assert figures["F113"].exact == 3
    assert figures["F113"].number == "0.0"
    assert figures["F113"].display == "0.0万件"
    exact = figures["F114"].exact
    assert exact is not None
    assert exact.quantize(Decimal("0.001")) == Decimal("66.667")
    assert figures["F114"].value == Decimal("66.7")
    assert figures["F113"].provenance["registered"] == 3
    assert figures["F114"].provenance["closed"] == 2
    assert figures["F113"].url == "/indicators/F113/?year=2023"
    assert figures["F114"].url == "/indicators/F114/?year=2023"
    assert "list_url" not in figures["F113"].provenance  # one channel per case list: it would not add up
    assert figures["F113"].records is not None
    assert figures["F113"].records.count() == 3
    assert figures["F114"].denominator_records is not None
    assert figures["F114"].denominator_records.count() == 3
    by_channel = figures["F113"].provenance["records_by_channel"]
    assert by_channel["hotline_12345"] == ("/cases/?reg_from=2023-01-01&reg_to=2023-12-31&set=registered"
                                           "&channel=hotline_12345")
    assert "enterprise_visit" not in by_channel
    assert "reception_day" not in by_channel
    with frozen_now(2023, 3, 2, 9):
        case = case_services.case_dispatch(actor=people.a_dispatcher, case=third)
        case = case_services.case_accept(actor=people.street_a_handler, case=case)
        case = case_services.case_feedback(actor=people.street_a_handler, case=case, result="已处理")
        case_services.case_verify(actor=people.worker_west, case=case, passed=True)
    assert values("F114") == {"F114": Decimal("100.0")}
    assert values("F113", year=2024) == {"F113": Decimal("0")}


def test_qualification_counts_follow_the_registry(catalog, staff, make_enterprise):
    first, second, third = make_enterprise(), make_enterprise(), make_enterprise()
    for e in (first, second):
        enterprise_services.qualification_award_create(actor=staff.admin, enterprise=e, qualification_type="tech_sme",
                                                       year=2023)
    enterprise_services.qualification_award_create(actor=staff.admin, enterprise=third,
                                                   qualification_type="gazelle_prov", year=2022)
    enterprise_services.qualification_award_create(actor=staff.admin, enterprise=third,
                                                   qualification_type="gazelle_prov", year=2023)  # not new
    enterprise_services.qualification_award_create(actor=staff.admin, enterprise=first,
                                                   qualification_type="gazelle_prov", year=2023)  # new
    assert values("F025", "F027") == {"F025": 2, "F027": 1}
    enterprise_services.qualification_award_create(actor=staff.admin, enterprise=third, qualification_type="tech_sme",
                                                   year=2023)
    figure = figure_values(actor=system_actor(), year=2023, refs=["F025"])["F025"]
    assert figure.value == 3
    assert figure.url == "/indicators/F025/?year=2023"
    assert figure.records is not None
    assert set(figure.records) == {first, second, third}
    assert figure.provenance["function"] == "enterprises.selectors.qualification_counts"


def test_visits_and_reception_days_follow_the_campaign_records(catalog, staff, make_enterprise):
    enterprise = make_enterprise()
    for day in (dt.date(2023, 4, 1), dt.date(2023, 5, 1), dt.date(2024, 1, 5)):
        services_problems.visit_record(actor=staff.cadre, enterprise=enterprise, visited_on=day)
    services_problems.reception_session_create(actor=staff.cadre, held_on=dt.date(2023, 6, 1), leader_name="郭主任")
    got = values("F052", "F054", "F055", "F056")
    assert got == {"F052": 1, "F054": 2, "F055": 0, "F056": None}
    figures = figure_values(actor=system_actor(), year=2023, refs=["F056"])
    assert figures["F056"].missing
    assert "分母" in figures["F056"].reason

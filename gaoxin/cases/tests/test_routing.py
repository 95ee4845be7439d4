from gaoxin.cases import selectors, services
from gaoxin.cases.models import Channel, ResponsibilityRule
from gaoxin.cases.tests.conftest import EAST, OUTSIDE, WEST, WEST_NORTH, category, report


def test_locator_assigns_micro_grid_grid_and_street(people, grid_layer, org, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        west = report(people.citizen, point=WEST_NORTH)
        east = report(people.citizen, point=EAST)
        outside = report(people.citizen, point=OUTSIDE)
    assert (west.micro_grid, west.grid, west.street) == (grid_layer.micro_west_north, grid_layer.grid_west,
                                                          org.street_a)
    assert (east.micro_grid, east.grid, east.street) == (grid_layer.micro_east_south, grid_layer.grid_east,
                                                          org.street_b)
    assert (outside.micro_grid, outside.grid, outside.street) == (None, None, None)
    # Street cases stay at their street center; an unlocated case goes to the zone center.
    assert (west.center, east.center, outside.center) == (org.street_a_center, org.street_b_center, org.zone_center)


def test_category_default_routes_department_work_to_the_zone_center(people, org, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        case = report(people.citizen, code="08002")  # 工地扬尘 → 生态环境分局 (not in the org fixture)
        assert selectors.case_dispatch_proposal(case=case) is None
        assert case.center == org.zone_center
        sewage = report(people.citizen, code="06010")  # 污水冒溢 → 城市管理局
        assert selectors.case_dispatch_proposal(case=sewage) == org.urban_management
        assert sewage.center == org.zone_center
        case = services.case_register(actor=people.zone_operator, case=case)
        assert services.case_dispatch(actor=people.zone_dispatcher, case=case,
                                      assignee=org.construction).assignee == org.construction


def test_matrix_priority_grid_then_street_then_zone_fallback(people, org, grid_layer, frozen_now):
    cat = category("09001")  # 占道经营: default = the street office
    assert selectors.responsibility_target(category=cat, street_id=org.street_a.pk) == org.street_a
    assert selectors.responsibility_target(category=cat, street_id=None) is None
    ResponsibilityRule.objects.create(category=cat, handler=org.urban_management)  # zone-level fallback
    assert selectors.responsibility_target(category=cat, street_id=None) == org.urban_management
    assert selectors.responsibility_target(category=cat, street_id=org.street_a.pk) == org.urban_management
    ResponsibilityRule.objects.create(category=cat, street=org.street_a, handler=org.street_a)
    assert selectors.responsibility_target(category=cat, street_id=org.street_a.pk) == org.street_a
    assert selectors.responsibility_target(category=cat, street_id=org.street_b.pk) == org.urban_management
    ResponsibilityRule.objects.create(category=cat, grid=grid_layer.micro_west_south, handler=org.community_a1)
    assert selectors.responsibility_target(
        category=cat, street_id=org.street_a.pk, grid_ids=[grid_layer.micro_west_south.pk, grid_layer.grid_west.pk]
    ) == org.community_a1
    ResponsibilityRule.objects.filter(grid__isnull=False).update(is_active=False)
    assert selectors.responsibility_target(
        category=cat, street_id=org.street_a.pk, grid_ids=[grid_layer.micro_west_south.pk]) == org.street_a

    with frozen_now(2023, 3, 1, 9, 0):
        a = report(people.citizen, point=WEST)
        b = report(people.citizen, point=EAST)
        # Street A's rule targets its own office: the street center handles it and dispatches by default.
        assert a.center == org.street_a_center
        a = services.case_dispatch(actor=people.a_dispatcher,
                                   case=services.case_register(actor=people.a_operator, case=a))
        assert a.assignee == org.street_a
        # Street B falls back to the zone rule (城市管理局): escalated to the zone center.
        assert b.center == org.zone_center
        b = services.case_dispatch(actor=people.zone_dispatcher,
                                   case=services.case_register(actor=people.zone_operator, case=b))
        assert b.assignee == org.urban_management


def test_recategorising_at_registration_reroutes(people, org, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        case = report(people.citizen, point=WEST)
        assert case.center == org.street_a_center
        case = services.case_register(actor=people.a_operator, case=case, category=category("06010"))
    assert case.center == org.zone_center
    assert case.category.code == "06010"


def test_hotline_case_without_point_goes_to_zone_center(people, org, frozen_now):
    with frozen_now(2023, 3, 1, 9, 0):
        case = report(people.zone_operator, code="H-C02", point=None, channel=Channel.HOTLINE_12345,
                      address="某小区门口", reporter_phone="13900001111", external_ref="12345-0001")
    assert case.center == org.zone_center
    assert case.street is None

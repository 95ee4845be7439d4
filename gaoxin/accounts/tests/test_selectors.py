from gaoxin.accounts import selectors
from gaoxin.accounts.models import OrgUnit
from gaoxin.accounts.roles import Role


def codes(units):
    return sorted(u.code for u in units)


def test_street_center_operator_sees_its_street_only(org, make_user):
    operator = make_user(Role.OPERATOR, org.street_a_center)
    assert codes(selectors.org_unit_list(actor=operator)) == ["GX-S01", "GX-S01-01", "GX-S01-C"]
    assert selectors.org_unit_in_scope(actor=operator, unit=org.community_a1)
    assert not selectors.org_unit_in_scope(actor=operator, unit=org.street_b)


def test_zone_center_dispatcher_sees_the_whole_zone(org, make_user):
    dispatcher = make_user(Role.DISPATCHER, org.zone_center)
    assert selectors.org_unit_list(actor=dispatcher).count() == OrgUnit.objects.count()


def test_handler_sees_its_department_and_extra_scope(org, make_user):
    handler = make_user(Role.HANDLER, org.urban_management)
    assert codes(selectors.org_unit_list(actor=handler)) == ["GX-D01"]
    handler.extra_scope.add(org.street_b)
    assert codes(selectors.org_unit_list(actor=handler)) == ["GX-D01", "GX-S02", "GX-S02-C"]


def test_leader_sees_everything_and_citizen_nothing(org, make_user):
    leader = make_user(Role.LEADER, org.committee)
    citizen = make_user(Role.CITIZEN, None)
    assert selectors.org_unit_list(actor=leader).count() == OrgUnit.objects.count()
    assert selectors.org_unit_list(actor=citizen).count() == 0
    assert selectors.user_list(actor=citizen).count() == 0


def test_org_unit_kind_filter(org, make_user):
    leader = make_user(Role.LEADER, org.committee)
    assert codes(selectors.org_unit_list(actor=leader, kind=OrgUnit.Kind.STREET_OFFICE)) == ["GX-S01", "GX-S02"]

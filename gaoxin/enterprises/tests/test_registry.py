from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.accounts.roles import Role
from gaoxin.core.errors import ApplicationError, Conflict, NotFound, PermissionDenied
from gaoxin.enterprises import selectors, services
from gaoxin.enterprises.masking import mask_name, mask_phone
from gaoxin.enterprises.models import Enterprise, EnterpriseUser, PersonalDataAccess, QualificationAward
from gaoxin.enterprises.selectors import EnterpriseFilters
from gaoxin.enterprises.tests.conftest import usc


def test_create_locates_the_point(staff, grid_layer, org):
    e = services.enterprise_create(
        actor=staff.cadre, credit_code=usc("91410100MA000001"), name="郑州传感科技有限公司", address="科学大道100号",
        lon=113.57, lat=34.82, industry="C40", chains=["sensor", "新材料"], size="中型",
        contact_name="张三", contact_phone="13812341234",
    )
    e.refresh_from_db()
    assert (e.micro_grid_id, e.grid_id, e.street_id) == (grid_layer.micro_east_north.pk, grid_layer.grid_east.pk,
                                                         org.street_b.pk)
    assert e.industry is not None
    assert e.industry.code == "C40"
    assert sorted(e.chains.values_list("code", flat=True)) == ["new_material", "sensor"]
    assert e.size == Enterprise.Size.MEDIUM
    assert (e.contact_name_masked, e.contact_phone_masked) == ("张*", "138****1234")


def test_point_outside_or_missing_leaves_location_empty(staff, grid_layer):
    outside = services.enterprise_create(actor=staff.admin, credit_code=usc("91410100MA000002"), name="区外企业",
                                         lon=114.0, lat=35.0)
    none = services.enterprise_create(actor=staff.admin, credit_code=usc("91410100MA000003"), name="无坐标企业")
    for e in (outside, none):
        assert (e.micro_grid_id, e.grid_id, e.street_id) == (None, None, None)


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"credit_code": "91350100M000100Y44"}, "credit_code", "credit_code_check"),
        ({"name": "  "}, "name", "required"),
        ({"lon": 113.5, "lat": None}, "lat", "invalid"),
        ({"lon": 200, "lat": 34.8}, "lon", "invalid"),
        ({"industry": "C99"}, "industry", "unknown"),
        ({"chains": ["量子计算"]}, "chains", "unknown"),
        ({"size": "超大型"}, "size", "invalid"),
        ({"contact_phone": "12345"}, "contact_phone", "invalid"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(staff, changes, field, code):
    data = {"credit_code": usc("91410100MA000004"), "name": "某企业"} | changes
    with pytest.raises(ApplicationError) as exc:
        services.enterprise_create(actor=staff.admin, **data)
    assert (exc.value.field, exc.value.code) == (field, code)
    assert Enterprise.objects.count() == 0


def test_duplicate_credit_code_refused(make_enterprise, staff):
    e = make_enterprise()
    with pytest.raises(ApplicationError) as exc:
        services.enterprise_create(actor=staff.admin, credit_code=e.credit_code.lower(), name="另一家")
    assert (exc.value.field, exc.value.code) == ("credit_code", "duplicate")
    assert Enterprise.objects.count() == 1


def test_roles_without_registry_rights_are_refused(staff, make_user, org):
    handler = make_user(Role.HANDLER, org.urban_management)
    for actor in (staff.citizen, staff.leader, handler):
        with pytest.raises(PermissionDenied):
            services.enterprise_create(actor=actor, credit_code=usc("91410100MA000005"), name="某企业")
    assert Enterprise.objects.count() == 0


def test_street_cadre_sees_and_edits_only_its_street(staff, grid_layer, make_enterprise):
    west = make_enterprise("西区企业", lon=113.52, lat=34.80)
    east = make_enterprise("东区企业", lon=113.57, lat=34.80)
    nowhere = make_enterprise("无坐标企业", lon=None, lat=None)
    assert list(selectors.enterprise_list(actor=staff.cadre_street_a)) == [west]
    assert set(selectors.enterprise_list(actor=staff.cadre)) == {west, east, nowhere}
    assert set(selectors.enterprise_list(actor=staff.leader)) == {west, east, nowhere}
    assert list(selectors.enterprise_list(actor=staff.citizen)) == []
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=staff.cadre_street_a, enterprise=east, name="改名")
    east.refresh_from_db()
    assert east.name == "东区企业"
    with pytest.raises(NotFound):
        selectors.enterprise_get(actor=staff.cadre_street_a, pk=east.pk)


def test_update_relocates(staff, grid_layer, make_enterprise, org):
    e = make_enterprise(lon=113.52, lat=34.80)
    assert e.street_id == org.street_a.pk
    services.enterprise_update(actor=staff.admin, enterprise=e, lon=113.58, lat=34.83, chains=["数字经济"])
    e.refresh_from_db()
    assert (e.street_id, e.micro_grid_id) == (org.street_b.pk, grid_layer.micro_east_north.pk)
    assert list(e.chains.values_list("code", flat=True)) == ["digital_economy"]


def test_filters(staff, make_enterprise):
    a = make_enterprise("甲传感", chains=["sensor"], industry="C40", size="小型")
    make_enterprise("乙软件", chains=["digital_economy"], industry="I65")
    assert list(selectors.enterprise_list(actor=staff.admin, filters=EnterpriseFilters(chain="sensor"))) == [a]
    assert list(selectors.enterprise_list(actor=staff.admin, filters=EnterpriseFilters(industry="c4"))) == [a]
    assert list(selectors.enterprise_list(actor=staff.admin, filters=EnterpriseFilters(q="传感"))) == [a]
    assert list(selectors.enterprise_list(actor=staff.admin, filters=EnterpriseFilters(size="small"))) == [a]


def test_masking():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("0371-67891234") == "037******1234"
    assert mask_phone("") == ""
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("李") == "*"


def test_contact_reveal_is_audited_and_limited(staff, make_enterprise, frozen_now):
    e = make_enterprise(contact_name="张三", contact_phone="13812341234")
    with frozen_now(2023, 5, 1, 10):
        assert services.enterprise_contact_reveal(actor=staff.cadre, enterprise=e) == {
            "contact_name": "张三", "contact_phone": "13812341234"}
    with pytest.raises(PermissionDenied):
        services.enterprise_contact_reveal(actor=staff.leader, enterprise=e)
    assert list(PersonalDataAccess.objects.values_list("actor__username", "enterprise_id")) == [("cadre", e.pk)]


# --- qualifications -------------------------------------------------------------------------------------------


@pytest.fixture
def awards(staff, make_enterprise, frozen_now):
    """Five enterprises with a history of qualifications over 2022–2023."""
    e = [make_enterprise(f"企业{i}") for i in range(5)]
    add = services.qualification_award_create
    with frozen_now(2024, 1, 10, 9):
        for i in range(3):
            add(actor=staff.admin, enterprise=e[i], qualification_type="gazelle_prov", year=2022)
        for i in range(5):  # e0–e2 continue, e3 and e4 are new
            add(actor=staff.admin, enterprise=e[i], qualification_type="gazelle_prov", year=2023,
                awarded_on=dt.date(2023, 9, 15), issuing_body="河南省科学技术厅", evidence_ref="豫科〔2023〕88号")
        add(actor=staff.admin, enterprise=e[0], qualification_type="little_giant", year=2023)
        add(actor=staff.admin, enterprise=e[1], qualification_type="国家科技型中小企业入库", year=2023)
        add(actor=staff.admin, enterprise=e[2], qualification_type="tech_sme", year=2023, is_new=False)
        add(actor=staff.admin, enterprise=e[3], qualification_type="listed", year=2023)
    return e


def test_is_new_is_derived_from_history(awards):
    new_2023 = set(
        QualificationAward.objects.filter(qualification_type__code="gazelle_prov", year=2023, is_new=True)
        .values_list("enterprise__name", flat=True)
    )
    assert new_2023 == {"企业3", "企业4"}
    assert QualificationAward.objects.get(enterprise=awards[2], qualification_type__code="tech_sme").is_new is False


def test_qualification_counts_by_type_year_and_level(staff, awards):
    q = selectors.qualification_count
    assert q(actor=staff.leader, type_code="gazelle_prov", year=2023) == 5
    assert q(actor=staff.leader, type_code="gazelle_prov", year=2023, new_only=True) == 2
    assert q(actor=staff.leader, type_code="gazelle_prov", year=2022) == 3
    assert q(actor=staff.leader, type_code="gazelle_prov", year=2022, new_only=True) == 3
    # e2's tech_sme was entered with is_new=False, but it has no earlier award: the counts read the dated history,
    # never the flag (issue #14: forcing the flag moved F027/F028)
    assert q(actor=staff.leader, type_code="tech_sme", year=2023, new_only=True) == 2
    assert selectors.qualification_level_counts(actor=staff.leader, year=2023) == {
        "national": 4, "provincial": 5, "city": 0, "zone": 0}
    assert selectors.qualification_level_counts(actor=staff.leader, year=2023, new_only=True) == {
        "national": 4, "provincial": 2, "city": 0, "zone": 0}
    rows = selectors.qualification_counts(actor=staff.leader, year=2023, level="national")
    assert [(r["type_code"], r["enterprises"], r["new"]) for r in rows] == [
        ("listed", 1, 1), ("little_giant", 1, 1), ("tech_sme", 2, 2)]
    assert selectors.qualification_counts(actor=staff.citizen) == []
    names = selectors.enterprises_with_qualification(actor=staff.leader, type_code="gazelle_prov", year=2023,
                                                     new_only=True).values_list("name", flat=True)
    assert sorted(names) == ["企业3", "企业4"]


def test_award_duplicate_and_bad_input(staff, awards, frozen_now):
    with frozen_now(2024, 1, 10, 9):
        with pytest.raises(Conflict) as conflict:
            services.qualification_award_create(actor=staff.admin, enterprise=awards[0],
                                                qualification_type="gazelle_prov", year=2023)
        assert conflict.value.code == "award_duplicate"
        with pytest.raises(ApplicationError) as exc:
            services.qualification_award_create(actor=staff.admin, enterprise=awards[0],
                                                qualification_type="no_such", year=2023)
        assert (exc.value.field, exc.value.code) == ("qualification_type", "unknown")
        with pytest.raises(ApplicationError) as exc:
            services.qualification_award_create(actor=staff.admin, enterprise=awards[0],
                                                qualification_type="listed", year=2025)
        assert exc.value.field == "year"
    assert QualificationAward.objects.count() == 12


def _award_rows():
    return list(QualificationAward.objects.order_by("pk").values_list(
        "pk", "enterprise_id", "qualification_type__code", "year", "awarded_on", "issuing_body", "evidence_ref",
        "is_new"))


def test_award_update(staff, awards, frozen_now):
    award = QualificationAward.objects.get(enterprise=awards[3], qualification_type__code="gazelle_prov")
    with frozen_now(2024, 1, 10, 9):
        updated = services.qualification_award_update(actor=staff.cadre, award=award, year=2022,
                                                      issuing_body="郑州市科技局", is_new=None)
    award.refresh_from_db()
    assert (updated.pk, award.year, award.issuing_body, award.evidence_ref, award.is_new) == (
        award.pk, 2022, "郑州市科技局", "豫科〔2023〕88号", True)  # no earlier award: new again
    assert award.awarded_on == dt.date(2023, 9, 15)


def test_award_update_refusals_change_nothing(staff, awards, frozen_now):
    award = QualificationAward.objects.get(enterprise=awards[0], qualification_type__code="gazelle_prov", year=2023)
    before = _award_rows()
    with frozen_now(2024, 1, 10, 9):
        with pytest.raises(Conflict) as conflict:  # e0 already holds 2022
            services.qualification_award_update(actor=staff.admin, award=award, year=2022)
        assert (conflict.value.field, conflict.value.code) == ("qualification_type", "award_duplicate")
        with pytest.raises(ApplicationError) as exc:
            services.qualification_award_update(actor=staff.admin, award=award, year=2030)
        assert exc.value.field == "year"
        with pytest.raises(ApplicationError) as exc:
            services.qualification_award_update(actor=staff.admin, award=award, enterprise=awards[1])
        assert exc.value.field == "enterprise"
        with pytest.raises(PermissionDenied):
            services.qualification_award_update(actor=staff.leader, award=award, year=2021)
    assert _award_rows() == before


def test_enterprise_user_unlink(staff, make_enterprise, make_user):
    member = make_user(Role.ENTERPRISE, None, username="member")
    link = services.enterprise_user_link(actor=staff.admin, user=member, enterprise=make_enterprise())
    with pytest.raises(PermissionDenied):
        services.enterprise_user_unlink(actor=staff.cadre, link=link)
    assert EnterpriseUser.objects.count() == 1
    services.enterprise_user_unlink(actor=staff.admin, link=link)
    assert EnterpriseUser.objects.count() == 0


def test_street_cadre_counts_only_its_enterprises(staff, grid_layer, make_enterprise, frozen_now):
    west = make_enterprise(lon=113.52, lat=34.80)
    east = make_enterprise(lon=113.57, lat=34.80)
    with frozen_now(2024, 1, 10, 9):
        for e in (west, east):
            services.qualification_award_create(actor=staff.admin, enterprise=e, qualification_type="srdi_prov",
                                                year=2023)
    assert selectors.qualification_count(actor=staff.cadre_street_a, type_code="srdi_prov", year=2023) == 1
    assert selectors.qualification_count(actor=staff.leader, type_code="srdi_prov", year=2023) == 2


def test_award_update_replaces_and_removes_the_evidence_file(staff, awards, frozen_now, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    award = QualificationAward.objects.get(enterprise=awards[4], qualification_type__code="gazelle_prov")
    with frozen_now(2024, 1, 10, 9):
        services.qualification_award_update(actor=staff.admin, award=award,
                                            evidence_file=ContentFile(b"%PDF-1.4", name="cert.pdf"))
        assert QualificationAward.objects.get(pk=award.pk).evidence_file.name == "enterprises/evidence/2023/cert.pdf"
        services.qualification_award_update(actor=staff.admin, award=award, evidence_file=None)
    assert QualificationAward.objects.get(pk=award.pk).evidence_file.name == ""

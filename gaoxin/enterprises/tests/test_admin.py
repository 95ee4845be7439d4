"""The Django admin writes the registry only through the enterprise services: what it saves is what the services
would (located, stamped, checked), a service's refusal is a form error that changes nothing, and what has no service
is read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from gaoxin.accounts.roles import Role
from gaoxin.enterprises import services
from gaoxin.enterprises.models import Enterprise, EnterpriseUser, IndustrialChain, QualificationAward, QualificationType
from gaoxin.enterprises.tests.conftest import usc

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def enterprise_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "credit_code": usc("91410100MA000555"), "name": "郑州某科技有限公司", "address": "科学大道 100 号",
        "lon": "113.52", "lat": "34.80", "industry": "", "size": "small", "contact_name": "张三",
        "contact_phone": "13812341234",
        "awards-TOTAL_FORMS": "0", "awards-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def award_rows(*rows: dict[str, object], initial: int = 0) -> dict[str, object]:
    data: dict[str, object] = {"awards-TOTAL_FORMS": str(len(rows)), "awards-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"awards-{index}-{key}": value for key, value in row.items()})
    return data


def snapshot() -> list[tuple]:
    rows = [tuple(e) for e in Enterprise.objects.order_by("pk").values_list(
        "pk", "credit_code", "name", "address", "lon", "lat", "size", "grid_id", "street_id", "updated_at")]
    rows += [tuple(a) for a in QualificationAward.objects.order_by("pk").values_list(
        "pk", "enterprise_id", "qualification_type_id", "year", "is_new", "issuing_body")]
    rows += [tuple(c) for c in Enterprise.chains.through.objects.order_by("pk").values_list(
        "enterprise_id", "industrialchain_id")]
    return rows


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff.admin)
    return client


def test_adding_an_enterprise_goes_through_the_service(admin_client, staff, grid_layer, frozen_now):
    chain = IndustrialChain.objects.order_by("sort_order").first()
    assert chain is not None
    with frozen_now(2024, 1, 10, 9):
        response = admin_client.post(reverse("admin:enterprises_enterprise_add"),
                                     enterprise_form(chains=[chain.pk]))
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert (enterprise.grid_id, enterprise.street_id) == (grid_layer.grid_west.pk, grid_layer.grid_west.street_id)
    assert enterprise.created_at == dt.datetime(2024, 1, 10, 9, tzinfo=SHANGHAI)
    assert enterprise.updated_at == enterprise.created_at
    assert list(enterprise.chains.values_list("code", flat=True)) == [chain.code]
    assert enterprise.is_synthetic is False
    assert LogEntry.objects.get().object_id == str(enterprise.pk)
    assert response["Location"] == reverse("admin:enterprises_enterprise_changelist")


def test_changing_an_enterprise_and_its_awards_goes_through_the_services(admin_client, staff, make_enterprise,
                                                                         grid_layer, frozen_now):
    with frozen_now(2023, 6, 1, 9):
        enterprise = make_enterprise("旧名称", lon=113.52, lat=34.80)
        qtype = QualificationType.objects.get(code="tech_sme")
        kept = services.qualification_award_create(actor=staff.admin, enterprise=enterprise,
                                                   qualification_type=qtype, year=2022)
        dropped = services.qualification_award_create(actor=staff.admin, enterprise=enterprise,
                                                      qualification_type=qtype, year=2021)
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    rows = award_rows(
        {"id": kept.pk, "enterprise": enterprise.pk, "qualification_type": qtype.pk, "year": "2023",
         "issuing_body": "河南省科技厅"},
        {"id": dropped.pk, "enterprise": enterprise.pk, "qualification_type": qtype.pk, "year": "2021", "DELETE": "on"},
        {"qualification_type": qtype.pk, "year": "2020", "evidence_ref": "豫科〔2020〕1号"},
        initial=2)
    with frozen_now(2024, 1, 10, 9):
        response = admin_client.post(url, enterprise_form(credit_code=enterprise.credit_code, name="新名称",
                                                          lon="113.57", lat="34.80", **rows))
    assert response.status_code == 302, response.content.decode()[-2000:]
    enterprise.refresh_from_db()
    assert enterprise.name == "新名称"
    assert (enterprise.grid_id, enterprise.street_id) == (grid_layer.grid_east.pk, grid_layer.grid_east.street_id)
    assert enterprise.updated_at == dt.datetime(2024, 1, 10, 9, tzinfo=SHANGHAI)
    awards = list(QualificationAward.objects.filter(enterprise=enterprise).order_by("year")
                  .values_list("pk", "year", "issuing_body", "evidence_ref", "is_new"))
    new_pk = max(pk for pk, *_ in awards)
    assert awards == [(new_pk, 2020, "", "豫科〔2020〕1号", False), (kept.pk, 2023, "河南省科技厅", "", False)]
    assert QualificationAward.objects.get(pk=new_pk).created_at == dt.datetime(2024, 1, 10, 9, tzinfo=SHANGHAI)


def test_a_service_refusal_is_a_form_error_and_changes_nothing(admin_client, staff, make_enterprise, frozen_now):
    with frozen_now(2023, 6, 1, 9):
        enterprise = make_enterprise("原名称")
    qtype = QualificationType.objects.get(code="tech_sme")
    before, logged = snapshot(), LogEntry.objects.count()
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    with frozen_now(2024, 1, 10, 9):  # the name would pass; the award's year is in the future for the service
        response = admin_client.post(url, enterprise_form(
            credit_code=enterprise.credit_code, name="新名称",
            **award_rows({"qualification_type": qtype.pk, "year": "2030"})))
    assert response.status_code == 200
    assert "年度：应在 1978 到 2024 之间" in response.content.decode()
    assert snapshot() == before
    assert LogEntry.objects.count() == logged


def test_a_role_without_the_registry_is_refused_on_the_form(client, staff, make_enterprise, frozen_now):
    with frozen_now(2023, 6, 1, 9):
        enterprise = make_enterprise("原名称")
    leader = staff.leader
    leader.is_staff = True
    leader.save(update_fields=["is_staff"])
    leader.user_permissions.add(*Permission.objects.filter(content_type__app_label="enterprises",
                                                           codename__in=["view_enterprise", "change_enterprise",
                                                                         "add_enterprise"]))
    client.force_login(leader)
    before = snapshot()
    url = reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])
    response = client.post(url, enterprise_form(credit_code=enterprise.credit_code, name="新名称"))
    assert response.status_code == 200
    assert "只有助企干部、数据填报员和管理员可以维护企业库" in response.content.decode()
    response = client.post(reverse("admin:enterprises_enterprise_add"),
                           enterprise_form(credit_code=usc("91410100MA000556")))
    assert response.status_code == 200
    assert "只有助企干部、数据填报员和管理员可以维护企业库" in response.content.decode()
    assert snapshot() == before


def test_enterprises_are_not_deleted_in_the_admin(admin_client, make_enterprise):
    enterprise = make_enterprise()
    response = admin_client.post(reverse("admin:enterprises_enterprise_delete", args=[enterprise.pk]),
                                 {"post": "yes"})
    assert response.status_code == 403
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_award_page_changes_and_deletes_through_the_services(admin_client, staff, make_enterprise, frozen_now):
    with frozen_now(2023, 6, 1, 9):
        enterprise = make_enterprise()
        qtype = QualificationType.objects.get(code="tech_sme")
        award = services.qualification_award_create(actor=staff.admin, enterprise=enterprise,
                                                    qualification_type=qtype, year=2022)
        other = services.qualification_award_create(actor=staff.admin, enterprise=enterprise,
                                                    qualification_type=qtype, year=2021)
        url = reverse("admin:enterprises_qualificationaward_change", args=[award.pk])
        response = admin_client.post(url, {"qualification_type": qtype.pk, "year": "2021", "awarded_on": "",
                                           "issuing_body": "", "evidence_ref": ""})
        assert response.status_code == 200  # the service's duplicate check
        assert "已登记 2021 年度的" in response.content.decode()
        assert QualificationAward.objects.get(pk=award.pk).year == 2022
        response = admin_client.post(url, {"qualification_type": qtype.pk, "year": "2023", "awarded_on": "2023-05-04",
                                           "issuing_body": "河南省科技厅", "evidence_ref": ""})
        assert response.status_code == 302
    award.refresh_from_db()
    assert (award.year, award.awarded_on, award.issuing_body) == (2023, dt.date(2023, 5, 4), "河南省科技厅")
    assert award.enterprise_id == enterprise.pk
    response = admin_client.post(reverse("admin:enterprises_qualificationaward_changelist"),
                                 {"action": "delete_selected", "_selected_action": [award.pk, other.pk],
                                  "post": "yes"})
    assert response.status_code == 302
    assert QualificationAward.objects.count() == 0


def test_enterprise_users_are_linked_through_the_service(admin_client, staff, make_enterprise, make_user):
    enterprise = make_enterprise()
    response = admin_client.post(reverse("admin:enterprises_enterpriseuser_add"),
                                 {"user": staff.citizen.pk, "enterprise": enterprise.pk})
    assert response.status_code == 200
    assert "只有“企业用户”角色的用户可以关联企业" in response.content.decode()
    assert EnterpriseUser.objects.count() == 0
    member = make_user(Role.ENTERPRISE, None, username="member")
    response = admin_client.post(reverse("admin:enterprises_enterpriseuser_add"),
                                 {"user": member.pk, "enterprise": enterprise.pk})
    assert response.status_code == 302
    link = EnterpriseUser.objects.get()
    assert (link.user_id, link.enterprise_id) == (member.pk, enterprise.pk)
    response = admin_client.post(reverse("admin:enterprises_enterpriseuser_delete", args=[link.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert EnterpriseUser.objects.count() == 0


@pytest.mark.parametrize("model", ["visit", "receptionsession", "enterpriseproblem", "enterprisenotification",
                                   "personaldataaccess"])
def test_records_of_other_pages_are_read_only_here(admin_client, model):
    assert admin_client.get(reverse(f"admin:enterprises_{model}_add")).status_code == 403
    assert admin_client.get(reverse(f"admin:enterprises_{model}_changelist")).status_code == 200


def test_opening_an_enterprise_in_the_admin_is_an_audited_reveal(admin_client, staff, make_enterprise, frozen_now):
    """Issue 16 #4: the admin's change form shows the contact in clear, so opening it writes an access record
    (who, when, which enterprise, why), like every other reveal; the list shows contacts masked and records
    nothing."""
    from gaoxin.enterprises.models import PersonalDataAccess

    with frozen_now(2023, 6, 1, 9):
        enterprise = make_enterprise("某科技有限公司", contact_name="李四", contact_phone="13700001111")
    listing = admin_client.get(reverse("admin:enterprises_enterprise_changelist")).content.decode()
    assert enterprise.contact_phone not in listing
    assert PersonalDataAccess.objects.count() == 0
    with frozen_now(2023, 6, 2, 10):
        page = admin_client.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]))
    assert enterprise.contact_phone in page.content.decode()
    access = PersonalDataAccess.objects.get()
    assert (access.actor_id, access.enterprise_id) == (staff.admin.pk, enterprise.pk)
    assert access.purpose == "管理后台编辑企业信息"


def test_a_user_who_may_not_see_contacts_gets_the_form_without_them(client, staff, make_enterprise, frozen_now):
    from gaoxin.enterprises.models import PersonalDataAccess

    with frozen_now(2023, 6, 1, 9):
        enterprise = make_enterprise("某科技有限公司", contact_name="李四", contact_phone="13700001111")
    leader = staff.leader
    leader.is_staff = True
    leader.save(update_fields=["is_staff"])
    leader.user_permissions.add(*Permission.objects.filter(content_type__app_label="enterprises",
                                                           codename__in=["view_enterprise", "change_enterprise"]))
    client.force_login(leader)
    page = client.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])).content.decode()
    assert "13700001111" not in page
    assert "李四" not in page
    assert PersonalDataAccess.objects.count() == 0

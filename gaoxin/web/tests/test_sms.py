"""短信发件箱: the administrator's page lists the queued messages with masked numbers and requeues the refused
ones; other roles are refused and change nothing."""

from __future__ import annotations

import pytest

from gaoxin.accounts.roles import Role
from gaoxin.cases import services
from gaoxin.cases.tests.conftest import People, people, report  # noqa: F401
from gaoxin.notify.models import SmsMessage


@pytest.fixture
def queued(people, frozen_now):  # noqa: F811  # the imported fixture
    people.street_a_handler.phone = "13900001234"
    people.street_a_handler.save(update_fields=["phone"])
    with frozen_now(2023, 3, 1, 9):
        case = services.case_dispatch(actor=people.a_dispatcher,
                                      case=services.case_register(actor=people.a_operator, case=report(people.citizen)))
    SmsMessage.objects.update(state="dead", last_error="HTTP 400: signature not registered")
    return case


@pytest.fixture
def admin_client(client, make_user, org):
    client.force_login(make_user(Role.ADMIN, org.committee, username="site_admin"))
    return client


def test_the_administrator_sees_each_message_masked(admin_client, queued):
    page = admin_client.get("/sms/?state=dead").content.decode()
    assert "139****1234" in page
    assert "13900001234" not in page
    assert f"案件{queued.number}（占道经营）已派遣至石佛办事处" in page
    assert "HTTP 400: signature not registered" in page
    assert "共 1 条" in page
    assert "共 0 条" in admin_client.get("/sms/?state=delivered").content.decode()


def test_requeueing_the_refused_messages(admin_client, queued):
    response = admin_client.post("/sms/retry-dead/", follow=True)
    assert "已重新排队发送 1 条短信" in response.content.decode()
    assert list(SmsMessage.objects.values_list("state", flat=True)) == ["pending"]


def test_other_roles_are_refused_and_change_nothing(client, people, queued):  # noqa: F811
    client.force_login(people.zone_shift_lead)
    assert client.get("/sms/").status_code == 403
    assert client.post("/sms/retry-dead/").status_code == 403
    assert list(SmsMessage.objects.values_list("state", flat=True)) == ["dead"]


def test_a_bad_filter_is_named(admin_client, queued):
    response = admin_client.get("/sms/?q=abc")
    assert response.status_code == 400
    assert "案件编号应为数字" in response.content.decode()

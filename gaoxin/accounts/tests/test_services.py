import datetime as dt

import pytest
from django.test import Client

from gaoxin.accounts import services
from gaoxin.accounts.models import OrgUnit, User
from gaoxin.accounts.roles import Role
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError

PASSWORD = "Gaoxin-test-2023!"


def test_org_unit_paths_follow_the_tree(org):
    assert org.committee.path == "/GX/"
    assert org.community_a1.path == "/GX/GX-S01/GX-S01-01/"
    assert org.street_a.contains(org.community_a1)
    assert not org.street_b.contains(org.community_a1)


def test_moving_a_unit_moves_its_subtree(org):
    org.street_a.parent = org.urban_management
    org.street_a.save()
    org.community_a1.refresh_from_db()
    assert org.community_a1.path == "/GX/GX-D01/GX-S01/GX-S01-01/"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "", "name": "x", "kind": "department"}, "code"),
        ({"code": "a/b", "name": "x", "kind": "department"}, "code"),
        ({"code": "GX-X", "name": "x", "kind": "castle"}, "kind"),
        ({"code": "GX-X", "name": "x", "kind": "department", "parent": None}, "parent"),
    ],
)
def test_org_unit_create_refuses_bad_input(org, kwargs, field):
    before = OrgUnit.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.org_unit_create(**kwargs)
    assert exc.value.field == field
    assert OrgUnit.objects.count() == before


def test_org_unit_create_refuses_duplicate_code(org):
    with pytest.raises(ApplicationError) as exc:
        services.org_unit_create(code="GX-S01", name="重复", kind="street_office", parent=org.committee)
    assert (exc.value.field, exc.value.code) == ("code", "duplicate")
    assert OrgUnit.objects.filter(code="GX-S01").count() == 1


def test_user_create_validates_password_and_role(org):
    with pytest.raises(ApplicationError) as exc:
        services.user_create(username="weak", password="123", role=Role.OPERATOR, org_unit=org.zone_center)
    assert exc.value.field == "password"
    with pytest.raises(ApplicationError) as exc:
        services.user_create(username="x", password=PASSWORD, role="wizard", org_unit=org.zone_center)
    assert exc.value.field == "role"
    with pytest.raises(ApplicationError) as exc:
        services.user_create(username="x", password=PASSWORD, role=Role.HANDLER, org_unit=None)
    assert exc.value.field == "org_unit"
    assert not User.objects.exists()


def test_passwords_are_hashed_with_argon2_in_production_settings(settings):
    from django.conf import settings as django_settings

    # Tests prepend a fast hasher; the first real one is Argon2id.
    assert django_settings.PASSWORD_HASHERS[1] == "django.contrib.auth.hashers.Argon2PasswordHasher"


class TestLockout:
    def _login(self, client: Client, password: str) -> bool:
        response = client.post("/login/", {"username": "op", "password": password})
        return response.status_code == 302

    def test_five_failures_lock_for_fifteen_minutes(self, org, make_user, frozen_now, settings):
        settings.GAOXIN_LOCKOUT_THRESHOLD = 5
        settings.GAOXIN_LOCKOUT_MINUTES = 15
        make_user(Role.OPERATOR, org.zone_center, username="op")
        client = Client()
        with frozen_now(2023, 3, 1, 9, 0):
            for attempt in range(4):
                assert not self._login(client, "wrong")
                assert User.objects.get(username="op").failed_login_count == attempt + 1
            assert not self._login(client, "wrong")
            user = User.objects.get(username="op")
            assert user.failed_login_count == 0
            assert user.locked_until == clock.now() + dt.timedelta(minutes=15)
            # The right password is refused while locked, with a message that says how long.
            response = client.post("/login/", {"username": "op", "password": PASSWORD})
            assert response.status_code == 200
            assert "账户已锁定，请 15 分钟后再试" in response.content.decode()
            assert User.objects.get(username="op").locked_until == user.locked_until  # not extended
            clock.advance(dt.timedelta(minutes=14, seconds=59))
            assert not self._login(client, PASSWORD)
            clock.advance(dt.timedelta(seconds=1))
            assert self._login(client, PASSWORD)
        assert User.objects.get(username="op").locked_until is None

    def test_success_resets_the_counter(self, org, make_user, frozen_now):
        make_user(Role.OPERATOR, org.zone_center, username="op")
        client = Client()
        with frozen_now(2023, 3, 1, 9, 0):
            for _ in range(3):
                assert not self._login(client, "wrong")
            assert self._login(client, PASSWORD)
        user = User.objects.get(username="op")
        assert (user.failed_login_count, user.locked_until) == (0, None)

    def test_unknown_user_changes_nothing(self, org, make_user):
        make_user(Role.OPERATOR, org.zone_center, username="op")
        response = Client().post("/login/", {"username": "ghost", "password": "x"})
        assert response.status_code == 200
        assert User.objects.get(username="op").failed_login_count == 0

    def test_the_admin_unlocks_a_locked_account(self, org, make_user, frozen_now, settings):
        settings.GAOXIN_LOCKOUT_THRESHOLD = 1
        make_user(Role.OPERATOR, org.zone_center, username="op")
        admin = User.objects.create_superuser(username="root", password=PASSWORD)
        with frozen_now(2023, 3, 1, 9, 0):
            assert not self._login(Client(), "wrong")
            locked = User.objects.get(username="op")
            assert locked.locked_until is not None
            staff = Client()
            staff.force_login(admin)
            response = staff.post("/admin/accounts/user/", {"action": "unlock", "_selected_action": [locked.pk]})
            assert response.status_code == 302
            assert User.objects.get(username="op").locked_until is None
            assert self._login(Client(), PASSWORD)


class TestNoEnumeration:
    """Issue 16 #8: an unknown name, a wrong password and a locked account answer alike and do the same work
    (one password hash each); only the right password of a locked account hears of the lock."""

    def _attempt(self, username: str, password: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
        """The login form's answer and the number of password hashes computed (the test hasher's ``encode``,
        which its ``verify`` calls too)."""
        from django.contrib.auth.hashers import MD5PasswordHasher

        hashed: list[int] = []
        original = MD5PasswordHasher.encode

        def counted(self: MD5PasswordHasher, *args: object, **kwargs: object) -> str:
            hashed.append(1)
            return original(self, *args, **kwargs)  # type: ignore[arg-type]  # the hasher's own arguments

        monkeypatch.setattr(MD5PasswordHasher, "encode", counted)
        response = Client().post("/login/", {"username": username, "password": password})
        monkeypatch.undo()
        errors = response.context["form"].non_field_errors() if response.context else []
        return " ".join(errors), len(hashed)

    def test_unknown_wrong_and_locked_look_the_same(self, org, make_user, frozen_now, settings, monkeypatch):
        settings.GAOXIN_LOCKOUT_THRESHOLD = 1
        make_user(Role.OPERATOR, org.zone_center, username="op")
        make_user(Role.OPERATOR, org.zone_center, username="locked")
        with frozen_now(2023, 3, 1, 9, 0):
            Client().post("/login/", {"username": "locked", "password": "wrong"})  # locks it
            assert User.objects.get(username="locked").locked_until is not None
            unknown = self._attempt("nobody", "wrong", monkeypatch)
            wrong = self._attempt("op", "wrong", monkeypatch)
            locked = self._attempt("locked", "wrong", monkeypatch)
            told = self._attempt("locked", PASSWORD, monkeypatch)
        assert unknown == wrong == locked
        assert unknown[1] == 1
        assert "锁定" not in unknown[0]
        assert "账户已锁定" in told[0]
        assert told[1] == 1

    def test_a_locked_account_s_api_tokens_are_refused_too(self, org, make_user, frozen_now, settings):
        from gaoxin.api.services import api_token_create

        settings.GAOXIN_LOCKOUT_THRESHOLD = 1
        user = make_user(Role.OPERATOR, org.zone_center, username="op")
        token = api_token_create(user=user).token
        with frozen_now(2023, 3, 1, 9, 0):
            headers = {"Authorization": f"Bearer {token}"}
            assert Client().get("/api/v1/me", headers=headers).status_code == 200
            Client().post("/login/", {"username": "op", "password": "wrong"})
            assert Client().get("/api/v1/me", headers=headers).status_code == 401
            clock.advance(dt.timedelta(minutes=15, seconds=1))
            assert Client().get("/api/v1/me", headers=headers).status_code == 200

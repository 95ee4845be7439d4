from django.test import Client

from gaoxin.accounts.roles import Role


def test_home_requires_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_home_shows_role_and_scope(org, make_user):
    user = make_user(Role.OPERATOR, org.street_a_center)
    client = Client()
    client.force_login(user)
    body = client.get("/").content.decode()
    assert "受理员" in body
    assert "石佛办事处" in body


def test_healthz_reports_the_database(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_english_switch(db):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"

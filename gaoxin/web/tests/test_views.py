from django.test import Client

from gaoxin.accounts.roles import Role


def test_home_requires_login(db):
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_home_sends_each_role_to_its_workbench(people, client_for):
    p = people
    expected = {p.a_operator: "/work/operator/", p.a_dispatcher: "/work/dispatch/",
                p.zone_shift_lead: "/work/dispatch/", p.street_a_handler: "/work/handler/",
                p.worker_west: "/work/grid/", p.leader: "/dashboard/"}
    for user, url in expected.items():
        response = client_for(user).get("/")
        assert response.status_code == 302, user.username
        assert response["Location"] == url, user.username


def test_home_shows_role_and_scope_for_roles_without_a_workbench(org, make_user):
    user = make_user(Role.CITIZEN, None)
    client = Client()
    client.force_login(user)
    body = client.get("/").content.decode()
    assert "群众" in body


def test_healthz_reports_the_database(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_english_switch(db):
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    body = client.get("/login/").content.decode()
    assert "Sign in" in body
    assert "Operations platform" in body


def test_login_page_has_csp_and_csrf(db):
    response = Client(enforce_csrf_checks=True).get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("style-src-attr")[0]
    assert "frame-ancestors 'none'" in csp
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_404_and_500_pages_are_the_platforms_own_in_chinese(client, rf):
    from django.contrib.auth.models import AnonymousUser

    from gaoxin.web.views.errors import server_error

    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "页面不存在" in missing.content.decode()
    assert "web/app.css" in missing.content.decode()
    request = rf.get("/cases/")
    request.user = AnonymousUser()
    try:
        raise ValueError("boom")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "系统出错" in response.content.decode()
    assert "Server Error" not in response.content.decode()


def test_the_login_page_states_the_lockout_rule(client, settings):
    settings.GAOXIN_LOCKOUT_THRESHOLD, settings.GAOXIN_LOCKOUT_MINUTES = 5, 15
    assert "连续输错密码 5 次，账户将锁定 15 分钟。" in client.get("/login/").content.decode()

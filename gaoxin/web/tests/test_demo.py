from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from gaoxin.accounts.demo import DEMO_LOGINS, DEMO_PASSWORD
from gaoxin.accounts.models import User
from gaoxin.grids.models import Grid


@pytest.mark.django_db(transaction=True)
def test_demo_prepares_once_and_reuses():
    out = StringIO()
    call_command("demo", "--no-serve", "--verbosity", "0", stdout=out)
    assert Grid.objects.filter(level=Grid.Level.GRID).count() == 571
    assert Grid.objects.filter(level=Grid.Level.MICRO).count() == 3895
    demo_usernames = {d.username for d in DEMO_LOGINS}
    assert set(User.objects.filter(username__in=demo_usernames).values_list("username", flat=True)) == demo_usernames
    users_before = User.objects.count()
    codes_before = list(Grid.objects.order_by("code").values_list("code", flat=True)[:20])
    call_command("demo", "--no-serve", "--verbosity", "0", stdout=StringIO())
    assert User.objects.count() == users_before
    assert list(Grid.objects.order_by("code").values_list("code", flat=True)[:20]) == codes_before
    # Every demo login works with the published password.
    for login in DEMO_LOGINS:
        client = Client()
        assert client.login(username=login.username, password=DEMO_PASSWORD), login.username


def test_banner_lists_every_login():
    from gaoxin.web.management.commands.demo import demo_banner

    banner = demo_banner(url="http://127.0.0.1:8000/")
    assert "http://127.0.0.1:8000/" in banner
    assert DEMO_PASSWORD in banner
    for login in DEMO_LOGINS:
        assert login.username in banner

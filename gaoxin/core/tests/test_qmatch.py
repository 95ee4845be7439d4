import datetime as dt

import pytest
from django.db.models import Q
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.conftest import examples
from gaoxin.core.qmatch import matches

STATES = ("registered", "closed", "merged", "evaluated")


def test_lookups_connectors_and_negation():
    row = {"state": "closed", "closed_on_time": True, "satisfaction": "", "registered_at": dt.datetime(2023, 1, 1)}
    assert matches(Q(), row)
    assert matches(Q(state="closed"), row)
    assert matches(Q(state__in=("closed", "evaluated"), closed_on_time=True), row)
    assert not matches(~Q(satisfaction=""), row)
    assert matches(Q(state="merged") | Q(closed_on_time=True), row)
    assert matches(Q(registered_at__isnull=False) & ~Q(state="merged"), row)
    assert not matches(Q(registered_at__isnull=True), row)
    with pytest.raises(ValueError):
        matches(Q(state__startswith="c"), row)


@pytest.mark.django_db
@settings(max_examples=examples(0.5))
@given(state=st.sampled_from(STATES), on_time=st.sampled_from((True, False, None)))
def test_agrees_with_the_database(state, on_time):
    """The same Q selects the same rows in Python as in SQL (checked against a real table: the users')."""
    from gaoxin.accounts.models import User

    rows = [{"username": "a", "is_active": True, "display_name": state},
            {"username": "b", "is_active": False, "display_name": ""}]
    conditions = [Q(display_name=state), Q(display_name__in=STATES) & ~Q(is_active=False),
                  Q(is_active=bool(on_time)) | Q(display_name="")]
    User.objects.bulk_create([User(**r) for r in rows])
    try:
        for q in conditions:
            in_sql = set(User.objects.filter(q, username__in=("a", "b")).values_list("username", flat=True))
            in_python = {r["username"] for r in rows if matches(q, r)}
            assert in_python == in_sql
    finally:
        User.objects.filter(username__in=("a", "b")).delete()

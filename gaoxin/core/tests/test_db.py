import datetime as dt
from typing import Any

from django.db.models.functions import TruncDate

from gaoxin.accounts.models import User
from gaoxin.core.db import SHANGHAI, FirstOfMonth, FirstOfYear, ShanghaiDate, ShanghaiMonth


def test_shanghai_date_agrees_with_truncdate_around_midnight(db):
    moments = {
        "before": dt.datetime(2023, 3, 1, 23, 59, 59, tzinfo=SHANGHAI),
        "midnight": dt.datetime(2023, 3, 2, 0, 0, 0, tzinfo=SHANGHAI),
        "utc_midnight": dt.datetime(2023, 3, 2, 0, 0, 0, tzinfo=dt.UTC),  # 08:00 in Shanghai
        "new_year": dt.datetime(2022, 12, 31, 16, 30, tzinfo=dt.UTC),  # 2023-01-01 00:30 in Shanghai
    }
    for name, moment in moments.items():
        User.objects.create(username=name, date_joined=moment)
    rows = User.objects.annotate(
        fast=ShanghaiDate("date_joined"), reference=TruncDate("date_joined", tzinfo=SHANGHAI)
    ).values_list("username", "fast", "reference")
    got = {name: (fast, reference) for name, fast, reference in rows}
    assert got == {
        "before": (dt.date(2023, 3, 1), dt.date(2023, 3, 1)),
        "midnight": (dt.date(2023, 3, 2), dt.date(2023, 3, 2)),
        "utc_midnight": (dt.date(2023, 3, 2), dt.date(2023, 3, 2)),
        "new_year": (dt.date(2023, 1, 1), dt.date(2023, 1, 1)),
    }


def test_shanghai_month_is_the_first_day_of_the_shanghai_month(db):
    moments = {
        "march_end": dt.datetime(2023, 3, 31, 23, 59, tzinfo=SHANGHAI),
        "april_in_shanghai": dt.datetime(2023, 3, 31, 16, 30, tzinfo=dt.UTC),  # 2023-04-01 00:30 in Shanghai
        "new_year": dt.datetime(2022, 12, 31, 16, 30, tzinfo=dt.UTC),  # 2023-01-01 00:30 in Shanghai
    }
    for name, moment in moments.items():
        User.objects.create(username=name, date_joined=moment)
    got = dict(User.objects.annotate(month=ShanghaiMonth("date_joined")).values_list("username", "month"))
    assert got == {"march_end": dt.date(2023, 3, 1), "april_in_shanghai": dt.date(2023, 4, 1),
                   "new_year": dt.date(2023, 1, 1)}


def test_first_of_month_and_year(db):
    from gaoxin.cases.models import CaseStat

    for day in (dt.date(2023, 3, 31), dt.date(2024, 2, 29), dt.date(2023, 1, 1)):
        CaseStat.objects.create(grain="day", period_start=day, street_key=0, center_key=0, assignee_key=0,
                                category_key=1, channel=str(day))
    got = {row[0]: row[1:] for row in CaseStat.objects.annotate(
        month=FirstOfMonth("period_start"), year=FirstOfYear("period_start")).values_list("channel", "month", "year")}
    assert got == {"2023-03-31": (dt.date(2023, 3, 1), dt.date(2023, 1, 1)),
                   "2024-02-29": (dt.date(2024, 2, 1), dt.date(2024, 1, 1)),
                   "2023-01-01": (dt.date(2023, 1, 1), dt.date(2023, 1, 1))}


def test_insert_many_stores_what_bulk_create_stores(db):
    """Every kind of column of a history event (key, moment, JSON, text, null actor, a default) comes back the
    same."""
    from gaoxin.core.db import insert_many
    from gaoxin.enterprises.models import Enterprise
    from gaoxin.talent.models import ApplicationEvent, TalentApplication, TalentProgram
    from gaoxin.talent.services import programs_ensure

    programs_ensure()
    actor = User.objects.create(username="officer")
    moment = dt.datetime(2023, 3, 1, 9, 30, 0, 123456, tzinfo=SHANGHAI)
    enterprise = Enterprise.objects.create(credit_code="91410100MA0000015B", name="郑州测试科技有限公司",
                                           created_at=moment, updated_at=moment)

    def events(number: str) -> list[dict]:
        application = TalentApplication.objects.create(
            number=number, program=TalentProgram.objects.get(code="youth_talent"), person_name="李明",
            enterprise=enterprise, submitted_at=moment, review_due=moment, submitted_by=actor)
        return [{"application_id": application.pk, "seq": n, "actor_id": actor.pk if n % 2 else None,
                 "at": moment + dt.timedelta(hours=n),
                 "payload": {"subsidy": "1.50", "overdue": n > 1, "list": [1, "二"]},
                 "prev_hash": f"h{n - 1}", "hash": f"h{n}", "action": "submit",
                 **({"note": f"意见{n}"} if n > 1 else {})}  # the first leaves the note to its default
                for n in range(1, 4)]

    ApplicationEvent.objects.bulk_create([ApplicationEvent(**row) for row in events("RC2023000001")])
    insert_many(ApplicationEvent, events("RC2023000002"))
    fields = ("seq", "actor_id", "at", "note", "payload", "prev_hash", "hash", "action")
    rows = {number: list(ApplicationEvent.objects.filter(application__number=number).order_by("seq")
                         .values_list(*fields)) for number in ("RC2023000001", "RC2023000002")}
    assert rows["RC2023000002"] == rows["RC2023000001"]
    assert [row[:3] for row in rows["RC2023000002"]] == [
        (n, actor.pk if n % 2 else None, moment + dt.timedelta(hours=n)) for n in range(1, 4)]


def test_a_bulk_load_on_sqlite_uses_the_rollback_journal_and_leaves_wal_behind(tmp_path, django_db_blocker):
    """On a database file of its own (the test database may be in memory): WAL → rollback journal for the block →
    WAL; not switched while another connection has the file open. (The small simulated year runs inside a
    transaction: there it stays as it is.)"""
    import pytest
    from django.db import connection
    from django.db.backends.sqlite3.base import DatabaseWrapper


    if connection.vendor != "sqlite":
        pytest.skip("SQLite's journal")
    settings = {**connection.settings_dict, "NAME": str(tmp_path / "load.sqlite3")}
    db, other = DatabaseWrapper(settings, alias="load"), DatabaseWrapper(settings, alias="other")

    def mode(wrapper: DatabaseWrapper) -> str:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            return cursor.fetchone()[0]

    with django_db_blocker.unblock():
        _journal_round_trip(db, other, mode)


def _journal_round_trip(db, other, mode) -> None:
    from gaoxin.core.db import rollback_journal_for_bulk_load

    try:
        assert mode(db) == "wal"
        with rollback_journal_for_bulk_load(db) as switched:
            assert (switched, mode(db)) == (True, "delete")
            with db.cursor() as cursor:
                cursor.execute("CREATE TABLE t (x integer)")
                cursor.execute("INSERT INTO t VALUES (1)")
        assert mode(db) == "wal"
        assert mode(other) == "wal"  # another connection has the file open now
        with rollback_journal_for_bulk_load(db) as switched:
            assert (switched, mode(db)) == (False, "wal")
    finally:
        db.close()
        other.close()


def test_values_insert_many_passes_as_they_are_are_what_their_fields_store(db):
    """The shortcut of ``insert_many``: for every field it gives a plain type, a value of that type is what
    ``get_db_prep_save`` would store (on the database the tests run on)."""
    from django.apps import apps
    from django.db import connection

    from gaoxin.core.db import _plain_type

    samples: dict[type, list[Any]] = {str: ["", "郑州", "0123"], int: [0, 1, -5, 2**40], bool: [True, False]}
    checked = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            kind = _plain_type(field)
            for value in samples.get(kind, []) if kind else []:
                if value == -5 and "Positive" in type(field).__name__:
                    continue  # not a value such a field holds
                assert field.get_db_prep_save(value, connection) == value, (model, field.name, value)
                checked += 1
    assert checked > 500

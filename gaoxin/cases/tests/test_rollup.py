"""The roll-ups kept by the services equal a fresh computation from the cases, and give the metrics' numbers."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from gaoxin.cases import metrics, rollup, services
from gaoxin.cases.models import Case, CaseStat, Grain
from gaoxin.cases.tests.conftest import report
from gaoxin.cases.tests.test_metrics import MARCH, S, march  # noqa: F401 - the fixture
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError

COUNTS = ("registered", "closed", "closed_on_time", "evaluated", "satisfied", "overdue")


def _sum(qs):
    rows = list(qs.values(*COUNTS))
    return {c: sum(r[c] for r in rows) for c in COUNTS}


def test_services_keep_the_rollup_equal_to_the_cases(march):  # noqa: F811
    assert rollup.differences() == []
    month = _sum(CaseStat.objects.filter(grain=Grain.MONTH, period_start=dt.date(2023, 3, 1)))
    m = metrics.case_metrics(actor=march.leader, start=MARCH[0], end=MARCH[1])["counts"]
    assert month == {"registered": 5, "closed": 3, "closed_on_time": 2, "evaluated": 3, "satisfied": 2,
                     "overdue": 0}
    assert (month["registered"], month["closed"], month["closed_on_time"], month["evaluated"],
            month["satisfied"]) == (m["registered"], m["closed"], m["closed_on_time"], m["evaluated"],
                                    m["satisfied"])
    # The day rows of March add up to the month row; April has its own.
    assert _sum(CaseStat.objects.filter(grain=Grain.DAY, period_start__month=3)) == month
    assert _sum(CaseStat.objects.filter(grain=Grain.MONTH, period_start=dt.date(2023, 4, 1)))["registered"] == 1
    # Street A's handler unit shows its assigned cases (C1 C2 C3).
    assigned = _sum(CaseStat.objects.filter(grain=Grain.MONTH, period_start__month=3,
                                            assignee_key=march.street_a_handler.org_unit_id))
    assert assigned["registered"] == 3
    assert assigned["closed"] == 2


def test_rebuild_gives_what_the_services_kept(march):  # noqa: F811
    kept = {m: sorted(m.objects.values_list(*m.KEY, *m.COUNTS)) for m in rollup.MODELS}
    written = rollup.rebuild()
    assert written == {m._meta.db_table: len([r for r in kept[m] if any(r[len(m.KEY):])]) for m in rollup.MODELS}
    for model, rows in kept.items():
        nonzero = [r for r in rows if any(r[len(model.KEY):])]
        assert sorted(model.objects.values_list(*model.KEY, *model.COUNTS)) == nonzero
    assert rollup.differences() == []


def test_differences_reports_a_stale_row(march):  # noqa: F811
    row = CaseStat.objects.filter(grain=Grain.DAY).first()
    assert row is not None
    CaseStat.objects.filter(pk=row.pk).update(closed=row.closed + 1)
    found = rollup.differences()
    assert len(found) == 1
    assert "cases_casestat" in found[0]
    assert "stored" in found[0]


def test_supervision_counts_overdue_cases(march):  # noqa: F811
    # C6 (registered, never dispatched) and C3's suspension aside, C2-like open cases run past their limits.
    with clock.frozen(dt.datetime(2023, 3, 20, 9, 0, tzinfo=S)):
        services.case_supervise_overdue()
    overdue = Case.objects.filter(is_overdue=True, registered_at__isnull=False).exclude(state="merged").count()
    assert overdue > 0
    assert _sum(CaseStat.objects.filter(grain=Grain.DAY))["overdue"] == overdue
    assert rollup.differences() == []


def test_a_refused_action_changes_no_rollup_row(march):  # noqa: F811
    before = sorted(CaseStat.objects.values_list(*CaseStat.KEY, *CaseStat.COUNTS))
    case = Case.objects.filter(state="registered").first()
    assert case is not None
    with pytest.raises(ApplicationError):
        services.case_dispatch(actor=march.citizen, case=case)
    assert sorted(CaseStat.objects.values_list(*CaseStat.KEY, *CaseStat.COUNTS)) == before


def test_period_rows_cover_each_day_once(march):  # noqa: F811
    def registered(start, end):
        return _sum(rollup.period_rows(CaseStat, start, end))["registered"]

    assert registered(dt.date(2023, 3, 1), dt.date(2023, 4, 30)) == 6  # two whole months
    assert registered(dt.date(2023, 2, 15), dt.date(2023, 4, 2)) == 5  # days, March whole, days
    assert registered(dt.date(2023, 3, 2), dt.date(2023, 4, 3)) == 1  # only April 3 (March 1 left out)
    assert registered(dt.date(2023, 4, 3), dt.date(2023, 4, 3)) == 1
    assert registered(dt.date(2023, 3, 1), dt.date(2023, 3, 1)) == 5


def test_a_new_report_counts_only_once_registered(march):  # noqa: F811
    with clock.frozen(dt.datetime(2023, 3, 6, 9, 0, tzinfo=S)):
        case = report(march.citizen)
        assert _sum(CaseStat.objects.filter(grain=Grain.DAY, period_start=dt.date(2023, 3, 6)))["registered"] == 0
        services.case_register(actor=march.a_operator, case=case)
    assert _sum(CaseStat.objects.filter(grain=Grain.DAY, period_start=dt.date(2023, 3, 6)))["registered"] == 1
    assert rollup.differences() == []


def test_period_rows_take_years_then_months_then_days(march):  # noqa: F811
    def grains(start, end, **kw):
        return sorted(set(rollup.period_rows(CaseStat, start, end, **kw).values_list("grain", flat=True)))

    def registered(start, end, **kw):
        return _sum(rollup.period_rows(CaseStat, start, end, **kw))["registered"]

    assert registered(dt.date(2023, 1, 1), dt.date(2023, 12, 31)) == 6
    assert grains(dt.date(2023, 1, 1), dt.date(2023, 12, 31)) == ["year"]
    assert registered(dt.date(2022, 12, 15), dt.date(2024, 1, 10)) == 6
    assert grains(dt.date(2023, 1, 1), dt.date(2023, 12, 31), coarsest=Grain.MONTH) == ["month"]
    assert registered(dt.date(2023, 1, 1), dt.date(2023, 12, 31), coarsest=Grain.DAY) == 6
    assert grains(dt.date(2023, 3, 1), dt.date(2023, 4, 3)) == ["day", "month"]


def test_rebuilding_a_span_repairs_it_and_leaves_the_rest(march):  # noqa: F811
    CaseStat.objects.filter(grain=Grain.DAY, period_start=dt.date(2023, 3, 1)).update(registered=99)
    CaseStat.objects.filter(grain=Grain.YEAR).update(closed=0)
    assert rollup.differences()
    april = sorted(CaseStat.objects.filter(period_start__month=4).values_list(*CaseStat.KEY, *CaseStat.COUNTS))
    rollup.rebuild(start=dt.date(2023, 3, 5), end=dt.date(2023, 3, 9))
    assert rollup.differences() == []
    assert sorted(CaseStat.objects.filter(period_start__month=4).values_list(*CaseStat.KEY, *CaseStat.COUNTS)) == april


def test_the_rollup_command_checks_and_rebuilds(march, capsys):  # noqa: F811
    call_command("cases", "rollup")
    assert "一致" in capsys.readouterr().out
    CaseStat.objects.filter(grain=Grain.MONTH).update(satisfied=7)
    with pytest.raises(CommandError):
        call_command("cases", "rollup")
    assert "DIFF cases_casestat" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("cases", "rollup", "--from", "2023-03-01")  # a span only with --rebuild
    call_command("cases", "rollup", "--rebuild", "--from", "2023-03-01", "--to", "2023-04-30")
    assert rollup.differences() == []


def test_a_recategorised_category_counts_under_its_new_top_from_then_on(march):  # noqa: F811
    from gaoxin.cases.models import Category

    moved = Category.objects.get(code="09001")
    new_top = Category.objects.get(code="06")
    moved.parent = new_top
    moved.save()  # an administrator's edit: the reference data is reloaded
    with clock.frozen(dt.datetime(2023, 3, 7, 9, 0, tzinfo=S)):
        services.case_register(actor=march.a_operator, case=report(march.citizen))
    day = CaseStat.objects.get(grain=Grain.DAY, period_start=dt.date(2023, 3, 7))
    assert (day.category_key, day.registered) == (new_top.pk, 1)
    assert rollup.differences() != []  # the earlier rows still count 09001 under 09 …
    rollup.rebuild()
    assert rollup.differences() == []  # … until the rebuild an administrator runs after such an edit

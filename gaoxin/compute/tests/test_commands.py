"""`gaoxin compute`: the simulation prints its figures; a bad month is named; a tick runs the broker."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_simulate_prints_the_figures():
    out = StringIO()
    call_command("compute", "simulate", "--jobs", "60", "--days", "2", "--pools", "3", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert text.startswith("作业 60，终态 100.00%")
    assert "排队中位数" in text


@pytest.mark.parametrize(("args", "message"), [(["close", "--month", "2023-13"], "--month 应为年月，如 2023-05"),
                                                (["simulate", "--pools", "2"], "--pools 应不小于 3")])
def test_bad_arguments_are_named(args, message):
    with pytest.raises(CommandError) as refused:
        call_command("compute", *args, stdout=StringIO())
    assert str(refused.value) == message


def test_a_tick_with_no_pool_reports_nothing_done():
    out = StringIO()
    call_command("compute", "tick", stdout=out)
    assert out.getvalue().strip() == "下发 0，开始 0，完成 0，失败 0，改派 0，无资源池 0，失联资源池 0"

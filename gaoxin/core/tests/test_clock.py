"""The platform clock: frozen for a block, restored after it, released by the test runner's safety net."""

import datetime as dt

import pytest

from gaoxin.core import clock

S = dt.timezone(dt.timedelta(hours=8))
MOMENT = dt.datetime(2023, 3, 1, 9, tzinfo=S)


def test_frozen_for_a_block_then_restored():
    assert clock.frozen_at() is None
    with clock.frozen(MOMENT):
        assert (clock.now(), clock.frozen_at()) == (MOMENT, MOMENT)
        clock.advance(dt.timedelta(minutes=5))
        with clock.frozen(MOMENT.replace(hour=10)):
            assert clock.now().hour == 10
        assert clock.now() == MOMENT + dt.timedelta(minutes=5)
    assert clock.frozen_at() is None


def test_release_unfreezes_whatever_froze_it():
    block = clock.frozen(MOMENT)
    block.__enter__()  # left open on purpose: the leak the runner's safety net catches
    assert clock.frozen_at() == MOMENT
    clock.release()
    assert clock.frozen_at() is None


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"), clock.frozen(dt.datetime(2023, 3, 1, 9)):
        pass
    assert clock.frozen_at() is None

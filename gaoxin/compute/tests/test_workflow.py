"""The job workflow table: the moves allowed from each state, a replayed key changing nothing."""

from __future__ import annotations

import pytest

from gaoxin.compute import workflow


def test_a_job_lives_through_placement_failover_and_success():
    state, seen = workflow.SUBMITTED, set[str]()
    for move, key, expected in [("place", "1:place", "placed"), ("start", "1:start", "running"),
                                ("failover", "1:failover", "submitted"), ("place", "2:place", "placed"),
                                ("succeed", "2:succeeded", "succeeded")]:
        outcome = workflow.apply(state, move, key=key, seen=seen)
        assert outcome == workflow.Outcome(expected, True)
        state = outcome.state
        seen.add(key)
    assert state == workflow.SUCCEEDED


def test_a_replayed_key_changes_nothing():
    assert workflow.apply(workflow.RUNNING, "start", key="1:start", seen={"1:start"}) == \
        workflow.Outcome(workflow.RUNNING, False)


@pytest.mark.parametrize(("state", "move"), [(workflow.SUCCEEDED, "cancel"), (workflow.SUBMITTED, "start"),
                                             (workflow.CANCELLED, "place"), (workflow.FAILED, "failover"),
                                             (workflow.RUNNING, "expire")])
def test_refused_moves(state, move):
    with pytest.raises(workflow.MoveRefused):
        workflow.apply(state, move, key="x", seen=set())


def test_every_state_is_reachable_and_terminal_states_have_no_way_out():
    targets = {target for _, target in workflow.MOVES.values()}
    assert targets | {workflow.SUBMITTED} == set(workflow.STATES)
    for sources, _ in workflow.MOVES.values():
        assert not set(sources) & set(workflow.TERMINAL)

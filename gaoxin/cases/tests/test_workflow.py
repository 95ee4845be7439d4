import pytest

from gaoxin.cases import workflow as wf

HAPPY = [
    ("report", "", "reported"), ("register", "reported", "registered"), ("dispatch", "registered", "dispatched"),
    ("accept", "dispatched", "accepted"), ("feedback", "accepted", "handled"), ("verify_pass", "handled", "closed"),
    ("evaluate", "closed", "evaluated"),
]


def test_every_state_and_action_is_labelled_and_reachable():
    targets = set(wf.TRANSITIONS.values()) | {wf.INITIAL_STATE}
    assert targets == set(wf.STATES)
    assert {action for _, action in wf.TRANSITIONS} | {wf.INITIAL_ACTION} == set(wf.ACTIONS)
    assert wf.TERMINAL_STATES.isdisjoint(source for source, _ in wf.TRANSITIONS)


def test_next_state_and_refusals():
    assert wf.next_state("handled", "verify_fail") == "dispatched"
    assert wf.next_state("dispatched", "return") == "registered"
    with pytest.raises(wf.WorkflowError, match="已办结"):
        wf.next_state("closed", "accept")
    assert sorted(wf.allowed_actions("reported")) == ["merge", "register", "reject"]


def test_replay_of_valid_histories():
    assert wf.replay(HAPPY) == "evaluated"
    rework = [*HAPPY[:5], ("verify_fail", "handled", "dispatched"), ("accept", "dispatched", "accepted"),
              ("request_suspension", "accepted", "accepted"), ("approve_suspension", "accepted", "suspended"),
              ("resume", "suspended", "accepted"), ("request_extension", "accepted", "accepted"),
              ("deny_extension", "accepted", "accepted"), ("feedback", "accepted", "handled")]
    assert wf.replay(rework) == "handled"
    assert wf.replay([{"action": "report", "from_state": None, "to_state": "reported"},
                      wf.Step("merge", "reported", "merged")]) == "merged"


@pytest.mark.parametrize(
    ("events", "index"),
    [
        ([], None),
        ([("register", "", "registered")], 0),
        ([HAPPY[0], ("dispatch", "reported", "dispatched")], 1),
        ([HAPPY[0], ("register", "registered", "registered")], 1),  # from-state does not match
        ([HAPPY[0], ("register", "reported", "dispatched")], 1),  # wrong target
        ([*HAPPY[:4], ("approve_extension", "accepted", "accepted")], 4),  # nothing pending
        ([*HAPPY[:4], ("request_extension", "accepted", "accepted"),
          ("request_extension", "accepted", "accepted")], 5),  # second request while pending
        ([*HAPPY[:4], ("request_suspension", "accepted", "accepted"), ("feedback", "accepted", "handled"),
          ("verify_fail", "handled", "dispatched"), ("accept", "dispatched", "accepted"),
          ("approve_suspension", "accepted", "suspended")], 8),  # leaving accepted dropped the request
    ],
)
def test_replay_refuses_invalid_histories(events, index):
    with pytest.raises(wf.WorkflowError) as exc:
        wf.replay(events)
    assert exc.value.index == index

"""Random sequences of actions by random actors, through the real services: no illegal state is ever reached,
every history replays to the current state with an intact hash chain, and a refused action changes nothing."""

import datetime as dt

from django.forms.models import model_to_dict
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from gaoxin.cases import audit, policy, rollup, services, workflow
from gaoxin.cases.models import Case, CaseEvent, Channel, Satisfaction
from gaoxin.cases.tests.conftest import EAST, OUTSIDE, WEST, WEST_NORTH, category
from gaoxin.conftest import examples
from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError

# service name → (callable taking actor, case, flag, other, unit; the workflow action for a given flag)
ACTIONS = {
    "register": (lambda a, c, f, o, u: services.case_register(actor=a, case=c), lambda f: "register"),
    "reject": (lambda a, c, f, o, u: services.case_reject(actor=a, case=c, reason="不属于受理范围"),
               lambda f: "reject"),
    "merge": (lambda a, c, f, o, u: services.case_merge(actor=a, case=c, into=o), lambda f: "merge"),
    "dispatch": (lambda a, c, f, o, u: services.case_dispatch(actor=a, case=c, assignee=u if f else None),
                 lambda f: "dispatch"),
    "accept": (lambda a, c, f, o, u: services.case_accept(actor=a, case=c), lambda f: "accept"),
    "return": (lambda a, c, f, o, u: services.case_return(actor=a, case=c, reason="非本单位职责"),
               lambda f: "return"),
    "request_extension": (
        lambda a, c, f, o, u: services.case_request_extension(actor=a, case=c, amount=1, reason="需协调"),
        lambda f: "request_extension"),
    "approve_extension": (lambda a, c, f, o, u: services.case_approve_extension(actor=a, case=c, approve=f),
                          lambda f: "approve_extension" if f else "deny_extension"),
    "request_suspension": (
        lambda a, c, f, o, u: services.case_request_suspension(actor=a, case=c, reason="长期问题"),
        lambda f: "request_suspension"),
    "approve_suspension": (lambda a, c, f, o, u: services.case_approve_suspension(actor=a, case=c, approve=f),
                           lambda f: "approve_suspension" if f else "deny_suspension"),
    "resume": (lambda a, c, f, o, u: services.case_resume(actor=a, case=c), lambda f: "resume"),
    "feedback": (lambda a, c, f, o, u: services.case_feedback(actor=a, case=c, result="已处置"),
                 lambda f: "feedback"),
    "verify": (lambda a, c, f, o, u: services.case_verify(actor=a, case=c, passed=f, note="未处置到位"),
               lambda f: "verify_pass" if f else "verify_fail"),
    "evaluate": (lambda a, c, f, o, u: services.case_evaluate(
        actor=a, case=c, satisfaction=Satisfaction.SATISFIED if f else Satisfaction.UNSATISFIED),
        lambda f: "evaluate"),
    "reopen": (lambda a, c, f, o, u: services.case_reopen(actor=a, case=c, note="不满意"), lambda f: "reopen"),
}


def row(pk):
    return model_to_dict(Case.objects.get(pk=pk)), list(
        CaseEvent.objects.filter(case_id=pk).order_by("seq").values_list("pk", "hash"))


SERVICE_OF_ACTION = {
    "register": "register", "reject": "reject", "merge": "merge", "dispatch": "dispatch", "accept": "accept",
    "return": "return", "request_extension": "request_extension", "approve_extension": "approve_extension",
    "deny_extension": "approve_extension", "request_suspension": "request_suspension",
    "approve_suspension": "approve_suspension", "deny_suspension": "approve_suspension", "resume": "resume",
    "feedback": "feedback", "verify_pass": "verify", "verify_fail": "verify", "evaluate": "evaluate",
    "reopen": "reopen",
}


def make_machine(actors, plausible, reporters, units):  # noqa: C901 - one class of rules
    class CaseMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.case_ids: list[int] = []

        @precondition(lambda self: len(self.case_ids) < 3)
        @rule(reporter=st.sampled_from(reporters), point=st.sampled_from([WEST, WEST_NORTH, EAST, OUTSIDE, None]),
              code=st.sampled_from(["09001", "06001", "08002", "H-C02", "EP02"]))
        def report(self, reporter, point, code):
            user, channel = reporter
            lon, lat = point if point else (None, None)
            try:
                case = services.case_report(actor=user, channel=channel, category=category(code),
                                            description="随机上报", lon=lon, lat=lat)
            except ApplicationError:
                return
            self.case_ids.append(case.pk)

        @precondition(lambda self: self.case_ids)
        @rule(data=st.data(), flag=st.booleans(), unit=st.sampled_from(units))
        def act(self, data, flag, unit):
            pk = data.draw(st.sampled_from(self.case_ids), label="case")
            other_pk = data.draw(st.sampled_from(self.case_ids), label="other")
            case = Case.objects.get(pk=pk)
            # Mostly a move the state allows, by someone whose role may make it; sometimes anything by anyone.
            legal = sorted({SERVICE_OF_ACTION[a] for a in workflow.allowed_actions(case.state)})
            onward = [n for n in legal if n not in ("reject", "merge")] or legal or sorted(ACTIONS)
            names = st.sampled_from(legal or sorted(ACTIONS))
            name = data.draw(st.one_of(st.sampled_from(onward), st.sampled_from(onward), names,
                                       st.sampled_from(sorted(ACTIONS))), label="action")
            right = plausible(name, case)
            actor = data.draw(st.one_of(st.sampled_from(right), st.sampled_from(right), st.sampled_from(right),
                                        st.sampled_from(actors)), label="actor")
            call, action_for = ACTIONS[name]
            other = Case.objects.get(pk=other_pk)
            before, before_other = row(pk), row(other_pk)
            # The action policy the pages and the API ask answers as the service decides.
            refused = policy.refusal(actor, Case.objects.select_related("center", "assignee").get(pk=pk), name)
            try:
                result = call(actor, case, flag, other, unit)
            except ApplicationError as exc:
                assert row(pk) == before
                assert row(other_pk) == before_other
                if refused is not None and name != "merge":  # a merge checks its target first
                    assert exc.code == refused.code
                return
            assert refused is None
            expected = workflow.next_state(before[0]["state"], action_for(flag))
            assert result.state == expected == Case.objects.get(pk=pk).state
            assert Case.objects.get(pk=pk).version == before[0]["version"] + 1

        @rule(hours=st.integers(min_value=1, max_value=72))
        def advance(self, hours):
            clock.advance(dt.timedelta(hours=hours))

        @rule()
        def supervise(self):
            services.case_supervise_overdue()

        @invariant()
        def histories_replay_and_chains_hold(self):
            for pk in self.case_ids:
                case = Case.objects.get(pk=pk)
                assert case.state in workflow.STATES
                events = list(CaseEvent.objects.filter(case_id=pk).order_by("seq"))
                assert workflow.replay(events) == case.state
                assert case.event_count == len(events)
                if case.state == workflow.MERGED:
                    assert case.merged_into_id is not None
                if case.state in workflow.CLOSED_STATES:
                    assert case.closed_at is not None
                    assert case.closed_on_time is not None
            if self.case_ids:
                assert list(audit.verify_chains(Case.objects.filter(pk__in=self.case_ids))) == []
            assert rollup.differences() == []

    return CaseMachine


def test_random_action_sequences_stay_legal(people, org, frozen_now):
    p = people
    actors = [p.zone_operator, p.zone_dispatcher, p.zone_shift_lead, p.a_operator, p.a_dispatcher, p.b_operator,
              p.b_dispatcher, p.street_a_handler, p.street_b_handler, p.um_handler, p.construction_handler,
              p.worker_west, p.worker_east, p.citizen, p.other_citizen, p.leader]
    reporters = [(p.citizen, Channel.PUBLIC_WEB), (p.worker_west, Channel.GRID_WORKER),
                 (p.zone_operator, Channel.HOTLINE_12345), (p.cadre, Channel.ENTERPRISE_VISIT),
                 (p.citizen, Channel.HOTLINE_12345)]
    units = [org.street_a, org.street_b, org.urban_management, org.construction, org.community_a1, org.zone_center]
    staff = {  # center code → (operators, dispatchers)
        "GX-C": ([p.zone_operator], [p.zone_dispatcher, p.zone_shift_lead]),
        "GX-S01-C": ([p.a_operator], [p.a_dispatcher]),
        "GX-S02-C": ([p.b_operator], [p.b_dispatcher]),
    }
    handler_of = {"GX-S01": p.street_a_handler, "GX-S02": p.street_b_handler, "GX-D01": p.um_handler,
                  "GX-D02": p.construction_handler, "GX-S01-01": p.street_a_handler}

    def plausible(name, case):
        """Actors whose role suits ``name`` — mostly the ones in the case's scope, some from elsewhere."""
        operators, dispatchers = staff[case.center.code]
        handler = handler_of.get(case.assignee.code) if case.assignee else None
        handlers = [handler] if handler else [p.um_handler]
        wrong = [p.b_operator, p.b_dispatcher, p.street_b_handler, p.worker_east]
        by_name = {
            "register": operators + dispatchers, "reject": operators, "merge": operators,
            "dispatch": dispatchers, "approve_extension": dispatchers, "approve_suspension": dispatchers,
            "reopen": dispatchers, "resume": handlers + dispatchers,
            "verify": [p.worker_west, *operators], "evaluate": [p.citizen, *operators],
        }
        return by_name.get(name, handlers) + wrong[:1]

    machine = make_machine(actors, plausible, reporters, units)
    with frozen_now(2023, 3, 1, 9, 0):
        run_state_machine_as_test(machine, settings=settings(
            max_examples=examples(0.125), stateful_step_count=60, deadline=None, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))

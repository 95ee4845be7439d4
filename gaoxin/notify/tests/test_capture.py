"""Which case changes queue a text message, to whom and saying what; and that a change that rolls back queues
nothing."""

from __future__ import annotations

import pytest
from django.db import transaction

from gaoxin.cases import services
from gaoxin.cases.models import Case, Channel
from gaoxin.cases.services import fieldcheck
from gaoxin.cases.tests.conftest import report, run_to_closed
from gaoxin.notify.models import SmsMessage


def sent():
    return [(m.kind, m.phone, m.recipient.username if m.recipient else None, m.payload["text"])
            for m in SmsMessage.objects.order_by("id")]


def test_dispatch_texts_the_units_handlers_with_a_phone(phones, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        case = services.case_register(actor=phones.a_operator, case=report(phones.citizen))
        case = services.case_dispatch(actor=phones.a_dispatcher, case=case)
    assert case.assignee is not None
    assert case.assignee.name == "石佛办事处"
    assert sent() == [("dispatched", "13900000001", "street_a_handler",
                       f"案件{case.number}（占道经营）已派遣至石佛办事处，请于03月01日11:00前办结。请登录平台签收。")]
    message = SmsMessage.objects.get()
    assert (message.state, message.attempts, message.case_id, message.payload["sign"]) == ("pending", 0, case.pk,
                                                                                           "高新区")
    assert message.message_id == f"caseevent-{case.events.get(action='dispatch').pk}-13900000001"


def test_a_unit_without_phones_on_record_gets_no_text(people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        services.case_dispatch(actor=people.a_dispatcher,
                               case=services.case_register(actor=people.a_operator, case=report(people.citizen)))
    assert SmsMessage.objects.count() == 0


def test_closing_a_public_report_texts_the_reporter(phones, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        case = run_to_closed(phones, report(phones.citizen, reporter_phone="13812341234"))
    assert case.state == "closed"
    assert sent()[-1] == ("closed", "13812341234", "citizen",
                          f"您反映的问题（编号{case.number}）已办结：已劝离。可凭编号查询办理结果并评价。")


def test_a_12345_order_is_answered_by_the_city_not_by_text(phones, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        run_to_closed(phones, report(phones.a_operator, channel=Channel.HOTLINE_12345, reporter_phone="13812341234"))
    assert [kind for kind, *_ in sent()] == ["dispatched"]


def test_not_accepted_texts_the_reporter_the_reason(people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        case = report(people.citizen, reporter_phone="13812341234")
        services.case_reject(actor=people.a_operator, case=case, reason="不属于受理范围")
    assert sent() == [("rejected", "13812341234", "citizen",
                       f"您反映的问题（编号{case.number}）不予立案，原因：不属于受理范围。")]


def test_an_instruction_texts_the_instructed_units_handlers(phones, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        case = services.case_dispatch(actor=phones.a_dispatcher,
                                      case=services.case_register(actor=phones.a_operator, case=report(phones.citizen)))
        services.case_instruct(actor=phones.leader, case=case, text="请加快办理，周五前反馈")
    assert sent()[-1] == ("instructed", "13900000001", "street_a_handler",
                          f"leader对案件{case.number}作出批示：请加快办理，周五前反馈。请登录平台查看并确认。")


def test_a_field_check_texts_the_worker_sent(phones, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        case = report(phones.citizen, address="冬青街与红松路交叉口东北角人行道上")
        fieldcheck.field_check_send(actor=phones.a_operator, case=case, request="核实是否仍有占道")
    assert sent() == [("field_check", "13900000002", "worker_west",
                       f"请于03月01日14:30前到现场核实案件{case.number}（冬青街与红松路交叉口东北角人行道上），"
                       "并在手机端反馈核实结果。")]


def test_a_change_that_rolls_back_queues_nothing(phones, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        case = services.case_register(actor=phones.a_operator, case=report(phones.citizen))
        with pytest.raises(RuntimeError), transaction.atomic():
            services.case_dispatch(actor=phones.a_dispatcher, case=case)
            raise RuntimeError("the caller's transaction fails after the dispatch")
    assert SmsMessage.objects.count() == 0
    assert Case.objects.get(pk=case.pk).state == "registered"

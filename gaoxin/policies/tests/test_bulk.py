"""Differential test: the bulk path of the simulated year writes what the services write one call at a time —
for 免申即享 decisions matched, confirmed, noticed, cleared and paid, for one left matched, and for a 快申快享
application approved and paid: the same decision rows and numbers, notices, batches, events and hashes. Each path
runs in a savepoint rolled back afterwards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from gaoxin.core import audit, clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.enterprises.models import Enterprise
from gaoxin.policies import bulk, engine, selectors, services
from gaoxin.policies.models import BenefitItem, Decision, DecisionEvent, Notice, PaymentBatch

pytestmark = pytest.mark.django_db

FIELDS = [f.attname for f in Decision._meta.concrete_fields if f.attname not in ("id", "notice_id",
                                                                                  "payment_batch_id")]
EVENT_FIELDS = ["seq", "actor_id", "at", "note", "payload", "prev_hash", "hash", "action"]
BANK = {"bank_name": "中原银行", "bank_account": "6222020200112233"}


def at(m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(2023, m, d, h, tzinfo=SHANGHAI)


def _written() -> list[list]:
    decisions = Decision.objects.order_by("number")
    assert list(audit.verify(DecisionEvent, decisions)) == []
    out = []
    for d in decisions:
        row = tuple(getattr(d, f) for f in FIELDS)
        events = list(d.events.order_by("seq").values_list(*EVENT_FIELDS))
        out.append((row, d.notice.number if d.notice else None, d.payment_batch.number if d.payment_batch else None,
                    events))
    notices = list(Notice.objects.order_by("number").values_list("number", "title", "published_on",
                                                                 "objection_until", "created_by_id"))
    batches = list(PaymentBatch.objects.order_by("number").values_list("number", "paid_on", "total_fen",
                                                                       "created_by_id", "created_at"))
    return [out, notices, batches]


def _services(world) -> None:
    with clock.frozen(at(3, 1)):
        services.matching_run(actor=world.officer)
    tech = Decision.objects.get(item__code="gx2023_tech_sme_award")
    rd = Decision.objects.get(item__code="gx2023_rd_subsidy")
    with clock.frozen(at(3, 2)):
        for d in (tech, rd):
            services.decision_confirm(actor=world.officer, decision=d, **BANK)
    with clock.frozen(at(3, 3)):
        notice = services.notice_publish(actor=world.officer, decisions=[tech, rd], title="第一批")
    with clock.frozen(at(3, 13)):
        services.notice_close(actor=world.officer, notice=notice)
    with clock.frozen(at(3, 20)):
        services.payment_batch_create(actor=world.finance, decisions=[tech, rd])
    jobs = BenefitItem.objects.get(code="gx2023_jobs_subsidy")
    with clock.frozen(at(4, 28, 10)):
        applied = services.application_submit(actor=world.officer, item=jobs, enterprise=world.sensor,
                                              materials=["社保缴费证明"], **BANK)
    with clock.frozen(at(5, 4)):
        services.application_decide(actor=world.officer, decision=applied, approve=True)
    with clock.frozen(at(5, 5)):
        second = services.notice_publish(actor=world.officer, decisions=[applied], title="第二批")
    with clock.frozen(at(5, 16)):
        services.notice_close(actor=world.officer, notice=second)
    with clock.frozen(at(5, 22)):
        services.payment_batch_create(actor=world.finance, decisions=[applied])


def _bulk(world) -> None:
    on = dt.date(2023, 3, 1)
    items = selectors.items_in_force(on, route=BenefitItem.Route.AUTO)
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    evaluation = engine.evaluation_run(items, ids, on=on, trace=True)
    first = bulk.PlannedNotice("第一批", at(3, 3), at(3, 13))
    second = bulk.PlannedNotice("第二批", at(5, 5), at(5, 16))
    batches = [bulk.PlannedBatch(at(3, 20)), bulk.PlannedBatch(at(5, 22))]
    paths = []
    for index, (item, outcome) in enumerate(zip(items, evaluation.outcomes, strict=True)):
        for row in outcome.eligible.nonzero()[0].tolist():
            path = bulk.DecisionPath(item=item, enterprise_id=ids[row], evaluated_on=on,
                                     amount_fen=int(outcome.amount[row]), trace=evaluation.explain(index, row),
                                     created_at=at(3, 1))
            if item.code in ("gx2023_tech_sme_award", "gx2023_rd_subsidy"):
                path.decided_at, path.notice, path.batch = at(3, 2), first, batches[0]
                path.bank_name, path.bank_account = BANK["bank_name"], BANK["bank_account"]
            paths.append(path)
    jobs = BenefitItem.objects.get(code="gx2023_jobs_subsidy")
    trace = services.evaluate_one(enterprise=world.sensor, items=[jobs], on=dt.date(2023, 4, 28))[0]
    paths.append(bulk.DecisionPath(item=jobs, enterprise_id=world.sensor.pk, evaluated_on=dt.date(2023, 4, 28),
                                   amount_fen=trace["amount_fen"], trace=trace, created_at=at(4, 28, 10),
                                   decided_at=at(5, 4), materials=["社保缴费证明"], notice=second, batch=batches[1],
                                   **BANK))
    bulk.notices_create(actor=world.officer, notices=[first, second])
    bulk.batches_create(actor=world.finance, batches=batches, paths=paths)
    bulk.decisions_many(officer=world.officer, finance=world.finance, paths=paths, year=2023)


def _write(world, path: str) -> list:
    with transaction.atomic():
        (_services if path == "services" else _bulk)(world)
        out = _written()
        transaction.set_rollback(True)
    return out


def test_bulk_decisions_write_what_the_services_write(world, catalog):
    one_by_one = _write(world, "services")
    in_bulk = _write(world, "bulk")
    assert in_bulk == one_by_one
    status = FIELDS.index("status")
    PAID = ["match", "confirm", "notice", "clear", "pay"]  # noqa: N806
    assert [(row[0][FIELDS.index("number")], row[0][status], [e[-1] for e in row[3]]) for row in in_bulk[0]] == [
        # the items in code order: 小巨人, 研发 (sensor chain, small firms, tech SMEs), 专精特新, 科技型中小企业
        ("ZC2023000001", "matched", ["match"]), ("ZC2023000002", "matched", ["match"]),
        ("ZC2023000003", "matched", ["match"]), ("ZC2023000004", "paid", PAID), ("ZC2023000005", "matched", ["match"]),
        ("ZC2023000006", "paid", PAID), ("ZC2023000007", "paid", ["apply", "approve", "notice", "clear", "pay"])]

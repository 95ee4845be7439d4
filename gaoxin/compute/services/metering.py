"""Metering and billing: usage from the schedulers' accounting (resource-hours per attempt), priced at the pool's
prices; at a month's close, one bill per enterprise (its compute vouchers spent first) and one settlement
statement per provider. Money in fen, rounded half up once per usage line."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, F, Sum

from gaoxin.accounts.models import User
from gaoxin.compute import policy
from gaoxin.compute.adapters.base import Adapter, SchedulerRejected, SchedulerUnreachable, UsageRecord
from gaoxin.compute.models import Attempt, Bill, Pool, Settlement, Usage, Voucher
from gaoxin.compute.services.vouchers import voucher_spend
from gaoxin.compute.units import cu_per_hour, usage_fen
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError
from gaoxin.core.numbering import next_number, next_sequence

NOT_BILLED = ("lost", "dark", "rejected")  # the pool's failure: metered, borne by the provider
FIRST_WINDOW = dt.timedelta(days=2)
OVERLAP = dt.timedelta(hours=1)  # each read goes back this far: a record the accounting wrote late is still found


def month_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date().replace(day=1)


def usage_values(record: UsageRecord, pool: Pool) -> dict[str, object]:
    """A usage line's measures and price from one accounting record (the pool's GPU model for the CU)."""
    seconds = max(record.elapsed_seconds, 0)
    cu = cu_per_hour(cpus=record.cpus, gpus=record.gpus, gpu_model=pool.gpu_model or "A100") * seconds / 3600
    return {"started": record.started, "ended": record.ended, "elapsed_seconds": seconds, "cpus": record.cpus,
            "gpus": record.gpus, "memory_gb": record.memory_gb, "cu_hours": round(cu, 4),
            "amount_fen": usage_fen(seconds=seconds, cpus=record.cpus, gpus=record.gpus, memory_gb=record.memory_gb,
                                    price_cpu_fen=pool.price_cpu_fen, price_gpu_fen=pool.price_gpu_fen,
                                    price_mem_fen=pool.price_mem_fen),
            "month": month_of(record.ended)}


def usage_collect(*, pool: Pool, adapter: Adapter, until: dt.datetime) -> int:
    """Read the pool's accounting from an hour before where it was last read up to ``until`` and meter the broker's
    attempts found there (by scheduler job id and name: another user's jobs on the same cluster are not ours) once
    the broker has closed them (so a run the pool lost is never billed). Returns the lines written; an attempt is
    metered once, so the overlap of two reads writes nothing twice."""
    start = (pool.metered_until - OVERLAP) if pool.metered_until else (until - FIRST_WINDOW)
    if until <= start:
        return 0
    try:
        records = adapter.accounting(start=start, end=until)
    except (SchedulerUnreachable, SchedulerRejected):
        return 0  # read again from the same point next time
    written = 0
    with transaction.atomic():
        attempts = {(a.scheduler_id, a.name): a for a in Attempt.objects.filter(
            pool=pool, scheduler_id__in=[r.scheduler_id for r in records]).select_related("job")}
        metered = set(Usage.objects.filter(attempt__in=[a.pk for a in attempts.values()])
                      .values_list("attempt_id", flat=True))
        lines = []
        for record in records:
            attempt = attempts.get((record.scheduler_id, record.name))
            if (attempt is None or attempt.pk in metered or record.elapsed_seconds <= 0
                    or attempt.state in Attempt.OPEN_STATES):
                continue
            metered.add(attempt.pk)
            lines.append(Usage(attempt=attempt, pool=pool, enterprise_id=attempt.job.enterprise_id,
                               billable=attempt.state not in NOT_BILLED, is_synthetic=attempt.is_synthetic,
                               **usage_values(record, pool)))
        Usage.objects.bulk_create(lines)
        written = len(lines)
        Pool.objects.filter(pk=pool.pk).update(metered_until=until)
        pool.metered_until = until
    return written


def _month_end(month: dt.date) -> dt.datetime:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return dt.datetime.combine(nxt, dt.time(0), SHANGHAI)


def _shares(total: int, weights: dict[int, int]) -> dict[int, int]:
    """``total`` split in proportion to ``weights`` to the fen (largest remainder, ties to the smaller key)."""
    whole = sum(weights.values())
    if not whole or not total:
        return dict.fromkeys(weights, 0)
    exact = {k: total * w for k, w in weights.items()}
    out = {k: v // whole for k, v in exact.items()}
    left = total - sum(out.values())
    for key in sorted(weights, key=lambda k: (-(exact[k] % whole), k))[:left]:
        out[key] += 1
    return out


@transaction.atomic
def month_close(*, actor: User | None, month: dt.date) -> tuple[int, int]:
    """Bills for every enterprise with billable usage in the month and settlements for every provider, once the
    month is over; a month closed again writes only what was missing. Returns (bills, settlements) written."""
    if actor is not None:
        policy.require_operator(actor)
    month = month.replace(day=1)
    now = clock.now()
    if _month_end(month) > now:
        raise ApplicationError("账期：该月尚未结束，不能出账", field="month", code="month_open")
    usage = Usage.objects.filter(month=month)
    billed = set(Bill.objects.filter(month=month).values_list("enterprise_id", flat=True))
    per_enterprise = list(usage.filter(billable=True).exclude(enterprise_id__in=billed).values("enterprise_id")
                      .annotate(total=Sum("amount_fen"), jobs=Count("attempt__job", distinct=True))
                      .order_by("enterprise_id"))
    holders = set(Voucher.objects.filter(spent_fen__lt=F("amount_fen"), program__valid_until__gte=month)
                  .values_list("enterprise_id", flat=True))
    sequence = next_sequence(Bill, "ZD", month.year)
    plain = []
    for row in per_enterprise:
        bill = Bill(number=f"ZD{month.year}{sequence:06d}", enterprise_id=row["enterprise_id"], month=month,
                    usage_fen=row["total"], voucher_fen=0, payable_fen=row["total"], jobs=row["jobs"], issued_at=now)
        sequence += 1
        if row["enterprise_id"] not in holders:
            plain.append(bill)
            continue
        bill.save()
        spent = voucher_spend(bill=bill, month_end=_month_end(month), at=now)
        Bill.objects.filter(pk=bill.pk).update(voucher_fen=spent, payable_fen=row["total"] - spent)
    Bill.objects.bulk_create(plain, batch_size=2000)
    bills = len(per_enterprise)
    settlements = 0
    settled = set(Settlement.objects.filter(month=month).values_list("provider_id", flat=True))
    by_provider: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    voucher_by_bill = {b.pk: b for b in Bill.objects.filter(month=month)}
    per_bill_provider: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    enterprise_bill = {b.enterprise_id: b.pk for b in voucher_by_bill.values()}
    for row in usage.values("pool__provider_id", "enterprise_id", "billable").annotate(
            total=Sum("amount_fen"), jobs=Count("attempt__job", distinct=True)):
        provider = row["pool__provider_id"]
        if row["billable"]:
            by_provider[provider]["gross"] += row["total"]
            by_provider[provider]["jobs"] += row["jobs"]
            per_bill_provider[enterprise_bill[row["enterprise_id"]]][provider] += row["total"]
        else:
            by_provider[provider]["unbilled"] += row["total"]
    for bill_id, weights in per_bill_provider.items():
        for provider, share in _shares(voucher_by_bill[bill_id].voucher_fen, dict(weights)).items():
            by_provider[provider]["voucher"] += share
    for provider in sorted(set(by_provider) - settled):
        sums = by_provider[provider]
        Settlement.objects.create(number=next_number(Settlement, "JS", month.year), provider_id=provider,
                                  month=month, gross_fen=sums["gross"], voucher_fen=sums["voucher"],
                                  enterprise_fen=sums["gross"] - sums["voucher"], unbilled_fen=sums["unbilled"],
                                  jobs=sums["jobs"], issued_at=now)
        settlements += 1
    return bills, settlements



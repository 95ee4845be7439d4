"""Every write of the compute network, one module per concern: ``pools`` (providers, pools, prices, the adapter
of a pool), ``jobs`` (submit, cancel, the workflow's moves), ``broker`` (a tick of the broker on the database,
through ``store``), ``metering`` (usage from the schedulers' accounting, the month's bills and settlements) and
``vouchers`` (compute vouchers); ``inputs`` checks what people type. Callers import the services from here."""

from gaoxin.compute.services.broker import broker_tick
from gaoxin.compute.services.jobs import job_cancel, job_get, job_move, job_submit, job_values_checked
from gaoxin.compute.services.metering import month_close, month_of, usage_collect, usage_values
from gaoxin.compute.services.pools import (
    adapter_for,
    open_until,
    pool_get,
    pool_prices_set,
    pool_register,
    pool_spec,
    pool_status_set,
    provider_register,
    provider_staff_add,
)
from gaoxin.compute.services.vouchers import issued_fen, program_create, voucher_issue, voucher_spend

__all__ = [
    "adapter_for", "broker_tick", "issued_fen", "job_cancel", "job_get", "job_move", "job_submit",
    "job_values_checked", "month_close", "month_of", "open_until", "pool_get", "pool_prices_set", "pool_register",
    "pool_spec", "pool_status_set", "program_create", "provider_register", "provider_staff_add", "usage_collect",
    "usage_values", "voucher_issue", "voucher_spend",
]

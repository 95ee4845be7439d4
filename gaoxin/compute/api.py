"""JSON endpoints of the city compute network (django-ninja), mounted by the project on the API v1 at
``/api/v1/compute/`` (``gaoxin/urls.py``): reads over the selectors, scoped as the pages — the operator and leaders
everything; an enterprise its own jobs and bills; a provider's staff their pools and the jobs on them. Money in fen.
A pool's access token is never returned. Submitting and cancelling stay on the pages, as for the other Phase 2
domains (an idempotent create needs ``api/idempotency.py``, a layer above). Errors are the API's RFC 7807 bodies."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from gaoxin.accounts.models import User
from gaoxin.compute import policy, selectors, workflow
from gaoxin.core.apischema import ERRORS
from gaoxin.core.errors import PermissionDenied

router = Router(tags=["城市算力网"])


def _actor(request: HttpRequest) -> User:
    actor: User = request.auth  # type: ignore[attr-defined]  # set by the API's auth classes
    if not policy.is_user(actor):
        raise PermissionDenied("当前角色无权查看城市算力网", code="compute_forbidden")
    return actor


class Page(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class JobFilters(Page):
    state: str = Field("", max_length=10, description="submitted、placed、running、succeeded、failed、cancelled")


class AttemptOut(Schema):
    seq: int
    pool: str
    scheduler_id: str
    state: str
    reason: str
    placed_at: str
    started_at: str | None
    ended_at: str | None


class JobOut(Schema):
    id: int
    number: str
    name: str
    enterprise: str
    cpus: int
    gpus: int
    gpu_model: str
    memory_gb: int
    expected_hours: str
    state: str = Field(description="submitted、placed、running、succeeded、failed、cancelled")
    pool: str | None
    submitted_at: str
    started_at: str | None
    ended_at: str | None
    estimate_fen: int
    reason: str


class JobDetailOut(JobOut):
    attempts: list[AttemptOut]


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def _job(j: Any) -> dict[str, Any]:
    return {"id": j.pk, "number": j.number, "name": j.name, "enterprise": j.enterprise.name, "cpus": j.cpus,
            "gpus": j.gpus, "gpu_model": j.gpu_model, "memory_gb": j.memory_gb,
            "expected_hours": f"{j.expected_hours:f}", "state": j.state, "pool": j.pool.code if j.pool else None,
            "submitted_at": j.submitted_at.isoformat(), "started_at": _iso(j.started_at),
            "ended_at": _iso(j.ended_at), "estimate_fen": j.estimate_fen, "reason": j.reason}


@router.get("/jobs", response={200: list[JobOut], **ERRORS}, summary="算力作业（按角色范围）")
def jobs(request: HttpRequest, filters: Query[JobFilters]) -> list[dict[str, Any]]:
    state = filters.state if filters.state in workflow.STATES else ""
    rows = selectors.job_list(actor=_actor(request), filters=selectors.JobFilters(state=state))
    return [_job(j) for j in rows[filters.offset:filters.offset + filters.limit]]


@router.get("/jobs/{job_id}", response={200: JobDetailOut, **ERRORS}, summary="一个算力作业及其调度记录")
def job(request: HttpRequest, job_id: Path[Annotated[int, Field(ge=1, le=2**62)]]) -> dict[str, Any]:
    actor = _actor(request)
    found = selectors.job_detail(actor=actor, pk=job_id)
    attempts = [{"seq": a.seq, "pool": a.pool.code, "scheduler_id": a.scheduler_id, "state": a.state,
                 "reason": a.reason, "placed_at": a.placed_at.isoformat(), "started_at": _iso(a.started_at),
                 "ended_at": _iso(a.ended_at)} for a in selectors.attempts_of(actor=actor, job=found)]
    return {**_job(found), "attempts": attempts}


class PoolOut(Schema):
    id: int
    code: str
    name: str
    provider: str
    site: str
    scheduler: str
    cpus: int
    gpus: int
    gpu_model: str
    memory_gb: int
    speed: str
    price_cpu_fen: int = Field(description="每核·时（分）")
    price_gpu_fen: int = Field(description="每卡·时（分）")
    price_mem_fen: int = Field(description="每 GB·时（分）")
    status: str
    dark_since: str | None
    last_seen_at: str | None
    capacity: dict[str, int] = Field(description="最近一次读到的实时容量")


@router.get("/pools", response={200: list[PoolOut], **ERRORS}, summary="算力资源池（单价、实时容量）")
def pools(request: HttpRequest, page: Query[Page]) -> list[dict[str, Any]]:
    rows = selectors.pool_list(actor=_actor(request))[page.offset:page.offset + page.limit]
    return [{"id": p.pk, "code": p.code, "name": p.name, "provider": p.provider.name, "site": p.site,
             "scheduler": p.scheduler, "cpus": p.cpus, "gpus": p.gpus, "gpu_model": p.gpu_model,
             "memory_gb": p.memory_gb, "speed": f"{p.speed:f}", "price_cpu_fen": p.price_cpu_fen,
             "price_gpu_fen": p.price_gpu_fen, "price_mem_fen": p.price_mem_fen, "status": p.status,
             "dark_since": _iso(p.dark_since), "last_seen_at": _iso(p.last_seen_at),
             "capacity": {k: int(v) for k, v in (p.last_capacity or {}).items()}} for p in rows]


class BillOut(Schema):
    id: int
    number: str
    enterprise: str
    month: str
    jobs: int
    usage_fen: int
    voucher_fen: int
    payable_fen: int


@router.get("/bills", response={200: list[BillOut], **ERRORS}, summary="算力账单（企业：本企业）")
def bills(request: HttpRequest, page: Query[Page]) -> list[dict[str, Any]]:
    rows = selectors.bill_list(actor=_actor(request)).order_by("-month", "pk")[page.offset:page.offset + page.limit]
    return [{"id": b.pk, "number": b.number, "enterprise": b.enterprise.name, "month": b.month.strftime("%Y-%m"),
             "jobs": b.jobs, "usage_fen": b.usage_fen, "voucher_fen": b.voucher_fen, "payable_fen": b.payable_fen}
            for b in rows]

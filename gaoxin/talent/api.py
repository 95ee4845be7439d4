"""JSON endpoints of the talent system (django-ninja), mounted by the project on the API v1 at ``/api/v1/talent/``
(``gaoxin/urls.py``): the talent programs and the applications, read over the same scoped selector as the pages
(人社局 talent officers and leaders every application, an enterprise user its own enterprise's). Personal data
leaves the API masked, always: the audited reveal is a page action for the officers, not an API field."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from gaoxin.accounts.models import User
from gaoxin.core.apischema import ERRORS
from gaoxin.core.pages import filter_text
from gaoxin.talent import selectors
from gaoxin.talent.models import TalentApplication, TalentProgram

router = Router(tags=["人才"])



class ProgramOut(Schema):
    code: str
    name: str
    kind: str
    issuer: str
    review_days: int = Field(description="初审时限（工作日）")
    approve_days: int = Field(description="审批时限（工作日）")
    subsidy: str = Field(description="资助标准（万元）")
    active: bool


class ApplicationOut(Schema):
    id: int
    number: str
    program: str = Field(description="人才计划编码")
    enterprise: str
    enterprise_credit_code: str
    person_name: str = Field(description="姓名（脱敏）")
    id_number: str = Field(description="身份证号（脱敏）")
    phone: str = Field(description="联系电话（脱敏）")
    team_name: str
    team_size: int
    status: str
    submitted_at: str
    review_due: str
    decided_at: str | None
    subsidy: str = Field(description="资助金额（万元）")


class Filters(Schema):
    program: str = Field("", max_length=32, description="人才计划编码")
    status: str = Field("", max_length=10, description="状态")
    year: int | None = Field(None, ge=2000, le=2100, description="申报年份")
    q: str = Field("", max_length=100, description="编号、用人单位或团队名称中的文字")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]  # set by the API's auth classes


def _application_out(a: TalentApplication) -> dict[str, Any]:
    return {"id": a.pk, "number": a.number, "program": a.program.code, "enterprise": a.enterprise.name,
            "enterprise_credit_code": a.enterprise.credit_code, **selectors.masked(a), "team_name": a.team_name,
            "team_size": a.team_size, "status": a.status, "submitted_at": a.submitted_at.isoformat(),
            "review_due": a.review_due.isoformat(),
            "decided_at": a.decided_at.isoformat() if a.decided_at else None, "subsidy": str(a.subsidy)}


@router.get("/programs", response={200: list[ProgramOut], **ERRORS}, summary="人才计划")
def program_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [{"code": p.code, "name": p.name, "kind": p.kind, "issuer": p.issuer, "review_days": p.review_days,
             "approve_days": p.approve_days, "subsidy": str(p.subsidy), "active": p.active}
            for p in TalentProgram.objects.order_by("sort_order", "code")]


@router.get("/applications", response={200: list[ApplicationOut], **ERRORS}, summary="人才申报列表（个人信息脱敏）")
def application_list(request: HttpRequest, filters: Query[Filters]) -> list[dict[str, Any]]:
    applications = selectors.application_list(
        actor=_actor(request), program=filter_text(filters.program), status=filter_text(filters.status),
        year=filters.year, q=filter_text(filters.q)).order_by("pk")
    return [_application_out(a) for a in applications[filters.offset:filters.offset + filters.limit]]

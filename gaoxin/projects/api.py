"""JSON endpoints of the key projects and land (django-ninja), mounted by the project on the API v1 at
``/api/v1/projects/`` (``gaoxin/urls.py``): the registry and one project (read), the one-code dossier of a parcel
(read), and the submission of a month's investment report — the same services, selectors and policy as the pages.
Authentication and the RFC 7807 error bodies are the API's (its auth and exception handlers apply to every
router); a month's report is idempotent by nature: the same month sent again rewrites the same values."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from pydantic import Field

from gaoxin.accounts.models import User
from gaoxin.core.apischema import ERRORS
from gaoxin.core.errors import NotFound
from gaoxin.land import selectors as land_selectors
from gaoxin.projects import identities, selectors, services
from gaoxin.projects.models import MonthlyReport, Project

router = Router(tags=["重大项目与一码管地"])
MAX_ID = 2**63 - 1
ProjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="项目 id")]



class ProjectOut(Schema):
    id: int
    code: str
    name: str
    investor: str = Field(description="投资主体名称")
    investor_credit_code: str
    year: int
    level: str
    category: str
    stage: str
    total_investment: str = Field(description="总投资（万元）")
    annual_plan: str = Field(description="年度计划投资（万元）")
    started_on: str | None


class ReportOut(Schema):
    year: int
    month: int
    this_month: str
    ytd: str
    since_start: str
    building: str
    installation: str
    equipment: str
    other: str
    is_late: bool


class LightOut(Schema):
    year: int
    month: int
    start: str
    progress: str
    report: str
    overall: str


class ProjectDetailOut(ProjectOut):
    reports: list[ReportOut]
    lights: list[LightOut]


class ProjectFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    key: bool = Field(False, description="只看省市重点")
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


Amount = Annotated[str, Field(min_length=1, max_length=20, description="万元，最多两位小数")]


class ReportIn(Schema):
    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)
    this_month: Amount
    ytd: Amount
    since_start: Amount
    building: Amount
    installation: Amount
    equipment: Amount
    other: Amount
    progress_note: str = Field("", max_length=300)


class PermitOut(Schema):
    kind: str
    number: str
    issued_on: str


class DossierOut(Schema):
    parcel_code: str
    unit_code: str
    name: str
    use_class: str
    area_m2: str
    area_mu: str
    contract_no: str | None
    contract_date: str | None
    four_permit_days: int | None
    permits: list[PermitOut]
    projects: list[ProjectOut]


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]  # set by the API's auth classes


def _project_out(p: Project) -> dict[str, Any]:
    return {"id": p.pk, "code": p.code, "name": p.name, "investor": p.investor.name,
            "investor_credit_code": p.investor.credit_code, "year": p.year, "level": p.level,
            "category": p.category, "stage": p.stage, "total_investment": str(p.total_investment),
            "annual_plan": str(p.annual_plan), "started_on": p.started_on.isoformat() if p.started_on else None}


def _report_out(r: MonthlyReport) -> dict[str, Any]:
    return {"year": r.year, "month": r.month, **{name: str(getattr(r, name)) for name in identities.FIELDS},
            "is_late": r.is_late}


@router.get("", response={200: list[ProjectOut], **ERRORS}, summary="重大项目列表")
def project_list(request: HttpRequest, filters: Query[ProjectFilters]) -> list[dict[str, Any]]:
    projects = selectors.project_list(actor=_actor(request), filters={"year": filters.year, "key": filters.key})
    return [_project_out(p) for p in projects[filters.offset:filters.offset + filters.limit]]


def _project(request: HttpRequest, project_id: int) -> Project:
    project = selectors.project_get(actor=_actor(request), pk=project_id)
    if project is None:
        raise NotFound("项目不存在（或不在您的范围内）")
    return project


@router.get("/{project_id}", response={200: ProjectDetailOut, **ERRORS}, summary="项目详情（月报与红黄绿灯）")
def project_detail(request: HttpRequest, project_id: ProjectId) -> dict[str, Any]:
    project = _project(request, project_id)
    return {**_project_out(project), "reports": [_report_out(r) for r in project.reports.order_by("year", "month")],
            "lights": list(project.lights.order_by("year", "month").values(
                "year", "month", "start", "progress", "report", "overall"))}


@router.post("/{project_id}/reports", response={201: ReportOut, **ERRORS}, summary="报送投资月报")
def report_submit(request: HttpRequest, project_id: ProjectId, body: ReportIn) -> tuple[int, dict[str, Any]]:
    project = _project(request, project_id)
    report = services.monthly_report_submit(
        actor=_actor(request), project=project, year=body.year, month=body.month,
        values={name: getattr(body, name) for name in identities.FIELDS}, progress_note=body.progress_note)
    return 201, _report_out(report)


@router.get("/dossier/{code}", response={200: DossierOut, **ERRORS}, summary="一码查询：宗地档案")
def dossier(request: HttpRequest,
            code: Annotated[str, Path(min_length=19, max_length=28, description="宗地代码或不动产单元代码")],
            ) -> dict[str, Any]:
    actor = _actor(request)
    parcel = land_selectors.parcel_by_code(actor=actor, code=code)
    if parcel is None:
        raise NotFound("宗地不存在（或无权查看）")
    supply = getattr(parcel, "supply", None)
    projects = selectors.project_list(actor=actor).filter(parcels=parcel)
    return {"parcel_code": parcel.parcel_code, "unit_code": parcel.unit_code, "name": parcel.name,
            "use_class": parcel.use_class, "area_m2": str(parcel.area_m2), "area_mu": str(parcel.area_mu),
            "contract_no": supply.contract_no if supply else None,
            "contract_date": supply.contract_date.isoformat() if supply else None,
            "four_permit_days": supply.four_permit_days if supply else None,
            "permits": [{"kind": p.kind, "number": p.number, "issued_on": p.issued_on.isoformat()}
                        for p in parcel.permits.order_by("issued_on", "kind")],
            "projects": [_project_out(p) for p in projects]}

"""The JSON API, version 1 (django-ninja). OpenAPI 3 document at ``/api/v1/openapi.json``; no docs page (it
would pull assets the isolated network does not have — load the document into any local OpenAPI viewer).

Every endpoint only resolves references and calls a service or a selector of ``gaoxin.cases``, so the same role
and scope rules hold as in the web pages; errors are RFC 7807 bodies (``gaoxin.api.errors``)."""

from __future__ import annotations

import os
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from ninja import NinjaAPI, Path, Query, Router, Schema, Status
from pydantic import Field

from gaoxin.accounts.models import OrgUnit, User
from gaoxin.api import errors, exports
from gaoxin.api.auth import session_auth, token_auth
from gaoxin.api.idempotency import idempotent
from gaoxin.api.models import ExportJob
from gaoxin.api.schemas import (
    Body,
    CaseDetailOut,
    CaseOut,
    CasePage,
    CategoryOut,
    DecisionIn,
    DispatchIn,
    EvaluateIn,
    ExportOut,
    ExtensionIn,
    FeedbackIn,
    MeOut,
    MergeIn,
    MetricsOut,
    Moment,
    NoteIn,
    ReasonIn,
    RegisterIn,
    ReportIn,
    RevealIn,
    RevealOut,
    VerifyIn,
    case_out,
    category_out,
    event_out,
)
from gaoxin.cases import metrics as case_metrics
from gaoxin.cases import policy, resolve, selectors
from gaoxin.cases import services as cases
from gaoxin.cases.models import Case, Category
from gaoxin.cases.privacy import case_reveal_reporter
from gaoxin.core.apischema import ERRORS, Problem
from gaoxin.core.errors import ApplicationError


class GaoxinAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return errors.declare_problems(schema)


CSV_RESPONSE = {"responses": {200: {"description": "CSV（UTF-8，个人信息脱敏）",
                                    "content": {"text/csv": {"schema": {"type": "string"}}}}}}

api = GaoxinAPI(
    title="高新区运营平台 API",
    version="1",
    description=(
        "案件（统一事件）接口：上报、立案与各流转动作、详情与历史、检索、指标、类别；12345 热线对接。\n\n"
        "认证：`Authorization: Bearer <令牌>`（`gaoxin api token create 用户名`）或登录会话（修改类请求须带 "
        "`X-CSRFToken`）。错误为 RFC 7807 `application/problem+json`：`code` 稳定，`field` 指出字段，"
        "`title` 为中文说明。"
        "创建类请求接受 `Idempotency-Key` 请求头：同键同内容的重试返回首次结果，不重复创建。"
    ),
    urls_namespace="api-v1",
    docs_url=None,
    openapi_url="/openapi.json",
    auth=[token_auth, session_auth],
    parser=errors.ObjectBodyParser(),
)
errors.install(api)

MAX_ID = 2**63 - 1  # the largest bigint: larger ids are input errors, not database errors
CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="案件 id")]


def actor_of(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]  # set by the auth classes


def _category(code: str, field: str) -> Category:
    return resolve.category(code, field=field)


def _case(actor: User, case_id: int, version: int | None = None) -> Case:
    case = resolve.case(actor=actor, ref=case_id)
    if version is not None:
        case.version = version
    return case


def _detail(actor: User, case_id: int) -> dict[str, Any]:
    case = _scoped(actor).get(pk=case_id)
    return case_out(case)


def _scoped(actor: User) -> QuerySet[Case]:
    return selectors.case_list(actor=actor).select_related("request_type", "merged_into")


# --- cases ---------------------------------------------------------------------------------------------------

router = Router(tags=["案件"])


@router.get("/me", response={200: MeOut, **ERRORS}, tags=["账户"], summary="当前用户")
def me(request: HttpRequest) -> dict[str, Any]:
    actor = actor_of(request)
    unit = actor.org_unit
    return {"id": actor.pk, "username": actor.username, "role": actor.role,
            "org_unit": {"id": unit.pk, "code": unit.code, "name": unit.name} if unit else None}


@router.post("/cases", response={201: CaseOut, **ERRORS}, summary="上报案件（支持 Idempotency-Key）")
@idempotent(path="/api/v1/cases")
def report(request: HttpRequest, payload: ReportIn) -> HttpResponse:
    actor = actor_of(request)
    case = cases.case_report(
        actor=actor, channel=payload.channel, category=_category(payload.category, "category"),
        description=payload.description, address=payload.address, lon=payload.lon, lat=payload.lat,
        reporter_name=payload.reporter_name, reporter_phone=payload.reporter_phone, urgency=payload.urgency,
        request_type=_category(payload.request_type, "request_type") if payload.request_type else None,
        external_ref=payload.external_ref, savepoint=False,  # the idempotent call's transaction rolls back whole
    )
    # The case as created (category, center, street and request type are on it), rendered as ninja renders its
    # answers; the idempotency record keeps that JSON. case_out gives CaseOut's fields in CaseOut's types, so the
    # answer is not validated again here (a replay is; test_answer_and_its_replay_are_the_same_bytes).
    content = api.renderer.render(request, case_out(case), response_status=201)
    return HttpResponse(content, status=201, content_type=api.get_content_type())


class CaseFilters(Schema):
    state: str | None = Field(None, description="状态，可用逗号分隔多个")
    street: int | None = Field(None, ge=1, le=MAX_ID)
    assignee: int | None = Field(None, ge=1, le=MAX_ID)
    center: int | None = Field(None, ge=1, le=MAX_ID)
    grid: int | None = Field(None, ge=1, le=MAX_ID)
    category: str | None = Field(None, description="类别编码（大类包含其小类）", max_length=16)
    channel: str | None = None
    registered_from: Moment | None = None
    registered_to: Moment | None = None
    reported_from: Moment | None = None
    reported_to: Moment | None = None
    q: str | None = Field(None, max_length=100)
    overdue: bool | None = None
    color: str | None = Field(None, description="green / yellow / red")
    number: str | None = Field(None, max_length=20)
    external_ref: str | None = Field(None, max_length=64)

    def as_filters(self) -> dict[str, Any]:
        data = {k: v for k, v in self.model_dump().items() if v is not None and v != ""}
        if "state" in data:
            data["state"] = [s.strip() for s in data["state"].split(",") if s.strip()]
        if "category" in data:
            _category(data["category"], "category")
        return data


class CaseFiltersIn(CaseFilters, Body):
    """The filters as a request body (a background export), of strict JSON types."""


def _search(actor: User, filters: CaseFilters) -> QuerySet[Case]:
    return selectors.case_list(actor=actor, filters=filters.as_filters()).select_related("request_type",
                                                                                          "merged_into")


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="检索案件（筛选、分页）")
def search(request: HttpRequest, filters: Query[CaseFilters], page: int = Query(1, ge=1, le=100_000),
           page_size: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
    qs = _search(actor_of(request), filters)
    start = (page - 1) * page_size
    return {"count": qs.count(), "page": page, "page_size": page_size,
            "results": [case_out(c) for c in qs[start:start + page_size]]}


@router.get("/cases/export.csv", response={200: None, **ERRORS, 413: Problem}, openapi_extra=CSV_RESPONSE,
            summary=f"导出案件（CSV，个人信息脱敏；不超过 {exports.SYNC_LIMIT} 行时直接返回，更多请用后台导出）")
def export(request: HttpRequest, filters: Query[CaseFilters]) -> HttpResponseBase:
    qs = _search(actor_of(request), filters)
    n = qs.count()
    if n > exports.SYNC_LIMIT:
        raise ApplicationError(f"共 {n} 行，超过直接导出的 {exports.SYNC_LIMIT} 行：请用 POST /api/v1/cases/exports "
                               "后台导出，完成后下载", field="filters", code="export_too_large", status=413,
                               extra={"rows": n, "limit": exports.SYNC_LIMIT})
    response = StreamingHttpResponse(exports.stream_csv(qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cases.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export_out(request: HttpRequest, job: ExportJob) -> dict[str, Any]:
    done = job.status == ExportJob.Status.DONE
    return {"id": job.pk, "kind": job.kind, "status": job.status, "rows_total": job.rows_total,
            "rows_done": job.rows_done, "error": job.error, "created_at": job.created_at,
            "finished_at": job.finished_at,
            "file_url": request.build_absolute_uri(f"/api/v1/exports/{job.pk}/file") if done else None}


@router.post("/cases/exports", response={202: ExportOut, **ERRORS}, tags=["导出"],
             summary="后台导出案件（CSV）：返回任务，查询进度，完成后下载")
def export_start(request: HttpRequest, filters: CaseFiltersIn) -> Status:
    actor = actor_of(request)
    job = exports.export_job_create(actor=actor, kind="cases", source="api", filters=filters.as_filters())
    return Status(202, _export_out(request, job))


@router.get("/exports/{job_id}", response={200: ExportOut, **ERRORS}, tags=["导出"], summary="导出任务的进度")
def export_status(request: HttpRequest, job_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    return _export_out(request, exports.export_job_get(actor=actor_of(request), job_id=job_id))


@router.get("/exports/{job_id}/file", response={200: None, **ERRORS}, tags=["导出"], summary="下载导出文件",
            openapi_extra=CSV_RESPONSE)
def export_file(request: HttpRequest, job_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> HttpResponseBase:
    job = exports.export_job_get(actor=actor_of(request), job_id=job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise ApplicationError(f"导出尚未完成（{job.get_status_display()}）", field="job_id", code="export_not_ready",
                               status=409)
    response = FileResponse(job.file.open("rb"), content_type="text/csv; charset=utf-8", as_attachment=True,
                            filename=f"cases-{job.pk}.csv")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **ERRORS}, summary="案件详情与历史")
def detail(request: HttpRequest, case_id: CaseId) -> dict[str, Any]:
    actor = actor_of(request)
    case = _case(actor, case_id)
    body = _detail(actor, case.pk)
    body["events"] = [event_out(e) for e in selectors.case_events(actor=actor, case=case)]
    body["allowed_actions"] = policy.available_actions(actor, case)
    return body


@router.post("/cases/{case_id}/reporter/reveal", response={200: RevealOut, **ERRORS},
             summary="查看反映人信息（逐案、记录在案）")
def reveal(request: HttpRequest, case_id: CaseId, payload: RevealIn) -> dict[str, Any]:
    actor = actor_of(request)
    shown = case_reveal_reporter(actor=actor, case=_case(actor, case_id), purpose=payload.purpose, via="api")
    return {"case_id": shown.case_id, "reporter_name": shown.name, "reporter_phone": shown.phone,
            "description": shown.description, "reveal_id": shown.reveal.pk, "revealed_at": shown.reveal.at}


def _action(path: str, summary: str, schema: type[Schema], run: Any) -> None:
    """One POST endpoint per workflow action: resolve the case (scoped), call the service, answer the case."""

    def endpoint(request: HttpRequest, case_id: CaseId, payload: Any) -> dict[str, Any]:
        actor = actor_of(request)
        case = _case(actor, case_id, payload.version)
        # The case as the service left it (after a 退单 the handler no longer sees it through the selectors).
        return case_out(run(actor, case, payload))

    endpoint.__name__ = f"case_{path.replace('-', '_').replace('/', '_')}"
    endpoint.__annotations__ = {"request": HttpRequest, "case_id": CaseId, "payload": schema, "return": dict[str, Any]}
    router.post(f"/cases/{{case_id}}/{path}", response={200: CaseOut, **ERRORS}, summary=summary,
                operation_id=endpoint.__name__)(endpoint)


def _unit_in_scope(actor: User, code: str, field: str) -> OrgUnit:
    return resolve.unit(actor=actor, ref=code, field=field)


_action("register", "立案", RegisterIn, lambda a, c, p: cases.case_register(
    actor=a, case=c, category=_category(p.category, "category") if p.category else None, urgency=p.urgency,
    note=p.note))
_action("reject", "不予立案", ReasonIn, lambda a, c, p: cases.case_reject(actor=a, case=c, reason=p.reason))
_action("merge", "并案", MergeIn, lambda a, c, p: cases.case_merge(
    actor=a, case=c, into=resolve.case(actor=a, ref=p.into, field="into"), note=p.note))
_action("dispatch", "派遣", DispatchIn, lambda a, c, p: cases.case_dispatch(
    actor=a, case=c, assignee=_unit_in_scope(a, p.assignee, "assignee") if p.assignee else None, note=p.note))
_action("accept", "签收", NoteIn, lambda a, c, p: cases.case_accept(actor=a, case=c, note=p.note))
_action("return", "退单", ReasonIn, lambda a, c, p: cases.case_return(actor=a, case=c, reason=p.reason))
_action("extension", "申请延期", ExtensionIn, lambda a, c, p: cases.case_request_extension(
    actor=a, case=c, amount=p.amount, reason=p.reason))
_action("extension/decision", "审批延期", DecisionIn, lambda a, c, p: cases.case_approve_extension(
    actor=a, case=c, approve=p.approve, note=p.note))
_action("suspension", "申请挂账", ReasonIn, lambda a, c, p: cases.case_request_suspension(
    actor=a, case=c, reason=p.reason))
_action("suspension/decision", "审批挂账", DecisionIn, lambda a, c, p: cases.case_approve_suspension(
    actor=a, case=c, approve=p.approve, note=p.note))
_action("resume", "恢复办理", NoteIn, lambda a, c, p: cases.case_resume(actor=a, case=c, note=p.note))
_action("feedback", "处置反馈", FeedbackIn, lambda a, c, p: cases.case_feedback(actor=a, case=c, result=p.result))
_action("verify", "核查", VerifyIn, lambda a, c, p: cases.case_verify(actor=a, case=c, passed=p.passed, note=p.note))
_action("evaluate", "回访评价", EvaluateIn, lambda a, c, p: cases.case_evaluate(
    actor=a, case=c, satisfaction=p.satisfaction, note=p.note))
_action("reopen", "重启", ReasonIn, lambda a, c, p: cases.case_reopen(actor=a, case=c, note=p.reason))


# --- reference data and metrics ------------------------------------------------------------------------------

reference = Router(tags=["类别与指标"])


@reference.get("/categories", response={200: list[CategoryOut], **ERRORS}, summary="案件类别")
def categories(request: HttpRequest, kind: str | None = Query(None, max_length=20),
               assignable_only: bool = True) -> list[dict[str, Any]]:
    qs = selectors.category_list(kind=kind, assignable_only=assignable_only).select_related("parent")
    return [category_out(c) for c in qs]


class MetricFilters(Schema):
    start: Moment
    end: Moment
    org_unit: str | None = Field(None, description="处置单位编码（含下级）", max_length=32)
    street: str | None = Field(None, description="办事处编码", max_length=32)
    grid: str | None = Field(None, description="网格或微网格编码", max_length=32)
    category: str | None = Field(None, max_length=16)
    channel: str | None = Field(None, max_length=20)


@reference.get("/metrics", response={200: MetricsOut, **ERRORS}, summary="案件指标（含口径说明）")
def metrics(request: HttpRequest, filters: Query[MetricFilters]) -> dict[str, Any]:
    actor = actor_of(request)
    org_unit = _unit_in_scope(actor, filters.org_unit, "org_unit") if filters.org_unit else None
    street = _unit_in_scope(actor, filters.street, "street") if filters.street else None
    grid = resolve.grid(filters.grid) if filters.grid else None
    category = _category(filters.category, "category") if filters.category else None
    values = case_metrics.case_metrics(actor=actor, start=filters.start, end=filters.end, org_unit=org_unit,
                                       street=street, grid=grid, category=category, channel=filters.channel)
    return {
        "start": filters.start,
        "end": filters.end,
        "metrics": {code: {**meta, "value": values.get(code)} for code, meta in case_metrics.METRICS.items()},
        "counts": values["counts"],
    }


api.add_router("/", router)
api.add_router("/", reference)


def _mount_optional() -> None:
    if os.environ.get("GAOXIN_BENCH_ENDPOINTS") == "1" and not settings.PRODUCTION:
        from gaoxin.api.bench import router as bench_router

        api.add_router("/bench", bench_router)


_mount_optional()

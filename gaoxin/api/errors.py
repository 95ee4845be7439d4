"""The one mapping from errors to RFC 7807 ``application/problem+json`` bodies for the JSON API.

Every body has ``type``, ``title`` (Chinese), ``status``, ``code`` (stable) and, when one input is at fault,
``field``. Services raise ``ApplicationError``; ninja's own validation errors (422) name the first offending
field and list all of them under ``errors``; authentication, 404 and unexpected errors get the same shape."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from gaoxin.core import unavailable
from gaoxin.core.errors import ApplicationError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"

# Chinese messages for pydantic's error types (the rest fall back to "格式不正确").
PYDANTIC_MESSAGES = {
    "missing": "必填",
    "int_parsing": "必须是整数",
    "int_type": "必须是整数",
    "int_from_float": "必须是整数",
    "float_parsing": "必须是数字",
    "float_type": "必须是数字",
    "bool_parsing": "必须是 true 或 false",
    "bool_type": "必须是 true 或 false",
    "string_type": "必须是文本",
    "string_too_short": "太短",
    "string_too_long": "太长",
    "greater_than": "超出范围",
    "greater_than_equal": "超出范围",
    "less_than": "超出范围",
    "less_than_equal": "超出范围",
    "datetime_parsing": "时间格式不正确（ISO 8601）",
    "datetime_from_date_parsing": "时间格式不正确（ISO 8601）",
    "datetime_type": "时间格式不正确（ISO 8601）",
    "date_parsing": "日期格式不正确",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "格式不正确",
    "model_type": "格式不正确",
    "dict_type": "必须是对象",
    "list_type": "必须是列表",
    "value_error": "格式不正确",
    "extra_forbidden": "不允许的字段",
}
# Where ninja says a value came from; not part of the field name a client sees.
SOURCES = {"body", "query", "path", "header", "cookie", "form", "file", "payload", "filters"}


def problem(status: int, code: str, title: str, *, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return ApplicationError(title, field=field, code=code, status=status, extra=extra).as_problem()


def problem_response(body: dict[str, Any], *, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=body["status"],
                            content_type=PROBLEM_CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_name(loc: tuple | list) -> str:
    parts = [str(p) for p in loc]
    while parts and parts[0] in SOURCES:
        parts.pop(0)
    return ".".join(parts) if parts else "body"


def validation_problem(errors: list[dict[str, Any]]) -> dict[str, Any]:
    items = []
    for error in errors:
        name = field_name(error.get("loc", ()))
        kind = str(error.get("type", "value_error"))
        message = PYDANTIC_MESSAGES.get(kind, "格式不正确")
        ctx = error.get("ctx") or {}
        if kind in ("value_error", "assertion_error") and isinstance(ctx.get("error"), str):
            message = ctx["error"].removeprefix("Value error, ")
        items.append({"field": name, "message": message, "code": kind})
    first = items[0] if items else {"field": "body", "message": "格式不正确", "code": "invalid"}
    return problem(422, "validation_error", f"{first['field']}：{first['message']}", field=first["field"],
                   errors=items)


PROBLEM_DESCRIPTIONS = {
    400: "请求不合理（code 说明原因，field 指出字段）",
    401: "未认证：缺少或无效的令牌/会话",
    403: "无权执行（角色或辖区之外）",
    404: "对象不存在或不在本人辖区",
    409: "与当前状态冲突（流转不允许、版本过期、幂等键内容不同）",
    413: "请求体或导出过大",
    422: "字段校验失败（errors 列出每个字段）",
    503: "暂时无法写入（数据库不可用或磁盘已满）：稍后用同一 Idempotency-Key 重试",
}


def declare_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document says what the handlers above answer: every 4xx of every operation, and the 503 of a
    data store that cannot be written just now (``core.unavailable``), is ``application/problem+json`` with the
    ``Problem`` schema, and an operation with a body may answer 413."""
    for operation in (op for item in schema.get("paths", {}).values() for op in item.values()):
        responses = operation.setdefault("responses", {})
        if "requestBody" in operation:
            responses.setdefault(413, {})
        responses.setdefault(503, {})
        for status in list(responses):
            if 400 <= int(status) < 500 or int(status) == 503:
                responses[status] = {
                    "description": PROBLEM_DESCRIPTIONS.get(int(status), "错误"),
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
                }
    return schema


class ObjectBodyParser(Parser):
    """A request body is one JSON object: ninja would otherwise read a list or a number as an object with every
    field left at its default."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("the body is not a JSON object")
        return data


BAD_BODY = "Cannot parse request body"  # ninja's message for a body its parser refused


def install(api: NinjaAPI) -> None:
    """Register the handlers on ``api`` (called once, where the API is built)."""

    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return problem_response(exc.as_problem())

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem_response(validation_problem(exc.errors))

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = problem(401, "unauthenticated", "未登录或令牌无效：请使用 Authorization: Bearer <令牌> 或登录会话")
        return problem_response(body, headers={"WWW-Authenticate": 'Bearer realm="gaoxin"'})

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                 429: "throttled"}
        if str(exc).startswith(BAD_BODY):
            return problem_response(problem(400, "bad_body", "请求体必须是一个 JSON 对象", field="body"))
        return problem_response(problem(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc)))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(problem(404, "not_found", "对象不存在"))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        body = problem(413, "payload_too_large", f"请求体过大（不能超过 {limit // (1024 * 1024)} MB）", field="body")
        return problem_response(body)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        if unavailable.is_unavailable(exc):
            logger.warning("API 503 on %s %s: %s", request.method, request.path, exc)
            return problem_response(problem(503, "unavailable", unavailable.MESSAGE),
                                    headers={"Retry-After": str(unavailable.RETRY_AFTER_SECONDS)})
        logger.exception("API error on %s %s", request.method, request.path)
        return problem_response(problem(500, "server_error", "服务器内部错误，请稍后重试"))

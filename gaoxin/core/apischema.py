"""The JSON API's error body, shared by the API app and the domain apps' routers mounted beside it (``projects``,
``innovation``, ``talent``): RFC 7807 problem details, declared for every client error an operation can answer.
The API app maps ``core.errors.ApplicationError`` to this body once (``api/errors.py``)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field


class Problem(Schema):
    """RFC 7807 problem details."""

    type: str
    title: str = Field(description="中文说明")
    status: int
    code: str = Field(description="稳定的错误码")
    field: str | None = Field(None, description="出错的输入字段")


ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}

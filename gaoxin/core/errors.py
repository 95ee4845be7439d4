"""The one application error type. Services raise it; the API maps it to an RFC 7807 body and views to form
errors, each in one place."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack


class Details(TypedDict, total=False):
    """What the subclasses pass through to ``ApplicationError``."""

    field: str | None
    extra: dict[str, Any] | None


class ApplicationError(Exception):
    """A refused action: ``message`` is shown to the user (Chinese), ``field`` names the offending input,
    ``code`` is stable for machines, ``status`` is the HTTP status it maps to."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str = "invalid",
        status: int = 400,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
        self.status = status
        self.extra = extra or {}

    def as_problem(self) -> dict[str, Any]:
        """RFC 7807 problem details."""
        body: dict[str, Any] = {
            "type": f"https://gaoxin.local/problems/{self.code}",
            "title": self.message,
            "status": self.status,
            "code": self.code,
        }
        if self.field:
            body["field"] = self.field
        body.update(self.extra)
        return body

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class PermissionDenied(ApplicationError):
    def __init__(
        self, message: str = "无权执行此操作", *, code: str = "permission_denied", **kw: Unpack[Details]
    ) -> None:
        super().__init__(message, code=code, status=403, **kw)


class NotFound(ApplicationError):
    def __init__(self, message: str = "对象不存在", *, code: str = "not_found", **kw: Unpack[Details]) -> None:
        super().__init__(message, code=code, status=404, **kw)


class Conflict(ApplicationError):
    def __init__(self, message: str, *, code: str = "conflict", **kw: Unpack[Details]) -> None:
        super().__init__(message, code=code, status=409, **kw)

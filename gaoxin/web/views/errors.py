"""The project's 500 handler (``handler500`` in gaoxin.urls): a failure that means the data store cannot be
written just now (``core.unavailable``) is answered 503 with ``Retry-After`` in the form the caller reads — the
API's problem+json, Open311's error list, a short page — and anything else stays the 500 it is."""

from __future__ import annotations

import logging
import sys

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

from gaoxin.api import errors as api_errors
from gaoxin.api.open311 import render_error as open311_error
from gaoxin.core import unavailable

logger = logging.getLogger(__name__)


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    if unavailable.is_unavailable(exc):
        logger.warning("503 on %s %s: %s", request.method, request.path, exc)
        response = unavailable_response(request)
        response["Retry-After"] = str(unavailable.RETRY_AFTER_SECONDS)
        return response
    if request.path.startswith("/api/"):
        return api_errors.problem_response(api_errors.problem(500, "server_error", "服务器内部错误，请稍后重试"))
    return defaults.server_error(request)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return api_errors.problem_response(api_errors.problem(503, "unavailable", unavailable.MESSAGE))
    if request.path.startswith("/open311/"):
        return open311_error("xml" if request.path.endswith(".xml") else "json", 503, unavailable.MESSAGE)
    # A page of its own: the site's frame would read the session and the user from the database.
    return render(request, "web/unavailable.html", {"message": unavailable.MESSAGE}, status=503)

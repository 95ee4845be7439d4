"""Links from a figure to the records behind it. Every URL a figure points to is built here, so that when a
list page moves only this module changes. The list pages take the same filters as the selectors
(``cases.selectors.case_list``, ``enterprises.selectors.EnterpriseFilters``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.urls import NoReverseMatch, Resolver404, resolve, reverse

# List pages of the web workbench (built by the web app; fixed paths until they are routed by name).
CASE_LIST = "/cases/"
ENTERPRISE_LIST = "/enterprises/"
VISIT_LIST = "/enterprises/visits/"
RECEPTION_LIST = "/enterprises/reception-days/"
GRID_LIST = "/grids/"


def _url(path: str, params: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> str:
    items = params.items() if isinstance(params, Mapping) else params
    pairs = [(k, "1" if v is True else "0" if v is False else str(v)) for k, v in items if v not in (None, "")]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def records_url(kind: str, **params: Any) -> str:
    """The list of records of ``kind`` (cases, enterprises, visits, reception_days, grids) with ``params`` as
    its query string; a list value repeats the parameter (``channel=a&channel=b``)."""
    path = {"cases": CASE_LIST, "enterprises": ENTERPRISE_LIST, "visits": VISIT_LIST,
            "reception_days": RECEPTION_LIST, "grids": GRID_LIST}[kind]
    pairs: list[tuple[str, Any]] = []
    for key, value in params.items():
        if isinstance(value, list | tuple):
            pairs.extend((key, v) for v in value)
        else:
            pairs.append((key, value))
    return _url(path, pairs)


def indicator_url(ref: str, *, year: int | None = None) -> str:
    try:
        path = reverse("indicators:detail", args=[ref])
    except NoReverseMatch:  # the indicators URLs are not mounted (a command run without the web app)
        path = f"/indicators/{ref}/"
    return _url(path, {"year": year})


def submission_url(pk: int) -> str:
    try:
        return reverse("indicators:submission", args=[pk])
    except NoReverseMatch:
        return f"/indicators/submissions/{pk}/"


def is_routed(url: str) -> bool:
    """Whether ``url``'s path is a page of this installation (a domain's list page may not exist yet)."""
    if not url:
        return False
    try:
        resolve(url.split("?", 1)[0])
    except Resolver404:
        return False
    return True

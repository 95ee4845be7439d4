"""Figures counted from an official document (文件来源): the work report's counts of a character or word
(F115–F116, ``core.textstats``), read from the latest document of the kind uploaded for the year; the document is
the figure's record, and the provenance page reads the count from its kept text again."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from gaoxin.core import textstats
from gaoxin.indicators.computations.base import Computation, Computed, Context
from gaoxin.indicators.models import SourceDocument


def term_count(documents: QuerySet[SourceDocument], *, term: str) -> Decimal | None:
    """The count of ``term`` in the (one) document of ``documents``."""
    document = documents.first()
    if document is None:
        return None
    return Decimal(textstats.term_counts(document.text, [term])[0].count)


def document_term_count(ctx: Context, *, kind: str, term: str) -> Computed:
    latest = SourceDocument.objects.filter(kind=kind, period=str(ctx.year)).order_by("-uploaded_at", "-pk").first()
    records = SourceDocument.objects.filter(pk=latest.pk) if latest else SourceDocument.objects.none()
    count = functools.partial(term_count, term=term)
    detail: dict[str, Any] = {"term": term, "document_kind": kind}
    if latest is not None:
        detail.update(document=latest.title, sha256=latest.sha256)
    return Computed(count(records), {"kind": kind, "term": term, "year": ctx.year},
                    f"/indicators/documents/?year={ctx.year}", "core.textstats.term_counts", detail,
                    records=records, records_total=count)


COMPUTATIONS: dict[str, Computation] = {"document_term_count": document_term_count}

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gaoxin.indicators.models import Indicator, ReferenceValue, Submission, SubmissionEvent


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """Read-only: the catalog is code (catalog.py), loaded by ``catalog_ensure``."""

    list_display = ("ref", "code", "name", "unit", "measure", "source", "owner_code")
    list_filter = ("source", "section", "measure")
    search_fields = ("ref", "code", "name")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReferenceValue)
class ReferenceValueAdmin(admin.ModelAdmin):
    list_display = ("key", "period", "scope", "peer", "value", "unit", "source", "is_synthetic")
    list_filter = ("scope", "period", "is_synthetic")
    search_fields = ("key", "peer", "source")


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Read-only: submissions change only through the workflow services (each change audited)."""

    list_display = ("indicator", "period", "org_unit", "value", "status", "approved_by", "is_simulated")
    list_filter = ("status", "period", "is_simulated")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(admin.ModelAdmin):
    list_display = ("at", "submission", "actor", "action", "from_status", "to_status", "value_before", "value_after")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from gaoxin.cases.models import Case, CaseAttachment, CaseEvent, Category, ResponsibilityRule, SupervisionNotice
from gaoxin.cases.privacy import mask_free_text, mask_name, mask_phone


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("code", "name", "kind", "parent", "time_limit", "time_unit", "default_urgency",
                    "default_handler_kind", "default_handler_code", "is_active")
    list_filter = ("kind", "time_unit", "is_active", "is_assignable")
    search_fields = ("code", "name")
    ordering = ("code",)


@admin.register(ResponsibilityRule)
class ResponsibilityRuleAdmin(admin.ModelAdmin[ResponsibilityRule]):
    list_display = ("category", "street", "grid", "handler", "is_active")
    list_filter = ("is_active", "street")
    search_fields = ("category__code", "category__name", "handler__name")
    autocomplete_fields = ("category", "handler")
    raw_id_fields = ("grid",)


_Row = TypeVar("_Row", bound=Model)


class ReadOnlyInline(admin.TabularInline[_Row, Case]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseEventInline(ReadOnlyInline[CaseEvent]):
    model = CaseEvent
    fields = ("seq", "at", "actor", "action", "from_state", "to_state", "masked_note", "payload", "hash")
    readonly_fields = fields

    @admin.display(description="说明（脱敏）")
    def masked_note(self, obj: CaseEvent) -> str:
        return mask_free_text(obj.note)
    ordering = ("seq",)


class CaseAttachmentInline(ReadOnlyInline[CaseAttachment]):
    model = CaseAttachment
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at", "event")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    """Read-only: cases move only through the workflow services, so every change is an audited event."""

    list_display = ("number", "channel", "category", "state", "street", "assignee", "reported_at", "deadline",
                    "is_overdue")
    list_filter = ("state", "channel", "is_overdue", "is_synthetic")
    search_fields = ("number", "external_ref")
    date_hierarchy = "reported_at"
    inlines = (CaseEventInline, CaseAttachmentInline)
    PERSONAL = ("reporter_name", "reporter_phone", "description")
    exclude = PERSONAL

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        fields = [f.name for f in Case._meta.fields if f.name not in self.PERSONAL]
        return [*fields, "masked_description", "masked_reporter"]

    @admin.display(description="问题描述（脱敏）")
    def masked_description(self, obj: Case) -> str:
        return mask_free_text(obj.description)

    @admin.display(description="反映人（脱敏）")
    def masked_reporter(self, obj: Case) -> str:
        return f"{mask_name(obj.reporter_name)} {mask_phone(obj.reporter_phone)}".strip()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SupervisionNotice)
class SupervisionNoticeAdmin(admin.ModelAdmin[SupervisionNotice]):
    list_display = ("case", "node", "unit", "superior_unit", "deadline", "created_at", "acknowledged_at")
    list_filter = ("node",)
    raw_id_fields = ("case",)

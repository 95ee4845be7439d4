"""The SMS outbox in the Django admin: read-only (messages are written by the case services and sent by the
outbox); the numbers are masked as on the page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from gaoxin.cases.privacy import mask_phone
from gaoxin.notify.models import SmsMessage


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin[SmsMessage]):
    list_display = ("created_at", "kind", "masked_phone", "case", "state", "attempts", "last_error")
    list_filter = ("state", "kind")
    search_fields = ("case__number", "message_id")
    fields = ("message_id", "kind", "masked_phone", "case", "text", "state", "attempts", "next_attempt_at",
              "last_error", "created_at", "delivered_at")
    readonly_fields = fields

    @admin.display(description="手机号")
    def masked_phone(self, obj: SmsMessage) -> str:
        return mask_phone(obj.phone)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SmsMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: SmsMessage | None = None) -> bool:
        return False

"""Reads of the SMS outbox, for the administrator's page (phone numbers masked)."""

from __future__ import annotations

from django.db.models import QuerySet

from gaoxin.accounts.models import User
from gaoxin.core import outbox
from gaoxin.core.errors import PermissionDenied
from gaoxin.notify.models import SmsMessage
from gaoxin.notify.services import OUTBOX_ROLES


def may_see_outbox(actor: User) -> bool:
    return actor.role in OUTBOX_ROLES or actor.is_superuser


def sms_list(*, actor: User, state: str = "", kind: str = "", case_number: str = "") -> QuerySet[SmsMessage]:
    if not may_see_outbox(actor):
        raise PermissionDenied("只有平台管理员可以查看短信发件箱", code="sms_role")
    qs = SmsMessage.objects.select_related("case", "recipient").order_by("-id")
    if state in SmsMessage.State.values:
        qs = qs.filter(state=state)
    if kind in SmsMessage.Kind.values:
        qs = qs.filter(kind=kind)
    if case_number.strip():
        qs = qs.filter(case__number__icontains=case_number.strip())
    return qs


def sms_status(*, actor: User) -> dict[str, int]:
    if not may_see_outbox(actor):
        raise PermissionDenied("只有平台管理员可以查看短信发件箱", code="sms_role")
    return outbox.status(SmsMessage)


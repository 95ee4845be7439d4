"""Text messages (短信) to the people a case change concerns — the unit's handlers when a case is dispatched or
instructed, the grid worker sent to check a report, the reporter when the case is closed or not accepted — kept
in a transactional outbox (``core.outbox``) and delivered through the SMS gateway (``notify.gateway``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gaoxin.core.outbox import OutboxMessage


class SmsMessage(OutboxMessage):
    """One text message, written in the transaction of the change it reports; ``payload`` is what the gateway
    receives (``phone``, ``text``, ``sign``)."""

    class Kind(models.TextChoices):
        DISPATCHED = "dispatched", "派遣通知"
        INSTRUCTED = "instructed", "领导批示"
        FIELD_CHECK = "field_check", "核实任务"
        CLOSED = "closed", "办结告知"
        REJECTED = "rejected", "不予立案告知"
        POLICY_MATCHED = "policy_matched", "政策免申即享通知"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    phone = models.CharField("手机号", max_length=20)  # personal data: masked on every page
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name="案件", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")  # none for a message outside the case flow (a policy match)
    text = models.CharField("短信内容", max_length=300)

    class Meta(OutboxMessage.Meta):
        verbose_name = "短信"
        verbose_name_plural = "短信发件箱"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="sms_state_next"),
                   models.Index(fields=["case"], name="sms_case")]

"""The city 12345 platform link (docs/HOTLINE_12345.md): orders received, messages received from the city
(urges, returns), urges on cases, and the outbox of messages to the city."""

from __future__ import annotations

from django.db import models

from gaoxin.core.outbox import OutboxMessage


class HotlineOrder(models.Model):
    """A 12345 order (工单) pushed by the city, and the case it became."""

    order_id = models.CharField("工单编号", max_length=64, unique=True)
    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                                related_name="hotline_order")
    fingerprint = models.CharField("内容摘要", max_length=64)
    payload = models.JSONField("推送内容")  # personal data inside: never shown outside the admin
    reply_deadline = models.DateTimeField("答复期限", null=True, blank=True)
    received_at = models.DateTimeField("接收时间")
    reply_count = models.PositiveIntegerField("已答复次数", default=0)
    urge_count = models.PositiveIntegerField("催办次数", default=0)
    return_count = models.PositiveIntegerField("重办次数", default=0)

    class Meta:
        verbose_name = "12345工单"
        verbose_name_plural = "12345工单"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return self.order_id


class InboundMessage(models.Model):
    """A message from the city (urge or return), kept by its message id so that a repeated delivery is answered
    with the first answer and changes nothing."""

    class Kind(models.TextChoices):
        URGE = "urge", "催办"
        RETURN = "return", "重办"

    message_id = models.CharField("消息编号", max_length=64, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    order = models.ForeignKey(HotlineOrder, on_delete=models.PROTECT, related_name="messages")
    fingerprint = models.CharField("内容摘要", max_length=64)
    payload = models.JSONField("内容")
    response = models.JSONField("应答")
    received_at = models.DateTimeField("接收时间")

    class Meta:
        verbose_name = "12345来文"
        verbose_name_plural = "12345来文"
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id}"


class HotlineUrge(models.Model):
    """催办 from the city: like a supervision notice, to the unit handling the case (or the center while it is
    not dispatched) and its superior, until acknowledged."""

    case = models.ForeignKey("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="urges")
    message = models.OneToOneField(InboundMessage, on_delete=models.PROTECT, related_name="urge")
    unit = models.ForeignKey("accounts.OrgUnit", verbose_name="责任单位", on_delete=models.PROTECT,
                             related_name="+")
    superior_unit = models.ForeignKey("accounts.OrgUnit", verbose_name="上级单位", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    content = models.CharField("催办内容", max_length=500)
    created_at = models.DateTimeField("催办时间")
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "12345催办"
        verbose_name_plural = "12345催办"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["unit", "created_at"], name="urge_unit_created")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.created_at:%Y-%m-%d %H:%M}"


class Outbox(OutboxMessage):
    """A message to the city, written in the same transaction as the case change it reports (``core.outbox``).
    Delivered by ``outbox.deliver_pending`` (huey periodic task, ``gaoxin hotline deliver``) with exponential
    backoff; the receiver deduplicates by ``message_id``."""

    order = models.ForeignKey(HotlineOrder, on_delete=models.PROTECT, related_name="outbox")
    event = models.ForeignKey("cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")

    class Meta(OutboxMessage.Meta):
        verbose_name = "12345发件箱"
        verbose_name_plural = "12345发件箱"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_state_next")]

"""Ledgers (台账) as data: a ledger type (``Ledger``) is defined by versions of an XLSForm (``LedgerVersion``:
fields, choices, validation, the units that fill it, its period and due day, targets per unit and year); units
fill entries (``LedgerEntry``) under the version current when they filled them, and every move of an entry is an
event of its hash-chained history (``LedgerEntryEvent``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.audit import Chain, ChainedEvent, HistoryHead


class Ledger(models.Model):
    class Period(models.TextChoices):
        ONCE = "once", "一次性"
        MONTHLY = "monthly", "按月"
        QUARTERLY = "quarterly", "按季"
        YEARLY = "yearly", "按年"

    code = models.SlugField("编码", max_length=50, unique=True)
    name = models.CharField("名称", max_length=100)
    owner = models.ForeignKey(OrgUnit, verbose_name="主管部门", on_delete=models.PROTECT, related_name="+")
    current_version = models.ForeignKey("LedgerVersion", verbose_name="现行版本", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "台账"
        verbose_name_plural = "台账"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class LedgerVersion(models.Model):
    """One version of a ledger's definition, as read from its XLSForm. A published version never changes: a change
    of the definition is a new version, and the entries filled under an older one keep it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    ledger = models.ForeignKey(Ledger, verbose_name="台账", on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    title = models.CharField("标题", max_length=100)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    period = models.CharField("填报周期", max_length=10, choices=Ledger.Period.choices)
    due_day = models.PositiveSmallIntegerField("截止日")  # day of the month after the period
    fields = models.JSONField("字段", default=list)
    choices = models.JSONField("选项", default=dict)
    fillers = models.JSONField("填报单位", default=list)  # org unit codes
    targets = models.JSONField("目标", default=list)  # [{"unit", "year", "field", "value"}]
    xlsform = models.BinaryField("XLSForm")
    created_at = models.DateTimeField("导入时间")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = "台账版本"
        verbose_name_plural = "台账版本"
        ordering = ["ledger_id", "number"]
        constraints = [models.UniqueConstraint(fields=["ledger", "number"], name="ledger_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class LedgerEntry(HistoryHead):
    """One filled row of a ledger by one unit for one period. Approved entries are locked: a correction is a new
    entry (``revises``, ``revision`` + 1) with a reason, which replaces the old one once approved."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已通过"
        SUPERSEDED = "superseded", "已被修订"

    ledger = models.ForeignKey(Ledger, verbose_name="台账", on_delete=models.PROTECT, related_name="entries")
    version = models.ForeignKey(LedgerVersion, verbose_name="定义版本", on_delete=models.PROTECT,
                                related_name="entries")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="填报单位", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("统计期起")
    period_end = models.DateField("统计期止")  # exclusive
    due_date = models.DateField("截止日期")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.DRAFT)
    values = models.JSONField("数据", default=dict)
    revision = models.PositiveSmallIntegerField("修订次数", default=0)
    revises = models.ForeignKey("self", verbose_name="修订自", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="revisions")
    reason = models.CharField("修订/退回原因", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")
    submitted_at = models.DateTimeField("首次报送时间", null=True, blank=True)
    approved_at = models.DateTimeField("审核通过时间", null=True, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "台账条目"
        verbose_name_plural = "台账条目"
        ordering = ["ledger_id", "period_start", "org_unit_id", "pk"]
        indexes = [models.Index(fields=["ledger", "state", "period_start"], name="ledger_entry_figures")]

    def __str__(self) -> str:
        return f"{self.ledger_id}/{self.org_unit_id}/{self.period_start}"

    @property
    def is_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at.date() > self.due_date

    def value(self, name: str) -> Any:
        return self.values.get(name)


class LedgerAttachment(models.Model):
    """Evidence of an entry for an attachment field of its definition."""

    entry = models.ForeignKey(LedgerEntry, verbose_name="条目", on_delete=models.PROTECT,
                              related_name="attachments")
    field = models.CharField("字段", max_length=60)
    file = models.FileField("文件", upload_to="ledgers/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "台账附件"
        verbose_name_plural = "台账附件"

    def __str__(self) -> str:
        return self.name


class LedgerEntryEvent(ChainedEvent):
    """One move of an entry (created, saved, submitted, approved, returned, revised, superseded): a hash-chained
    history of ``core.audit``; the payload keeps the values written."""

    entry = models.ForeignKey(LedgerEntry, verbose_name="条目", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)
    from_state = models.CharField("原状态", max_length=10, blank=True)
    to_state = models.CharField("新状态", max_length=10)

    chain = Chain(subject="entry", key="pk", content_key="entry",
                  fields={"action": "action", "from": "from_state", "to": "to_state"})

    class Meta:
        verbose_name = "台账日志"
        verbose_name_plural = "台账日志"
        ordering = ["entry_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["entry", "seq"], name="ledger_entry_event_unique_seq")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class LedgerReminder(models.Model):
    """A reminder (催报) to a unit whose report of a period is past its due date and not submitted: an outbox row,
    one per (ledger, unit, period) — the message id makes a second queueing a no-op — shown to the unit's fillers
    until it is answered by a submission."""

    ledger = models.ForeignKey(Ledger, verbose_name="台账", on_delete=models.PROTECT, related_name="reminders")
    org_unit = models.ForeignKey(OrgUnit, verbose_name="填报单位", on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField("统计期起")
    due_date = models.DateField("截止日期")
    message_id = models.CharField("消息编号", max_length=120, unique=True)
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("生成时间")
    answered_at = models.DateTimeField("已报送时间", null=True, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "催报通知"
        verbose_name_plural = "催报通知"
        ordering = ["due_date", "ledger_id", "org_unit_id"]

    def __str__(self) -> str:
        return self.text

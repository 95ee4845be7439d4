"""Indicators (DESIGN §5, after DHIS2): the catalog, submitted values with their evidence and audit log, and
reference values from outside the zone from which shares, growth, completion and ranks are derived."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.audit import Chain, ChainedEvent, HistoryHead


class Indicator(models.Model):
    """One figure the zone reports. ``ref`` keeps the seed's id (F001–F116; X… for supplementary bases)."""

    class Source(models.TextChoices):
        COMPUTED = "computed", "平台计算"
        SUBMITTED = "submitted", "部门填报"
        DERIVED = "derived", "派生计算"

    class Measure(models.TextChoices):
        COUNT = "count", "数量"
        AMOUNT = "amount", "金额"
        SHARE = "share", "占比"
        GROWTH = "growth", "增长率"
        RATE = "rate", "比率"
        RANK = "rank", "排名"
        RATIO = "ratio", "完成比例"
        CAPACITY = "capacity", "能力"
        AREA = "area", "面积"
        DURATION = "duration", "时长"

    class PeriodType(models.TextChoices):
        YEAR = "year", "年度"

    ref = models.CharField("编号", max_length=8, unique=True)
    code = models.CharField("代码", max_length=64, unique=True)
    name = models.CharField("指标名称", max_length=200)
    section = models.CharField("报告章节", max_length=20)
    system = models.CharField("来源系统", max_length=30)
    unit = models.CharField("单位", max_length=20)
    measure = models.CharField("度量", max_length=12, choices=Measure.choices)
    period_type = models.CharField("周期", max_length=8, choices=PeriodType.choices, default=PeriodType.YEAR)
    org_scope = models.CharField("统计范围", max_length=30)
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    definition = models.TextField("定义", blank=True)
    computation = models.CharField("计算函数", max_length=64, blank=True)
    params = models.JSONField("计算参数", default=dict, blank=True)
    derivation = models.JSONField("派生规则", default=dict, blank=True)
    owner_code = models.CharField("填报部门编码", max_length=32, blank=True)
    decimals = models.PositiveSmallIntegerField("小数位", default=0)
    display_scale = models.PositiveIntegerField("显示倍数", default=1)
    display_unit = models.CharField("显示单位", max_length=20, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering = ["sort_order", "ref"]

    def __str__(self) -> str:
        return f"{self.ref} {self.name}"


def evidence_upload_to(instance: SubmissionEvidence, filename: str) -> str:
    return f"indicators/evidence/{instance.submission.period}/{instance.submission.indicator.ref}/{filename}"


class Submission(HistoryHead):
    """A value of a ``submitted`` indicator for one period and org unit: draft → submitted → approved / returned.
    Approved values are locked: changed only by a revision with a reason (approved → submitted, reviewed again)
    or withdrawn with a reason; a real value supersedes a simulated one; every change is an append-only
    ``SubmissionEvent``."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已审核"
        RETURNED = "returned", "已退回"
        WITHDRAWN = "withdrawn", "已撤回"

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="submissions")
    period = models.CharField("统计期", max_length=10)  # "2023" for a year
    org_unit = models.ForeignKey(OrgUnit, verbose_name="统计单位", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField("数值", max_digits=20, decimal_places=4)
    note = models.CharField("说明", max_length=500, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    is_simulated = models.BooleanField("模拟数据", default=False)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "指标填报"
        verbose_name_plural = "指标填报"
        ordering = ["indicator__sort_order", "period", "org_unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period", "org_unit"], name="submission_one_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.ref} {self.period} {self.org_unit}"


class SubmissionEvidence(models.Model):
    submission = models.ForeignKey(Submission, verbose_name="填报", on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField("证明材料", upload_to=evidence_upload_to)
    original_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class SubmissionEvent(ChainedEvent):
    """One change of a submission: a hash-chained history of ``core.audit`` (append-only; ``gaoxin audit verify``
    re-hashes it)."""

    submission = models.ForeignKey(Submission, verbose_name="填报", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=10, blank=True)
    to_status = models.CharField("新状态", max_length=10)
    value_before = models.DecimalField("原数值", max_digits=20, decimal_places=4, null=True, blank=True)
    value_after = models.DecimalField("新数值", max_digits=20, decimal_places=4, null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)

    chain = Chain(subject="submission", key="pk", content_key="submission",
                  fields={"action": "action", "from": "from_status", "to": "to_status",
                          "value_before": "value_before", "value_after": "value_after"})

    class Meta:
        verbose_name = "填报日志"
        verbose_name_plural = "填报日志"
        ordering = ["submission_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["submission", "seq"], name="submission_event_unique_seq")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class ReferenceValue(models.Model):
    """A value from outside the zone's records — a city or province total, the zone's previous year, an annual
    plan, or one peer district's value — each with the source it was taken from."""

    class Scope(models.TextChoices):
        CITY = "city", "全市"
        PROVINCE = "province", "全省"
        CITY_DISTRICTS = "city_districts", "市内各区（同级比较）"
        ZONE = "zone", "本区（往期）"
        PLAN = "plan", "年度计划/目标"
        ZONE_BUDGET = "zone_budget", "本区一般公共预算"

    indicator = models.ForeignKey(Indicator, verbose_name="指标", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="reference_values")
    key = models.CharField("键", max_length=64)  # the indicator's code, or a free key
    period = models.CharField("统计期", max_length=10)
    scope = models.CharField("范围", max_length=16, choices=Scope.choices)
    peer = models.CharField("对比单位", max_length=50, blank=True)  # one peer of a rank set
    value = models.DecimalField("数值", max_digits=20, decimal_places=4)
    unit = models.CharField("单位", max_length=20, blank=True)
    source = models.CharField("来源", max_length=300)
    # The citation of an official value: the document, who issued it and when (required unless synthetic).
    document = models.CharField("文件名称及文号", max_length=200, blank=True)
    issuer = models.CharField("发布机关", max_length=100, blank=True)
    issued_on = models.DateField("发布日期", null=True, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "参考值"
        verbose_name_plural = "参考值"
        ordering = ["key", "period", "scope", "peer"]
        constraints = [
            models.UniqueConstraint(fields=["key", "period", "scope", "peer"], name="reference_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.period} {self.get_scope_display()} {self.peer} = {self.value}"


class SourceDocument(models.Model):
    """An official document a figure is counted from (文件来源): the work report whose counts of 高 and 新 the
    year-end report cites (F115–F116). Its text is extracted once at upload (``core.textstats``) and kept beside
    the file; a later upload of the same kind and year replaces it for the figures (both stay on record)."""

    class Kind(models.TextChoices):
        WORK_REPORT = "work_report", "政府工作报告"

    kind = models.CharField("文件类型", max_length=20, choices=Kind.choices)
    period = models.CharField("统计期", max_length=10)  # the year the document reports on
    title = models.CharField("文件名称及文号", max_length=200)
    issuer = models.CharField("发布机关", max_length=100)
    issued_on = models.DateField("发布日期")
    file = models.FileField("文件", upload_to="indicators/documents/%Y/")
    name = models.CharField("原文件名", max_length=200)
    sha256 = models.CharField("SHA-256", max_length=64)
    text = models.TextField("提取的正文")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "来源文件"
        verbose_name_plural = "来源文件"
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title}（{self.period}）"


class YearClose(HistoryHead):
    """年度关账: a year's figures frozen once the year is over. After the close the report and every page read the
    snapshot; the records behind each figure are kept by id and digest, a later change of them shows as the
    difference between the closed figure and the figure as of now, and a figure changes only by a dated
    adjustment with a reason (调整说明), each a link of the close's hash-chained history."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    closed_at = models.DateTimeField("关账时间")
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="关账人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    digest = models.CharField("快照摘要", max_length=64)  # SHA-256 over every closed figure as first frozen
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "年度关账"
        verbose_name_plural = "年度关账"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年度关账"


class ClosedFigure(models.Model):
    """One figure of a closed year as it was frozen (or as last adjusted), with its definition, its inputs and the
    identity of the records behind it."""

    close = models.ForeignKey(YearClose, verbose_name="关账", on_delete=models.PROTECT, related_name="figures")
    ref = models.CharField("编号", max_length=8)
    name = models.CharField("名称", max_length=200)
    section = models.CharField("篇章", max_length=20, blank=True)
    source = models.CharField("来源", max_length=10)
    measure = models.CharField("类型", max_length=10)
    unit = models.CharField("单位", max_length=20, blank=True)
    value = models.DecimalField("数值", max_digits=24, decimal_places=6, null=True, blank=True)
    exact = models.DecimalField("未修约值", max_digits=30, decimal_places=10, null=True, blank=True)
    number = models.CharField("印出数字", max_length=40, blank=True)
    display_unit = models.CharField("显示单位", max_length=20, blank=True)
    missing = models.BooleanField("暂无数值", default=False)
    reason = models.CharField("缺失原因", max_length=300, blank=True)
    simulated = models.BooleanField("模拟数据", default=False)
    definition = models.TextField("定义", blank=True)
    definition_version = models.CharField("定义版本", max_length=16)  # digest of definition, computation, rule
    provenance = models.JSONField("出处", default=dict, blank=True)
    record_model = models.CharField("记录类型", max_length=100, blank=True)
    record_count = models.PositiveIntegerField("记录数", null=True, blank=True)
    record_ids = models.JSONField("记录编号", default=list, blank=True)
    denominator_ids = models.JSONField("分母记录编号", null=True, blank=True)
    records_digest = models.CharField("记录摘要", max_length=64, blank=True)
    total_field = models.CharField("求和字段", max_length=60, blank=True)
    adjusted_at = models.DateTimeField("调整时间", null=True, blank=True)

    class Meta:
        verbose_name = "关账指标"
        verbose_name_plural = "关账指标"
        ordering = ["close", "pk"]
        constraints = [models.UniqueConstraint(fields=["close", "ref"], name="closed_figure_unique")]

    def __str__(self) -> str:
        return f"{self.close.year} {self.ref}"


class YearCloseEvent(ChainedEvent):
    """The close and every adjustment after it (hash-chained, append-only)."""

    close = models.ForeignKey(YearClose, verbose_name="关账", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=10)  # close | adjust
    ref = models.CharField("指标", max_length=8, blank=True)
    value_before = models.DecimalField("原数值", max_digits=24, decimal_places=6, null=True, blank=True)
    value_after = models.DecimalField("新数值", max_digits=24, decimal_places=6, null=True, blank=True)

    chain = Chain(subject="close", key="year", content_key="year",
                  fields={"action": "action", "ref": "ref", "value_before": "value_before",
                          "value_after": "value_after"})

    class Meta:
        verbose_name = "关账日志"
        verbose_name_plural = "关账日志"
        ordering = ["close_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["close", "seq"], name="year_close_event_unique_seq")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.ref}"

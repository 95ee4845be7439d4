"""Enterprise policies (惠企政策兑现): the catalog (policy documents, their clauses, the benefit items a clause grants
and the items' dated parameters), the budget of each policy-year, the decisions the rules take for each enterprise
(with their trace), public notices (公示) with objections, and payment batches. Amounts are in fen (分), integers,
never floats. Every state change of a decision is an event on its hash-chained history."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gaoxin.core.audit import Chain, ChainedEvent, HistoryHead
from gaoxin.enterprises.models import Enterprise


class Policy(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    code = models.CharField("编码", max_length=32, unique=True)
    doc_number = models.CharField("文号", max_length=60)
    title = models.CharField("政策名称", max_length=200)
    issuer = models.CharField("发文机关", max_length=100)
    in_force_from = models.DateField("施行日期")
    in_force_to = models.DateField("废止日期", null=True, blank=True)
    text_url = models.CharField("政策原文链接", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "惠企政策"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.doc_number} {self.title}"


class Clause(models.Model):
    policy = models.ForeignKey(Policy, verbose_name="政策", on_delete=models.CASCADE, related_name="clauses")
    number = models.CharField("条款", max_length=20)  # 第五条
    text = models.TextField("条款原文")

    class Meta:
        verbose_name = "政策条款"
        verbose_name_plural = verbose_name
        ordering = ["policy_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="policies_clause_number")]

    def __str__(self) -> str:
        return f"{self.policy.doc_number} {self.number}"


class BenefitItem(models.Model):
    """One benefit a clause grants. Its conditions and amount are the rules' variables ``<code>__eligible`` and
    ``<code>__amount`` (``policies/rules``); its parameters are ``ParameterValue`` rows."""

    class Route(models.TextChoices):
        AUTO = "auto", "免申即享"
        APPLY = "apply", "快申快享"

    clause = models.ForeignKey(Clause, verbose_name="条款", on_delete=models.CASCADE, related_name="items")
    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("兑现事项", max_length=200)
    route = models.CharField("兑现方式", max_length=8, choices=Route.choices)
    family = models.CharField("规则类型", max_length=30)  # policies/rules/families.py
    options = models.JSONField("规则选项", default=dict, blank=True)
    tests = models.TextField("规则测试（YAML）", blank=True)
    exclusive_group = models.CharField("不重复享受组", max_length=40, blank=True)
    materials = models.JSONField("申报材料", default=list, blank=True)  # for 快申快享
    review_days = models.PositiveSmallIntegerField("审核时限（工作日）", default=10)

    class Meta:
        verbose_name = "兑现事项"
        verbose_name_plural = verbose_name
        ordering = ["clause__policy__code", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def policy(self) -> Policy:
        return self.clause.policy


class ParameterValue(models.Model):
    """A parameter of a benefit item from a date: the value holds until the next row of the same name."""

    class Unit(models.TextChoices):
        YUAN = "yuan", "元"
        WAN = "wan", "万元"
        RATE = "rate", "比例"
        COUNT = "count", "数量"

    item = models.ForeignKey(BenefitItem, verbose_name="兑现事项", on_delete=models.CASCADE,
                             related_name="parameters")
    name = models.CharField("参数", max_length=40)
    start = models.DateField("生效日期")
    value = models.DecimalField("值", max_digits=16, decimal_places=4)
    unit = models.CharField("单位", max_length=6, choices=Unit.choices)
    label = models.CharField("说明", max_length=100)
    reference = models.CharField("依据", max_length=200)  # 文号 and 条款
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "政策参数"
        verbose_name_plural = verbose_name
        ordering = ["item_id", "name", "start"]
        constraints = [models.UniqueConstraint(fields=["item", "name", "start"], name="policies_parameter_start")]

    def __str__(self) -> str:
        return f"{self.item.code}.{self.name} = {self.value} ({self.start})"


class Budget(models.Model):
    """The money of a policy for a year; the sum paid may never exceed it (checked under this row's lock)."""

    policy = models.ForeignKey(Policy, verbose_name="政策", on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField("年度")
    amount_fen = models.BigIntegerField("预算（分）")

    class Meta:
        verbose_name = "政策预算"
        verbose_name_plural = verbose_name
        ordering = ["policy_id", "year"]
        constraints = [models.UniqueConstraint(fields=["policy", "year"], name="policies_budget_year"),
                       models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="policies_budget_positive")]

    def __str__(self) -> str:
        return f"{self.policy.code} {self.year}"


class Notice(models.Model):
    """A public notice (公示) of decisions, open to objections until ``objection_until`` (working days)."""

    number = models.CharField("公示编号", max_length=20, unique=True)
    title = models.CharField("标题", max_length=200)
    published_on = models.DateField("公示日期")
    objection_until = models.DateField("异议截止日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT,
                                   related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = verbose_name
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PaymentBatch(models.Model):
    number = models.CharField("批次号", max_length=20, unique=True)
    paid_on = models.DateField("拨付日期")
    total_fen = models.BigIntegerField("金额（分）", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "拨付批次"
        verbose_name_plural = verbose_name
        ordering = ["-paid_on", "-pk"]

    def __str__(self) -> str:
        return self.number


class Decision(HistoryHead):
    """What the rules decided for one enterprise and one benefit item in one year, and where it stands."""

    class Status(models.TextChoices):
        MATCHED = "matched", "已匹配待确认"        # 免申即享: told, waiting for the bank account
        CONFIRMED = "confirmed", "已确认"          # 免申即享: account confirmed
        APPLIED = "applied", "已申报待审核"          # 快申快享
        APPROVED = "approved", "已通过审核"
        REFUSED = "refused", "不予兑现"
        NOTICED = "noticed", "公示中"
        CLEARED = "cleared", "公示无异议"
        REVOKED = "revoked", "异议成立撤销"
        PAID = "paid", "已拨付"
        CLAWED_BACK = "clawed_back", "已追回"

    number = models.CharField("编号", max_length=20, unique=True)
    item = models.ForeignKey(BenefitItem, verbose_name="兑现事项", on_delete=models.PROTECT, related_name="decisions")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="policy_decisions")
    year = models.PositiveSmallIntegerField("年度")
    route = models.CharField("兑现方式", max_length=8, choices=BenefitItem.Route.choices)
    evaluated_on = models.DateField("判定日期")
    amount_fen = models.BigIntegerField("兑现金额（分）")
    trace = models.JSONField("判定依据", default=dict)
    status = models.CharField("状态", max_length=12, choices=Status.choices)
    bank_name = models.CharField("开户行", max_length=100, blank=True)
    bank_account = models.CharField("银行账号", max_length=40, blank=True)  # masked on the pages
    materials = models.JSONField("申报材料", default=list, blank=True)
    review_due = models.DateTimeField("审核时限", null=True, blank=True)
    refusal_reason = models.CharField("不予兑现理由", max_length=300, blank=True)
    notice = models.ForeignKey(Notice, verbose_name="公示", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="decisions")
    payment_batch = models.ForeignKey(PaymentBatch, verbose_name="拨付批次", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="decisions")
    paid_fen = models.BigIntegerField("已拨付（分）", default=0)
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    clawed_back_fen = models.BigIntegerField("已追回（分）", default=0)
    clawback_reason = models.CharField("追回理由", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "兑现决定"
        verbose_name_plural = verbose_name
        ordering = ["-year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "enterprise", "year"], name="policies_decision_once"),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0, paid_fen__gte=0, clawed_back_fen__gte=0),
                                   name="policies_decision_amounts_positive"),
        ]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise.name} {self.item.name}"


class Objection(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "待处理"
        UPHELD = "upheld", "异议成立"
        DISMISSED = "dismissed", "异议不成立"

    decision = models.ForeignKey(Decision, verbose_name="兑现决定", on_delete=models.PROTECT,
                                 related_name="objections")
    received_on = models.DateField("收到日期")
    objector = models.CharField("异议人", max_length=100)
    text = models.TextField("异议内容")
    outcome = models.CharField("处理结果", max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    answer = models.CharField("处理意见", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT,
                                    related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = verbose_name
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.decision.number} {self.objector}"


ACTION_LABELS = {
    "match": "规则匹配（免申即享）", "confirm": "企业确认账户", "apply": "企业申报", "approve": "审核通过",
    "refuse": "不予兑现", "notice": "列入公示", "object": "收到异议", "uphold": "异议成立", "dismiss": "异议不成立",
    "clear": "公示期满无异议", "pay": "拨付", "claw_back": "追回",
}


class DecisionEvent(ChainedEvent):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)
    chain = Chain(subject="decision", key="number", content_key="decision", fields={"action": "action"})

    class Meta:
        verbose_name = "兑现日志"
        verbose_name_plural = verbose_name
        ordering = ["decision_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["decision", "seq"], name="policies_decision_event_seq")]

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

"""The city compute network (城市算力网, issue 21): providers and their pools, the jobs the broker places on them
with every attempt and move, the usage metered from the schedulers' accounting, monthly bills and settlements,
and compute vouchers (算力券). Money in fen."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gaoxin.compute import workflow
from gaoxin.compute.placement import REASON_LABELS
from gaoxin.compute.units import GPU_MODELS
from gaoxin.core.audit import Chain, ChainedEvent, HistoryHead


class Provider(models.Model):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", "政府算力中心"
        ENTERPRISE = "enterprise", "企业自有集群"
        INSTITUTION = "institution", "高校院所"

    name = models.CharField("算力提供方", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="对应企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="compute_providers")
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="运维人员", blank=True,
                                   related_name="compute_providers")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "算力提供方"
        verbose_name_plural = verbose_name
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Pool(models.Model):
    class Scheduler(models.TextChoices):
        SLURM = "slurm", "Slurm（slurmrestd）"
        SIMULATED = "simulated", "模拟调度器"

    class Status(models.TextChoices):
        ACTIVE = "active", "接入中"
        SUSPENDED = "suspended", "已暂停"

    provider = models.ForeignKey(Provider, verbose_name="算力提供方", on_delete=models.PROTECT, related_name="pools")
    code = models.CharField("资源池编码", max_length=32, unique=True)
    name = models.CharField("资源池名称", max_length=100)
    site = models.CharField("所在站点", max_length=50)
    scheduler = models.CharField("调度系统", max_length=10, choices=Scheduler.choices)
    endpoint = models.CharField("接口地址", max_length=200, blank=True)
    cluster = models.CharField("集群名", max_length=50, blank=True)
    partition = models.CharField("分区/队列", max_length=50, default="compute")
    token = models.TextField("访问令牌", blank=True)  # a JWT: never shown on a page or in an export
    gpu_model = models.CharField("GPU 型号", max_length=20, blank=True, choices=[(m, m) for m in GPU_MODELS])
    cpus = models.PositiveIntegerField("CPU 核数")
    gpus = models.PositiveIntegerField("GPU 卡数", default=0)
    memory_gb = models.PositiveIntegerField("内存（GB）")
    storage_tb = models.PositiveIntegerField("存储（TB）", default=0)
    speed = models.DecimalField("相对速度", max_digits=4, decimal_places=2, default=1)
    price_cpu_fen = models.PositiveIntegerField("CPU 单价（分/核·时）")
    price_gpu_fen = models.PositiveIntegerField("GPU 单价（分/卡·时）", default=0)
    price_mem_fen = models.PositiveIntegerField("内存单价（分/GB·时）", default=0)
    window_days = models.CharField("开放日（1=周一）", max_length=7, default="1234567")
    window_start = models.TimeField("每日开放起", null=True, blank=True)
    window_end = models.TimeField("每日开放止", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    dark_since = models.DateTimeField("失联起", null=True, blank=True)
    last_seen_at = models.DateTimeField("最近应答", null=True, blank=True)
    last_capacity = models.JSONField("最近容量", default=dict, blank=True)
    metered_until = models.DateTimeField("计量至", null=True, blank=True)
    sim_state = models.JSONField("模拟调度器状态", default=dict, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "算力资源池"
        verbose_name_plural = verbose_name
        ordering = ["code"]
        constraints = [models.CheckConstraint(check=models.Q(gpus=0) | ~models.Q(gpu_model=""),
                                              name="compute_pool_gpu_model_named")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ComputeJob(HistoryHead):
    STATE_CHOICES = [(workflow.SUBMITTED, "排队中"), (workflow.PLACED, "已调度"), (workflow.RUNNING, "运行中"),
                     (workflow.SUCCEEDED, "已完成"), (workflow.FAILED, "失败"), (workflow.CANCELLED, "已撤销")]

    number = models.CharField("作业编号", max_length=20, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="用户单位", on_delete=models.PROTECT,
                                   related_name="compute_jobs")
    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    name = models.CharField("作业名称", max_length=100)
    script = models.TextField("作业脚本")
    cpus = models.PositiveIntegerField("CPU 核数")
    gpus = models.PositiveIntegerField("GPU 卡数", default=0)
    gpu_model = models.CharField("GPU 型号", max_length=20, blank=True)
    memory_gb = models.PositiveIntegerField("内存（GB）")
    expected_hours = models.DecimalField("预计运行时长（小时）", max_digits=8, decimal_places=2)
    deadline = models.DateTimeField("截止时间", null=True, blank=True)
    budget_fen = models.BigIntegerField("预算（分）", default=0)
    sites = models.JSONField("限定站点", default=list, blank=True)
    data_site = models.CharField("数据所在站点", max_length=50, blank=True)
    state = models.CharField("状态", max_length=10, choices=STATE_CHOICES, default=workflow.SUBMITTED,
                             db_index=True)
    pool = models.ForeignKey(Pool, verbose_name="当前资源池", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    blocked_pools = models.JSONField("已排除资源池", default=list, blank=True)
    move_keys = models.JSONField("已执行动作", default=list, blank=True)
    submitted_at = models.DateTimeField("提交时间")
    started_at = models.DateTimeField("开始运行", null=True, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    estimate_fen = models.BigIntegerField("预估费用（分）", default=0)
    reason = models.CharField("原因", max_length=200, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "算力作业"
        verbose_name_plural = verbose_name
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["enterprise", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def reason_text(self) -> str:
        """The reason as people read it (the broker keeps codes for the reasons it gives)."""
        return REASON_LABELS.get(self.reason, self.reason)


class JobEvent(ChainedEvent):
    job = models.ForeignKey(ComputeJob, on_delete=models.PROTECT, related_name="events")
    move = models.CharField("动作", max_length=10)
    from_state = models.CharField(max_length=10, blank=True)
    to_state = models.CharField(max_length=10)

    chain = Chain(subject="job", key="number", content_key="job",
                  fields={"move": "move", "from": "from_state", "to": "to_state"})

    class Meta:
        ordering = ["job", "seq"]
        constraints = [models.UniqueConstraint(fields=["job", "seq"], name="compute_job_event_seq")]


class Attempt(models.Model):
    STATE_CHOICES = [("placed", "已下发"), ("queued", "资源池排队"), ("running", "运行中"), ("succeeded", "已完成"),
                     ("failed", "作业失败"), ("lost", "资源池丢失"), ("rejected", "资源池拒绝"), ("dark", "资源池失联"),
                     ("cancelled", "已撤销")]
    OPEN_STATES = ("placed", "queued", "running")

    job = models.ForeignKey(ComputeJob, on_delete=models.PROTECT, related_name="attempts")
    seq = models.PositiveSmallIntegerField("次序")
    pool = models.ForeignKey(Pool, verbose_name="资源池", on_delete=models.PROTECT, related_name="attempts")
    name = models.CharField("调度作业名", max_length=40, unique=True)
    scheduler_id = models.CharField("调度系统作业号", max_length=40, blank=True)
    state = models.CharField("状态", max_length=10, choices=STATE_CHOICES, default="placed")
    reason = models.CharField("原因", max_length=200, blank=True)
    placed_at = models.DateTimeField("下发时间")
    submitted_at = models.DateTimeField("提交确认", null=True, blank=True)
    started_at = models.DateTimeField("开始", null=True, blank=True)
    ended_at = models.DateTimeField("结束", null=True, blank=True)
    estimate_fen = models.BigIntegerField("预估费用（分）", default=0)
    runtime_hours = models.FloatField("预计时长（小时）", default=0)
    cancel_requested = models.BooleanField("待撤销", default=False)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        ordering = ["job", "seq"]
        constraints = [models.UniqueConstraint(fields=["job", "seq"], name="compute_attempt_seq")]
        indexes = [models.Index(fields=["pool", "scheduler_id"]), models.Index(fields=["state"])]

    def __str__(self) -> str:
        return self.name


class Usage(models.Model):
    """One attempt's use of a pool, read from the scheduler's accounting and priced at the pool's prices.
    An attempt the pool lost is metered but not billed (``billable``): the provider bears it."""

    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="usage")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="usages")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="compute_usages")
    month = models.DateField("账期（月初）", db_index=True)
    started = models.DateTimeField("开始")
    ended = models.DateTimeField("结束")
    elapsed_seconds = models.PositiveIntegerField("运行秒数")
    cpus = models.PositiveIntegerField("CPU 核数")
    gpus = models.PositiveIntegerField("GPU 卡数")
    memory_gb = models.PositiveIntegerField("内存（GB）")
    cu_hours = models.DecimalField("算力单位·时", max_digits=14, decimal_places=4)
    amount_fen = models.BigIntegerField("金额（分）")
    billable = models.BooleanField("计费", default=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        ordering = ["ended", "pk"]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.amount_fen}"


class VoucherProgram(models.Model):
    name = models.CharField("算力券项目", max_length=100)
    doc_number = models.CharField("政策文号", max_length=60)
    year = models.PositiveSmallIntegerField("年度")
    budget_fen = models.BigIntegerField("预算总额（分）")
    cap_fen = models.BigIntegerField("单户上限（分）")
    valid_until = models.DateField("有效期至")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "算力券项目"
        verbose_name_plural = verbose_name
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.doc_number}）"


class Voucher(HistoryHead):
    program = models.ForeignKey(VoucherProgram, verbose_name="项目", on_delete=models.PROTECT,
                                related_name="vouchers")
    number = models.CharField("券号", max_length=24, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="compute_vouchers")
    amount_fen = models.BigIntegerField("面额（分）")
    spent_fen = models.BigIntegerField("已抵扣（分）", default=0)
    issued_on = models.DateField("发放日期")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "算力券"
        verbose_name_plural = verbose_name
        ordering = ["issued_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "enterprise"], name="compute_voucher_once_per_program"),
            models.CheckConstraint(check=models.Q(spent_fen__gte=0, spent_fen__lte=models.F("amount_fen")),
                                   name="compute_voucher_spent_within_amount"),
        ]


class VoucherEvent(ChainedEvent):
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("动作", max_length=10)
    amount_fen = models.BigIntegerField("金额（分）")

    chain = Chain(subject="voucher", key="number", content_key="voucher",
                  fields={"action": "action", "amount_fen": "amount_fen"})

    class Meta:
        ordering = ["voucher", "seq"]
        constraints = [models.UniqueConstraint(fields=["voucher", "seq"], name="compute_voucher_event_seq")]


class Bill(models.Model):
    number = models.CharField("账单号", max_length=24, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="compute_bills")
    month = models.DateField("账期（月初）")
    usage_fen = models.BigIntegerField("用量金额（分）")
    voucher_fen = models.BigIntegerField("算力券抵扣（分）")
    payable_fen = models.BigIntegerField("应付（分）")
    jobs = models.PositiveIntegerField("作业数")
    issued_at = models.DateTimeField("出账时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "算力账单"
        verbose_name_plural = verbose_name
        ordering = ["-month", "enterprise"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "month"], name="compute_bill_once_a_month")]

    def __str__(self) -> str:
        return self.number


class VoucherRedemption(models.Model):
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="redemptions")
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="redemptions")
    amount_fen = models.BigIntegerField("抵扣金额（分）")

    class Meta:
        ordering = ["bill", "pk"]

    def __str__(self) -> str:
        return f"{self.voucher_id} → {self.bill_id}"


class Settlement(models.Model):
    """What the platform owes a provider for a month: its pools' billable usage, and of it what vouchers (the
    zone's budget) and the enterprises pay."""

    number = models.CharField("结算单号", max_length=24, unique=True)
    provider = models.ForeignKey(Provider, verbose_name="算力提供方", on_delete=models.PROTECT,
                                 related_name="settlements")
    month = models.DateField("账期（月初）")
    gross_fen = models.BigIntegerField("结算金额（分）")
    voucher_fen = models.BigIntegerField("其中算力券（分）")
    enterprise_fen = models.BigIntegerField("其中企业支付（分）")
    unbilled_fen = models.BigIntegerField("资源池故障未计费（分）")
    jobs = models.PositiveIntegerField("作业数")
    issued_at = models.DateTimeField("出具时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "算力结算单"
        verbose_name_plural = verbose_name
        ordering = ["-month", "provider"]
        constraints = [models.UniqueConstraint(fields=["provider", "month"], name="compute_settlement_once_a_month")]

    def __str__(self) -> str:
        return self.number


class BrokerLease(models.Model):
    """One row per broker: who holds the right to tick, until when (ticks never overlap)."""

    name = models.CharField(max_length=20, primary_key=True)
    holder = models.CharField(max_length=150, blank=True)
    until = models.DateTimeField()

    def __str__(self) -> str:
        return self.name

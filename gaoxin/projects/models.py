"""重大项目全生命周期: the registry (projects, contracts), the stage history (hash-chained), milestones, the
monthly investment reports (固定资产投资月报) and the red/yellow/green lights. Money in 万元."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gaoxin.core.audit import Chain, ChainedEvent, HistoryHead
from gaoxin.enterprises.models import Enterprise, IndustrialChain
from gaoxin.land.models import Parcel
from gaoxin.projects import workflow


class Project(HistoryHead):
    class Level(models.TextChoices):
        PROVINCE = "province", "省重点"
        CITY = "city", "市重点"
        DISTRICT = "district", "区重点"

    class Category(models.TextChoices):
        SIGNED = "signed", "签约"
        NEW_START = "new_start", "新开工"
        CONTINUED = "continued", "续建"
        COMPLETED = "completed", "竣工投产"

    code = models.CharField("项目编号", max_length=20, unique=True)
    name = models.CharField("项目名称", max_length=200)
    investor = models.ForeignKey(Enterprise, verbose_name="投资主体", on_delete=models.PROTECT,
                                 related_name="projects")
    chain = models.ForeignKey(IndustrialChain, verbose_name="所属产业链", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="projects")
    year = models.PositiveSmallIntegerField("计划年度", db_index=True)
    total_investment = models.DecimalField("总投资（万元）", max_digits=14, decimal_places=2)
    annual_plan = models.DecimalField("年度计划投资（万元）", max_digits=14, decimal_places=2)
    adjusted_total = models.DecimalField("调整后总投资（万元）", null=True, blank=True, max_digits=14, decimal_places=2)
    adjustment_note = models.CharField("调整说明", max_length=300, blank=True)
    prior_cumulative = models.DecimalField("上年末累计完成投资（万元）", default=0, max_digits=14, decimal_places=2)
    level = models.CharField("项目级别", max_length=10, choices=Level.choices, db_index=True)
    category = models.CharField("项目类别", max_length=10, choices=Category.choices, db_index=True)
    stage = models.CharField("所处阶段", max_length=12, choices=workflow.STAGE_CHOICES,
                             default=workflow.RESERVE, db_index=True)
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    started_on = models.DateField("实际开工日期", null=True, blank=True, db_index=True)
    completed_on = models.DateField("竣工日期", null=True, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    parcels = models.ManyToManyField(Parcel, verbose_name="项目宗地", blank=True, related_name="projects")
    steward = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="项目管家", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="stewarded_projects")
    created_at = models.DateTimeField("登记时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "重大项目"
        verbose_name_plural = "重大项目"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def investment_ceiling(self):  # type: ignore[no-untyped-def]  # Decimal
        return self.adjusted_total if self.adjusted_total is not None else self.total_investment

    @property
    def is_key(self) -> bool:
        return self.level in (self.Level.PROVINCE, self.Level.CITY)


class ProjectEvent(ChainedEvent):
    """One change of a project (registered, a stage move, a contract or its change, a monthly report, an
    adjustment): hash-chained, verified by ``gaoxin audit verify``."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)
    from_stage = models.CharField("原阶段", max_length=12, blank=True)
    to_stage = models.CharField("新阶段", max_length=12, blank=True)

    chain = Chain(subject="project", key="code", content_key="project",
                  fields={"action": "action", "from": "from_stage", "to": "to_stage"})

    class Meta:
        verbose_name = "项目日志"
        verbose_name_plural = "项目日志"
        ordering = ["project_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="project_event_unique_seq")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class Contract(models.Model):
    """签约: the investment agreement of a project (its changes are on the project's history)."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField("合同编号", max_length=40, unique=True)
    signed_on = models.DateField("签约日期", db_index=True)
    amount = models.DecimalField("签约金额（万元）", max_digits=14, decimal_places=2)
    investor = models.ForeignKey(Enterprise, verbose_name="签约企业", on_delete=models.PROTECT,
                                 related_name="project_contracts")
    counterpart = models.CharField("签约方", max_length=100, default="郑州高新区管委会")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "签约合同"
        verbose_name_plural = "签约合同"
        ordering = ["-signed_on", "number"]

    def __str__(self) -> str:
        return self.number


class Milestone(models.Model):
    """A milestone node (里程碑) of a project: the stage it reaches, the planned date and the working-day limit
    (on the Chinese working calendar) after which it is overdue."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="milestones")
    stage = models.CharField("节点", max_length=12, choices=workflow.STAGE_CHOICES)
    planned_on = models.DateField("计划日期")
    limit_working_days = models.PositiveSmallIntegerField("宽限（工作日）", default=0)
    due_on = models.DateField("最迟日期")
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "里程碑"
        verbose_name_plural = "里程碑"
        ordering = ["project_id", "planned_on"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"], name="milestone_one_per_stage")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.planned_on}"


class MonthlyReport(models.Model):
    """固定资产投资月报 of a project for one month; the identities hold on every row (``identities.check``)."""

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    this_month = models.DecimalField("本月完成投资", max_digits=14, decimal_places=2)
    ytd = models.DecimalField("自年初累计完成投资", max_digits=14, decimal_places=2)
    since_start = models.DecimalField("自开始建设累计完成投资", max_digits=14, decimal_places=2)
    building = models.DecimalField("建筑工程", max_digits=14, decimal_places=2)
    installation = models.DecimalField("安装工程", max_digits=14, decimal_places=2)
    equipment = models.DecimalField("设备工器具购置", max_digits=14, decimal_places=2)
    other = models.DecimalField("其他费用", max_digits=14, decimal_places=2)
    progress_note = models.CharField("形象进度", max_length=300, blank=True)
    submitted_at = models.DateTimeField("填报时间")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    is_late = models.BooleanField("逾期填报", default=False)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "投资月报"
        verbose_name_plural = "投资月报"
        ordering = ["project_id", "year", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "year", "month"], name="report_one_per_month")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"


class Light(models.Model):
    """The project's lights (红黄绿灯) for one month, as the rules (``lights.RULES``) computed them; kept."""

    class Color(models.TextChoices):
        GREEN = "green", "绿灯"
        YELLOW = "yellow", "黄灯"
        RED = "red", "红灯"

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.CASCADE, related_name="lights")
    year = models.PositiveSmallIntegerField("年")
    month = models.PositiveSmallIntegerField("月")
    start = models.CharField("开工", max_length=6, choices=Color.choices)
    progress = models.CharField("序时进度", max_length=6, choices=Color.choices)
    report = models.CharField("月报", max_length=6, choices=Color.choices)
    overall = models.CharField("综合", max_length=6, choices=Color.choices, db_index=True)
    facts = models.JSONField("依据", default=dict)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "红黄绿灯"
        verbose_name_plural = "红黄绿灯"
        ordering = ["project_id", "year", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "year", "month"], name="light_one_per_month")]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.get_overall_display()}"


class ProjectProblem(models.Model):
    """A problem of a project (土地, 电力, 手续, 融资 … 要素保障), reported as a case of the case engine (channel
    ``project``) and followed there to resolution; the link is kept here."""

    class Kind(models.TextChoices):
        LAND = "land", "土地"
        POWER = "power", "水电气暖"
        PERMITS = "permits", "审批手续"
        FINANCING = "financing", "融资"
        FACTORS = "factors", "其他要素保障"

    project = models.ForeignKey(Project, verbose_name="项目", on_delete=models.PROTECT, related_name="problems")
    kind = models.CharField("问题类型", max_length=10, choices=Kind.choices)
    description = models.TextField("问题描述")
    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.PROTECT,
                                related_name="project_problem")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反映人", on_delete=models.PROTECT,
                                  related_name="+")
    raised_at = models.DateTimeField("反映时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "项目问题"
        verbose_name_plural = "项目问题"
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id}"

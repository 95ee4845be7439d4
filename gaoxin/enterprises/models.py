"""Enterprise service records: the enterprise registry and its qualifications, 万人助万企 visits,
企业家接待日 sessions, the problems raised at both (each handled as a case), and what the enterprise is told."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from gaoxin.accounts.models import OrgUnit
from gaoxin.enterprises.masking import mask_name, mask_phone
from gaoxin.grids.models import Grid


class Industry(models.Model):
    """A class of 国民经济行业分类 (GB/T 4754): door letter, 2-digit division, 3-digit group or 4-digit class."""

    code = models.CharField("行业代码", max_length=8, unique=True)
    name = models.CharField("行业名称", max_length=100)

    class Meta:
        verbose_name = "国民经济行业分类"
        verbose_name_plural = "国民经济行业分类"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndustrialChain(models.Model):
    """An industrial chain of the zone (智能传感器, 新材料, 光伏新能源 …)."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    class Size(models.TextChoices):
        LARGE = "large", "大型"
        MEDIUM = "medium", "中型"
        SMALL = "small", "小型"
        MICRO = "micro", "微型"

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200)
    address = models.CharField("地址", max_length=300, blank=True)
    lon = models.FloatField("经度", null=True, blank=True)
    lat = models.FloatField("纬度", null=True, blank=True)
    micro_grid = models.ForeignKey(
        Grid, verbose_name="微网格", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grid = models.ForeignKey(Grid, verbose_name="网格", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    street = models.ForeignKey(
        OrgUnit, verbose_name="所属办事处", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    industry = models.ForeignKey(
        Industry, verbose_name="所属行业", null=True, blank=True, on_delete=models.PROTECT, related_name="enterprises"
    )
    chains = models.ManyToManyField(IndustrialChain, verbose_name="所属产业链", blank=True,
                                    related_name="enterprises")
    size = models.CharField("企业规模", max_length=8, choices=Size.choices, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)  # personal data: masked by default
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)  # personal data: masked by default
    is_synthetic = models.BooleanField("模拟数据", default=False)
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = "企业库"
        ordering = ["credit_code"]
        indexes = [models.Index(fields=["name"])]
        constraints = [
            models.CheckConstraint(
                condition=(Q(lon__isnull=True) & Q(lat__isnull=True)) | (Q(lon__isnull=False) & Q(lat__isnull=False)),
                name="enterprise_point_both_or_neither",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_name_masked(self) -> str:
        return mask_name(self.contact_name)

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)


class EnterpriseUser(models.Model):
    """Links a user of role ``enterprise`` to the one enterprise it acts for."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="enterprise_link")
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="user_links")
    created_at = models.DateTimeField("关联时间")

    class Meta:
        verbose_name = "企业用户"
        verbose_name_plural = "企业用户"

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"


class QualificationType(models.Model):
    """A kind of recognition an enterprise can hold (国家科技型中小企业入库, 省级瞪羚, 上市 …); data, not code."""

    class Level(models.TextChoices):
        NATIONAL = "national", "国家级"
        PROVINCIAL = "provincial", "省级"
        CITY = "city", "市级"
        ZONE = "zone", "区级"

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    description = models.TextField("说明", blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "资质类型"
        verbose_name_plural = "资质类型"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


def evidence_upload_to(instance: QualificationAward, filename: str) -> str:
    return f"enterprises/evidence/{instance.year}/{filename}"


class QualificationAward(models.Model):
    """One enterprise holding one qualification in one year (the dated history of its recognitions)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="awards")
    qualification_type = models.ForeignKey(QualificationType, verbose_name="资质类型", on_delete=models.PROTECT,
                                           related_name="awards")
    year = models.PositiveSmallIntegerField("年度")
    awarded_on = models.DateField("认定日期", null=True, blank=True)
    issuing_body = models.CharField("认定机构", max_length=100, blank=True)
    evidence_ref = models.CharField("文号/证明材料", max_length=200, blank=True)
    evidence_file = models.FileField("证明文件", upload_to=evidence_upload_to, blank=True)
    is_new = models.BooleanField("当年新增", default=False)
    is_synthetic = models.BooleanField("模拟数据", default=False)
    created_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "企业资质"
        verbose_name_plural = "企业资质"
        ordering = ["-year", "qualification_type__sort_order", "enterprise__credit_code"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "qualification_type", "year"],
                                    name="award_one_per_enterprise_type_year"),
        ]
        indexes = [models.Index(fields=["qualification_type", "year", "is_new"])]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} {self.qualification_type}"


class AnnualFigures(models.Model):
    """An enterprise's figures of one year (营业收入, 研发费用, 从业人员, 纳税额), as reported by the enterprise or the
    statistics: facts the policies' rules read (a subsidy of a share of last year's R&D spending, a threshold on
    revenue). Amounts in 万元."""

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="annual_figures")
    year = models.PositiveSmallIntegerField("年度")
    revenue = models.DecimalField("营业收入（万元）", max_digits=14, decimal_places=2)
    rd_spending = models.DecimalField("研发费用（万元）", max_digits=14, decimal_places=2)
    employees = models.PositiveIntegerField("从业人员（人）")
    tax_paid = models.DecimalField("纳税额（万元）", max_digits=14, decimal_places=2)
    source = models.CharField("数据来源", max_length=100, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)
    recorded_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "企业年度经营数据"
        verbose_name_plural = verbose_name
        ordering = ["-year", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="annual_figures_one_per_year")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year} 年经营数据"


class Visit(models.Model):
    """A 万人助万企 visit by a service cadre."""

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="visits")
    cadre = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="走访干部", on_delete=models.PROTECT,
                              related_name="enterprise_visits")
    department = models.ForeignKey(OrgUnit, verbose_name="干部所属单位", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField("走访日期", db_index=True)
    participants = models.CharField("参与人员", max_length=300, blank=True)
    notes = models.TextField("走访情况", blank=True)
    revisit_on = models.DateField("计划回访日期", null=True, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)
    created_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "走访记录"
        verbose_name_plural = "万人助万企走访"
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.enterprise}"


class ReceptionSession(models.Model):
    """An 企业家接待日 session: a leader receives entrepreneurs with departments present."""

    held_on = models.DateField("接待日期", db_index=True)
    title = models.CharField("主题", max_length=200, blank=True)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接待领导（用户）", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    leader_name = models.CharField("接待领导", max_length=50)
    location = models.CharField("地点", max_length=200, blank=True)
    departments = models.ManyToManyField(OrgUnit, verbose_name="参加部门", blank=True, related_name="+")
    enterprises = models.ManyToManyField(Enterprise, verbose_name="参加企业", blank=True,
                                         related_name="reception_sessions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)
    created_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "企业家接待日"
        verbose_name_plural = "企业家接待日"
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title or self.leader_name}"


class EnterpriseProblem(models.Model):
    """A problem an enterprise raised at a visit or a reception session. Its handling is the case it became
    (channel ``enterprise_visit`` or ``reception_day``, an enterprise problem category ``EP..``); the problem keeps
    where it came from, for the campaign's metrics. ``department`` is the unit the raiser named as responsible
    (the case's assignee is the unit actually handling it)."""

    class Source(models.TextChoices):
        VISIT = "visit", "万人助万企走访"
        RECEPTION = "reception", "企业家接待日"

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="problems")
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    visit = models.ForeignKey(Visit, verbose_name="走访", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="problems")
    session = models.ForeignKey(ReceptionSession, verbose_name="接待日", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="problems")
    category = models.ForeignKey("cases.Category", verbose_name="问题类型", on_delete=models.PROTECT,
                                 related_name="+", limit_choices_to={"kind": "enterprise"})
    description = models.TextField("问题描述")
    department = models.ForeignKey(OrgUnit, verbose_name="责任部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    raised_on = models.DateField("提出日期", db_index=True)
    case = models.OneToOneField("cases.Case", verbose_name="案件", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="enterprise_problem")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                  related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)
    created_at = models.DateTimeField("录入时间")

    class Meta:
        verbose_name = "企业问题"
        verbose_name_plural = "企业问题"
        ordering = ["-raised_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(source="visit") & Q(visit__isnull=False) & Q(session__isnull=True))
                | (Q(source="reception") & Q(session__isnull=False) & Q(visit__isnull=True)),
                name="problem_source_matches_origin",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise}：{self.description[:30]}"


class EnterpriseNotification(models.Model):
    """What the enterprise is told (the result of one of its problems); visible to its users."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "问题已受理"
        RESULT = "result", "办理结果"

    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.CASCADE,
                                   related_name="notifications")
    problem = models.ForeignKey(EnterpriseProblem, verbose_name="问题", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "企业通知"
        verbose_name_plural = "企业通知"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "kind"], condition=Q(problem__isnull=False),
                                    name="notification_one_per_problem_kind"),
        ]

    def __str__(self) -> str:
        return self.title


class PersonalDataAccess(models.Model):
    """Audit of every reveal of enterprise contacts in clear (a page, an export)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间")
    purpose = models.CharField("用途", max_length=100)
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    record_count = models.PositiveIntegerField("涉及记录数", default=1)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at} {self.actor} {self.purpose}"

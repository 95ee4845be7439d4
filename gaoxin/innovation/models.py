"""Records of innovation and technology transfer (科技创新与成果转化): technology demands of enterprises (技术需求),
achievements of universities, institutes and the zone's new R&D institutions (科技成果), their matches and the
matchmaking events (对接会), technology contracts (技术合同认定登记) and major innovation projects (重大创新专项).

Every record with a workflow keeps a hash-chained history (``core.audit``): ``DemandEvent``, ``AchievementEvent``,
``ContractEvent``, ``ProjectEvent``. Amounts are in 万元 (ten thousand yuan), as the zone's ledgers keep them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gaoxin.core.audit import Chain, ChainedEvent, HistoryHead
from gaoxin.enterprises.models import Enterprise, IndustrialChain, Visit

READINESS_LEVELS = range(1, 10)  # GB/T 22900-2022 技术就绪度 1–9
READINESS_LABELS = {
    1: "发现基本原理或看到基本原理的报道", 2: "形成技术概念或开发方案", 3: "关键功能分析和实验室验证",
    4: "研究室环境中关键部件或功能模块验证", 5: "相关环境中部件或功能模块验证", 6: "相关环境中系统或原型验证",
    7: "实际使用环境中系统原型验证", 8: "系统完成技术试验和验证", 9: "系统通过实际使用验证",
}


class Institution(models.Model):
    """A supplier of achievements: a university, a research institute or a new R&D institution (新型研发机构)."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", "高校"
        INSTITUTE = "institute", "科研院所"
        NEW_RD = "new_rd", "新型研发机构"

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=200, unique=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    chain = models.ForeignKey(IndustrialChain, verbose_name="主攻产业链", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    introduced_on = models.DateField("引进建设日期", null=True, blank=True)  # new R&D institutions only
    partner = models.CharField("共建单位", max_length=200, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "高校院所与研发机构"
        verbose_name_plural = verbose_name
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name


class InstitutionUser(models.Model):
    """A user who acts for an institution (its achievements)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="institution_link")
    institution = models.ForeignKey(Institution, verbose_name="机构", on_delete=models.CASCADE,
                                    related_name="users")

    class Meta:
        verbose_name = "机构用户"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.user} → {self.institution}"


class TechDemand(HistoryHead):
    """An enterprise's technology demand (技术需求), posted by the enterprise or recorded by a cadre on a visit."""

    class Status(models.TextChoices):
        OPEN = "open", "征集中"
        INTENT = "intent", "达成合作意向"
        SOLVED = "solved", "已解决"
        CLOSED = "closed", "已关闭"

    number = models.CharField("编号", max_length=20, unique=True)
    enterprise = models.ForeignKey(Enterprise, verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="tech_demands")
    title = models.CharField("需求名称", max_length=200)
    text = models.TextField("需求描述")
    field = models.ForeignKey(IndustrialChain, verbose_name="技术领域", on_delete=models.PROTECT, related_name="+")
    budget = models.DecimalField("预算（万元）", max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField("期望完成日期", null=True, blank=True)
    required_readiness = models.PositiveSmallIntegerField("要求技术就绪度", null=True, blank=True)
    visit = models.ForeignKey(Visit, verbose_name="走访", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="tech_demands")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.OPEN)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                  related_name="+")
    posted_at = models.DateTimeField("发布时间")
    solved_at = models.DateTimeField("解决时间", null=True, blank=True)
    solved_by = models.ForeignKey(Institution, verbose_name="解决单位", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="solved_demands")
    solution_note = models.CharField("解决情况", max_length=500, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = verbose_name
        ordering = ["-posted_at", "-pk"]
        indexes = [models.Index(fields=["status", "solved_at"])]
        constraints = [models.CheckConstraint(
            condition=models.Q(required_readiness__isnull=True) | models.Q(required_readiness__gte=1,
                                                                         required_readiness__lte=9),
            name="innovation_demand_readiness_1_9")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Achievement(HistoryHead):
    """A technology achievement (科技成果) offered for transfer."""

    class Form(models.TextChoices):
        PATENT = "patent", "专利"
        SOFTWARE = "software", "软件著作权"
        PROCESS = "process", "工艺/技术秘密"
        PRODUCT = "product", "新产品/样机"
        VARIETY = "variety", "新材料/新品种"

    class Transfer(models.TextChoices):
        ASSIGN = "assign", "转让"
        LICENSE = "license", "许可"
        EQUITY = "equity", "作价入股"
        CODEVELOP = "codevelop", "合作开发"

    number = models.CharField("编号", max_length=20, unique=True)
    institution = models.ForeignKey(Institution, verbose_name="完成单位", on_delete=models.PROTECT,
                                    related_name="achievements")
    name = models.CharField("成果名称", max_length=200)
    keywords = models.JSONField("关键词", default=list, blank=True)  # at most 3
    text = models.TextField("成果简介")
    field = models.ForeignKey(IndustrialChain, verbose_name="技术领域", on_delete=models.PROTECT, related_name="+")
    form = models.CharField("成果形式", max_length=10, choices=Form.choices)
    ip_numbers = models.CharField("知识产权编号", max_length=300, blank=True)  # e.g. ZL202210123456.7
    readiness = models.PositiveSmallIntegerField("技术就绪度")
    transfer_method = models.CharField("转化方式", max_length=10, choices=Transfer.choices)
    price = models.DecimalField("意向价格（万元）", max_digits=12, decimal_places=2, null=True, blank=True)
    registered_at = models.DateTimeField("登记时间")
    listed_on = models.DateField("发布成果清单日期", null=True, blank=True)
    transferred_on = models.DateField("转化日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "科技成果"
        verbose_name_plural = verbose_name
        ordering = ["-registered_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(readiness__gte=1, readiness__lte=9),
                                              name="innovation_achievement_readiness_1_9")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class MatchEvent(models.Model):
    """A matchmaking event (产学研对接会)."""

    title = models.CharField("名称", max_length=200)
    held_on = models.DateField("举办日期")
    location = models.CharField("地点", max_length=200, blank=True)
    attendance = models.PositiveIntegerField("参会人数", default=0)
    enterprises = models.ManyToManyField(Enterprise, verbose_name="参会企业", blank=True, related_name="+")
    institutions = models.ManyToManyField(Institution, verbose_name="参会机构", blank=True, related_name="+")
    organizer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="组织人", on_delete=models.PROTECT,
                                  related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "对接会"
        verbose_name_plural = verbose_name
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Match(models.Model):
    """A proposed or recorded pairing of a demand and an achievement, with the terms that matched."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "推荐"
        INTENT = "intent", "合作意向"
        SUCCEEDED = "succeeded", "对接成功"
        DECLINED = "declined", "未达成"

    demand = models.ForeignKey(TechDemand, verbose_name="需求", on_delete=models.PROTECT, related_name="matches")
    achievement = models.ForeignKey(Achievement, verbose_name="成果", on_delete=models.PROTECT,
                                    related_name="matches")
    score = models.FloatField("匹配得分", default=0)
    terms = models.JSONField("命中词", default=list, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    event = models.ForeignKey(MatchEvent, verbose_name="对接会", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="matches")
    proposed_at = models.DateTimeField("推荐时间")
    intent_at = models.DateTimeField("意向时间", null=True, blank=True)
    succeeded_at = models.DateTimeField("成功时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "供需对接"
        verbose_name_plural = verbose_name
        ordering = ["-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["demand", "achievement"], name="innovation_match_unique")]

    def __str__(self) -> str:
        return f"{self.demand.number} ↔ {self.achievement.number}"


class TechContract(HistoryHead):
    """A technology contract submitted for recognition and registration (技术合同认定登记)."""

    class Kind(models.TextChoices):
        DEVELOPMENT = "development", "技术开发"
        TRANSFER = "transfer", "技术转让"
        LICENSE = "license", "技术许可"
        CONSULTING = "consulting", "技术咨询"
        SERVICE = "service", "技术服务"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待认定"
        REGISTERED = "registered", "已登记"
        REFUSED = "refused", "不予登记"

    number = models.CharField("受理编号", max_length=20, unique=True)
    kind = models.CharField("合同类别", max_length=12, choices=Kind.choices)
    title = models.CharField("合同名称", max_length=200)
    seller = models.CharField("卖方（技术供方）", max_length=200)
    seller_enterprise = models.ForeignKey(Enterprise, verbose_name="卖方企业", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="tech_contracts_sold")
    seller_institution = models.ForeignKey(Institution, verbose_name="卖方机构", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="tech_contracts")
    buyer = models.CharField("买方（技术需方）", max_length=200)
    buyer_enterprise = models.ForeignKey(Enterprise, verbose_name="买方企业", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="tech_contracts_bought")
    achievement = models.ForeignKey(Achievement, verbose_name="关联成果", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="contracts")
    amount = models.DecimalField("合同成交额（万元）", max_digits=14, decimal_places=2)
    signed_on = models.DateField("签订日期")
    submitted_at = models.DateTimeField("申请登记时间")
    review_due = models.DateTimeField("认定时限")  # 30 working days after submission (Chinese working calendar)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    classification = models.CharField("技术领域分类", max_length=50, blank=True)
    tech_income = models.DecimalField("技术交易额（万元）", max_digits=14, decimal_places=2, null=True,
                                      blank=True)  # recognised technology income (认定技术性收入)
    certificate_no = models.CharField("登记证明编号", max_length=30, blank=True, null=True, unique=True)
    registered_at = models.DateTimeField("登记时间", null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="认定人", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    refusal_reason = models.CharField("不予登记理由", max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT,
                                     related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "技术合同"
        verbose_name_plural = verbose_name
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "registered_at"])]


class InnovationProject(HistoryHead):
    """A major innovation project (省/市重大创新专项): application, approval, funding, acceptance."""

    class Level(models.TextChoices):
        PROVINCE = "province", "省级"
        CITY = "city", "市级"

    class Status(models.TextChoices):
        APPLIED = "applied", "已申报"
        APPROVED = "approved", "已立项"
        REJECTED = "rejected", "未获批"
        ACCEPTED = "accepted", "已验收"

    number = models.CharField("编号", max_length=20, unique=True)
    title = models.CharField("项目名称", max_length=200)
    enterprise = models.ForeignKey(Enterprise, verbose_name="承担企业", on_delete=models.PROTECT,
                                   related_name="innovation_projects")
    partner = models.ForeignKey(Institution, verbose_name="合作单位", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="projects")
    field = models.ForeignKey(IndustrialChain, verbose_name="技术领域", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.APPLIED)
    applied_on = models.DateField("申报日期")
    approved_on = models.DateField("立项日期", null=True, blank=True)
    funding_requested = models.DecimalField("申请财政资金（万元）", max_digits=12, decimal_places=2)
    funding_granted = models.DecimalField("批复财政资金（万元）", max_digits=12, decimal_places=2, default=0)
    funding_disbursed = models.DecimalField("已拨付（万元）", max_digits=12, decimal_places=2, default=0)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "重大创新专项"
        verbose_name_plural = verbose_name
        ordering = ["-applied_on", "-pk"]


class ProjectMilestone(models.Model):
    project = models.ForeignKey(InnovationProject, verbose_name="项目", on_delete=models.CASCADE,
                                related_name="milestones")
    name = models.CharField("节点", max_length=100)
    due_on = models.DateField("计划日期")
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "项目节点"
        verbose_name_plural = verbose_name
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.name


# What the actions of the histories read as on the pages.
ACTION_LABELS = {
    "post": "发布需求", "intent": "达成合作意向", "solved": "已解决", "closed": "已关闭",
    "match_intent": "登记合作意向", "match_succeeded": "登记对接成功", "match_declined": "登记未达成",
    "register": "登记", "list": "发布成果清单", "transfer": "登记转化", "submit": "申请登记", "refuse": "不予登记",
    "apply": "申报", "approve": "立项", "reject": "未获批", "disburse": "拨付资金", "accept": "验收",
    "milestone": "完成节点",
}


def _event_chain(subject: str) -> Chain:
    return Chain(subject=subject, key="number", content_key=subject, fields={"action": "action"})


class _Labelled:
    action: str

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


class DemandEvent(_Labelled, ChainedEvent):
    demand = models.ForeignKey(TechDemand, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)
    chain = _event_chain("demand")

    class Meta:
        verbose_name = "需求日志"
        verbose_name_plural = verbose_name
        ordering = ["demand_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["demand", "seq"], name="innovation_demand_event_seq")]


class AchievementEvent(_Labelled, ChainedEvent):
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)
    chain = _event_chain("achievement")

    class Meta:
        verbose_name = "成果日志"
        verbose_name_plural = verbose_name
        ordering = ["achievement_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["achievement", "seq"], name="innovation_achievement_event_seq")]


class ContractEvent(_Labelled, ChainedEvent):
    contract = models.ForeignKey(TechContract, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)
    chain = _event_chain("contract")

    class Meta:
        verbose_name = "合同日志"
        verbose_name_plural = verbose_name
        ordering = ["contract_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["contract", "seq"], name="innovation_contract_event_seq")]


class ProjectEvent(_Labelled, ChainedEvent):
    project = models.ForeignKey(InnovationProject, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)
    chain = _event_chain("project")

    class Meta:
        verbose_name = "专项日志"
        verbose_name_plural = verbose_name
        ordering = ["project_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["project", "seq"], name="innovation_project_event_seq")]

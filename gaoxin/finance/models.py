"""Fund managers and their funds (基金管理机构, issue 19): the managers settled in the zone with their registration
at the Asset Management Association of China (中国证券投资基金业协会, 登记编号 P + 7 digits), their funds (size,
stage, currency, vintage) and their dated assets under management (管理规模). Money in fen."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FundManager(models.Model):
    name = models.CharField("机构名称", max_length=200)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    amac_number = models.CharField("基金业协会登记编号", max_length=8, unique=True)  # P1001234
    settled_on = models.DateField("落户日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "基金管理机构"
        verbose_name_plural = verbose_name
        ordering = ["-settled_on", "pk"]

    def __str__(self) -> str:
        return self.name


class Fund(models.Model):
    class Stage(models.TextChoices):
        ANGEL = "angel", "天使投资"
        VENTURE = "venture", "创业投资"
        GROWTH = "growth", "成长期投资"
        BUYOUT = "buyout", "并购投资"
        FUND_OF_FUNDS = "fof", "母基金"

    class Currency(models.TextChoices):
        CNY = "CNY", "人民币"
        USD = "USD", "美元"

    manager = models.ForeignKey(FundManager, verbose_name="管理机构", on_delete=models.PROTECT, related_name="funds")
    name = models.CharField("基金名称", max_length=200)
    size_fen = models.BigIntegerField("认缴规模（分，按人民币计）")
    stage = models.CharField("投资阶段", max_length=8, choices=Stage.choices)
    currency = models.CharField("币种", max_length=3, choices=Currency.choices, default=Currency.CNY)
    vintage = models.PositiveSmallIntegerField("设立年份")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "基金"
        verbose_name_plural = verbose_name
        ordering = ["manager_id", "-vintage", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["manager", "name"], name="finance_fund_name"),
            models.CheckConstraint(condition=models.Q(size_fen__gt=0), name="finance_fund_size_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class AumRecord(models.Model):
    """A manager's assets under management (管理规模) as of a date: the figure holds until the next record."""

    manager = models.ForeignKey(FundManager, verbose_name="管理机构", on_delete=models.PROTECT,
                                related_name="aum_records")
    as_of = models.DateField("截至日期")
    amount_fen = models.BigIntegerField("管理规模（分）")
    source = models.CharField("来源", max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "管理规模"
        verbose_name_plural = verbose_name
        ordering = ["manager_id", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["manager", "as_of"], name="finance_aum_date"),
            models.CheckConstraint(condition=models.Q(amount_fen__gte=0), name="finance_aum_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.manager.name} {self.as_of}"


class GuidanceFund(models.Model):
    """A government guidance fund (政府引导基金): a parent fund (母基金) or one of its sub-funds (子基金). Its size is
    the sum of its commitments; its 返投 obligation is ``reinvest_pct`` of that size, to be invested in the zone."""

    name = models.CharField("基金名称", max_length=200, unique=True)
    parent = models.ForeignKey("self", verbose_name="母基金", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="sub_funds")
    manager = models.ForeignKey(FundManager, verbose_name="管理机构", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="guidance_funds")
    established_on = models.DateField("设立日期")
    term_years = models.PositiveSmallIntegerField("存续期（年）")
    reinvest_pct = models.DecimalField("返投比例（%，占基金规模）", max_digits=5, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "政府引导基金"
        verbose_name_plural = verbose_name
        ordering = ["-established_on", "pk"]

    def __str__(self) -> str:
        return self.name


class Commitment(models.Model):
    """A contributor's subscribed capital (认缴出资) in a guidance fund, by source; paid in over time."""

    class Source(models.TextChoices):
        ZONE = "zone", "高新区财政"
        CITY = "city", "市级财政"
        PROVINCE = "province", "省级财政"
        PARENT = "parent", "母基金"
        SOCIAL = "social", "社会资本"

    fund = models.ForeignKey(GuidanceFund, verbose_name="基金", on_delete=models.PROTECT, related_name="commitments")
    source = models.CharField("出资来源", max_length=8, choices=Source.choices)
    investor = models.CharField("出资人", max_length=200)
    committed_fen = models.BigIntegerField("认缴金额（分）")
    committed_on = models.DateField("认缴日期")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "认缴出资"
        verbose_name_plural = verbose_name
        ordering = ["fund_id", "source", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "investor"], name="finance_commitment_investor"),
            models.CheckConstraint(condition=models.Q(committed_fen__gt=0), name="finance_commitment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fund.name} · {self.investor}"


class PaidIn(models.Model):
    """A payment of committed capital (实缴出资): never more, in total, than the commitment."""

    commitment = models.ForeignKey(Commitment, verbose_name="认缴出资", on_delete=models.PROTECT,
                                   related_name="payments")
    paid_on = models.DateField("实缴日期")
    amount_fen = models.BigIntegerField("实缴金额（分）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "实缴出资"
        verbose_name_plural = verbose_name
        ordering = ["commitment_id", "paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="finance_paidin_positive")]

    def __str__(self) -> str:
        return f"{self.commitment} {self.paid_on}"


class Investment(models.Model):
    """A guidance fund's investment in a project or enterprise; those in the zone count towards its 返投."""

    class Round(models.TextChoices):
        SEED = "seed", "种子轮"
        ANGEL = "angel", "天使轮"
        A = "a", "A 轮"
        B = "b", "B 轮"
        C = "c", "C 轮及以后"
        PRE_IPO = "pre_ipo", "Pre-IPO 轮"
        BUYOUT = "buyout", "并购"

    fund = models.ForeignKey(GuidanceFund, verbose_name="基金", on_delete=models.PROTECT, related_name="investments")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="区内企业", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="guidance_investments")
    target = models.CharField("投资项目或企业", max_length=200)
    in_zone = models.BooleanField("区内（计入返投）")
    round = models.CharField("轮次", max_length=8, choices=Round.choices)
    amount_fen = models.BigIntegerField("投资金额（分）")
    invested_on = models.DateField("投资日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "引导基金投资"
        verbose_name_plural = verbose_name
        ordering = ["-invested_on", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0),
                                              name="finance_investment_positive")]

    def __str__(self) -> str:
        return f"{self.fund.name} → {self.target}"


class Exit(models.Model):
    """An exit (退出) from an investment, whole or partial: the cost it returns and the proceeds it brought."""

    class Kind(models.TextChoices):
        IPO = "ipo", "上市退出"
        TRANSFER = "transfer", "股权转让"
        BUYBACK = "buyback", "回购"
        LIQUIDATION = "liquidation", "清算"

    investment = models.ForeignKey(Investment, verbose_name="投资", on_delete=models.PROTECT, related_name="exits")
    kind = models.CharField("退出方式", max_length=12, choices=Kind.choices)
    exited_on = models.DateField("退出日期")
    cost_fen = models.BigIntegerField("退出本金（分）")
    proceeds_fen = models.BigIntegerField("退出所得（分）")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "投资退出"
        verbose_name_plural = verbose_name
        ordering = ["investment_id", "exited_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cost_fen__gt=0), name="finance_exit_cost_positive"),
            models.CheckConstraint(condition=models.Q(proceeds_fen__gte=0), name="finance_exit_proceeds"),
        ]

    def __str__(self) -> str:
        return f"{self.investment} {self.exited_on}"


class StartupLoan(models.Model):
    """A startup guarantee loan (创业担保贷款): applied for by an individual starting a business or by a small
    business, guaranteed (or refused) by the zone, granted by a bank with the treasury's interest subsidy (贴息), and
    followed until repaid. The applicant's name, ID number and phone are personal data, masked on every page but
    the finance officers'."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "个人创业"
        BUSINESS = "business", "小微企业"

    class Status(models.TextChoices):
        APPLIED = "applied", "已受理"
        GUARANTEED = "guaranteed", "已担保待放款"
        REFUSED = "refused", "不予担保"
        GRANTED = "granted", "还款中"
        OVERDUE = "overdue", "逾期"
        REPAID = "repaid", "已结清"
        COMPENSATED = "compensated", "已代偿"

    number = models.CharField("申请编号", max_length=14, unique=True)  # CD2023000001
    kind = models.CharField("申请类型", max_length=10, choices=Kind.choices)
    applicant_name = models.CharField("申请人", max_length=100)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20)
    project = models.CharField("创业项目", max_length=200)
    requested_fen = models.BigIntegerField("申请金额（分）")
    applied_on = models.DateField("申请日期")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.APPLIED)
    decided_on = models.DateField("担保决定日期", null=True, blank=True)
    refusal_reason = models.CharField("不予担保理由", max_length=300, blank=True)
    bank = models.CharField("经办银行", max_length=100, blank=True)
    granted_fen = models.BigIntegerField("放款金额（分）", null=True, blank=True)
    granted_on = models.DateField("放款日期", null=True, blank=True)
    term_months = models.PositiveSmallIntegerField("贷款期限（月）", null=True, blank=True)
    rate_pct = models.DecimalField("年利率（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    subsidy_fen = models.BigIntegerField("财政贴息（分）", null=True, blank=True)
    jobs_created = models.PositiveIntegerField("带动就业人数", null=True, blank=True)
    closed_on = models.DateField("结清或代偿日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "创业担保贷款"
        verbose_name_plural = verbose_name
        ordering = ["-applied_on", "-pk"]
        indexes = [models.Index(fields=["granted_on"], name="finance_loan_granted")]
        constraints = [
            models.CheckConstraint(condition=models.Q(requested_fen__gt=0), name="finance_loan_requested_positive"),
            models.CheckConstraint(condition=models.Q(granted_fen__isnull=True) | models.Q(granted_fen__gt=0),
                                   name="finance_loan_granted_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class CapitalEvent(models.Model):
    """A capital event (资本力量1+6 and the like): a roadshow or matchmaking session where the zone's enterprises
    meet investors and banks; the financing closed afterwards by an attending enterprise may be attributed to it."""

    class Kind(models.TextChoices):
        ROADSHOW = "roadshow", "项目路演"
        MATCHMAKING = "matchmaking", "投融资对接会"
        BANK = "bank", "银企对接会"

    title = models.CharField("活动名称", max_length=200)
    series = models.CharField("活动品牌", max_length=50, blank=True)  # 资本力量1+6
    kind = models.CharField("活动类型", max_length=12, choices=Kind.choices)
    held_on = models.DateField("举办日期")
    location = models.CharField("地点", max_length=200)
    enterprises = models.ManyToManyField("enterprises.Enterprise", verbose_name="参会企业", blank=True,
                                         related_name="capital_events")
    investors = models.TextField("参会投资机构和银行（每行一家）", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "资本活动"
        verbose_name_plural = verbose_name
        ordering = ["-held_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["title", "held_on"], name="finance_event_title_day")]

    def __str__(self) -> str:
        return self.title

    def investor_names(self) -> list[str]:
        return [line.strip() for line in self.investors.splitlines() if line.strip()]


class FinancingDeal(models.Model):
    """Financing an enterprise of the zone obtained (融资): equity from an investor or a loan from a bank, dated at
    its close, attributed to the capital event it came from when there is one."""

    class Kind(models.TextChoices):
        EQUITY = "equity", "股权融资"
        DEBT = "debt", "债权融资"

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="financing_deals")
    kind = models.CharField("融资类型", max_length=8, choices=Kind.choices)
    investor = models.CharField("投资机构或银行", max_length=200)
    amount_fen = models.BigIntegerField("融资金额（分）")
    closed_on = models.DateField("到位日期")
    event = models.ForeignKey(CapitalEvent, verbose_name="对接活动", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="deals")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "企业融资"
        verbose_name_plural = verbose_name
        ordering = ["-closed_on", "-pk"]
        indexes = [models.Index(fields=["closed_on"], name="finance_deal_closed")]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="finance_deal_positive")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} · {self.investor}"

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


# Financing matchmaking (郑好融-style: 需求收集 → 匹配对接 → 跟踪回访) -----------------------------------------------

class Certification(models.Model):
    """An enterprise certified (认证) on the financing platform, as a dated state: from ``certified_on`` until
    ``revoked_on`` (open while None). Only a certified enterprise posts financing demands."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="finance_certifications")
    certified_on = models.DateField("认证日期")
    revoked_on = models.DateField("撤销日期", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "平台认证"
        verbose_name_plural = verbose_name
        ordering = ["-certified_on", "-pk"]
        indexes = [models.Index(fields=["certified_on"], name="finance_cert_day")]
        constraints = [models.UniqueConstraint(fields=["enterprise"], condition=models.Q(revoked_on__isnull=True),
                                               name="finance_one_open_certification")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.certified_on}"


class Bank(models.Model):
    name = models.CharField("银行", max_length=100, unique=True)
    staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="客户经理", blank=True,
                                   related_name="finance_banks")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "合作银行"
        verbose_name_plural = verbose_name
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LoanProduct(models.Model):
    """A bank's credit product on the platform: its ranges, and eligibility rules over the registry's facts
    (``finance.matching``): {"sizes": [...], "chains_any": [...], "qualifications_any": [...], "min_employees": n,
    "min_revenue_wan": x}, every key optional."""

    bank = models.ForeignKey(Bank, verbose_name="银行", on_delete=models.PROTECT, related_name="products")
    name = models.CharField("产品名称", max_length=100)
    rate_min_pct = models.DecimalField("年利率下限（%）", max_digits=5, decimal_places=2)
    rate_max_pct = models.DecimalField("年利率上限（%）", max_digits=5, decimal_places=2)
    amount_min_fen = models.BigIntegerField("额度下限（分）")
    amount_max_fen = models.BigIntegerField("额度上限（分）")
    term_max_months = models.PositiveSmallIntegerField("最长期限（月）")
    needs_collateral = models.BooleanField("需要抵质押或担保")
    rules = models.JSONField("准入条件", default=dict, blank=True)
    is_active = models.BooleanField("在售", default=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "信贷产品"
        verbose_name_plural = verbose_name
        ordering = ["bank_id", "name"]
        constraints = [models.UniqueConstraint(fields=["bank", "name"], name="finance_product_name")]

    def __str__(self) -> str:
        return f"{self.bank.name} · {self.name}"


class FinancingDemand(models.Model):
    """An enterprise's financing demand (融资需求), followed to an outcome: a loan granted, declined, or withdrawn."""

    class Collateral(models.TextChoices):
        NONE = "none", "无（信用）"
        PROPERTY = "property", "房产土地抵押"
        EQUIPMENT = "equipment", "设备抵押"
        IP = "ip", "知识产权质押"
        RECEIVABLES = "receivables", "应收账款质押"
        GUARANTEE = "guarantee", "担保公司担保"

    class Status(models.TextChoices):
        OPEN = "open", "待匹配"
        MATCHED = "matched", "对接中"
        GRANTED = "granted", "已放款"
        DECLINED = "declined", "未获贷款"
        WITHDRAWN = "withdrawn", "已撤回"

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="financing_demands")
    amount_fen = models.BigIntegerField("需求金额（分）")
    term_months = models.PositiveSmallIntegerField("期限（月）")
    purpose = models.CharField("用途", max_length=200)
    collateral = models.CharField("担保方式", max_length=12, choices=Collateral.choices)
    consent_at = models.DateTimeField("征信授权时间")
    posted_at = models.DateTimeField("发布时间")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", on_delete=models.PROTECT,
                                  related_name="+")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    granted_fen = models.BigIntegerField("放款金额（分）", null=True, blank=True)
    granted_on = models.DateField("放款日期", null=True, blank=True)
    granted_product = models.ForeignKey(LoanProduct, verbose_name="放款产品", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    outcome_note = models.CharField("结果说明", max_length=300, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "融资需求"
        verbose_name_plural = verbose_name
        ordering = ["-posted_at", "-pk"]
        indexes = [models.Index(fields=["granted_on"], name="finance_demand_granted")]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="finance_demand_positive")]

    def __str__(self) -> str:
        return f"{self.enterprise.name} {self.posted_at:%Y-%m-%d}"


class Proposal(models.Model):
    """A product the matching step proposed for a demand, with its reasons; the bank answers by ``due_at``
    (``ANSWER_WORKING_DAYS`` working days)."""

    class Answer(models.TextChoices):
        PENDING = "", "待答复"
        INTERESTED = "interested", "有意向，已对接"
        DECLINED = "declined", "不予受理"

    demand = models.ForeignKey(FinancingDemand, verbose_name="融资需求", on_delete=models.CASCADE,
                               related_name="proposals")
    product = models.ForeignKey(LoanProduct, verbose_name="产品", on_delete=models.PROTECT, related_name="proposals")
    reasons = models.JSONField("匹配理由", default=list)
    proposed_at = models.DateTimeField("推送时间")
    due_at = models.DateTimeField("答复时限")
    answer = models.CharField("答复", max_length=10, choices=Answer.choices, blank=True, default="")
    answer_note = models.CharField("答复说明", max_length=300, blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "对接推送"
        verbose_name_plural = verbose_name
        ordering = ["demand_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["demand", "product"], name="finance_proposal_once")]

    def __str__(self) -> str:
        return f"{self.demand} → {self.product}"


class FollowUp(models.Model):
    """A follow-up visit (跟踪回访) on a demand that reached its outcome."""

    demand = models.ForeignKey(FinancingDemand, verbose_name="融资需求", on_delete=models.CASCADE,
                               related_name="follow_ups")
    visited_on = models.DateField("回访日期")
    satisfied = models.BooleanField("企业满意")
    note = models.CharField("回访记录", max_length=500)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回访人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "跟踪回访"
        verbose_name_plural = verbose_name
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.demand} {self.visited_on}"


# The SME growth index (中原中小企业成长指数) ------------------------------------------------------------------

class IndexRun(models.Model):
    """One computation of the index for a year: the method's version and the digests of its configuration and of
    the raw data it read, so the same run can be reproduced bit for bit; what was imputed and how outliers were
    treated; the sensitivity analysis's scenarios."""

    year = models.PositiveSmallIntegerField("年度")
    version = models.CharField("方法版本", max_length=20)
    config_digest = models.CharField("配置摘要（SHA-256）", max_length=64)
    input_digest = models.CharField("数据摘要（SHA-256）", max_length=64)
    enterprises = models.PositiveIntegerField("参评企业数")
    imputed = models.JSONField("插补数", default=dict)
    treatment = models.JSONField("异常值处理", default=dict)
    scenarios = models.JSONField("敏感性分析", default=list)
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="计算人", on_delete=models.PROTECT,
                                    related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "成长指数计算"
        verbose_name_plural = verbose_name
        ordering = ["-year", "-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.version}"


class IndexScore(models.Model):
    run = models.ForeignKey(IndexRun, verbose_name="计算", on_delete=models.CASCADE, related_name="scores")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name="企业", on_delete=models.PROTECT,
                                   related_name="growth_index_scores")
    score = models.FloatField("指数")
    rank = models.PositiveIntegerField("排名")
    pillars = models.JSONField("分项得分")
    indicators = models.JSONField("指标值（插补和异常值处理后）")
    rank_median = models.FloatField("排名中位数（敏感性）", null=True)
    rank_p05 = models.FloatField("排名 5% 分位", null=True)
    rank_p95 = models.FloatField("排名 95% 分位", null=True)

    class Meta:
        verbose_name = "成长指数得分"
        verbose_name_plural = verbose_name
        ordering = ["run_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["run", "enterprise"], name="finance_index_score_once")]

    def __str__(self) -> str:
        return f"{self.run} {self.enterprise_id} {self.score:.2f}"

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

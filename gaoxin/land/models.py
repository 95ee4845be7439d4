"""一码管地: parcels (宗地) with their GB/T 37346 unit codes and polygons, their supply (出让) with the 标准地 control
indicators, and the four permits (四证). Money in 万元, areas in m² (亩 derived: 1 亩 = 10000/15 m²)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from gaoxin.core.audit import Chain, ChainedEvent, HistoryHead
from gaoxin.enterprises.models import Enterprise

M2_PER_MU = Decimal(10000) / Decimal(15)


class Parcel(HistoryHead):
    class UseClass(models.TextChoices):
        INDUSTRIAL = "industrial", "工业用地"
        COMMERCIAL = "commercial", "商业服务业用地"
        RESIDENTIAL = "residential", "住宅用地"
        PUBLIC = "public", "公共管理与公共服务用地"
        LOGISTICS = "logistics", "物流仓储用地"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        ACTIVE = "active", "现状"
        RETIRED = "retired", "已分割/合并注销"

    unit_code = models.CharField("不动产单元代码", max_length=28, unique=True)
    parcel_code = models.CharField("宗地代码", max_length=19, unique=True)
    name = models.CharField("宗地名称", max_length=200)
    use_class = models.CharField("用途", max_length=16, choices=UseClass.choices)
    area_m2 = models.DecimalField("面积（平方米）", max_digits=14, decimal_places=2)
    geometry = models.JSONField("宗地界址 (GeoJSON)")
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    centroid_lon = models.FloatField("中心经度")
    centroid_lat = models.FloatField("中心纬度")
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    parents = models.ManyToManyField("self", verbose_name="来源宗地（分割/合并）", symmetrical=False, blank=True,
                                     related_name="children")
    created_at = models.DateTimeField("登记时间")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "宗地"
        verbose_name_plural = "宗地"
        ordering = ["parcel_code"]
        indexes = [models.Index(fields=["min_lon", "min_lat"], name="parcel_bbox_idx")]

    def __str__(self) -> str:
        return f"{self.parcel_code} {self.name}"

    @property
    def area_mu(self) -> Decimal:
        return (self.area_m2 / M2_PER_MU).quantize(Decimal("0.01"))


class ParcelEvent(ChainedEvent):
    """One change of a parcel (registered, supplied, permit issued, split, merged): hash-chained."""

    parcel = models.ForeignKey(Parcel, verbose_name="宗地", on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)

    chain = Chain(subject="parcel", key="parcel_code", content_key="parcel", fields={"action": "action"})

    class Meta:
        verbose_name = "宗地日志"
        verbose_name_plural = "宗地日志"
        ordering = ["parcel_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["parcel", "seq"], name="parcel_event_unique_seq")]


class LandSupply(models.Model):
    """出让: the land contract of a parcel, with the 标准地 control indicators written into the 投入产出监管协议."""

    class Method(models.TextChoices):
        AUCTION = "auction", "招拍挂"
        AGREEMENT = "agreement", "协议出让"

    parcel = models.OneToOneField(Parcel, verbose_name="宗地", on_delete=models.PROTECT, related_name="supply")
    contract_no = models.CharField("出让合同编号", max_length=40, unique=True)
    contract_date = models.DateField("合同签订日期", db_index=True)
    method = models.CharField("出让方式", max_length=10, choices=Method.choices)
    land_user = models.ForeignKey(Enterprise, verbose_name="受让企业", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="land_supplies")
    price = models.DecimalField("出让价款（万元）", max_digits=14, decimal_places=2)
    is_custom = models.BooleanField("工业定制地", default=False)
    is_standard = models.BooleanField("标准地", default=False)
    # 标准地 control indicators (投入产出监管协议): required when is_standard.
    floor_area_ratio = models.DecimalField("容积率", max_digits=5, decimal_places=2, null=True, blank=True)
    investment_intensity = models.DecimalField("投资强度（万元/亩）", max_digits=10, decimal_places=2, null=True,
                                               blank=True)
    output_per_mu = models.DecimalField("亩均产出（万元/亩）", max_digits=10, decimal_places=2, null=True,
                                        blank=True)
    tax_per_mu = models.DecimalField("亩均税收（万元/亩）", max_digits=10, decimal_places=2, null=True, blank=True)
    # Written by ``permit_issue`` when the fourth permit is issued: its date and the calendar days from the land
    # contract to it, counted inclusively (1 = 一天发四证: the contract and all four permits the same day).
    four_permits_on = models.DateField("四证齐全日期", null=True, blank=True)
    four_permit_days = models.PositiveIntegerField("拿地到四证齐全用时（天，含当日）", null=True, blank=True)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "土地出让"
        verbose_name_plural = "土地出让"
        ordering = ["-contract_date", "contract_no"]

    def __str__(self) -> str:
        return self.contract_no


class Permit(models.Model):
    """One of the four permits (四证) of a parcel."""

    class Kind(models.TextChoices):
        PROPERTY = "property", "不动产权证书"
        LAND_PLANNING = "land_planning", "建设用地规划许可证"
        WORKS_PLANNING = "works_planning", "建设工程规划许可证"
        CONSTRUCTION = "construction", "建筑工程施工许可证"

    parcel = models.ForeignKey(Parcel, verbose_name="宗地", on_delete=models.PROTECT, related_name="permits")
    kind = models.CharField("证照", max_length=16, choices=Kind.choices)
    number = models.CharField("证号", max_length=60, unique=True)
    issued_on = models.DateField("发证日期")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "四证"
        verbose_name_plural = "四证"
        ordering = ["parcel_id", "issued_on", "kind"]
        constraints = [models.UniqueConstraint(fields=["parcel", "kind"], name="permit_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class AgreementCheck(models.Model):
    """A check of a 标准地's 投入产出监管协议 at completion (竣工) or in a later year (达产后年度): the actual values
    against the control indicators of the supply, each indicator met or not."""

    class Occasion(models.TextChoices):
        COMPLETION = "completion", "竣工验收"
        ANNUAL = "annual", "年度复核"

    supply = models.ForeignKey(LandSupply, verbose_name="土地出让", on_delete=models.PROTECT, related_name="checks")
    occasion = models.CharField("核验时点", max_length=10, choices=Occasion.choices)
    year = models.PositiveSmallIntegerField("年度")
    floor_area_ratio = models.DecimalField("实际容积率", max_digits=5, decimal_places=2)
    investment_intensity = models.DecimalField("实际投资强度（万元/亩）", max_digits=10, decimal_places=2)
    output_per_mu = models.DecimalField("实际亩均产出（万元/亩）", max_digits=10, decimal_places=2)
    tax_per_mu = models.DecimalField("实际亩均税收（万元/亩）", max_digits=10, decimal_places=2)
    shortfalls = models.JSONField("未达标指标", default=list)
    passed = models.BooleanField("达标")
    checked_at = models.DateTimeField("核验时间")
    checked_by = models.ForeignKey("accounts.User", verbose_name="核验人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "监管协议核验"
        verbose_name_plural = "监管协议核验"
        ordering = ["supply_id", "year"]
        constraints = [models.UniqueConstraint(fields=["supply", "occasion", "year"], name="agreement_check_once")]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.year}"

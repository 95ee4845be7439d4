from __future__ import annotations

from django.conf import settings
from django.db import models

from gaoxin.accounts.models import OrgUnit


class Grid(models.Model):
    """One polygon of the grid layer: the zone boundary, a grid (网格) or a micro-grid (微网格).

    Codes are hierarchical: a child's code starts with its parent's code. Geometry is GeoJSON
    (Polygon or MultiPolygon, WGS 84 lon/lat); the bounding box, centroid and area are derived on write
    so that lists and the locator never parse geometry they do not need.
    """

    class Level(models.TextChoices):
        ZONE = "zone", "辖区"
        GRID = "grid", "网格"
        MICRO = "micro", "微网格"

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=8, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级网格", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    street = models.ForeignKey(
        OrgUnit,
        verbose_name="所属办事处",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"kind": OrgUnit.Kind.STREET_OFFICE},
    )
    geometry = models.JSONField("边界 (GeoJSON)")
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    centroid_lon = models.FloatField()
    centroid_lat = models.FloatField()
    area_m2 = models.FloatField("面积 (平方米)")
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="网格员", blank=True, related_name="grids"
    )
    is_synthetic = models.BooleanField("模拟数据", default=False)
    # Validity: a grid counts for a period when it was valid at the period's end. Empty ``valid_from``: part of
    # the layer as first loaded (no start recorded); empty ``valid_to``: still valid.
    valid_from = models.DateField("生效日期", null=True, blank=True)
    valid_to = models.DateField("撤销日期", null=True, blank=True)  # the first day it is no longer valid

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="zone") | models.Q(parent__isnull=False), name="grid_parent_unless_zone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BaseMapFeature(models.Model):
    """A feature of the app's own base map (底图): a street office's boundary, a named road or a landmark. Drawn
    under the grids when no tile service (``GAOXIN_TILE_URL``) is configured."""

    class Kind(models.TextChoices):
        STREET = "street", "街道边界"
        ROAD = "road", "道路"
        LANDMARK = "landmark", "地标"

    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=100)
    geometry = models.JSONField("几何 (GeoJSON)")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "底图要素"
        verbose_name_plural = "底图要素"
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"

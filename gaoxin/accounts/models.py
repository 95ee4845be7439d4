from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from gaoxin.accounts.roles import Role


class OrgUnit(models.Model):
    """A unit of the zone administration. The tree is kept as a materialised path of codes so that
    "this unit and everything under it" is one indexed prefix query on every database."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", "管委会"
        DEPARTMENT = "department", "职能部门"
        STREET_OFFICE = "street_office", "办事处"
        COMMUNITY = "community", "社区"
        ZONE_CENTER = "zone_center", "区级城运中心"
        STREET_CENTER = "street_center", "街道城运中心"

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=400, db_index=True, editable=False)
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The path is derived from the parent chain; moving a unit moves its whole subtree.
        old_path = self.path
        self.path = f"{self.parent.path if self.parent else '/'}{self.code}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            for unit in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                unit.path = self.path + unit.path[len(old_path) :]
                unit.save(update_fields=["path"])

    def contains(self, other: OrgUnit) -> bool:
        return other.path.startswith(self.path)


class User(AbstractUser):
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.CITIZEN)
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name="所属机构", null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    extra_scope = models.ManyToManyField(
        OrgUnit, verbose_name="附加管辖机构", blank=True, related_name="scoped_users"
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)  # personal data: masked outside the owner
    is_synthetic = models.BooleanField("模拟数据", default=False)
    failed_login_count = models.PositiveSmallIntegerField("连续登录失败次数", default=0, editable=False)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username

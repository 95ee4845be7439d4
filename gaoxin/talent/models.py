"""Talent programs and applications (人才): programs as data (重点产业急需紧缺人才, 创新创业团队, 青年人才招引 …),
applications by enterprises for people and teams, reviewed and approved within working-day limits. The
applicant's ID number and phone are personal data: masked on every page, shown only through an audited reveal."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from gaoxin.core.audit import Chain, ChainedEvent, HistoryHead
from gaoxin.enterprises.models import Enterprise


class TalentProgram(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "个人"
        TEAM = "team", "团队"
        YOUTH = "youth", "青年人才"

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    issuer = models.CharField("认定机关", max_length=100, blank=True)
    review_days = models.PositiveSmallIntegerField("初审时限（工作日）", default=10)
    approve_days = models.PositiveSmallIntegerField("审批时限（工作日）", default=15)
    subsidy = models.DecimalField("资助标准（万元）", max_digits=10, decimal_places=2, default=0)
    active = models.BooleanField("受理中", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "人才计划"
        verbose_name_plural = verbose_name
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class TalentApplication(HistoryHead):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待初审"
        REVIEWED = "reviewed", "待审批"
        APPROVED = "approved", "已认定"
        REJECTED = "rejected", "未通过"

    number = models.CharField("编号", max_length=20, unique=True)
    program = models.ForeignKey(TalentProgram, verbose_name="人才计划", on_delete=models.PROTECT,
                                related_name="applications")
    enterprise = models.ForeignKey(Enterprise, verbose_name="用人单位", on_delete=models.PROTECT,
                                   related_name="talent_applications")
    person_name = models.CharField("姓名/团队带头人", max_length=50)  # personal data
    id_number = models.CharField("身份证号", max_length=18, blank=True)  # personal data
    phone = models.CharField("联系电话", max_length=20, blank=True)  # personal data
    team_name = models.CharField("团队名称", max_length=200, blank=True)
    team_size = models.PositiveSmallIntegerField("团队人数", default=1)
    degree = models.CharField("学历", max_length=20, blank=True)
    position = models.CharField("岗位/研究方向", max_length=200, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_at = models.DateTimeField("申报时间")
    review_due = models.DateTimeField("初审时限")
    reviewed_at = models.DateTimeField("初审时间", null=True, blank=True)
    approve_due = models.DateTimeField("审批时限", null=True, blank=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    subsidy = models.DecimalField("资助金额（万元）", max_digits=10, decimal_places=2, default=0)
    decision_note = models.CharField("意见", max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申报人", on_delete=models.PROTECT,
                                     related_name="+")
    is_synthetic = models.BooleanField("模拟数据", default=False)

    class Meta:
        verbose_name = "人才申报"
        verbose_name_plural = verbose_name
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["status", "decided_at"])]

    def __str__(self) -> str:
        return self.number


class ApplicationEvent(ChainedEvent):
    application = models.ForeignKey(TalentApplication, on_delete=models.PROTECT, related_name="events")
    action = models.CharField("操作", max_length=20)

    chain = Chain(subject="application", key="number", content_key="application", fields={"action": "action"})

    LABELS: ClassVar[dict[str, str]] = {
        "submit": "提交申报", "review_pass": "初审通过", "review_fail": "初审不通过", "approve": "认定",
        "reject": "不予认定", "reveal": "查看完整个人信息"}

    @property
    def label(self) -> str:
        return self.LABELS.get(self.action, self.action)

    class Meta:
        verbose_name = "人才申报日志"
        verbose_name_plural = verbose_name
        ordering = ["application_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["application", "seq"], name="talent_application_event_seq")]

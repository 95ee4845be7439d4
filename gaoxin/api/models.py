"""API tokens, idempotency records and the Open311 side of a case.

- ``ApiToken``: a per-user bearer token. Only the SHA-256 digest of the token is stored (tokens are 256-bit
  random strings, so a fast hash is enough); the clear token is shown once, at creation. Revoked tokens stay
  for the record.
- ``IdempotencyRecord``: the first response to a creating call, per (client, Idempotency-Key), so that a retry
  returns it instead of creating again. The unique constraint is what makes concurrent retries safe.
- ``ExportJob``: a large export run in the background, with its progress and its file.
- ``Open311Request``: what an Open311 filer gave that has no place on a case (media URL, e-mail, device and
  account ids), and the client key it came with.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField("名称", max_length=60, blank=True)
    prefix = models.CharField("前缀", max_length=12, unique=True)  # shown in lists, used to revoke
    digest = models.CharField("摘要", max_length=64, unique=True)  # SHA-256 hex of the whole token
    created_at = models.DateTimeField("创建时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    client = models.CharField("调用方", max_length=80)  # "user:<id>" or "anon:<ip>"
    key = models.CharField("幂等键", max_length=200)
    fingerprint = models.CharField("请求摘要", max_length=64)  # SHA-256 of method, path and canonical body
    status = models.PositiveSmallIntegerField("状态码")
    body = models.JSONField("响应")
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "幂等记录"
        verbose_name_plural = "幂等记录"
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_unique_client_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_created")]

    def __str__(self) -> str:
        return f"{self.client} {self.key}"


class Open311Request(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="open311")
    token = models.ForeignKey(ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    media_url = models.URLField("图片链接", max_length=500, blank=True)
    email = models.EmailField("电子邮箱", blank=True)  # personal data: never in Open311 output
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "Open311 请求"
        verbose_name_plural = "Open311 请求"

    def __str__(self) -> str:
        return str(self.case_id)


def export_upload_to(instance: ExportJob, filename: str) -> str:
    return f"exports/{instance.pk}-{filename}"


class ExportJob(models.Model):
    """An export run in the background (a large CSV): who asked, what (the kind and the filters as given), how far
    it has come, and the file once written. Only its owner downloads it; files are deleted after a week."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导出中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.CASCADE,
                              related_name="export_jobs")
    kind = models.CharField("类型", max_length=20)
    source = models.CharField("来源", max_length=10)  # api | web: whose filter syntax ``params`` follows
    params = models.JSONField("筛选条件", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    rows_done = models.PositiveIntegerField("已导出行数", default=0)
    file = models.FileField("文件", upload_to=export_upload_to, max_length=200, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    created_at = models.DateTimeField("申请时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Last sign of life of the worker writing it (claim, progress); a silent job is queued again.
    heartbeat_at = models.DateTimeField("最近进展", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "created_at"], name="export_owner_created")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

"""Records of the web pages themselves (the case engine keeps the cases)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PublicReport(models.Model):
    """A case filed on the public reporting page, and the tracking code (查询码) its reporter follows it with.

    The code is the only key the public page accepts; it shows the case's public state and no personal data.
    ``client_hash`` is a keyed hash of the client address (never the address itself), for abuse review.
    """

    code = models.CharField("查询码", max_length=16, unique=True)
    case = models.OneToOneField("cases.Case", verbose_name="案件", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("提交时间")
    client_hash = models.CharField("来源摘要", max_length=64, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    # The arithmetic challenge answered with it: each one files one report (a replayed answer is refused).
    challenge_nonce = models.CharField("验证题编号", max_length=32, unique=True, null=True, blank=True)
    # A citizen logged in when reporting: the report is in their 我的上报. The case's reporter stays the public
    # account, so that the tracking code keeps rating it.
    account = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上报账号", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "网上群众上报"
        verbose_name_plural = "网上群众上报"

    def __str__(self) -> str:
        return self.code

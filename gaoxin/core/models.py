"""Tables of the shared building blocks (the rest of ``core`` has abstract models only)."""

from __future__ import annotations

from django.db import models


class RateCounter(models.Model):
    """One fixed window of one rate limit (``gaoxin.core.ratelimit``) when the counters live in the database:
    how many hits ``key`` had in the window that began at ``window_start``. Rows whose window is over are purged
    (``ratelimit.purge_expired``, hourly)."""

    key = models.CharField("限流键", max_length=200)
    window_start = models.DateTimeField("窗口开始")
    expires_at = models.DateTimeField("窗口结束", db_index=True)
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "限流计数"
        verbose_name_plural = "限流计数"
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="core_ratecounter_key_window")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"

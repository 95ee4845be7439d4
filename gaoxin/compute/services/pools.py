"""Providers and their pools: registration, prices, suspension, and what the broker reads of a pool (its
``PoolSpec`` and the adapter that talks to its scheduler)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction

from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.compute import policy
from gaoxin.compute.adapters.base import Adapter
from gaoxin.compute.adapters.simulated import SimulatedAdapter
from gaoxin.compute.adapters.slurm import SlurmRestAdapter
from gaoxin.compute.broker import PoolSpec
from gaoxin.compute.models import Pool, Provider
from gaoxin.compute.services.inputs import whole, yuan_to_fen
from gaoxin.compute.units import GPU_MODELS
from gaoxin.core import clock
from gaoxin.core.calendar import SHANGHAI
from gaoxin.core.errors import ApplicationError, Conflict, NotFound
from gaoxin.core.validation import checked_text
from gaoxin.enterprises.selectors import enterprise_by_credit_code


@transaction.atomic
def provider_register(*, actor: User, name: str, kind: str, enterprise_code: str = "") -> Provider:
    policy.require_operator(actor)
    name = checked_text(name, field="name", label="算力提供方", max_length=100)
    if kind not in Provider.Kind.values:
        raise ApplicationError("类型：请选择政府算力中心、企业自有集群或高校院所", field="kind", code="invalid_choice")
    if Provider.objects.filter(name=name).exists():
        raise Conflict("算力提供方：已登记同名提供方", field="name", code="duplicate")
    enterprise = enterprise_by_credit_code(enterprise_code) if enterprise_code.strip() else None
    return Provider.objects.create(name=name, kind=kind, enterprise=enterprise)


@transaction.atomic
def provider_staff_add(*, actor: User, provider: Provider, username: str) -> User:
    policy.require_operator(actor)
    user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None or user.role != Role.ENTERPRISE:
        raise ApplicationError("运维人员：应为已开通的企业端账号", field="username", code="unknown_user")
    provider.staff.add(user)
    return user


def _endpoint(value: str, scheduler: str) -> str:
    text = (value or "").strip()
    if scheduler != Pool.Scheduler.SLURM:
        return text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApplicationError("接口地址：应为 slurmrestd 的 http(s) 地址，如 http://10.0.0.5:6820", field="endpoint",
                               code="invalid_endpoint")
    return text.rstrip("/")


def _window(values: dict[str, Any]) -> dict[str, Any]:
    days = "".join(sorted(set(str(values.get("window_days") or "1234567"))))
    if not days or not set(days) <= set("1234567"):
        raise ApplicationError("开放日：用 1–7 表示周一至周日，如 12345", field="window_days", code="invalid_days")
    start, end = values.get("window_start") or None, values.get("window_end") or None
    parsed: list[dt.time | None] = []
    for key, label, text in (("window_start", "每日开放起", start), ("window_end", "每日开放止", end)):
        if text is None:
            parsed.append(None)
            continue
        try:
            parsed.append(text if isinstance(text, dt.time) else dt.time.fromisoformat(str(text)))
        except ValueError:
            raise ApplicationError(f"{label}：应为时刻，如 08:00", field=key, code="invalid_time") from None
    if (parsed[0] is None) != (parsed[1] is None) or (parsed[0] and parsed[1] and parsed[0] >= parsed[1]):
        raise ApplicationError("每日开放止：应同时填写起止，且止晚于起（不填则全天开放）", field="window_end",
                               code="invalid_window")
    return {"window_days": days, "window_start": parsed[0], "window_end": parsed[1]}


def _prices(values: dict[str, Any]) -> dict[str, int]:
    return {"price_cpu_fen": yuan_to_fen(values.get("price_cpu"), field="price_cpu", label="CPU 单价（元/核·时）"),
            "price_gpu_fen": yuan_to_fen(values.get("price_gpu"), field="price_gpu", label="GPU 单价（元/卡·时）",
                                         required=False),
            "price_mem_fen": yuan_to_fen(values.get("price_mem"), field="price_mem", label="内存单价（元/GB·时）",
                                         required=False)}


@transaction.atomic
def pool_register(*, actor: User, provider: Provider, values: dict[str, Any]) -> Pool:
    """A pool joins the network: its scheduler, resources, prices and opening hours (the form's fields)."""
    policy.require_operator(actor)
    code = checked_text(values.get("code"), field="code", label="资源池编码", max_length=32).upper()
    if Pool.objects.filter(code=code).exists():
        raise Conflict("资源池编码：已被使用", field="code", code="duplicate")
    scheduler = str(values.get("scheduler") or "")
    if scheduler not in Pool.Scheduler.values:
        raise ApplicationError("调度系统：请选择 Slurm 或模拟调度器", field="scheduler", code="invalid_choice")
    gpus = whole(values.get("gpus") or 0, field="gpus", label="GPU 卡数", high=100_000)
    gpu_model = str(values.get("gpu_model") or "")
    if gpus and gpu_model not in GPU_MODELS:
        raise ApplicationError("GPU 型号：有 GPU 的资源池须选择型号", field="gpu_model", code="invalid_choice")
    speed = values.get("speed") or "1"
    try:
        speed_value = float(speed)
    except ValueError:
        speed_value = math.nan
    if not 0.1 <= speed_value <= 10:
        raise ApplicationError("相对速度：应为 0.1–10（参考硬件为 1）", field="speed", code="invalid_speed")
    pool = Pool(
        provider=provider, code=code, scheduler=scheduler,
        name=checked_text(values.get("name"), field="name", label="资源池名称", max_length=100),
        site=checked_text(values.get("site"), field="site", label="所在站点", max_length=50),
        endpoint=_endpoint(str(values.get("endpoint") or ""), scheduler),
        cluster=checked_text(values.get("cluster"), field="cluster", label="集群名", required=False, max_length=50),
        partition=checked_text(values.get("partition") or "compute", field="partition", label="分区/队列",
                               max_length=50),
        token=str(values.get("token") or "").strip(),
        gpu_model=gpu_model if gpus else "", gpus=gpus,
        cpus=whole(values.get("cpus"), field="cpus", label="CPU 核数", low=1, high=10_000_000),
        memory_gb=whole(values.get("memory_gb"), field="memory_gb", label="内存（GB）", low=1, high=100_000_000),
        storage_tb=whole(values.get("storage_tb") or 0, field="storage_tb", label="存储（TB）", high=1_000_000),
        speed=round(speed_value, 2), is_synthetic=bool(values.get("is_synthetic")),
        **_prices(values), **_window(values))
    if scheduler == Pool.Scheduler.SLURM and not pool.token:
        raise ApplicationError("访问令牌：Slurm 资源池须提供 slurmrestd 的 JWT", field="token", code="required")
    pool.save()
    return pool


@transaction.atomic
def pool_prices_set(*, actor: User, pool: Pool, values: dict[str, Any]) -> Pool:
    policy.require_operator(actor)
    locked = Pool.objects.select_for_update().get(pk=pool.pk)
    for name, value in _prices(values).items():
        setattr(locked, name, value)
    locked.save(update_fields=["price_cpu_fen", "price_gpu_fen", "price_mem_fen"])
    return locked


@transaction.atomic
def pool_status_set(*, actor: User, pool: Pool, status: str) -> Pool:
    """Suspend a pool (the broker places nothing more on it and moves its open jobs elsewhere) or resume it."""
    policy.require_operator(actor)
    if status not in Pool.Status.values:
        raise ApplicationError("状态：应为接入中或已暂停", field="status", code="invalid_choice")
    Pool.objects.filter(pk=pool.pk).update(status=status)
    pool.status = status
    return pool


def pool_get(pk: int) -> Pool:
    pool = Pool.objects.select_related("provider").filter(pk=pk).first()
    if pool is None:
        raise NotFound("资源池不存在", field="pool")
    return pool


def open_until(pool: Pool, now: dt.datetime) -> float:
    """The end of the pool's availability window at ``now`` (epoch seconds): +∞ when always open, ``now`` itself
    (nothing fits) when closed."""
    local = now.astimezone(SHANGHAI)
    if str(local.isoweekday()) not in pool.window_days:
        return now.timestamp()
    if pool.window_start is None or pool.window_end is None:
        return math.inf
    if not pool.window_start <= local.time() < pool.window_end:
        return now.timestamp()
    return dt.datetime.combine(local.date(), pool.window_end, SHANGHAI).timestamp()


def pool_spec(pool: Pool) -> PoolSpec:
    return PoolSpec(id=pool.pk, code=pool.code, site=pool.site, gpu_model=pool.gpu_model, cpus=pool.cpus,
                    gpus=pool.gpus, memory_gb=pool.memory_gb, price_cpu_fen=pool.price_cpu_fen,
                    price_gpu_fen=pool.price_gpu_fen, price_mem_fen=pool.price_mem_fen, speed=float(pool.speed),
                    partition=pool.partition, open_until=lambda now: open_until(pool, now))


def adapter_for(pool: Pool) -> Adapter:
    if pool.scheduler == Pool.Scheduler.SLURM:
        return SlurmRestAdapter(endpoint=pool.endpoint, token=pool.token, partition=pool.partition,
                                cluster=pool.cluster)
    return SimulatedAdapter(pool_id=pool.pk, cpus=pool.cpus, gpus=pool.gpus, memory_gb=pool.memory_gb,
                            clock=clock.now, seed=pool.pk, state=SimulatedAdapter.state_from(pool.sim_state))

"""The one rate limiter: exact fixed windows on both stores, and one count across processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from gaoxin.core import clock, ratelimit
from gaoxin.core.models import RateCounter

UTC = dt.UTC
REDIS = bool(os.environ.get("REDIS_URL"))
STORES = ["database", pytest.param("redis", marks=pytest.mark.skipif(not REDIS, reason="REDIS_URL is not set"))]


@pytest.mark.parametrize("store", STORES)
def test_fixed_window_counts_refuses_and_resets(db, store):
    with clock.frozen(dt.datetime(2023, 3, 1, 9, 59, 0, tzinfo=UTC)):
        results = [ratelimit.hit("t:a", limit=3, window_seconds=3600, using=store) for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert [r.count for r in results] == [1, 2, 3, 4]
    assert [r.remaining for r in results] == [2, 1, 0, 0]
    assert results[3].limit == 3
    assert results[3].reset_at == dt.datetime(2023, 3, 1, 10, 0, 0, tzinfo=UTC)
    assert results[3].retry_after == 60
    with clock.frozen(dt.datetime(2023, 3, 1, 9, 59, 59, 500_000, tzinfo=UTC)):
        assert ratelimit.hit("t:a", limit=3, window_seconds=3600, using=store).retry_after == 1
    with clock.frozen(dt.datetime(2023, 3, 1, 10, 0, 0, tzinfo=UTC)):  # the next window starts from zero
        fresh = ratelimit.hit("t:a", limit=3, window_seconds=3600, using=store)
    assert (fresh.allowed, fresh.count, fresh.retry_after) == (True, 1, 3600)


@pytest.mark.parametrize("store", STORES)
def test_keys_are_counted_apart(db, store):
    with clock.frozen(dt.datetime(2023, 3, 1, 9, 0, tzinfo=UTC)):
        assert ratelimit.hit("t:one", limit=1, window_seconds=60, using=store).allowed is True
        assert ratelimit.hit("t:one", limit=1, window_seconds=60, using=store).allowed is False
        assert ratelimit.hit("t:two", limit=1, window_seconds=60, using=store).allowed is True


def test_database_counters_are_rows_and_old_windows_are_purged(db):
    with clock.frozen(dt.datetime(2023, 3, 1, 9, 10, tzinfo=UTC)):
        ratelimit.hit("t:p", limit=5, window_seconds=3600, using="database")
        ratelimit.hit("t:p", limit=5, window_seconds=3600, using="database")
    with clock.frozen(dt.datetime(2023, 3, 1, 10, 10, tzinfo=UTC)):
        ratelimit.hit("t:p", limit=5, window_seconds=3600, using="database")
        rows = list(RateCounter.objects.order_by("window_start").values_list("key", "window_start", "expires_at",
                                                                              "count"))
        assert rows == [
            ("t:p", dt.datetime(2023, 3, 1, 9, tzinfo=UTC), dt.datetime(2023, 3, 1, 10, tzinfo=UTC), 2),
            ("t:p", dt.datetime(2023, 3, 1, 10, tzinfo=UTC), dt.datetime(2023, 3, 1, 11, tzinfo=UTC), 1),
        ]
        assert ratelimit.purge_expired() == 1
    assert list(RateCounter.objects.values_list("window_start", "count")) == [
        (dt.datetime(2023, 3, 1, 10, tzinfo=UTC), 1)]


def test_the_periodic_task_purges(db):
    from gaoxin.core.tasks import rate_counters_purge

    with clock.frozen(dt.datetime(2023, 3, 1, 9, 10, tzinfo=UTC)):
        ratelimit.hit("t:task", limit=5, window_seconds=60, using="database")
    with clock.frozen(dt.datetime(2023, 3, 1, 9, 11, tzinfo=UTC)):
        rate_counters_purge.call_local()
    assert RateCounter.objects.count() == 0


def test_backend_follows_the_cache():
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        assert ratelimit.backend() == "database"
    with override_settings(CACHES={"default": {"BACKEND": "django_redis.cache.RedisCache",
                                               "LOCATION": "redis://127.0.0.1:6379/0"}}):
        assert ratelimit.backend() == "redis"
    assert ratelimit.backend() == ("redis" if REDIS else "database")


def test_bad_arguments_are_programming_errors(db):
    for key, limit, window in [("", 1, 60), ("k" * 201, 1, 60), ("k", -1, 60), ("k", 1, 0)]:
        with pytest.raises(ValueError):
            ratelimit.hit(key, limit=limit, window_seconds=window, using="database")
    with pytest.raises(ValueError):
        ratelimit.hit("k", limit=1, window_seconds=60, using="memory")
    assert RateCounter.objects.count() == 0


def test_digest_hides_the_address():
    assert ratelimit.digest("10.1.2.3") == ratelimit.digest("10.1.2.3")
    assert ratelimit.digest("10.1.2.3") != ratelimit.digest("10.1.2.4")
    assert len(ratelimit.digest("10.1.2.3")) == 32
    assert "10.1.2.3" not in ratelimit.digest("10.1.2.3")


# --- across processes ----------------------------------------------------------------------------------------
# Three separate Python processes (as three gunicorn workers are) hit one key at once. With a process-local cache
# each would count its own 1..10 and let 3 × limit through; the shared store counts 1..30 once and lets `limit`
# through in all.

WORKER = textwrap.dedent("""
    import datetime as dt, json, sys
    import django
    django.setup()
    from django.core.management import call_command
    from gaoxin.core import clock, ratelimit
    store, key, hits = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if key == "--migrate":
        call_command("migrate", "core", verbosity=0)
        sys.exit(0)
    with clock.frozen(dt.datetime(2023, 3, 1, 9, 30, tzinfo=dt.UTC)):
        results = [ratelimit.hit(key, limit=12, window_seconds=3600, using=store) for _ in range(hits)]
    print(json.dumps([[r.count, r.allowed] for r in results]))
""")


def _worker_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env.update(DJANGO_SETTINGS_MODULE="gaoxin.settings", GAOXIN_TESTING="1", GAOXIN_DATA_DIR=str(tmp_path))
    if connection.vendor == "postgresql":  # the workers use this test database (its name as the test run set it)
        s = connection.settings_dict
        env["DATABASE_URL"] = (f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:"
                               f"{s['PORT'] or 5432}/{s['NAME']}")
    return env


def _run_workers(tmp_path: Path, store: str, key: str, *, processes: int = 3, hits: int = 10) -> list[list]:
    env = _worker_env(tmp_path)
    if store == "database" and connection.vendor == "sqlite":  # the test database is in memory: use a file
        subprocess.run([sys.executable, "-c", WORKER, store, "--migrate", "0"], env=env, check=True, timeout=120)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, store, key, str(hits)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(processes)]
    outputs = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        outputs.append(json.loads(out))
    return outputs


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("store", STORES)
def test_the_limit_holds_across_processes(tmp_path, store):
    key = f"t:processes:{store}"
    outputs = _run_workers(tmp_path, store, key)
    counts = sorted(count for output in outputs for count, _allowed in output)
    assert counts == list(range(1, 31))  # every hit counted once, none lost, none twice
    allowed = [count for output in outputs for count, ok in output if ok]
    assert sorted(allowed) == list(range(1, 13))  # the limit (12) in all, not per process
    if store == "database" and connection.vendor == "postgresql":
        assert RateCounter.objects.get(key=key).count == 30
    if store == "redis":
        from django.core.cache import cache
        from django_redis import get_redis_connection

        index = int(dt.datetime(2023, 3, 1, 9, 30, tzinfo=UTC).timestamp()) // 3600
        assert int(get_redis_connection("default").get(cache.make_key(f"ratelimit:{key}:{index}"))) == 30

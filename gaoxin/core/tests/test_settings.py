"""The settings module picks its services from the environment."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

from gaoxin import settings as settings_module


def test_embedded_default_is_sqlite_in_wal_mode(tmp_path):
    config = settings_module.database_config(None, tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == tmp_path / "gaoxin.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_database_url_selects_postgresql(tmp_path):
    config = settings_module.database_config("postgres://gaoxin:pw@db.example:5433/zone", tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == ("db.example", 5433, "zone", "gaoxin")


def _settings_in_subprocess(env: dict, expression: str) -> str:
    code = f"import gaoxin.settings as s; print({expression})"
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], env=full_env, capture_output=True, text=True, check=True,
        cwd=Path(settings_module.__file__).parent.parent,
    ).stdout.strip()


def test_redis_url_selects_redis_cache_and_queue(tmp_path):
    env = {"REDIS_URL": "redis://127.0.0.1:6379/3", "GAOXIN_DATA_DIR": str(tmp_path)}
    assert _settings_in_subprocess(env, "s.CACHES['default']['BACKEND']") == "django_redis.cache.RedisCache"
    assert _settings_in_subprocess(env, "s.HUEY['huey_class']") == "huey.RedisHuey"


def test_without_redis_the_queue_is_sqlite(tmp_path):
    env = {"GAOXIN_DATA_DIR": str(tmp_path)}
    assert _settings_in_subprocess(env, "s.HUEY['huey_class']") == "huey.SqliteHuey"
    assert _settings_in_subprocess(env, "s.HUEY['filename']") == str(tmp_path / "tasks.sqlite3")


def test_language_and_time_zone():
    importlib.reload(settings_module)
    assert settings_module.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings_module.LANGUAGES] == ["zh-hans", "en"]
    assert settings_module.TIME_ZONE == "Asia/Shanghai"


def test_production_check_deploy_passes(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
        "GAOXIN_ENV": "production",
        "GAOXIN_SECRET_KEY": "x" * 20 + "production-secret-for-the-check-only-0123456789",
        "GAOXIN_ALLOWED_HOSTS": "gaoxin.example.gov.cn",
        "GAOXIN_DATA_DIR": str(tmp_path),
        "GAOXIN_TESTING": "0",
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, cwd=Path(settings_module.__file__).parent.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "GAOXIN_SECRET_KEY"}
    env.update({"GAOXIN_ENV": "production", "GAOXIN_DATA_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-c", "import gaoxin.settings"], env=env, capture_output=True, text=True,
        cwd=Path(settings_module.__file__).parent.parent,
    )
    assert result.returncode != 0
    assert "GAOXIN_SECRET_KEY must be set" in result.stderr

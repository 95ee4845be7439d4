"""``gaoxin backup`` and ``gaoxin restore`` as an operator runs them: real processes on a real installation (a
data directory, and on the PostgreSQL path a database of its own), a backup taken while another process keeps
reporting cases, restored into an empty installation that then holds every case acknowledged before it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from gaoxin.core.backup import read_manifest

# Reports cases as a grid worker, one per line once committed (with a photo every third case), until told to
# stop by the file named in argv[1].
LOADER = r"""
import sys, django
from pathlib import Path
from typing import Any
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from gaoxin.accounts.models import User
from gaoxin.accounts.roles import Role
from gaoxin.cases.models import Category, Channel
from gaoxin.cases.services import case_report

stop = Path(sys.argv[1])
actor = User.objects.filter(role=Role.GRID_WORKER, username__startswith="gw").order_by("username").first()
category = Category.objects.filter(is_active=True, is_assignable=True).order_by("code").first()
n = 0
while not stop.exists() and n < 2000:
    photo = SimpleUploadedFile(f"p{n}.jpg", b"\xff\xd8" + str(n).encode(), content_type="image/jpeg")
    photos = [photo] if n % 3 == 0 else []
    case = case_report(actor=actor, channel=Channel.GRID_WORKER, category=category, description=f"负载 {n}",
                       address="备份测试路", attachments=photos)
    print(case.number, flush=True)
    n += 1
"""

# The case numbers and the attachments (path, sha256) of an installation, as JSON.
INVENTORY = r"""
import hashlib, json, django
django.setup()
from django.core.files.storage import default_storage
from gaoxin.cases.models import Case, CaseAttachment
files = {a.file.name: a.sha256 for a in CaseAttachment.objects.all()}
on_disk = {name: hashlib.sha256(default_storage.open(name).read()).hexdigest()
           for name in files if default_storage.exists(name)}
print(json.dumps({"cases": sorted(Case.objects.values_list("number", flat=True)), "files": files,
                  "on_disk": on_disk}))
"""

USERS = ("import django; django.setup(); from gaoxin.accounts.models import User; "
         "print(*User.objects.values_list('username', flat=True))")


def _database_url(name: str) -> str | None:
    base = os.environ.get("DATABASE_URL")
    if not base:
        return None
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(base)._replace(path=f"/{name}"))


def _drop_database(url: str | None) -> None:
    base = os.environ.get("DATABASE_URL")
    if url and base:
        import psycopg

        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{urlsplit(url).path.lstrip("/")}" WITH (FORCE)')


@pytest.fixture
def installations(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Two installations' environments: the one backed up and the empty one restored into."""
    envs, urls = [], []
    for name in ("a", "b"):
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "PYTEST_XDIST_WORKER")}
        env.update(GAOXIN_DATA_DIR=str(tmp_path / name), DJANGO_SETTINGS_MODULE="gaoxin.settings")
        url = _database_url(f"gaoxin_backup_{name}_{uuid.uuid4().hex[:8]}")
        if url:
            env["DATABASE_URL"] = url
        envs.append(env)
        urls.append(url)
    yield envs[0], envs[1]
    for url in urls:
        _drop_database(url)


def gaoxin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gaoxin.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def python(env: dict[str, str], code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=600, check=False)


def inventory(env: dict[str, str]) -> dict[str, Any]:
    result = python(env, INVENTORY)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.django_db(databases=[])
def test_backup_under_load_restores_every_acknowledged_case(installations, tmp_path):
    source, target = installations
    prepared = gaoxin(source, "demo", "--no-serve", "--scale", "0.002", "--verbosity", "0")
    assert prepared.returncode == 0, prepared.stderr
    stop = tmp_path / "stop"
    loader = subprocess.Popen([sys.executable, "-c", LOADER, str(stop)], env=source,  # noqa: S603
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert loader.stdout is not None
    acknowledged = [loader.stdout.readline().strip() for _ in range(15)]
    acknowledged_before_backup = set(acknowledged)
    archive = tmp_path / "backup.tar.gz"
    backed_up = gaoxin(source, "backup", "--out", str(archive))
    acknowledged += [loader.stdout.readline().strip() for _ in range(5)]  # the load went on during the backup
    stop.touch()
    rest, errors = loader.communicate(timeout=120)
    assert loader.returncode == 0, errors
    acknowledged += rest.split()
    assert backed_up.returncode == 0, backed_up.stderr
    assert "备份完成" in backed_up.stdout

    restored = gaoxin(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "校验通过" in restored.stdout

    before, after = inventory(source), inventory(target)
    manifest = read_manifest(archive)
    restored_cases = set(after["cases"])
    assert acknowledged_before_backup <= restored_cases
    assert restored_cases <= set(before["cases"])
    assert len(restored_cases) == manifest.tables["cases_case"]
    # Every attachment row of the restored installation has its file, with the content it was stored with.
    assert after["files"]
    assert after["on_disk"] == after["files"]
    # The restored installation goes on numbering and storing cases where the backup left off.
    more = python(target, LOADER.replace("n < 2000", "n < 1"), str(tmp_path / "never"))
    assert more.returncode == 0, more.stderr
    (new_number,) = more.stdout.split()
    assert new_number not in restored_cases
    assert len(acknowledged) == len(set(acknowledged))


@pytest.mark.django_db(databases=[])
def test_restore_refuses_an_installation_with_data_and_changes_nothing(installations, tmp_path):
    source, target = installations
    assert gaoxin(source, "migrate", "--verbosity", "0").returncode == 0
    archive = tmp_path / "backup.tar.gz"
    assert gaoxin(source, "backup", "--out", str(archive)).returncode == 0
    assert gaoxin(target, "migrate", "--verbosity", "0").returncode == 0
    admin = gaoxin({**target, "DJANGO_SUPERUSER_PASSWORD": "Gaoxin@2023x"}, "createsuperuser", "--noinput",
                   "--username", "root", "--email", "root@gaoxin.local")
    assert admin.returncode == 0, admin.stderr
    users = python(target, USERS)
    refused = gaoxin(target, "restore", str(archive))
    assert refused.returncode == 1
    assert "恢复只能在空安装上进行" in refused.stderr
    assert python(target, USERS).stdout == users.stdout == "root\n"

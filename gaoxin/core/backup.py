"""Backup and restore of an installation: its database and its uploads in one archive.

The archive is a gzip'd tar holding
- ``database.sqlite3``: on SQLite, a copy made with SQLite's online backup API (one step, so it is the database
  as of one moment while the app keeps serving: in WAL mode writers are not blocked);
- ``database.pgdump``: on PostgreSQL, ``pg_dump``'s custom format taken in an exported snapshot, the same snapshot
  in which the manifest's row counts are taken;
- ``media/…``: the uploads (attachments, export files), added after the database snapshot, so every file a
  row of the snapshot refers to was written before it;
- ``manifest.json``: the format, the engine, the time, the last migration of each app and the row count of
  every table in the snapshot (the restore checks it restored exactly these rows).

``restore`` goes into an empty installation only (no users: nobody has entered anything there yet), on the
same engine. The task queue (``tasks.sqlite3`` or Redis) is not part of a backup: the tasks it holds are
re-derived from the database (the outbox, the supervision tick) or re-run by their user (exports).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from gaoxin.core import clock
from gaoxin.core.errors import ApplicationError

FORMAT = "gaoxin-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media"
USERS_TABLE = "accounts_user"

Progress = Callable[[str], None]


class BackupError(ApplicationError):
    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field, code="backup_error", status=400)


@dataclass
class Manifest:
    format: str
    engine: str  # "sqlite" or "postgresql"
    created_at: str
    migrations: dict[str, str]
    tables: dict[str, int]
    media_files: int = 0
    media_bytes: int = 0
    gaoxin_version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"不支持的数据库类型：{vendor}")
    return vendor


def quiet(_: str) -> None:
    pass


# ---- backup ---------------------------------------------------------------------------------------------


def backup(out: Path, *, progress: Progress = quiet) -> Manifest:
    """Write an archive of the database and the uploads to ``out`` (atomically: a failed backup leaves no file
    under that name). Safe while the app serves."""
    out = Path(out)
    if out.is_dir():
        raise BackupError(f"{out} 是目录，请给出备份文件名", field="out")
    if not out.parent.is_dir():
        raise BackupError(f"目录不存在：{out.parent}", field="out")
    with tempfile.TemporaryDirectory(prefix="gaoxin-backup-", dir=out.parent) as work:
        staging = Path(work)
        progress("数据库快照 database snapshot")
        if engine() == "sqlite":
            member, tables = SQLITE_MEMBER, _sqlite_snapshot(staging / SQLITE_MEMBER)
        else:
            member, tables = PG_MEMBER, _pg_snapshot(staging / PG_MEMBER)
        manifest = Manifest(
            format=FORMAT, engine=engine(), created_at=timezone.localtime(clock.now()).isoformat(),
            migrations=_migrations(), tables=tables, gaoxin_version=_version(),
        )
        partial = staging / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=1) as archive:
            archive.add(staging / member, arcname=member)
            progress("上传文件 uploads")
            for path, name in _media_files():
                with contextlib.suppress(FileNotFoundError):  # an expired export removed meanwhile
                    size = path.stat().st_size
                    archive.add(path, arcname=name)
                    manifest.media_files += 1
                    manifest.media_bytes += size
            _add_json(archive, MANIFEST, asdict(manifest))
        os.replace(partial, out)
    return manifest


def _sqlite_snapshot(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # one step: the database as of one moment
        (result,) = copy.execute("PRAGMA quick_check").fetchone()
        if result != "ok":
            raise BackupError(f"数据库副本校验失败：{result}")
        names = [row[0] for row in copy.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {name: copy.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608
    finally:
        copy.close()


def _pg_snapshot(target: Path) -> dict[str, int]:
    """``pg_dump`` of one snapshot, and the row counts of the same snapshot."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            names = [row[0] for row in cursor.fetchall()]
            tables = {}
            for name in names:
                cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 - names from the catalogue
                tables[name] = cursor.fetchone()[0]
            _run_pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                    f"--file={target}")
        raw.rollback()
    finally:
        raw.close()
    return tables


def _media_files() -> Iterator[tuple[Path, str]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, str(PurePosixPath(MEDIA_PREFIX, *path.relative_to(root).parts))


def _add_json(archive: tarfile.TarFile, name: str, data: dict[str, Any]) -> None:
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    info.mtime = int(clock.now().timestamp())
    archive.addfile(info, io.BytesIO(payload))


def _migrations() -> dict[str, str]:
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    if MigrationRecorder(connection).has_table():
        for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name"):
            latest[app] = name
    return latest


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gaoxin")
    except PackageNotFoundError:
        return ""


# ---- restore --------------------------------------------------------------------------------------------


def read_manifest(archive_path: Path) -> Manifest:
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"备份文件不存在：{archive_path}", field="file")
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            data = json.loads(member.read())
    except (tarfile.TarError, KeyError, OSError, EOFError, json.JSONDecodeError) as exc:
        raise BackupError(f"不是 Gaoxin 备份文件或文件已损坏：{archive_path}（{exc}）", field="file") from exc
    if data.get("format") != FORMAT:
        raise BackupError(f"备份格式 {data.get('format')!r} 不受支持（应为 {FORMAT}）", field="file")
    return Manifest(**data)


def installation_is_empty() -> bool:
    """No users: nobody has entered anything (the migrations' reference data does not count)."""
    if USERS_TABLE not in connection.introspection.table_names():
        return True
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {USERS_TABLE} LIMIT 1")  # noqa: S608 - a constant
        return cursor.fetchone() is None


def restore(archive_path: Path, *, progress: Progress = quiet) -> Manifest:
    """Restore an archive into this (empty) installation: the database, then the uploads. Returns the manifest;
    ``table_differences`` then tells whether every row arrived."""
    manifest = read_manifest(archive_path)
    if manifest.engine != engine():
        raise BackupError(f"备份来自 {manifest.engine} 数据库，本安装使用 {engine()}：只能恢复到同类数据库",
                          field="file")
    if not installation_is_empty():
        raise BackupError("本安装已有用户和数据：恢复只能在空安装上进行（新的 GAOXIN_DATA_DIR 或空数据库）",
                          field="file")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="gaoxin-restore-") as work, \
            tarfile.open(archive_path, "r:gz") as archive:
        staging = Path(work)
        progress("解包 unpacking")
        uploads: list[tuple[tarfile.TarInfo, PurePosixPath]] = []
        database: Path | None = None
        for member in archive:
            name = PurePosixPath(member.name)
            if member.name in (SQLITE_MEMBER, PG_MEMBER) and member.isfile():
                database = staging / member.name
                archive.extract(member, staging, filter="data")
            elif name.parts[:1] == (MEDIA_PREFIX,) and member.isfile():
                if ".." in name.parts or name.is_absolute():
                    raise BackupError(f"备份中的文件路径不安全：{member.name}", field="file")
                uploads.append((member, name))
                archive.extract(member, staging, filter="data")
        expected = SQLITE_MEMBER if manifest.engine == "sqlite" else PG_MEMBER
        if database is None or database.name != expected:
            raise BackupError(f"备份缺少数据库文件 {expected}", field="file")
        progress("恢复数据库 database")
        if manifest.engine == "sqlite":
            _sqlite_restore(database)
        else:
            _pg_restore(database)
        progress("恢复上传文件 uploads")
        for _, name in uploads:
            target = media_root.joinpath(*name.parts[1:])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging.joinpath(*name.parts), target)
    return manifest


def _sqlite_restore(source_path: Path) -> None:
    connection.close()
    source = sqlite3.connect(source_path)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()
        connection.close()


def _pg_restore(dump: Path) -> None:
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    connection.close()
    _run_pg("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            str(dump))


def _run_pg(program: str, *args: str) -> None:
    params = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": str(params.get("PASSWORD") or "")}
    command = [program, f"--dbname={params['NAME']}"]
    if params.get("HOST"):
        command.append(f"--host={params['HOST']}")
    if params.get("PORT"):
        command.append(f"--port={params['PORT']}")
    if params.get("USER"):
        command.append(f"--username={params['USER']}")
    if shutil.which(program) is None:
        raise BackupError(f"找不到 {program}：请安装 PostgreSQL 客户端（Debian: postgresql-client）")
    result = subprocess.run([*command, *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{program} 失败（{result.returncode}）：{result.stderr.strip()[-2000:]}")


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for name in sorted(connection.introspection.table_names()):
            if name.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


def table_differences(manifest: Manifest) -> list[str]:
    """The tables whose row counts differ from the manifest's (empty when every row was restored)."""
    now = table_counts()
    return [f"{name}: 备份 {manifest.tables.get(name)} 行，恢复后 {now.get(name)} 行"
            for name in sorted(set(manifest.tables) | set(now)) if manifest.tables.get(name) != now.get(name)]

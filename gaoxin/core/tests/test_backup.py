"""The archive checks of ``core.backup`` (the whole backup and restore run in gaoxin/web/tests/test_backup.py)."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from gaoxin.accounts.models import User
from gaoxin.core import backup


def archive_with(path, members: dict[str, bytes]):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def manifest(**changes) -> bytes:
    data = {"format": backup.FORMAT, "engine": backup.engine(), "created_at": "2024-01-01T02:00:00+08:00",
            "migrations": {}, "tables": {}}
    return json.dumps({**data, **changes}).encode()


def test_a_file_that_is_no_backup_is_refused(tmp_path):
    not_an_archive = tmp_path / "x.tar.gz"
    not_an_archive.write_bytes(b"hello")
    for path in (not_an_archive, tmp_path / "missing.tar.gz", archive_with(tmp_path / "empty.tar.gz", {})):
        with pytest.raises(backup.BackupError) as refused:
            backup.read_manifest(path)
        assert refused.value.field == "file"


def test_another_format_is_refused(tmp_path):
    path = archive_with(tmp_path / "b.tar.gz", {backup.MANIFEST: manifest(format="gaoxin-backup/99")})
    with pytest.raises(backup.BackupError, match="gaoxin-backup/99"):
        backup.read_manifest(path)


@pytest.mark.django_db
def test_restore_refuses_another_engine_a_missing_database_and_an_installation_with_users(tmp_path, org):
    other = "postgresql" if backup.engine() == "sqlite" else "sqlite"
    path = archive_with(tmp_path / "other.tar.gz", {backup.MANIFEST: manifest(engine=other)})
    with pytest.raises(backup.BackupError, match="只能恢复到同类数据库"):
        backup.restore(path)
    assert backup.installation_is_empty()
    path = archive_with(tmp_path / "nodb.tar.gz", {backup.MANIFEST: manifest()})
    with pytest.raises(backup.BackupError, match="备份缺少数据库文件"):
        backup.restore(path)
    User.objects.create_user(username="someone", password="x-Gaoxin-2023")
    with pytest.raises(backup.BackupError, match="恢复只能在空安装上进行"):
        backup.restore(path)
    assert list(User.objects.values_list("username", flat=True)) == ["someone"]


def test_unsafe_paths_in_the_archive_are_refused(tmp_path, db):
    path = archive_with(tmp_path / "evil.tar.gz", {backup.MANIFEST: manifest(), "media/../../etc/x": b"x"})
    with pytest.raises(backup.BackupError, match="不安全"):
        backup.restore(path)
    assert not (tmp_path / "etc").exists()


def test_backup_refuses_a_directory_or_a_missing_one(tmp_path, db):
    with pytest.raises(backup.BackupError) as refused:
        backup.backup(tmp_path)
    assert refused.value.field == "out"
    with pytest.raises(backup.BackupError) as refused:
        backup.backup(tmp_path / "no" / "such" / "b.tar.gz")
    assert refused.value.field == "out"
    assert list(tmp_path.iterdir()) == []

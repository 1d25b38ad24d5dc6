# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line and the file itself: reading commands never write it, `restore` puts a backup
in place without the stale -wal that would damage it, and messages stay plain."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from pmdesk import cli
from pmdesk.storage.backup import backup_database, backup_dir
from pmdesk.storage.database import open_database

pytestmark = pytest.mark.usefixtures("data_dir")  # tests/unit/conftest.py

READ_COMMANDS = [
    ("check",),
    ("programme", "list"),
    ("programme", "export", "DEMO-WASH"),
    ("iptt", "DEMO-WASH"),
    ("iptt", "DEMO-WASH", "--format", "csv"),
    ("values", "export", "DEMO-WASH"),
]


def _files(folder: Path) -> dict[str, str]:
    """Every file under `folder` with the SHA-256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def hot_wal_copy(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the demo whose last change is still only in its -wal, as after a crash."""
    folder = tmp_path / "hot"
    folder.mkdir()
    path = folder / "demo.sqlite"
    shutil.copyfile(demo_file, path)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE programme SET name = 'Changed in the log only'")
    shutil.copyfile(path, folder / "snapshot.sqlite")
    shutil.copyfile(path.with_name("demo.sqlite-wal"), folder / "snapshot.sqlite-wal")
    writer.close()  # checkpoints this one; the snapshot keeps its log unapplied
    path.unlink()
    path.with_name("demo.sqlite-wal").unlink(missing_ok=True)
    path.with_name("demo.sqlite-shm").unlink(missing_ok=True)
    (folder / "snapshot.sqlite").rename(path)
    (folder / "snapshot.sqlite-wal").rename(path.with_name("demo.sqlite-wal"))
    return path


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
def test_reading_commands_never_write_the_main_file(
    command: tuple[str, ...], hot_wal_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue #6 item 3: `check` rewrote a main file (it checkpointed the log into it)."""
    main_before = hashlib.sha256(hot_wal_copy.read_bytes()).hexdigest()
    assert cli.main(["--db", str(hot_wal_copy), *command]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert hashlib.sha256(hot_wal_copy.read_bytes()).hexdigest() == main_before
    assert not backup_dir(hot_wal_copy).exists()
    if command[0] == "programme" and command[1] == "list":
        assert "Changed in the log only" in out  # the log is read, not applied


def test_backup_never_writes_the_main_file(hot_wal_copy: Path, tmp_path: Path) -> None:
    main_before = hashlib.sha256(hot_wal_copy.read_bytes()).hexdigest()
    assert cli.main(["--db", str(hot_wal_copy), "backup", "-o", str(tmp_path / "copy.sqlite")]) == 0
    assert hashlib.sha256(hot_wal_copy.read_bytes()).hexdigest() == main_before
    with sqlite3.connect(tmp_path / "copy.sqlite") as copy:
        assert copy.execute("SELECT name FROM programme").fetchone() == ("Changed in the log only",)
    copy.close()


def test_an_older_file_is_not_migrated_or_backed_up_by_a_reading_command(
    demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    path = folder / "old.sqlite"
    shutil.copyfile(demo_file, path)
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0001_initial'")
    raw.close()
    before = _files(folder)
    assert cli.main(["--db", str(path), "check"]) == 1
    err = capsys.readouterr().err
    assert "older version of PMDesk" in err and "Traceback" not in err
    assert _files(folder) == before


# --- damage and restore -----------------------------------------------------------------------


@pytest.fixture
def with_backup(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the demo with one automatic backup beside it, then a later change."""
    folder = tmp_path / "office"
    folder.mkdir()
    path = folder / "office.sqlite"
    shutil.copyfile(demo_file, path)
    backup_database(path, reason="before-import")
    db = open_database(path)
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE programme SET name = 'After the backup'")
    db.close()
    return path


def test_restore_the_latest_backup_beside_a_stale_wal(
    with_backup: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue #6 item 3: a backup copied over the file beside its old -wal came out malformed."""
    stale = with_backup.with_name(with_backup.name + "-wal")
    # The log of a session that was still writing when the file was given up on.
    writer = sqlite3.connect(with_backup, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE programme SET name = 'In the stale log'")
    shutil.copyfile(stale, stale.with_name("kept-wal"))
    writer.close()
    shutil.copyfile(stale.with_name("kept-wal"), stale)
    stale.with_name("kept-wal").unlink()

    assert cli.main(["--db", str(with_backup), "restore"]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "kept as" in out
    with sqlite3.connect(with_backup) as restored:
        assert restored.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert restored.execute("SELECT name FROM programme").fetchone() != ("In the stale log",)
        assert restored.execute("SELECT name FROM programme").fetchone() != ("After the backup",)
    restored.close()
    kept = sorted(p.name for p in with_backup.parent.glob("office.replaced-*"))
    # Moved aside, not deleted: the file and its stale log (and its -shm, when there was one).
    assert any(name.endswith(".sqlite") for name in kept) and any(name.endswith("-wal") for name in kept)
    assert cli.main(["--db", str(with_backup), "check"]) == 0


def test_restore_lists_the_backups(with_backup: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--db", str(with_backup), "restore", "--list"]) == 0
    out = capsys.readouterr().out
    assert "before-import" in out and str(backup_dir(with_backup)) in out


def test_restore_refuses_a_file_that_is_not_a_sound_backup(
    with_backup: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all " * 300)
    before = hashlib.sha256(with_backup.read_bytes()).hexdigest()
    assert cli.main(["--db", str(with_backup), "restore", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "bad.sqlite" in err
    assert hashlib.sha256(with_backup.read_bytes()).hexdigest() == before
    assert not list(with_backup.parent.glob("office.replaced-*"))


def test_check_reports_damaged_pages_instead_of_failing(
    with_backup: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue #6 item 4: `check` failed on an SQL error on a damaged file."""
    with sqlite3.connect(with_backup) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = {
            page
            for (page,) in raw.execute(
                "SELECT rootpage FROM sqlite_master WHERE name IN ('data_value', 'history')"
            )
        }
    raw.close()
    data = bytearray(with_backup.read_bytes())
    for page in pages:
        start = (page - 1) * 4096
        data[start : start + 12] = b"\xff" * 12
    with_backup.write_bytes(bytes(data))
    code = cli.main(["--db", str(with_backup), "check"])
    captured = capsys.readouterr()
    assert code == 1
    assert "damaged" in captured.out + captured.err and "Restore backup" in captured.out + captured.err
    assert "Traceback" not in captured.err and "OperationalError" not in captured.err

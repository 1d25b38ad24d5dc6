# SPDX-License-Identifier: GPL-3.0-or-later
"""What happens when the file, its disk or another program gets in the way: writes wait for a
short lock, and every failure reaches the user as one plain sentence, never SQL or a library's
wording; a damaged or newer file takes no writes."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from pmdesk.domain.errors import (
    DatabaseBusyError,
    DatabaseDamagedError,
    DiskFullError,
    NewerDatabaseError,
    ReadOnlyStorageError,
    StorageError,
)
from pmdesk.services.actor import Actor
from pmdesk.services.entry_grid import EntryGridService
from pmdesk.services.programmes import ProgrammeService
from pmdesk.storage import database as database_module
from pmdesk.storage.backup import backup_dir
from pmdesk.storage.database import Database, MigrationFailedError, open_database
from tests.unit.builders import Services, services, small_programme

# What a message must never show a person: a library's class names, SQL, its web pages.
TECHNICAL = ("OperationalError", "sqlalche.me", "SELECT ", "INSERT ", "UPDATE ", "[SQL", "sqlite3.")


def _plain(message: str) -> None:
    for word in TECHNICAL:
        assert word not in message, message


def _set_one(db: Database, value: int) -> None:
    services(db).entry.set_value("WASH-01", "1.1", "2025Q1", "N01", {"SEX": "F"}, value=value)


def _value_of(s: Services, site: str = "N01") -> float | None:
    for info in s.entry.values_for("WASH-01", site, "2025Q1"):
        if info.indicator_code == "1.1" and info.options == {"SEX": "F"}:
            return float(info.value) if info.value is not None else None
    return None


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def programme_db(db: Database) -> Database:
    small_programme(db)
    return db


# --- a short lock is waited for ------------------------------------------------------------


def test_writes_wait_for_a_lock_held_by_another_program(programme_db: Database) -> None:
    """Issue #6 item 2: with a plain BEGIN, 0 of 10 saves got through a 1.3 s lock."""
    _set_one(programme_db, 1)  # a value to change: each save then reads before it writes
    holder = sqlite3.connect(programme_db.path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE device SET name = name")
    released = threading.Timer(1.0, holder.execute, args=("COMMIT",))
    released.start()
    try:
        for value in range(2, 12):
            _set_one(programme_db, value)
    finally:
        released.join()
        holder.close()
    assert _value_of(services(programme_db)) == 11


def test_a_lock_held_too_long_is_said_plainly_and_nothing_changes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 50)
    db = open_database(db_path, actor="tester")
    try:
        small_programme(db)
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(DatabaseBusyError) as caught:
                _set_one(db, 5)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert caught.value.is_transient
        assert "busy" in str(caught.value) and "locked" not in str(caught.value)
        _plain(str(caught.value))
        assert _value_of(services(db)) is None
    finally:
        db.close()


# --- disk full ----------------------------------------------------------------------------


@pytest.fixture
def full_disk(programme_db: Database) -> Iterator[Database]:
    """SQLite answers SQLITE_FULL for real once a connection may not grow the file."""
    programme_db.engine.dispose()

    def cap(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(programme_db.engine, "connect", cap)
    yield programme_db
    event.remove(programme_db.engine, "connect", cap)
    programme_db.engine.dispose()


def test_a_full_disk_is_said_plainly_and_nothing_is_half_written(full_disk: Database) -> None:
    entry = services(full_disk).entry
    with pytest.raises(DiskFullError) as caught:
        for value in range(2000):  # fills the free pages the file still has
            entry.set_value(
                "WASH-01", "1.1", "2025Q1", "N01", {"SEX": "F"}, value=value, comment="x" * 2000 * 2
            )
    message = str(caught.value)
    assert "full" in message and "Free some space" in message and not caught.value.is_transient
    _plain(message)


# --- read-only --------------------------------------------------------------------------------


def test_a_write_to_a_file_opened_read_only_is_refused_plainly(programme_db: Database) -> None:
    programme_db.close()
    before = _sha(programme_db.path)
    reader = open_database(programme_db.path, read_only=True)
    try:
        assert ProgrammeService(reader.sessions, Actor("t", "")).list_programmes()
        with pytest.raises(ReadOnlyStorageError) as caught:
            _set_one(reader, 3)
        _plain(str(caught.value))
    finally:
        reader.close()
    assert _sha(programme_db.path) == before


READ_AS_NOBODY = """
import sys
from pmdesk.domain.errors import PmdeskError
from pmdesk.storage.database import open_database
try:
    db = open_database(sys.argv[1])
except PmdeskError as exc:
    print("REFUSED", type(exc).__name__, exc)
else:
    print("OPENED")
db = open_database(sys.argv[1], read_only_if_needed=True)
print("READ-ONLY", type(db.gate.verdict()).__name__)
db.close()
"""


@pytest.mark.skipif(
    not hasattr(os, "setuid") or os.geteuid() != 0, reason="needs root to become another user"
)
def test_a_healthy_file_in_a_read_only_folder_is_not_called_damaged() -> None:
    # Outside pytest's own temporary folder, which only root may enter.
    with tempfile.TemporaryDirectory(prefix="pmdesk-read-only-") as outer:
        top = Path(outer)
        top.chmod(0o755)
        folder = top / "shared-drive"
        folder.mkdir()
        db = open_database(folder / "office.sqlite")
        small_programme(db)
        db.close()
        for path in folder.iterdir():
            path.chmod(0o644)
        folder.chmod(0o555)  # readable by everyone, writable by no one but root
        repo = Path(__file__).resolve().parents[2]
        try:
            result = subprocess.run(
                [sys.executable, "-c", READ_AS_NOBODY, str(folder / "office.sqlite")],
                capture_output=True,
                text=True,
                cwd=repo,
                env={**os.environ, "PYTHONPATH": str(repo), "HOME": str(top)},
                preexec_fn=lambda: os.setuid(65534),  # the child only reads
                timeout=60,
                check=False,
            )
        finally:
            folder.chmod(0o755)
    output = result.stdout + result.stderr
    assert "REFUSED ReadOnlyStorageError" in output, output
    assert "damaged" not in output.split("READ-ONLY")[0]
    assert "READ-ONLY ReadOnlyStorageError" in output, output


# --- damage -----------------------------------------------------------------------------------


def _damage_data_pages(path: Path, marker: bytes = b"y" * 500) -> None:
    """Break the headers of the pages holding `marker` (the values' comments), as a failing disk
    would: the schema stays readable, so the file opens."""
    data = bytearray(path.read_bytes())
    page = 4096
    hit = 0
    for start in range(page, len(data), page):
        if marker in data[start : start + page]:
            data[start : start + 12] = os.urandom(12)
            hit += 1
    assert hit
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged_file(db_path: Path) -> Path:
    db = open_database(db_path, actor="tester")
    built = small_programme(db)
    for period in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
        for site in ("N01", "N02"):
            built.entry.set_value("WASH-01", "1.1", period, site, {"SEX": "F"}, value=7, comment="y" * 3000)
    db.close()
    with sqlite3.connect(db_path) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _damage_data_pages(db_path)
    return db_path


def test_a_file_with_damaged_pages_takes_no_writes(damaged_file: Path) -> None:
    """Issue #6 item 4: 51 of 51 saves went into a damaged file."""
    db = open_database(damaged_file, actor="tester")
    try:
        refusal = db.gate.verdict(timeout=30)
        assert isinstance(refusal, DatabaseDamagedError)
        assert "damaged" in str(refusal) and "Restore backup" in str(refusal)
        _plain(str(refusal))
        accepted = 0
        entry = services(db).entry
        for value in range(51):
            try:
                entry.set_value("WASH-01", "1.1", "2025Q1", "N02", {"SEX": "M"}, value=value)
                accepted += 1
            except StorageError as exc:
                _plain(str(exc))
        assert accepted == 0
    finally:
        db.close()


def test_writes_wait_for_the_check_of_the_file(db: Database) -> None:
    gate = database_module.WriteGate()
    db.sessions.kw["info"]["write_gate"] = gate
    done = threading.Event()

    def write() -> None:
        small_programme(db)
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    time.sleep(0.2)
    assert not done.is_set()  # held while the check runs
    gate.open()
    writer.join(10)
    assert done.is_set()


# --- files of another version -----------------------------------------------------------------


def test_a_file_from_a_newer_pmdesk_is_refused_plainly_and_untouched(programme_db: Database) -> None:
    programme_db.close()
    with sqlite3.connect(programme_db.path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0099_future'")
    raw.close()
    before = _sha(programme_db.path)
    with pytest.raises(NewerDatabaseError) as caught:
        open_database(programme_db.path)
    assert "newer version of PMDesk" in str(caught.value) and "Update PMDesk" in str(caught.value)
    assert "Can't locate revision" not in str(caught.value)
    assert _sha(programme_db.path) == before
    assert not backup_dir(programme_db.path).exists()


def test_a_failed_migration_is_said_plainly_and_names_the_backup(programme_db: Database) -> None:
    programme_db.close()
    # Claims an older schema than it has: the next migration finds its work done and fails.
    with sqlite3.connect(programme_db.path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0001_initial'")
    raw.close()
    with pytest.raises(MigrationFailedError) as caught:
        open_database(programme_db.path)
    message = str(caught.value)
    assert "could not update" in message and str(backup_dir(programme_db.path)) in message
    _plain(message)
    assert list(backup_dir(programme_db.path).glob("*before-migration*"))


def test_a_read_only_open_of_an_older_file_writes_nothing(programme_db: Database) -> None:
    """Today's read-only commands made a pre-migration backup of an older file."""
    programme_db.close()
    with sqlite3.connect(programme_db.path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0001_initial'")
    raw.close()
    before = _sha(programme_db.path)
    with pytest.raises(ReadOnlyStorageError) as caught:
        open_database(programme_db.path, read_only=True)
    assert "older version of PMDesk" in str(caught.value)
    assert _sha(programme_db.path) == before
    assert not backup_dir(programme_db.path).exists()


def test_a_save_on_the_window_thread_does_not_wait_long_for_the_check(programme_db: Database) -> None:
    """The window's saves run on its own thread: one made while a large file is still being checked
    is refused as busy (kept on screen and tried again), instead of freezing the window."""
    gate = database_module.WriteGate(programme_db.path)
    gate.main_thread_wait = 0.05
    programme_db.sessions.kw["info"]["write_gate"] = gate
    with pytest.raises(DatabaseBusyError) as caught:
        _set_one(programme_db, 4)
    assert "still being checked" in str(caught.value) and caught.value.is_transient
    gate.open()
    _set_one(programme_db, 4)
    assert _value_of(services(programme_db)) == 4


def test_the_entry_grid_shows_while_another_program_writes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the grid was a write transaction (for new option combos), so a long import held it up."""
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 50)
    db = open_database(db_path, actor="tester")
    try:
        small_programme(db)
        grids = EntryGridService(db.sessions)
        grids.grid("WASH-01", "N01", "2025Q1")  # the first showing stores the option combos
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            grid = grids.grid("WASH-01", "N02", "2025Q2")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert sorted(i.code for i in grid.indicators) == ["1.1", "2.1", "3.1"]
    finally:
        db.close()


KILLED_MID_RESTORE = """
import os, signal, sys
from pathlib import Path
from pmdesk.storage import restore

real_replace = os.replace

def replace(source, target):
    if str(source).endswith(".restoring"):
        os.kill(os.getpid(), signal.SIGKILL)  # the live file is aside, the backup not yet in place
    real_replace(source, target)

restore.os.replace = replace
restore.restore_backup(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_restore_killed_half_way_is_finished_at_the_next_open(
    programme_db: Database, tmp_path: Path
) -> None:
    from pmdesk.storage.backup import backup_database

    backup = backup_database(programme_db.path, destination=tmp_path / "kept-copy.sqlite")
    _set_one(programme_db, 99)  # after the backup: the restore takes it back
    programme_db.close()
    repo = Path(__file__).resolve().parents[2]
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_MID_RESTORE, str(programme_db.path), str(backup)],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -9
    assert not programme_db.path.exists()  # without the recovery, a new empty database would go here
    reopened = open_database(programme_db.path, actor="tester")
    try:
        assert _value_of(services(reopened)) is None  # the backup's content, made before the 99
        assert [p.code for p in ProgrammeService(reopened.sessions, Actor("t", "")).list_programmes()] == [
            "WASH-01"
        ]
    finally:
        reopened.close()
    assert list(programme_db.path.parent.glob("pmdesk-test.replaced-*.sqlite"))  # the replaced file kept

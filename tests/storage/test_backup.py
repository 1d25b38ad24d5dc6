# SPDX-License-Identifier: GPL-3.0-or-later
"""Backups: consistent copies of an open database, verified, rotated beside the file."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

import pmdesk
from pmdesk.storage.backup import (
    KEEP_BACKUPS,
    BackupError,
    backup_database,
    backup_dir,
    latest_verified_backup,
    list_backups,
    verify_backup,
)
from pmdesk.storage.database import Database, open_database
from pmdesk.storage.models import ProgrammeRow

REPO_ROOT = Path(pmdesk.__file__).resolve().parent.parent


def _add_programmes(db: Database, *codes: str) -> None:
    with db.sessions.begin() as session:
        for code in codes:
            session.add(
                ProgrammeRow(
                    code=code,
                    name=f"Programme {code}",
                    start=date(2026, 1, 1),
                    end=date(2026, 12, 31),
                    frequency="monthly",
                )
            )


def _programme_codes(path: Path) -> list[str]:
    copy = sqlite3.connect(path)
    try:
        return [row[0] for row in copy.execute("SELECT code FROM programme ORDER BY code")]
    finally:
        copy.close()


def _integrity(path: Path) -> str:
    copy = sqlite3.connect(path)
    try:
        return str(copy.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        copy.close()


def test_backup_of_an_open_database_holds_what_is_still_in_the_wal(db: Database) -> None:
    _add_programmes(db, "P1", "P2")
    wal = db.path.with_name(db.path.name + "-wal")
    assert wal.stat().st_size > 0  # committed, not yet checkpointed into the main file

    copy = backup_database(db.path, reason="test")

    assert copy.parent == backup_dir(db.path)
    assert copy.name.startswith(db.path.stem + "-") and copy.name.endswith("-test.sqlite")
    assert _integrity(copy) == "ok"
    assert _programme_codes(copy) == ["P1", "P2"]
    with db.engine.connect() as conn:
        device = conn.exec_driver_sql("SELECT uuid FROM device").scalar_one()
    raw = sqlite3.connect(copy)
    try:
        assert raw.execute("SELECT uuid FROM device").fetchone() == (device,)
        # A copy is a single self-contained file, not a WAL database needing its sidecars.
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        raw.close()
    assert not copy.with_name(copy.name + "-wal").exists()
    assert not list(copy.parent.glob("*.partial"))


def test_backup_leaves_out_an_uncommitted_transaction(db: Database) -> None:
    _add_programmes(db, "P1")
    with db.engine.connect() as writer:
        writer.begin()
        writer.execute(
            text(
                'INSERT INTO programme (code, name, donor, description, start, "end", frequency, '
                "fiscal_year_start_month, threshold_exceeding, threshold_on_track, threshold_at_risk, "
                "uuid, modified_at) VALUES ('P9', 'x', '', '', '2026-01-01', '2026-12-31', 'monthly', "
                "1, 115, 85, 70, 'u-9', '2026-01-01 00:00:00')"
            )
        )
        assert writer.exec_driver_sql("SELECT count(*) FROM programme").scalar_one() == 2
        copy = backup_database(db.path)
        writer.rollback()
    assert _integrity(copy) == "ok"
    assert _programme_codes(copy) == ["P1"]


def test_rotation_keeps_the_newest_automatic_copies(db: Database) -> None:
    _add_programmes(db, "P1")
    made = [backup_database(db.path, reason=f"run-{i}") for i in range(KEEP_BACKUPS + 3)]
    assert len(set(made)) == len(made)
    kept = sorted(backup_dir(db.path).glob("*.sqlite"))
    assert kept == sorted(made[-KEEP_BACKUPS:])
    assert all(not path.exists() for path in made[:3])


def test_an_explicit_destination_is_honoured_and_never_rotated(db: Database, tmp_path: Path) -> None:
    _add_programmes(db, "P1")
    destination = tmp_path / "usb stick" / "before the workshop.sqlite"

    copy = backup_database(db.path, destination=destination)

    assert copy == destination
    assert _integrity(destination) == "ok"
    assert _programme_codes(destination) == ["P1"]
    assert not backup_dir(db.path).exists()  # an explicit copy does not start the rotation folder

    for i in range(KEEP_BACKUPS + 2):
        backup_database(db.path, reason=f"auto-{i}")
    assert destination.exists()
    assert len(list(backup_dir(db.path).glob("*.sqlite"))) == KEEP_BACKUPS


def test_a_leftover_partial_copy_is_replaced(db: Database, tmp_path: Path) -> None:
    _add_programmes(db, "P1")
    destination = tmp_path / "copy.sqlite"
    destination.with_name("copy.sqlite.partial").write_bytes(b"half a file from a power cut")
    destination.with_name("copy.sqlite.partial-journal").write_bytes(b"and its journal")

    backup_database(db.path, destination=destination)

    assert _programme_codes(destination) == ["P1"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.sqlite"]


# --- the source is only read ---------------------------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _database_with_a_hot_wal(db_path: Path, folder: Path) -> Path:
    """A PMDesk file whose last commits are only in its -wal, as a crash leaves it."""
    open_database(db_path).close()
    writer = sqlite3.connect(db_path, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("CREATE TABLE note (body TEXT)")
        writer.execute("INSERT INTO note VALUES ('only in the log'), ('me too')")
        folder.mkdir()
        # Copied while the writer is open: its commits are in the -wal, not yet in the file.
        shutil.copyfile(db_path, folder / db_path.name)
        shutil.copyfile(db_path.with_name(db_path.name + "-wal"), folder / (db_path.name + "-wal"))
    finally:
        writer.close()
    return folder / db_path.name


def test_a_backup_never_writes_to_its_source_even_with_a_wal_beside_it(db_path: Path, tmp_path: Path) -> None:
    source = _database_with_a_hot_wal(db_path, tmp_path / "crashed")
    wal = source.with_name(source.name + "-wal")
    before, wal_before = _sha256(source), wal.read_bytes()

    copy = backup_database(source, destination=tmp_path / "copy.sqlite")

    assert _sha256(source) == before  # the log was read, not folded into the file
    assert wal.read_bytes() == wal_before
    assert _integrity(copy) == "ok"
    raw = sqlite3.connect(copy)
    try:
        assert raw.execute("SELECT body FROM note ORDER BY body").fetchall() == [
            ("me too",),
            ("only in the log",),
        ]
    finally:
        raw.close()


def test_a_backup_of_a_missing_file_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "gone.sqlite"
    with pytest.raises(BackupError) as refused:
        backup_database(missing, destination=tmp_path / "copy.sqlite")
    assert str(missing) in str(refused.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_failed_backup_leaves_no_partial_copy_behind(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(b"this is not a database " * 400)
    destination = tmp_path / "copies" / "copy.sqlite"
    with pytest.raises(BackupError) as refused:
        backup_database(damaged, destination=destination)
    _assert_plain(str(refused.value))
    assert list(destination.parent.iterdir()) == []


def test_a_backup_while_another_connection_commits_is_a_consistent_snapshot(db: Database) -> None:
    with db.sessions.begin() as session:
        session.execute(text("CREATE TABLE ledger (amount INTEGER NOT NULL)"))
    stop = threading.Event()

    def write() -> None:
        writer = sqlite3.connect(db.path, isolation_level=None, timeout=30)
        try:
            while not stop.is_set():
                # Each commit keeps the ledger balanced: a copy taken mid-transaction would not be.
                writer.execute("BEGIN IMMEDIATE")
                writer.execute("INSERT INTO ledger VALUES (5), (-5)")
                writer.execute("COMMIT")
        finally:
            writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        copies = [backup_database(db.path, reason=f"busy-{i}") for i in range(3)]
    finally:
        stop.set()
        thread.join(timeout=60)
    for copy in copies:
        assert _integrity(copy) == "ok"
        raw = sqlite3.connect(copy)
        try:
            count, total = raw.execute("SELECT count(*), coalesce(sum(amount), 0) FROM ledger").fetchone()
        finally:
            raw.close()
        assert count % 2 == 0 and total == 0


# --- the folder keeps its bound ------------------------------------------------------------------


def test_every_leftover_goes_at_the_next_backup_and_nothing_else(db: Database) -> None:
    _add_programmes(db, "P1")
    folder = backup_dir(db.path)
    made = [backup_database(db.path, reason=f"run-{i}") for i in range(KEEP_BACKUPS)]
    stem = db.path.stem
    leftovers = [
        folder / f"{stem}-20200101T000000000000Z-before-import.sqlite.partial",  # a copy killed mid-way
        folder / f"{stem}-20200101T000000000000Z-before-import.sqlite.partial-journal",  # ... its journal
        folder / f"{stem}-20200102T000000000000Z-manual.sqlite.partial-journal",  # journal of a gone copy
        folder / f"{stem}-20200103T000000000000Z-manual.sqlite.partial-wal",
        folder / f"{stem}-20200103T000000000000Z-manual.sqlite.partial-shm",
        folder / f"{stem}-20200104T000000000000Z-manual.sqlite-wal",  # side file of a copy removed before
        made[0].with_name(made[0].name + "-journal"),  # side file of the copy rotated away next
    ]
    for path in leftovers:
        path.write_bytes(b"\0" * 4096)
    not_ours = [folder / "notes.txt", folder / f"{stem}-my own copy.sqlite"]
    for path in not_ours:
        path.write_text("the user's")

    newest = backup_database(db.path, reason="next")

    assert sorted(folder.iterdir()) == sorted([*made[1:], newest, *not_ours])


KILLED_MID_COPY = """
import sqlite3, sys, types
from pathlib import Path
import pmdesk.storage.backup as backup

class Paused:
    '''A connection whose backup copies a few pages, says so, then waits to be killed.'''

    def __init__(self, connection):
        self._connection = connection

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def backup(self, target, **_):
        def progress(status, remaining, total):
            Path(sys.argv[2]).write_text(f"{remaining} of {total} pages to go")
            sys.stdin.read()

        self._connection.backup(getattr(target, "_connection", target), pages=64, progress=progress)

real_connect = sqlite3.connect
shim = types.SimpleNamespace(**{name: getattr(sqlite3, name) for name in dir(sqlite3) if not name.startswith("__")})
shim.connect = lambda *args, **kwargs: Paused(real_connect(*args, **kwargs))
backup.sqlite3 = shim
backup.backup_database(Path(sys.argv[1]), reason="killed")
"""


def test_a_copy_being_written_is_kept_and_a_killed_ones_debris_goes_at_the_next_backup(
    db_path: Path, tmp_path: Path
) -> None:
    open_database(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE filler (body BLOB)")
    raw.executemany("INSERT INTO filler VALUES (randomblob(4096))", [()] * 2500)  # about 10 MB
    raw.commit()
    raw.close()
    folder = backup_dir(db_path)
    ready = tmp_path / "copying"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_COPY, str(db_path), str(ready)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            if process.poll() is not None:
                pytest.fail(f"backup process failed: {process.stderr.read() if process.stderr else ''}")
            if time.monotonic() > deadline:
                pytest.fail("backup process did not start copying in 60 s")
            time.sleep(0.02)
        (in_progress,) = folder.glob("*-killed.sqlite.partial")

        mine = backup_database(db_path, reason="meanwhile")  # tidies the folder, but not that copy
        assert in_progress.exists()
        assert _integrity(mine) == "ok"

        process.kill()  # SIGKILL mid-copy: no chance to clean up
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    debris = [p for p in folder.iterdir() if not p.name.endswith(".sqlite")]
    assert debris, "a copy killed mid-way leaves its partial file (and journal) behind"

    after = backup_database(db_path, reason="after")

    assert sorted(folder.iterdir()) == sorted([mine, after])


# --- finding and checking copies -----------------------------------------------------------------


def _assert_plain(message: str) -> None:
    for technical in ("Error", "Exception", "PRAGMA", "SELECT", "sqlite3", "Traceback"):
        assert technical not in message, message


def test_list_backups_newest_first_with_time_size_and_reason(db: Database) -> None:
    _add_programmes(db, "P1")
    before = datetime.now(UTC)
    made = [backup_database(db.path, reason=reason) for reason in ("manual", "before-import", "nightly run")]
    (backup_dir(db.path) / "notes.txt").write_text("not a copy")
    made[-1].with_name(made[-1].name + ".partial").write_bytes(b"")

    listed = list_backups(db.path)

    assert [info.path for info in listed] == made[::-1]
    assert [info.reason for info in listed] == ["nightly-run", "before-import", "manual"]
    assert all(info.size == info.path.stat().st_size > 0 for info in listed)
    assert all(before <= info.created <= datetime.now(UTC) for info in listed)
    assert listed[0].created >= listed[1].created >= listed[2].created
    assert list_backups(db.path.with_name("never-backed-up.sqlite")) == []


def test_verify_backup_accepts_a_sound_copy(db: Database) -> None:
    _add_programmes(db, "P1")
    verify_backup(backup_database(db.path))


@pytest.mark.parametrize("kind", ["damaged", "truncated", "another program's", "missing"])
def test_verify_backup_refuses_in_plain_words(kind: str, db: Database, tmp_path: Path) -> None:
    _add_programmes(db, "P1")
    copy = backup_database(db.path)
    if kind == "damaged":
        copy.write_bytes(b"this is not a database " * 400)
    elif kind == "truncated":
        copy.write_bytes(copy.read_bytes()[:12000])
    elif kind == "another program's":
        copy = tmp_path / "other.sqlite"
        raw = sqlite3.connect(copy)
        raw.execute("CREATE TABLE notes (body TEXT)")
        raw.commit()
        raw.close()
    else:
        copy = tmp_path / "missing.sqlite"
    with pytest.raises(BackupError) as refused:
        verify_backup(copy)
    assert str(copy) in str(refused.value)
    _assert_plain(str(refused.value))


def test_latest_verified_backup_passes_over_a_damaged_newest_copy(db: Database) -> None:
    assert latest_verified_backup(db.path) is None  # no folder yet
    _add_programmes(db, "P1")
    older = backup_database(db.path, reason="older")
    newest = backup_database(db.path, reason="newest")
    assert latest_verified_backup(db.path) == newest

    newest.write_bytes(newest.read_bytes()[:12000])

    assert latest_verified_backup(db.path) == older
    older.write_bytes(b"")
    assert latest_verified_backup(db.path) is None

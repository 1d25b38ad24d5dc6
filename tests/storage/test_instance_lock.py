# SPDX-License-Identifier: GPL-3.0-or-later
"""One PMDesk per database file, whatever name reaches it: hard link, symlink, bind mount."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

import pmdesk
from pmdesk.storage.database import Database, open_database
from pmdesk.storage.instance_lock import DatabaseInUseError, InstanceLock
from tests.storage.holder import held_elsewhere

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="links and mounts as POSIX has them")

REPO_ROOT = Path(pmdesk.__file__).resolve().parent.parent

TRY_LOCK = """
import sys
from pmdesk.storage.instance_lock import DatabaseInUseError, InstanceLock

try:
    InstanceLock(__import__("pathlib").Path(sys.argv[1])).acquire()
except DatabaseInUseError as refused:
    print(refused)
    sys.exit(0)
print("acquired")
sys.exit(3)
"""


@pytest.fixture
def alias(db_path: Path, tmp_path: Path) -> Path:
    """A second name, in another folder, for the file at db_path (created empty if missing)."""
    db_path.touch()
    other = tmp_path / "elsewhere" / "alias.sqlite"
    other.parent.mkdir()
    os.link(db_path, other)
    return other


@pytest.fixture
def holder_through_alias(alias: Path, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process that has the database open through its alias until killed."""
    process = held_elsewhere(alias, tmp_path / "ready")
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)


def _sqlite_read_locks_of_this_process(path: Path) -> list[str]:
    """SQLite's own (POSIX, process-owned) locks that this process holds on the file."""
    inode = f":{path.stat().st_ino} "
    with open("/proc/locks", encoding="ascii") as locks:
        return [
            " ".join(line.split()[1:])  # without the line's ordinal, which changes as locks come and go
            for line in locks
            if inode in line and " POSIX " in line and line.split()[4] == str(os.getpid())
        ]


# --- one lock for the file under every name ----------------------------------------------------


def test_a_hard_link_in_another_folder_is_refused_and_says_who_holds_the_file(
    db_path: Path, alias: Path
) -> None:
    first = InstanceLock(db_path)
    first.acquire()
    try:
        with pytest.raises(DatabaseInUseError) as refused:
            InstanceLock(alias).acquire()
        message = str(refused.value)
        assert str(alias) in message and "already open in another PMDesk" in message
        assert f"process {os.getpid()}" in message
        assert str(db_path) in message  # the name the holder used, since it is not this one
    finally:
        first.release()
    second = InstanceLock(alias)
    second.acquire()  # released on close: the other name is free now
    second.release()


def test_a_symlink_is_refused(db_path: Path, tmp_path: Path) -> None:
    db_path.touch()
    link = tmp_path / "shortcut" / "link.sqlite"
    link.parent.mkdir()
    link.symlink_to(db_path)
    first = InstanceLock(db_path)
    first.acquire()
    try:
        with pytest.raises(DatabaseInUseError) as refused:
            InstanceLock(link).acquire()
        assert f"process {os.getpid()}" in str(refused.value)
    finally:
        first.release()


def _bind_mounts_work(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    source, target = tmp_path / "probe-source", tmp_path / "probe-target"
    source.mkdir()
    target.mkdir()
    probe = subprocess.run(
        ["unshare", "-m", "mount", "--bind", str(source), str(target)], capture_output=True, timeout=30
    )
    return probe.returncode == 0


@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_bind_mount_is_refused(what: str, db_path: Path, tmp_path: Path) -> None:
    if not _bind_mounts_work(tmp_path):
        pytest.skip("bind mounts need root and mount namespaces (unshare -m), not available here")
    db_path.touch()
    mount_point = tmp_path / "mounted"
    if what == "folder":
        mount_point.mkdir()
        source, seen_as = db_path.parent, mount_point / db_path.name
    else:
        mount_point.mkdir()
        (mount_point / "other.sqlite").touch()
        source, seen_as = db_path, mount_point / "other.sqlite"
    target = seen_as.parent if what == "folder" else seen_as
    first = InstanceLock(db_path)
    first.acquire()
    try:
        # The mount exists only in the child's own mount namespace, and goes with it.
        result = subprocess.run(
            [
                "unshare",
                "-m",
                "sh",
                "-c",
                'mount --bind "$1" "$2" && exec "$3" -c "$4" "$5"',
                "sh",
                str(source),
                str(target),
                sys.executable,
                TRY_LOCK,
                str(seen_as),
            ],
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=60,
        )
    finally:
        first.release()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "already open in another PMDesk" in result.stdout
    assert f"process {os.getpid()}" in result.stdout


def test_a_holder_through_a_hard_link_is_refused_until_killed_and_leaves_no_stale_lock(
    db_path: Path, holder_through_alias: subprocess.Popen[str]
) -> None:
    with pytest.raises(DatabaseInUseError) as refused:
        open_database(db_path)
    assert f"process {holder_through_alias.pid}" in str(refused.value)

    holder_through_alias.kill()  # SIGKILL: no chance to release anything
    holder_through_alias.wait(timeout=30)
    open_database(db_path).close()


def test_opening_a_database_twice_through_a_hard_link_is_refused(db: Database, tmp_path: Path) -> None:
    alias = tmp_path / "elsewhere" / "alias.sqlite"
    alias.parent.mkdir()
    os.link(db.path, alias)
    with pytest.raises(DatabaseInUseError) as refused:
        open_database(alias)
    assert str(alias) in str(refused.value) and f"process {os.getpid()}" in str(refused.value)


def test_an_older_pmdesk_holding_only_the_file_beside_the_database_is_respected(db_path: Path) -> None:
    # Earlier versions locked '<database>.lock' alone (with flock) and wrote who they are in it.
    db_path.touch()
    with open(db_path.with_name(db_path.name + ".lock"), "a+", encoding="utf-8") as older:
        fcntl.flock(older.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        older.write("process 4242 on an older PMDesk")
        older.flush()
        with pytest.raises(DatabaseInUseError) as refused:
            InstanceLock(db_path).acquire()
    assert "process 4242 on an older PMDesk" in str(refused.value)
    lock = InstanceLock(db_path)
    lock.acquire()  # the failed attempt held nothing back
    lock.release()


def test_a_new_database_file_is_created_and_locked(tmp_path: Path) -> None:
    path = tmp_path / "new" / "fresh.sqlite"
    path.parent.mkdir()
    lock = InstanceLock(path)
    lock.acquire()
    try:
        assert path.exists() and path.stat().st_size == 0  # empty: SQLite makes it a new database
        alias = tmp_path / "fresh-alias.sqlite"
        os.link(path, alias)
        with pytest.raises(DatabaseInUseError):
            InstanceLock(alias).acquire()
    finally:
        lock.release()


# --- the lock and SQLite's own locks ------------------------------------------------------------


def test_the_database_reads_writes_and_checkpoints_while_its_lock_is_held(db_path: Path) -> None:
    db = open_database(db_path)
    try:
        with db.sessions.begin() as session:
            session.execute(text("CREATE TABLE note (body TEXT)"))
            session.execute(text("INSERT INTO note VALUES ('typed'), ('kept')"))
        with db.sessions() as session:
            assert session.execute(text("SELECT count(*) FROM note")).scalar_one() == 2
        with db.engine.connect() as conn:
            # A checkpoint needs SQLite's exclusive locks on the file: the instance lock is elsewhere.
            busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
            assert busy == 0

        reader = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sqlite3, sys\n"
                "c = sqlite3.connect(f'file:{sys.argv[1]}?mode=ro', uri=True)\n"
                "print(c.execute('SELECT count(*) FROM note').fetchone()[0])\n",
                str(db_path),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert reader.returncode == 0, reader.stderr
        assert reader.stdout.strip() == "2"
    finally:
        db.close()
    # The last connection could take SQLite's exclusive lock to fold the log back in and remove it.
    assert not db_path.with_name(db_path.name + "-wal").exists()
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("SELECT body FROM note ORDER BY body").fetchall() == [("kept",), ("typed",)]
    finally:
        raw.close()


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads Linux's list of file locks")
def test_a_refused_open_leaves_sqlites_own_locks_in_this_process_alone(db: Database, tmp_path: Path) -> None:
    # POSIX drops every lock a process holds on a file when it closes any descriptor of that file:
    # the lock must never close one while SQLite in this process may be relying on its locks.
    with db.sessions() as session:
        session.execute(text("SELECT count(*) FROM device")).scalar_one()  # a pooled WAL reader
    held = _sqlite_read_locks_of_this_process(db.path)
    assert held, "an open WAL connection holds a read lock on the database file"

    alias = tmp_path / "elsewhere" / "alias.sqlite"
    alias.parent.mkdir()
    os.link(db.path, alias)
    for _ in range(3):
        with pytest.raises(DatabaseInUseError):
            InstanceLock(alias).acquire()
    assert _sqlite_read_locks_of_this_process(db.path) == held


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads Linux's list of file locks")
def test_releasing_the_lock_leaves_other_connections_locks_alone(db_path: Path) -> None:
    db = open_database(db_path)
    reader = open_database(db_path, read_only=True)
    try:
        with reader.sessions() as session:
            session.execute(text("SELECT count(*) FROM device")).scalar_one()
        db.close()
        assert _sqlite_read_locks_of_this_process(db_path), "the reader's lock survived the close"
        with reader.sessions() as session:
            assert session.execute(text("SELECT count(*) FROM device")).scalar_one() == 1
    finally:
        db.close()
        reader.close()

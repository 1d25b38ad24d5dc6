# SPDX-License-Identifier: GPL-3.0-or-later
"""Putting a verified backup in place of a database file, keeping the file it replaces.

Copying a backup over the file by hand leaves the old file's -wal beside it, and SQLite then
replays that log into the backup, which damages it. Here the live file and its -wal, -shm and
-journal are moved aside together (kept, never deleted) before the backup goes in.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pmdesk.domain.errors import PmdeskError
from pmdesk.storage.backup import backup_database, verify_backup
from pmdesk.storage.database import damaged_error, quick_check
from pmdesk.storage.instance_lock import InstanceLock

log = logging.getLogger(__name__)

SIDE_FILES = ("-wal", "-shm", "-journal")


class RestoreError(PmdeskError):
    pass


@dataclass(frozen=True)
class RestoreResult:
    database: Path
    backup: Path
    kept: tuple[Path, ...]  # the replaced file and its side files, moved aside


def restore_backup(database: Path, backup: Path) -> RestoreResult:
    """Replace `database` by a verified copy of `backup`.

    Raises BackupError if the backup is not a sound PMDesk database, DatabaseInUseError if
    another PMDesk has the file open, RestoreError for anything else; in every case the live file
    is where it was, unchanged.
    """
    database = database.expanduser().resolve()
    backup = backup.expanduser().resolve()
    if not backup.is_file():
        raise RestoreError(f"there is no backup at {backup}")
    if backup == database:
        raise RestoreError("the backup to restore must be another file than the database itself")
    verify_backup(backup)
    database.parent.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(database) if database.exists() else None
    if lock is not None:
        lock.acquire()
    staged = staged_copy(database)
    try:
        # Copied with the backup API and checked again: the backup may sit on a failing stick.
        backup_database(backup, destination=staged)
        _fsync(staged)
        kept = _move_aside(database)
        try:
            os.replace(staged, database)
        except OSError as exc:
            _move_back(database, kept)
            raise RestoreError(f"the backup could not be put in place of {database}: {exc.strerror}") from exc
        _fsync_folder(database.parent)
    finally:
        staged.unlink(missing_ok=True)
        if lock is not None:
            lock.release()
    findings = quick_check(database)
    if findings:  # the copy passed its check a moment ago: the disk itself is failing
        raise damaged_error(database, findings)
    log.info("restored %s from %s; the replaced file is kept as %s", database, backup, kept)
    return RestoreResult(database, backup, kept)


def staged_copy(database: Path) -> Path:
    """Where a restore puts its verified copy before it takes the database's place."""
    return database.with_name(f"{database.name}.restoring")


def finish_interrupted_restore(database: Path) -> bool:
    """Complete a restore that was killed after the live file was moved aside and before the
    backup took its place: the verified copy is put in place (True). Without that, the next start
    would make an empty database there. A copy left while the live file is still there means the
    restore had changed nothing yet: it is removed. Call with the database's lock held."""
    staged = staged_copy(database)
    if not staged.exists():
        return False
    if database.exists() and database.stat().st_size > 0:
        staged.unlink(missing_ok=True)
        return False
    for suffix in SIDE_FILES:  # of the empty file the lock may have made
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    os.replace(staged, database)
    _fsync_folder(database.parent)
    log.warning("finished an interrupted restore of %s", database)
    return True


def _move_aside(database: Path) -> tuple[Path, ...]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = database.with_name(f"{database.stem}.replaced-{stamp}{database.suffix}")
    kept: list[Path] = []
    try:
        for suffix in ("", *SIDE_FILES):
            source = database.with_name(database.name + suffix)
            if source.exists():
                target = base.with_name(base.name + suffix)
                os.replace(source, target)
                kept.append(target)
    except OSError as exc:
        _move_back(database, tuple(kept))
        raise RestoreError(
            f"{database} could not be moved aside ({exc.strerror}); nothing was changed"
        ) from exc
    return tuple(kept)


def _move_back(database: Path, kept: tuple[Path, ...]) -> None:
    """Undo _move_aside: every file back under its own name."""
    for moved in reversed(kept):
        suffix = next((s for s in SIDE_FILES if moved.name.endswith(s)), "")
        os.replace(moved, database.with_name(database.name + suffix))


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; its renames are journalled
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

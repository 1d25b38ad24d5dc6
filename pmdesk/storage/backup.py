# SPDX-License-Identifier: GPL-3.0-or-later
"""Verified copies of a database with SQLite's backup API, kept in a folder of bounded size.

Automatic copies go to '<name>-backups/' beside the database as '<name>-<UTC time>-<reason>.sqlite'.
Each is written as '<copy>.partial', passes SQLite's integrity check, and only then gets its
name: a file with that name is a verified copy.

The folder's bound: at most KEEP_BACKUPS verified copies, plus one '.partial' copy (with SQLite's
-journal beside it) for each backup being written at that moment, normally none or one since the
one PMDesk that has the file open makes its backups. For a database of S bytes that is about
(KEEP_BACKUPS + 1) × S while a backup runs (more only if older copies are of a larger file).
Whatever else a backup leaves there (a killed or failed backup's partial copy and its -journal,
-wal or -shm, the side files of removed copies) is deleted by the next automatic backup before
it copies, so a nearly full disk gets that space back first. Files with other names (notes, a
copy put there by hand) are left alone.

A copy being written is told from a dead one by a lock its writer holds on it (file_lock.py). The
OS drops the lock when the writer ends, however it ends, so a leftover goes as soon as it is one,
and a copy a live process is writing is never deleted. An age rule ("older than ten minutes")
would let kills in quick succession pile up, and delete a copy that a slow disk takes long to write.

The source is read through a read-only connection. A plain one would, as the last connection to
close the file, fold the -wal beside it into it, even a -wal that is not the file's own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pmdesk.domain.errors import PmdeskError
from pmdesk.storage import file_lock
from pmdesk.storage.failures import (
    SQLITE_CANTOPEN,
    SQLITE_CORRUPT,
    SQLITE_FULL,
    SQLITE_IOERR,
    SQLITE_NOTADB,
    SQLITE_PERM,
    SQLITE_READONLY,
    primary_code,
)
from pmdesk.storage.file_access import read_only_uri

log = logging.getLogger(__name__)

KEEP_BACKUPS = 10

_STAMP = "%Y%m%dT%H%M%S%fZ"
_SIDE_FILES = ("-journal", "-wal", "-shm")


class BackupError(PmdeskError):
    pass


@dataclass(frozen=True)
class BackupInfo:
    """One automatic copy in a database's backup folder."""

    path: Path
    created: datetime  # when it was made, in this computer's time zone (from its name)
    size: int  # bytes
    reason: str  # as given to backup_database, made fit for a file name: "before-import" …


def backup_dir(database: Path) -> Path:
    return database.with_name(database.stem + "-backups")


def backup_database(database: Path, *, reason: str = "manual", destination: Path | None = None) -> Path:
    """Copy `database` (consistently, even while it is open; without writing to it) and check the copy.

    Without `destination` the copy goes to '<name>-backups/' beside the file, which is kept to its
    bound (see the module docstring). Raises BackupError, with nothing left behind, if no sound
    copy could be made.
    """
    folder: Path | None = None
    if destination is None:
        folder = backup_dir(database)
        _make_folder(folder, database)
        _tidy(folder, database.stem, keep=None)
        stamp = datetime.now(UTC).strftime(_STAMP)
        destination = folder / f"{database.stem}-{stamp}-{_slug(reason)}.sqlite"
    else:
        _make_folder(destination.parent, database)
    _copy(database, destination)
    if folder is not None:
        _tidy(folder, database.stem, keep=KEEP_BACKUPS)
    return destination


def verify_backup(path: Path) -> None:
    """Raise BackupError, in plain words, unless `path` is a sound PMDesk database. Read-only."""
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            is_pmdesk = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:
        log.warning("backup %s cannot be read: %s", path, exc)
        raise BackupError(
            f"{path} cannot be used as a backup: it is not a database, or it is damaged."
        ) from None
    if verdict != "ok":
        log.warning("backup %s failed its integrity check: %s", path, verdict)
        raise BackupError(
            f"{path} cannot be used as a backup: it is damaged (some of its pages are unreadable)."
        )
    if is_pmdesk is None:
        raise BackupError(f"{path} cannot be used as a backup: it is not a PMDesk database.")


def list_backups(database: Path) -> list[BackupInfo]:
    """The automatic copies of `database`, newest first; not verified (see verify_backup)."""
    folder = backup_dir(database)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        name = _name(database.stem).fullmatch(path.name)
        if name is None or name["partial"] or name["side"]:
            continue
        try:
            status = path.stat()
        except OSError:  # removed meanwhile
            continue
        try:
            created = datetime.strptime(name["stamp"], _STAMP).replace(tzinfo=UTC)
        except ValueError:  # a name with an impossible date: when the file was last written
            created = datetime.fromtimestamp(status.st_mtime, UTC)
        found.append(BackupInfo(path, created.astimezone(), status.st_size, name["reason"]))
    return sorted(found, key=lambda info: (info.created, info.path.name), reverse=True)


def latest_verified_backup(database: Path) -> Path | None:
    """The newest automatic copy of `database` that passes verify_backup, or None; newest first,
    so usually one check."""
    for info in list_backups(database):
        try:
            verify_backup(info.path)
        except BackupError as refused:
            log.warning("skipping backup: %s", refused)
            continue
        return info.path
    return None


# --- writing a copy ------------------------------------------------------------------------------


def _copy(database: Path, destination: Path) -> None:
    tmp = destination.with_name(destination.name + ".partial")
    descriptor = _claim(tmp, destination)
    held = True
    try:
        _write_verified_copy(database, tmp)
        os.fsync(descriptor)  # the copy's bytes on disk before its name says it is whole
        if sys.platform == "win32":  # Windows cannot rename a file we hold open
            held = False
            _let_go(descriptor)
        os.replace(tmp, destination)
    except BaseException as exc:
        if held and sys.platform == "win32":  # nor remove it
            held = False
            _let_go(descriptor)
        _remove_with_side_files(tmp)  # on POSIX while still holding it: nobody else writes it
        if isinstance(exc, OSError):
            raise BackupError(
                f"PMDesk could not write a backup of {database.name} in {destination.parent} "
                f"({exc.strerror or exc}); nothing was kept."
            ) from exc
        raise
    finally:
        if held:
            _let_go(descriptor)
    _sync_folder(destination.parent)


def _claim(tmp: Path, destination: Path) -> int:
    """Create and lock `tmp` for writing, emptied of anything a dead writer left there."""
    for _ in range(3):
        try:
            descriptor = file_lock.open_lockable(tmp, create=True)
        except OSError as exc:
            raise BackupError(
                f"PMDesk could not write a backup in {destination.parent} ({exc.strerror or exc})."
            ) from exc
        if not file_lock.try_lock(descriptor):
            os.close(descriptor)
            raise BackupError(
                f"Another backup is being written to {destination} right now; try again when it is done."
            )
        if file_lock.same_file(descriptor, tmp):
            break
        _let_go(descriptor)  # a tidy-up removed it between our open and our lock: start again
    else:
        raise BackupError(f"PMDesk could not start a backup in {destination.parent}; try again.")
    # A dead writer's journal would be played back into the new copy: it goes before SQLite looks.
    for suffix in _SIDE_FILES:
        tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)
    os.ftruncate(descriptor, 0)
    return descriptor


def _write_verified_copy(database: Path, tmp: Path) -> None:
    if not database.is_file():
        raise BackupError(f"There is no database at {database} to back up.")
    try:
        source = sqlite3.connect(read_only_uri(database), uri=True)
        try:
            target = sqlite3.connect(tmp)
            try:
                source.backup(target)  # one step: one read transaction, one consistent snapshot
                # The copy is useful only if it is whole: check it before trusting it.
                verdict = target.execute("PRAGMA integrity_check").fetchone()[0]
                if verdict != "ok":
                    log.error("the copy of %s failed its integrity check: %s", database, verdict)
                    raise BackupError(
                        f"The copy of {database} was not sound, so it was not kept: the file may be "
                        f"damaged, or the disk holding {tmp.parent} failing."
                    )
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                target.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        log.error("backup of %s to %s failed: %s", database, tmp, exc)
        raise BackupError(_plain_failure(database, tmp.parent, exc)) from None


def _plain_failure(database: Path, folder: Path, error: sqlite3.Error) -> str:
    code = primary_code(error)
    if code == SQLITE_FULL:
        return f"There is no room left on the disk holding {folder} for a backup of {database.name}; nothing was kept."
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return f"{database} could not be backed up: it is not a database, or it is damaged."
    if code in (SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN):
        return f"PMDesk could not read {database} or write in {folder}, so no backup was made."
    if code == SQLITE_IOERR:
        return f"The disk failed while {database.name} was being backed up to {folder}; nothing was kept."
    return f"{database} could not be backed up ({error}); nothing was kept."


def _make_folder(folder: Path, database: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"PMDesk could not make the folder {folder} for a backup of {database.name} "
            f"({exc.strerror or exc})."
        ) from None


def _let_go(descriptor: int) -> None:
    try:
        file_lock.unlock(descriptor)
    finally:
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (POSIX; Windows journals its renames)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):  # some file systems cannot sync a folder
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# --- keeping the folder to its bound ------------------------------------------------------------


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:60]


def _name(stem: str) -> re.Pattern[str]:
    """The names backups give files: a copy, its partial, and SQLite's side files of either."""
    return re.compile(
        rf"(?P<copy>{re.escape(stem)}-(?P<stamp>\d{{8}}T\d{{12}}Z)-(?P<reason>[^./\\]*)\.sqlite)"
        r"(?P<partial>\.partial)?(?P<side>-journal|-wal|-shm)?"
    )


def _tidy(folder: Path, stem: str, *, keep: int | None) -> None:
    """Remove leftovers of dead or failed backups and, with `keep`, all but the newest `keep` copies."""
    pattern = _name(stem)
    try:
        names = {path: found for path in folder.iterdir() if (found := pattern.fullmatch(path.name))}
    except OSError as exc:  # a backup is not refused, nor a finished one reported failed, for this
        log.warning("could not tidy %s: %s", folder, exc)
        return
    for path, found in names.items():
        if found["partial"] and not found["side"]:
            _remove_if_abandoned(path)
    copies = sorted(p for p, found in names.items() if not found["partial"] and not found["side"])
    kept = set(copies if keep is None else copies[-keep:])
    for old in set(copies) - kept:
        _remove_with_side_files(old)
    for path, found in names.items():
        if not found["side"]:
            continue
        owner = path.with_name(found["copy"] + (found["partial"] or ""))
        if not owner.exists() or (not found["partial"] and owner not in kept):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def _remove_if_abandoned(partial: Path) -> None:
    """Remove a partial copy and its side files unless a live process holds its lock."""
    try:
        descriptor = file_lock.open_lockable(partial, create=False)
    except OSError:  # gone meanwhile, or (Windows) held open by its writer
        return
    abandoned = False
    try:
        if file_lock.try_lock(descriptor):
            abandoned = file_lock.same_file(descriptor, partial)
            if abandoned and sys.platform != "win32":
                _remove_with_side_files(partial)  # while holding its lock: no writer can claim it
            file_lock.unlock(descriptor)
    finally:
        os.close(descriptor)
    if abandoned and sys.platform == "win32":  # Windows cannot remove a file we hold open
        _remove_with_side_files(partial)


def _remove_with_side_files(path: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink(missing_ok=True)

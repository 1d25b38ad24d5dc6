# SPDX-License-Identifier: GPL-3.0-or-later
"""SQLite's environmental failures (locked, disk full, read-only, I/O error, damage) as one plain
sentence each, with what to do; the SQL and the library's wording go to the log only."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from pmdesk.domain.errors import (
    DatabaseBusyError,
    DatabaseDamagedError,
    DiskFullError,
    ReadOnlyStorageError,
    StorageError,
    StorageIOError,
)

log = logging.getLogger(__name__)

# SQLite's primary result codes (https://sqlite.org/rescode.html); extended codes keep these in
# their low byte.
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_NOMEM = 7
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

# When the code is missing (an exception raised by hand, an old driver), SQLite's own wording
# still tells the cause apart.
_WORDING = (
    ("database is locked", SQLITE_BUSY),
    ("database table is locked", SQLITE_LOCKED),
    ("database or disk is full", SQLITE_FULL),
    ("readonly database", SQLITE_READONLY),
    ("read-only", SQLITE_READONLY),
    ("disk i/o error", SQLITE_IOERR),
    ("malformed", SQLITE_CORRUPT),
    ("file is not a database", SQLITE_NOTADB),
    ("unable to open database file", SQLITE_CANTOPEN),
    ("out of memory", SQLITE_NOMEM),
)


def primary_code(error: BaseException) -> int | None:
    """SQLite's primary result code of a driver error, or None if it is not an environmental one."""
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(error).lower()
    for words, wording_code in _WORDING:
        if words in text:
            return wording_code
    return None


def storage_error(error: BaseException, path: Path) -> StorageError | None:
    """The plain-words error for a driver error on the database `path`, or None when the error is
    not about the file or its disk (a bug, a constraint: those are not the user's to fix)."""
    if not isinstance(error, sqlite3.Error):
        return None
    code = primary_code(error)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return DatabaseBusyError(
            f"{path.name} is busy: another program (a backup, an import or another tool) is writing "
            "it, so nothing was saved yet. Try again in a moment; if this lasts, close the other "
            "program."
        )
    if code == SQLITE_FULL:
        return DiskFullError(
            f"The disk holding {path.name} is full, so nothing was saved. Free some space on it "
            f"(the file is in {path.parent}), then try again."
        )
    if code in (SQLITE_READONLY, SQLITE_PERM):
        return ReadOnlyStorageError(
            f"{path} cannot be written: the file or its folder is read-only, or you may not change "
            "it. Nothing was saved. Copy the file to a folder you can write to and open it there."
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return DatabaseDamagedError(
            f"{path} is damaged: part of it cannot be read, so nothing more was written to it. "
            "Restore its latest backup (File ▸ Restore backup…, or 'pmdesk restore')."
        )
    if code == SQLITE_IOERR:
        return StorageIOError(
            f"The disk could not read or write {path.name} (an input/output error), so nothing was "
            "saved. Check the drive — a removed USB stick or a network folder that went away — then "
            "try again."
        )
    if code == SQLITE_CANTOPEN:
        return StorageIOError(
            f"{path} cannot be opened: its folder is missing or cannot be reached. Check that the "
            "drive is connected, then try again."
        )
    if code == SQLITE_NOMEM:
        return StorageIOError(
            "The computer ran out of memory, so nothing was saved. Close other programs, then try again."
        )
    return None


def translate(error: BaseException, path: Path) -> BaseException:
    """`error` in plain words if it is an environmental failure (logged with its details), else as is."""
    plain = storage_error(error, path)
    if plain is None:
        return error
    log.warning("storage failure on %s: %s", path, error)
    return plain

# SPDX-License-Identifier: GPL-3.0-or-later
"""One PMDesk per database file, whatever name reaches it, with OS locks released even if the process dies.

Two locks, taken in this order and released in the reverse one:

1. On POSIX, a lock on the database file itself (file_lock.py: one byte SQLite leaves alone, held
   by our own descriptor). A lock on a file named after the database's path would be another
   file for each name of the database: a hard link, a symlink or a bind mount got its own lock,
   and two PMDesks imported into one file through two names. The file itself is the same under
   every name, so its lock is too.
2. On '<real path>.lock' beside it, holding "process N on HOST" so that the refusal can say who
   has the file open. Being locked by its writer tells that this text is current, not left by a
   process that was killed. Earlier versions of PMDesk lock only this file, so taking it too
   keeps them and this one from writing the same file at once.

Windows gets the second lock only. Python opens files there without FILE_SHARE_DELETE, so a
descriptor held on the database would stop a restore from moving the file aside while holding the
lock. The real path (symlinks, junctions and mapped drives resolved) already names the file
uniquely there but for hard links, which Windows users rarely make, and Windows has no bind mounts.

A POSIX process drops all its classic locks on a file when it closes any descriptor of that file,
SQLite's included (https://sqlite.org/howtocorrupt.html#_posix_advisory_locks_canceled_by_a_separate_thread_doing_close_).
So our descriptor on the database is closed only when no SQLite connection holds a lock on the
file; otherwise it is kept, unlocked, for the next lock on that file (at most a few per process).
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import sys
import threading
from pathlib import Path
from typing import IO

from pmdesk.domain.errors import PmdeskError
from pmdesk.storage import file_lock

log = logging.getLogger(__name__)


class DatabaseInUseError(PmdeskError):
    pass


class InstanceLock:
    """An exclusive, non-blocking lock on a database file, under any of its names.

    The OS drops the locks when the process exits, so a crash never leaves a stale lock behind.
    The file is created (empty, which SQLite takes for a new database) if it does not exist yet.
    """

    def __init__(self, database: Path) -> None:
        self.database = database
        real = database.resolve()
        self.path = real.with_name(real.name + ".lock")
        self._note: IO[str] | None = None
        self._made_note = False
        self._descriptor: int | None = None

    def acquire(self) -> None:
        real = self.database.resolve()
        descriptor = _open_database_file(real)
        if descriptor is not None and not file_lock.try_lock(descriptor):
            holder = self._holder(real, descriptor)
            _put_away(descriptor)
            raise self._in_use(holder)
        try:
            made_note = not self.path.exists()
            note = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the lock's life
            try:
                _lock_note(note)
            except OSError:
                holder = _read(note) or "another process"
                note.close()
                raise self._in_use(holder) from None
        except BaseException:
            if descriptor is not None:
                file_lock.unlock(descriptor)
                _put_away(descriptor)
            raise
        note.seek(0)
        note.truncate()
        note.write(f"process {os.getpid()} on {platform.node() or 'this computer'}")
        note.flush()
        self._note, self._made_note, self._descriptor = note, made_note, descriptor

    def release(self) -> None:
        note, self._note = self._note, None
        descriptor, self._descriptor = self._descriptor, None
        try:
            if note is not None:
                try:
                    note.seek(0)
                    note.truncate()
                    if self._made_note and sys.platform != "win32":
                        # Removed while still locked, so nobody can be relying on it: a file PMDesk
                        # opened, or refused, is left with nothing new beside it.
                        self.path.unlink(missing_ok=True)
                    _unlock_note(note)
                finally:
                    note.close()
                    if self._made_note and sys.platform == "win32":
                        # Windows cannot remove an open file: it stays while another PMDesk has it.
                        with contextlib.suppress(OSError):
                            self.path.unlink(missing_ok=True)
        finally:
            if descriptor is not None:
                try:
                    file_lock.unlock(descriptor)
                finally:
                    _put_away(descriptor)

    def _holder(self, real: Path, descriptor: int) -> str:
        """Who holds the database file's lock, as well as can be told."""
        text = _current_note(self.path)
        if text:
            return text
        held = os.fstat(descriptor)
        found = file_lock.find_holder((held.st_dev, held.st_ino))
        if found is None:
            return "another process"
        pid, name = found
        holder = f"process {pid} on {platform.node() or 'this computer'}"
        return holder if name == str(real) else f"{holder}, which opened it as {name}"

    def _in_use(self, holder: str) -> DatabaseInUseError:
        return DatabaseInUseError(
            f"{self.database} is already open in another PMDesk ({holder}). "
            "Close it there first: two programs writing one file could lose data."
        )


# Descriptors on database files that could not be closed safely (see the module docstring), by
# (st_dev, st_ino); each is unlocked and is reused by the next lock on its file.
_kept: dict[tuple[int, int], list[int]] = {}
_kept_guard = threading.Lock()


def _open_database_file(real: Path) -> int | None:
    if sys.platform == "win32":
        return None
    try:
        named = os.stat(real)
    except FileNotFoundError:
        pass
    else:
        with _kept_guard:
            kept = _kept.get((named.st_dev, named.st_ino))
            if kept:
                return kept.pop()
    try:
        return file_lock.open_lockable(real, create=True)
    except PermissionError:
        # A file this user may not write cannot be written by this PMDesk either; the lock
        # beside it still keeps two PMDesks from opening it by the same name.
        log.info("%s is not writable; locking only %s.lock", real, real.name)
        return None


def _put_away(descriptor: int) -> None:
    if not file_lock.sqlite_may_hold_locks(descriptor):
        os.close(descriptor)
        return
    held = os.fstat(descriptor)
    with _kept_guard:
        _kept.setdefault((held.st_dev, held.st_ino), []).append(descriptor)


def _read(note: IO[str]) -> str:
    try:
        note.seek(0)
        return note.read().strip()
    except OSError:  # Windows: the holder's lock covers the bytes that name it
        return ""


def _current_note(path: Path) -> str:
    """The text of the note beside the database if its writer still holds it, else ''."""
    try:
        note = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError:
        return ""
    with note:
        try:
            _lock_note(note, shared=True)
        except OSError:
            return _read(note)  # locked by its writer: current
        _unlock_note(note)
        return ""  # nobody holds it: left by a process that was killed


if sys.platform == "win32":
    import msvcrt

    def _lock_note(handle: IO[str], *, shared: bool = False) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock_note(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_note(handle: IO[str], *, shared: bool = False) -> None:
        fcntl.flock(handle.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)

    def _unlock_note(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

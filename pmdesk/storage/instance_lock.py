# SPDX-License-Identifier: GPL-3.0-or-later
"""One PMDesk per database file: an OS file lock beside it, released even if the process dies."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from typing import IO

from pmdesk.domain.errors import PmdeskError


class DatabaseInUseError(PmdeskError):
    pass


class InstanceLock:
    """An exclusive, non-blocking lock on '<database>.lock'.

    The OS drops the lock when the process exits, so a crash never leaves a stale lock behind;
    the file's text (pid and host) is only there to make the message helpful.
    """

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".lock")
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the lock's life
        try:
            _lock(handle)
        except OSError:
            try:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
            except OSError:  # Windows: the holder's lock covers the bytes that name it
                holder = "another process"
            handle.close()
            raise DatabaseInUseError(
                f"{self.path.with_suffix('')} is already open in another PMDesk ({holder}). "
                "Close it there first: two programs writing one file could lose data."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()} on {platform.node() or 'this computer'}")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        try:
            self._file.seek(0)
            self._file.truncate()
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

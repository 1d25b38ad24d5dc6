# SPDX-License-Identifier: GPL-3.0-or-later
"""Non-blocking OS locks on one byte of a file that SQLite leaves alone, owned by one open file.

The lock is on byte LOCK_OFFSET, next to the 512 bytes SQLite's unix and Windows code lock in a
database file (0x40000000 to 0x400001FF: the pending, reserved and shared bytes). That range sits
in the "lock-byte page", which SQLite never uses for data when pages are 1 KiB or larger (PMDesk's
are 4 KiB), so this lock neither conflicts with SQLite's locks nor blocks a read or a write, even
where byte locks are mandatory (Windows, SMB shares).

On Linux it is an open-file-description lock (F_OFD_SETLK), not a classic POSIX lock: a classic
lock belongs to the whole process, so SQLite closing any of its descriptors of the file would drop
it. An OFD lock belongs to the descriptor that took it and goes when that descriptor is closed,
or when the process dies, however it dies. flock() would be simpler, but on NFS and SMB mounts
Linux turns it into a lock on the whole file, which would then block SQLite's own locks.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from pathlib import Path

LOCK_OFFSET = 0x40000000 + 512
SQLITE_LOCK_BYTES = (0x40000000, 512)  # SQLite's own lock range in a database file


def open_lockable(path: Path, *, create: bool) -> int:
    """A descriptor on `path` that can take the lock (a write lock needs the file open for writing)."""
    flags = os.O_RDWR | getattr(os, "O_BINARY", 0) | (os.O_CREAT if create else 0)
    return os.open(path, flags, 0o644)  # SQLite's own mode for the files it creates


def same_file(descriptor: int, path: Path) -> bool:
    """Does `path` still name the file open as `descriptor` (it may have been removed or replaced)?"""
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


if sys.platform == "win32":
    import msvcrt

    def try_lock(descriptor: int) -> bool:
        """Take the lock if no other open file holds it; False if one does."""
        os.lseek(descriptor, LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def unlock(descriptor: int) -> None:
        os.lseek(descriptor, LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)

    def sqlite_may_hold_locks(descriptor: int) -> bool:
        # Windows locks belong to a handle: closing ours never drops anyone else's.
        return False

    def find_holder(identity: tuple[int, int]) -> tuple[int, str] | None:
        return None

else:
    import fcntl

    _HAS_OFD = hasattr(fcntl, "F_OFD_SETLK")

    class _Flock(ctypes.Structure):
        # struct flock as Linux lays it out (the OFD commands take the 64-bit offsets).
        _fields_ = (
            ("l_type", ctypes.c_short),
            ("l_whence", ctypes.c_short),
            ("l_start", ctypes.c_int64),
            ("l_len", ctypes.c_int64),
            ("l_pid", ctypes.c_int),
        )

    def _ofd(descriptor: int, command: int, kind: int, start: int, length: int) -> _Flock:
        request = _Flock(kind, os.SEEK_SET, start, length, 0)
        return _Flock.from_buffer_copy(fcntl.fcntl(descriptor, command, bytes(request)))

    def try_lock(descriptor: int) -> bool:
        """Take the lock if no other open file holds it; False if one does."""
        try:
            if _HAS_OFD:
                _ofd(descriptor, fcntl.F_OFD_SETLK, fcntl.F_WRLCK, LOCK_OFFSET, 1)
            else:  # other systems: flock, whole file, also owned by the open file
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                return False
            raise
        return True

    def unlock(descriptor: int) -> None:
        if _HAS_OFD:
            _ofd(descriptor, fcntl.F_OFD_SETLK, fcntl.F_UNLCK, LOCK_OFFSET, 1)
        else:
            fcntl.flock(descriptor, fcntl.LOCK_UN)

    def sqlite_may_hold_locks(descriptor: int) -> bool:
        """Might some SQLite connection hold its locks on the file open as `descriptor`?

        POSIX drops every classic lock a process holds on a file when the process closes any
        descriptor of that file. SQLite guards its own descriptors against this, not ours: closing
        ours while a connection of this process holds a lock (an open WAL connection always holds
        one) would silently take its lock away. An OFD query sees classic locks of every process,
        this one included; True when unsure."""
        if not _HAS_OFD:
            return True
        try:
            found = _ofd(descriptor, fcntl.F_OFD_GETLK, fcntl.F_WRLCK, *SQLITE_LOCK_BYTES)
        except OSError:
            return True
        return bool(found.l_type != fcntl.F_UNLCK)

    def find_holder(identity: tuple[int, int]) -> tuple[int, str] | None:
        """The process holding the lock on the file (st_dev, st_ino) and the name it opened it by,
        from Linux's /proc (which shows no process for an OFD lock in /proc/locks); None if not
        found (another computer, another user's process, another system)."""
        if not _HAS_OFD or not os.path.isdir("/proc/self/fdinfo"):
            return None
        ending = f" {LOCK_OFFSET} {LOCK_OFFSET}"
        for process in os.scandir("/proc"):
            if not process.name.isdigit():
                continue
            try:
                with os.scandir(f"/proc/{process.name}/fd") as descriptors:
                    for descriptor in descriptors:
                        found = _holding(process.name, descriptor, identity, ending)
                        if found is not None:
                            return found
            except OSError:  # gone, or not ours to look at
                continue
        return None

    def _holding(
        pid: str, descriptor: os.DirEntry[str], identity: tuple[int, int], ending: str
    ) -> tuple[int, str] | None:
        try:
            target = os.stat(descriptor.path)
            if (target.st_dev, target.st_ino) != identity:
                return None
            with open(f"/proc/{pid}/fdinfo/{descriptor.name}", encoding="ascii", errors="replace") as info:
                held = any(
                    line.startswith("lock:")
                    and " OFDLCK " in line
                    and " WRITE " in line
                    and line.rstrip().endswith(ending)
                    for line in info
                )
            return (int(pid), os.readlink(descriptor.path)) if held else None
        except OSError:
            return None

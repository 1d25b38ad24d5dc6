# SPDX-License-Identifier: GPL-3.0-or-later
"""Files written whole or not at all, and files from elsewhere read within a size limit."""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from pmdesk.domain.errors import ValidationError

MB = 1024 * 1024


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write the new file to; it replaces `path` when the block
    ends without an exception.

    A crash or an error leaves the old file (or none) and never half a new one: the temporary file
    is flushed to disk before its rename, the rename is made durable where the system allows, and
    the temporary file is removed on any failure (a Cancel raised inside the block included).
    """
    path = Path(path)
    # Beside the target, so the rename stays on one file system and is atomic; hidden, so a
    # half-written file never looks like a result.
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield temporary
        _sync_file(temporary)
        os.replace(temporary, path)
        _sync_folder(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write `data` (text is encoded as is, line endings untouched) so that a crash leaves either
    the old file or the new one, never half of one."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    with replacing(path) as temporary, temporary.open("wb") as handle:
        handle.write(raw)


def save_workbook(workbook: Any, path: Path) -> None:
    """Save an openpyxl workbook whole or not at all, so a failure never leaves half a workbook
    over a good one."""
    with replacing(path) as temporary:
        workbook.save(temporary)


def _sync_file(path: Path) -> None:
    # Opened for writing: Windows flushes only a handle that may write.
    descriptor = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(descriptor)
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


class Digest(Protocol):
    """What `read_limited` feeds the bytes it read: hashlib.sha256() and its kin."""

    def update(self, data: bytes, /) -> None: ...


def read_limited(path: Path, max_bytes: int, *, what: str = "files", digest: Digest | None = None) -> bytes:
    """The bytes of a file no larger than `max_bytes`; ValidationError naming the file otherwise.

    `what` names such files in the message ("workbooks larger than 50 MB are refused"). `digest`
    (a hashlib object) is fed those bytes, so a checksum is of exactly what was parsed.
    """
    path = Path(path)
    check_size(path, max_bytes, what=what)
    try:
        with path.open("rb") as handle:
            # One byte more than allowed: a file that grew since it was measured is refused too.
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ValidationError(f"cannot be read: {exc.strerror or exc}", source=path.name) from None
    if len(data) > max_bytes:
        raise ValidationError(too_big(len(data), max_bytes, what), source=path.name)
    if digest is not None:
        digest.update(data)
    return data


def check_size(path: Path, max_bytes: int, *, what: str = "files") -> None:
    """Refuse a file larger than `max_bytes` (or one that cannot be read) before opening it."""
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise ValidationError(f"cannot be read: {exc.strerror or exc}", source=Path(path).name) from None
    if size > max_bytes:
        raise ValidationError(too_big(size, max_bytes, what), source=Path(path).name)


def open_to_read(path: Path, max_bytes: int) -> BinaryIO:
    """The file opened to be read as bytes, after `check_size`; ValidationError naming the file
    when it is too large or cannot be opened."""
    path = Path(path)
    check_size(path, max_bytes)
    try:
        return path.open("rb")
    except OSError as exc:
        raise ValidationError(f"cannot be read: {exc.strerror or exc}", source=path.name) from None


def too_big(size: int, limit: int, what: str = "files") -> str:
    return f"is {size / MB:,.1f} MB; {what} larger than {limit // MB} MB are refused"

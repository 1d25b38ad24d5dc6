# SPDX-License-Identifier: GPL-3.0-or-later
"""Zip archives from elsewhere (.xlsx workbooks) judged by their directory before anything is
expanded: how many parts, how large each says it expands, how far it is compressed, and in all.

The sizes a zip directory declares can be trusted for this: Python's zipfile, which openpyxl
reads through, never yields more bytes of a part than its declared size (and checks the CRC
over those), so a part that lies about its size is cut short, never larger.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class PartLimit:
    """The largest expanded size of the parts whose names start with `prefix`."""

    prefix: str
    max_bytes: int
    what: str  # how a message names such a part: "sheet", "shared text"


@dataclass(frozen=True)
class ZipLimits:
    max_parts: int
    max_total_bytes: int  # all parts, expanded
    max_part_bytes: int  # a part no PartLimit matches
    part_limits: Sequence[PartLimit] = ()
    max_ratio: float = 100.0  # expanded ÷ compressed, for parts of at least ratio_floor_bytes
    ratio_floor_bytes: int = 8 * MB

    def limit_for(self, name: str) -> tuple[int, str]:
        for limit in self.part_limits:
            if name.startswith(limit.prefix):
                return limit.max_bytes, limit.what
        return self.max_part_bytes, "part"


class ArchiveError(Exception):
    """A file refused from its zip directory; the message completes "<file name>: …"."""


class NotAnArchive(ArchiveError):
    """Not a zip file at all (or one whose directory cannot be read)."""


class UnsafeArchive(ArchiveError):
    """A zip that would expand beyond what its kind of file ever needs."""


def read_directory(path: Path, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The parts of the zip at `path`, if its directory is within `limits`.

    Reads the central directory only. Raises NotAnArchive or UnsafeArchive (message in words,
    naming the part at fault).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise NotAnArchive("is not a zip file") from None
    if len(parts) > limits.max_parts:
        raise UnsafeArchive(
            f"holds {len(parts):,} parts; a file of more than {limits.max_parts:,} is refused as unsafe"
        )
    total = 0
    for part in parts:
        size = part.file_size
        ratio = size / max(part.compress_size, 1)
        if size >= limits.ratio_floor_bytes and ratio > limits.max_ratio:
            raise UnsafeArchive(
                f"its part {part.filename} expands from {_mb(part.compress_size)} to {_mb(size)}, "
                f"{ratio:,.0f} times: only a 'zip bomb' is compressed that far; refused as unsafe"
            )
        limit, what = limits.limit_for(part.filename)
        if size > limit:
            raise UnsafeArchive(
                f"its {what} {part.filename} expands to {_mb(size)}; a {what} larger than "
                f"{_mb(limit)} is refused as unsafe"
            )
        total += size
    if total > limits.max_total_bytes:
        raise UnsafeArchive(
            f"expands to {_mb(total)} when opened; more than {_mb(limits.max_total_bytes)} is "
            "refused as unsafe"
        )
    return parts


def _mb(size: int) -> str:
    return f"{size / MB:,.0f} MB" if size >= MB else f"{max(size / 1024, 1):,.0f} KB"

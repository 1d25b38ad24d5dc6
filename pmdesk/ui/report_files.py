# SPDX-License-Identifier: GPL-3.0-or-later
"""What every screen that writes a report file shares (the Reports screen, the IPTT's PDF / Print,
the Meetings screen's Minutes PDF…): a file name safe on every system, the kind's extension, the
system viewer, and the words for pages and for a failure — never an exception's name."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from pmdesk.domain.errors import PmdeskError

UNEXPECTED = "An unexpected problem stopped it. Details are in the log file."


def safe_file_name(name: str, limit: int = 120) -> str:
    """`name` without the characters Windows refuses in a file name, nor a leading or trailing dot
    or space, at most `limit` characters."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "-", name)
    return re.sub(r"\s+", " ", cleaned)[:limit].strip(" .") or "report"


def with_suffix(path: Path, suffix: str) -> Path:
    """The path the user typed, with the kind's extension added if it was left out."""
    ending = f".{suffix}"
    return path if path.suffix.lower() == ending else path.with_name(path.name + ending)


def open_with_system_viewer(path: Path) -> bool:
    """Open `path` with the program the system uses for its kind; False when none could."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def pages_text(pages: int) -> str:
    return f"{pages} page{'' if pages == 1 else 's'}"


def write_failure(error: BaseException, path: Path) -> str:
    """Why a report file could not be made, in words a user can act on."""
    if isinstance(error, PmdeskError):
        return str(error)
    if isinstance(error, OSError):
        reason = (error.strerror or "it could not be written").rstrip(".")
        return (
            f"{path.name} could not be saved in {path.parent}: {reason}. Is the folder there, and may "
            "you write in it? Is the file open in another program? Choose another place, or close it."
        )
    return UNEXPECTED

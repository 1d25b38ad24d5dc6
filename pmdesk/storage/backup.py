# SPDX-License-Identifier: GPL-3.0-or-later
"""Verified copies of a database with SQLite's backup API, rotated beside the file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from pmdesk.domain.errors import PmdeskError

KEEP_BACKUPS = 10


class BackupError(PmdeskError):
    pass


def backup_dir(database: Path) -> Path:
    return database.with_name(database.stem + "-backups")


def backup_database(database: Path, *, reason: str = "manual", destination: Path | None = None) -> Path:
    """Copy `database` (consistently, even while it is open) and check the copy's integrity.

    Without `destination` the copy goes to '<name>-backups/' beside the file, and only the newest
    KEEP_BACKUPS automatic copies are kept. Raises BackupError if the copy is not sound.
    """
    if destination is None:
        folder = backup_dir(database)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        destination = folder / f"{database.stem}-{stamp}-{_slug(reason)}.sqlite"
        rotate = True
    else:
        rotate = False
    destination.parent.mkdir(parents=True, exist_ok=True)
    tmp = destination.with_name(destination.name + ".partial")
    tmp.unlink(missing_ok=True)
    source = sqlite3.connect(database)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            # The copy is useful only if it is whole: check it before trusting it.
            verdict = target.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"backup of {database} failed its integrity check: {verdict}")
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()
    tmp.replace(destination)
    if rotate:
        _rotate(destination.parent, database.stem)
    return destination


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in text)[:60]


def _rotate(folder: Path, stem: str) -> None:
    copies = sorted(folder.glob(f"{stem}-*.sqlite"))
    for old in copies[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)

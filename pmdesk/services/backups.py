# SPDX-License-Identifier: GPL-3.0-or-later
"""The backups of a database file, for the window and the command line: list, pick, restore.

File-level work, with no session: a restore happens while the database is closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    created: datetime  # local time
    size: int  # bytes
    reason: str  # "manual", "before-import", "before-migration-0001_initial" …


@dataclass(frozen=True)
class RestoreSummary:
    database: Path
    backup: Path
    kept: tuple[Path, ...]  # the replaced file and its side files, moved aside


def list_backups(database: Path) -> list[BackupSummary]:
    """The automatic backups beside `database`, newest first (not verified: that takes time)."""
    from pmdesk.storage.backup import list_backups as stored

    return [BackupSummary(b.path, b.created, b.size, b.reason) for b in stored(database)]


def latest_verified_backup(database: Path) -> BackupSummary | None:
    """The newest backup that passes SQLite's integrity check, or None."""
    from pmdesk.storage.backup import latest_verified_backup as latest

    path = latest(database)
    if path is None:
        return None
    return next((b for b in list_backups(database) if b.path == path), None)


def restore(database: Path, backup: Path) -> RestoreSummary:
    """Put a verified copy of `backup` in place of `database` (which must be closed here);
    raises PmdeskError, with the live file unchanged, when that cannot be done."""
    from pmdesk.storage.restore import restore_backup

    result = restore_backup(database, backup)
    return RestoreSummary(result.database, result.backup, result.kept)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Real SQLite failures for the UI tests: another program holding the write lock, a full disk."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import event

from pmdesk.storage.database import Database


class WriteLock:
    """Another program writing the database (a backup, an import): it holds SQLite's write lock
    until released. Readers still read, as WAL allows."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(path, timeout=0, isolation_level=None)
        self._connection.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self._connection.execute("ROLLBACK")
        self._connection.close()


class FullDisk:
    """SQLite answers 'database or disk is full' for real: no connection may grow the file past
    the size it had when the disk filled (PRAGMA max_page_count, set on every new connection).
    Writes that fit in the pages the file has still go through, so a test fills them first."""

    def __init__(self, db: Database) -> None:
        self._engine = db.engine
        self._engine.dispose()  # the pooled connections have no limit: new ones get it
        event.listen(self._engine, "connect", _limit)

    def free(self) -> None:
        """Space was freed: connections made from now on may grow the file again."""
        event.remove(self._engine, "connect", _limit)
        self._engine.dispose()


def _limit(dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    pages = cursor.execute("PRAGMA page_count").fetchone()[0]
    cursor.execute(f"PRAGMA max_page_count = {pages}")
    cursor.close()

# SPDX-License-Identifier: GPL-3.0-or-later
"""The programme list read at start-up through plain `sqlite3`, while the ORM is still loading
(issue #11 §5).

Importing SQLAlchemy, the models and the services takes most of a second or two on a field
laptop; the names of the programmes take a few milliseconds to read. The window shows them in
its programme picker at once, and the full list (with its counts) replaces them once the
database is open. Read-only, one short query, no lock taken and nothing written: whatever goes
wrong (no file yet, another schema, a busy or damaged file) gives None, and the window simply
waits for the real list, as before.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from pmdesk.storage.file_access import read_only_uri

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProgrammeHeadline:
    """What the programme picker shows of a programme before the database is open."""

    code: str
    name: str


def peek_programmes(path: Path) -> list[ProgrammeHeadline] | None:
    """The programmes of the database at `path`, by code, or None when they cannot be read
    quickly and safely (the window then waits for the services' list)."""
    try:
        if not path.is_file() or path.with_name(f"{path.name}.restoring").exists():
            return None  # a new file, or a restore to finish first: nothing to show yet
        connection = sqlite3.connect(read_only_uri(path), uri=True, timeout=0.1)
    except (OSError, sqlite3.Error, ValueError):
        return None
    try:
        rows = connection.execute("SELECT code, name FROM programme ORDER BY code").fetchall()
    except sqlite3.Error as exc:  # not a PMDesk file, an older schema, locked, damaged
        log.debug("no early programme list from %s: %s", path, exc)
        return None
    finally:
        connection.close()
    return [ProgrammeHeadline(str(code), str(name)) for code, name in rows]

# SPDX-License-Identifier: GPL-3.0-or-later
"""Whether PMDesk may write a database file, and how to read one without ever writing it."""

from __future__ import annotations

import os
from pathlib import Path


def is_writable(path: Path) -> bool:
    """Can PMDesk write the file and, for its -wal and -shm, the folder it is in?"""
    folder_ok = os.access(path.parent, os.W_OK | os.X_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def read_only_uri(path: Path) -> str:
    """The URI that opens `path` for reading only. In a folder PMDesk cannot write, SQLite could
    not make the -shm a WAL file needs; with no -wal there, nothing can be changing the file, and
    it is read as immutable."""
    path = path.resolve()
    uri = f"{path.as_uri()}?mode=ro"
    if not is_writable(path) and not path.with_name(path.name + "-wal").exists():
        uri += "&immutable=1"
    return uri

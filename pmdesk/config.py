# SPDX-License-Identifier: GPL-3.0-or-later
"""Where PMDesk keeps its files, and which database to open."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

APP_NAME = "PMDesk"
DB_ENV = "PMDESK_DB"
DATA_DIR_ENV = "PMDESK_DATA_DIR"
PERSON_ENV = "PMDESK_PERSON"


def data_dir(override: Path | str | None = None) -> Path:
    """The user data directory ('--data-dir', else PMDESK_DATA_DIR, else the platform's)."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    if chosen:
        path = Path(chosen).expanduser()
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def person_override() -> str | None:
    """PMDESK_PERSON: who changes are recorded as, for this run only, without asking (scripts, a
    shared kiosk); None when unset, and then the person chosen for the database applies."""
    name = " ".join(os.environ.get(PERSON_ENV, "").split())
    return name or None


def default_db_path(data: Path | None = None) -> Path:
    return (data or data_dir()) / "pmdesk.sqlite"


def demo_db_path(data: Path | None = None) -> Path:
    return (data or data_dir()) / "demo.sqlite"


def resolve_db_path(cli_value: str | None, data: Path | None = None) -> Path:
    """--db, else the PMDESK_DB environment variable, else the default file (DESIGN.md §8)."""
    chosen = cli_value or os.environ.get(DB_ENV)
    return Path(chosen).expanduser() if chosen else default_db_path(data)


def log_dir(data: Path | None = None) -> Path:
    path = (data or data_dir()) / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def setup_logging(data: Path | None = None, *, debug: bool = False) -> Path:
    """Log to a rotating file in the data directory (1 MB × 5); returns the file's path."""
    path = log_dir(data) / "pmdesk.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    return path

# SPDX-License-Identifier: GPL-3.0-or-later
"""What every command shares: the context (which database, read-only or locked), exit codes, output helpers."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk import config
from pmdesk.domain.errors import PmdeskError

# Services and storage are imported inside the commands: the GUI path should load only what the
# window needs (DESIGN.md §9, start-up close to an empty Qt window).
if TYPE_CHECKING:
    from pmdesk.services.actor import Actor
    from pmdesk.storage.database import Database


log = logging.getLogger(__name__)


PROG = "pmdesk"


EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(PmdeskError):
    """The command line asks for something impossible; exits with the usage code."""


@dataclass(frozen=True)
class Context:
    """What every command needs: where the database and the data directory are."""

    db_path: Path
    data: Path
    debug: bool

    @contextmanager
    def database(self, *, write: bool) -> Iterator[Database]:
        """The database, closed afterwards.

        Commands that only read open it read-only and without the instance lock: they never write
        the file (no migration, no backup, no checkpoint) and work while the GUI has it open
        (SQLite's WAL lets readers run beside the writer). Commands that write take the lock and
        fail with DatabaseInUseError instead of writing beside the GUI.
        """
        from pmdesk.storage.database import open_database

        if not write and not self.db_path.exists():
            raise PmdeskError(
                f"there is no database at {self.db_path}; create one with 'pmdesk demo' or "
                "'pmdesk programme import FILE', or choose one with --db"
            )
        db = open_database(self.db_path, lock=write, read_only=not write, actor=config.person_override())
        try:
            yield db
        finally:
            db.close()


def actor_of(db: Database) -> Actor:
    from pmdesk.services.actor import Actor

    return Actor(db.actor, db.device_uuid)


def emit(text: str, output: str | None) -> None:
    """Print `text`, or write it to `output` whole or not at all."""
    from pmdesk.formats.files import write_atomically

    if output is None or output == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    path = Path(output).expanduser()
    if not path.parent.is_dir():
        raise PmdeskError(f"cannot write {path}: the folder {path.parent} does not exist")
    write_atomically(path, text)
    note(f"wrote {path}")


def note(message: str) -> None:
    """A progress message: to stderr, so stdout stays clean for data."""
    print(message, file=sys.stderr)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def counts_text(counts: Any) -> str:
    """{"values": 1675, "alerts": 1} → "1675 values, 1 alert": the noun agrees with its count."""
    if isinstance(counts, dict):
        return ", ".join(f"{n} {noun(name.replace('_', ' '), n)}" for name, n in counts.items() if n)
    return str(counts)


def noun(plural: str, count: int) -> str:
    if count != 1:
        return plural
    return {"people": "person"}.get(plural) or (plural[:-1] if plural.endswith("s") else plural)


def print_warnings(warnings: int | Sequence[Any], limit: int = 20) -> None:
    """Warnings never block an import (DESIGN.md §5), but the user should know they are there."""
    if isinstance(warnings, int):
        if warnings:
            note(f"{warnings} values carry a warning (outlier or far above target); review them in the app")
        return
    for warning in list(warnings)[:limit]:
        note(f"  warning: {warning}")
    if len(warnings) > limit:
        note(f"  … and {len(warnings) - limit} more warnings")


def csv_cell(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(value) if all(" " not in v for v in value) else "; ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)

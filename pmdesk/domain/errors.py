# SPDX-License-Identifier: GPL-3.0-or-later
"""Errors that carry a message meant for the user, never a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class PmdeskError(Exception):
    """Base of every error whose message is shown to the user as is."""


class NotFoundError(PmdeskError):
    pass


class ConflictError(PmdeskError):
    """The request clashes with existing data (duplicate code, data present …)."""


class PeriodsDroppedError(ConflictError):
    """An edit of a programme's dates or frequency would drop periods that targets or variance
    explanations refer to. Nothing was saved; saving again with the user's confirmation keeps them
    (never deleted) on periods the programme no longer has, where they stay listed."""

    def __init__(self, message: str, periods: tuple[str, ...], targets: int, explanations: int) -> None:
        super().__init__(message)
        self.periods = periods
        self.targets = targets
        self.explanations = explanations


class LockedError(PmdeskError):
    """The value is approved (or otherwise locked) and must be reopened first."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with input: where (file, JSON path, row), which field, what."""

    location: str
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = self.location
        if self.field:
            where = f"{where}, field '{self.field}'" if where else f"field '{self.field}'"
        return f"{where}: {self.message}" if where else self.message


class ValidationError(PmdeskError):
    """Input refused; lists every problem found (not just the first)."""

    def __init__(self, problems: Iterable[Problem] | str, *, source: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"{self.source}: " if self.source else ""
        if len(self.problems) == 1:
            return head + str(self.problems[0])
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        return f"{head}{len(self.problems)} problems:\n{shown}{more}"


class StorageError(PmdeskError):
    """The database could not be read or written for a reason outside PMDesk: another program
    holds it, the disk is full or failing, the file is read-only or damaged. The message says
    in plain words what happened and what to do; nothing was written."""

    #: Would trying again, unchanged, likely succeed soon (another program's lock)?
    is_transient = False


class DatabaseBusyError(StorageError):
    is_transient = True


class DiskFullError(StorageError):
    pass


class ReadOnlyStorageError(StorageError):
    pass


class DatabaseDamagedError(StorageError):
    pass


class StorageIOError(StorageError):
    pass


class NewerDatabaseError(StorageError):
    """The file was written by a newer PMDesk, whose schema this version does not know."""

# SPDX-License-Identifier: GPL-3.0-or-later
"""Problems found in input files, and how they are located, counted and worded (plain data)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable

from pmdesk.domain.errors import Problem

# A file where every line is wrong would otherwise build a million Problems; the first ones say
# what is wrong, the count says how much.
MAX_PROBLEMS = 1000

# Where a problem is: (index of the item in the batch, field or "", message) → Problem.
Locate = Callable[[int, str, str], Problem]

# A long job's report: (done, total, what is being done). The UI's callback raises JobCancelled
# once the user cancels; the services call it inside their transaction, so that rolls back.
ProgressFn = Callable[[int, int, str], None]
# Often enough for a progress bar to move about once a second, rarely enough to cost nothing.
REPORT_EVERY = 10_000


def report(progress: ProgressFn | None, done: int, total: int, message: str) -> None:
    if progress is not None:
        progress(done, total, message)


def count_text(count: int, word: str) -> str:
    """'1 value', '120,000 values': how progress messages count."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def json_locator(base: str) -> Locate:
    """Problems located by JSON path: `$.values[3].period`."""

    def locate(index: int, field_name: str, message: str) -> Problem:
        where = f"{base}[{index}]"
        return Problem(f"{where}.{field_name}" if field_name else where, message)

    return locate


class ProblemList:
    """Collects problems, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.dropped = 0

    def add(self, problem: Problem) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)
        else:
            self.dropped += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def __bool__(self) -> bool:
        return bool(self.items)

    def final(self) -> list[Problem]:
        """The problems in the order of the input (row 2 before row 10, $.values[9] before
        $.values[10]), then how many were left out."""
        ordered = sorted(self.items, key=lambda p: _natural(p.location))
        if self.dropped:
            return [*ordered, Problem("", f"… and {self.dropped} more problems not listed")]
        return ordered


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(text) if part)


_DIGITS = re.compile(r"(\d+)")


def describe(value: object) -> str:
    """A short description of a JSON value for messages (never a 10 MB string)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number" if is_number(value) else "a number too large to store"
    if isinstance(value, str):
        return f"the text {short(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def literal(value: object) -> str:
    """A value as a message quotes it: 'weekly', 3, null."""
    if isinstance(value, str):
        return short(value)
    if is_number(value):
        return repr(value)
    return describe(value)


def short(text: str) -> str:
    """A string quoted for a message, cut at 40 characters."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def is_number(value: object) -> bool:
    """A JSON number that fits a float (not true/false, not NaN or infinite, not 10**400)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int):
        try:
            float(value)
        except OverflowError:
            return False
        return True
    return False

# SPDX-License-Identifier: GPL-3.0-or-later
"""The rules of action items (DESIGN.md §2): priorities, statuses and their moves, closing with a
note, sensible due dates, overdue, closed on time, and the next code A-n."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum

from pmdesk.domain.errors import Problem


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return {"open": "Open", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}[
            self.value
        ]

    @property
    def is_closed(self) -> bool:
        return self in (ActionStatus.DONE, ActionStatus.DROPPED)


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ActionSource(StrEnum):
    """Where an action came from."""

    DECISION = "decision"
    ALERT = "alert"
    LESSON = "lesson"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"decision": "Decision", "alert": "Alert", "lesson": "Lesson", "none": "None"}[self.value]


#: The earliest and latest due dates that make sense: far outside these is a typing slip.
EARLIEST_DUE = date(2000, 1, 1)
LATEST_DUE_YEARS = 10

_CODE_RE = re.compile(r"A-(\d+)\Z")


def parse_status(value: str) -> ActionStatus:
    """The status named by `value` ('in progress' and 'In_Progress' both work); ValueError otherwise."""
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return ActionStatus(key)
    except ValueError:
        names = ", ".join(s.value for s in ActionStatus)
        raise ValueError(f"'{value}' is not an action status: use one of {names}") from None


def parse_priority(value: str) -> Priority:
    try:
        return Priority(value.strip().lower())
    except ValueError:
        names = ", ".join(p.value for p in Priority)
        raise ValueError(f"'{value}' is not a priority: use one of {names}") from None


def title_problems(title: str) -> list[Problem]:
    if not title.strip():
        return [Problem("action", "a title is required: say what will be done", "title")]
    if len(title) > 2000:
        return [
            Problem(
                "action", "the title is longer than 2,000 characters; put details in the description", "title"
            )
        ]
    return []


def due_problems(due: date | None, today: date) -> list[Problem]:
    """A due date is optional; when given it is after 2000 and at most ten years from today."""
    if due is None:
        return []
    latest = date(today.year + LATEST_DUE_YEARS, 12, 31)
    if due < EARLIEST_DUE:
        return [Problem("action", f"the due date {due.isoformat()} is before 2000; check the year", "due")]
    if due > latest:
        return [
            Problem(
                "action",
                f"the due date {due.isoformat()} is more than {LATEST_DUE_YEARS} years away; check the year",
                "due",
            )
        ]
    return []


def transition_problem(old: ActionStatus, new: ActionStatus) -> str | None:
    """Why an action cannot move from `old` to `new`, or None when it can. Open and in progress move
    freely between each other and to done or dropped; a closed action is reopened first (so its
    closing note is not silently overwritten)."""
    if old == new:
        return None
    if old.is_closed:
        return f"the action is {old.label.lower()}; reopen it before changing its status"
    return None


def closing_problem(status: ActionStatus, note: str) -> str | None:
    """Closing (done or dropped) needs a note on what was done, or why it was dropped."""
    if status.is_closed and not note.strip():
        if status is ActionStatus.DONE:
            return "say what was done: closing an action needs a note"
        return "say why the action is dropped: closing an action needs a note"
    return None


def update_note_problem(note: str) -> str | None:
    """A progress update says what happened."""
    if not note.strip():
        return "write what happened: a progress update needs a note"
    return None


def is_overdue(due: date | None, status: ActionStatus, as_of: date) -> bool:
    """Still open (or in progress) after its due date."""
    return due is not None and not status.is_closed and due < as_of


def is_due_within(due: date | None, status: ActionStatus, as_of: date, days: int) -> bool:
    """Open, not overdue, and due within `days` days of `as_of` (inclusive)."""
    if due is None or status.is_closed:
        return False
    return 0 <= (due - as_of).days <= days


def closed_on_time(due: date | None, status: ActionStatus, closed_at: datetime | None) -> bool | None:
    """For a done action: was it closed on or before its due date? None when that cannot be said
    (not done, no due date, no closing time)."""
    if status is not ActionStatus.DONE or due is None or closed_at is None:
        return None
    return closed_at.date() <= due


def next_code(existing: Iterable[str]) -> str:
    """A-n, one more than the highest A-n already used (codes of other shapes are ignored)."""
    highest = 0
    for code in existing:
        match = _CODE_RE.match(code)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"A-{highest + 1}"

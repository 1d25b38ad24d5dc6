# SPDX-License-Identifier: GPL-3.0-or-later
"""The pure rules of action items (pmdesk/domain/actions.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from pmdesk.domain.actions import (
    ActionStatus,
    Priority,
    closed_on_time,
    closing_problem,
    due_problems,
    is_due_within,
    is_overdue,
    next_code,
    parse_priority,
    parse_status,
    title_problems,
    transition_problem,
)

OPEN, PROGRESS, DONE, DROPPED = (
    ActionStatus.OPEN,
    ActionStatus.IN_PROGRESS,
    ActionStatus.DONE,
    ActionStatus.DROPPED,
)


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        (OPEN, PROGRESS, True),
        (OPEN, DONE, True),
        (OPEN, DROPPED, True),
        (PROGRESS, OPEN, True),
        (PROGRESS, DONE, True),
        (DONE, OPEN, False),
        (DONE, DROPPED, False),
        (DROPPED, PROGRESS, False),
        (DONE, DONE, True),
    ],
)
def test_transitions(old: ActionStatus, new: ActionStatus, allowed: bool) -> None:
    problem = transition_problem(old, new)
    assert (problem is None) is allowed
    if problem:
        assert "reopen" in problem


def test_closing_needs_a_note() -> None:
    assert closing_problem(DONE, "  ") == "say what was done: closing an action needs a note"
    assert "why" in (closing_problem(DROPPED, "") or "")
    assert closing_problem(DONE, "Pumps fixed") is None
    assert closing_problem(PROGRESS, "") is None


def test_due_dates_within_sense() -> None:
    today = date(2026, 3, 1)
    assert due_problems(None, today) == []
    assert due_problems(date(2026, 1, 1), today) == []  # past due dates are allowed (late minutes)
    assert due_problems(date(1999, 12, 31), today)[0].field == "due"
    assert due_problems(date(2036, 12, 31), today) == []
    assert "10 years" in due_problems(date(2037, 1, 1), today)[0].message


def test_title_required() -> None:
    assert title_problems(" ")[0].message.startswith("a title is required")
    assert title_problems("Fix pumps") == []


def test_overdue_and_due_soon() -> None:
    as_of = date(2025, 10, 1)
    assert is_overdue(date(2025, 9, 30), OPEN, as_of)
    assert is_overdue(date(2025, 9, 30), PROGRESS, as_of)
    assert not is_overdue(date(2025, 10, 1), OPEN, as_of)
    assert not is_overdue(date(2025, 9, 30), DONE, as_of)
    assert not is_overdue(None, OPEN, as_of)
    assert is_due_within(date(2025, 10, 15), OPEN, as_of, 14)
    assert not is_due_within(date(2025, 10, 16), OPEN, as_of, 14)
    assert not is_due_within(date(2025, 9, 30), OPEN, as_of, 14)


def test_closed_on_time() -> None:
    due = date(2025, 9, 30)
    assert closed_on_time(due, DONE, datetime(2025, 9, 30, 23, 0)) is True
    assert closed_on_time(due, DONE, datetime(2025, 10, 1, 8, 0)) is False
    assert closed_on_time(due, DROPPED, datetime(2025, 9, 1)) is None
    assert closed_on_time(None, DONE, datetime(2025, 9, 1)) is None


def test_next_code() -> None:
    assert next_code([]) == "A-1"
    assert next_code(["A-1", "A-7", "A-3", "X-99", "A-x"]) == "A-8"


def test_parsing() -> None:
    assert parse_status("In progress") is PROGRESS
    assert parse_status("done") is DONE
    assert parse_priority("HIGH") is Priority.HIGH
    with pytest.raises(ValueError, match="not an action status"):
        parse_status("finished")
    with pytest.raises(ValueError, match="not a priority"):
        parse_priority("urgent")

# SPDX-License-Identifier: GPL-3.0-or-later
"""The rules of lessons and feedback (DESIGN.md §2): what each needs, feedback closed only once a
response is communicated, tags, and the find box's matching."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum

from pmdesk.domain.errors import Problem


class FeedbackStatus(StrEnum):
    OPEN = "open"
    RESPONDED = "responded"  # a response is written, not yet communicated back
    CLOSED = "closed"  # the response was communicated

    @property
    def label(self) -> str:
        return {"open": "Open", "responded": "Responded", "closed": "Closed"}[self.value]


#: Channels offered in the feedback form; any other text is accepted too.
CHANNELS = (
    "Community meeting",
    "Complaints box",
    "Hotline",
    "SMS",
    "E-mail",
    "Partner meeting",
    "Donor visit",
)


def parse_tags(text: str) -> tuple[str, ...]:
    """'water, Pumps ,water' → ('water', 'Pumps'): trimmed, without blanks or repeats (any case)."""
    seen: dict[str, str] = {}
    for tag in text.split(","):
        tag = tag.strip()
        if tag and tag.casefold() not in seen:
            seen[tag.casefold()] = tag
    return tuple(seen.values())


def lesson_problems(title: str, lesson: str, recorded_on: date | None, today: date) -> list[Problem]:
    problems = []
    if not title.strip():
        problems.append(Problem("lesson", "a title is required", "title"))
    if not lesson.strip():
        problems.append(Problem("lesson", "say what we learn: the lesson is required", "lesson"))
    if recorded_on is not None and recorded_on > today:
        problems.append(Problem("lesson", "a lesson cannot be dated after today", "recorded_on"))
    return problems


def feedback_problems(
    source: str, summary: str, response: str, status: FeedbackStatus, received_on: date | None, today: date
) -> list[Problem]:
    problems = []
    if not source.strip():
        problems.append(Problem("feedback", "say who gave it: the source is required", "source"))
    if not summary.strip():
        problems.append(Problem("feedback", "a summary of the feedback is required", "summary"))
    if received_on is not None and received_on > today:
        problems.append(Problem("feedback", "feedback cannot be received after today", "received_on"))
    if status is not FeedbackStatus.OPEN and not response.strip():
        problems.append(
            Problem(
                "feedback",
                f"feedback is {status.label.lower()} only with a response: write what was answered",
                "response",
            )
        )
    return problems


def matches(query: str, texts: Iterable[str]) -> bool:
    """Every word of `query` appears in one of `texts` (any case); an empty query matches all."""
    words = query.casefold().split()
    if not words:
        return True
    haystack = "\n".join(texts).casefold()
    return all(word in haystack for word in words)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Lessons and feedback: rules, saving, links to indicators and actions, the find box, History."""

from __future__ import annotations

from datetime import date

import pytest

from pmdesk.domain.errors import NotFoundError, ValidationError
from pmdesk.domain.learning import FeedbackStatus, feedback_problems, lesson_problems, matches, parse_tags
from pmdesk.services.actions import ActionData, ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.history import HistoryService
from pmdesk.services.learning import FeedbackData, LearningService, LessonData, Links
from pmdesk.storage.database import Database
from tests.unit import loop_builders

P = "WASH-01"
TODAY = date(2026, 1, 15)


@pytest.fixture
def learning(db_holds_wash01: None, db: Database) -> LearningService:
    # db holds small_programme (tests/conftest.py)
    return LearningService(db.sessions, Actor(db.actor, db.device_uuid))


def test_rules() -> None:
    assert parse_tags(" water, Pumps ,WATER,, ") == ("water", "Pumps")
    assert {p.field for p in lesson_problems(" ", "", date(2030, 1, 1), TODAY)} == {
        "title",
        "lesson",
        "recorded_on",
    }
    problems = feedback_problems("", "", "", FeedbackStatus.RESPONDED, None, TODAY)
    assert {p.field for p in problems} == {"source", "summary", "response"}
    assert feedback_problems("Parents", "Dry taps", "", FeedbackStatus.OPEN, TODAY, TODAY) == []
    assert matches("", ["anything"]) and matches("pump SPARE", ["Spare parts", "for the pump"])
    assert not matches("pump valve", ["Spare parts for the pump"])


def test_lessons_with_links_search_and_history(db: Database, learning: LearningService) -> None:
    actor = Actor(db.actor, db.device_uuid)
    action = ActionService(db.sessions, actor).create(P, ActionData("Stock spare parts"))
    meeting_uuid, _ = loop_builders.meeting_with_decision(db, P)
    lesson = learning.save_lesson(
        P,
        LessonData(
            "Pumps break in the dry season",
            "Stock spare parts before March",
            what_happened="Four pumps broke",
            why="No spare parts",
            recommendation="Buy parts in January",
            tags=("water", "maintenance"),
            meeting_uuid=meeting_uuid,
            links=Links(("2.1",), (action.code,)),
        ),
        today=TODAY,
    )
    assert lesson.recorded_on == TODAY and lesson.recorded_by == "tester"
    assert lesson.links == Links(("2.1",), ("A-1",)) and lesson.meeting_uuid == meeting_uuid
    learning.save_lesson(P, LessonData("Another", "Something else"), today=TODAY)
    assert [x.uuid for x in learning.lessons(P, "maintenance A-1")] == [lesson.uuid]
    assert len(learning.lessons(P)) == 2
    changed = learning.save_lesson(
        P,
        LessonData("Pumps break in the dry season", "Stock parts", tags=("water",)),
        lesson.uuid,
        today=TODAY,
    )
    assert changed.links == Links() and changed.tags == ("water",)
    fields = {e.field for e in HistoryService(db.sessions).for_entity(lesson.uuid)}
    assert {"created", "lesson", "tags", "links"} <= fields


def test_refusals(learning: LearningService) -> None:
    with pytest.raises(NotFoundError, match="no action 'A-9'"):
        learning.save_lesson(P, LessonData("T", "L", links=Links(action_codes=("A-9",))))
    with pytest.raises(NotFoundError, match="no longer exists"):
        learning.save_feedback(P, FeedbackData("S", "X"), "missing-uuid")
    with pytest.raises(ValidationError, match="source is required"):
        learning.save_feedback(P, FeedbackData(" ", "X"))


def test_feedback_open_first(learning: LearningService) -> None:
    closed = learning.save_feedback(
        P,
        FeedbackData(
            "Donor",
            "Report late",
            received_on=date(2026, 1, 10),
            response="Sent",
            status=FeedbackStatus.CLOSED,
        ),
        today=TODAY,
    )
    old_open = learning.save_feedback(
        P, FeedbackData("Parents", "Dry taps", received_on=date(2025, 12, 1)), today=TODAY
    )
    assert [f.uuid for f in learning.feedback(P)] == [old_open.uuid, closed.uuid]
    reopened = learning.save_feedback(
        P, FeedbackData("Donor", "Report late", response="Sent"), closed.uuid, today=TODAY
    )
    assert reopened.status is FeedbackStatus.OPEN and reopened.closed_on is None


def test_link_an_action_to_feedback(db: Database, learning: LearningService) -> None:
    action = ActionService(db.sessions, Actor(db.actor, db.device_uuid)).create(
        P, ActionData("Check the taps")
    )
    item = learning.save_feedback(P, FeedbackData("Parents", "Dry taps", links=Links(("1.1",))), today=TODAY)
    linked = learning.link_action(P, item.uuid, action.code)
    assert linked.links == Links(("1.1",), ("A-1",))
    assert "links" in {e.field for e in HistoryService(db.sessions).for_entity(item.uuid)}

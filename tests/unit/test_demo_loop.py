# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo shows the closed loop on first start: the satisfaction alert, a finalised review with
decisions, today's draft review following them up, actions at every stage, lessons and feedback."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from pmdesk import cli
from pmdesk.domain.actions import ActionSource, ActionStatus
from pmdesk.domain.learning import FeedbackStatus
from pmdesk.domain.meetings import AgendaKind, MeetingKind
from pmdesk.services.actions import ActionFilter, ActionInfo, ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.alerts import AlertService
from pmdesk.services.demo import DEMO_CODE, DemoService
from pmdesk.services.learning import LearningService
from pmdesk.services.meetings import MeetingDetail, MeetingService
from pmdesk.storage.database import Database, open_database

TODAY = date(2026, 9, 16)  # a Wednesday after 2026 Q2, the quarter that completes the alert's streak


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    db = open_database(tmp_path_factory.mktemp("demo-loop") / "demo.sqlite", actor="tester")
    DemoService(db.sessions, Actor(db.actor, db.device_uuid), db.path).create_demo(today=TODAY)
    yield db
    db.close()


@pytest.fixture(scope="module")
def meetings(demo_db: Database) -> list[MeetingDetail]:
    service = MeetingService(demo_db.sessions, Actor(demo_db.actor, demo_db.device_uuid))
    return [service.get(m.id) for m in service.list_meetings(DEMO_CODE)]


@pytest.fixture(scope="module")
def actions(demo_db: Database) -> list[ActionInfo]:
    return ActionService(demo_db.sessions, Actor(demo_db.actor, demo_db.device_uuid)).list(
        ActionFilter(programme_code=DEMO_CODE)
    )


def _reviews(meetings: list[MeetingDetail]) -> tuple[MeetingDetail, MeetingDetail]:
    (final,) = [m for m in meetings if m.meeting.kind is MeetingKind.REVIEW and m.meeting.is_final]
    (draft,) = [m for m in meetings if m.meeting.kind is MeetingKind.REVIEW and not m.meeting.is_final]
    return final, draft


def test_the_satisfaction_alert_is_open(demo_db: Database) -> None:
    alerts = AlertService(demo_db.sessions, Actor(demo_db.actor, demo_db.device_uuid)).list(DEMO_CODE, "open")
    assert [(a.trigger_code, a.indicator_code, a.periods) for a in alerts] == [
        ("T1", "2.3", ("2026Q1", "2026Q2"))
    ]


def test_three_kinds_of_meeting_held_on_workdays(meetings: list[MeetingDetail]) -> None:
    assert Counter(m.meeting.kind for m in meetings) == {
        MeetingKind.REVIEW: 2,
        MeetingKind.LEARNING: 1,
        MeetingKind.FEEDBACK: 1,
    }
    assert all(m.meeting.held_on.weekday() < 5 and m.meeting.held_on <= TODAY for m in meetings)
    assert all(m.attendees and m.meeting.facilitator for m in meetings)


def test_a_finalised_review_after_the_alert_decides_what_to_do(meetings: list[MeetingDetail]) -> None:
    review, _ = _reviews(meetings)
    assert review.meeting.held_on > date(2026, 6, 30) and review.meeting.title == "2026 Q2 quarterly review"
    assert review.meeting.finalised_by == "tester"
    assert sum(a.person_id is not None for a in review.attendees) >= 3  # People of the programme
    first = review.items[0]
    assert first.kind is AgendaKind.ALERT and first.notes  # the facilitator put the alert first
    assert not any(i.kind is AgendaKind.INDICATOR and i.indicator_code == "2.3" for i in review.items)
    assert any(i.kind is AgendaKind.OTHER for i in review.items)  # and added an item by hand
    assert 2 <= len(review.decisions) <= 3
    (rapid,) = review.decisions_of(first.id)
    assert "rapid review of satisfaction in the three lowest-scoring schools" in rapid.text
    assert "Ombeyi" in rapid.text


def test_todays_draft_review_follows_up_the_decisions(meetings: list[MeetingDetail]) -> None:
    review, draft = _reviews(meetings)
    assert draft.meeting.held_on == TODAY and draft.meeting.title == "2026 Q3 quarterly review"
    follow_ups = [i.subject_uuid for i in draft.items if i.kind is AgendaKind.DECISION]
    assert follow_ups == [d.uuid for d in review.decisions]
    kinds = {i.kind for i in draft.items}
    assert {AgendaKind.INDICATOR, AgendaKind.ALERT, AgendaKind.ACTION} <= kinds
    assert draft.has_minutes and not draft.decisions  # something typed, to continue in live minutes


def test_actions_at_every_stage(actions: list[ActionInfo], meetings: list[MeetingDetail]) -> None:
    assert Counter(a.status for a in actions) == {
        ActionStatus.OPEN: 3,
        ActionStatus.IN_PROGRESS: 2,
        ActionStatus.DONE: 1,
        ActionStatus.DROPPED: 1,
    }
    overdue = [a for a in actions if a.is_overdue(TODAY)]
    assert {a.status for a in overdue} == {ActionStatus.OPEN, ActionStatus.IN_PROGRESS}
    assert any(a.is_due_within(TODAY, 14) for a in actions)
    assert {a.source for a in actions} == {ActionSource.DECISION, ActionSource.ALERT, ActionSource.LESSON}
    review, _ = _reviews(meetings)
    decided = [a for a in actions if a.source is ActionSource.DECISION]
    assert {a.meeting_uuid for a in decided} == {review.meeting.uuid}
    assert {a.source_uuid for a in decided} == {d.uuid for d in review.decisions}
    (done,) = [a for a in actions if a.status is ActionStatus.DONE]
    assert done.closed_on_time is True and done.closing_note
    (dropped,) = [a for a in actions if a.status is ActionStatus.DROPPED]
    assert dropped.closing_note
    progressing = [a for a in actions if a.status is ActionStatus.IN_PROGRESS and not a.is_overdue(TODAY)]
    assert len(progressing[0].updates) >= 2
    assert all(u.on <= TODAY for a in actions for u in a.updates)
    assert all(a.owner_person_code and a.indicator_codes for a in actions)


def test_lessons_and_feedback_are_linked(demo_db: Database, actions: list[ActionInfo]) -> None:
    learning = LearningService(demo_db.sessions, Actor(demo_db.actor, demo_db.device_uuid))
    lessons = learning.lessons(DEMO_CODE)
    assert 2 <= len(lessons) <= 3
    assert all(lesson.tags and lesson.links.indicator_codes for lesson in lessons)
    assert any(lesson.meeting_title.startswith("After-action review") for lesson in lessons)
    from_lesson = next(a for a in actions if a.source is ActionSource.LESSON)
    assert any(from_lesson.code in lesson.links.action_codes for lesson in lessons)
    feedback = learning.feedback(DEMO_CODE)
    assert 3 <= len(feedback) <= 4
    assert {f.status for f in feedback} == set(FeedbackStatus)
    (closed,) = [f for f in feedback if f.status is FeedbackStatus.CLOSED]
    assert closed.response and closed.closed_on == TODAY
    assert any(f.source.startswith("Parents") for f in feedback)  # a community
    assert {"District health office", "Global WASH Fund"} <= {f.source for f in feedback}
    assert sum(bool(f.links.action_codes) for f in feedback) >= 2
    assert all(f.links.indicator_codes for f in feedback)


def test_replacing_the_demo_makes_the_same_loop_again(tmp_path: Path) -> None:
    db = open_database(tmp_path / "demo.sqlite", actor="tester")
    try:
        actor = Actor(db.actor, db.device_uuid)
        service = DemoService(db.sessions, actor, db.path)
        first = service.create_demo(today=TODAY)
        before = [(a.code, a.title, a.status, a.due) for a in ActionService(db.sessions, actor).list()]
        again = service.create_demo(replace=True, today=TODAY)
        after = [(a.code, a.title, a.status, a.due) for a in ActionService(db.sessions, actor).list()]
        assert again.counts == first.counts
        assert {k: first.counts[k] for k in ("alerts", "meetings", "decisions", "actions")} == {
            "alerts": 1,
            "meetings": 4,
            "decisions": 3,
            "actions": 7,
        }
        assert after == before
        assert len(MeetingService(db.sessions, actor).list_meetings(DEMO_CODE)) == 4
    finally:
        db.close()


# -- the command line, on the demo made by `pmdesk demo` today -----------------------------------


def test_the_cli_lists_the_overdue_actions_and_the_alert(
    capsys: pytest.CaptureFixture[str], demo_file: Path, data_dir: Path
) -> None:
    del data_dir
    capsys.readouterr()
    args = [
        "--db",
        str(demo_file),
        "actions",
        "list",
        "--programme",
        DEMO_CODE,
        "--overdue",
        "--format",
        "json",
    ]
    assert cli.main(args) == 0
    overdue = json.loads(capsys.readouterr().out)
    assert len(overdue) == 2 and all(a["overdue"] for a in overdue)
    assert {a["status"] for a in overdue} == {"open", "in_progress"}
    assert {a["source"] for a in overdue} == {"decision", "lesson"}

    assert cli.main(["--db", str(demo_file), "alerts", DEMO_CODE, "--format", "json"]) == 0
    (alert,) = json.loads(capsys.readouterr().out)["alerts"]
    assert (alert["trigger"], alert["indicator"], alert["status"]) == ("T1", "2.3", "open")


def test_the_demo_summary_line_agrees_in_number(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from pmdesk import cli

    assert cli.main(["--data-dir", str(tmp_path), "--db", str(tmp_path / "d.sqlite"), "demo"]) == 0
    out = capsys.readouterr().out
    assert "1 alert," in out and "1 trigger," in out and "1 alerts" not in out

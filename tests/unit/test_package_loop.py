# SPDX-License-Identifier: GPL-3.0-or-later
"""Programme packages carry meetings, actions, lessons and feedback: the round trip, and refusals."""

from __future__ import annotations

import copy
import uuid as uuids
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from pmdesk.domain.actions import ActionSource, ActionStatus
from pmdesk.domain.errors import ValidationError
from pmdesk.domain.learning import FeedbackStatus
from pmdesk.formats.package_schema import schema_problems
from pmdesk.services.actions import ActionData, ActionFilter, ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.demo import DEMO_CODE, DemoService
from pmdesk.services.learning import FeedbackData, LearningService, LessonData, Links
from pmdesk.services.meetings import AttendeeData, MeetingData, MeetingService
from pmdesk.services.packages import PackageService
from pmdesk.storage.database import Database, open_database
from pmdesk.storage.models import HistoryRow
from tests.unit import loop_builders
from tests.unit.builders import small_programme
from tests.unit.package_fixtures import rich_package
from tests.unit.test_packages import table_counts

Package = dict[str, Any]
CODE = "WASH-01"


def packages(db: Database) -> PackageService:
    return PackageService(db.sessions, Actor(db.actor, db.device_uuid))


def build_loop(db: Database) -> dict[str, str]:
    """A programme with a final review meeting (agenda, decisions, an amendment), a learning event
    and a feedback session; actions open, overdue, closed with a note, with updates, linked
    indicators, from a decision, a lesson and an alert; a lesson and feedback with links."""
    small_programme(db, CODE)
    actor = Actor(db.actor, db.device_uuid)
    meetings = MeetingService(db.sessions, actor)
    actions = ActionService(db.sessions, actor)
    learning = LearningService(db.sessions, actor)

    review = meetings.create(
        CODE,
        MeetingData(
            "review",
            "Q2 review",
            date(2025, 7, 10),
            place="Kisumu office",
            facilitator="Amina Yusuf",
            attendees=(AttendeeData("Amina Yusuf", add_to_people=True), AttendeeData("Joseph (guest)")),
        ),
        propose=False,
    )
    mid = review.meeting.id
    pumps = meetings.add_item(mid, "Broken pumps", "Three schools report no water")
    meetings.add_item(mid, "Any other business")
    meetings.save_item_notes(pumps.id, "Spare parts are late; the district promised them.")
    meetings.save_meeting_notes(mid, "Quorum reached.")
    repair = str(uuids.uuid4())
    meetings.save_decision(mid, repair, "Rehabilitate the broken pumps", pumps.id)
    survey = str(uuids.uuid4())
    meetings.save_decision(mid, survey, "Survey the other schools", None)
    meetings.finalise(mid)
    meetings.amend(mid, "Joseph attended as an observer, not a member.")

    learning_event = meetings.create(
        CODE, MeetingData("learning", "After-action review: pumps", date(2025, 8, 1)), propose=False
    )
    feedback_session = meetings.create(
        CODE, MeetingData("feedback", "Parents' meeting", date(2025, 8, 5)), propose=False
    )

    first = actions.create(
        CODE,
        ActionData(
            "Repair the pumps",
            owner_person_code="AMINA-YUSUF",
            due=date(2025, 9, 30),
            priority="high",
            indicator_codes=("2.1", "1.1"),
            decision_uuid=repair,
        ),
    )
    actions.add_update(first.uuid, "Parts ordered", "in_progress", on=date(2025, 8, 1))
    actions.close(first.uuid, "done", "Pumps repaired at N01 and N02", on=date(2025, 9, 20))
    overdue = actions.create(CODE, ActionData("Survey the schools", owner="Joseph", due=date(2025, 10, 1)))
    actions.add_update(overdue.uuid, "Two schools visited", on=date(2025, 10, 5))
    lesson = learning.save_lesson(
        CODE,
        LessonData(
            "Spare parts before the dry season",
            "Order spare parts in the wet season",
            what_happened="Pumps broke in the dry season",
            why="No parts in stock",
            recommendation="Keep a stock of parts",
            tags=("water", "Pumps"),
            recorded_on=date(2025, 8, 1),
            meeting_uuid=learning_event.meeting.uuid,
            links=Links(("1.1",), ("A-1",)),
        ),
    )
    from_lesson = actions.create(CODE, ActionData("Buy spare parts", lesson_uuid=lesson.uuid, priority="low"))
    alert = loop_builders.alert(db, CODE)
    from_alert = actions.create(CODE, ActionData("Rapid review", alert_uuid=alert))
    learning.save_feedback(
        CODE,
        FeedbackData(
            "Parents of Kibera school",
            "The water tastes of rust",
            channel="Community meeting",
            received_on=date(2025, 8, 5),
            response="The tank will be cleaned",
            status=FeedbackStatus.CLOSED,
            meeting_uuid=feedback_session.meeting.uuid,
            links=Links(("2.1",), ("A-2", "A-3")),
        ),
    )
    learning.save_feedback(CODE, FeedbackData("Donor", "More photos please", received_on=date(2025, 9, 1)))
    return {
        "repair": repair,
        "first": first.uuid,
        "overdue": overdue.uuid,
        "from_lesson": from_lesson.uuid,
        "from_alert": from_alert.uuid,
    }


@pytest.fixture(scope="module")
def loop_package(tmp_path_factory: pytest.TempPathFactory) -> tuple[Package, dict[str, str]]:
    """The package of build_loop's programme, made once."""
    db = open_database(tmp_path_factory.mktemp("loop") / "loop.sqlite", actor="tester")
    try:
        made = build_loop(db)
        return packages(db).export_package(CODE), made
    finally:
        db.close()


@pytest.fixture
def other_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "other.sqlite", actor="someone else")
    yield database
    database.close()


# -- the round trip -------------------------------------------------------------------------------


def test_an_export_imports_into_an_empty_file_and_exports_the_same(
    loop_package: tuple[Package, dict[str, str]], other_db: Database
) -> None:
    package, made = loop_package
    assert schema_problems(package) == []
    summary = packages(other_db).import_package(copy.deepcopy(package))
    assert {k: summary.counts[k] for k in ("meetings", "actions", "lessons", "feedback")} == {
        "meetings": 3,
        "actions": 4,
        "lessons": 1,
        "feedback": 2,
    }
    assert packages(other_db).export_package(CODE) == package

    # The services see the same loop, with the same UUIDs.
    actions = ActionService(other_db.sessions, Actor(other_db.actor, other_db.device_uuid))
    first = actions.get(made["first"])
    assert first.status is ActionStatus.DONE and first.closing_note == "Pumps repaired at N01 and N02"
    assert (first.source, first.source_uuid) == (ActionSource.DECISION, made["repair"])
    assert first.meeting_title == "Q2 review" and first.owner == "Amina Yusuf"
    assert first.indicator_codes == ("1.1", "2.1")
    assert [u.status for u in first.updates] == [ActionStatus.IN_PROGRESS, ActionStatus.DONE]
    assert [a.code for a in actions.list(ActionFilter(CODE, overdue_as_of=date(2025, 10, 2)))] == ["A-2"]
    assert actions.get(made["from_lesson"]).source is ActionSource.LESSON
    # Alerts do not travel, nor does an action's link to one.
    assert actions.get(made["from_alert"]).source is ActionSource.NONE
    meetings = MeetingService(other_db.sessions, Actor(other_db.actor, other_db.device_uuid))
    review = next(m for m in meetings.list_meetings(CODE) if m.title == "Q2 review")
    detail = meetings.get(review.id)
    assert detail.meeting.is_final and [a.text for a in detail.amendments] == [
        "Joseph attended as an observer, not a member."
    ]
    assert [d.text for d in detail.decisions_of(detail.items[0].id)] == ["Rehabilitate the broken pumps"]
    learning = LearningService(other_db.sessions, Actor(other_db.actor, other_db.device_uuid))
    (lesson,) = learning.lessons(CODE)
    assert lesson.links == Links(("1.1",), ("A-1",)) and lesson.meeting_title.startswith("After-action")
    closed = next(f for f in learning.feedback(CODE) if f.status is FeedbackStatus.CLOSED)
    assert closed.links == Links(("2.1",), ("A-2", "A-3"))
    with other_db.sessions() as session:
        created = session.scalar(
            select(func.count()).where(
                HistoryRow.field == "created",
                HistoryRow.new == "imported from package",
                HistoryRow.entity != "programme",
            )
        )
    assert created == 3 + 4 + 1 + 2


def test_the_package_keeps_uuids_stamps_and_the_shape_documented(
    loop_package: tuple[Package, dict[str, str]],
) -> None:
    package, made = loop_package
    review = next(m for m in package["meetings"] if m["title"] == "Q2 review")
    assert review["status"] == "final" and review["modified_at"].endswith("Z")
    assert [a["person"] for a in review["attendees"]] == ["AMINA-YUSUF", None]
    assert [i["title"] for i in review["agenda"]] == ["Broken pumps", "Any other business"]
    assert review["decisions"][0]["agenda_item"] == review["agenda"][0]["uuid"]
    assert review["decisions"][0]["uuid"] == made["repair"]
    first = package["actions"][0]
    assert (first["code"], first["uuid"], first["decision"], first["status"]) == (
        "A-1",
        made["first"],
        made["repair"],
        "done",
    )
    alerted = next(a for a in package["actions"] if a["uuid"] == made["from_alert"])
    assert alerted["decision"] is None and alerted["lesson"] is None
    assert package["lessons"][0]["tags"] == ["water", "Pumps"]


def test_importing_a_package_again_under_another_code_gives_its_records_new_uuids(
    loop_package: tuple[Package, dict[str, str]], other_db: Database
) -> None:
    package, made = loop_package
    packages(other_db).import_package(copy.deepcopy(package))
    again = copy.deepcopy(package)
    again["programme"]["code"] = "WASH-02"
    packages(other_db).import_package(again)
    copy_of = packages(other_db).export_package("WASH-02")
    assert made["first"] not in {a["uuid"] for a in copy_of["actions"]}
    decisions = {d["uuid"] for m in copy_of["meetings"] for d in m["decisions"]}
    assert copy_of["actions"][0]["decision"] in decisions  # references follow the new UUIDs


def test_a_package_without_the_new_sections_imports_as_before(db: Database) -> None:
    package = rich_package()
    assert not {"meetings", "actions", "lessons", "feedback"} & package.keys()
    packages(db).import_package(package)
    exported = packages(db).export_package("WASH-01")
    assert [exported[k] for k in ("meetings", "actions", "lessons", "feedback")] == [[], [], [], []]


def test_records_without_uuids_or_stamps_get_new_ones_and_long_texts_travel(other_db: Database) -> None:
    package = rich_package()
    long_title = "Kick-off of the programme with the district education offices " * 8  # > 300 characters
    package["meetings"] = [{"kind": "review", "title": long_title, "held_on": "2025-01-15"}]
    package["actions"] = [{"code": "A-1", "title": "Hire a driver", "indicators": ["1.1"]}]
    packages(other_db).import_package(package)
    exported = packages(other_db).export_package("WASH-01")
    assert uuids.UUID(exported["meetings"][0]["uuid"])
    assert exported["meetings"][0]["title"] == long_title
    assert exported["actions"][0]["priority"] == "medium" and exported["actions"][0]["status"] == "open"


def test_the_demo_programme_round_trips(tmp_path: Path, other_db: Database) -> None:
    demo_db = open_database(tmp_path / "demo.sqlite", actor="tester")
    try:
        DemoService(demo_db.sessions, Actor(demo_db.actor, demo_db.device_uuid)).create_demo()
        package = packages(demo_db).export_package(DEMO_CODE)
    finally:
        demo_db.close()
    assert all(package[k] for k in ("meetings", "actions", "lessons", "feedback"))
    packages(other_db).import_package(copy.deepcopy(package))
    assert packages(other_db).export_package(DEMO_CODE) == package


# -- refusals -------------------------------------------------------------------------------------


def _set(path: str, value: object) -> Callable[[Package], None]:
    def mutate(package: Package) -> None:
        *parents, last = path.split(".")
        target: Any = package
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[int(last) if last.isdigit() else last] = value

    return mutate


def _drop_meeting_of_lesson(package: Package) -> None:
    package["meetings"] = [m for m in package["meetings"] if m["kind"] != "learning"]


BAD = [
    (
        "closed action without a note",
        _set("actions.0.closing_note", "  "),
        "$.actions[0].closing_note",
        "closing an action needs a note",
    ),
    (
        "unknown indicator",
        _set("actions.0.indicators.0", "9.9"),
        "$.actions[0].indicators[0]",
        "no indicator '9.9'",
    ),
    (
        "decision not in the package",
        _set("actions.0.decision", "00000000-0000-4000-8000-000000000000"),
        "$.actions[0].decision",
        "there is no decision",
    ),
    ("lesson's meeting missing", _drop_meeting_of_lesson, "$.lessons[0].meeting", "there is no meeting"),
    (
        "decision's agenda item missing",
        _set("meetings.0.decisions.0.agenda_item", "00000000-0000-4000-8000-000000000001"),
        "$.meetings[0].decisions[0].agenda_item",
        "this meeting has no agenda item",
    ),
    ("date as a number", _set("meetings.0.held_on", 20250710), "$.meetings[0].held_on", "must be text"),
    ("section not a list", _set("actions", {"code": "A-1"}), "$.actions", "must be a list"),
    ("bad priority", _set("actions.1.priority", "urgent"), "$.actions[1].priority", "not a priority"),
    ("bad status", _set("actions.1.status", "finished"), "$.actions[1].status", "not an action status"),
    ("meeting kind", _set("meetings.0.kind", "party"), "$.meetings[0].kind", "not a kind of meeting"),
    ("blank meeting title", _set("meetings.0.title", " "), "$.meetings[0].title", "needs a title"),
    (
        "feedback closed without a response",
        _set("feedback.0.response", ""),
        "$.feedback[0].response",
        "only with a response",
    ),
    (
        "unknown action link",
        _set("lessons.0.actions", ["A-99"]),
        "$.lessons[0].actions[0]",
        "no action 'A-99'",
    ),
    ("bad uuid", _set("actions.0.uuid", "not-a-uuid"), "$.actions[0].uuid", "is not a UUID"),
    (
        "bad stamp",
        _set("actions.0.modified_at", "yesterday"),
        "$.actions[0].modified_at",
        "not a date and time",
    ),
    ("action code twice", _set("actions.1.code", "A-1"), "$.actions[1].code", "used twice"),
    ("unknown field", _set("lessons.0.colour", "red"), "$.lessons[0]", "unknown field 'colour'"),
    (
        "amendment of draft minutes",
        _set("meetings.0.status", "draft"),
        "$.meetings[0].amendments[0]",
        "edit them instead of amending them",
    ),
    ("blank update", _set("actions.1.updates.0.note", " "), "$.actions[1].updates[0].note", "needs a note"),
    ("unknown person", _set("actions.0.owner_person", "nobody"), "$.actions[0].owner_person", "no person"),
]


@pytest.mark.parametrize(("mutate", "location", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_bad_loop_section_is_refused_with_its_json_path_and_nothing_is_written(
    loop_package: tuple[Package, dict[str, str]],
    other_db: Database,
    mutate: Callable[[Package], None],
    location: str,
    message: str,
) -> None:
    before = table_counts(other_db)
    package = copy.deepcopy(loop_package[0])
    mutate(package)
    with pytest.raises(ValidationError) as caught:
        packages(other_db).import_package(package, source="wash.json")
    found = [str(p) for p in caught.value.problems]
    assert any(p.startswith(location + ":") and message in p for p in found), found
    assert table_counts(other_db) == before


def test_a_uuid_given_twice_is_refused(
    loop_package: tuple[Package, dict[str, str]], other_db: Database
) -> None:
    package = copy.deepcopy(loop_package[0])
    package["feedback"][1]["uuid"] = package["actions"][0]["uuid"].upper()
    with pytest.raises(ValidationError) as caught:
        packages(other_db).import_package(package)
    assert [str(p) for p in caught.value.problems] == [
        f"$.feedback[1].uuid: UUID {package['feedback'][1]['uuid']} is already used by $.actions[0]"
    ]


def test_every_loop_problem_is_listed_at_once(
    loop_package: tuple[Package, dict[str, str]], other_db: Database
) -> None:
    package = copy.deepcopy(loop_package[0])
    package["actions"][0]["closing_note"] = ""
    package["actions"][1]["indicators"] = ["9.9"]
    package["feedback"][0]["response"] = ""
    with pytest.raises(ValidationError) as caught:
        packages(other_db).import_package(package)
    assert [p.location for p in caught.value.problems] == [
        "$.actions[0].closing_note",
        "$.actions[1].indicators[0]",
        "$.feedback[0].response",
    ]

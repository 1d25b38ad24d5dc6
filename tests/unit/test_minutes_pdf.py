# SPDX-License-Identifier: GPL-3.0-or-later
"""Meeting minutes as a PDF: parsed back with pypdf, and the `pmdesk minutes` command end to end."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest

from pmdesk import cli
from pmdesk.cli.common import UsageError
from pmdesk.cli.document_commands import find_meeting
from pmdesk.domain.errors import NotFoundError
from pmdesk.reports.minutes_pdf import DRAFT_MARK
from pmdesk.reports.reporter import Reports
from pmdesk.services.actions import ActionData, ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.meetings import AttendeeData, MeetingData, MeetingService
from pmdesk.storage.database import Database
from tests.unit.loop_builders import meeting_with_decision

HOSTILE = ["<b>bold?</b>", "R&D", "a < b", '<img src="http://x">']
NON_LATIN = ["São Tomé", "Ελένη Παπαδοπούλου", "Наталья Иванова", "Niño & Peña"]
HELD = date(2025, 7, 10)


def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def flat(text: str) -> str:
    """The text with its line breaks gone: a long cell wraps, and pypdf reads the wrap as a break."""
    return " ".join(text.split())


@pytest.fixture
def built(db_holds_wash01: None, db: Database) -> tuple[Reports, MeetingService, ActionService]:
    # db holds small_programme (tests/conftest.py)
    actor = Actor(db.actor, db.device_uuid)
    return Reports(db.sessions, actor), MeetingService(db.sessions, actor), ActionService(db.sessions, actor)


def a_meeting(meetings: MeetingService, actions: ActionService) -> tuple[int, list[str]]:
    """A review with hostile and non-Latin attendees, two items with notes, decisions and actions."""
    names = HOSTILE[:2] + NON_LATIN
    detail = meetings.create(
        "WASH-01",
        MeetingData(
            "review",
            "Q2 review <script>",
            HELD,
            place="Niamey & Zinder",
            facilitator="Ελένη Παπαδοπούλου",
            attendees=tuple(AttendeeData(n) for n in names),
        ),
        propose=False,
    )
    meeting = detail.meeting.id
    first = meetings.add_item(meeting, "Pumps <broken>", "Off track: 15 % of target as of 2025 Q2")
    second = meetings.add_item(meeting, "Budget R&D")
    meetings.save_item_notes(first.id, "Three pumps a < b broke in Zinder")
    meetings.save_meeting_notes(meeting, "Apologies: Наталья")
    meetings.save_decision(meeting, "d-1", "Hire a second driller", first.id)
    meetings.save_decision(meeting, "d-2", "Move 10 % of the budget", second.id)
    meetings.save_decision(meeting, "d-3", "Meet again in October", None)
    due = date.today() + timedelta(days=30)
    actions.create(
        "WASH-01",
        ActionData("Call the drilling contractor", owner="Наталья Иванова", due=due, decision_uuid="d-1"),
    )
    actions.create("WASH-01", ActionData("Rewrite the budget <v2>", owner="R&D team", decision_uuid="d-2"))
    return meeting, names


def test_the_minutes_carry_every_attendee_decision_and_action(
    built: tuple[Reports, MeetingService, ActionService], tmp_path: Path
) -> None:
    reports, meetings, actions = built
    meeting, names = a_meeting(meetings, actions)
    meetings.finalise(meeting)
    meetings.amend(meeting, "The driller is hired by <September>")
    uuid = meetings.get(meeting).meeting.uuid
    calls: list[tuple[int, int]] = []
    report = reports.minutes(uuid, tmp_path / "m.pdf", progress=lambda d, t, _m: calls.append((d, t)))
    assert report.path.exists() and report.pages == 2 and calls[-1][0] == calls[-1][1]
    assert report.title == "Minutes: Q2 review <script>"
    text = flat(text_of(report.path))
    for name in names:
        assert name in text
    for expected in (
        "Q2 review <script>",
        "10 July 2025",
        "Niamey & Zinder",
        "Attendees (6)",
        "Pumps <broken>",
        "Off track: 15 % of target as of 2025 Q2",
        "Three pumps a < b broke in Zinder",
        "Apologies: Наталья",
        "Decision: Hire a second driller",
        "Decision: Move 10 % of the budget",
        "Other decisions",
        "Decisions (3)",
        "Action items (2)",
        "Call the drilling contractor",
        "Rewrite the budget <v2>",
        "R&D team",
        "(no date)",
        "Amendments (1)",
        "The driller is hired by <September>",
    ):
        assert expected in text, expected
    due = date.today() + timedelta(days=30)
    assert f"{due.day} {due:%b %Y}" in text
    assert "Final: minutes finalised by tester" in text
    assert DRAFT_MARK not in text
    assert b"/URI" not in report.path.read_bytes()


def test_a_draft_is_marked_on_every_page(
    built: tuple[Reports, MeetingService, ActionService], tmp_path: Path
) -> None:
    reports, meetings, actions = built
    meeting, _names = a_meeting(meetings, actions)
    for n in range(40):  # long notes: the minutes run over several pages
        meetings.save_decision(meeting, f"x-{n}", f"Decision number {n} " + "with words " * 20, None)
    report = reports.minutes(meetings.get(meeting).meeting.uuid, tmp_path / "d.pdf")
    pages = [page.extract_text() for page in pypdf.PdfReader(report.path).pages]
    assert 3 <= len(pages) <= 8
    assert DRAFT_MARK in pages[0]
    assert all(DRAFT_MARK.upper() in page for page in pages)
    assert "Amendments" not in "".join(pages)  # a draft has none


def test_an_unknown_meeting_is_refused(
    built: tuple[Reports, MeetingService, ActionService], tmp_path: Path
) -> None:
    reports, _meetings, _actions = built
    with pytest.raises(NotFoundError):
        reports.minutes("no-such-uuid", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_meeting_is_named_by_id_day_or_title(
    built: tuple[Reports, MeetingService, ActionService], db: Database
) -> None:
    _reports, meetings, _actions = built
    meeting_with_decision(db, "WASH-01", date(2025, 7, 10))
    meeting_with_decision(db, "WASH-01", date(2025, 10, 9))
    listed = meetings.list_meetings("WASH-01")
    july = next(m for m in listed if m.held_on.month == 7)
    assert find_meeting(july.uuid[:6], listed) is july
    assert find_meeting("2025-07-10", listed) is july
    assert find_meeting("review july 2025", listed) is july
    assert find_meeting("JULY", listed) is july
    with pytest.raises(UsageError, match="fits 2 meetings; did you mean") as many:
        find_meeting("Review", listed)
    assert july.uuid[:8] in str(many.value)
    with pytest.raises(NotFoundError, match="did you mean") as none:
        find_meeting("Reviw Juli 2025", listed)
    assert "Review July 2025" in str(none.value)


def test_the_minutes_command_end_to_end(
    built: tuple[Reports, MeetingService, ActionService],
    db: Database,
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _reports, meetings, actions = built
    meeting, names = a_meeting(meetings, actions)
    uuid = meetings.get(meeting).meeting.uuid
    path = db.path
    db.close()
    out = tmp_path / "minutes.pdf"
    assert cli.main(["--db", str(path), "minutes", uuid[:8], "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().err
    text = flat(text_of(out))
    assert all(name in text for name in names) and DRAFT_MARK in text
    assert (
        cli.main(
            ["--db", str(path), "minutes", "Q2 review <script>", "--programme", "WASH-01", "-o", str(out)]
        )
        == 0
    )
    assert cli.main(["--db", str(path), "minutes", "nothing like it", "-o", str(out)]) == 1
    assert "no meeting is called 'nothing like it'" in capsys.readouterr().err
    assert cli.main(["--db", str(path), "minutes", uuid[:8], "-o", str(tmp_path / "no" / "m.pdf")]) == 1
    assert "does not exist" in capsys.readouterr().err

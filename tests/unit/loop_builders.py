# SPDX-License-Identifier: GPL-3.0-or-later
"""Meetings, decisions, alerts and lessons written straight to the database, for tests of the
services that read them (the meeting and alert services are tested on their own)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from pmdesk.storage.database import Database
from pmdesk.storage.loop_models import AlertRow, AttendeeRow, DecisionRow, LessonRow, MeetingRow
from pmdesk.storage.models import PersonRow, ProgrammeRow


def programme_id(db: Database, code: str) -> int:
    with db.sessions() as session:
        found = session.scalar(select(ProgrammeRow.id).where(ProgrammeRow.code == code))
        assert found is not None
        return found


def meeting_with_decision(
    db: Database,
    programme_code: str,
    held_on: date = date(2025, 7, 10),
    text: str = "Rehabilitate the broken pumps",
    attendees: tuple[str, ...] = (),
) -> tuple[str, str]:
    """A review meeting with one decision (and these attendees); (meeting uuid, decision uuid)."""
    pid = programme_id(db, programme_code)
    with db.sessions.begin() as session:
        meeting = MeetingRow(
            programme_id=pid, kind="review", title=f"Review {held_on:%B %Y}", held_on=held_on
        )
        session.add(meeting)
        session.flush()
        for name in attendees:
            person = session.scalars(
                select(PersonRow).where(PersonRow.programme_id == pid, PersonRow.name == name)
            ).first()
            session.add(
                AttendeeRow(meeting_id=meeting.id, name=name, person_id=person.id if person else None)
            )
        decision = DecisionRow(meeting_id=meeting.id, text=text)
        session.add(decision)
        session.flush()
        return meeting.uuid, decision.uuid


def alert(db: Database, programme_code: str, indicator_code: str = "2.1") -> str:
    pid = programme_id(db, programme_code)
    with db.sessions.begin() as session:
        row = AlertRow(
            programme_id=pid,
            trigger_uuid="t-1",
            trigger_code="T1",
            indicator_uuid="i-1",
            indicator_code=indicator_code,
            first_period="2025Q2",
            periods="2025Q2,2025Q3",
            message="below 70 % for two quarters",
        )
        session.add(row)
        session.flush()
        return row.uuid


def lesson(db: Database, programme_code: str, title: str = "Pumps need spare parts") -> str:
    pid = programme_id(db, programme_code)
    with db.sessions.begin() as session:
        row = LessonRow(programme_id=pid, title=title, recorded_on=date(2025, 8, 1))
        session.add(row)
        session.flush()
        return row.uuid

# SPDX-License-Identifier: GPL-3.0-or-later
"""Lessons and stakeholder feedback of a programme (issue #9 §7): saving them, linking them to
indicators and actions, and finding them; every change goes to History."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.errors import NotFoundError, ValidationError
from pmdesk.domain.learning import FeedbackStatus, feedback_problems, lesson_problems, matches
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.lookups import indicator_by_code, programme_by_code
from pmdesk.storage.loop_models import ActionItemRow, FeedbackRow, LessonRow, LinkRow, MeetingRow
from pmdesk.storage.models import IndicatorRow, ProgrammeRow

_Row = TypeVar("_Row", LessonRow, FeedbackRow)


@dataclass(frozen=True)
class Links:
    indicator_codes: tuple[str, ...] = ()
    action_codes: tuple[str, ...] = ()  # A-1 … of the same programme


@dataclass(frozen=True)
class LessonData:
    title: str
    lesson: str
    what_happened: str = ""
    why: str = ""
    recommendation: str = ""
    tags: tuple[str, ...] = ()
    recorded_on: date | None = None  # today when None
    meeting_uuid: str | None = None  # the learning event it came from
    links: Links = Links()


@dataclass(frozen=True)
class LessonInfo:
    uuid: str
    programme_code: str
    title: str
    what_happened: str
    why: str
    lesson: str
    recommendation: str
    tags: tuple[str, ...]
    recorded_on: date
    recorded_by: str
    meeting_uuid: str | None
    meeting_title: str
    links: Links

    def matches(self, query: str) -> bool:
        return matches(
            query,
            (
                self.title,
                self.what_happened,
                self.why,
                self.lesson,
                self.recommendation,
                " ".join(self.tags),
                self.meeting_title,
                " ".join(self.links.indicator_codes + self.links.action_codes),
            ),
        )


@dataclass(frozen=True)
class FeedbackData:
    source: str
    summary: str
    channel: str = ""
    received_on: date | None = None  # today when None
    response: str = ""
    status: FeedbackStatus = FeedbackStatus.OPEN
    meeting_uuid: str | None = None  # the feedback session it was heard in
    links: Links = Links()


@dataclass(frozen=True)
class FeedbackInfo:
    uuid: str
    programme_code: str
    received_on: date
    source: str
    channel: str
    summary: str
    response: str
    status: FeedbackStatus
    closed_on: date | None
    meeting_uuid: str | None
    meeting_title: str
    links: Links

    def matches(self, query: str) -> bool:
        return matches(
            query,
            (
                self.source,
                self.channel,
                self.summary,
                self.response,
                self.status.label,
                self.meeting_title,
                " ".join(self.links.indicator_codes + self.links.action_codes),
            ),
        )


class LearningService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor

    # -- lessons ------------------------------------------------------------------------------

    def lessons(self, programme_code: str, search: str = "") -> list[LessonInfo]:
        """The programme's lessons, newest first, those matching every word of `search`."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            rows = session.scalars(
                select(LessonRow)
                .where(LessonRow.programme_id == programme.id)
                .order_by(LessonRow.recorded_on.desc(), LessonRow.id.desc())
            )
            infos = [_lesson(session, programme, r) for r in rows]
        return [i for i in infos if i.matches(search)]

    def save_lesson(
        self, programme_code: str, data: LessonData, uuid: str | None = None, *, today: date | None = None
    ) -> LessonInfo:
        """Record a lesson, or change the one with `uuid`. ValidationError lists every problem."""
        today = today or date.today()
        problems = lesson_problems(data.title, data.lesson, data.recorded_on, today)
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = _find(session, LessonRow, programme, uuid, "lesson") if uuid else None
            if row is None:
                row = LessonRow(programme_id=programme.id, title="", recorded_by=self._actor.name)
                session.add(row)
                before: dict[str, object] = {}
            else:
                before = _lesson_fields(row)
            row.title = data.title.strip()
            row.lesson = data.lesson.strip()
            row.what_happened = data.what_happened.strip()
            row.why = data.why.strip()
            row.recommendation = data.recommendation.strip()
            row.tags = ", ".join(t.strip() for t in data.tags if t.strip())
            row.recorded_on = data.recorded_on or today
            row.meeting_id = _meeting_id(session, programme, data.meeting_uuid)
            session.flush()
            self._changes(session, "lesson", row.uuid, row.title, programme, before, _lesson_fields(row))
            self._link(session, programme, "lesson", row.id, row.uuid, row.title, data.links)
            session.flush()
            return _lesson(session, programme, row)

    # -- feedback -----------------------------------------------------------------------------

    def feedback(self, programme_code: str, search: str = "") -> list[FeedbackInfo]:
        """The programme's feedback, open first, then newest first, matching `search`."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            rows = session.scalars(
                select(FeedbackRow)
                .where(FeedbackRow.programme_id == programme.id)
                .order_by(FeedbackRow.received_on.desc(), FeedbackRow.id.desc())
            )
            infos = [_feedback(session, programme, r) for r in rows]
        infos.sort(key=lambda f: f.status is FeedbackStatus.CLOSED)  # stable: newest first within
        return [i for i in infos if i.matches(search)]

    def save_feedback(
        self, programme_code: str, data: FeedbackData, uuid: str | None = None, *, today: date | None = None
    ) -> FeedbackInfo:
        """Record feedback, or change the one with `uuid`. Closed only with a response."""
        today = today or date.today()
        problems = feedback_problems(
            data.source, data.summary, data.response, data.status, data.received_on, today
        )
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = _find(session, FeedbackRow, programme, uuid, "feedback") if uuid else None
            if row is None:
                row = FeedbackRow(programme_id=programme.id)
                session.add(row)
                before: dict[str, object] = {}
            else:
                before = _feedback_fields(row)
            row.source = data.source.strip()
            row.summary = data.summary.strip()
            row.channel = data.channel.strip()
            row.received_on = data.received_on or today
            row.response = data.response.strip()
            if data.status is FeedbackStatus.CLOSED and row.status != FeedbackStatus.CLOSED.value:
                row.closed_on = today
            elif data.status is not FeedbackStatus.CLOSED:
                row.closed_on = None
            row.status = data.status.value
            row.meeting_id = _meeting_id(session, programme, data.meeting_uuid)
            session.flush()
            label = row.summary[:60]
            self._changes(session, "feedback", row.uuid, label, programme, before, _feedback_fields(row))
            self._link(session, programme, "feedback", row.id, row.uuid, label, data.links)
            session.flush()
            return _feedback(session, programme, row)

    def link_action(self, programme_code: str, feedback_uuid: str, action_code: str) -> FeedbackInfo:
        """Link one more action to a piece of feedback (the action made in answer to it)."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = _find(session, FeedbackRow, programme, feedback_uuid, "feedback")
            links = _links(session, LinkRow.feedback_id == row.id)
            wanted = Links(links.indicator_codes, (*links.action_codes, action_code))
            self._link(session, programme, "feedback", row.id, row.uuid, row.summary[:60], wanted)
            session.flush()
            return _feedback(session, programme, row)

    # -- inside a transaction -----------------------------------------------------------------

    def _changes(
        self,
        session: Session,
        entity: str,
        uuid: str,
        label: str,
        programme: ProgrammeRow,
        before: dict[str, object],
        after: dict[str, object],
    ) -> None:
        if not before:
            history.record(
                session, self._actor, entity=entity, entity_uuid=uuid, field="created", old=None, new=label,
                label=label, programme_id=programme.id,
            )  # fmt: skip
            return
        for name, old in before.items():
            if after[name] != old:
                history.record(
                    session, self._actor, entity=entity, entity_uuid=uuid, field=name, old=old or None,
                    new=after[name] or None, label=label, programme_id=programme.id,
                )  # fmt: skip

    def _link(
        self,
        session: Session,
        programme: ProgrammeRow,
        kind: str,
        row_id: int,
        uuid: str,
        label: str,
        links: Links,
    ) -> None:
        column = LinkRow.lesson_id if kind == "lesson" else LinkRow.feedback_id
        old = _links(session, column == row_id)
        indicator_ids = [
            indicator_by_code(session, programme, c).id for c in dict.fromkeys(links.indicator_codes)
        ]
        action_ids = []
        for code in dict.fromkeys(links.action_codes):
            action_id = session.scalar(
                select(ActionItemRow.id).where(
                    ActionItemRow.programme_id == programme.id, ActionItemRow.code == code
                )
            )
            if action_id is None:
                raise NotFoundError(f"programme {programme.code} has no action '{code}'")
            action_ids.append(action_id)
        session.execute(delete(LinkRow).where(column == row_id))
        source = {"lesson_id": row_id} if kind == "lesson" else {"feedback_id": row_id}
        session.add_all(LinkRow(**source, indicator_id=i) for i in indicator_ids)
        session.add_all(LinkRow(**source, action_id=a) for a in action_ids)
        session.flush()
        new = _links(session, column == row_id)
        if new != old:
            history.record(
                session, self._actor, entity=kind, entity_uuid=uuid, field="links",
                old=_links_text(old) or None, new=_links_text(new) or None, label=label, programme_id=programme.id,
            )  # fmt: skip


def _links(session: Session, condition: ColumnElement[bool]) -> Links:
    indicators, actions = [], []
    for link in session.scalars(select(LinkRow).where(condition)):
        if link.indicator_id is not None:
            code = session.scalar(select(IndicatorRow.code).where(IndicatorRow.id == link.indicator_id))
            if code:
                indicators.append(code)
        elif link.action_id is not None:
            code = session.scalar(select(ActionItemRow.code).where(ActionItemRow.id == link.action_id))
            if code:
                actions.append(code)
    return Links(tuple(sorted(indicators)), tuple(sorted(actions, key=_action_order)))


def _action_order(code: str) -> tuple[int, str]:
    digits = code.rpartition("-")[2]
    return (int(digits) if digits.isdigit() else 0, code)


def _links_text(links: Links) -> str:
    return " ".join(links.indicator_codes + links.action_codes)


def _find(session: Session, model: type[_Row], programme: ProgrammeRow, uuid: str, what: str) -> _Row:
    row = session.scalars(select(model).where(model.uuid == uuid, model.programme_id == programme.id)).first()
    if row is None:
        raise NotFoundError(f"that {what} no longer exists")
    return row


def _meeting_id(session: Session, programme: ProgrammeRow, meeting_uuid: str | None) -> int | None:
    if not meeting_uuid:
        return None
    meeting = session.scalars(
        select(MeetingRow).where(MeetingRow.uuid == meeting_uuid, MeetingRow.programme_id == programme.id)
    ).first()
    if meeting is None:
        raise NotFoundError(f"programme {programme.code} has no such meeting")
    return meeting.id


def _meeting(session: Session, meeting_id: int | None) -> tuple[str | None, str]:
    meeting = session.get(MeetingRow, meeting_id) if meeting_id is not None else None
    return (meeting.uuid, meeting.title) if meeting else (None, "")


def _lesson_fields(row: LessonRow) -> dict[str, object]:
    return {
        "title": row.title,
        "what_happened": row.what_happened,
        "why": row.why,
        "lesson": row.lesson,
        "recommendation": row.recommendation,
        "tags": row.tags,
        "recorded_on": row.recorded_on.isoformat() if row.recorded_on else None,
        "meeting": row.meeting_id,
    }


def _feedback_fields(row: FeedbackRow) -> dict[str, object]:
    return {
        "source": row.source,
        "summary": row.summary,
        "channel": row.channel,
        "received_on": row.received_on.isoformat() if row.received_on else None,
        "response": row.response,
        "status": row.status,
        "meeting": row.meeting_id,
    }


def _lesson(session: Session, programme: ProgrammeRow, row: LessonRow) -> LessonInfo:
    meeting_uuid, meeting_title = _meeting(session, row.meeting_id)
    return LessonInfo(
        row.uuid,
        programme.code,
        row.title,
        row.what_happened,
        row.why,
        row.lesson,
        row.recommendation,
        tuple(t.strip() for t in row.tags.split(",") if t.strip()),
        row.recorded_on,
        row.recorded_by,
        meeting_uuid,
        meeting_title,
        _links(session, LinkRow.lesson_id == row.id),
    )


def _feedback(session: Session, programme: ProgrammeRow, row: FeedbackRow) -> FeedbackInfo:
    meeting_uuid, meeting_title = _meeting(session, row.meeting_id)
    return FeedbackInfo(
        row.uuid,
        programme.code,
        row.received_on,
        row.source,
        row.channel,
        row.summary,
        row.response,
        FeedbackStatus(row.status),
        row.closed_on,
        meeting_uuid,
        meeting_title,
        _links(session, LinkRow.feedback_id == row.id),
    )

# SPDX-License-Identifier: GPL-3.0-or-later
"""A programme's meetings, actions, lessons and feedback in a package: written out by the export,
written in by the import (after package_loop_checks passed them). Records keep their UUIDs and
modification stamps, so that sync can match them later; alerts are not carried (they are raised
again from the triggers and values wherever the package goes)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmdesk.domain.actions import parse_priority, parse_status
from pmdesk.formats.package_schema import parse_stamp, stamp_text
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.package_loop_checks import LOOP_KINDS
from pmdesk.storage.loop_models import (
    ActionIndicatorRow,
    ActionItemRow,
    ActionUpdateRow,
    AgendaItemRow,
    AmendmentRow,
    AttendeeRow,
    DecisionRow,
    FeedbackRow,
    LessonRow,
    LinkRow,
    MeetingRow,
)
from pmdesk.storage.models import IndicatorRow, PersonRow, ProgrammeRow, new_uuid, utcnow

_SYNCED = (
    MeetingRow,
    AttendeeRow,
    AgendaItemRow,
    DecisionRow,
    AmendmentRow,
    ActionItemRow,
    ActionUpdateRow,
    LessonRow,
    FeedbackRow,
)
_CHUNK = 500


# -- import ---------------------------------------------------------------------------------------


class LoopWriter:
    """Writes a checked package's closed-loop sections into its new programme (caller's transaction)."""

    def __init__(
        self, session: Session, actor: Actor, data: Mapping[str, Any], programme: ProgrammeRow, source: str
    ) -> None:
        self.session = session
        self.actor = actor
        self.data = data
        self.programme = programme
        self.source = source
        self.now = utcnow()
        pid = programme.id
        self.indicators = dict(
            session.execute(
                select(IndicatorRow.code, IndicatorRow.id).where(IndicatorRow.programme_id == pid)
            ).all()
        )
        self.people = {
            p.code: p for p in session.scalars(select(PersonRow).where(PersonRow.programme_id == pid))
        }
        self._renamed = self._taken_uuids()
        self.decisions: dict[str, int] = {}
        self.meetings: dict[str, int] = {}
        self.lessons: dict[str, int] = {}
        self.actions: dict[str, int] = {}
        # A lesson's links name actions, which are written after it (an action may come from it).
        self._lesson_links: list[tuple[dict[str, int], Mapping[str, Any]]] = []

    def write(self) -> dict[str, int]:
        data = self.data
        for meeting in data.get("meetings", []):
            self._meeting(meeting)
        for lesson in data.get("lessons", []):
            self._lesson(lesson)
        for action in data.get("actions", []):
            self._action(action)
        for source, lesson in self._lesson_links:
            self._link(source, lesson)
        for item in data.get("feedback", []):
            self._feedback(item)
        self.session.flush()
        return {kind: len(data.get(kind, [])) for kind in LOOP_KINDS}

    def _taken_uuids(self) -> dict[str, str]:
        """UUID → a new one, for the package's UUIDs this database already holds (the same package
        imported again under another programme code: a copy, whose records are new ones)."""
        given = sorted({u.lower() for u in _uuids_of(self.data)})
        renamed: dict[str, str] = {}
        for model in _SYNCED:
            for start in range(0, len(given), _CHUNK):
                chunk = given[start : start + _CHUNK]
                for found in self.session.scalars(select(model.uuid).where(model.uuid.in_(chunk))):
                    renamed[found] = new_uuid()
        return renamed

    def _uuid(self, given: str | None) -> str:
        if not given:
            return new_uuid()
        return self._renamed.get(given.lower(), given.lower())

    def _ref(self, given: str | None) -> str:
        """A reference to a record by UUID, following a renaming."""
        return self._uuid(given) if given else ""

    def _stamp(self, item: Mapping[str, Any], key: str = "modified_at") -> datetime:
        text = item.get(key)
        return parse_stamp(text) if text else self.now

    def _add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def _created(self, entity: str, uuid: str, label: str) -> None:
        history.record(
            self.session, self.actor, entity=entity, entity_uuid=uuid, field="created", old=None,
            new=f"imported from {self.source}", label=label, programme_id=self.programme.id,
        )  # fmt: skip

    def _meeting(self, item: Mapping[str, Any]) -> None:
        finalised_at = item.get("finalised_at")
        row = self._add(
            MeetingRow(
                uuid=self._uuid(item.get("uuid")),
                modified_at=self._stamp(item),
                programme_id=self.programme.id,
                kind=item["kind"],
                title=item["title"],
                held_on=date.fromisoformat(item["held_on"]),
                place=item.get("place", ""),
                facilitator=item.get("facilitator", ""),
                notes=item.get("notes", ""),
                status=item.get("status", "draft"),
                finalised_by=item.get("finalised_by", ""),
                finalised_at=parse_stamp(finalised_at) if finalised_at else None,
            )
        )
        if item.get("uuid"):
            self.meetings[item["uuid"].lower()] = row.id
        self._created("meeting", row.uuid, row.title)
        for attendee in item.get("attendees", []):
            person = self.people.get(attendee.get("person") or "")
            self.session.add(
                AttendeeRow(
                    uuid=self._uuid(attendee.get("uuid")),
                    modified_at=self._stamp(attendee),
                    meeting_id=row.id,
                    name=attendee["name"],
                    person_id=person.id if person is not None else None,
                )
            )
        items: dict[str, int] = {}
        for position, agenda in enumerate(item.get("agenda", [])):
            indicator = agenda.get("indicator")
            added = self._add(
                AgendaItemRow(
                    uuid=self._uuid(agenda.get("uuid")),
                    modified_at=self._stamp(agenda),
                    meeting_id=row.id,
                    position=position,
                    kind=agenda.get("kind", "other"),
                    title=agenda["title"],
                    reason=agenda.get("reason", ""),
                    indicator_id=self.indicators[indicator] if indicator is not None else None,
                    subject_uuid=self._ref(agenda.get("subject")),
                    notes=agenda.get("notes", ""),
                )
            )
            if agenda.get("uuid"):
                items[agenda["uuid"].lower()] = added.id
        for position, decision in enumerate(item.get("decisions", [])):
            agenda_item = decision.get("agenda_item")
            added = self._add(
                DecisionRow(
                    uuid=self._uuid(decision.get("uuid")),
                    modified_at=self._stamp(decision),
                    meeting_id=row.id,
                    agenda_item_id=items[agenda_item.lower()] if agenda_item is not None else None,
                    position=position,
                    text=decision["text"],
                    recorded_by=decision.get("recorded_by", ""),
                    recorded_at=self._stamp(decision, "recorded_at"),
                )
            )
            if decision.get("uuid"):
                self.decisions[decision["uuid"].lower()] = added.id
        for amendment in item.get("amendments", []):
            self.session.add(
                AmendmentRow(
                    uuid=self._uuid(amendment.get("uuid")),
                    modified_at=self._stamp(amendment),
                    meeting_id=row.id,
                    text=amendment["text"],
                    amended_by=amendment.get("amended_by", ""),
                    amended_at=self._stamp(amendment, "amended_at"),
                )
            )
        self.session.flush()

    def _action(self, item: Mapping[str, Any]) -> None:
        person = self.people.get(item.get("owner_person") or "")
        owner = item.get("owner", "") or (person.name if person is not None else "")
        due, closed_at = item.get("due"), item.get("closed_at")
        decision, lesson = item.get("decision"), item.get("lesson")
        row = self._add(
            ActionItemRow(
                uuid=self._uuid(item.get("uuid")),
                modified_at=self._stamp(item),
                programme_id=self.programme.id,
                code=item["code"],
                title=item["title"],
                description=item.get("description", ""),
                owner=owner,
                owner_person_id=person.id if person is not None else None,
                due=date.fromisoformat(due) if due else None,
                priority=parse_priority(item.get("priority", "medium")).value,
                status=parse_status(item.get("status", "open")).value,
                decision_id=self.decisions[decision.lower()] if decision else None,
                lesson_id=self.lessons[lesson.lower()] if lesson else None,
                created_by=item.get("created_by", ""),
                created_at=self._stamp(item, "created_at"),
                closed_at=parse_stamp(closed_at) if closed_at else None,
                closing_note=item.get("closing_note", ""),
            )
        )
        self.actions[row.code] = row.id
        self._created("action_item", row.uuid, row.code)
        self.session.add_all(
            ActionIndicatorRow(action_id=row.id, indicator_id=self.indicators[code])
            for code in item.get("indicators", [])
        )
        for update in item.get("updates", []):
            status = update.get("status", "")
            self.session.add(
                ActionUpdateRow(
                    uuid=self._uuid(update.get("uuid")),
                    modified_at=self._stamp(update),
                    action_id=row.id,
                    on=date.fromisoformat(update["on"]),
                    note=update["note"],
                    status=parse_status(status).value if status else "",
                    recorded_by=update.get("recorded_by", ""),
                    recorded_at=self._stamp(update, "recorded_at"),
                )
            )
        self.session.flush()

    def _lesson(self, item: Mapping[str, Any]) -> None:
        meeting = item.get("meeting")
        row = self._add(
            LessonRow(
                uuid=self._uuid(item.get("uuid")),
                modified_at=self._stamp(item),
                programme_id=self.programme.id,
                meeting_id=self.meetings[meeting.lower()] if meeting else None,
                title=item["title"],
                what_happened=item.get("what_happened", ""),
                why=item.get("why", ""),
                lesson=item["lesson"],
                recommendation=item.get("recommendation", ""),
                tags=", ".join(item.get("tags", [])),
                recorded_on=date.fromisoformat(item["recorded_on"]),
                recorded_by=item.get("recorded_by", ""),
            )
        )
        if item.get("uuid"):
            self.lessons[item["uuid"].lower()] = row.id
        self._created("lesson", row.uuid, row.title)
        self._lesson_links.append(({"lesson_id": row.id}, item))

    def _feedback(self, item: Mapping[str, Any]) -> None:
        meeting, closed_on = item.get("meeting"), item.get("closed_on")
        row = self._add(
            FeedbackRow(
                uuid=self._uuid(item.get("uuid")),
                modified_at=self._stamp(item),
                programme_id=self.programme.id,
                meeting_id=self.meetings[meeting.lower()] if meeting else None,
                received_on=date.fromisoformat(item["received_on"]),
                source=item["source"],
                channel=item.get("channel", ""),
                summary=item["summary"],
                response=item.get("response", ""),
                status=item.get("status", "open"),
                closed_on=date.fromisoformat(closed_on) if closed_on else None,
            )
        )
        self._created("feedback", row.uuid, row.summary[:60])
        self._link({"feedback_id": row.id}, item)

    def _link(self, source: Mapping[str, int], item: Mapping[str, Any]) -> None:
        self.session.add_all(
            LinkRow(**source, indicator_id=self.indicators[c]) for c in item.get("indicators", [])
        )
        self.session.add_all(LinkRow(**source, action_id=self.actions[c]) for c in item.get("actions", []))


def _uuids_of(data: Mapping[str, Any]) -> Iterable[str]:
    for meeting in data.get("meetings", []):
        yield from _given(meeting)
        for key in ("attendees", "agenda", "decisions", "amendments"):
            for item in meeting.get(key, []):
                yield from _given(item)
    for action in data.get("actions", []):
        yield from _given(action)
        for update in action.get("updates", []):
            yield from _given(update)
    for kind in ("lessons", "feedback"):
        for item in data.get(kind, []):
            yield from _given(item)


def _given(item: Mapping[str, Any]) -> Iterable[str]:
    if item.get("uuid"):
        yield item["uuid"]


# -- export ---------------------------------------------------------------------------------------


def loop_sections(
    session: Session, programme: ProgrammeRow, indicators: Mapping[int, str], people: Mapping[int, str]
) -> dict[str, list[dict[str, Any]]]:
    """The programme's meetings, actions, lessons and feedback as package sections.

    `indicators` and `people` give the codes of the programme's indicators and People by id.
    """
    pid = programme.id
    meetings = list(
        session.scalars(
            select(MeetingRow)
            .where(MeetingRow.programme_id == pid)
            .order_by(MeetingRow.held_on, MeetingRow.id)
        )
    )
    meeting_uuids = {m.id: m.uuid for m in meetings}
    decision_uuids: dict[int, str] = {}
    out_meetings = []
    for meeting in meetings:
        entry, decisions = _meeting(session, meeting, indicators, people)
        decision_uuids.update(decisions)
        out_meetings.append(entry)
    lessons = list(
        session.scalars(
            select(LessonRow)
            .where(LessonRow.programme_id == pid)
            .order_by(LessonRow.recorded_on, LessonRow.id)
        )
    )
    lesson_uuids = {x.id: x.uuid for x in lessons}
    actions = sorted(
        session.scalars(select(ActionItemRow).where(ActionItemRow.programme_id == pid)),
        key=lambda a: (_code_number(a.code), a.code),
    )
    action_codes = {a.id: a.code for a in actions}
    feedback = session.scalars(
        select(FeedbackRow)
        .where(FeedbackRow.programme_id == pid)
        .order_by(FeedbackRow.received_on, FeedbackRow.id)
    )
    return {
        "meetings": out_meetings,
        "actions": [_action(session, a, indicators, people, decision_uuids, lesson_uuids) for a in actions],
        "lessons": [
            {
                **_synced(x),
                "title": x.title,
                "what_happened": x.what_happened,
                "why": x.why,
                "lesson": x.lesson,
                "recommendation": x.recommendation,
                "tags": [t.strip() for t in x.tags.split(",") if t.strip()],
                "recorded_on": x.recorded_on.isoformat(),
                "recorded_by": x.recorded_by,
                "meeting": meeting_uuids.get(x.meeting_id) if x.meeting_id is not None else None,
                **_links(session, LinkRow.lesson_id == x.id, indicators, action_codes),
            }
            for x in lessons
        ],
        "feedback": [
            {
                **_synced(f),
                "received_on": f.received_on.isoformat(),
                "source": f.source,
                "channel": f.channel,
                "summary": f.summary,
                "response": f.response,
                "status": f.status,
                "closed_on": f.closed_on.isoformat() if f.closed_on else None,
                "meeting": meeting_uuids.get(f.meeting_id) if f.meeting_id is not None else None,
                **_links(session, LinkRow.feedback_id == f.id, indicators, action_codes),
            }
            for f in feedback
        ],
    }


def _synced(row: Any) -> dict[str, Any]:
    return {"uuid": row.uuid, "modified_at": stamp_text(row.modified_at)}


def _maybe_stamp(moment: datetime | None) -> str | None:
    return stamp_text(moment) if moment is not None else None


def _meeting(
    session: Session, row: MeetingRow, indicators: Mapping[int, str], people: Mapping[int, str]
) -> tuple[dict[str, Any], dict[int, str]]:
    attendees = session.scalars(
        select(AttendeeRow).where(AttendeeRow.meeting_id == row.id).order_by(AttendeeRow.id)
    )
    items = list(
        session.scalars(
            select(AgendaItemRow)
            .where(AgendaItemRow.meeting_id == row.id)
            .order_by(AgendaItemRow.position, AgendaItemRow.id)
        )
    )
    item_uuids = {i.id: i.uuid for i in items}
    decisions = list(
        session.scalars(
            select(DecisionRow)
            .where(DecisionRow.meeting_id == row.id)
            .order_by(DecisionRow.position, DecisionRow.id)
        )
    )
    amendments = session.scalars(
        select(AmendmentRow)
        .where(AmendmentRow.meeting_id == row.id)
        .order_by(AmendmentRow.amended_at, AmendmentRow.id)
    )
    entry = {
        **_synced(row),
        "kind": row.kind,
        "title": row.title,
        "held_on": row.held_on.isoformat(),
        "place": row.place,
        "facilitator": row.facilitator,
        "notes": row.notes,
        "status": row.status,
        "finalised_by": row.finalised_by,
        "finalised_at": _maybe_stamp(row.finalised_at),
        "attendees": [
            {
                **_synced(a),
                "name": a.name,
                "person": people.get(a.person_id) if a.person_id is not None else None,
            }
            for a in attendees
        ],
        # An item's alert is not carried: alerts are raised again where the package goes.
        "agenda": [
            {
                **_synced(i),
                "kind": i.kind,
                "title": i.title,
                "reason": i.reason,
                "indicator": indicators.get(i.indicator_id) if i.indicator_id is not None else None,
                "subject": i.subject_uuid or None,
                "notes": i.notes,
            }
            for i in items
        ],
        "decisions": [
            {
                **_synced(d),
                "agenda_item": item_uuids.get(d.agenda_item_id) if d.agenda_item_id is not None else None,
                "text": d.text,
                "recorded_by": d.recorded_by,
                "recorded_at": stamp_text(d.recorded_at),
            }
            for d in decisions
        ],
        "amendments": [
            {
                **_synced(a),
                "text": a.text,
                "amended_by": a.amended_by,
                "amended_at": stamp_text(a.amended_at),
            }
            for a in amendments
        ],
    }
    return entry, {d.id: d.uuid for d in decisions}


def _action(
    session: Session,
    row: ActionItemRow,
    indicators: Mapping[int, str],
    people: Mapping[int, str],
    decisions: Mapping[int, str],
    lessons: Mapping[int, str],
) -> dict[str, Any]:
    linked = session.scalars(
        select(ActionIndicatorRow.indicator_id).where(ActionIndicatorRow.action_id == row.id)
    )
    updates = session.scalars(
        select(ActionUpdateRow)
        .where(ActionUpdateRow.action_id == row.id)
        .order_by(ActionUpdateRow.on, ActionUpdateRow.id)
    )
    return {
        **_synced(row),
        "code": row.code,
        "title": row.title,
        "description": row.description,
        "owner": row.owner,
        "owner_person": people.get(row.owner_person_id) if row.owner_person_id is not None else None,
        "due": row.due.isoformat() if row.due else None,
        "priority": row.priority,
        "status": row.status,
        # An alert as source is not carried (alerts are not): the action travels without it.
        "decision": decisions.get(row.decision_id) if row.decision_id is not None else None,
        "lesson": lessons.get(row.lesson_id) if row.lesson_id is not None else None,
        "indicators": sorted(indicators[i] for i in linked if i in indicators),
        "created_by": row.created_by,
        "created_at": stamp_text(row.created_at),
        "closed_at": _maybe_stamp(row.closed_at),
        "closing_note": row.closing_note,
        "updates": [
            {
                **_synced(u),
                "on": u.on.isoformat(),
                "note": u.note,
                "status": u.status,
                "recorded_by": u.recorded_by,
                "recorded_at": stamp_text(u.recorded_at),
            }
            for u in updates
        ],
    }


def _links(
    session: Session, condition: Any, indicators: Mapping[int, str], actions: Mapping[int, str]
) -> dict[str, list[str]]:
    rows = list(session.scalars(select(LinkRow).where(condition).order_by(LinkRow.id)))
    return {
        "indicators": [indicators[i] for r in rows if (i := r.indicator_id) is not None and i in indicators],
        "actions": [actions[a] for r in rows if (a := r.action_id) is not None and a in actions],
    }


def _code_number(code: str) -> int:
    digits = code.rpartition("-")[2]
    return int(digits) if digits.isdigit() else 0

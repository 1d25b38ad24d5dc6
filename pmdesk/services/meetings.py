# SPDX-License-Identifier: GPL-3.0-or-later
"""Meetings (DESIGN.md §2; issue #9): their details and attendees, the agenda proposed from the
evidence, the minutes typed live (notes per item and for the meeting, decisions), finalising and
amendments. One transaction per call; the live minutes' writer calls the notes and decision
methods from its own thread, each call with its own session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from pmdesk.domain.errors import NotFoundError, ValidationError
from pmdesk.domain.meetings import (
    AgendaKind,
    MeetingKind,
    MeetingStatus,
    ProposedItem,
    amendment_problem,
    check_editable,
    check_meeting_fields,
    clean_names,
    moved,
    person_code_for,
)
from pmdesk.services import history
from pmdesk.services.actions import ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.lookups import programme_by_code
from pmdesk.services.meeting_evidence import EvidenceService, ItemEvidence
from pmdesk.storage.loop_models import AgendaItemRow, AmendmentRow, AttendeeRow, DecisionRow, MeetingRow
from pmdesk.storage.models import IndicatorRow, PersonRow, ProgrammeRow, utcnow


@dataclass(frozen=True)
class AttendeeData:
    """One attendee as chosen: a Person of the programme (person_id), or a typed name, which
    `add_to_people` adds to the programme's People."""

    name: str
    person_id: int | None = None
    add_to_people: bool = False


@dataclass(frozen=True)
class MeetingData:
    kind: str
    title: str
    held_on: date
    place: str = ""
    facilitator: str = ""
    attendees: tuple[AttendeeData, ...] = ()


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    uuid: str
    programme_code: str
    kind: MeetingKind
    title: str
    held_on: date
    place: str
    facilitator: str
    status: MeetingStatus
    finalised_by: str
    finalised_at: datetime | None
    item_count: int
    decision_count: int

    @property
    def is_final(self) -> bool:
        return self.status is MeetingStatus.FINAL


@dataclass(frozen=True)
class AttendeeInfo:
    name: str
    person_id: int | None


@dataclass(frozen=True)
class AgendaItemInfo:
    id: int
    uuid: str
    position: int
    kind: AgendaKind
    title: str
    reason: str
    indicator_id: int | None
    indicator_code: str
    alert_id: int | None
    subject_uuid: str
    notes: str


@dataclass(frozen=True)
class DecisionInfo:
    id: int
    uuid: str
    agenda_item_id: int | None
    position: int
    text: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class AmendmentInfo:
    text: str
    amended_by: str
    amended_at: datetime


@dataclass(frozen=True)
class MeetingDetail:
    meeting: MeetingSummary
    notes: str
    attendees: tuple[AttendeeInfo, ...]
    items: tuple[AgendaItemInfo, ...]
    decisions: tuple[DecisionInfo, ...]
    amendments: tuple[AmendmentInfo, ...]
    last_saved_at: datetime | None  # UTC: the latest save of the minutes (notes, items, decisions)

    @property
    def has_minutes(self) -> bool:
        return bool(self.notes.strip() or any(i.notes.strip() for i in self.items) or self.decisions)

    def decisions_of(self, item_id: int | None) -> list[DecisionInfo]:
        return [d for d in self.decisions if d.agenda_item_id == item_id]


class MeetingService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor
        self.evidence = EvidenceService(sessions)
        # Action items decided in a meeting are made by the action service, like any other.
        self.actions = ActionService(sessions, actor)

    # -- reading ----------------------------------------------------------------------------

    def list_meetings(self, programme_code: str) -> list[MeetingSummary]:
        """The programme's meetings, latest first."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            rows = session.scalars(
                select(MeetingRow)
                .where(MeetingRow.programme_id == programme.id)
                .order_by(MeetingRow.held_on.desc(), MeetingRow.id.desc())
            )
            # Two counts for the whole list, not two a meeting: the Meetings screen reads it as it opens.
            items = _counts(session, AgendaItemRow.meeting_id, programme.id)
            decisions = _counts(session, DecisionRow.meeting_id, programme.id)
            return [
                _summary(session, r, programme.code, (items.get(r.id, 0), decisions.get(r.id, 0)))
                for r in rows
            ]

    def get(self, meeting_id: int) -> MeetingDetail:
        with self._sessions() as session:
            return _detail(session, _meeting(session, meeting_id))

    def item_evidence(self, programme_code: str, meeting_id: int) -> dict[int, ItemEvidence]:
        """The evidence shown beside each agenda item (by its id); reads the IPTT: run it off the UI thread."""
        return self.evidence.for_meeting(programme_code, meeting_id)

    def decision_id(self, uuid: str) -> int | None:
        """The id of the decision with this UUID (None if it is not saved yet)."""
        with self._sessions() as session:
            return session.scalars(select(DecisionRow.id).where(DecisionRow.uuid == uuid)).first()

    # -- creating and editing ---------------------------------------------------------------

    def create(self, programme_code: str, data: MeetingData, propose: bool = True) -> MeetingDetail:
        """A new draft meeting; a review meeting gets the agenda proposed from the evidence
        (unless `propose` is False)."""
        check_meeting_fields(data.kind, data.title)
        proposal: list[ProposedItem] = []
        if propose and data.kind == MeetingKind.REVIEW:
            proposal = self.evidence.proposal(programme_code, data.held_on)
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = MeetingRow(
                programme_id=programme.id,
                kind=data.kind,
                title=data.title.strip(),
                held_on=data.held_on,
                place=data.place.strip(),
                facilitator=data.facilitator.strip(),
            )
            session.add(row)
            session.flush()
            self._log(session, row, "created", None, f"{data.kind} meeting on {data.held_on.isoformat()}")
            self._set_attendees(session, row, programme, data.attendees)
            for position, item in enumerate(proposal):
                session.add(
                    AgendaItemRow(
                        meeting_id=row.id,
                        position=position,
                        kind=item.kind.value,
                        title=item.title,
                        reason=item.reason,
                        indicator_id=item.indicator_id,
                        alert_id=item.alert_id,
                        subject_uuid=item.subject_uuid,
                    )
                )
            session.flush()
            return _detail(session, row)

    def update(self, meeting_id: int, data: MeetingData) -> MeetingDetail:
        """Change a draft meeting's details and attendees; refused once final."""
        check_meeting_fields(data.kind, data.title)
        with self._sessions.begin() as session:
            row = self._editable(session, meeting_id)
            programme = session.get(ProgrammeRow, row.programme_id)
            assert programme is not None
            new = {
                "kind": data.kind,
                "title": data.title.strip(),
                "held_on": data.held_on,
                "place": data.place.strip(),
                "facilitator": data.facilitator.strip(),
            }
            for field, value in new.items():
                old = getattr(row, field)
                if old != value:
                    self._log(session, row, field, old, value)
                    setattr(row, field, value)
            self._set_attendees(session, row, programme, data.attendees)
            session.flush()
            return _detail(session, row)

    def _set_attendees(
        self, session: Session, row: MeetingRow, programme: ProgrammeRow, attendees: Sequence[AttendeeData]
    ) -> None:
        wanted = {
            a.name: a
            for a in (AttendeeData(" ".join(x.name.split()), x.person_id, x.add_to_people) for x in attendees)
        }
        names = clean_names(list(wanted))
        existing = {
            a.name: a for a in session.scalars(select(AttendeeRow).where(AttendeeRow.meeting_id == row.id))
        }
        people = list(session.scalars(select(PersonRow).where(PersonRow.programme_id == programme.id)))
        by_name = {p.name.casefold(): p for p in people}
        taken = {p.code for p in people}
        for name in names:
            data = wanted[name]
            person_id = data.person_id
            if person_id is None and name.casefold() in by_name:
                person_id = by_name[name.casefold()].id
            if person_id is None and data.add_to_people:
                person = PersonRow(programme_id=programme.id, code=person_code_for(name, taken), name=name)
                session.add(person)
                session.flush()
                taken.add(person.code)
                by_name[name.casefold()] = person
                person_id = person.id
                history.record(
                    session,
                    self._actor,
                    entity="person",
                    entity_uuid=person.uuid,
                    field="created",
                    old=None,
                    new=name,
                    label=person.code,
                    programme_id=programme.id,
                )
            attendee = existing.pop(name, None)
            if attendee is None:
                session.add(AttendeeRow(meeting_id=row.id, name=name, person_id=person_id))
                self._log(session, row, "attendee added", None, name)
            elif attendee.person_id != person_id:
                attendee.person_id = person_id
        for name, attendee in existing.items():
            self._log(session, row, "attendee removed", name, None)
            session.delete(attendee)

    # -- the agenda -------------------------------------------------------------------------

    def add_item(self, meeting_id: int, title: str, reason: str = "") -> AgendaItemInfo:
        """Add an item by hand at the end of the agenda."""
        if not title.strip():
            raise ValidationError("an agenda item needs a title")
        with self._sessions.begin() as session:
            row = self._editable(session, meeting_id)
            last = session.scalar(
                select(func.max(AgendaItemRow.position)).where(AgendaItemRow.meeting_id == meeting_id)
            )
            item = AgendaItemRow(
                meeting_id=meeting_id,
                position=(last + 1) if last is not None else 0,
                kind=AgendaKind.OTHER.value,
                title=title.strip(),
                reason=reason.strip(),
            )
            session.add(item)
            session.flush()
            self._log(session, row, "agenda item added", None, item.title)
            return _item(session, item)

    def remove_item(self, meeting_id: int, item_id: int) -> None:
        """Take an item off the agenda, with its notes; its decisions stay, under the meeting."""
        with self._sessions.begin() as session:
            row = self._editable(session, meeting_id)
            item = session.get(AgendaItemRow, item_id)
            if item is None or item.meeting_id != meeting_id:
                raise NotFoundError("that agenda item is no longer on this meeting's agenda")
            self._log(session, row, "agenda item removed", item.title, None)
            session.delete(item)

    def move_item(self, meeting_id: int, item_id: int, delta: int) -> list[AgendaItemInfo]:
        """Move an item up (negative) or down the agenda; the agenda in its new order."""
        with self._sessions.begin() as session:
            row = self._editable(session, meeting_id)
            items = _items(session, meeting_id)
            order = moved([i.id for i in items], item_id, delta)
            by_id = {i.id: i for i in items}
            if order != [i.id for i in items]:
                self._log(session, row, "agenda order", None, by_id[item_id].title)
            for position, id_ in enumerate(order):
                by_id[id_].position = position
            session.flush()
            return [_item(session, by_id[i]) for i in order]

    # -- the minutes, typed live ------------------------------------------------------------

    def save_item_notes(self, item_id: int, text: str) -> None:
        """The minutes of one agenda item, as typed so far (saved continuously: no History entry
        per save; finalising records the minutes as they stand)."""
        with self._sessions.begin() as session:
            item = session.get(AgendaItemRow, item_id)
            if item is None:
                raise NotFoundError("that agenda item was removed; its notes were not saved")
            self._editable(session, item.meeting_id)
            if item.notes != text:
                item.notes = text

    def save_meeting_notes(self, meeting_id: int, text: str) -> None:
        """The meeting's general notes, as typed so far."""
        with self._sessions.begin() as session:
            row = self._editable(session, meeting_id)
            if row.notes != text:
                row.notes = text

    def save_decision(
        self, meeting_id: int, uuid: str, text: str, agenda_item_id: int | None
    ) -> DecisionInfo:
        """Add the decision with this UUID (made by the screen, so that typing need not wait for
        the database) or update its text."""
        with self._sessions.begin() as session:
            meeting = self._editable(session, meeting_id)
            row = session.scalars(select(DecisionRow).where(DecisionRow.uuid == uuid)).first()
            if row is None:
                if agenda_item_id is not None and session.get(AgendaItemRow, agenda_item_id) is None:
                    agenda_item_id = None  # the item was removed meanwhile: the decision stays
                last = session.scalar(
                    select(func.max(DecisionRow.position)).where(DecisionRow.meeting_id == meeting_id)
                )
                row = DecisionRow(
                    uuid=uuid,
                    meeting_id=meeting_id,
                    agenda_item_id=agenda_item_id,
                    position=(last + 1) if last is not None else 0,
                    text=text,
                    recorded_by=self._actor.name,
                )
                session.add(row)
                self._log(session, meeting, "decision added", None, uuid)
            elif row.text != text:
                row.text = text
            session.flush()
            return _decision(row)

    def remove_decision(self, meeting_id: int, uuid: str) -> None:
        with self._sessions.begin() as session:
            meeting = self._editable(session, meeting_id)
            row = session.scalars(select(DecisionRow).where(DecisionRow.uuid == uuid)).first()
            if row is not None:
                self._log(session, meeting, "decision removed", row.text, None)
                session.delete(row)

    # -- finalising and amending ------------------------------------------------------------

    def finalise(self, meeting_id: int) -> MeetingDetail:
        """Lock the minutes; later corrections are amendments."""
        with self._sessions.begin() as session:
            row = self._editable(session, meeting_id)
            empty = session.scalars(
                select(DecisionRow).where(
                    DecisionRow.meeting_id == meeting_id, func.trim(DecisionRow.text) == ""
                )
            )
            for decision in empty:  # a decision added and never typed is not a decision
                session.delete(decision)
            row.status = MeetingStatus.FINAL.value
            row.finalised_by = self._actor.name
            row.finalised_at = utcnow()
            self._log(session, row, "status", MeetingStatus.DRAFT.value, MeetingStatus.FINAL.value)
            session.flush()
            return _detail(session, row)

    def amend(self, meeting_id: int, text: str) -> AmendmentInfo:
        """Record a correction to final minutes, with who and when."""
        if not text.strip():
            raise ValidationError("an amendment needs a text saying what is corrected")
        with self._sessions.begin() as session:
            row = _meeting(session, meeting_id)
            if (why := amendment_problem(row.status)) is not None:
                raise ValidationError(why)
            amendment = AmendmentRow(meeting_id=row.id, text=text.strip(), amended_by=self._actor.name)
            session.add(amendment)
            session.flush()
            self._log(session, row, "amendment", None, amendment.text)
            return AmendmentInfo(amendment.text, amendment.amended_by, amendment.amended_at)

    # -- helpers ----------------------------------------------------------------------------

    def _editable(self, session: Session, meeting_id: int) -> MeetingRow:
        row = _meeting(session, meeting_id)
        check_editable(row.status, row.title)
        return row

    def _log(self, session: Session, row: MeetingRow, field: str, old: object, new: object) -> None:
        history.record(
            session,
            self._actor,
            entity="meeting",
            entity_uuid=row.uuid,
            field=field,
            old=old,
            new=new,
            label=row.title,
            programme_id=row.programme_id,
        )


def _meeting(session: Session, meeting_id: int) -> MeetingRow:
    row = session.get(MeetingRow, meeting_id)
    if row is None:
        raise NotFoundError("that meeting no longer exists")
    return row


def _items(session: Session, meeting_id: int) -> list[AgendaItemRow]:
    return list(
        session.scalars(
            select(AgendaItemRow)
            .where(AgendaItemRow.meeting_id == meeting_id)
            .order_by(AgendaItemRow.position, AgendaItemRow.id)
        )
    )


def _counts(session: Session, meeting_id: InstrumentedAttribute[int], programme_id: int) -> dict[int, int]:
    """How many rows of `meeting_id`'s table each meeting of the programme has (none: missing)."""
    found = session.execute(
        select(meeting_id, func.count())
        .join(MeetingRow, MeetingRow.id == meeting_id)
        .where(MeetingRow.programme_id == programme_id)
        .group_by(meeting_id)
    )
    return {meeting: count for meeting, count in found}


def _summary(
    session: Session, row: MeetingRow, programme_code: str, counts: tuple[int, int] | None = None
) -> MeetingSummary:
    """`counts`: its agenda items and decisions, if counted already."""
    if counts is None:
        items = session.scalar(select(func.count()).where(AgendaItemRow.meeting_id == row.id)) or 0
        decisions = session.scalar(select(func.count()).where(DecisionRow.meeting_id == row.id)) or 0
    else:
        items, decisions = counts
    return MeetingSummary(
        row.id,
        row.uuid,
        programme_code,
        MeetingKind(row.kind),
        row.title,
        row.held_on,
        row.place,
        row.facilitator,
        MeetingStatus(row.status),
        row.finalised_by,
        row.finalised_at,
        items,
        decisions,
    )


def _item(session: Session, row: AgendaItemRow, codes: dict[int, str] | None = None) -> AgendaItemInfo:
    """`codes`: indicator codes by id, if read already for a whole agenda."""
    code = ""
    if row.indicator_id is not None and codes is not None:
        code = codes.get(row.indicator_id, "")
    elif row.indicator_id is not None:
        code = session.scalar(select(IndicatorRow.code).where(IndicatorRow.id == row.indicator_id)) or ""
    return AgendaItemInfo(
        row.id,
        row.uuid,
        row.position,
        AgendaKind(row.kind),
        row.title,
        row.reason,
        row.indicator_id,
        code,
        row.alert_id,
        row.subject_uuid,
        row.notes,
    )


def _decision(row: DecisionRow) -> DecisionInfo:
    return DecisionInfo(
        row.id, row.uuid, row.agenda_item_id, row.position, row.text, row.recorded_by, row.recorded_at
    )


def _detail(session: Session, row: MeetingRow) -> MeetingDetail:
    programme = session.get(ProgrammeRow, row.programme_id)
    assert programme is not None
    items = _items(session, row.id)
    # The indicators' codes in one query, not one an item: a review's agenda has dozens.
    wanted = {i.indicator_id for i in items if i.indicator_id is not None}
    codes: dict[int, str] = (
        dict(
            session.execute(
                select(IndicatorRow.id, IndicatorRow.code).where(IndicatorRow.id.in_(wanted))
            ).all()
        )
        if wanted
        else {}
    )
    decisions = list(
        session.scalars(
            select(DecisionRow)
            .where(DecisionRow.meeting_id == row.id)
            .order_by(DecisionRow.position, DecisionRow.id)
        )
    )
    attendees = session.scalars(
        select(AttendeeRow).where(AttendeeRow.meeting_id == row.id).order_by(AttendeeRow.id)
    )
    amendments = session.scalars(
        select(AmendmentRow)
        .where(AmendmentRow.meeting_id == row.id)
        .order_by(AmendmentRow.amended_at, AmendmentRow.id)
    )
    stamps = [row.modified_at, *(i.modified_at for i in items), *(d.modified_at for d in decisions)]
    return MeetingDetail(
        _summary(session, row, programme.code),
        row.notes,
        tuple(AttendeeInfo(a.name, a.person_id) for a in attendees),
        tuple(_item(session, i, codes) for i in items),
        tuple(_decision(d) for d in decisions),
        tuple(AmendmentInfo(a.text, a.amended_by, a.amended_at) for a in amendments),
        max((s for s in stamps if s is not None), default=None),
    )

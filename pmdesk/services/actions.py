# SPDX-License-Identifier: GPL-3.0-or-later
"""Action items: creating, changing, dated progress updates, closing with a note, reopening and
listing them across programmes; every change goes to History."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain import actions as rules
from pmdesk.domain.actions import ActionSource, ActionStatus, Priority
from pmdesk.domain.errors import NotFoundError, Problem, ValidationError
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.lookups import indicator_by_code, programme_by_code
from pmdesk.storage.loop_models import (
    ActionIndicatorRow,
    ActionItemRow,
    ActionUpdateRow,
    AlertRow,
    DecisionRow,
    LessonRow,
    MeetingRow,
)
from pmdesk.storage.models import IndicatorRow, PersonRow, ProgrammeRow, utcnow

ENTITY = "action_item"
_CHUNK = 500  # below SQLite's bound-variable limit


@dataclass(frozen=True)
class ActionData:
    """What a user types for an action. The owner is typed (`owner`) or a Person of the programme
    (`owner_person_code`, whose name then becomes the owner). At most one source: a decision, an
    alert or a lesson, by UUID."""

    title: str
    owner: str = ""
    owner_person_code: str | None = None
    due: date | None = None
    priority: Priority | str = Priority.MEDIUM
    description: str = ""
    indicator_codes: tuple[str, ...] = ()
    decision_uuid: str | None = None
    alert_uuid: str | None = None
    lesson_uuid: str | None = None


@dataclass(frozen=True)
class ActionUpdateInfo:
    uuid: str
    on: date
    note: str
    status: ActionStatus | None  # None when the status did not change
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class ActionInfo:
    uuid: str
    code: str
    programme_code: str
    programme_name: str
    title: str
    description: str
    owner: str
    owner_person_code: str | None
    due: date | None
    priority: Priority
    status: ActionStatus
    source: ActionSource
    source_uuid: str | None
    source_text: str  # the decision's text, the alert's message, the lesson's title; "" for none
    meeting_uuid: str | None  # the meeting of the source decision
    meeting_title: str
    meeting_held_on: date | None
    indicator_codes: tuple[str, ...]
    created_by: str
    created_at: datetime
    closed_at: datetime | None
    closing_note: str
    updates: tuple[ActionUpdateInfo, ...]  # oldest first

    def is_overdue(self, as_of: date) -> bool:
        return rules.is_overdue(self.due, self.status, as_of)

    def is_due_within(self, as_of: date, days: int) -> bool:
        return rules.is_due_within(self.due, self.status, as_of, days)

    @property
    def closed_on_time(self) -> bool | None:
        return rules.closed_on_time(self.due, self.status, self.closed_at)

    @property
    def latest_update(self) -> ActionUpdateInfo | None:
        return self.updates[-1] if self.updates else None


@dataclass(frozen=True)
class ActionFilter:
    """Which actions to list; every field left empty matches all."""

    programme_code: str | None = None
    owner: str | None = None  # the owner's name or Person code, any case
    statuses: frozenset[ActionStatus] = field(default_factory=frozenset)
    open_only: bool = False  # open or in progress
    overdue_as_of: date | None = None  # only actions overdue on that day
    due_by: date | None = None  # only actions due on or before that day
    source: ActionSource | None = None
    source_uuid: str | None = None  # the actions of one decision, alert or lesson
    indicator_code: str | None = None  # needs programme_code


class ActionService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor

    # -- reading ------------------------------------------------------------------------------

    def get(self, action_uuid: str) -> ActionInfo:
        """One action with its updates; NotFoundError if there is none with this UUID."""
        with self._sessions() as session:
            return _infos(session, [_action(session, action_uuid)])[0]

    def list(self, filter: ActionFilter | None = None) -> list[ActionInfo]:
        """Actions matching `filter`, by programme, then due date (none last), then code."""
        wanted = filter or ActionFilter()
        with self._sessions() as session:
            query = select(ActionItemRow)
            if wanted.programme_code:
                programme = programme_by_code(session, wanted.programme_code)
                query = query.where(ActionItemRow.programme_id == programme.id)
                if wanted.indicator_code:
                    indicator = indicator_by_code(session, programme, wanted.indicator_code)
                    query = query.where(
                        ActionItemRow.id.in_(
                            select(ActionIndicatorRow.action_id).where(
                                ActionIndicatorRow.indicator_id == indicator.id
                            )
                        )
                    )
            if wanted.statuses:
                query = query.where(ActionItemRow.status.in_([s.value for s in wanted.statuses]))
            if wanted.open_only or wanted.overdue_as_of:
                query = query.where(ActionItemRow.status.in_(["open", "in_progress"]))
            if wanted.overdue_as_of:
                query = query.where(ActionItemRow.due < wanted.overdue_as_of)
            if wanted.due_by:
                query = query.where(ActionItemRow.due <= wanted.due_by)
            rows = list(session.scalars(query))
            infos = _infos(session, rows)
        if wanted.owner:
            key = wanted.owner.strip().casefold()
            infos = [
                i
                for i in infos
                if i.owner.strip().casefold() == key or (i.owner_person_code or "").casefold() == key
            ]
        if wanted.source:
            infos = [i for i in infos if i.source is wanted.source]
        if wanted.source_uuid:
            infos = [i for i in infos if i.source_uuid == wanted.source_uuid]
        infos.sort(key=lambda i: (i.programme_code, i.due is None, i.due or date.max, _code_number(i.code)))
        return infos

    def owners(self, programme_code: str | None = None) -> builtins.list[str]:
        """The distinct owner names (ignoring case), sorted, for a filter's choices."""
        with self._sessions() as session:
            query = select(ActionItemRow.owner).distinct()
            if programme_code:
                query = query.where(
                    ActionItemRow.programme_id == programme_by_code(session, programme_code).id
                )
            names = sorted({n.strip() for n in session.scalars(query) if n.strip()})
        # The owner filter ignores case, so 'joseph' and 'Joseph' are one choice.
        by_key: dict[str, str] = {}
        for name in names:
            by_key.setdefault(name.casefold(), name)
        return sorted(by_key.values(), key=str.casefold)

    def programme_codes(self) -> builtins.list[str]:
        """The codes of the programmes that have at least one action, sorted."""
        with self._sessions() as session:
            return list(
                session.scalars(
                    select(ProgrammeRow.code)
                    .where(ProgrammeRow.id.in_(select(ActionItemRow.programme_id)))
                    .order_by(ProgrammeRow.code)
                )
            )

    # -- writing ------------------------------------------------------------------------------

    def create(self, programme_code: str, data: ActionData, *, today: date | None = None) -> ActionInfo:
        """A new action, coded A-n within the programme. ValidationError lists every problem;
        NotFoundError names a missing programme, person, indicator or source."""
        priority = _checked(data, today or date.today())
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            existing = session.scalars(
                select(ActionItemRow.code).where(ActionItemRow.programme_id == programme.id)
            )
            row = ActionItemRow(
                programme_id=programme.id,
                code=rules.next_code(existing),
                status=ActionStatus.OPEN.value,
                created_by=self._actor.name,
            )
            _apply(session, programme, row, data, priority)
            session.add(row)
            session.flush()
            indicators = _set_indicators(session, programme, row, data.indicator_codes)
            self._log(session, row, "created", None, row.title)
            for name, value in (
                ("owner", row.owner),
                ("due", row.due.isoformat() if row.due else None),
                ("priority", row.priority),
                ("indicators", ",".join(indicators)),
                ("source", _source_text(session, row)),
            ):
                if value:
                    self._log(session, row, name, None, value)
            session.flush()
            return _infos(session, [row])[0]

    def update(self, action_uuid: str, data: ActionData, *, today: date | None = None) -> ActionInfo:
        """Replace what was typed for an action (not its status: see add_update, close, reopen)."""
        priority = _checked(data, today or date.today())
        with self._sessions.begin() as session:
            row = _action(session, action_uuid)
            programme = session.get_one(ProgrammeRow, row.programme_id)
            before = _fields(session, row)
            _apply(session, programme, row, data, priority)
            _set_indicators(session, programme, row, data.indicator_codes)
            session.flush()
            after = _fields(session, row)
            for name, old in before.items():
                if after[name] != old:
                    self._log(session, row, name, old, after[name])
            return _infos(session, [row])[0]

    def add_update(
        self, action_uuid: str, note: str, status: ActionStatus | str | None = None, on: date | None = None
    ) -> ActionInfo:
        """A dated note of progress, optionally moving the status. Moving to done or dropped closes
        the action with this note as its closing note."""
        new_status = rules.parse_status(status) if isinstance(status, str) else status
        today = date.today()
        on = on or today
        problems: builtins.list[Problem] = []
        closing = rules.closing_problem(new_status, note) if new_status is not None else None
        if closing:
            problems.append(Problem("action", closing, "note"))
        elif (why := rules.update_note_problem(note)) is not None:
            problems.append(Problem("update", why, "note"))
        if on > today:
            problems.append(
                Problem("update", f"an update cannot be dated after today ({on.isoformat()})", "on")
            )
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            row = _action(session, action_uuid)
            old = ActionStatus(row.status)
            # A note without a status is allowed on a closed action too (what happened since).
            if new_status is not None and new_status != old:
                self._move(session, row, old, new_status, note, on)
            session.add(
                ActionUpdateRow(
                    action_id=row.id,
                    on=on,
                    note=note.strip(),
                    status=new_status.value if new_status is not None and new_status != old else "",
                    recorded_by=self._actor.name,
                )
            )
            self._log(session, row, "update", None, f"{on.isoformat()}: {note.strip()}")
            session.flush()
            return _infos(session, [row])[0]

    def close(
        self, action_uuid: str, status: ActionStatus | str, note: str, on: date | None = None
    ) -> ActionInfo:
        """Close as done or dropped; the note says what was done (or why it was dropped)."""
        new_status = rules.parse_status(status) if isinstance(status, str) else status
        if not new_status.is_closed:
            raise ValidationError([Problem("action", "close an action as done or dropped", "status")])
        return self.add_update(action_uuid, note, new_status, on)

    def reopen(self, action_uuid: str, note: str = "", on: date | None = None) -> ActionInfo:
        """Open a done or dropped action again; its closing note stays in History."""
        on = on or date.today()
        with self._sessions.begin() as session:
            row = _action(session, action_uuid)
            old = ActionStatus(row.status)
            if not old.is_closed:
                raise ValidationError([Problem("action", f"action {row.code} is not closed", "status")])
            row.status = ActionStatus.OPEN.value
            row.closed_at = None
            self._log(session, row, "status", old.value, row.status)
            text = f"Reopened: {note.strip()}" if note.strip() else "Reopened"
            session.add(
                ActionUpdateRow(
                    action_id=row.id, on=on, note=text, status=row.status, recorded_by=self._actor.name
                )
            )
            session.flush()
            return _infos(session, [row])[0]

    # -- inside a transaction -----------------------------------------------------------------

    def _move(
        self, session: Session, row: ActionItemRow, old: ActionStatus, new: ActionStatus, note: str, on: date
    ) -> None:
        problems = [
            Problem("action", message, "status")
            for message in (rules.transition_problem(old, new), rules.closing_problem(new, note))
            if message
        ]
        if problems:
            raise ValidationError(problems)
        row.status = new.value
        self._log(session, row, "status", old.value, new.value)
        if new.is_closed:
            row.closed_at = utcnow() if on == date.today() else datetime.combine(on, time(12))
            self._log(session, row, "closing_note", row.closing_note or None, note.strip())
            row.closing_note = note.strip()

    def _log(self, session: Session, row: ActionItemRow, name: str, old: object, new: object) -> None:
        history.record(
            session,
            self._actor,
            entity=ENTITY,
            entity_uuid=row.uuid,
            field=name,
            old=old,
            new=new,
            label=row.code,
            programme_id=row.programme_id,
        )


def _checked(data: ActionData, today: date) -> Priority:
    problems = rules.title_problems(data.title) + rules.due_problems(data.due, today)
    priority = Priority.MEDIUM
    try:
        priority = rules.parse_priority(data.priority) if isinstance(data.priority, str) else data.priority
    except ValueError as error:
        problems.append(Problem("action", str(error), "priority"))
    sources = [s for s in (data.decision_uuid, data.alert_uuid, data.lesson_uuid) if s]
    if len(sources) > 1:
        problems.append(
            Problem("action", "an action comes from one decision, alert or lesson at most", "source")
        )
    if problems:
        raise ValidationError(problems)
    return priority


def _apply(
    session: Session, programme: ProgrammeRow, row: ActionItemRow, data: ActionData, priority: Priority
) -> None:
    row.title = data.title.strip()
    row.description = data.description.strip()
    row.due = data.due
    row.priority = priority.value
    person = None
    if data.owner_person_code:
        person = session.scalars(
            select(PersonRow).where(
                PersonRow.programme_id == programme.id, PersonRow.code == data.owner_person_code
            )
        ).first()
        if person is None:
            raise NotFoundError(f"programme {programme.code} has no person '{data.owner_person_code}'")
    elif data.owner.strip():
        # A typed name that is a Person of the programme counts as that Person (for scorecards).
        key = data.owner.strip().casefold()
        person = next(
            (
                p
                for p in session.scalars(select(PersonRow).where(PersonRow.programme_id == programme.id))
                if p.name.strip().casefold() == key
            ),
            None,
        )
    row.owner = person.name if person is not None else data.owner.strip()
    row.owner_person_id = person.id if person is not None else None
    row.decision_id = row.alert_id = row.lesson_id = None
    if data.decision_uuid:
        decision = session.scalars(select(DecisionRow).where(DecisionRow.uuid == data.decision_uuid)).first()
        meeting = session.get(MeetingRow, decision.meeting_id) if decision else None
        if decision is None or meeting is None or meeting.programme_id != programme.id:
            raise NotFoundError(f"programme {programme.code} has no such decision")
        row.decision_id = decision.id
    if data.alert_uuid:
        alert = session.scalars(select(AlertRow).where(AlertRow.uuid == data.alert_uuid)).first()
        if alert is None or alert.programme_id != programme.id:
            raise NotFoundError(f"programme {programme.code} has no such alert")
        row.alert_id = alert.id
    if data.lesson_uuid:
        lesson = session.scalars(select(LessonRow).where(LessonRow.uuid == data.lesson_uuid)).first()
        if lesson is None or lesson.programme_id != programme.id:
            raise NotFoundError(f"programme {programme.code} has no such lesson")
        row.lesson_id = lesson.id


def _set_indicators(
    session: Session, programme: ProgrammeRow, row: ActionItemRow, codes: Sequence[str]
) -> list[str]:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
    ids = [indicator_by_code(session, programme, code).id for code in wanted]
    session.execute(delete(ActionIndicatorRow).where(ActionIndicatorRow.action_id == row.id))
    session.add_all(ActionIndicatorRow(action_id=row.id, indicator_id=i) for i in ids)
    return wanted


def _fields(session: Session, row: ActionItemRow) -> dict[str, str | None]:
    """What `update` may change, as History shows it."""
    codes = session.scalars(
        select(IndicatorRow.code)
        .join(ActionIndicatorRow, ActionIndicatorRow.indicator_id == IndicatorRow.id)
        .where(ActionIndicatorRow.action_id == row.id)
        .order_by(IndicatorRow.code)
    )
    return {
        "title": row.title,
        "description": row.description or None,
        "owner": row.owner or None,
        "due": row.due.isoformat() if row.due else None,
        "priority": row.priority,
        "indicators": ",".join(codes) or None,
        "source": _source_text(session, row) or None,
    }


def _source_text(session: Session, row: ActionItemRow) -> str:
    """The source as History records it: its kind and UUID."""
    found: DecisionRow | AlertRow | LessonRow | None = None
    if row.decision_id is not None:
        found = session.get(DecisionRow, row.decision_id)
    elif row.alert_id is not None:
        found = session.get(AlertRow, row.alert_id)
    elif row.lesson_id is not None:
        found = session.get(LessonRow, row.lesson_id)
    if found is None:
        return ""
    return f"{found.__tablename__} {found.uuid}"


def _action(session: Session, action_uuid: str) -> ActionItemRow:
    row = session.scalars(select(ActionItemRow).where(ActionItemRow.uuid == action_uuid)).first()
    if row is None:
        raise NotFoundError("that action no longer exists")
    return row


def _code_number(code: str) -> int:
    digits = code.rpartition("-")[2]
    return int(digits) if digits.isdigit() else 0


def _in_chunks(ids: Sequence[int]) -> list[list[int]]:
    unique = list(dict.fromkeys(ids))
    return [unique[i : i + _CHUNK] for i in range(0, len(unique), _CHUNK)]


def _infos(session: Session, rows: Sequence[ActionItemRow]) -> list[ActionInfo]:
    """Frozen infos of `rows`, reading their related records in a few batched queries."""
    if not rows:
        return []
    action_ids = [r.id for r in rows]
    programmes = {p.id: p for p in session.scalars(select(ProgrammeRow))}
    people: dict[int, str] = {}
    indicators: dict[int, list[str]] = {}
    updates: dict[int, list[ActionUpdateInfo]] = {}
    for chunk in _in_chunks([r.owner_person_id for r in rows if r.owner_person_id is not None]):
        for person_id, person_code in session.execute(
            select(PersonRow.id, PersonRow.code).where(PersonRow.id.in_(chunk))
        ):
            people[person_id] = person_code
    for chunk in _in_chunks(action_ids):
        for action_id, code in session.execute(
            select(ActionIndicatorRow.action_id, IndicatorRow.code)
            .join(IndicatorRow, ActionIndicatorRow.indicator_id == IndicatorRow.id)
            .where(ActionIndicatorRow.action_id.in_(chunk))
            .order_by(IndicatorRow.sort_order, IndicatorRow.code)
        ):
            indicators.setdefault(action_id, []).append(code)
        for update in session.scalars(
            select(ActionUpdateRow)
            .where(ActionUpdateRow.action_id.in_(chunk))
            .order_by(ActionUpdateRow.on, ActionUpdateRow.id)
        ):
            updates.setdefault(update.action_id, []).append(
                ActionUpdateInfo(
                    update.uuid,
                    update.on,
                    update.note,
                    ActionStatus(update.status) if update.status else None,
                    update.recorded_by,
                    update.recorded_at,
                )
            )
    decisions: dict[int, DecisionRow] = {}
    meetings: dict[int, MeetingRow] = {}
    alerts: dict[int, AlertRow] = {}
    lessons: dict[int, LessonRow] = {}
    for chunk in _in_chunks([r.decision_id for r in rows if r.decision_id is not None]):
        decisions.update(
            (d.id, d) for d in session.scalars(select(DecisionRow).where(DecisionRow.id.in_(chunk)))
        )
    for chunk in _in_chunks([d.meeting_id for d in decisions.values()]):
        meetings.update(
            (m.id, m) for m in session.scalars(select(MeetingRow).where(MeetingRow.id.in_(chunk)))
        )
    for chunk in _in_chunks([r.alert_id for r in rows if r.alert_id is not None]):
        alerts.update((a.id, a) for a in session.scalars(select(AlertRow).where(AlertRow.id.in_(chunk))))
    for chunk in _in_chunks([r.lesson_id for r in rows if r.lesson_id is not None]):
        lessons.update((x.id, x) for x in session.scalars(select(LessonRow).where(LessonRow.id.in_(chunk))))

    infos = []
    for row in rows:
        programme = programmes[row.programme_id]
        source, source_uuid, source_text = ActionSource.NONE, None, ""
        meeting = None
        if row.decision_id is not None and row.decision_id in decisions:
            decision = decisions[row.decision_id]
            source, source_uuid, source_text = ActionSource.DECISION, decision.uuid, decision.text
            meeting = meetings.get(decision.meeting_id)
        elif row.alert_id is not None and row.alert_id in alerts:
            alert = alerts[row.alert_id]
            source, source_uuid = ActionSource.ALERT, alert.uuid
            source_text = alert.message or f"{alert.trigger_code} on {alert.indicator_code}"
        elif row.lesson_id is not None and row.lesson_id in lessons:
            lesson = lessons[row.lesson_id]
            source, source_uuid, source_text = ActionSource.LESSON, lesson.uuid, lesson.title
        infos.append(
            ActionInfo(
                uuid=row.uuid,
                code=row.code,
                programme_code=programme.code,
                programme_name=programme.name,
                title=row.title,
                description=row.description,
                owner=row.owner,
                owner_person_code=people.get(row.owner_person_id)
                if row.owner_person_id is not None
                else None,
                due=row.due,
                priority=Priority(row.priority),
                status=ActionStatus(row.status),
                source=source,
                source_uuid=source_uuid,
                source_text=source_text,
                meeting_uuid=meeting.uuid if meeting else None,
                meeting_title=meeting.title if meeting else "",
                meeting_held_on=meeting.held_on if meeting else None,
                indicator_codes=tuple(indicators.get(row.id, ())),
                created_by=row.created_by,
                created_at=row.created_at,
                closed_at=row.closed_at,
                closing_note=row.closing_note,
                updates=tuple(updates.get(row.id, ())),
            )
        )
    return infos

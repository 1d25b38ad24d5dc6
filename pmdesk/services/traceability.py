# SPDX-License-Identifier: GPL-3.0-or-later
"""The closed loop, both ways (issue #9 §6): from an action to its decision, meeting, alert and
indicators with their actuals since the decision; from an indicator to its alerts, decisions and
actions. The figures come from the IPTT service; nothing is recomputed here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import Measure, Status
from pmdesk.domain.iptt_table import IpttTable
from pmdesk.services.actions import ActionFilter, ActionInfo, ActionService
from pmdesk.services.iptt import IpttService
from pmdesk.services.lookups import indicator_by_code, programme_by_code, programme_periods
from pmdesk.storage.loop_models import (
    ActionItemRow,
    AgendaItemRow,
    AlertRow,
    DecisionRow,
    FeedbackRow,
    LessonRow,
    LinkRow,
    MeetingRow,
)


@dataclass(frozen=True)
class MeetingRef:
    uuid: str
    title: str
    kind: str
    held_on: date
    status: str


@dataclass(frozen=True)
class DecisionRef:
    uuid: str
    text: str
    meeting: MeetingRef


@dataclass(frozen=True)
class AlertRef:
    uuid: str
    trigger_code: str
    indicator_code: str
    site_code: str  # "" for the programme total
    periods: tuple[str, ...]
    status: str  # open | acknowledged
    holds: bool
    message: str
    raised_on: date


@dataclass(frozen=True)
class NoteRef:
    """A lesson or a piece of feedback linked to the record."""

    kind: str  # lesson | feedback
    uuid: str
    title: str
    on: date


@dataclass(frozen=True)
class TrendPoint:
    period: str
    label: str
    target: float | None
    actual: float | None
    pct_met: float | None
    text: str | None
    is_partial: bool
    is_after: bool  # False for the last period that ended before the decision (for comparison)


@dataclass(frozen=True)
class IndicatorTrend:
    programme_code: str
    code: str
    name: str
    unit: str
    measure: Measure
    status: Status | None  # as the IPTT shows it now (None: the indicator is not in the IPTT)
    is_status_partial: bool
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class ActionTrace:
    action: ActionInfo
    decision: DecisionRef | None
    alert: AlertRef | None
    lesson: NoteRef | None
    since: date  # the decision's meeting, else the alert, the lesson or the action's creation
    since_what: str  # "the decision of 10 Jul 2025" …
    indicators: tuple[IndicatorTrend, ...]
    notes: tuple[NoteRef, ...]  # lessons and feedback linked to the action

    @property
    def meeting(self) -> MeetingRef | None:
        return self.decision.meeting if self.decision else None


@dataclass(frozen=True)
class IndicatorTrace:
    programme_code: str
    code: str
    name: str
    status: Status | None
    alerts: tuple[AlertRef, ...]  # newest first
    decisions: tuple[DecisionRef, ...]  # newest meeting first
    actions: tuple[ActionInfo, ...]
    notes: tuple[NoteRef, ...]


class TraceabilityService:
    def __init__(self, sessions: sessionmaker[Session], actions: ActionService, iptt: IpttService) -> None:
        self._sessions = sessions
        self._actions = actions
        self._iptt = iptt

    def for_action(self, action_uuid: str, today: date | None = None) -> ActionTrace:
        """An action with where it came from and how its indicators moved since; NotFoundError
        if the action is gone."""
        today = today or date.today()
        action = self._actions.get(action_uuid)
        with self._sessions() as session:
            row = session.scalars(select(ActionItemRow).where(ActionItemRow.uuid == action_uuid)).one()
            decision_row = session.get(DecisionRow, row.decision_id) if row.decision_id else None
            decision = _decision(session, decision_row) if decision_row else None
            alert_row = session.get(AlertRow, row.alert_id) if row.alert_id else None
            alert = _alert(alert_row) if alert_row else None
            lesson_row = session.get(LessonRow, row.lesson_id) if row.lesson_id else None
            lesson = (
                NoteRef("lesson", lesson_row.uuid, lesson_row.title, lesson_row.recorded_on)
                if lesson_row
                else None
            )
            notes = _notes(session, LinkRow.action_id == row.id)
            created = row.created_at.date()
        if decision is not None:
            since, since_what = (
                decision.meeting.held_on,
                f"the decision of {decision.meeting.held_on:%d %b %Y}",
            )
        elif alert is not None:
            since, since_what = alert.raised_on, f"the alert of {alert.raised_on:%d %b %Y}"
        elif lesson is not None:
            since, since_what = lesson.on, f"the lesson of {lesson.on:%d %b %Y}"
        else:
            since, since_what = created, f"the action's creation on {created:%d %b %Y}"
        codes = list(action.indicator_codes)
        if not codes and alert is not None:
            codes = [alert.indicator_code]
        trends = self._trends(action.programme_code, codes, since, today) if codes else ()
        return ActionTrace(action, decision, alert, lesson, since, since_what, trends, notes)

    def for_indicator(self, programme_code: str, indicator_code: str) -> IndicatorTrace:
        """An indicator's alerts, the decisions taken about it and the actions on it."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            indicator = indicator_by_code(session, programme, indicator_code)
            alert_rows = list(
                session.scalars(
                    select(AlertRow)
                    .where(
                        AlertRow.programme_id == programme.id,
                        or_(
                            AlertRow.indicator_uuid == indicator.uuid,
                            AlertRow.indicator_code == indicator.code,
                        ),
                    )
                    .order_by(AlertRow.raised_at.desc())
                )
            )
            alert_ids = [a.id for a in alert_rows]
            # Decisions taken on an agenda item about the indicator or one of its alerts, and
            # the decisions its actions come from.
            items = select(AgendaItemRow.id).where(
                or_(AgendaItemRow.indicator_id == indicator.id, AgendaItemRow.alert_id.in_(alert_ids))
            )
            decision_rows = set(
                session.scalars(select(DecisionRow).where(DecisionRow.agenda_item_id.in_(items)))
            )
            actions = self._actions.list(
                ActionFilter(programme_code=programme_code, indicator_code=indicator_code)
            )
            alert_uuids = {a.uuid for a in alert_rows}
            actions += [
                a
                for a in self._actions.list(ActionFilter(programme_code=programme_code))
                if a.source_uuid in alert_uuids and a not in actions
            ]
            source_decisions = {a.source_uuid for a in actions if a.source_uuid}
            decision_rows |= set(
                session.scalars(select(DecisionRow).where(DecisionRow.uuid.in_(source_decisions)))
            )
            decisions = sorted(
                (_decision(session, d) for d in decision_rows),
                key=lambda d: (d.meeting.held_on, d.uuid),
                reverse=True,
            )
            notes = _notes(session, LinkRow.indicator_id == indicator.id)
            name = indicator.name
        status = None
        table = self._iptt.table(programme_code)
        for iptt_row in table.rows:
            if iptt_row.code == indicator_code:
                status = iptt_row.figures.to_date.status
        return IndicatorTrace(
            programme_code,
            indicator_code,
            name,
            status,
            tuple(_alert(a) for a in alert_rows),
            tuple(decisions),
            tuple(actions),
            notes,
        )

    def _trends(
        self, programme_code: str, codes: list[str], since: date, today: date
    ) -> tuple[IndicatorTrend, ...]:
        with self._sessions() as session:
            periods = programme_periods(session, programme_by_code(session, programme_code))
        begun = [p for p in periods if p.start <= today] or periods[:1]
        if not begun:
            return ()
        # Every period begun so far (not only the complete ones), so the latest figures show,
        # marked partial where they are; the status is the IPTT's own, as of its default period.
        full = self._iptt.table(programme_code, as_of=begun[-1].code)
        current = self._iptt.table(programme_code)
        before = [p for p in begun if p.end < since]
        shown = {p.code: True for p in begun if p.end >= since}
        if before:
            shown = {before[-1].code: False, **shown}
        return tuple(_trend(full, current, code, shown) for code in codes if _has(full, code))


def _has(table: IpttTable, code: str) -> bool:
    return any(r.code == code for r in table.rows)


def _trend(full: IpttTable, current: IpttTable, code: str, shown: dict[str, bool]) -> IndicatorTrend:
    row = next(r for r in full.rows if r.code == code)
    now = next((r for r in current.rows if r.code == code), None)
    labels = {p.code: p.label() for p in full.periods}
    points = tuple(
        TrendPoint(
            f.period,
            labels.get(f.period, f.period),
            f.target,
            f.actual,
            f.pct_met,
            f.text,
            f.is_partial,
            shown[f.period],
        )
        for f in row.figures.periods
        if f.period in shown
    )
    return IndicatorTrend(
        full.programme_code,
        row.code,
        row.name,
        row.unit,
        row.measure,
        now.figures.to_date.status if now else None,
        now.figures.to_date.partial if now else False,
        points,
    )


def _meeting(row: MeetingRow) -> MeetingRef:
    return MeetingRef(row.uuid, row.title, row.kind, row.held_on, row.status)


def _decision(session: Session, row: DecisionRow) -> DecisionRef:
    meeting = session.get_one(MeetingRow, row.meeting_id)
    return DecisionRef(row.uuid, row.text, _meeting(meeting))


def _alert(row: AlertRow) -> AlertRef:
    return AlertRef(
        row.uuid,
        row.trigger_code,
        row.indicator_code,
        row.site_code,
        tuple(p for p in row.periods.split(",") if p),
        row.status,
        row.holds,
        row.message,
        row.raised_at.date(),
    )


def _notes(session: Session, condition: ColumnElement[bool]) -> tuple[NoteRef, ...]:
    links = list(session.scalars(select(LinkRow).where(condition)))
    notes: list[NoteRef] = []
    for link in links:
        if link.lesson_id is not None:
            lesson = session.get(LessonRow, link.lesson_id)
            if lesson is not None:
                notes.append(NoteRef("lesson", lesson.uuid, lesson.title, lesson.recorded_on))
        elif link.feedback_id is not None:
            feedback = session.get(FeedbackRow, link.feedback_id)
            if feedback is not None:
                notes.append(NoteRef("feedback", feedback.uuid, feedback.summary, feedback.received_on))
    return tuple(sorted(notes, key=lambda n: n.on, reverse=True))

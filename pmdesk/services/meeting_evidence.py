# SPDX-License-Identifier: GPL-3.0-or-later
"""What a meeting looks at: the evidence a review agenda is proposed from, and beside each agenda
item in live minutes the indicator's recent targets, actuals and status, its alerts and actions.
Statuses and figures come from the IPTT service, never computed here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import Measure, Status
from pmdesk.domain.iptt_table import IpttRow, IpttTable
from pmdesk.domain.meetings import (
    ActionEvidence,
    AlertEvidence,
    DecisionEvidence,
    IndicatorEvidence,
    PartialReport,
    ProposedItem,
    propose_agenda,
)
from pmdesk.domain.periods import Period
from pmdesk.services.iptt import IpttService
from pmdesk.services.lookups import programme_by_code, programme_periods
from pmdesk.storage.loop_models import ActionItemRow, AgendaItemRow, AlertRow, DecisionRow, MeetingRow
from pmdesk.storage.models import IndicatorRow

RECENT_PERIODS = 4  # periods of an indicator shown beside an agenda item


@dataclass(frozen=True)
class PeriodLine:
    label: str
    target: float | None
    actual: float | None
    pct_met: float | None
    is_partial: bool
    text: str | None = None  # a qualitative indicator's report


@dataclass(frozen=True)
class IndicatorPanel:
    """An indicator as the live minutes show it beside an agenda item."""

    code: str
    name: str
    unit: str
    measure: Measure
    status: Status
    pct_met: float | None
    as_of_label: str
    partial: bool
    recent: tuple[PeriodLine, ...]


@dataclass(frozen=True)
class ItemEvidence:
    indicator: IndicatorPanel | None
    alerts: tuple[str, ...]  # one line each: periods, figures, status
    actions: tuple[str, ...]  # actions about it: code, title, owner, due, status
    subject: str  # the earlier decision or action the item follows up, in words ("" if none)


class EvidenceService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._iptt = IpttService(sessions)

    def proposal(
        self, programme_code: str, held_on: date, meeting_id: int | None = None
    ) -> list[ProposedItem]:
        """The agenda a review meeting held on `held_on` would be proposed (DESIGN.md §4)."""
        table = self._iptt.table(programme_code)
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            periods = programme_periods(session, programme)
            labels = {p.code: p.label() for p in periods}
            as_of_label = labels.get(table.as_of or "", table.as_of or "")
            indicators = [
                IndicatorEvidence(
                    r.indicator_id,
                    r.code,
                    r.name,
                    r.figures.to_date.status,
                    r.figures.to_date.pct_met,
                    as_of_label,
                    r.figures.to_date.partial,
                )
                for r in table.rows
            ]
            ids: dict[str, int] = {
                uuid: id_
                for uuid, id_ in session.execute(
                    select(IndicatorRow.uuid, IndicatorRow.id).where(
                        IndicatorRow.programme_id == programme.id
                    )
                )
            }
            names = {r.code: r.name for r in table.rows}
            alerts = [
                AlertEvidence(
                    a.id,
                    a.trigger_code,
                    a.indicator_code,
                    ids.get(a.indicator_uuid),
                    a.site_code,
                    tuple(labels.get(p, p) for p in a.periods.split(",") if p),
                    a.message,
                    names.get(a.indicator_code, ""),
                )
                for a in session.scalars(
                    select(AlertRow)
                    # An alert whose streak values no longer support is history, not agenda.
                    .where(
                        AlertRow.programme_id == programme.id,
                        AlertRow.status == "open",
                        AlertRow.holds.is_(True),
                    )
                    .order_by(AlertRow.raised_at, AlertRow.id)
                )
            ]
            actions = [
                ActionEvidence(a.uuid, a.code, a.title, a.owner, a.due, a.status)
                for a in session.scalars(
                    select(ActionItemRow).where(
                        ActionItemRow.programme_id == programme.id,
                        ActionItemRow.status.in_(("open", "in_progress")),
                    )
                )
            ]
            decisions = _previous_decisions(session, programme.id, held_on, meeting_id)
        partial = _partial_reports(self._iptt, programme_code, table, periods)
        return propose_agenda(held_on, indicators, alerts, actions, decisions, partial)

    def for_meeting(self, programme_code: str, meeting_id: int) -> dict[int, ItemEvidence]:
        """The evidence beside each agenda item of a meeting, by agenda item id."""
        table = self._iptt.table(programme_code)
        rows = {r.indicator_id: r for r in table.rows}
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            labels = {p.code: p.label() for p in programme_periods(session, programme)}
            items = list(session.scalars(select(AgendaItemRow).where(AgendaItemRow.meeting_id == meeting_id)))
            out: dict[int, ItemEvidence] = {}
            for item in items:
                indicator_id = item.indicator_id
                alert = session.get(AlertRow, item.alert_id) if item.alert_id is not None else None
                indicator_uuid = alert.indicator_uuid if alert is not None else ""
                if indicator_id is None and indicator_uuid:
                    indicator_id = session.scalars(
                        select(IndicatorRow.id).where(IndicatorRow.uuid == indicator_uuid)
                    ).first()
                if indicator_id is not None and not indicator_uuid:
                    indicator_uuid = (
                        session.scalars(
                            select(IndicatorRow.uuid).where(IndicatorRow.id == indicator_id)
                        ).first()
                        or ""
                    )
                row = rows.get(indicator_id) if indicator_id is not None else None
                panel = _panel(row, table, labels) if row is not None else None
                alert_lines = (
                    tuple(
                        _alert_line(a, labels)
                        for a in session.scalars(
                            select(AlertRow)
                            .where(AlertRow.indicator_uuid == indicator_uuid)
                            .order_by(AlertRow.raised_at.desc())
                            .limit(5)
                        )
                    )
                    if indicator_uuid
                    else ((_alert_line(alert, labels),) if alert is not None else ())
                )
                subject = _subject(session, item.subject_uuid)
                if alert is not None and not subject:
                    subject = alert.message  # what held, and the response agreed beforehand
                out[item.id] = ItemEvidence(panel, alert_lines, _action_lines(session, item), subject)
            return out


# -- helpers ------------------------------------------------------------------------------------


def _alert_line(row: AlertRow, labels: dict[str, str]) -> str:
    periods = ", ".join(labels.get(p, p) for p in row.periods.split(",") if p)
    where = f" at {row.site_code}" if row.site_code else ""
    state = "open" if row.status == "open" else f"acknowledged by {row.acknowledged_by}"
    figures = f" ({row.figures})" if row.figures else ""
    return f"{row.trigger_code}{where}: {periods}{figures} — {state}"


def _previous_decisions(
    session: Session, programme_id: int, held_on: date, meeting_id: int | None
) -> list[DecisionEvidence]:
    # The previous review: a learning event or feedback session held between two reviews must not
    # hide the last review's decisions from the next one.
    query = select(MeetingRow).where(
        MeetingRow.programme_id == programme_id,
        MeetingRow.held_on <= held_on,
        MeetingRow.kind == "review",
    )
    if meeting_id is not None:
        query = query.where(MeetingRow.id != meeting_id)
    previous = session.scalars(query.order_by(MeetingRow.held_on.desc(), MeetingRow.id.desc())).first()
    if previous is None:
        return []
    rows = session.scalars(
        select(DecisionRow)
        .where(DecisionRow.meeting_id == previous.id)
        .order_by(DecisionRow.position, DecisionRow.id)
    )
    return [
        DecisionEvidence(d.uuid, d.text, previous.title, previous.held_on) for d in rows if d.text.strip()
    ]


def _partial_reports(
    iptt: IpttService, programme_code: str, table: IpttTable, periods: list[Period]
) -> list[PartialReport]:
    if not table.partial_periods:
        return []
    order = [p.code for p in periods]
    latest = max(table.partial_periods, key=lambda c: order.index(c) if c in order else -1)
    wide = table if latest in [p.code for p in table.periods] else iptt.table(programme_code, as_of=latest)
    labels = {p.code: p.label() for p in wide.periods}
    reports = []
    for code in order:
        if code not in table.partial_periods:
            continue
        for row in wide.rows:
            if row.measure is Measure.QUALITATIVE:
                continue
            for fig in row.figures.periods:
                if fig.period == code and fig.is_partial:
                    reports.append(
                        PartialReport(
                            row.code,
                            code,
                            labels.get(code, code),
                            fig.sites_reported or 0,
                            fig.sites_expected or 0,
                        )
                    )
    return reports


def _panel(row: IpttRow, table: IpttTable, labels: dict[str, str]) -> IndicatorPanel:
    recent = tuple(
        PeriodLine(labels.get(p.period, p.period), p.target, p.actual, p.pct_met, p.is_partial, p.text)
        for p in row.figures.periods[-RECENT_PERIODS:]
    )
    to_date = row.figures.to_date
    return IndicatorPanel(
        row.code,
        row.name,
        row.unit,
        row.measure,
        to_date.status,
        to_date.pct_met,
        labels.get(table.as_of or "", table.as_of or ""),
        to_date.partial,
        recent,
    )


def _action_lines(session: Session, item: AgendaItemRow) -> tuple[str, ...]:
    """Actions decided under this item, and the action it follows up."""
    query = (
        select(ActionItemRow)
        .join(DecisionRow, ActionItemRow.decision_id == DecisionRow.id)
        .where(DecisionRow.agenda_item_id == item.id)
    )
    rows = list(session.scalars(query.order_by(ActionItemRow.id)))
    if item.subject_uuid:
        rows += list(session.scalars(select(ActionItemRow).where(ActionItemRow.uuid == item.subject_uuid)))
    return tuple(_action_line(a) for a in rows)


def _action_line(row: ActionItemRow) -> str:
    owner = f", {row.owner}" if row.owner else ""
    due = f", due {row.due.isoformat()}" if row.due else ""
    return f"{row.code} {row.title}{owner}{due} — {row.status.replace('_', ' ')}"


def _subject(session: Session, uuid: str) -> str:
    if not uuid:
        return ""
    decision = session.scalars(select(DecisionRow).where(DecisionRow.uuid == uuid)).first()
    if decision is not None:
        meeting = session.get(MeetingRow, decision.meeting_id)
        where = f" ({meeting.title}, {meeting.held_on.isoformat()})" if meeting is not None else ""
        return f"Decision{where}: {decision.text}"
    action = session.scalars(select(ActionItemRow).where(ActionItemRow.uuid == uuid)).first()
    if action is not None:
        return f"Action {_action_line(action)}"
    return ""

# SPDX-License-Identifier: GPL-3.0-or-later
"""People scorecards (issue #9 §5): for each person of a programme, the indicators they are
responsible for with their IPTT status, the actions they own (open, overdue, closed on time or
late) and the decisions of the meetings they took part in; the same added up per team
(organisation). Exported as formula-safe CSV."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.actions import ActionStatus
from pmdesk.domain.enums import Status
from pmdesk.formats.csv_safe import csv_text
from pmdesk.formats.files import write_atomically
from pmdesk.services.actions import ActionFilter, ActionInfo, ActionService
from pmdesk.services.iptt import IpttService
from pmdesk.services.lookups import programme_by_code
from pmdesk.storage.loop_models import AttendeeRow, DecisionRow, MeetingRow
from pmdesk.storage.models import IndicatorRow, PersonRow

NO_TEAM = "No organisation given"


@dataclass(frozen=True)
class IndicatorDuty:
    code: str
    name: str
    status: Status | None  # None when the IPTT has no row for it
    is_partial: bool


@dataclass(frozen=True)
class ActionCounts:
    open: int = 0  # open or in progress, overdue included
    overdue: int = 0
    done_on_time: int = 0
    done_late: int = 0
    done_undated: int = 0  # done, with no due date to compare with
    dropped: int = 0

    def __add__(self, other: ActionCounts) -> ActionCounts:
        return ActionCounts(
            self.open + other.open,
            self.overdue + other.overdue,
            self.done_on_time + other.done_on_time,
            self.done_late + other.done_late,
            self.done_undated + other.done_undated,
            self.dropped + other.dropped,
        )


@dataclass(frozen=True)
class MeetingShare:
    """A meeting the person attended or facilitated, and the decisions taken in it."""

    uuid: str
    title: str
    held_on: date
    decisions: tuple[str, ...]


@dataclass(frozen=True)
class Scorecard:
    name: str
    person_code: str | None  # None: named on actions or attendance lists, not in People
    organisation: str
    role: str
    indicators: tuple[IndicatorDuty, ...]
    actions: tuple[ActionInfo, ...]
    counts: ActionCounts
    meetings: tuple[MeetingShare, ...]

    @property
    def decision_count(self) -> int:
        return sum(len(m.decisions) for m in self.meetings)

    @property
    def team(self) -> str:
        return self.organisation or NO_TEAM


@dataclass(frozen=True)
class TeamScorecard:
    team: str
    people: int
    indicator_statuses: dict[str, int]  # status value → how many indicators
    counts: ActionCounts
    decisions: int


@dataclass(frozen=True)
class Scorecards:
    programme_code: str
    as_of: date
    people: tuple[Scorecard, ...]
    teams: tuple[TeamScorecard, ...]


def count_actions(actions: tuple[ActionInfo, ...], as_of: date) -> ActionCounts:
    counts = Counter[str]()
    for action in actions:
        if not action.status.is_closed:
            counts["open"] += 1
            counts["overdue"] += action.is_overdue(as_of)
        elif action.status is ActionStatus.DROPPED:
            counts["dropped"] += 1
        elif action.closed_on_time is None:
            counts["done_undated"] += 1
        elif action.closed_on_time:
            counts["done_on_time"] += 1
        else:
            counts["done_late"] += 1
    return ActionCounts(**counts)


class ScorecardService:
    def __init__(self, sessions: sessionmaker[Session], actions: ActionService, iptt: IpttService) -> None:
        self._sessions = sessions
        self._actions = actions
        self._iptt = iptt

    def overview(self, programme_code: str, as_of: date | None = None) -> Scorecards:
        """Every person's scorecard, People first (by name), then names only typed on actions
        or attendance lists; and one line per team."""
        as_of = as_of or date.today()
        table = self._iptt.table(programme_code)
        statuses = {r.code: (r.figures.to_date.status, r.figures.to_date.partial) for r in table.rows}
        actions = self._actions.list(ActionFilter(programme_code=programme_code))
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            people = list(
                session.scalars(
                    select(PersonRow).where(PersonRow.programme_id == programme.id).order_by(PersonRow.name)
                )
            )
            duties: dict[int | None, list[IndicatorDuty]] = {}
            for code, name, person_id in session.execute(
                select(IndicatorRow.code, IndicatorRow.name, IndicatorRow.responsible_id)
                .where(IndicatorRow.programme_id == programme.id, IndicatorRow.responsible_id.is_not(None))
                .order_by(IndicatorRow.sort_order, IndicatorRow.code)
            ):
                status, partial = statuses.get(code, (None, False))
                duties.setdefault(person_id, []).append(IndicatorDuty(code, name, status, partial))
            meetings = {
                m.id: m
                for m in session.scalars(select(MeetingRow).where(MeetingRow.programme_id == programme.id))
            }
            decisions: dict[int, list[str]] = {}
            for meeting_id, text in session.execute(
                select(DecisionRow.meeting_id, DecisionRow.text)
                .where(DecisionRow.meeting_id.in_(meetings))
                .order_by(DecisionRow.position, DecisionRow.id)
            ):
                decisions.setdefault(meeting_id, []).append(text)
            # Who took part in which meeting: attendees (by Person, else by name) and facilitators.
            took_part: dict[str, set[int]] = {}
            by_id = {p.id: p.name.strip().casefold() for p in people}
            for meeting_id, name, person_id in session.execute(
                select(AttendeeRow.meeting_id, AttendeeRow.name, AttendeeRow.person_id).where(
                    AttendeeRow.meeting_id.in_(meetings)
                )
            ):
                key = by_id.get(person_id, name.strip().casefold()) if person_id else name.strip().casefold()
                took_part.setdefault(key, set()).add(meeting_id)
            for meeting in meetings.values():
                if meeting.facilitator.strip():
                    took_part.setdefault(meeting.facilitator.strip().casefold(), set()).add(meeting.id)
            typed_names = {
                a.owner.strip().casefold(): a.owner.strip() for a in actions if a.owner.strip()
            } | {
                name.strip().casefold(): name.strip()
                for (name,) in session.execute(
                    select(AttendeeRow.name).where(
                        AttendeeRow.meeting_id.in_(meetings), AttendeeRow.person_id.is_(None)
                    )
                )
                if name.strip()
            }

            def shares(key: str) -> tuple[MeetingShare, ...]:
                chosen = sorted(
                    (meetings[i] for i in took_part.get(key, ())), key=lambda m: m.held_on, reverse=True
                )
                return tuple(
                    MeetingShare(m.uuid, m.title, m.held_on, tuple(decisions.get(m.id, ()))) for m in chosen
                )

            cards = []
            known = set()
            for person in people:
                key = person.name.strip().casefold()
                known.add(key)
                owned = tuple(
                    a
                    for a in actions
                    if a.owner_person_code == person.code
                    or (a.owner_person_code is None and a.owner.strip().casefold() == key)
                )
                cards.append(
                    Scorecard(
                        person.name,
                        person.code,
                        person.organisation,
                        person.role,
                        tuple(duties.get(person.id, ())),
                        owned,
                        count_actions(owned, as_of),
                        shares(key),
                    )
                )
            for key, name in sorted(typed_names.items(), key=lambda kv: kv[0]):
                if key in known:
                    continue
                owned = tuple(
                    a for a in actions if a.owner_person_code is None and a.owner.strip().casefold() == key
                )
                cards.append(
                    Scorecard(name, None, "", "", (), owned, count_actions(owned, as_of), shares(key))
                )
        return Scorecards(programme_code, as_of, tuple(cards), _teams(cards))

    def export_csv(self, programme_code: str, path: Path, as_of: date | None = None) -> int:
        """Write the scorecards to `path` whole or not at all; returns how many people."""
        cards = self.overview(programme_code, as_of)
        write_atomically(path, scorecards_csv(cards))
        return len(cards.people)


def _teams(cards: list[Scorecard]) -> tuple[TeamScorecard, ...]:
    teams: dict[str, list[Scorecard]] = {}
    for card in cards:
        if card.person_code is not None:  # a typed name has no organisation to group it by
            teams.setdefault(card.team, []).append(card)
    out = []
    for team, members in sorted(teams.items(), key=lambda kv: (kv[0] == NO_TEAM, kv[0].casefold())):
        statuses = Counter(d.status.value if d.status else "none" for m in members for d in m.indicators)
        counts = ActionCounts()
        for member in members:
            counts = counts + member.counts
        meetings = {s.uuid: len(s.decisions) for m in members for s in m.meetings}
        out.append(TeamScorecard(team, len(members), dict(statuses), counts, sum(meetings.values())))
    return tuple(out)


CSV_HEADER = (
    "programme",
    "person",
    "person_code",
    "organisation",
    "role",
    "indicators",
    "indicators_off_track",
    "indicators_at_risk",
    "indicator_statuses",
    "actions_open",
    "actions_overdue",
    "actions_done_on_time",
    "actions_done_late",
    "actions_done_no_due_date",
    "actions_dropped",
    "meetings",
    "decisions",
)


def scorecards_csv(cards: Scorecards) -> str:
    rows: list[list[str | int | None]] = [list(CSV_HEADER)]
    for card in cards.people:
        statuses = [d.status for d in card.indicators]
        c = card.counts
        rows.append(
            [
                cards.programme_code,
                card.name,
                card.person_code,
                card.organisation,
                card.role,
                len(card.indicators),
                statuses.count(Status.OFF_TRACK),
                statuses.count(Status.AT_RISK),
                " ".join(f"{d.code}={d.status.value if d.status else 'none'}" for d in card.indicators),
                c.open,
                c.overdue,
                c.done_on_time,
                c.done_late,
                c.done_undated,
                c.dropped,
                len(card.meetings),
                card.decision_count,
            ]
        )
    return csv_text(rows)

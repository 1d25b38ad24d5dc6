# SPDX-License-Identifier: GPL-3.0-or-later
"""Traceability (action ↔ decision, meeting, alert, indicators with actuals since the decision)
and people scorecards, on a temporary database."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from pmdesk.domain.actions import ActionStatus
from pmdesk.domain.enums import Measure, Status
from pmdesk.services.actions import ActionData, ActionFilter, ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.framework_records import IndicatorData
from pmdesk.services.iptt import IpttService
from pmdesk.services.learning import FeedbackData, LearningService, LessonData, Links
from pmdesk.services.scorecards import ScorecardService, scorecards_csv
from pmdesk.services.traceability import TraceabilityService
from pmdesk.storage.database import Database
from tests.unit import loop_builders
from tests.unit.builders import Services, services

P = "WASH-01"
TODAY = date(2026, 1, 15)


@pytest.fixture
def s(db_holds_wash01: None, db: Database) -> Services:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.sites.save_person(P, "amina", "Amina Yusuf", organisation="Water Trust", role="M&E officer")
    s.sites.save_person(P, "joseph", "Joseph Otieno", organisation="District office")
    s.framework.save_indicator(
        P,
        IndicatorData(
            "2.1",
            "Schools with safe water",
            "O1",
            Measure.PERCENT,
            unit="%",
            baseline_value=20,
            allows_decimals=True,
            responsible_code="amina",
        ),
        original_code="2.1",
    )
    # 2.1 in 2025: Q1 40 %, Q2 45 % (the decision in July), Q3 70 %; both sites report.
    for period, share in (("2025Q1", 40), ("2025Q2", 45), ("2025Q3", 70)):
        for site in ("N01", "N02"):
            s.entry.set_value(P, "2.1", period, site, numerator=share, denominator=100)
    return s


@pytest.fixture
def actions(db: Database, s: Services) -> ActionService:
    return ActionService(db.sessions, Actor(db.actor, db.device_uuid))


def test_from_an_action_to_its_decision_meeting_and_actuals_since(
    db: Database, s: Services, actions: ActionService
) -> None:
    meeting_uuid, decision_uuid = loop_builders.meeting_with_decision(db, P, held_on=date(2025, 7, 10))
    action = actions.create(
        P,
        ActionData(
            "Fix pumps", owner_person_code="joseph", decision_uuid=decision_uuid, indicator_codes=("2.1",)
        ),
    )
    trace = TraceabilityService(db.sessions, actions, IpttService(db.sessions)).for_action(action.uuid, TODAY)
    assert trace.decision is not None and trace.decision.uuid == decision_uuid
    assert trace.meeting is not None and trace.meeting.uuid == meeting_uuid
    assert trace.since == date(2025, 7, 10) and "10 Jul 2025" in trace.since_what
    (trend,) = trace.indicators
    # Q2 (ended before the decision) for comparison, then Q3 and Q4, begun before TODAY.
    assert [(p.period, p.is_after) for p in trend.points] == [
        ("2025Q2", False),
        ("2025Q3", True),
        ("2025Q4", True),
    ]
    table = IpttService(db.sessions).table(P, as_of="2025Q4")
    q3 = next(f for r in table.rows if r.code == "2.1" for f in r.figures.periods if f.period == "2025Q3")
    assert trend.points[1].actual == q3.actual == pytest.approx(70)
    assert trend.points[1].target == q3.target
    now = next(r for r in IpttService(db.sessions).table(P).rows if r.code == "2.1")
    assert trend.status is now.figures.to_date.status


def test_from_an_alert_to_its_indicator(db: Database, actions: ActionService) -> None:
    alert_uuid = loop_builders.alert(db, P, "2.1")
    action = actions.create(P, ActionData("Rapid review", alert_uuid=alert_uuid))
    tracer = TraceabilityService(db.sessions, actions, IpttService(db.sessions))
    trace = tracer.for_action(action.uuid, TODAY)
    assert trace.alert is not None and trace.alert.periods == ("2025Q2", "2025Q3")
    assert [t.code for t in trace.indicators] == ["2.1"]  # the alert's indicator, none linked


def test_from_an_indicator_to_alerts_decisions_actions_and_notes(
    db: Database, s: Services, actions: ActionService
) -> None:
    alert_uuid = loop_builders.alert(db, P, "2.1")
    _, decision_uuid = loop_builders.meeting_with_decision(db, P)
    linked = actions.create(P, ActionData("Fix pumps", decision_uuid=decision_uuid, indicator_codes=("2.1",)))
    from_alert = actions.create(P, ActionData("Rapid review", alert_uuid=alert_uuid))
    actions.create(P, ActionData("Unrelated", indicator_codes=("1.1",)))
    learning = LearningService(db.sessions, Actor(db.actor, db.device_uuid))
    learning.save_lesson(P, LessonData("Spare parts", "Keep parts in stock", links=Links(("2.1",))))
    trace = TraceabilityService(db.sessions, actions, IpttService(db.sessions)).for_indicator(P, "2.1")
    assert [a.uuid for a in trace.alerts] == [alert_uuid]
    assert {a.uuid for a in trace.actions} == {linked.uuid, from_alert.uuid}
    assert [d.uuid for d in trace.decisions] == [decision_uuid]
    assert [n.title for n in trace.notes] == ["Spare parts"]
    assert trace.status is not None


def test_scorecards(db: Database, s: Services, actions: ActionService) -> None:
    loop_builders.meeting_with_decision(db, P, attendees=("Amina Yusuf", "Guest Speaker"))
    late = actions.create(P, ActionData("Late", owner_person_code="joseph", due=date(2025, 12, 1)))
    on_time = actions.create(P, ActionData("On time", owner="Joseph Otieno", due=date(2025, 12, 31)))
    actions.close(on_time.uuid, "done", "Done early", on=date(2025, 12, 20))
    was_late = actions.create(P, ActionData("Was late", owner_person_code="joseph", due=date(2025, 11, 1)))
    actions.close(was_late.uuid, "done", "Finally", on=date(2025, 11, 20))
    actions.create(P, ActionData("Typed", owner="Contractor Ltd"))
    cards = ScorecardService(db.sessions, actions, IpttService(db.sessions)).overview(P, as_of=TODAY)
    by_name = {c.name: c for c in cards.people}
    assert list(by_name) == ["Amina Yusuf", "Joseph Otieno", "Contractor Ltd", "Guest Speaker"]
    amina, joseph = by_name["Amina Yusuf"], by_name["Joseph Otieno"]
    assert [d.code for d in amina.indicators] == ["2.1"]
    assert amina.indicators[0].status in set(Status)
    assert amina.decision_count == 1 and len(amina.meetings) == 1
    assert (
        joseph.counts.open,
        joseph.counts.overdue,
        joseph.counts.done_on_time,
        joseph.counts.done_late,
    ) == (
        1,
        1,
        1,
        1,
    )
    assert late.uuid in {a.uuid for a in joseph.actions}
    assert by_name["Contractor Ltd"].person_code is None and by_name["Contractor Ltd"].counts.open == 1
    assert by_name["Guest Speaker"].decision_count == 1
    teams = {t.team: t for t in cards.teams}
    assert set(teams) == {"District office", "Water Trust"}
    assert teams["District office"].counts.overdue == 1 and teams["Water Trust"].decisions == 1
    rows = list(csv.DictReader(io.StringIO(scorecards_csv(cards))))
    joseph_row = next(r for r in rows if r["person"] == "Joseph Otieno")
    assert (joseph_row["actions_overdue"], joseph_row["actions_done_late"]) == ("1", "1")


def test_scorecards_export_is_formula_safe(
    db: Database, s: Services, actions: ActionService, tmp_path: Path
) -> None:
    s.sites.save_person(P, "evil", "=cmd|' /C calc'!A0")
    target = tmp_path / "cards.csv"
    count = ScorecardService(db.sessions, actions, IpttService(db.sessions)).export_csv(P, target, TODAY)
    assert count == 3
    text = target.read_text(encoding="utf-8")
    assert "'=cmd" in text


def test_feedback_closed_only_with_a_response(db: Database, s: Services) -> None:
    from pmdesk.domain.errors import ValidationError
    from pmdesk.domain.learning import FeedbackStatus

    learning = LearningService(db.sessions, Actor(db.actor, db.device_uuid))
    with pytest.raises(ValidationError, match="only with a response"):
        learning.save_feedback(P, FeedbackData("Parents", "Taps are dry", status=FeedbackStatus.CLOSED))
    item = learning.save_feedback(P, FeedbackData("Parents", "Taps are dry", channel="SMS"), today=TODAY)
    closed = learning.save_feedback(
        P,
        FeedbackData("Parents", "Taps are dry", response="Pumps repaired", status=FeedbackStatus.CLOSED),
        item.uuid,
        today=TODAY,
    )
    assert closed.status is FeedbackStatus.CLOSED and closed.closed_on == TODAY
    assert [f.uuid for f in learning.feedback(P, "dry PUMPS")] == [item.uuid]
    assert learning.feedback(P, "nothing like it") == []


def test_a_closed_action_is_found_in_the_tracker_the_scorecard_and_the_indicator_trace(
    db: Database, s: Services, actions: ActionService
) -> None:
    _, decision_uuid = loop_builders.meeting_with_decision(db, P, held_on=date(2025, 7, 10))
    action = actions.create(
        P,
        ActionData(
            "Fix pumps",
            owner_person_code="joseph",
            due=date(2025, 12, 31),
            decision_uuid=decision_uuid,
            indicator_codes=("2.1",),
        ),
    )
    actions.close(action.uuid, "done", "Four pumps repaired", on=date(2025, 12, 1))
    iptt = IpttService(db.sessions)
    closed = actions.list(ActionFilter(programme_code=P, statuses=frozenset({ActionStatus.DONE})))
    assert [a.closing_note for a in closed] == ["Four pumps repaired"]
    joseph = next(
        c
        for c in ScorecardService(db.sessions, actions, iptt).overview(P, TODAY).people
        if c.person_code == "joseph"
    )
    assert joseph.counts.done_on_time == 1 and [a.uuid for a in joseph.actions] == [action.uuid]
    trace = TraceabilityService(db.sessions, actions, iptt).for_indicator(P, "2.1")
    assert [(a.uuid, a.status) for a in trace.actions] == [(action.uuid, ActionStatus.DONE)]
    assert [d.uuid for d in trace.decisions] == [decision_uuid]

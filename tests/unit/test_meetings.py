# SPDX-License-Identifier: GPL-3.0-or-later
"""Meetings: the agenda proposed from the evidence, the minutes, finalising and amendments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from pmdesk.domain.enums import Status
from pmdesk.domain.errors import LockedError, ValidationError
from pmdesk.domain.meetings import (
    ActionEvidence,
    AgendaKind,
    AlertEvidence,
    DecisionEvidence,
    IndicatorEvidence,
    PartialReport,
    check_editable,
    clean_names,
    indicator_reason,
    is_due_soon,
    is_overdue,
    moved,
    person_code_for,
    propose_agenda,
)
from pmdesk.services.actions import ActionData
from pmdesk.services.actor import Actor
from pmdesk.services.history import HistoryService
from pmdesk.services.meetings import AttendeeData, MeetingData, MeetingService
from pmdesk.services.sites import SiteService
from pmdesk.storage.database import Database
from pmdesk.storage.loop_models import AlertRow
from pmdesk.storage.models import IndicatorRow
from tests.ui.programme_factory import build_small_programme

HELD = date(2025, 7, 10)


# -- the rules --------------------------------------------------------------------------------


def test_an_indicator_reason_reads_plainly() -> None:
    evidence = IndicatorEvidence(1, "1.1", "Pupils", Status.OFF_TRACK, 62.4, "2026 Q2")
    assert indicator_reason(evidence) == "Off track: 62 % of target as of 2026 Q2"
    at_risk = IndicatorEvidence(1, "1.1", "Pupils", Status.AT_RISK, 80.0, "2026 Q2", partial=True)
    assert indicator_reason(at_risk) == "At risk: 80 % of target as of 2026 Q2 (partly reported)"


def test_overdue_and_due_soon_are_counted_from_the_meeting_day() -> None:
    assert is_overdue(HELD - timedelta(days=1), HELD) and not is_overdue(HELD, HELD)
    assert is_due_soon(HELD, HELD) and is_due_soon(HELD + timedelta(days=14), HELD)
    assert not is_due_soon(HELD + timedelta(days=15), HELD) and not is_due_soon(None, HELD)


def test_the_proposal_orders_the_evidence_and_says_why() -> None:
    indicators = [
        IndicatorEvidence(1, "1.1", "Reached", Status.AT_RISK, 80.0, "2025 Q2"),
        IndicatorEvidence(2, "1.2", "Treated", Status.ON_TRACK, 100.0, "2025 Q2"),
        IndicatorEvidence(3, "2.1", "Built", Status.OFF_TRACK, 15.0, "2025 Q2"),
    ]
    actions = [
        ActionEvidence("a1", "A-1", "Repair pumps", "Amina", HELD + timedelta(days=3), "open"),
        ActionEvidence("a2", "A-2", "Train committees", "", HELD - timedelta(days=12), "in_progress"),
        ActionEvidence("a3", "A-3", "Later", "", HELD + timedelta(days=40), "open"),
        ActionEvidence("a4", "A-4", "Done already", "", HELD - timedelta(days=40), "done"),
    ]
    decisions = [DecisionEvidence("d1", "Hire a driller\nsecond line", "Q1 review", date(2025, 4, 2))]
    partial = [
        PartialReport("2.1", "2025Q2", "2025 Q2", 1, 2),
        PartialReport("2.3", "2025Q2", "2025 Q2", 0, 2),
    ]
    items = propose_agenda(HELD, indicators, [], actions, decisions, partial)
    assert [(i.kind, i.title) for i in items] == [
        (AgendaKind.INDICATOR, "2.1 Built"),
        (AgendaKind.INDICATOR, "1.1 Reached"),
        (AgendaKind.ACTION, "Action A-2: Train committees"),
        (AgendaKind.ACTION, "Action A-1: Repair pumps"),
        (AgendaKind.DECISION, "Follow up: Hire a driller"),
        (AgendaKind.REPORTING, "Chase the 2025 Q2 reports"),
    ]
    assert items[0].reason == "Off track: 15 % of target as of 2025 Q2" and items[0].indicator_id == 3
    assert items[2].reason == "Overdue: due 28 Jun 2025 (12 days ago)"
    assert items[3].reason == "Due soon: due 13 Jul 2025 (in 3 days), owner Amina"
    assert items[4].reason == "Decided at Q1 review on 2 Apr 2025" and items[4].subject_uuid == "d1"
    assert items[5].reason == "Partly reported: 2.1 (1 of 2 sites), 2.3 (0 of 2 sites)"


def test_small_rules() -> None:
    assert moved([1, 2, 3], 3, -1) == [1, 3, 2]
    assert moved([1, 2, 3], 1, -5) == [1, 2, 3]
    assert moved([1, 2, 3], 1, 9) == [2, 3, 1]
    assert clean_names([" Amina  Diallo ", "amina diallo", "", "Bob"]) == ["Amina Diallo", "Bob"]
    assert person_code_for("Amina Diallo", set()) == "AMINA-DIALLO"
    assert person_code_for("Amina Diallo", {"AMINA-DIALLO"}) == "AMINA-DIALLO-2"
    assert person_code_for("Ñ", set()) == "PERSON"
    with pytest.raises(LockedError, match=r"final.*amendment"):
        check_editable("final", "Q2 review")
    check_editable("draft", "Q2 review")


# -- the service ------------------------------------------------------------------------------


@pytest.fixture
def service(db: Database) -> MeetingService:
    build_small_programme(db)
    return MeetingService(db.sessions, Actor("tester", db.device_uuid))


def review(service: MeetingService, title: str = "Q2 review", held: date = HELD, **kw: object) -> int:
    data = MeetingData("review", title, held, place="Zinder office", facilitator="Amina", **kw)  # type: ignore[arg-type]
    return service.create("WASH-T", data).meeting.id


def test_a_review_meeting_proposes_its_agenda_from_the_iptt(service: MeetingService) -> None:
    detail = service.get(review(service))
    titles = [(i.kind, i.title, i.reason) for i in detail.items]
    assert titles[0] == (
        AgendaKind.INDICATOR,
        "2.1 Water points built",
        "Off track: 15 % of target as of 2025 Q2 (partly reported)",
    )
    assert detail.items[0].indicator_code == "2.1"
    reporting = [t for t in titles if t[0] is AgendaKind.REPORTING]
    assert reporting == [
        (
            AgendaKind.REPORTING,
            "Chase the 2025 Q1 reports",
            "Partly reported: 2.1 (1 of 2 sites), 2.3 (1 of 2 sites)",
        ),
        (AgendaKind.REPORTING, "Chase the 2025 Q2 reports", "Partly reported: 2.1 (1 of 2 sites)"),
    ]
    assert detail.meeting.status == "draft" and not detail.has_minutes


def test_a_learning_meeting_has_no_proposed_agenda(service: MeetingService) -> None:
    detail = service.create("WASH-T", MeetingData("learning", "After-action review", HELD))
    assert detail.items == ()


def test_alerts_actions_and_the_previous_meetings_decisions_are_proposed(
    service: MeetingService, db: Database
) -> None:
    first = review(service, "Q1 review", date(2025, 4, 2))
    service.save_decision(first, "dec-1", "Drill two more boreholes", None)
    service.save_decision(first, "dec-2", "   ", None)  # never typed: nothing to follow up
    actions = service.actions
    actions.create("WASH-T", ActionData("Repair pumps", owner="Amina", due=HELD - timedelta(days=5)))
    actions.create("WASH-T", ActionData("Visit S2", due=HELD + timedelta(days=10)))
    actions.create("WASH-T", ActionData("Far away", due=HELD + timedelta(days=60)))
    with db.sessions.begin() as session:
        uuid = session.scalars(select(IndicatorRow.uuid).where(IndicatorRow.code == "1.2")).one()
        session.add(
            AlertRow(
                programme_id=1,
                trigger_uuid="t",
                trigger_code="SAT-70",
                indicator_uuid=uuid,
                indicator_code="1.2",
                first_period="2025Q1",
                periods="2025Q1,2025Q2",
                message="below 70 % for two quarters",
            )
        )
    detail = service.get(review(service))
    kinds = {i.kind: i for i in reversed(detail.items)}
    alert = kinds[AgendaKind.ALERT]
    assert (
        alert.title == "Alert: 1.2 Households treating their drinking water" and alert.indicator_code == "1.2"
    )
    assert alert.reason == "Open alert: trigger SAT-70 held in 2025 Q1, 2025 Q2"
    action_titles = [i.title for i in detail.items if i.kind is AgendaKind.ACTION]
    assert action_titles == ["Action A-1: Repair pumps", "Action A-2: Visit S2"]
    follow = [i for i in detail.items if i.kind is AgendaKind.DECISION]
    assert [(f.title, f.subject_uuid) for f in follow] == [("Follow up: Drill two more boreholes", "dec-1")]
    evidence = service.item_evidence("WASH-T", detail.meeting.id)
    panel = evidence[alert.id].indicator
    assert panel is not None and panel.code == "1.2"
    assert "SAT-70: 2025 Q1, 2025 Q2 — open" in evidence[alert.id].alerts
    assert evidence[alert.id].subject == "below 70 % for two quarters"
    assert evidence[follow[0].id].subject.startswith("Decision (Q1 review, 2025-04-02): Drill")


def test_attendees_from_people_or_typed_and_added(service: MeetingService, db: Database) -> None:
    sites = SiteService(db.sessions, Actor("tester", db.device_uuid))
    person = sites.save_person("WASH-T", "AMI", "Amina Diallo")
    attendees = (
        AttendeeData("Amina Diallo", person.id),
        AttendeeData("Ousmane Sall", add_to_people=True),
        AttendeeData("A visitor"),
        AttendeeData("a visitor"),
    )
    detail = service.create("WASH-T", MeetingData("feedback", "Community session", HELD, attendees=attendees))
    names = [(a.name, a.person_id is not None) for a in detail.attendees]
    assert names == [("Amina Diallo", True), ("Ousmane Sall", True), ("A visitor", False)]
    assert {p.code for p in sites.list_people("WASH-T")} == {"AMI", "OUSMANE-SALL"}
    changed = service.update(
        detail.meeting.id, MeetingData("feedback", "Community session 2", HELD, attendees=attendees[:1])
    )
    assert [a.name for a in changed.attendees] == [
        "Amina Diallo"
    ] and changed.meeting.title == "Community session 2"
    with pytest.raises(ValidationError, match="title"):
        service.update(detail.meeting.id, MeetingData("feedback", " ", HELD))


def test_the_facilitator_reorders_removes_and_adds_items(service: MeetingService) -> None:
    meeting = review(service)
    items = service.get(meeting).items
    added = service.add_item(meeting, "Budget for Q3")
    assert added.position == len(items) and added.kind is AgendaKind.OTHER
    order = service.move_item(meeting, added.id, -1)
    assert [i.id for i in order][-2] == added.id
    service.remove_item(meeting, items[0].id)
    assert [i.id for i in service.get(meeting).items] == [i.id for i in order if i.id != items[0].id]


def test_minutes_finalise_and_amend(service: MeetingService, db: Database) -> None:
    meeting = review(service)
    item = service.get(meeting).items[0]
    service.save_item_notes(item.id, "Drilling delayed by the rains")
    service.save_meeting_notes(meeting, "Next meeting in October")
    service.save_decision(meeting, "d-a", "Hire a second driller", item.id)
    service.save_decision(meeting, "d-a", "Hire a second driller by August", item.id)
    service.save_decision(meeting, "d-b", "", item.id)
    detail = service.get(meeting)
    assert detail.has_minutes and detail.last_saved_at is not None
    assert [d.text for d in detail.decisions_of(item.id)] == ["Hire a second driller by August", ""]
    final = service.finalise(meeting)
    assert final.meeting.is_final and final.meeting.finalised_by == "tester"
    assert [d.text for d in final.decisions] == ["Hire a second driller by August"]  # the blank one went
    with pytest.raises(LockedError, match="final"):
        service.save_item_notes(item.id, "changed later")
    with pytest.raises(LockedError):
        service.save_decision(meeting, "d-c", "late", None)
    with pytest.raises(LockedError):
        service.add_item(meeting, "late item")
    amendment = service.amend(meeting, "The driller is to be hired by September, not August")
    assert amendment.amended_by == "tester"
    assert service.get(meeting).amendments[0].text.endswith("not August")
    assert service.get(meeting).items[0].notes == "Drilling delayed by the rains"
    uuid = final.meeting.uuid
    fields = [e.field for e in HistoryService(db.sessions).for_entity(uuid)]
    assert fields[0] == "created" and "decision added" in fields and "status" in fields
    assert fields[-1] == "amendment"
    with pytest.raises(ValidationError, match="draft"):
        service.amend(review(service, "Other"), "too early")


def test_an_alerted_indicator_is_one_item_with_both_reasons() -> None:
    at_risk = IndicatorEvidence(7, "2.3", "Satisfied beneficiaries", Status.AT_RISK, 80.0, "2026 Q2")
    alert = AlertEvidence(
        3, "T1", "2.3", 7, "", ("2026 Q1", "2026 Q2"), "below 70 %", "Satisfied beneficiaries"
    )
    elsewhere = AlertEvidence(4, "T1", "2.3", 7, "S1", ("2026 Q2",), "below 70 % at S1")
    items = propose_agenda(HELD, [at_risk], [alert, elsewhere], [], [], [])
    assert [(i.kind, i.title) for i in items] == [
        (AgendaKind.ALERT, "Alert: 2.3 Satisfied beneficiaries"),
        (AgendaKind.ALERT, "Alert: 2.3 at S1"),
    ]
    assert items[0].reason == (
        f"{indicator_reason(at_risk)} · Open alert: trigger T1 held in 2026 Q1, 2026 Q2"
    )


def test_a_learning_event_between_reviews_does_not_hide_the_last_reviews_decisions(
    service: MeetingService,
) -> None:
    first = review(service, "Q1 review", date(2025, 4, 2))
    service.save_decision(first, "dec-1", "Drill two more boreholes", None)
    learning = service.create(
        "WASH-T", MeetingData("learning", "After-action review", date(2025, 5, 20))
    ).meeting.id
    service.save_decision(learning, "dec-2", "Share the pump manual", None)
    detail = service.get(review(service))
    follow = [i.subject_uuid for i in detail.items if i.kind is AgendaKind.DECISION]
    assert follow == ["dec-1"]


def test_an_alert_that_no_longer_holds_is_not_proposed(service: MeetingService, db: Database) -> None:
    with db.sessions.begin() as session:
        uuid = session.scalars(select(IndicatorRow.uuid).where(IndicatorRow.code == "1.2")).one()
        for code, holds in (("HOLDS", True), ("GONE", False)):
            session.add(
                AlertRow(
                    programme_id=1,
                    trigger_uuid=code,
                    trigger_code=code,
                    indicator_uuid=uuid,
                    indicator_code="1.2",
                    first_period="2025Q1",
                    periods="2025Q1,2025Q2",
                    holds=holds,
                )
            )
    detail = service.get(review(service))
    reasons = [i.reason for i in detail.items if i.kind is AgendaKind.ALERT]
    assert any("HOLDS" in r for r in reasons) and not any("GONE" in r for r in reasons)

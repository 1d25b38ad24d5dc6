# SPDX-License-Identifier: GPL-3.0-or-later
"""The action service on a temporary database: create, update, progress updates, close, reopen,
list with filters, and History."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from pmdesk.domain.actions import ActionSource, ActionStatus, Priority
from pmdesk.domain.errors import NotFoundError, ValidationError
from pmdesk.services.actions import ActionData, ActionFilter, ActionService
from pmdesk.services.actor import Actor
from pmdesk.services.history import HistoryService
from pmdesk.storage.database import Database
from pmdesk.storage.loop_models import ActionItemRow
from tests.unit import loop_builders
from tests.unit.builders import small_programme


@pytest.fixture
def actions(db: Database) -> ActionService:
    s = small_programme(db)
    s.sites.save_person("WASH-01", "amina", "Amina Yusuf", role="M&E officer")
    small_programme(db, "EDU-02")
    return ActionService(db.sessions, Actor(db.actor, db.device_uuid))


def test_create_numbers_actions_per_programme(actions: ActionService) -> None:
    first = actions.create("WASH-01", ActionData("Fix the pumps", owner="Joseph", due=date(2025, 9, 30)))
    second = actions.create("WASH-01", ActionData("Train caretakers", priority="high"))
    other = actions.create("EDU-02", ActionData("Order books"))
    assert (first.code, second.code, other.code) == ("A-1", "A-2", "A-1")
    assert first.status is ActionStatus.OPEN and first.priority is Priority.MEDIUM
    assert second.priority is Priority.HIGH
    assert first.owner == "Joseph" and first.owner_person_code is None
    assert first.source is ActionSource.NONE and first.created_by == "tester"


def test_owner_is_a_person_by_code_or_by_typed_name(actions: ActionService) -> None:
    by_code = actions.create("WASH-01", ActionData("A", owner_person_code="amina"))
    by_name = actions.create("WASH-01", ActionData("B", owner="amina yusuf "))
    assert (by_code.owner, by_code.owner_person_code) == ("Amina Yusuf", "amina")
    assert (by_name.owner, by_name.owner_person_code) == ("Amina Yusuf", "amina")
    with pytest.raises(NotFoundError, match="no person 'nobody'"):
        actions.create("WASH-01", ActionData("C", owner_person_code="nobody"))


def test_create_refuses_bad_input_listing_every_problem(actions: ActionService) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.create("WASH-01", ActionData(" ", due=date(1990, 1, 1), priority="urgent"))
    assert {p.field for p in caught.value.problems} == {"title", "due", "priority"}
    with pytest.raises(NotFoundError, match=r"no indicator '9\.9'"):
        actions.create("WASH-01", ActionData("X", indicator_codes=("9.9",)))
    with pytest.raises(NotFoundError, match="no programme"):
        actions.create("NOPE", ActionData("X"))


def test_sources_and_indicators(db: Database, actions: ActionService) -> None:
    meeting_uuid, decision_uuid = loop_builders.meeting_with_decision(db, "WASH-01")
    alert_uuid = loop_builders.alert(db, "WASH-01")
    lesson_uuid = loop_builders.lesson(db, "WASH-01")
    from_decision = actions.create(
        "WASH-01", ActionData("Fix pumps", decision_uuid=decision_uuid, indicator_codes=("2.1", "1.1"))
    )
    assert from_decision.source is ActionSource.DECISION
    assert from_decision.source_uuid == decision_uuid
    assert from_decision.meeting_uuid == meeting_uuid
    assert from_decision.source_text == "Rehabilitate the broken pumps"
    assert set(from_decision.indicator_codes) == {"1.1", "2.1"}
    assert actions.create("WASH-01", ActionData("R", alert_uuid=alert_uuid)).source is ActionSource.ALERT
    assert (
        actions.create("WASH-01", ActionData("L", lesson_uuid=lesson_uuid)).source_text
        == "Pumps need spare parts"
    )
    with pytest.raises(ValidationError, match="one decision, alert or lesson"):
        actions.create("WASH-01", ActionData("Two", alert_uuid=alert_uuid, lesson_uuid=lesson_uuid))
    with pytest.raises(NotFoundError, match="no such decision"):
        actions.create("EDU-02", ActionData("Elsewhere", decision_uuid=decision_uuid))
    listed = actions.list(ActionFilter(source_uuid=decision_uuid))
    assert [a.code for a in listed] == ["A-1"]


def test_update_records_each_changed_field(db: Database, actions: ActionService) -> None:
    created = actions.create("WASH-01", ActionData("Fix pumps", owner="Joseph"))
    changed = actions.update(
        created.uuid,
        ActionData("Fix all pumps", owner="Joseph", due=date(2025, 12, 1), indicator_codes=("1.1",)),
    )
    assert changed.title == "Fix all pumps" and changed.indicator_codes == ("1.1",)
    entries = HistoryService(db.sessions).for_entity(created.uuid)
    fields = [e.field for e in entries]
    assert fields[0] == "created" and "owner" in fields
    assert {"title", "due", "indicators"} <= set(fields[fields.index("owner") + 1 :])
    title = next(e for e in entries if e.field == "title")
    assert (title.old, title.new, title.label) == ("Fix pumps", "Fix all pumps", "A-1")


def test_progress_updates_close_and_reopen(db: Database, actions: ActionService) -> None:
    created = actions.create("WASH-01", ActionData("Fix pumps", due=date(2025, 9, 30)))
    moved = actions.add_update(created.uuid, "Parts ordered", ActionStatus.IN_PROGRESS, on=date(2025, 9, 1))
    assert moved.status is ActionStatus.IN_PROGRESS
    assert moved.latest_update is not None and moved.latest_update.note == "Parts ordered"
    with pytest.raises(ValidationError, match="needs a note"):
        actions.add_update(created.uuid, "  ")
    with pytest.raises(ValidationError, match="say what was done"):
        actions.close(created.uuid, "done", " ")
    with pytest.raises(ValidationError, match="done or dropped"):
        actions.close(created.uuid, "open", "x")
    closed = actions.close(created.uuid, ActionStatus.DONE, "Four pumps repaired", on=date(2025, 9, 28))
    assert closed.status is ActionStatus.DONE and closed.closing_note == "Four pumps repaired"
    assert closed.closed_on_time is True
    assert [u.status for u in closed.updates] == [ActionStatus.IN_PROGRESS, ActionStatus.DONE]
    with pytest.raises(ValidationError, match="reopen it"):
        actions.add_update(created.uuid, "more", ActionStatus.IN_PROGRESS)
    noted = actions.add_update(created.uuid, "Checked again in October")  # a note is still welcome
    assert noted.status is ActionStatus.DONE
    reopened = actions.reopen(created.uuid, "Two pumps broke again")
    assert reopened.status is ActionStatus.OPEN and reopened.closed_at is None
    assert reopened.updates[-1].note == "Reopened: Two pumps broke again"
    with pytest.raises(ValidationError, match="not closed"):
        actions.reopen(created.uuid)
    late = actions.close(created.uuid, "done", "All fixed", on=date(2025, 10, 20))
    assert late.closed_on_time is False
    status_changes = [e for e in HistoryService(db.sessions).for_entity(created.uuid) if e.field == "status"]
    assert [(e.old, e.new) for e in status_changes] == [
        ("open", "in_progress"),
        ("in_progress", "done"),
        ("done", "open"),
        ("open", "done"),
    ]


def test_update_cannot_be_dated_in_the_future(actions: ActionService) -> None:
    created = actions.create("WASH-01", ActionData("Fix pumps"))
    with pytest.raises(ValidationError, match="after today"):
        actions.add_update(created.uuid, "soon", on=date(2999, 1, 1))


def test_the_database_refuses_a_closed_action_without_a_note(db: Database, actions: ActionService) -> None:
    created = actions.create("WASH-01", ActionData("Fix pumps"))
    with pytest.raises(IntegrityError), db.sessions.begin() as session:
        session.execute(update(ActionItemRow).where(ActionItemRow.uuid == created.uuid).values(status="done"))


def test_list_filters(actions: ActionService) -> None:
    as_of = date(2025, 10, 1)
    late = actions.create("WASH-01", ActionData("Late", owner_person_code="amina", due=date(2025, 9, 1)))
    soon = actions.create("WASH-01", ActionData("Soon", owner="Joseph", due=date(2025, 10, 10)))
    done = actions.create("WASH-01", ActionData("Done", owner="Joseph", due=date(2025, 8, 1)))
    actions.close(done.uuid, "done", "ok", on=date(2025, 7, 30))
    elsewhere = actions.create("EDU-02", ActionData("Books", owner="joseph", indicator_codes=("1.1",)))
    assert [a.title for a in actions.list()] == ["Books", "Done", "Late", "Soon"]
    assert [a.uuid for a in actions.list(ActionFilter(overdue_as_of=as_of))] == [late.uuid]
    assert [a.uuid for a in actions.list(ActionFilter(owner="JOSEPH", open_only=True))] == [
        elsewhere.uuid,
        soon.uuid,
    ]
    assert [a.uuid for a in actions.list(ActionFilter(owner="amina"))] == [late.uuid]
    by_status = actions.list(ActionFilter(statuses=frozenset({ActionStatus.DONE})))
    assert [a.uuid for a in by_status] == [done.uuid]
    assert [a.uuid for a in actions.list(ActionFilter(programme_code="EDU-02"))] == [elsewhere.uuid]
    assert [a.uuid for a in actions.list(ActionFilter(programme_code="EDU-02", indicator_code="1.1"))] == [
        elsewhere.uuid
    ]
    assert [a.uuid for a in actions.list(ActionFilter(due_by=date(2025, 9, 15)))] == [done.uuid, late.uuid]
    assert actions.list(ActionFilter(source=ActionSource.DECISION)) == []
    assert late.is_overdue(as_of) and not soon.is_overdue(as_of) and soon.is_due_within(as_of, 14)
    assert actions.owners() == ["Amina Yusuf", "Joseph"]
    assert actions.owners("EDU-02") == ["joseph"]
    assert actions.programme_codes() == ["EDU-02", "WASH-01"]


def test_get_unknown_action(actions: ActionService) -> None:
    with pytest.raises(NotFoundError, match="no longer exists"):
        actions.get("not-a-uuid")


def test_indicators_by_sort_order_and_select(db: Database, actions: ActionService) -> None:
    created = actions.create("WASH-01", ActionData("X", indicator_codes=("3.1", "1.1")))
    with db.sessions() as session:
        assert session.scalar(select(ActionItemRow.code).where(ActionItemRow.uuid == created.uuid)) == "A-1"
    assert set(created.indicator_codes) == {"1.1", "3.1"}

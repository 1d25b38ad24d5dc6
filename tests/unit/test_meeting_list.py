# SPDX-License-Identifier: GPL-3.0-or-later
"""MeetingService.list_meetings counts each meeting's agenda items and decisions with two queries
for the whole list, and get reads its agenda's indicator codes at once (the Meetings screen reads
both as it opens): the same answers as one query an item gave."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pmdesk.services.actor import Actor
from pmdesk.services.demo import DEMO_CODE, DemoService
from pmdesk.services.meetings import MeetingService
from pmdesk.storage.database import open_database


def test_the_list_counts_each_meetings_items_and_decisions(tmp_path: Path) -> None:
    db = open_database(tmp_path / "demo.sqlite", actor="tester")
    try:
        actor = Actor(db.actor, db.device_uuid)
        DemoService(db.sessions, actor, db.path).create_demo(today=date(2026, 9, 16))
        service = MeetingService(db.sessions, actor)
        listed = service.list_meetings(DEMO_CODE)
        assert len(listed) > 1
        for summary in listed:
            detail = service.get(summary.id)
            assert (summary.item_count, summary.decision_count) == (len(detail.items), len(detail.decisions))
        assert any(s.decision_count for s in listed) and any(s.item_count for s in listed)
        # Each agenda item about an indicator names it (read for the whole agenda at once).
        items = [i for s in listed for i in service.get(s.id).items if i.indicator_id is not None]
        assert items and all(i.indicator_code for i in items)
    finally:
        db.close()

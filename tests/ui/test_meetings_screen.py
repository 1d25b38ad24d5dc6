# SPDX-License-Identifier: GPL-3.0-or-later
"""The Meetings screen: its models, the agenda edited before the meeting, amendments."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.services.meetings import MeetingData
from pmdesk.ui.context import UiContext
from pmdesk.ui.meetings import meetings_screen
from pmdesk.ui.meetings.meeting_table_model import (
    COL_DATE,
    COL_ITEMS,
    COL_KIND,
    COL_STATUS,
    COL_TITLE,
    AgendaListModel,
    MeetingTableModel,
)
from pmdesk.ui.meetings.meetings_screen import MeetingsScreen
from pmdesk.ui.signals import Navigation
from tests.ui.programme_factory import Built

HELD = date(2025, 7, 10)


def make_screen(qtbot: QtBot, context: UiContext, code: str) -> MeetingsScreen:
    screen = MeetingsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1024, 600)
    screen.set_programme(code)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen)
    return screen


def test_the_models_show_meetings_and_agenda(context: UiContext, small: Built) -> None:
    meetings = context.services.meetings
    meetings.create(small.code, MeetingData("review", "Q2 review", HELD, facilitator="Amina"))
    meetings.create(small.code, MeetingData("feedback", "Community session", date(2025, 5, 2)))
    model = MeetingTableModel()
    model.set_rows(meetings.list_meetings(small.code))
    assert model.rowCount() == 2 and model.columnCount() == 7
    assert model.data(model.index(0, COL_DATE)) == "10 Jul 2025"
    assert model.data(model.index(0, COL_TITLE)) == "Q2 review"
    assert model.data(model.index(1, COL_KIND)) == "Feedback"
    assert model.data(model.index(1, COL_KIND), Qt.ItemDataRole.ToolTipRole) == "Stakeholder feedback session"
    assert model.data(model.index(0, COL_STATUS)) == "Draft"
    assert model.data(model.index(0, COL_ITEMS)) == "3"
    assert model.rowCount(model.index(0, 0)) == 0 and model.data(QModelIndex()) is None
    agenda = AgendaListModel()
    agenda.set_items(meetings.get(model.meeting(0).id).items)  # type: ignore[union-attr]
    assert agenda.data(agenda.index(0)) == (
        "1. [Indicator] 2.1 Water points built\n      Off track: 15 % of target as of 2025 Q2 (partly reported)"
    )


def test_the_agenda_is_reordered_trimmed_and_added_to_by_keyboard(
    qtbot: QtBot, context: UiContext, small: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    meetings = context.services.meetings
    meeting = meetings.create(small.code, MeetingData("review", "Q2 review", HELD)).meeting.id
    screen = make_screen(qtbot, context, small.code)
    assert screen.detail is not None and screen.detail.meeting.id == meeting
    first, second, third = (i.title for i in screen.detail.items)
    monkeypatch.setattr(meetings_screen, "ask_item_title", lambda _parent: "Budget for Q3")
    screen.add_item_button.click()
    assert [i.title for i in meetings.get(meeting).items] == [first, second, third, "Budget for Q3"]
    assert screen.agenda.currentIndex().row() == 3
    assert screen.agenda.hasFocus()
    QTest.keyClick(screen.agenda, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [i.title for i in meetings.get(meeting).items] == [first, second, "Budget for Q3", third]
    assert screen.agenda.currentIndex().row() == 2
    screen.agenda.setCurrentIndex(screen.agenda_model.index(0))
    QTest.keyClick(screen.agenda, Qt.Key.Key_Delete)
    assert [i.title for i in meetings.get(meeting).items] == [second, "Budget for Q3", third]
    assert screen.model.data(screen.model.index(0, COL_ITEMS)) == "3"


def test_final_minutes_are_locked_and_amended(
    qtbot: QtBot, context: UiContext, small: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    meetings = context.services.meetings
    meeting = meetings.create(small.code, MeetingData("review", "Q2 review", HELD)).meeting.id
    meetings.finalise(meeting)
    screen = make_screen(qtbot, context, small.code)
    assert not screen.edit_button.isEnabled() and not screen.add_item_button.isEnabled()
    assert screen.amend_button.isEnabled() and screen.live_button.text() == "Open &live minutes (final)"
    assert "final: locked" in screen.agenda_group.title()
    monkeypatch.setattr(meetings_screen, "ask_amendment", lambda _parent, _title: "The date was 11 July")
    screen.amend_button.click()
    assert meetings.get(meeting).amendments[0].text == "The date was 11 July"
    assert screen.amendments.isVisible() and "The date was 11 July" in screen.amendments.text()
    assert "Amended</b> by tester" in screen.amendments.text()


def test_without_a_programme_the_screen_says_so(qtbot: QtBot, context: UiContext) -> None:
    screen = make_screen(qtbot, context, "")
    screen.set_programme(None)
    assert "Choose a programme" in screen.message.text() and not screen.new_button.isEnabled()


def test_meetings_screenshot_at_1024x600(
    qtbot: QtBot, context: UiContext, small: Built, tmp_path: Path
) -> None:
    meetings = context.services.meetings
    meetings.create(
        small.code, MeetingData("learning", "After-action review: pump repairs", date(2025, 5, 2))
    )
    meetings.create(small.code, MeetingData("review", "Q2 2025 quarterly review", HELD, "Zinder", "Amina"))
    screen = make_screen(qtbot, context, small.code)
    qtbot.waitExposed(screen)
    assert screen.agenda_model.rowCount() == 3
    assert screen.agenda.visualRect(screen.agenda_model.index(2)).bottom() < screen.agenda.viewport().height()
    folder = Path(os.environ.get("PMDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert screen.grab().save(str(folder / "meetings-1024x600.png"))


def test_navigation_names_one_meeting(qtbot: QtBot, context: UiContext, small: Built) -> None:
    meetings = context.services.meetings
    older = meetings.create(small.code, MeetingData("learning", "Pump repairs", date(2025, 5, 2)))
    meetings.create(small.code, MeetingData("review", "Q2 review", HELD))
    screen = make_screen(qtbot, context, small.code)
    assert screen.detail is not None and screen.detail.meeting.title == "Q2 review"
    screen.navigate(Navigation("meetings", small.code, record_uuid=older.meeting.uuid))
    assert screen.detail.meeting.title == "Pump repairs"
    assert screen.table.currentIndex().row() == 1

# SPDX-License-Identifier: GPL-3.0-or-later
"""Live minutes: a whole review meeting run by keyboard, large type, saving as you type."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.actions import ActionStatus
from pmdesk.domain.errors import DatabaseBusyError
from pmdesk.services.actions import ActionFilter
from pmdesk.services.meetings import MeetingData
from pmdesk.ui.actions.action_dialogs import CloseDialog
from pmdesk.ui.actions.actions_screen import ActionsScreen
from pmdesk.ui.actions.scorecards_screen import ScorecardsScreen
from pmdesk.ui.actions.trace_dialog import Place, TraceDialog
from pmdesk.ui.context import UiContext
from pmdesk.ui.meetings import live_minutes
from pmdesk.ui.meetings.live_minutes import BODY_PT, LiveMinutesWindow
from pmdesk.ui.meetings.meetings_screen import MeetingsScreen
from tests.ui.programme_factory import Built


def shots_dir(tmp_path: Path) -> Path:
    """Where screenshots go: PMDESK_SCREENSHOTS (to look at them) or the test's folder."""
    folder = Path(os.environ.get("PMDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def keys(text: str) -> None:
    QTest.keyClicks(focused(), text)


def key(code: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), code, modifiers)


CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def activate(qtbot: QtBot, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def settle(qtbot: QtBot, window: LiveMinutesWindow) -> None:
    """Everything typed handed to the writer and written; its signals delivered."""
    window.saver.submit_all()
    assert window.writer.flush(10)
    qtbot.wait(50)


@pytest.fixture
def windows() -> Iterator[list[LiveMinutesWindow]]:
    """Live windows a test opens (they delete themselves once closed); any left open is closed."""
    opened: list[LiveMinutesWindow] = []
    yield opened
    for window in opened:
        if shiboken6.isValid(window) and window.isVisible():
            window.close()


def open_live(
    qtbot: QtBot, context: UiContext, meeting: int, opened: list[LiveMinutesWindow]
) -> LiveMinutesWindow:
    window = LiveMinutesWindow(context, meeting)
    opened.append(window)
    window.resize(1280, 720)
    window.show()
    activate(qtbot, window)
    return window


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext, small: Built) -> Iterator[MeetingsScreen]:
    context.services.sites.save_person(small.code, "AMI", "Amina Diallo")
    widget = MeetingsScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
    widget.set_programme(small.code)
    widget.show()
    yield widget
    if widget.live is not None:
        widget.live.close()


def test_a_review_meeting_run_by_keyboard(
    qtbot: QtBot, screen: MeetingsScreen, context: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def confirm(_parent: QWidget, title: str) -> bool:
        asked.append(title)
        return True

    monkeypatch.setattr(live_minutes, "confirm_finalise", confirm)
    # The meeting: New meeting… then typed.
    screen.new_button.click()
    dialog = screen.dialog
    assert dialog is not None
    activate(qtbot, dialog)
    dialog.title_edit.setFocus()
    keys("Q2 2025 quarterly review")
    dialog.attendee_box.setFocus()
    keys("Amina Diallo")
    key(Qt.Key.Key_Return)
    keys("Ousmane Sall")
    key(Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.attendee_names == ["Amina Diallo", "Ousmane Sall"]
    dialog.title_edit.setFocus()
    key(Qt.Key.Key_Return)  # OK
    qtbot.waitUntil(lambda: screen.dialog is None)
    detail = screen.detail
    assert detail is not None and detail.meeting.title == "Q2 2025 quarterly review"
    assert detail.items[0].title == "2.1 Water points built"
    # Enter on the list opens live minutes.
    activate(qtbot, screen)
    screen.table.setFocus()
    key(Qt.Key.Key_Return)
    live = screen.live
    assert live is not None
    qtbot.waitExposed(live)
    activate(qtbot, live)
    qtbot.waitUntil(lambda: focused() is live.current_page().notes)
    assert live.font().pointSizeF() >= 16
    assert "Ctrl+D" in live.hints.text() and "Ctrl+Enter" in live.hints.text()
    qtbot.waitUntil(lambda: "Off track" in live.current_page().evidence.text)
    assert "2,000" in live.current_page().evidence.text  # the target of 2025 Q2

    keys("Drilling delayed by the rains.")
    key(Qt.Key.Key_D, CTRL)
    keys("Hire a second driller")
    key(Qt.Key.Key_A, CTRL | SHIFT)
    action = live.action_dialog
    assert action is not None
    activate(qtbot, action)
    qtbot.waitUntil(lambda: focused() is action.title_edit)
    keys("Sign the driller's contract")
    key(Qt.Key.Key_Tab)
    keys("Amina Diallo")
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: live.action_dialog is None)
    activate(qtbot, live)
    key(Qt.Key.Key_PageDown, CTRL)
    assert live.pages.currentIndex() == 1 and focused() is live.current_page().notes
    keys("Two sites late; the district will chase them.")
    key(Qt.Key.Key_PageDown, CTRL)
    key(Qt.Key.Key_PageDown, CTRL)
    assert live.current_page().item is None  # the general notes come last
    keys("Next review in October.")
    key(Qt.Key.Key_PageUp, CTRL)
    assert live.pages.currentIndex() == 2
    key(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: live.detail.meeting.is_final, timeout=10_000)
    assert asked == ["Q2 2025 quarterly review"]
    assert live.final_banner.isVisible() and live.current_page().notes.isReadOnly()

    meetings = context.services.meetings
    final = meetings.get(live.meeting_id)
    assert final.meeting.is_final
    assert final.items[0].notes == "Drilling delayed by the rains."
    assert final.items[1].notes == "Two sites late; the district will chase them."
    assert final.notes == "Next review in October."
    assert [a.name for a in final.attendees] == ["Amina Diallo", "Ousmane Sall"]
    (decision,) = final.decisions
    assert decision.text == "Hire a second driller" and decision.agenda_item_id == final.items[0].id
    (made,) = meetings.actions.list(ActionFilter(source_uuid=decision.uuid))
    assert made.title == "Sign the driller's contract" and made.owner == "Amina Diallo"
    assert made.owner_person_code == "AMI" and made.indicator_codes == ("2.1",)
    assert made.meeting_title == "Q2 2025 quarterly review"
    # Typing into final minutes changes nothing.
    keys("late words")
    assert live.current_page().notes.toPlainText() == ""
    live.close()
    qtbot.waitUntil(lambda: screen.live is None)
    assert screen.amend_button.isEnabled() and not screen.edit_button.isEnabled()
    follow_the_action_through(qtbot, context, made.uuid, made.programme_code)


def follow_the_action_through(qtbot: QtBot, context: UiContext, uuid: str, code: str) -> None:
    """The action decided in the meeting is closed with a note in the tracker, then found done
    on its owner's scorecard and in its indicator's traceability."""
    tracker = ActionsScreen(context)
    qtbot.addWidget(tracker)
    tracker.show()
    with qtbot.waitSignal(tracker.actions_loaded, timeout=10_000):
        tracker.set_programme(code)
    tracker.table_view.selectRow(tracker.model.row_of(uuid))
    tracker.close_action()
    closing = tracker.active_dialog
    assert isinstance(closing, CloseDialog)
    qtbot.keyClicks(closing.note_edit, "Contract signed; drilling resumed")
    with qtbot.waitSignal(tracker.actions_loaded, timeout=10_000):
        closing.ok_button.click()
    with qtbot.waitSignal(tracker.actions_loaded, timeout=10_000):
        tracker.show_box.setCurrentIndex(tracker.show_box.findData("all"))
    done = tracker.model.action_at(tracker.model.row_of(uuid))
    assert done is not None and done.status is ActionStatus.DONE
    assert done.closing_note == "Contract signed; drilling resumed"

    cards = ScorecardsScreen(context)
    qtbot.addWidget(cards)
    cards.show()
    with qtbot.waitSignal(cards.scorecards_loaded, timeout=10_000):
        cards.set_programme(code)
    people = cards.people_model
    names = [people.index(r, 0).data() for r in range(people.rowCount())]
    cards.people_view.selectRow(names.index("Amina Diallo"))
    lines = [cards.detail_model.index(r).data() for r in range(cards.detail_model.rowCount())]
    assert any("A-1 Sign the driller's contract — Done" in line for line in lines), lines
    assert any("Q2 2025 quarterly review" in line and "1 decision" in line for line in lines), lines

    trace = TraceDialog(context, Place("indicator", "2.1", code))
    qtbot.addWidget(trace)
    qtbot.waitUntil(lambda: not trace.is_busy, timeout=10_000)
    hops = [trace.hops.hop_at(r) for r in range(trace.hops.rowCount())]
    labels = [(h.kind, h.label) for h in hops if h is not None]
    assert any(
        kind == "decision" and label.startswith("Hire a second driller — Q2 2025") for kind, label in labels
    )
    assert any(kind == "action" and "Sign the driller's contract" in label for kind, label in labels)


def test_reopening_offers_what_was_typed(
    qtbot: QtBot, context: UiContext, small: Built, windows: list[LiveMinutesWindow]
) -> None:
    meetings = context.services.meetings
    meeting = meetings.create(small.code, MeetingData("review", "Q2 review", date(2025, 7, 10))).meeting.id
    window = open_live(qtbot, context, meeting, windows)
    assert not window.restored_banner.isVisible()
    window.current_page().notes.setFocus()
    keys("Pumps repaired in S1")
    settle(qtbot, window)
    assert meetings.get(meeting).items[0].notes == "Pumps repaired in S1"
    window.close()
    again = open_live(qtbot, context, meeting, windows)
    assert again.current_page().notes.toPlainText() == "Pumps repaired in S1"
    assert again.restored_banner.isVisible()
    assert again.restored_banner.text().startswith("Restored what was typed until ")
    again.close()


def test_a_long_title_wraps_within_the_projector_width(
    qtbot: QtBot, context: UiContext, small: Built, windows: list[LiveMinutesWindow]
) -> None:
    title = "After-action review: hand pump breakdowns in Lakeside district"
    meeting = context.services.meetings.create(
        small.code, MeetingData("learning", title, date(2025, 7, 10))
    ).meeting.id
    window = open_live(qtbot, context, meeting, windows)
    qtbot.wait(50)
    assert window.width() == 1280 and window.heading.text().startswith(title)
    window.close()


def test_a_failed_save_keeps_the_text_marked_and_retries(
    qtbot: QtBot,
    context: UiContext,
    small: Built,
    monkeypatch: pytest.MonkeyPatch,
    windows: list[LiveMinutesWindow],
) -> None:
    meetings = context.services.meetings
    meeting = meetings.create(small.code, MeetingData("review", "Q2 review", date(2025, 7, 10))).meeting.id
    real = meetings.save_item_notes
    failing = [True]

    def flaky(item_id: int, text: str) -> None:
        if failing:
            raise DatabaseBusyError("Another program is using the database; PMDesk will try again.")
        real(item_id, text)

    monkeypatch.setattr(meetings, "save_item_notes", flaky)
    window = open_live(qtbot, context, meeting, windows)
    window.current_page().notes.setFocus()
    keys("Said while the file was locked")
    window.saver.submit_all()
    qtbot.waitUntil(lambda: window.unsaved_banner.isVisible())
    assert (
        "not saved yet" in window.unsaved_banner.text() and "Another program" in window.unsaved_banner.text()
    )
    assert "background" in window.current_page().notes.styleSheet()
    assert window.current_page().notes.toPlainText() == "Said while the file was locked"
    failing.clear()
    key(Qt.Key.Key_S, CTRL)  # retry now
    qtbot.waitUntil(lambda: not window.unsaved_banner.isVisible())
    assert window.current_page().notes.styleSheet() == ""
    assert meetings.get(meeting).items[0].notes == "Said while the file was locked"
    window.close()


def test_live_minutes_screenshot_at_projector_size(
    qtbot: QtBot, context: UiContext, small: Built, windows: list[LiveMinutesWindow], tmp_path: Path
) -> None:
    meetings = context.services.meetings
    meeting = meetings.create(
        small.code, MeetingData("review", "Q2 2025 quarterly review", date(2025, 7, 10), "Zinder", "Amina")
    ).meeting.id
    window = open_live(qtbot, context, meeting, windows)
    qtbot.waitUntil(lambda: "Off track" in window.current_page().evidence.text)
    activate(qtbot, window)
    window.current_page().notes.setFocus()
    keys("Drilling is delayed by the rains; the contractor expects to finish two weeks late.")
    key(Qt.Key.Key_D, CTRL)
    keys("Hire a second driller before August")
    settle(qtbot, window)
    assert window.current_page().notes.font().pointSizeF() >= BODY_PT
    hints = window.hints
    assert hints.geometry().bottom() <= window.height() and hints.isVisible()
    assert window.grab().save(str(shots_dir(tmp_path) / "live-minutes-1280x720.png"))
    window.close()


def test_the_screen_tells_the_main_window_what_live_minutes_have_not_saved(
    qtbot: QtBot, screen: MeetingsScreen, context: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    meetings = context.services.meetings
    meetings.create(screen.programme_code or "", MeetingData("review", "Q2 review", date(2025, 7, 10)))
    screen.refresh()

    def locked(item_id: int, text: str) -> None:
        raise DatabaseBusyError("Another program is using the database.")

    monkeypatch.setattr(meetings, "save_item_notes", locked)
    monkeypatch.setattr(live_minutes, "CLOSE_WAIT_S", 0.2)
    screen.open_live()
    live = screen.live
    assert live is not None and screen.unsaved_count() == 0
    activate(qtbot, live)
    live.current_page().notes.setFocus()
    keys("Not yet in the file")
    screen.commit_open_editor()
    assert screen.unsaved_count() == 1 and "Another program" in screen.unsaved_reason()
    screen.discard_unsaved()
    assert screen.unsaved_count() == 0

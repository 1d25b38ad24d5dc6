# SPDX-License-Identifier: GPL-3.0-or-later
"""The Lessons & feedback screen: the find box, new and edited records by keyboard, links,
feedback closed only with a response, navigation to one record."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pmdesk.domain.learning import FeedbackStatus
from pmdesk.services.learning import FeedbackData, LessonData, Links
from pmdesk.ui.context import UiContext
from pmdesk.ui.learning.learning_dialogs import FeedbackDialog, LessonDialog
from pmdesk.ui.learning.learning_screen import LearningScreen
from pmdesk.ui.signals import Navigation
from tests.ui.programme_factory import Built


@pytest.fixture
def filled(small: Built, context: UiContext) -> Built:
    learning = context.services.learning
    learning.save_lesson(
        small.code,
        LessonData("Pumps break", "Stock spare parts", tags=("water",), links=Links(("1.1",))),
    )
    learning.save_feedback(small.code, FeedbackData("Parents of S1", "Taps are dry", channel="SMS"))
    return small


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext) -> LearningScreen:
    widget = LearningScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
    widget.show()
    return widget


def load(qtbot: QtBot, screen: LearningScreen, code: str) -> None:
    with qtbot.waitSignal(screen.learning_loaded, timeout=10_000):
        screen.set_programme(code)


def test_lists_and_find_box(qtbot: QtBot, filled: Built, screen: LearningScreen) -> None:
    load(qtbot, screen, filled.code)
    assert screen.lesson_model.rowCount() == 1 and screen.feedback_model.rowCount() == 1
    assert screen.feedback_model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()  # waiting for a response
    with qtbot.waitSignal(screen.learning_loaded, timeout=10_000):
        qtbot.keyClicks(screen.find_edit, "spare")
    assert screen.lesson_model.rowCount() == 1 and screen.feedback_model.rowCount() == 0
    with qtbot.waitSignal(screen.learning_loaded, timeout=10_000):
        screen.find_edit.setText("1.1")  # linked indicator codes are found too
    assert screen.lesson_model.rowCount() == 1
    assert "matching “1.1”" in screen.message_label.text()


def test_new_lesson_by_keyboard(
    qtbot: QtBot, filled: Built, screen: LearningScreen, context: UiContext
) -> None:
    load(qtbot, screen, filled.code)
    screen.new_record()
    dialog = screen.active_dialog
    assert isinstance(dialog, LessonDialog)
    qtbot.keyClicks(dialog.title_edit, "Late reports")
    qtbot.keyClicks(dialog.lesson_edit, "Remind sites a week before")
    qtbot.keyClicks(dialog.tags_edit, "reporting, sites")
    qtbot.keyClicks(dialog.indicators_edit, "1.2")
    with qtbot.waitSignal(screen.learning_loaded, timeout=10_000):
        qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    saved = next(x for x in context.services.learning.lessons(filled.code) if x.title == "Late reports")
    assert saved.tags == ("reporting", "sites") and saved.links.indicator_codes == ("1.2",)
    assert screen.lesson_model.uuid_at(screen.lesson_view.currentIndex().row()) == saved.uuid


def test_feedback_closed_only_with_a_response(
    qtbot: QtBot, filled: Built, screen: LearningScreen, context: UiContext
) -> None:
    load(qtbot, screen, filled.code)
    screen.tabs.setCurrentWidget(screen.feedback_view)
    screen.feedback_view.setFocus()
    screen.feedback_view.selectRow(0)
    qtbot.keyClick(screen.feedback_view, Qt.Key.Key_Return)
    dialog = screen.active_dialog
    assert isinstance(dialog, FeedbackDialog)
    dialog.status_box.setCurrentIndex(dialog.status_box.findData("closed"))
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "only with a response" in dialog.error_label.text()
    qtbot.keyClicks(dialog.response_edit, "Pumps repaired; told the parents' committee")
    with qtbot.waitSignal(screen.learning_loaded, timeout=10_000):
        dialog.buttons.accepted.emit()
    (item,) = context.services.learning.feedback(filled.code)
    assert item.status is FeedbackStatus.CLOSED and item.closed_on == date.today()


def test_navigate_to_a_record(
    qtbot: QtBot, filled: Built, screen: LearningScreen, context: UiContext
) -> None:
    load(qtbot, screen, filled.code)
    (item,) = context.services.learning.feedback(filled.code)
    screen.find_edit.blockSignals(True)
    screen.find_edit.setText("nothing matches this")
    screen.find_edit.blockSignals(False)
    with qtbot.waitSignal(screen.learning_loaded, timeout=10_000):
        screen.navigate(Navigation("learning", filled.code, record_uuid=item.uuid))
    assert screen.showing_feedback and screen.find_edit.text() == ""
    assert screen.feedback_model.uuid_at(screen.feedback_view.currentIndex().row()) == item.uuid


def test_screenshot_at_1024x600(qtbot: QtBot, filled: Built, screen: LearningScreen, tmp_path: Path) -> None:
    load(qtbot, screen, filled.code)
    # PMDESK_SCREENSHOTS to look at it (docs/screenshots for the README's); else the test's folder.
    shots = Path(os.environ.get("PMDESK_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    assert screen.grab().save(str(shots / "22-lessons-feedback.png"))


def test_an_action_from_a_lesson_and_from_feedback(
    qtbot: QtBot, filled: Built, screen: LearningScreen, context: UiContext
) -> None:
    from pmdesk.domain.actions import ActionSource
    from pmdesk.ui.actions.action_dialogs import ActionDialog

    load(qtbot, screen, filled.code)
    screen.lesson_view.selectRow(0)
    screen.action_from_record()
    dialog = screen.active_dialog
    assert isinstance(dialog, ActionDialog)
    assert dialog.source_label.text() == "Lesson: Pumps break" and dialog.indicators_edit.text() == "1.1"
    qtbot.keyClicks(dialog.title_edit, "Buy spare parts")
    with qtbot.waitSignal(screen.learning_loaded, timeout=10_000):
        dialog.buttons.accepted.emit()
    (action,) = context.services.actions.list()
    assert action.source is ActionSource.LESSON and action.source_text == "Pumps break"
    assert action.indicator_codes == ("1.1",)

    screen.tabs.setCurrentWidget(screen.feedback_view)
    screen.feedback_view.selectRow(0)
    screen.action_from_record()
    answer = screen.active_dialog
    assert isinstance(answer, ActionDialog)
    qtbot.keyClicks(answer.title_edit, "Check the taps at S1")
    with qtbot.waitSignal(screen.learning_loaded, timeout=10_000):
        answer.buttons.accepted.emit()
    (item,) = context.services.learning.feedback(filled.code)
    assert item.links.action_codes == ("A-2",)

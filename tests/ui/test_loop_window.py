# SPDX-License-Identifier: GPL-3.0-or-later
"""The action tracker, scorecards and lessons in the main window at 1024×600: reached from the
sidebar and by navigation to one action; screenshots of the window and of the traceability dialog."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.services.actions import ActionData
from pmdesk.storage.database import Database
from pmdesk.ui.actions.actions_screen import ActionsScreen
from pmdesk.ui.actions.scorecards_screen import ScorecardsScreen
from pmdesk.ui.actions.trace_dialog import TraceDialog
from pmdesk.ui.context import Services
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals, Navigation
from pmdesk.ui.workers import Workers
from tests.ui.programme_factory import Built
from tests.unit import loop_builders


def shots_dir(tmp_path: Path) -> Path:
    """Where screenshots go: PMDESK_SCREENSHOTS (to look at them, or docs/screenshots to update
    the README's) or the test's folder, so that a test run changes no tracked file."""
    folder = Path(os.environ.get("PMDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def window(
    qtbot: QtBot,
    db: Database,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
    services: Services,
    small: Built,
) -> MainWindow:
    services.sites.save_person(
        small.code, "amina", "Amina Yusuf", organisation="Water Trust", role="M&E officer"
    )
    services.sites.save_person(small.code, "joseph", "Joseph Otieno", organisation="District office")
    _, decision = loop_builders.meeting_with_decision(
        db, small.code, held_on=date(2025, 4, 10), attendees=("Amina Yusuf", "Joseph Otieno")
    )
    services.actions.create(
        small.code,
        ActionData(
            "Repair the broken hand pumps at both schools before the dry season",
            owner_person_code="joseph",
            due=date(2025, 9, 1),
            priority="high",
            decision_uuid=decision,
            indicator_codes=("1.1", "1.2"),
        ),
    )
    services.actions.create(small.code, ActionData("Train pump caretakers", owner_person_code="amina"))
    main = MainWindow(db.path, workers, signals, settings, log_path=Path("pmdesk.log"))
    qtbot.addWidget(main)
    main.resize(1024, 600)
    main.show()
    main.attach(services)
    qtbot.waitUntil(lambda: main.programme_model.rowCount() == 1, timeout=10_000)
    return main


def test_navigation_to_an_action_and_screenshots(
    qtbot: QtBot, window: MainWindow, services: Services, tmp_path: Path
) -> None:
    action = next(a for a in services.actions.list() if a.owner == "Joseph Otieno")
    screen = window.screen_named("actions")
    assert isinstance(screen, ActionsScreen)
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        window._signals.navigate(Navigation("actions", action.programme_code, record_uuid=action.uuid))
    assert window.current_screen() is screen
    qtbot.waitUntil(lambda: not screen.is_busy, timeout=10_000)
    assert screen.selected_action() is not None and screen.selected_action().uuid == action.uuid  # type: ignore[union-attr]
    QApplication.processEvents()
    assert window.grab().save(str(shots_dir(tmp_path) / "20-actions-window.png"))
    screen.open_trace()
    dialog = screen.active_dialog
    assert isinstance(dialog, TraceDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=10_000)
    QApplication.processEvents()
    assert dialog.grab().save(str(shots_dir(tmp_path) / "23-traceability.png"))
    dialog.reject()

    cards = window.screen_named("scorecards")
    assert isinstance(cards, ScorecardsScreen)
    with qtbot.waitSignal(cards.scorecards_loaded, timeout=10_000):
        window.show_screen("scorecards")
    cards.people_view.selectRow(1)
    QApplication.processEvents()
    assert window.grab().save(str(shots_dir(tmp_path) / "21-scorecards-window.png"))


def test_close_by_keyboard_then_find_it_in_the_scorecard_and_the_indicator_trace(
    qtbot: QtBot, window: MainWindow, services: Services
) -> None:
    from PySide6.QtCore import Qt

    from pmdesk.ui.actions.action_dialogs import CloseDialog

    action = next(a for a in services.actions.list() if a.owner == "Joseph Otieno")
    screen = window.screen_named("actions")
    assert isinstance(screen, ActionsScreen)
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        window._signals.navigate(Navigation("actions", action.programme_code, record_uuid=action.uuid))
    qtbot.waitUntil(lambda: not screen.is_busy, timeout=10_000)
    assert screen.selected_action() is not None and screen.selected_action().uuid == action.uuid  # type: ignore[union-attr]
    qtbot.keyClick(screen.close_button, Qt.Key.Key_Space)  # the button, reached by Tab or Alt+C
    closing = screen.active_dialog
    assert isinstance(closing, CloseDialog)
    qtbot.keyClicks(closing.note_edit, "Both pumps repaired")
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        qtbot.keyClick(closing.ok_button, Qt.Key.Key_Space)
    assert services.actions.get(action.uuid).closing_note == "Both pumps repaired"

    cards = window.screen_named("scorecards")
    assert isinstance(cards, ScorecardsScreen)
    with qtbot.waitSignal(cards.scorecards_loaded, timeout=10_000):
        window.show_screen("scorecards")
    joseph = cards.people_model.card_at(1)  # People by name: Amina Yusuf, Joseph Otieno
    assert joseph is not None and joseph.person_code == "joseph"
    assert (joseph.counts.done_late, joseph.counts.open, joseph.counts.overdue) == (1, 0, 0)

    window.show_screen("actions")
    screen.navigate(Navigation("actions", action.programme_code, indicator_code="1.1"))
    trace = screen.active_dialog
    assert isinstance(trace, TraceDialog)
    qtbot.waitUntil(lambda: not trace.is_busy, timeout=10_000)
    labels = [trace.hops.index(r).data() for r in range(trace.hops.rowCount())]
    assert any("Repair the broken hand pumps" in text and "(Done)" in text for text in labels)
    trace.reject()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Every screen within reach of the keyboard: Ctrl+1 … Ctrl+9, and View ▸ Go to screen… (Ctrl+K)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.storage.database import Database
from pmdesk.ui.context import Services
from pmdesk.ui.go_to_screen import GoToScreenPopup, ScreenEntry, matching
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.workers import Workers
from tests.ui.programme_factory import Built

CTRL = Qt.KeyboardModifier.ControlModifier
ENTRIES = [
    ScreenEntry("programmes", "Programmes", "Ctrl+1"),
    ScreenEntry("framework", "Framework & indicators", "Ctrl+2"),
    ScreenEntry("sites", "Sites & people", "Ctrl+3"),
    ScreenEntry("targets", "Targets", "Ctrl+4"),
    ScreenEntry("entry", "Data entry", "Ctrl+5"),
    ScreenEntry("alerts", "Triggers & alerts", "Ctrl+9"),
    ScreenEntry("learning", "Lessons & feedback"),
    ScreenEntry("meetings", "Meetings"),
]


def names(found: list[ScreenEntry]) -> list[str]:
    return [entry.name for entry in found]


def test_a_title_that_starts_with_the_text_comes_before_one_that_holds_it() -> None:
    assert names(matching(ENTRIES, "")) == names(ENTRIES)
    assert names(matching(ENTRIES, "  MEET ")) == ["meetings"]
    assert names(matching(ENTRIES, "ind")) == ["framework"]  # a word of the title
    assert names(matching(ENTRIES, "t")) == ["targets", "alerts", "framework", "sites", "entry", "meetings"]
    assert names(matching(ENTRIES, "alert")) == ["alerts"]
    assert names(matching(ENTRIES, "lsn")) == ["learning"]  # its letters in order
    assert names(matching(ENTRIES, "sites & p")) == ["sites"]
    assert matching(ENTRIES, "zebra") == []


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
    window = MainWindow(db.path, workers, signals, settings, log_path=Path("pmdesk.log"))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.attach(services)
    qtbot.waitUntil(lambda: window.programme_model.rowCount() == 1, timeout=10_000)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def open_switcher(qtbot: QtBot, window: MainWindow) -> GoToScreenPopup:
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    popup = window.go_to_popup
    assert popup is not None
    qtbot.waitUntil(popup.isVisible)
    return popup


def test_ctrl_k_then_part_of_a_name_and_enter_opens_that_screen_with_the_focus_in_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    popup = open_switcher(qtbot, window)
    assert popup.edit.hasFocus()
    assert popup.shown_titles() == [s.title for s in window.screens]  # all 14, in sidebar order
    assert popup.highlighted() == "iptt"  # the screen on view, until something is typed
    qtbot.keyClicks(popup.edit, "meet")
    assert popup.shown_titles() == ["Meetings"]
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    assert not popup.isVisible()
    meetings = window.screen_named("meetings")
    assert window.current_screen() is meetings
    assert meetings is not None
    qtbot.waitUntil(lambda: meetings.isAncestorOf(QApplication.focusWidget()))


def test_every_screen_is_reached_from_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    for number, screen in enumerate(window.screens, start=1):
        if number <= 9:
            qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + number), CTRL)
        else:
            popup = open_switcher(qtbot, window)
            qtbot.keyClicks(popup.edit, screen.title)
            qtbot.keyClick(popup.edit, Qt.Key.Key_Enter)
        assert window.current_screen() is screen, screen.title
        qtbot.waitUntil(lambda s=screen: s.isAncestorOf(QApplication.focusWidget()))


def test_arrows_choose_escape_closes_and_nothing_matching_opens_nothing(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.show_screen("framework")
    popup = open_switcher(qtbot, window)
    qtbot.keyClick(popup.edit, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert window.current_screen() is window.screen_named("framework")

    popup = open_switcher(qtbot, window)
    qtbot.keyClicks(popup.edit, "s")  # Sites & people, Scorecards, then titles holding an s
    assert popup.shown_titles()[:2] == ["Sites & people", "Scorecards"]
    qtbot.keyClick(popup.edit, Qt.Key.Key_Down)
    assert popup.highlighted() == "scorecards"
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    assert window.current_screen() is window.screen_named("scorecards")

    popup = open_switcher(qtbot, window)
    qtbot.keyClicks(popup.edit, "zebra")
    assert popup.shown_titles() == []
    assert popup.none_label.isVisible()
    qtbot.keyClick(popup.edit, Qt.Key.Key_Return)
    assert popup.isVisible()  # nothing to open: it stays for another try
    assert window.current_screen() is window.screen_named("scorecards")
    qtbot.keyClick(popup.edit, Qt.Key.Key_Escape)


def test_ctrl_k_works_while_a_text_field_has_the_focus(qtbot: QtBot, window: MainWindow) -> None:
    window.show_find_bar()
    assert window.find_bar.edit.hasFocus()
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_K, CTRL)
    popup = window.go_to_popup
    assert popup is not None and popup.isVisible()
    qtbot.keyClick(popup.edit, Qt.Key.Key_Escape)


def test_the_view_menu_lists_every_screen_with_its_keys_and_no_key_is_taken_twice(window: MainWindow) -> None:
    menu = window.menus.view_menu
    titled = [a for a in menu.actions() if not a.isSeparator()]
    assert window.menus.go_to_screen_action in titled
    assert window.menus.go_to_screen_action.shortcut() == QKeySequence("Ctrl+K")
    screens = window.menus.screen_actions
    assert [a.iconText() for a in screens] == [s.title for s in window.screens]
    assert all(a in titled for a in screens)
    assert [a.shortcut().toString() for a in screens[:9]] == [f"Ctrl+{n}" for n in range(1, 10)]
    # Every shortcut of the menu bar, once: a clash makes Qt run neither action.
    keys = [
        key
        for bar_menu in window.menuBar().actions()
        if bar_menu.menu() is not None
        for action in bar_menu.menu().actions()  # type: ignore[union-attr]
        for key in {k.toString() for k in action.shortcuts()}  # Redo lists Ctrl+Y twice on Linux
    ]
    assert "Ctrl+K" in keys and "Ctrl+G" not in keys  # Ctrl+G is Find next in text fields
    assert sorted(keys) == sorted(set(keys))

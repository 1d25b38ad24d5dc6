# SPDX-License-Identifier: GPL-3.0-or-later
"""The screens built one a turn of the event loop as the app opens a database (issue #11 §2)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from pmdesk.storage.database import Database
from pmdesk.ui.context import Services
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.screen_list import screen_kinds
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.workers import Workers
from tests.ui.programme_factory import Built

SIDEBAR = [kind.title for kind in screen_kinds()]


def gradual_window(
    qtbot: QtBot, db: Database, workers: Workers, signals: AppSignals, settings: QSettings
) -> MainWindow:
    window = MainWindow(db.path, workers, signals, settings, log_path=Path("pmdesk.log"))
    qtbot.addWidget(window)
    window.gradual_screens = True
    window.show()
    return window


def test_the_screens_come_one_a_turn_in_sidebar_order_and_the_last_viewed_is_shown_once_all_are(
    qtbot: QtBot,
    db: Database,
    small: Built,
    services: Services,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
) -> None:
    settings.setValue("view/screen", "targets")
    window = gradual_window(qtbot, db, workers, signals, settings)
    counts: list[int] = []
    window.stack.currentChanged.connect(lambda _i: counts.append(len(window.screens)))
    with qtbot.waitSignal(window.screens_built, timeout=20_000):
        window.attach(services)
        # Nothing built yet: attach holds the UI thread for none of them.
        assert window.screens == []
    assert [s.title for s in window.screens] == SIDEBAR
    assert [window.nav.item(row).text() for row in range(window.nav.count())] == SIDEBAR
    assert [a.text().replace("&&", "&") for a in window.menus.screen_actions] == SIDEBAR
    assert window.menus.screen_actions[3].shortcut().toString() == "Ctrl+4"  # Targets, in its place
    current = window.current_screen()
    assert current is not None and current.name == "targets"
    # The screen first seen was shown only once every screen was in the window.
    assert counts and counts[0] == len(SIDEBAR)
    assert window.iptt_screen is not None
    qtbot.waitUntil(lambda: window.iptt_screen is not None and not window.iptt_screen.is_busy, timeout=10_000)


def test_asking_for_a_screen_not_built_yet_builds_the_rest_at_once(
    qtbot: QtBot,
    db: Database,
    small: Built,
    services: Services,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
) -> None:
    window = gradual_window(qtbot, db, workers, signals, settings)
    window.attach(services)
    window.show_screen("meetings")  # before any turn of the event loop
    assert len(window.screens) == len(SIDEBAR)
    current = window.current_screen()
    assert current is not None and current.name == "meetings"
    # The build's end does not take the user's choice away.
    qtbot.wait(50)
    current = window.current_screen()
    assert current is not None and current.name == "meetings"
    # Every screen built later was given the programme chosen.
    qtbot.waitUntil(lambda: window.current_programme_code() == small.code, timeout=10_000)
    assert all(s.programme_code == small.code for s in window.screens)

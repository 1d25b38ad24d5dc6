# SPDX-License-Identifier: GPL-3.0-or-later
"""The field officer's keyboard (issue #7 §2): Ctrl+5 lands in the grid, a quarter is entered with
digits, Enter and Tab only, the cursor keeps rows of context below it, Ctrl+7 lands in the IPTT."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.storage.database import Database
from pmdesk.ui.context import Services
from pmdesk.ui.entry.data_entry_screen import DataEntryScreen
from pmdesk.ui.entry.entry_cells import COL_DENOMINATOR, COL_NUMERATOR, COL_VALUE
from pmdesk.ui.entry.entry_table_view import CONTEXT_ROWS
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.workers import Workers
from tests.ui.conftest import make_services
from tests.ui.entry_waiting import wait_for_grid
from tests.unit.builders import small_programme

CTRL = Qt.KeyboardModifier.ControlModifier
DIGITS = {getattr(Qt.Key, f"Key_{d}") for d in range(10)}
ENTER_TAB = {Qt.Key.Key_Return, Qt.Key.Key_Tab}


class Keyboard:
    """Presses keys on whatever has the focus, as a user does, and counts them."""

    def __init__(self) -> None:
        self.pressed: list[Qt.Key] = []

    def press(self, key: Qt.Key) -> None:
        self.pressed.append(key)
        QTest.keyClick(focused(), key)

    def type(self, digits: str, end: Qt.Key = Qt.Key.Key_Return) -> None:
        for digit in digits:
            self.press(getattr(Qt.Key, f"Key_{digit}"))
        self.press(end)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


@pytest.fixture
def window(
    qtbot: QtBot, db: Database, workers: Workers, signals: AppSignals, settings: QSettings
) -> MainWindow:
    small_programme(db)
    services: Services = make_services(db)
    main = MainWindow(db.path, workers, signals, settings, log_path=Path("pmdesk.log"))
    qtbot.addWidget(main)
    main.resize(1024, 600)  # the small laptop of the issue
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    main.attach(services)
    qtbot.waitUntil(lambda: main.current_programme_code() == "WASH-01", timeout=10_000)
    return main


def entry_screen(window: MainWindow) -> DataEntryScreen:
    screen = window.screen_named("entry")
    assert isinstance(screen, DataEntryScreen)
    wait_for_grid(screen)  # read on a worker
    return screen


def test_a_quarter_is_entered_from_ctrl_5_with_digits_enter_and_tab_only(window: MainWindow) -> None:
    QTest.keyClick(window, Qt.Key.Key_5, CTRL)
    screen = entry_screen(window)
    assert window.current_screen() is screen
    assert focused() is screen.view  # not the Site picker, three to five Tabs away
    grid = screen.model.grid
    assert grid is not None
    site, period = screen.place_bar.site_code, screen.place_bar.period
    keys = Keyboard()
    keys.type("7")  # 3.1, a text: digits will do
    keys.type("12")  # 1.1 Female
    keys.type("30")  # 1.1 Male; Enter skips the computed total
    assert screen.view.currentIndex().column() == COL_NUMERATOR
    keys.type("4", Qt.Key.Key_Tab)  # 2.1 numerator, Tab to the denominator
    assert screen.view.currentIndex().column() == COL_DENOMINATOR
    keys.type("9")  # the last value of the quarter

    assert set(keys.pressed) <= DIGITS | ENTER_TAB
    assert len(keys.pressed) == 1 + 1 + 2 + 1 + 2 + 1 + 1 + 1 + 1 + 1  # digits and one end each
    assert site is not None and period is not None
    saved = {
        (v.indicator_code, ",".join(v.options.values())): v
        for v in window.services.entry.values_for("WASH-01", site, period)  # type: ignore[union-attr]
    }
    assert saved[("3.1", "")].text == "7"
    assert (saved[("1.1", "F")].value, saved[("1.1", "M")].value) == (12.0, 30.0)
    assert (saved[("2.1", "")].numerator, saved[("2.1", "")].denominator) == (4.0, 9.0)


def test_ctrl_5_goes_to_the_first_empty_cell(window: MainWindow) -> None:
    QTest.keyClick(window, Qt.Key.Key_5, CTRL)
    entry_screen(window)
    keys = Keyboard()
    keys.type("7")
    keys.type("12")
    QTest.keyClick(window, Qt.Key.Key_1, CTRL)  # away, and back
    QTest.keyClick(window, Qt.Key.Key_5, CTRL)
    screen = entry_screen(window)
    entry = screen.model.row_at(screen.view.currentIndex().row())
    assert entry is not None and entry.label.endswith("Male")
    assert screen.view.currentIndex().column() == COL_VALUE
    assert focused() is screen.view


def test_ctrl_7_puts_the_cursor_in_the_iptt_table(window: MainWindow) -> None:
    QTest.keyClick(window, Qt.Key.Key_7, CTRL)
    screen = window.screen_named("iptt")
    assert isinstance(screen, IpttScreen)
    assert focused() is screen.table_view  # arrow keys on "As of" silently changed the report


def test_the_current_cell_keeps_rows_of_context_below_it(qtbot: QtBot, window: MainWindow) -> None:
    QTest.keyClick(window, Qt.Key.Key_5, CTRL)
    view = entry_screen(window).view
    view.setFixedHeight(view.horizontalHeader().height() + 4 * view.rowHeight(0))
    qtbot.waitUntil(lambda: view.viewport().height() < 5 * view.rowHeight(0))
    model = view.model()
    for row in range(model.rowCount()):
        view.move_to(row, COL_VALUE)
        last = min(row + CONTEXT_ROWS, model.rowCount() - 1)
        bottom = view.rowViewportPosition(last) + view.rowHeight(last)
        top = view.rowViewportPosition(row)
        # Rows below it are in view, unless that would push the current row itself out.
        assert bottom <= view.viewport().height() or top == 0, row


def test_another_site_starts_at_the_top(qtbot: QtBot, window: MainWindow) -> None:
    QTest.keyClick(window, Qt.Key.Key_5, CTRL)
    screen = entry_screen(window)
    view = screen.view
    view.setFixedHeight(view.horizontalHeader().height() + 4 * view.rowHeight(0))
    qtbot.waitUntil(lambda: view.viewport().height() < 5 * view.rowHeight(0))
    view.move_to(view.model().rowCount() - 1, COL_VALUE)
    scrolled = view.verticalScrollBar().value()
    assert scrolled > 0
    combo = screen.place_bar.site_combo
    combo.setCurrentIndex(combo.findData("N02"))
    wait_for_grid(screen)
    assert screen.model.grid is not None and screen.place_bar.site_code == "N02"
    # The first empty cell, from the top (scrolled at most to show the rows below it).
    assert view.currentIndex().row() == 1
    assert view.verticalScrollBar().value() < scrolled
    assert view.rowViewportPosition(1) >= 0

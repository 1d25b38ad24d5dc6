# SPDX-License-Identifier: GPL-3.0-or-later
"""The data-entry screen, driven by the keyboard as a field officer would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import ValueStatus
from pmdesk.services.value_info import ValueInfo
from pmdesk.storage.database import Database
from pmdesk.ui.context import UiContext
from pmdesk.ui.entry import entry_dialogs
from pmdesk.ui.entry.data_entry_screen import DataEntryScreen
from pmdesk.ui.entry.entry_cells import (
    COL_CELL,
    COL_COMMENT,
    COL_DENOMINATOR,
    COL_NUMERATOR,
    COL_STATUS,
    COL_VALUE,
    COL_WARNINGS,
    half_ratio_text,
)
from pmdesk.ui.entry.entry_history_model import COL_CHANGE, COL_WHO
from pmdesk.ui.entry.entry_rows import LOCKED, TOTAL_HELD
from pmdesk.ui.entry.entry_screen_layout import START_HINT
from pmdesk.ui.entry.entry_style import ERROR_COLOUR
from pmdesk.ui.signals import DataChange, Navigation
from tests.ui.entry_waiting import wait_for_grid
from tests.unit.builders import small_programme

P = "WASH-01"
GOAL, TEXT, OUTCOME, FEMALE, MALE, PUPILS_TOTAL, RATIO = range(7)
ALT, CTRL, SHIFT = (
    Qt.KeyboardModifier.AltModifier,
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.ShiftModifier,
)


@dataclass
class Harness:
    window: QMainWindow
    screen: DataEntryScreen
    context: UiContext

    @property
    def view(self):  # type: ignore[no-untyped-def]
        return self.screen.view

    def values(self, period: str = "2025Q1", site: str = "N01") -> dict[tuple[str, str], ValueInfo]:
        """{(indicator, option or ''): value} of one site and period, read back through the service."""
        return {
            (v.indicator_code, ",".join(v.options.values())): v
            for v in self.context.services.entry.values_for(P, site, period)
        }

    def go(self, row: int, column: int = COL_VALUE) -> None:
        self.view.move_to(row, column)
        self.view.setFocus()

    def current(self) -> tuple[int, int]:
        index = self.view.currentIndex()
        return index.row(), index.column()

    def type(self, text: str, end: Qt.Key = Qt.Key.Key_Return) -> None:
        """Type into the selected cell (the first key opens its editor) and end with `end`."""
        QTest.keyClick(self.view, text[0])
        editor = focused()
        assert editor is not self.view, "typing did not open an editor"
        QTest.keyClicks(editor, text[1:])
        QTest.keyClick(editor, end)
        wait_for_grid(self.screen)  # an undo elsewhere or a workflow step reads a grid

    def wait(self) -> None:
        wait_for_grid(self.screen)

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(focused(), key, modifiers)
        wait_for_grid(self.screen)  # another period, an undo elsewhere … read on a worker

    def button_key(self, qtbot: QtBot, key: Qt.Key) -> None:
        """Alt+letter of a button: Qt clicks it after a short animation."""
        button = next(
            b
            for b in self.screen.findChildren(QPushButton)
            if QKeySequence.mnemonic(b.text()) == QKeySequence(ALT | key)
        )
        with qtbot.waitSignal(button.clicked, timeout=2000):
            QTest.keyClick(focused(), key, ALT)
        wait_for_grid(self.screen)

    def text(self, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> str:
        model = self.screen.model
        return str(model.data(model.index(row, column), role) or "")


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


@pytest.fixture
def harness(qtbot: QtBot, db: Database, context: UiContext) -> Iterator[Harness]:
    small_programme(db)
    window = QMainWindow()
    screen = DataEntryScreen(context)
    window.setCentralWidget(screen)
    window.resize(1280, 800)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    screen.set_programme(P)
    h = Harness(window, screen, context)
    # Start on Kibera school, 2025 Q1 (picking them by keyboard has its own test).
    site = screen.place_bar.site_combo
    site.setCurrentIndex(site.findData("N01"))
    period = screen.place_bar.period_combo
    period.setCurrentIndex(period.findData("2025Q1"))
    wait_for_grid(screen)  # read on a worker
    assert screen.model.grid is not None and screen.model.grid.period == "2025Q1"
    screen.view.setFocus()
    yield h
    screen.editing.stack.clear()


def test_sites_are_indented_and_only_reporting_sites_can_be_chosen(harness: Harness) -> None:
    site = harness.screen.place_bar.site_combo
    assert [site.itemText(i).strip("\u2003") for i in range(site.count())] == [
        "North district",
        "Kibera school",
        "Mathare school",
    ]
    assert site.itemText(1).startswith("\u2003")
    assert not harness.screen.place_bar._enabled(0)  # the district only adds up its schools
    assert harness.screen.heading.text() == "Kibera school · 2025 Q1"


def test_typing_a_value_and_enter_saves_it_and_moves_down(harness: Harness, qtbot: QtBot) -> None:
    harness.go(FEMALE)
    with qtbot.waitSignal(harness.context.signals.data_changed) as announced:
        harness.type("12")
    assert harness.values()[("1.1", "F")].value == 12.0
    assert harness.current() == (MALE, COL_VALUE)
    assert harness.screen.status_label.text().startswith("Saved 1.1 · Female at ")
    assert announced.args == [DataChange("values", P)]
    harness.type("30")
    assert harness.values()[("1.1", "M")].value == 30.0
    assert harness.text(PUPILS_TOTAL, COL_VALUE) == "42"  # the computed total follows
    # Enter skips the computed total and goes on to the next indicator's first input.
    assert harness.current() == (RATIO, COL_NUMERATOR)


def test_typing_replaces_the_old_value(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("12")
    harness.go(FEMALE)
    harness.type("9")
    assert harness.values()[("1.1", "F")].value == 9.0


def test_text_in_a_number_cell_is_refused_inline_and_nothing_is_saved(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("12")
    harness.go(FEMALE)
    harness.type("abc")
    assert harness.values()[("1.1", "F")].value == 12.0  # the previous value is kept
    message = harness.screen.message_label
    assert message.isVisible()
    assert "1.1 · Female" in message.text() and "not 'abc'" in message.text()
    assert harness.current() == (FEMALE, COL_VALUE)  # stays, to be corrected
    assert harness.text(FEMALE, COL_VALUE) == "12"
    model = harness.screen.model
    colour = model.data(model.index(FEMALE, COL_VALUE), Qt.ItemDataRole.BackgroundRole)
    assert colour.name() == ERROR_COLOUR
    harness.type("13")  # corrected: saved, and the message goes
    assert harness.values()[("1.1", "F")].value == 13.0
    assert not message.isVisible()


def test_numbers_are_read_as_people_type_them(harness: Harness) -> None:
    """Issue #7 §2: '1 200' and '1,200' are 1200; '3e2', '1,5' and 99,999,999,999,999 are refused."""
    harness.go(FEMALE)
    harness.type("1 200")
    assert harness.values()[("1.1", "F")].value == 1200.0
    harness.type("2,500")
    assert harness.values()[("1.1", "M")].value == 2500.0
    for typed, message in [
        ("3e2", "exponent notation"),
        ("1,5", "ambiguous"),
        ("99,999,999,999,999", "beyond any plausible figure"),
    ]:
        harness.go(FEMALE)
        harness.type(typed)
        assert message in harness.screen.message_label.text()
        assert harness.current() == (FEMALE, COL_VALUE)
        assert harness.values()[("1.1", "F")].value == 1200.0


def test_numbers_are_read_in_the_users_locale(harness: Harness) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    try:
        harness.go(RATIO, COL_NUMERATOR)
        # French: a narrow no-break space between thousands (QTest types only Latin-1), a decimal comma
        QTest.keyClick(harness.view, "1")
        editor = focused()
        assert isinstance(editor, QLineEdit)
        editor.insert("\u202f200,5")
        QTest.keyClick(editor, Qt.Key.Key_Tab)
        harness.type("2 000")
    finally:
        QLocale.setDefault(QLocale(QLocale.Language.C))
    ratio = harness.values()[("2.1", "")]
    assert (ratio.numerator, ratio.denominator) == (1200.5, 2000.0)


def test_a_value_over_three_times_the_target_is_saved_with_a_warning(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("400")  # target 100
    value = harness.values()[("1.1", "F")]
    assert value.value == 400.0 and value.is_flagged
    assert harness.text(FEMALE, COL_WARNINGS) == "over 3× target"
    assert "more than 3× the period target" in harness.text(FEMALE, COL_WARNINGS, Qt.ItemDataRole.ToolTipRole)
    assert "warning: more than 3×" in harness.screen.status_label.text()
    assert not harness.screen.message_label.isVisible()  # a warning is not an error


def test_a_comment_typed_in_the_comment_column_clears_the_flag(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("400", end=Qt.Key.Key_Tab)  # Tab: saved, and on to the comment
    assert harness.current() == (FEMALE, COL_COMMENT)
    harness.type("Vaccination campaign week")
    value = harness.values()[("1.1", "F")]
    assert value.comment == "Vaccination campaign week"
    assert not value.is_flagged
    assert value.value == 400.0


def test_ctrl_m_opens_the_comment_dialog(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, str]] = []

    def answer(parent: object, label: str, warnings: str, comment: str) -> str:
        asked.append((label, warnings))
        return "Counted twice at the gate"

    monkeypatch.setattr(entry_dialogs, "ask_comment", answer)
    harness.go(FEMALE)
    harness.key(Qt.Key.Key_M, CTRL)
    assert "Enter a value first" in harness.screen.message_label.text()
    harness.go(FEMALE)
    harness.type("400")
    harness.go(FEMALE)
    harness.key(Qt.Key.Key_M, CTRL)
    assert asked == [("1.1 · Female", "more than 3× the period target")]
    assert not harness.values()[("1.1", "F")].is_flagged


def test_ctrl_z_undoes_through_the_service_and_ctrl_y_redoes(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("12")
    harness.go(FEMALE)
    harness.type("15")
    assert harness.values()[("1.1", "F")].value == 15.0
    harness.key(Qt.Key.Key_Z, CTRL)
    assert harness.values()[("1.1", "F")].value == 12.0
    assert harness.text(FEMALE, COL_VALUE) == "12"
    assert harness.screen.status_label.text().startswith("Undid 1.1 · Female")
    harness.key(Qt.Key.Key_Z, CTRL)
    assert ("1.1", "F") not in harness.values()  # the value did not exist before: cleared
    assert harness.text(FEMALE, COL_VALUE) == ""
    harness.key(Qt.Key.Key_Y, CTRL)
    assert harness.values()[("1.1", "F")].value == 12.0
    harness.key(Qt.Key.Key_Y, CTRL)
    assert harness.values()[("1.1", "F")].value == 15.0
    assert harness.screen.undo_stack() is harness.screen.editing.stack


def test_delete_clears_a_value_and_undo_brings_it_back(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("12")
    harness.go(FEMALE)
    harness.key(Qt.Key.Key_Delete)
    assert ("1.1", "F") not in harness.values()
    harness.key(Qt.Key.Key_Z, CTRL)
    assert harness.values()[("1.1", "F")].value == 12.0


def test_escape_cancels_an_edit(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("77", end=Qt.Key.Key_Escape)
    assert harness.values() == {}
    assert harness.current() == (FEMALE, COL_VALUE)


def test_paste_fills_cells_downward_and_rightward_as_one_undo_step(harness: Harness) -> None:
    harness.go(FEMALE)
    QGuiApplication.clipboard().setText("5\n6\t(estimate)\n7\t10\n")
    harness.key(Qt.Key.Key_V, CTRL)
    values = harness.values()
    assert values[("1.1", "F")].value == 5.0
    assert (values[("1.1", "M")].value, values[("1.1", "M")].comment) == (6.0, "(estimate)")
    # The computed total is skipped; the third line fills 2.1's numerator and denominator.
    assert (values[("2.1", "")].numerator, values[("2.1", "")].denominator) == (7.0, 10.0)
    assert harness.screen.status_label.text().startswith("Pasted 3 values")
    harness.key(Qt.Key.Key_Z, CTRL)
    assert harness.values() == {}


def test_paste_saves_the_good_cells_and_reports_the_bad_ones(harness: Harness) -> None:
    harness.go(FEMALE)
    QGuiApplication.clipboard().setText("5\nx\n9\t3\n")  # x is not a number; 9 > 3
    harness.key(Qt.Key.Key_V, CTRL)
    values = harness.values()
    assert values[("1.1", "F")].value == 5.0
    assert ("1.1", "M") not in values and ("2.1", "") not in values
    message = harness.screen.message_label.text()
    assert "2 pasted cells were not saved" in message
    assert "1.1 · Male: value must be a number" in message
    assert "2.1 · Total: numerator (9) is greater than denominator (3)" in message


def test_submit_and_approve_lock_the_cells(
    harness: Harness, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(entry_dialogs, "confirm", lambda *args: True)
    harness.go(FEMALE)
    harness.type("12")
    workflow = harness.screen.workflow
    assert workflow.submit_button.isEnabled() and not workflow.approve_button.isEnabled()
    harness.button_key(qtbot, Qt.Key.Key_S)  # &Submit
    assert harness.values()[("1.1", "F")].status is ValueStatus.SUBMITTED
    assert harness.screen.status_label.text() == "Submitted 1 value of Kibera school · 2025 Q1"
    harness.button_key(qtbot, Qt.Key.Key_A)  # &Approve…
    assert harness.values()[("1.1", "F")].status is ValueStatus.APPROVED
    assert harness.text(FEMALE, COL_STATUS) == "Approved"
    assert LOCKED in harness.text(FEMALE, COL_VALUE, Qt.ItemDataRole.ToolTipRole)
    assert workflow.reopen_button.isEnabled()

    # A locked cell cannot be edited: typing says why, Delete says why, nothing changes.
    harness.go(FEMALE)
    QTest.keyClick(harness.view, "9")
    assert focused() is harness.view  # no editor opened
    assert LOCKED in harness.screen.message_label.text()
    harness.key(Qt.Key.Key_Delete)
    assert harness.values()[("1.1", "F")].value == 12.0


def test_submit_lists_warnings_without_a_comment_and_approve_shows_them(
    harness: Harness, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, bool]] = []
    answer = [False]

    def confirm(_parent: object, _title: str, text: str, _yes: str, *, is_yes_default: bool = True) -> bool:
        asked.append((text, is_yes_default))
        return answer[0]

    monkeypatch.setattr(entry_dialogs, "confirm", confirm)
    harness.go(FEMALE)
    harness.type("400")  # over 3× the target of 100
    harness.button_key(qtbot, Qt.Key.Key_S)  # &Submit: asks, and Cancel submits nothing
    text, is_yes_default = asked[-1]
    assert "1 value of Kibera school · 2025 Q1 has a warning nobody has explained" in text
    assert "• 1.1 · F: more than 3× the period target" in text
    assert not is_yes_default  # Enter does not submit unexplained warnings
    assert harness.values()[("1.1", "F")].status is ValueStatus.DRAFT
    assert "need a comment" in harness.screen.message_label.text()

    answer[0] = True  # Submit anyway: kept in the value's history
    harness.button_key(qtbot, Qt.Key.Key_S)
    assert harness.values()[("1.1", "F")].status is ValueStatus.SUBMITTED
    harness.button_key(qtbot, Qt.Key.Key_A)  # &Approve… lists them too
    assert (
        "1 value carries a warning nobody explained:\n• 1.1 · F: more than 3× the period target"
        in asked[-1][0]
    )
    assert harness.values()[("1.1", "F")].status is ValueStatus.APPROVED


def test_reopen_with_a_reason_makes_cells_editable(
    harness: Harness, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.go(FEMALE)
    harness.type("12")
    services = harness.context.services
    services.entry.submit(P, "N01", "2025Q1")
    services.entry.approve(P, "N01", "2025Q1")
    harness.screen.refresh()
    harness.wait()
    asked: list[str] = []

    def reason(parent: object, title: str, message: str, ok: str) -> str:
        asked.append(title)
        return "Typo in the Q1 register"

    monkeypatch.setattr(entry_dialogs, "ask_reason", reason)
    harness.button_key(qtbot, Qt.Key.Key_O)  # Re&open…
    assert asked == ["Reopen approved values"]
    value = harness.values()[("1.1", "F")]
    assert (value.status, value.status_reason) == (ValueStatus.DRAFT, "Typo in the Q1 register")
    harness.go(FEMALE)
    harness.type("13")
    assert harness.values()[("1.1", "F")].value == 13.0


def test_return_asks_for_a_reason_and_a_cancel_changes_nothing(
    harness: Harness, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.go(FEMALE)
    harness.type("12")
    harness.button_key(qtbot, Qt.Key.Key_S)
    monkeypatch.setattr(entry_dialogs, "ask_reason", lambda *args: None)
    harness.button_key(qtbot, Qt.Key.Key_T)  # Re&turn…
    assert harness.values()[("1.1", "F")].status is ValueStatus.SUBMITTED
    monkeypatch.setattr(entry_dialogs, "ask_reason", lambda *args: "Male count missing")
    harness.button_key(qtbot, Qt.Key.Key_T)
    value = harness.values()[("1.1", "F")]
    assert (value.status, value.status_reason) == (ValueStatus.RETURNED, "Male count missing")
    assert "Male count missing" in harness.text(FEMALE, COL_STATUS, Qt.ItemDataRole.ToolTipRole)


def test_next_and_previous_period_keep_the_cursor_on_the_same_cell(harness: Harness) -> None:
    harness.go(MALE)
    harness.key(Qt.Key.Key_Right, ALT)
    assert harness.screen.model.grid.period == "2025Q2"  # type: ignore[union-attr]
    assert harness.current() == (MALE, COL_VALUE)
    assert harness.screen.heading.text() == "Kibera school · 2025 Q2"
    harness.type("8")
    assert harness.values("2025Q2")[("1.1", "M")].value == 8.0
    harness.go(RATIO, COL_DENOMINATOR)
    harness.key(Qt.Key.Key_PageUp, CTRL)
    assert harness.screen.model.grid.period == "2025Q1"  # type: ignore[union-attr]
    assert harness.current() == (RATIO, COL_DENOMINATOR)
    harness.key(Qt.Key.Key_Left, ALT)  # no period before the first: nothing happens
    assert harness.screen.model.grid.period == "2025Q1"  # type: ignore[union-attr]


def test_a_percent_indicator_takes_numerator_then_denominator(harness: Harness) -> None:
    harness.go(RATIO, COL_NUMERATOR)
    harness.type("3")
    assert harness.values() == {}  # half a ratio is not saved …
    assert harness.current() == (RATIO, COL_DENOMINATOR)  # … and Enter goes to the other half
    assert "type the denominator too" in harness.screen.status_label.text()
    harness.type("4")
    value = harness.values()[("2.1", "")]
    assert (value.numerator, value.denominator) == (3.0, 4.0)
    assert harness.text(RATIO, COL_VALUE) == "75%"
    harness.go(RATIO, COL_NUMERATOR)
    harness.type("5")  # more than the denominator: refused
    assert harness.values()[("2.1", "")].numerator == 3.0
    assert "numerator (5) is greater than denominator (4)" in harness.screen.message_label.text()


def test_qualitative_text_takes_several_lines(harness: Harness) -> None:
    harness.go(TEXT)
    QTest.keyClick(harness.view, "G")
    editor = focused()
    QTest.keyClicks(editor, "irls stay in school")
    QTest.keyClick(editor, Qt.Key.Key_Return, SHIFT)  # a new line, not the end
    QTest.keyClicks(editor, "Latrines helped")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert harness.values()[("3.1", "")].text == "Girls stay in school\nLatrines helped"
    assert harness.current() == (FEMALE, COL_VALUE)


def test_tab_moves_right_to_the_next_cell_taking_input(harness: Harness) -> None:
    harness.go(RATIO, COL_NUMERATOR)
    harness.type("1", end=Qt.Key.Key_Tab)
    assert harness.current() == (RATIO, COL_DENOMINATOR)
    harness.type("2", end=Qt.Key.Key_Tab)
    assert harness.current() == (RATIO, COL_COMMENT)  # the value now exists: it can be commented
    harness.key(Qt.Key.Key_Tab, SHIFT)
    assert harness.current() == (RATIO, COL_DENOMINATOR)


def test_a_total_without_options_blocks_the_cells_per_option(harness: Harness) -> None:
    harness.go(PUPILS_TOTAL)
    harness.type("50")  # an undisaggregated total
    assert harness.values()[("1.1", "")].value == 50.0
    harness.go(FEMALE)
    QTest.keyClick(harness.view, "3")
    assert focused() is harness.view
    assert TOTAL_HELD in harness.text(FEMALE, COL_VALUE, Qt.ItemDataRole.ToolTipRole)
    assert TOTAL_HELD in harness.screen.message_label.text()


def test_the_history_panel_shows_the_changes_of_the_selected_value(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("12")
    harness.go(FEMALE)
    harness.type("15")
    harness.go(FEMALE)
    panel = harness.screen.history_panel
    assert "1.1 Pupils reached" in panel.heading.text()
    changes = [panel.model.data(panel.model.index(r, COL_CHANGE)) for r in range(panel.model.rowCount())]
    assert [c.splitlines()[0] for c in changes] == ["Value: 12 → 15"]
    assert changes[0].endswith(" · tester")  # when and who, on the second line
    assert panel.model.data(panel.model.index(0, COL_WHO)) == "tester"
    harness.go(MALE)
    assert panel.model.rowCount() == 0
    assert panel.empty_label.text() == "No value in this cell yet."


def test_undo_of_a_change_in_another_period_goes_back_there(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("12")
    harness.key(Qt.Key.Key_Right, ALT)
    assert harness.screen.model.grid.period == "2025Q2"  # type: ignore[union-attr]
    harness.key(Qt.Key.Key_Z, CTRL)
    assert harness.screen.model.grid.period == "2025Q1"  # type: ignore[union-attr]
    assert harness.values() == {}
    assert harness.current() == (FEMALE, COL_VALUE)


def test_navigate_selects_the_site_period_and_indicator(harness: Harness) -> None:
    harness.screen.navigate(Navigation("entry", P, site_code="N02", period="2025Q3", indicator_code="2.1"))
    harness.wait()  # the indicator is found once its grid is read
    grid = harness.screen.model.grid
    assert grid is not None and (grid.site_code, grid.period) == ("N02", "2025Q3")
    assert harness.current() == (RATIO, COL_NUMERATOR)
    assert harness.text(RATIO, COL_CELL) == "Total"
    assert harness.screen.find_text("pupils")
    assert harness.current() == (FEMALE, COL_VALUE)


def test_changes_made_elsewhere_are_read_again(harness: Harness) -> None:
    harness.go(MALE)
    harness.context.services.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=21)
    harness.context.signals.announce("values", P)
    harness.wait()
    assert harness.text(FEMALE, COL_VALUE) == "21"
    assert harness.current() == (MALE, COL_VALUE)


def test_a_big_paste_is_written_by_a_job_with_progress(harness: Harness, qtbot: QtBot) -> None:
    harness.screen.paster.sync_limit = 1  # as if the block were hundreds of cells
    harness.go(FEMALE)
    QGuiApplication.clipboard().setText("5\n6\n7\t10\n")
    with qtbot.waitSignal(harness.screen.paster.finished, timeout=10_000):
        harness.key(Qt.Key.Key_V, CTRL)
        assert harness.screen.paster.is_busy
    assert not harness.screen.paster.is_busy
    values = harness.values()
    assert (values[("1.1", "F")].value, values[("1.1", "M")].value, values[("2.1", "")].numerator) == (
        5,
        6,
        7,
    )
    assert harness.text(MALE, COL_VALUE) == "6"
    assert harness.screen.status_label.text() == "Pasted 3 values"
    harness.key(Qt.Key.Key_Z, CTRL)  # still one undo step
    assert harness.values() == {}


def test_a_cancelled_paste_keeps_and_shows_what_was_written(harness: Harness) -> None:
    from pmdesk.ui.entry.entry_writes import write_all

    editing = harness.screen.editing
    plan = editing.plan_paste(FEMALE, COL_VALUE, "5\n6\n")
    assert len(plan.writes) == 2
    outcomes = write_all(editing.writer, plan.writes[:1])  # the user cancelled after one cell
    result = editing.finish_paste(plan, outcomes)
    assert (result.saved, result.cancelled) == (1, 1)
    assert harness.values()[("1.1", "F")].value == 5.0 and ("1.1", "M") not in harness.values()
    assert harness.text(FEMALE, COL_VALUE) == "5"


def test_an_undo_that_is_no_longer_possible_says_why(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("12")
    services = harness.context.services
    services.entry.submit(P, "N01", "2025Q1")
    services.entry.approve(P, "N01", "2025Q1")
    harness.screen.refresh()
    harness.wait()
    harness.go(MALE)
    harness.key(Qt.Key.Key_Z, CTRL)
    message = harness.screen.message_label.text()
    assert "Could not take back the change to 1.1 · Female" in message and "approved" in message
    value = harness.values()[("1.1", "F")]
    assert (value.value, value.status) == (12.0, ValueStatus.APPROVED)
    assert not harness.screen.editing.stack.canUndo()


def test_a_programme_without_sites_says_what_to_do(harness: Harness, qtbot: QtBot) -> None:
    from datetime import date

    from pmdesk.domain.enums import Frequency
    from pmdesk.services.programmes import ProgrammeData

    harness.go(FEMALE)
    harness.type("12")
    services = harness.context.services
    services.programmes.create(
        ProgrammeData("EMPTY-1", "No sites yet", date(2025, 1, 1), date(2025, 12, 31), Frequency.QUARTERLY)
    )
    harness.screen.set_programme("EMPTY-1")
    assert not harness.screen.editing.stack.canUndo()  # its steps belonged to WASH-01
    assert not harness.screen.controls.isVisible()
    assert "no reporting sites yet" in harness.screen.empty_label.text()
    with qtbot.waitSignal(harness.context.signals.navigation_requested) as requested:
        harness.screen.empty_button.click()
    assert requested.args == [Navigation("sites", "EMPTY-1")]
    harness.screen.set_programme(P)  # back: the same site and period as before
    harness.wait()
    grid = harness.screen.model.grid
    assert grid is not None and (grid.site_code, grid.period) == ("N01", "2025Q1")


def test_backspace_starts_editing_from_an_empty_cell_and_f2_edits_the_value(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("12")
    harness.go(FEMALE)
    harness.key(Qt.Key.Key_Backspace)
    editor = focused()
    assert editor is not harness.view and editor.text() == ""  # type: ignore[attr-defined]
    QTest.keyClicks(editor, "5")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert harness.values()[("1.1", "F")].value == 5.0
    harness.go(FEMALE)
    harness.key(Qt.Key.Key_F2)
    editor = focused()
    assert editor.text() == "5"  # type: ignore[attr-defined]
    QTest.keyClick(editor, Qt.Key.Key_End)
    QTest.keyClicks(editor, "0")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    assert harness.values()[("1.1", "F")].value == 50.0


def test_the_site_and_period_are_picked_with_the_keyboard(harness: Harness) -> None:
    harness.key(Qt.Key.Key_I, ALT)  # S&ite:
    site = harness.screen.place_bar.site_combo
    assert focused() is site
    QTest.keyClick(site, Qt.Key.Key_Down)
    harness.wait()
    grid = harness.screen.model.grid
    assert grid is not None and (grid.site_code, grid.period) == ("N02", "2025Q1")
    harness.key(Qt.Key.Key_P, ALT)  # &Period:
    QTest.keyClick(focused(), Qt.Key.Key_Down)
    harness.wait()
    grid = harness.screen.model.grid
    assert grid is not None and (grid.site_code, grid.period) == ("N02", "2025Q2")
    assert harness.screen.heading.text() == "Mathare school · 2025 Q2"


def test_a_typed_denominator_stays_through_reloads_and_period_changes(harness: Harness) -> None:
    """Issue #7 §2: half a ratio typed first is kept, shown and completed, whatever happens between."""
    harness.go(RATIO, COL_DENOMINATOR)
    harness.type("4")
    assert harness.text(RATIO, COL_DENOMINATOR) == "4"
    harness.context.signals.announce("values", P)  # a change made elsewhere: the grid is read again
    harness.wait()
    assert harness.text(RATIO, COL_DENOMINATOR) == "4"
    harness.key(Qt.Key.Key_Right, ALT)  # to 2025 Q2 and back
    assert harness.text(RATIO, COL_DENOMINATOR) == ""
    harness.key(Qt.Key.Key_Left, ALT)
    assert harness.text(RATIO, COL_DENOMINATOR) == "4"
    harness.go(RATIO, COL_NUMERATOR)
    harness.type("3")
    value = harness.values()[("2.1", "")]
    assert (value.numerator, value.denominator) == (3.0, 4.0)


def test_half_a_ratio_is_told_in_one_wording(harness: Harness) -> None:
    harness.go(RATIO, COL_DENOMINATOR)
    harness.type("4")
    wording = half_ratio_text("numerator")
    assert harness.screen.status_label.text() == f"{harness.screen.model.row_at(RATIO).label}: {wording}"  # type: ignore[union-attr]
    assert wording[0].upper() + wording[1:] in harness.text(
        RATIO, COL_DENOMINATOR, Qt.ItemDataRole.ToolTipRole
    )


def test_a_message_does_not_move_the_grid(harness: Harness) -> None:
    harness.go(FEMALE)
    y = harness.view.mapTo(harness.window, harness.view.rect().topLeft()).y()
    harness.type("lots")  # refused: the message shows
    assert harness.screen.message_label.isVisible()
    QApplication.processEvents()
    assert harness.view.mapTo(harness.window, harness.view.rect().topLeft()).y() == y


def test_the_status_line_does_not_carry_over_to_another_site_or_period(harness: Harness) -> None:
    harness.go(FEMALE)
    harness.type("5")
    assert harness.screen.status_label.text().startswith("Saved 1.1 · Female at ")
    harness.key(Qt.Key.Key_Right, ALT)  # another period
    assert harness.screen.status_label.text() == START_HINT
    harness.type("6")
    assert harness.screen.status_label.text().startswith("Saved ")
    site = harness.screen.place_bar.site_combo
    site.setCurrentIndex(site.findData("N02"))  # another site
    harness.wait()
    assert harness.screen.model.grid is not None and harness.screen.model.grid.site_code == "N02"
    assert harness.screen.status_label.text() == START_HINT

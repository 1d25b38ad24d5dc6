# SPDX-License-Identifier: GPL-3.0-or-later
"""The Targets screen driven by the keyboard: type, change with a reason, paste, clear."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import ChangeReason
from pmdesk.services.history import Reason
from pmdesk.ui.context import UiContext
from pmdesk.ui.signals import DataChange
from pmdesk.ui.targets import targets_screen
from pmdesk.ui.targets.targets_screen import TargetsScreen
from pmdesk.ui.targets.targets_table_model import FIRST_PERIOD_COL
from pmdesk.ui.widgets.reason_dialog import ReasonDialog
from tests.ui.programme_factory import Built

# WASH-T rows: G1, O1, 1.1, 1.2, OP1, 2.1, 2.2, 2.3 — columns: indicator, unit, Q1..Q4, LoP.
ROW_11, ROW_12, ROW_OP1, ROW_21, ROW_22, ROW_23 = 2, 3, 4, 5, 6, 7
Q1, Q2, Q3, Q4 = range(FIRST_PERIOD_COL, FIRST_PERIOD_COL + 4)
BUDGET = Reason(ChangeReason.BUDGET_REALIGNMENT)


@dataclass
class FakeReason:
    """Stands in for the reason dialog: records what it was asked, answers `answer`."""

    answer: Reason | None = BUDGET
    asked: list[tuple[str, str, str]] = field(default_factory=list)

    def __call__(self, parent: object, what: str, old: str, new: str) -> Reason | None:
        self.asked.append((what, old, new))
        return self.answer


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext, small: Built) -> Iterator[TargetsScreen]:
    widget = TargetsScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    widget.activateWindow()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.loaded, timeout=10_000):  # read on a worker
        widget.set_programme(small.code)
    yield widget


@pytest.fixture
def fake_reason(monkeypatch: pytest.MonkeyPatch) -> FakeReason:
    fake = FakeReason()
    monkeypatch.setattr(targets_screen, "ask_reason", fake)
    return fake


def _targets(screen: TargetsScreen, site: str | None = None) -> dict[tuple[str, str], float]:
    code = screen.programme_code
    assert code is not None
    return {(t.indicator_code, t.period): t.value for t in screen.services.targets.list_targets(code, site)}


def _go(screen: TargetsScreen, row: int, column: int) -> None:
    view = screen.table_view
    view.setFocus()
    view.setCurrentIndex(screen.model.index(row, column))


def _type(screen: TargetsScreen, text: str) -> None:
    """Keys go where a user's keystrokes go: the first opens the cell editor, the rest fill it."""
    for char in text:
        QTest.keyClicks(QApplication.focusWidget() or screen.table_view, char)


def _press(widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    """A key with a modifier. QTest leaves the modifier down in Qt's global keyboard state, which
    would turn later clicks into Ctrl/Shift-clicks; release it as a user's finger would."""
    QTest.keyClick(widget, key, modifier)
    for flag, modifier_key in (
        (Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Control),
        (Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_Shift),
    ):
        if modifier & flag:
            QTest.keyRelease(widget, modifier_key)


def _editor(screen: TargetsScreen) -> QLineEdit:
    widget = QApplication.focusWidget()
    assert isinstance(widget, QLineEdit), "the cell editor should be open"
    return widget


def _cell(screen: TargetsScreen, row: int, column: int) -> str:
    return str(screen.model.index(row, column).data())


def test_typing_a_new_target_saves_it_and_enter_moves_down(
    qtbot: QtBot, screen: TargetsScreen, fake_reason: FakeReason
) -> None:
    announced: list[DataChange] = []
    screen.context.signals.data_changed.connect(announced.append)
    _go(screen, ROW_12, Q1)
    _type(screen, "55")
    assert _editor(screen).text() == "55"
    QTest.keyClick(_editor(screen), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ("1.2", "2025Q1") in _targets(screen))
    assert _targets(screen)[("1.2", "2025Q1")] == 55.0
    assert fake_reason.asked == []  # a new target needs no reason
    assert _cell(screen, ROW_12, Q1) == "55%"
    assert announced == [DataChange("targets", screen.programme_code)]
    # Enter moved down past the result heading OP1 to 2.1, same column.
    assert (screen.table_view.currentIndex().row(), screen.table_view.currentIndex().column()) == (ROW_21, Q1)


def test_typing_replaces_the_shown_value(
    qtbot: QtBot, screen: TargetsScreen, fake_reason: FakeReason
) -> None:
    _go(screen, ROW_11, Q1)
    _type(screen, "9")
    assert _editor(screen).text() == "9"  # not "10009"
    QTest.keyClick(_editor(screen), Qt.Key.Key_Escape)  # cancels
    assert not isinstance(QApplication.focusWidget(), QLineEdit)
    assert _targets(screen)[("1.1", "2025Q1")] == 1000.0
    assert _cell(screen, ROW_11, Q1) == "1,000"


def test_changing_a_saved_target_asks_why_and_history_keeps_it(qtbot: QtBot, screen: TargetsScreen) -> None:
    """The real dialog, driven as a user would: choose a reason, type an explanation, OK."""
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ReasonDialog):  # the save runs once the editor has closed
            QTimer.singleShot(10, answer)
            return
        seen.append(dialog.windowTitle())
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            box = dialog.reason_box
            box.setCurrentIndex(next(i for i in range(box.count()) if box.itemData(i) == ChangeReason.OTHER))
            assert not ok.isEnabled()  # 'Other' needs an explanation
            QTest.keyClicks(dialog.text_edit, "New district added")
        finally:
            ok.click() if ok.isEnabled() else dialog.reject()  # never leave a test hanging

    before = {
        (t.indicator_code, t.period): t
        for t in screen.services.targets.list_targets(screen.programme_code or "")
    }
    _go(screen, ROW_11, Q2)
    _type(screen, "1250")
    QTimer.singleShot(0, answer)
    QTest.keyClick(_editor(screen), Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: _targets(screen)[("1.1", "2025Q2")] == 1250.0)
    assert seen == ["Why does this change?"]
    [entry] = screen.services.history.for_entity(before[("1.1", "2025Q2")].uuid)
    assert (entry.old, entry.new, entry.reason, entry.reason_text) == (
        "1000",
        "1250",
        "other",
        "New district added",
    )
    assert _cell(screen, ROW_11, Q2) == "1,250"
    assert screen.model.index(ROW_11, FIRST_PERIOD_COL + 4).data() == "4,250"  # LoP follows
    assert "Reason: Other — New district added" in str(
        screen.model.index(ROW_11, Q2).data(Qt.ItemDataRole.ToolTipRole)
    )
    assert screen.table_view.currentIndex().column() == Q3  # Tab moved right


def test_cancelling_the_reason_keeps_the_old_value(
    qtbot: QtBot, screen: TargetsScreen, fake_reason: FakeReason
) -> None:
    fake_reason.answer = None
    _go(screen, ROW_11, Q3)
    _type(screen, "5")
    QTest.keyClick(_editor(screen), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(fake_reason.asked))
    what, old, new = fake_reason.asked[0]
    assert "1.1" in what and "2025 Q3" in what
    assert (old, new) == ("1,000 people", "5 people")
    assert _targets(screen)[("1.1", "2025Q3")] == 1000.0
    assert _cell(screen, ROW_11, Q3) == "1,000"
    assert "unchanged" in screen.message_text


def test_text_that_is_not_a_number_is_refused(
    qtbot: QtBot, screen: TargetsScreen, fake_reason: FakeReason
) -> None:
    before = _targets(screen)
    _go(screen, ROW_12, Q3)
    _type(screen, "abc")
    QTest.keyClick(_editor(screen), Qt.Key.Key_Return)
    assert "1.2 · 2025 Q3: 'abc' is not a number" in screen.message_text
    _go(screen, ROW_11, Q1)
    _type(screen, "-4")
    QTest.keyClick(_editor(screen), Qt.Key.Key_Return)
    assert "negative" in screen.message_text
    qtbot.wait(10)  # let any queued save run: there must be none
    assert _targets(screen) == before
    assert fake_reason.asked == []


def test_site_level_shows_and_saves_the_site_targets(
    qtbot: QtBot, screen: TargetsScreen, fake_reason: FakeReason
) -> None:
    combo = screen.level_combo
    assert combo.itemText(0) == "Programme level"
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        combo.setCurrentIndex(combo.findData("S1"))
    assert combo.currentText().strip() == "Mirriah"
    assert _cell(screen, ROW_11, Q1) == "500"
    assert _cell(screen, ROW_12, Q2) == ""
    _go(screen, ROW_23, Q4)
    _type(screen, "700")
    QTest.keyClick(_editor(screen), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ("2.3", "2025Q4") in _targets(screen, "S1"))
    assert ("2.3", "2025Q4") not in _targets(screen)  # not at programme level


def test_paste_a_block_saves_all_and_asks_once(
    qtbot: QtBot, screen: TargetsScreen, fake_reason: FakeReason
) -> None:
    # 2 × 3 onto 1.1 and 1.2, Q2..Q4: 1.1 has saved targets (a reason), 1.2 has one in Q2.
    QGuiApplication.clipboard().setText("1100\t1,200\t1300\n61\t62%\t63\n")
    _go(screen, ROW_11, Q2)
    _press(screen.table_view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    targets = _targets(screen)
    assert [targets[("1.1", p)] for p in ("2025Q2", "2025Q3", "2025Q4")] == [1100.0, 1200.0, 1300.0]
    assert [targets[("1.2", p)] for p in ("2025Q2", "2025Q3", "2025Q4")] == [61.0, 62.0, 63.0]
    assert len(fake_reason.asked) == 1
    assert "Pasted 6 targets" in screen.message_text
    assert _cell(screen, ROW_12, Q4) == "63%"


def test_paste_with_one_bad_cell_saves_nothing(
    qtbot: QtBot, screen: TargetsScreen, fake_reason: FakeReason
) -> None:
    before = _targets(screen)
    QGuiApplication.clipboard().setText("1100\tx12\t1300\n61\t62\t63")
    _go(screen, ROW_11, Q2)
    _press(screen.table_view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert _targets(screen) == before
    assert fake_reason.asked == []
    assert "Nothing was pasted" in screen.message_text
    assert "1.1 · 2025 Q3: 'x12' is not a number" in screen.message_text


def test_paste_onto_read_only_cells_names_them(screen: TargetsScreen, fake_reason: FakeReason) -> None:
    before = _targets(screen)
    QGuiApplication.clipboard().setText("5\n6\n7")  # 2.1, 2.2 (qualitative), 2.3
    _go(screen, ROW_21, Q1)
    _press(screen.table_view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert _targets(screen) == before
    assert "2.2 · 2025 Q1: 2.2 is qualitative" in screen.message_text


def test_delete_clears_a_saved_target_with_a_reason(
    qtbot: QtBot, screen: TargetsScreen, fake_reason: FakeReason
) -> None:
    old = {
        (t.indicator_code, t.period): t
        for t in screen.services.targets.list_targets(screen.programme_code or "")
    }
    _go(screen, ROW_23, Q1)
    QTest.keyClick(screen.table_view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: ("2.3", "2025Q1") not in _targets(screen))
    assert fake_reason.asked[0][1:] == ("10,000 litres", "no target")
    [entry] = screen.services.history.for_entity(old[("2.3", "2025Q1")].uuid)
    assert (entry.old, entry.new, entry.reason) == ("10000", None, "budget_realignment")
    assert _cell(screen, ROW_23, Q1) == ""
    # Backspace on an empty cell: nothing to clear, nothing asked.
    QTest.keyClick(screen.table_view, Qt.Key.Key_Backspace)
    assert len(fake_reason.asked) == 1
    assert "no saved target" in screen.message_text


def test_delete_on_a_selection_asks_once(screen: TargetsScreen, fake_reason: FakeReason) -> None:
    view = screen.table_view
    _go(screen, ROW_11, Q1)
    _press(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    _press(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert len(fake_reason.asked) == 1
    assert not any(i == "1.1" and p in ("2025Q1", "2025Q2", "2025Q3") for i, p in _targets(screen))
    assert ("1.1", "2025Q4") in _targets(screen)


def test_qualitative_row_is_not_editable(screen: TargetsScreen, fake_reason: FakeReason) -> None:
    _go(screen, ROW_22, Q2)
    QTest.keyClicks(screen.table_view, "5")
    assert not isinstance(QApplication.focusWidget(), QLineEdit)
    assert "qualitative" in screen.message_text
    assert ("2.2", "2025Q2") not in _targets(screen)
    assert screen.table_view.currentIndex().row() == ROW_22  # no jump to a row starting with "5"


def test_tab_and_shift_tab_move_without_editing(screen: TargetsScreen, fake_reason: FakeReason) -> None:
    view = screen.table_view
    _go(screen, ROW_11, Q2)
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert view.currentIndex().column() == Q3
    _press(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.currentIndex().column() == Q2
    QTest.keyClick(view, Qt.Key.Key_Up)  # only headings above 1.1: the cursor stays
    assert (view.currentIndex().row(), view.currentIndex().column()) == (ROW_11, Q2)
    QTest.keyClick(view, Qt.Key.Key_Down)
    QTest.keyClick(view, Qt.Key.Key_Down)  # over the OP1 heading
    assert (view.currentIndex().row(), view.currentIndex().column()) == (ROW_21, Q2)
    # Tab past the LoP column goes on at the first period of the next indicator.
    view.setCurrentIndex(screen.model.index(ROW_12, screen.model.lop_column))
    QTest.keyClick(view, Qt.Key.Key_Tab)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (ROW_21, Q1)
    _press(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (ROW_12, Q4)


def test_shift_tab_in_the_editor_saves_and_moves_left(
    qtbot: QtBot, screen: TargetsScreen, fake_reason: FakeReason
) -> None:
    view = screen.table_view
    _go(screen, ROW_12, Q3)
    _type(screen, "70")
    editor = _editor(screen)
    QTest.keyPress(editor, Qt.Key.Key_Shift)  # held down, as a user does
    QTest.keyClick(editor, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyRelease(view, Qt.Key.Key_Shift)
    qtbot.waitUntil(lambda: _targets(screen).get(("1.2", "2025Q3")) == 70.0)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (ROW_12, Q2)
    assert len(view.selectionModel().selectedIndexes()) == 1  # moved, not a range selection


def test_copy_gives_the_numbers_for_a_spreadsheet(screen: TargetsScreen) -> None:
    view = screen.table_view
    _go(screen, ROW_11, Q1)
    _press(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    _press(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "1000\t1000\n"


def test_own_writes_do_not_reload_but_others_do(
    qtbot: QtBot, screen: TargetsScreen, fake_reason: FakeReason
) -> None:
    resets: list[int] = []
    screen.model.modelReset.connect(lambda: resets.append(1))
    _go(screen, ROW_12, Q1)
    _type(screen, "40")
    QTest.keyClick(_editor(screen), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ("1.2", "2025Q1") in _targets(screen))
    assert resets == []
    screen.services.targets.set_target(screen.programme_code or "", "1.2", "2025Q3", 70)
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.context.signals.announce("targets", screen.programme_code)
    assert resets == [1]
    assert _cell(screen, ROW_12, Q3) == "70%"
    screen.context.signals.announce("values", screen.programme_code)  # values do not change targets
    assert not screen.is_busy and resets == [1]


def test_no_programme_and_find(screen: TargetsScreen) -> None:
    _go(screen, ROW_11, Q3)
    assert screen.find_text("litres")
    assert (screen.table_view.currentIndex().row(), screen.table_view.currentIndex().column()) == (ROW_23, Q3)
    assert screen.find_text("WATER POINT")  # the next match, wrapping round: 1.1
    assert screen.table_view.currentIndex().row() == ROW_11
    assert not screen.find_text("nothing like this")
    screen.set_programme(None)
    assert screen.model.rowCount() == 0
    assert "Choose a programme" in screen.empty_label.text()

# SPDX-License-Identifier: GPL-3.0-or-later
"""The Programmes screen and its dialog, driven by keyboard and mouse; the database is read back."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QDateTimeEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import TIER_TEMPLATES, Frequency
from pmdesk.domain.errors import NotFoundError
from pmdesk.domain.periods import CustomPeriod
from pmdesk.services.programmes import ProgrammeData
from pmdesk.ui.context import Services, UiContext
from pmdesk.ui.programmes.programme_dialog import ProgrammeDialog
from pmdesk.ui.programmes.programme_table_model import COL_NAME
from pmdesk.ui.programmes.programmes_screen import ProgrammesScreen
from pmdesk.ui.signals import AppSignals, Navigation
from tests.ui.programme_factory import Built

Yes = QMessageBox.StandardButton.Yes
No = QMessageBox.StandardButton.No


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext, small: Built) -> ProgrammesScreen:
    widget = ProgrammesScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    # Active, as it is in use: keys then reach the focused view on a real display too.
    with qtbot.waitActive(widget):
        widget.activateWindow()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1, timeout=10_000)
    return widget


def type_into(widget: QWidget, text: str) -> None:
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)


def type_date(edit: QDateTimeEdit, digits: str) -> None:
    """As after Tab into the field: the year is selected, and each full part moves on to the next."""
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.YearSection)
    QTest.keyClicks(edit, digits)


def type_in_open_editor(qtbot: QtBot, view: QAbstractItemView, text: str) -> None:
    """Type into the cell editor the view has open, then Enter; the delegate commits on the next
    turn of the event loop."""
    editor = view.focusWidget()
    assert editor is not None and view.state() == QAbstractItemView.State.EditingState
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)


def open_dialog(qtbot: QtBot, screen: ProgrammesScreen, button: object) -> ProgrammeDialog:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]
    dialog = screen.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_lists_programmes_and_summarises_the_selected_one(
    screen: ProgrammesScreen, services: Services
) -> None:
    screen.set_programme("WASH-T")
    assert screen.selected_programme() is not None
    assert screen.model.current_code == "WASH-T"
    fields = screen.summary.fields
    assert screen.summary.heading.text().startswith("WASH-T — Clean water for Zinder")
    assert "current programme" in screen.summary.heading.text()
    assert fields["donor"].text() == "Test donor"
    assert fields["frequency"].text() == "Quarterly — 4 reporting periods (2025 Q1 – 2025 Q4)"
    assert "starts in January" in fields["fiscal"].text()
    assert "Exceeding > 115 %" in fields["thresholds"].text()
    assert fields["tiers"].text() == "Goal › Outcome › Output › Activity"
    assert "11 data values" in fields["contents"].text()
    assert screen.edit_button.isEnabled() and screen.delete_button.isEnabled()


def test_create_a_programme_by_keyboard(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services, signals: AppSignals
) -> None:
    dialog = open_dialog(qtbot, screen, screen.new_button)
    assert dialog.windowTitle() == "New programme"
    type_into(dialog.code_edit, "AG-02")
    type_into(dialog.name_edit, "Farmers' markets")
    type_into(dialog.donor_edit, "Harvest Fund")
    type_date(dialog.start_edit, "20250101")
    type_date(dialog.end_edit, "20261231")
    dialog.frequency_combo.setFocus()
    QTest.keyClick(dialog.frequency_combo, Qt.Key.Key_Down)  # quarterly → half-yearly
    assert dialog.frequency() is Frequency.SEMIANNUAL
    assert not dialog.fiscal_combo.isEnabled()  # only meaningful for annual reporting
    assert dialog.tiers_editor is not None
    dialog.tiers_editor.template_combo.setFocus()
    QTest.keyClicks(dialog.tiers_editor.template_combo, "U")  # USAID
    assert dialog.tiers_editor.tiers() == list(TIER_TEMPLATES["usaid"])
    type_into(dialog.at_risk_spin, "60")
    assert "At risk 60–85 %" in dialog.bands_label.text()
    with qtbot.waitSignals([dialog.saved, signals.navigation_requested], timeout=10_000):
        QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # Enter is OK
    created = services.programmes.get("AG-02")
    assert created.name == "Farmers' markets" and created.donor == "Harvest Fund"
    assert (created.start, created.end) == (date(2025, 1, 1), date(2026, 12, 31))
    assert created.frequency is Frequency.SEMIANNUAL
    assert created.tiers == TIER_TEMPLATES["usaid"]
    assert created.thresholds.at_risk == 60
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)
    selected = screen.selected_programme()
    assert selected is not None and selected.code == "AG-02"


def test_renamed_tiers_and_custom_periods(qtbot: QtBot, screen: ProgrammesScreen, services: Services) -> None:
    dialog = open_dialog(qtbot, screen, screen.new_button)
    type_into(dialog.code_edit, "EVAL")
    type_into(dialog.name_edit, "Evaluation")
    dialog.frequency_combo.setCurrentIndex(dialog.frequency_combo.findData(Frequency.CUSTOM))
    assert dialog.periods_box.isVisibleTo(dialog)
    editor = dialog.periods_editor
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)  # opens the new code cell
    type_in_open_editor(qtbot, editor.table, "BASELINE")
    assert editor.periods()[0].code == "BASELINE"
    assert dialog.tiers_editor is not None
    tiers = dialog.tiers_editor
    tiers.select_template("okr")
    tiers.list_view.setCurrentIndex(tiers.model.index(1))
    tiers.list_view.setFocus()
    QTest.keyClick(tiers.list_view, Qt.Key.Key_F2)
    type_in_open_editor(qtbot, tiers.list_view, "Result")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert services.programmes.get("EVAL").tiers == ("Objective", "Result")
    assert [p.code for p in services.programmes.periods("EVAL")] == ["BASELINE"]


def test_invalid_input_shows_the_problems_and_creates_nothing(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services
) -> None:
    dialog = open_dialog(qtbot, screen, screen.new_button)
    type_into(dialog.code_edit, "AG-02")
    type_into(dialog.name_edit, "Farmers' markets")
    type_date(dialog.start_edit, "20260101")
    type_date(dialog.end_edit, "20250101")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=10_000)
    assert "before it starts" in dialog.error_label.text()
    assert "Nothing was saved" in dialog.error_label.text()
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.focusWidget() is dialog.end_edit  # the field to fix
    assert [p.code for p in services.programmes.list_programmes()] == ["WASH-T"]
    # Fixed, it goes through.
    type_date(dialog.end_edit, "20271231")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert services.programmes.get("AG-02").end == date(2027, 12, 31)


def test_a_duplicate_code_is_refused(qtbot: QtBot, screen: ProgrammesScreen, services: Services) -> None:
    dialog = open_dialog(qtbot, screen, screen.new_button)
    type_into(dialog.code_edit, "WASH-T")
    type_into(dialog.name_edit, "Again")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=10_000)
    assert "already exists" in dialog.error_label.text()
    assert services.programmes.get("WASH-T").name == "Clean water for Zinder"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_edit_changes_the_name(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services, signals: AppSignals
) -> None:
    screen.table.setFocus()
    QTest.keyClick(screen.table, Qt.Key.Key_F2)
    dialog = screen.dialog
    assert dialog is not None
    assert dialog.windowTitle() == "Edit programme WASH-T"
    assert dialog.tiers_editor is None  # tiers are renamed on the Framework screen
    assert dialog.name_edit.text() == "Clean water for Zinder"
    type_into(dialog.name_edit, "Clean water for Zinder and Maradi")
    with qtbot.waitSignal(signals.data_changed, timeout=10_000) as changed:
        QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert changed.args[0].kind == "programmes" and changed.args[0].programme_code == "WASH-T"
    assert services.programmes.get("WASH-T").name == "Clean water for Zinder and Maradi"
    qtbot.waitUntil(
        lambda: screen.model.data(screen.model.index(0, COL_NAME)) == "Clean water for Zinder and Maradi",
        timeout=10_000,
    )


def test_edit_refuses_dates_that_would_orphan_data(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services
) -> None:
    dialog = open_dialog(qtbot, screen, screen.edit_button)
    assert "11 data values" in dialog.data_hint.text()
    type_date(dialog.start_edit, "20250701")  # Q1 and Q2 hold data
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=10_000)
    assert "2025Q1" in dialog.error_label.text()
    assert services.programmes.get("WASH-T").start == date(2025, 1, 1)


def test_an_edit_dropping_periods_with_targets_or_explanations_asks_first_and_keeps_them(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmdesk.ui.programmes import programme_dialog

    services.variance.set("WASH-T", "1.1", "2025Q4", "The campaign moved to January.")
    asked: list[str] = []
    answer = [False]

    def confirm(_parent: QWidget, error: Exception) -> bool:
        asked.append(str(error))
        return answer[0]

    monkeypatch.setattr(programme_dialog, "confirm_keeping_outside", confirm)
    dialog = open_dialog(qtbot, screen, screen.edit_button)
    type_date(dialog.end_edit, "20250930")  # drops 2025Q4: its targets and the explanation
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=10_000)
    assert asked == [
        "The new dates or frequency drop 1 period (2025Q4) that 3 targets and 1 variance explanation "
        "refer to. Saving keeps them, never deletes them: the IPTT's variance dialog and 'pmdesk "
        "explain' list such explanations as for periods the programme no longer has, and changing "
        "the dates back brings them back."
    ]
    assert "2025Q4" in dialog.error_label.text() and dialog.isVisible()
    assert services.programmes.get("WASH-T").end == date(2025, 12, 31)  # No: nothing saved

    answer[0] = True
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2
    assert services.programmes.get("WASH-T").end == date(2025, 9, 30)
    assert [(e.indicator_code, e.period) for e in services.variance.orphaned("WASH-T")] == [("1.1", "2025Q4")]


def test_renaming_the_current_programme_keeps_it_current(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services, signals: AppSignals
) -> None:
    screen.set_programme("WASH-T")
    dialog = open_dialog(qtbot, screen, screen.edit_button)
    type_into(dialog.code_edit, "WASH-Z")
    with qtbot.waitSignal(signals.navigation_requested, timeout=10_000) as asked:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert asked.args == [Navigation("programmes", "WASH-Z")]
    assert services.programmes.get("WASH-Z").value_count == 11


def test_edit_custom_periods(qtbot: QtBot, screen: ProgrammesScreen, services: Services) -> None:
    services.programmes.create(
        ProgrammeData("EVAL", "Evaluation", date(2024, 1, 1), date(2026, 12, 31), Frequency.CUSTOM),
        custom_periods=[CustomPeriod("BASELINE", date(2024, 1, 1), date(2024, 3, 31))],
    )
    screen.refresh()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)
    screen.select_programme("EVAL")
    dialog = open_dialog(qtbot, screen, screen.edit_button)
    editor = dialog.periods_editor
    assert [p.code for p in editor.periods()] == ["BASELINE"]
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    type_in_open_editor(qtbot, editor.table, "ENDLINE")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert [p.code for p in services.programmes.periods("EVAL")] == ["BASELINE", "ENDLINE"]


def test_delete_with_values_asks_and_no_keeps_it(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, object]] = []

    def answer(_parent: object, _title: str, text: str, _buttons: object, default: object) -> object:
        asked.append((text, default))
        return No

    monkeypatch.setattr(QMessageBox, "question", answer)
    screen.table.setFocus()
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1
    text, default = asked[0]
    assert "11 data values" in text and default == No
    assert services.programmes.get("WASH-T").value_count == 11


def test_delete_with_values_yes_deletes_it(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *args: Yes)
    with qtbot.waitSignal(screen.programme_deleted, timeout=10_000):
        qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    with pytest.raises(NotFoundError):
        services.programmes.get("WASH-T")
    qtbot.waitUntil(lambda: screen.model.rowCount() == 0, timeout=10_000)
    assert not screen.edit_button.isEnabled() and not screen.delete_button.isEnabled()
    assert "no programme yet" in screen.summary.empty_label.text()


def test_delete_without_values_asks_a_simple_question(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.programmes.create(ProgrammeData("AG-02", "Markets", date(2025, 1, 1), date(2025, 12, 31)))
    screen.refresh()
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)
    screen.select_programme("AG-02")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *rest: asked.append(text) or Yes)
    screen.table.setFocus()
    with qtbot.waitSignal(screen.programme_deleted, timeout=10_000):
        QTest.keyClick(screen.table, Qt.Key.Key_Delete)
    assert "holds no data values" in asked[0]
    assert [p.code for p in services.programmes.list_programmes()] == ["WASH-T"]


def test_double_click_and_enter_open_the_iptt(
    qtbot: QtBot, screen: ProgrammesScreen, signals: AppSignals
) -> None:
    rect = screen.table.visualRect(screen.model.index(0, COL_NAME))
    with qtbot.waitSignal(signals.navigation_requested) as asked:
        # A real double-click starts with a press: the view only opens the item it was pressed on.
        qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert asked.args == [Navigation("iptt", "WASH-T")]
    screen.table.setFocus()
    with qtbot.waitSignal(signals.navigation_requested) as asked:
        QTest.keyClick(screen.table, Qt.Key.Key_Return)
    assert asked.args == [Navigation("iptt", "WASH-T")]


def test_changes_elsewhere_refresh_the_counts(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services, signals: AppSignals
) -> None:
    services.sites.add_site("WASH-T", "S3", "Tanout", "ZR")
    signals.announce("sites", "WASH-T")
    qtbot.waitUntil(lambda: "5 sites" in screen.summary.fields["contents"].text(), timeout=10_000)


def test_changes_while_hidden_are_read_when_shown(
    qtbot: QtBot, screen: ProgrammesScreen, services: Services, signals: AppSignals
) -> None:
    screen.hide()
    services.sites.add_site("WASH-T", "S3", "Tanout", "ZR")
    signals.announce("sites", "WASH-T")
    signals.announce("values", "WASH-T")
    assert screen._load_job is None  # nothing read while hidden
    screen.show()
    qtbot.waitUntil(lambda: "5 sites" in screen.summary.fields["contents"].text(), timeout=10_000)

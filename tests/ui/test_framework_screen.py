# SPDX-License-Identifier: GPL-3.0-or-later
"""The Framework & indicators screen and its dialogs, driven by keyboard and mouse like a user would."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QTextBrowser, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import TIER_TEMPLATES, ChangeReason, Cumulation, Direction, Measure
from pmdesk.domain.errors import NotFoundError
from pmdesk.services.framework_records import (
    DisaggregationInfo,
    IndicatorData,
    IndicatorInfo,
    OptionData,
    ResultData,
)
from pmdesk.services.sites import PersonInfo
from pmdesk.ui.context import UiContext
from pmdesk.ui.framework import indicator_dialog as indicator_dialog_module
from pmdesk.ui.framework.disaggregation_dialog import DisaggregationEditDialog, DisaggregationsDialog
from pmdesk.ui.framework.framework_reference_sheet import indicator_sheet_html
from pmdesk.ui.framework.framework_screen import FrameworkScreen
from pmdesk.ui.framework.framework_tree_model import INDICATOR, MIME_TYPE, RESULT, NodeKey
from pmdesk.ui.framework.indicator_dialog import IndicatorDialog
from pmdesk.ui.framework.result_dialog import ResultDialog
from pmdesk.ui.framework.tiers_dialog import TiersDialog
from pmdesk.ui.signals import Navigation
from pmdesk.ui.widgets.reason_dialog import ReasonDialog
from tests.ui.programme_factory import Built

CODE = "WASH-T"
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def wait_loaded(qtbot: QtBot, screen: FrameworkScreen) -> None:
    qtbot.waitUntil(lambda: not screen.is_busy, timeout=5000)


def when_modal(kind: type[QWidget], handler: Callable[[QWidget], None], tries: int = 300) -> None:
    """Run `handler` on the next modal `kind` to appear (a blocking exec() is waiting for it)."""

    def poll(left: int) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            # The offscreen platform does not activate new windows by itself; keys typed into an
            # inactive dialog would go to the shortcuts of the window behind it.
            widget.activateWindow()
            QApplication.processEvents()
            try:
                handler(widget)
            finally:
                if widget.isVisible():  # never leave a test hanging in exec()
                    widget.close()
                    raise AssertionError(f"{kind.__name__} was left open")
        elif left > 0:
            QTimer.singleShot(10, lambda: poll(left - 1))

    QTimer.singleShot(0, lambda: poll(tries))


def press_ok(dialog: QWidget) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(QDialogButtonBox.StandardButton.Ok).click()


def mime(kind: str, code: str) -> QMimeData:
    data = QMimeData()
    data.setData(MIME_TYPE, json.dumps({"kind": kind, "code": code}).encode())
    return data


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext, small: Built) -> FrameworkScreen:
    widget = FrameworkScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.set_programme(small.code)
    wait_loaded(qtbot, widget)
    return widget


def focus_tree(screen: FrameworkScreen) -> None:
    """As after a dialog closed: the screen's window active again, the cursor in the tree."""
    screen.activateWindow()
    screen.tree_view.setFocus()
    QApplication.processEvents()


def select(screen: FrameworkScreen, kind: str, code: str) -> None:
    assert screen.select_key(NodeKey(kind, code))
    focus_tree(screen)


def test_shows_the_tree_and_the_reference_sheet(screen: FrameworkScreen) -> None:
    assert screen.name == "framework" and screen.title == "Framework & indicators"
    assert "WASH-T" in screen.title_label.text()
    model = screen.model
    assert [model.key_at(i).code for i in model.walk()] == [
        "G1",
        "O1",
        "1.1",
        "1.2",
        "OP1",
        "2.1",
        "2.2",
        "2.3",
    ]
    assert screen.current_key() == NodeKey(RESULT, "G1")
    assert "Healthier families in Zinder" in screen.sheet.toPlainText()
    select(screen, INDICATOR, "1.2")
    sheet = screen.sheet.toPlainText()
    assert "Households treating their drinking water" in sheet
    assert "40%" in sheet and "Percent indicators always behave as running totals" in sheet
    assert screen.edit_action.isEnabled() and screen.add_indicator_action.isEnabled()


def test_add_a_result_below_another_by_keyboard(qtbot: QtBot, screen: FrameworkScreen) -> None:
    select(screen, RESULT, "O1")
    seen: list[str] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, ResultDialog)
        seen.append(dialog.parent_combo.currentText().strip())
        seen.append(dialog.tier_combo.currentText())
        QTest.keyClicks(dialog.focusWidget(), "OP2")
        QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        QTest.keyClicks(dialog.focusWidget(), "Latrines built")
        QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)

    when_modal(ResultDialog, fill)
    qtbot.keyClick(screen.tree_view, Qt.Key.Key_B, CTRL_SHIFT)
    wait_loaded(qtbot, screen)
    assert seen == ["Outcome · O1 Improved access to safe water", "Output"]
    added = {r.code: r for r in screen.services.framework.list_results(CODE)}["OP2"]
    assert (added.title, added.tier, added.parent_code) == ("Latrines built", "Output", "O1")
    assert screen.current_key() == NodeKey(RESULT, "OP2")


def test_a_result_without_title_is_refused_in_the_dialog(qtbot: QtBot, screen: FrameworkScreen) -> None:
    outcome: dict[str, object] = {}

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, ResultDialog)
        QTest.keyClicks(dialog.code_edit, "X1")
        press_ok(dialog)
        outcome["visible"] = dialog.isVisible()
        outcome["message"] = dialog.error_banner.message
        dialog.reject()

    when_modal(ResultDialog, fill)
    screen.add_result_action.trigger()
    assert outcome == {"visible": True, "message": "Title: a title is required"}
    assert "X1" not in {r.code for r in screen.services.framework.list_results(CODE)}


def test_add_an_indicator_with_every_field(qtbot: QtBot, screen: FrameworkScreen) -> None:
    services = screen.services
    services.framework.save_disaggregation(
        CODE, "SEX", "Sex", [OptionData("F", "Female"), OptionData("M", "Male")]
    )
    services.sites.save_person(CODE, "amina", "Amina Yusuf", role="M&E officer")
    screen.refresh()
    wait_loaded(qtbot, screen)
    select(screen, RESULT, "OP1")

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, IndicatorDialog)
        assert dialog.result_combo.currentData() == "OP1"
        QTest.keyClicks(dialog.code_edit, "2.4")
        QTest.keyClicks(dialog.name_edit, "Latrines in use")
        dialog.definition_edit.setPlainText("Latrines seen in use at a spot check")
        dialog.rationale_edit.setPlainText("Use, not construction, protects health")
        dialog.measure_combo.setCurrentIndex(dialog.measure_combo.findData(Measure.NUMBER))
        dialog.unit_edit.setText("latrines")
        dialog.direction_combo.setCurrentIndex(dialog.direction_combo.findData(Direction.INCREASE))
        dialog.cumulation_buttons[Cumulation.CUMULATIVE].click()
        dialog.disaggregation_model.set_chosen("SEX", True)
        dialog.baseline_value_edit.setText("12.5")
        dialog.baseline_date_check.setChecked(True)
        dialog.baseline_date_edit.setDate(date(2024, 12, 31))
        dialog.baseline_note_edit.setPlainText("Survey of November 2024")
        dialog.lop_target_edit.setText("1,200")
        dialog.data_source_edit.setText("Spot-check forms")
        dialog.collection_method_edit.setPlainText("Unannounced visits")
        dialog.frequency_combo.setCurrentText("Quarterly")
        dialog.responsible_combo.setCurrentIndex(dialog.responsible_combo.findData("amina"))
        dialog.verification_edit.setPlainText("Signed forms on file")
        press_ok(dialog)

    when_modal(IndicatorDialog, fill)
    screen.add_indicator_action.trigger()
    wait_loaded(qtbot, screen)
    saved = services.framework.get_indicator(CODE, "2.4")
    assert saved.data == IndicatorData(
        code="2.4",
        name="Latrines in use",
        result_code="OP1",
        measure=Measure.NUMBER,
        direction=Direction.INCREASE,
        cumulation=Cumulation.CUMULATIVE,
        unit="latrines",
        definition="Latrines seen in use at a spot check",
        disaggregations=("SEX",),
        baseline_value=12.5,
        baseline_date=date(2024, 12, 31),
        baseline_note="Survey of November 2024",
        lop_target=1200.0,
        data_source="Spot-check forms",
        collection_method="Unannounced visits",
        frequency="Quarterly",
        responsible_code="amina",
        means_of_verification="Signed forms on file",
        rationale="Use, not construction, protects health",
    )
    assert screen.current_key() == NodeKey(INDICATOR, "2.4")
    assert "Amina Yusuf" in screen.sheet.toPlainText() and "Sex: Female, Male" in screen.sheet.toPlainText()


def test_changing_a_set_baseline_asks_why_and_history_keeps_the_reason(
    qtbot: QtBot, screen: FrameworkScreen
) -> None:
    select(screen, INDICATOR, "1.2")
    asked: list[str] = []

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, ReasonDialog)
        asked.append(dialog.windowTitle())
        dialog.reason_box.setCurrentIndex(dialog.reason_box.findData(ChangeReason.CHANGE_IN_CONTEXT))
        QTest.keyClicks(dialog.text_edit, "New census figures")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    def edit(dialog: QWidget) -> None:
        assert isinstance(dialog, IndicatorDialog)
        assert not dialog.measure_combo.isEnabled()  # it has values
        dialog.baseline_value_edit.selectAll()
        QTest.keyClicks(dialog.baseline_value_edit, "45")
        when_modal(ReasonDialog, answer)
        press_ok(dialog)

    when_modal(IndicatorDialog, edit)
    qtbot.keyClick(screen.tree_view, Qt.Key.Key_Return)
    wait_loaded(qtbot, screen)
    assert asked == ["Why does this change?"]
    info = screen.services.framework.get_indicator(CODE, "1.2")
    assert info.data.baseline_value == 45
    entry = next(e for e in screen.services.history.for_entity(info.uuid) if e.field == "baseline_value")
    assert (entry.old, entry.new, entry.reason, entry.reason_text) == (
        "40",
        "45",
        "change_in_context",
        "New census figures",
    )


def test_cancelling_the_reason_saves_nothing(
    qtbot: QtBot, screen: FrameworkScreen, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, str, str]] = []

    def cancel(parent: QWidget | None, what: str, old: str, new: str) -> None:
        asked.append((what, old, new))
        return None

    monkeypatch.setattr(indicator_dialog_module, "ask_reason", cancel)
    framework = screen.services.framework
    before = framework.get_indicator(CODE, "1.2")
    snapshot = screen.snapshot
    assert snapshot is not None
    dialog = IndicatorDialog(
        framework, CODE, snapshot.results, snapshot.disaggregations, snapshot.people, indicator=before
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.baseline_value_edit.setText("50")
    dialog.name_edit.setText("Renamed while changing the baseline")
    dialog.accept()
    assert asked == [("Baseline of indicator 1.2", "40", "50")]
    assert dialog.isVisible() and dialog.saved is None
    assert "needs a reason" in dialog.error_banner.message
    assert dialog.tabs.currentIndex() == 2  # the baseline tab, where the cursor now is
    assert framework.get_indicator(CODE, "1.2").data == before.data


def test_a_bad_number_is_refused_in_the_dialog(qtbot: QtBot, screen: FrameworkScreen) -> None:
    framework = screen.services.framework
    before = framework.get_indicator(CODE, "2.1")
    snapshot = screen.snapshot
    assert snapshot is not None
    dialog = IndicatorDialog(framework, CODE, snapshot.results, (), (), indicator=before)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.lop_target_edit.setText("lots")
    dialog.accept()
    assert dialog.error_banner.message == "LoP target: 'lots' is not a number"
    assert dialog.saved is None and framework.get_indicator(CODE, "2.1").data == before.data
    dialog.lop_target_edit.setText("")
    dialog.code_edit.setText("1.1")  # taken
    dialog.accept()
    assert "already has an indicator '1.1'" in dialog.error_banner.message
    assert dialog.tabs.currentIndex() == 0


def test_changed_disaggregations_over_data_tell_the_user(
    qtbot: QtBot, screen: FrameworkScreen, monkeypatch: pytest.MonkeyPatch
) -> None:
    framework = screen.services.framework
    framework.save_disaggregation(CODE, "SEX", "Sex", [OptionData("F", "Female"), OptionData("M", "Male")])
    notices: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "information", staticmethod(lambda parent, title, text, *a: notices.append(text))
    )
    info = framework.get_indicator(CODE, "1.1")
    dialog = IndicatorDialog(
        framework, CODE, screen.snapshot.results, framework.list_disaggregations(CODE), (), indicator=info
    )
    qtbot.addWidget(dialog)
    dialog.disaggregation_model.set_chosen("SEX", True)
    dialog.accept()
    assert dialog.saved is not None
    assert len(notices) == 1 and "4 existing values keep their cells" in notices[0]
    assert framework.get_indicator(CODE, "1.1").data.disaggregations == ("SEX",)


def test_move_a_result_by_dropping_it(qtbot: QtBot, screen: FrameworkScreen) -> None:
    g1 = screen.model.index_of(NodeKey(RESULT, "G1"))
    assert screen.model.dropMimeData(mime(RESULT, "OP1"), Qt.DropAction.MoveAction, -1, 0, g1)
    wait_loaded(qtbot, screen)
    results = {r.code: r for r in screen.services.framework.list_results(CODE)}
    assert results["OP1"].parent_code == "G1"
    assert [r.code for r in screen.model.results_below("G1")] == ["O1", "OP1"]
    assert screen.current_key() == NodeKey(RESULT, "OP1")
    # Between rows: back under O1, before its indicators' siblings → first result there.
    o1 = screen.model.index_of(NodeKey(RESULT, "O1"))
    assert screen.model.dropMimeData(mime(RESULT, "OP1"), Qt.DropAction.MoveAction, 2, 0, o1)
    wait_loaded(qtbot, screen)
    assert {r.code: r for r in screen.services.framework.list_results(CODE)}["OP1"].parent_code == "O1"


def test_a_cycle_is_refused(qtbot: QtBot, screen: FrameworkScreen) -> None:
    op1 = screen.model.index_of(NodeKey(RESULT, "OP1"))
    before = screen.services.framework.list_results(CODE)
    assert not screen.model.canDropMimeData(mime(RESULT, "G1"), Qt.DropAction.MoveAction, -1, 0, op1)
    assert not screen.model.dropMimeData(mime(RESULT, "G1"), Qt.DropAction.MoveAction, -1, 0, op1)
    assert not screen.is_busy
    # Should a drop slip through anyway, the service refuses and the screen says so.
    screen.model.result_move_requested.emit("G1", "OP1", 0)
    assert "cannot move under itself" in screen.banner.message
    assert screen.services.framework.list_results(CODE) == before


def test_drag_an_indicator_to_another_result(qtbot: QtBot, screen: FrameworkScreen) -> None:
    op1 = screen.model.index_of(NodeKey(RESULT, "OP1"))
    assert screen.model.dropMimeData(mime(INDICATOR, "1.1"), Qt.DropAction.MoveAction, -1, 0, op1)
    wait_loaded(qtbot, screen)
    info = screen.services.framework.get_indicator(CODE, "1.1")
    assert info.data.result_code == "OP1" and info.value_count == 4
    # Dropped onto the result, it joins at the end; between two rows, it goes there.
    assert [i.data.code for i in screen.model.indicators_of("OP1")] == ["2.1", "2.2", "2.3", "1.1"]
    op1 = screen.model.index_of(NodeKey(RESULT, "OP1"))
    assert screen.model.dropMimeData(mime(INDICATOR, "1.1"), Qt.DropAction.MoveAction, 1, 0, op1)
    wait_loaded(qtbot, screen)
    assert [i.data.code for i in screen.model.indicators_of("OP1")] == ["2.1", "1.1", "2.2", "2.3"]
    assert screen.current_key() == NodeKey(INDICATOR, "1.1")


def test_reorder_indicators_by_keyboard_survives_a_reload(qtbot: QtBot, screen: FrameworkScreen) -> None:
    select(screen, INDICATOR, "2.2")
    assert screen.move_up_action.isEnabled() and screen.move_down_action.isEnabled()
    qtbot.keyClick(screen.tree_view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    wait_loaded(qtbot, screen)
    assert [i.data.code for i in screen.model.indicators_of("OP1")] == ["2.2", "2.1", "2.3"]
    assert screen.current_key() == NodeKey(INDICATOR, "2.2")
    assert not screen.move_up_action.isEnabled()  # first among its result's indicators
    for _ in range(2):
        qtbot.keyClick(screen.tree_view, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
        wait_loaded(qtbot, screen)
    assert [i.data.code for i in screen.model.indicators_of("OP1")] == ["2.1", "2.3", "2.2"]
    assert not screen.move_down_action.isEnabled()
    listed = [i.data.code for i in screen.services.framework.list_indicators(CODE)]
    assert listed.index("2.1") < listed.index("2.3") < listed.index("2.2")


def test_reorder_results_by_keyboard(qtbot: QtBot, screen: FrameworkScreen) -> None:
    framework = screen.services.framework
    framework.save_result(CODE, ResultData("O2", "Hygiene improved", "Outcome", "G1"))
    screen.refresh()
    wait_loaded(qtbot, screen)
    select(screen, RESULT, "O2")
    assert screen.move_up_action.isEnabled() and not screen.move_down_action.isEnabled()
    qtbot.keyClick(screen.tree_view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    wait_loaded(qtbot, screen)
    assert [r.code for r in screen.model.results_below("G1")] == ["O2", "O1"]


def test_delete_an_indicator_with_values_asks_first(qtbot: QtBot, screen: FrameworkScreen) -> None:
    framework = screen.services.framework
    select(screen, INDICATOR, "1.1")
    questions: list[str] = []

    def answer(button: QMessageBox.StandardButton) -> Callable[[QWidget], None]:
        def click(box: QWidget) -> None:
            assert isinstance(box, QMessageBox)
            questions.append(box.text())
            assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
            box.button(button).click()

        return click

    when_modal(QMessageBox, answer(QMessageBox.StandardButton.No))
    qtbot.keyClick(screen.tree_view, Qt.Key.Key_Delete)
    assert "has 4 data values" in questions[0]
    assert framework.get_indicator(CODE, "1.1").value_count == 4

    when_modal(QMessageBox, answer(QMessageBox.StandardButton.Yes))
    focus_tree(screen)
    qtbot.keyClick(screen.tree_view, Qt.Key.Key_Delete)
    wait_loaded(qtbot, screen)
    with pytest.raises(NotFoundError):
        framework.get_indicator(CODE, "1.1")
    assert screen.current_key() == NodeKey(RESULT, "O1")


def test_delete_a_result_that_has_indicators_is_refused(qtbot: QtBot, screen: FrameworkScreen) -> None:
    select(screen, RESULT, "O1")
    screen.delete_action.trigger()  # no question: the service refuses and the screen says why
    assert "has 2 indicators and 1 results below it" in screen.banner.message
    assert "O1" in {r.code for r in screen.services.framework.list_results(CODE)}


def test_tiers_dialog_applies_the_dfid_template(qtbot: QtBot, screen: FrameworkScreen) -> None:
    def apply(dialog: QWidget) -> None:
        assert isinstance(dialog, TiersDialog)
        dialog.select_template("dfid")
        dialog.apply_button.click()
        press_ok(dialog)

    when_modal(TiersDialog, apply)
    qtbot.keyClick(screen.tree_view, Qt.Key.Key_T, CTRL_SHIFT)
    wait_loaded(qtbot, screen)
    assert screen.services.programmes.get(CODE).tiers == TIER_TEMPLATES["dfid"]
    assert screen.model.data(screen.model.index_of(NodeKey(RESULT, "G1"))).startswith("Impact · G1")


def test_tiers_dialog_refuses_to_drop_a_tier_in_use(qtbot: QtBot, screen: FrameworkScreen) -> None:
    snapshot = screen.snapshot
    assert snapshot is not None
    dialog = TiersDialog(screen.services.programmes, CODE, snapshot.tiers, [1, 1, 1, 0])
    qtbot.addWidget(dialog)
    dialog.select_template("okr")
    dialog.apply_button.click()
    dialog.accept()
    assert "has results" in dialog.error_banner.message
    assert screen.services.programmes.get(CODE).tiers == TIER_TEMPLATES["logframe"]


def test_disaggregation_dialog_adds_an_option(qtbot: QtBot, screen: FrameworkScreen) -> None:
    framework = screen.services.framework
    framework.save_disaggregation(CODE, "SEX", "Sex", [OptionData("F", "Female"), OptionData("M", "Male")])
    screen.refresh()
    wait_loaded(qtbot, screen)

    def edit_option(dialog: QWidget) -> None:
        assert isinstance(dialog, DisaggregationEditDialog)
        dialog.add_option_button.click()
        QTest.keyClicks(QApplication.focusWidget(), "X")  # the new row's code cell is open
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        QApplication.processEvents()  # the delegate commits on the next turn of the event loop
        dialog.options_view.setCurrentIndex(dialog.option_model.index(2, 1))
        QTest.keyClick(dialog.options_view, Qt.Key.Key_F2)
        QTest.keyClicks(QApplication.focusWidget(), "Another sex")
        QTest.keyClick(dialog.options_view, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # Move up
        QTest.qWait(200)  # a button pressed by its shortcut clicks after its 100 ms press animation
        press_ok(dialog)

    def open_sex(dialog: QWidget) -> None:
        assert isinstance(dialog, DisaggregationsDialog)
        dialog.view.selectRow(dialog.model.row_of("SEX"))
        dialog.view.setFocus()
        when_modal(DisaggregationEditDialog, edit_option)
        QTest.keyClick(dialog.view, Qt.Key.Key_Return)
        assert dialog.model.data(dialog.model.index(0, 2)) == "Female, Another sex, Male"
        dialog.reject()

    when_modal(DisaggregationsDialog, open_sex)
    screen.disaggregations_action.trigger()
    wait_loaded(qtbot, screen)
    sex = framework.list_disaggregations(CODE)[0]
    assert sex.options == (OptionData("F", "Female"), OptionData("X", "Another sex"), OptionData("M", "Male"))
    assert [d.code for d in screen.snapshot.disaggregations] == ["SEX"]


def test_removing_an_option_with_data_is_refused(qtbot: QtBot, screen: FrameworkScreen) -> None:
    services = screen.services
    services.framework.save_disaggregation(
        CODE, "SEX", "Sex", [OptionData("F", "Female"), OptionData("M", "Male")]
    )
    current = services.framework.get_indicator(CODE, "2.3").data
    services.framework.save_indicator(CODE, replace(current, disaggregations=("SEX",)), original_code="2.3")
    services.entry.set_value(CODE, "2.3", "2025Q2", "S1", {"SEX": "F"}, value=5)
    sex = services.framework.list_disaggregations(CODE)[0]
    dialog = DisaggregationEditDialog(services.framework, CODE, sex)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.code_edit.isReadOnly()
    dialog.options_view.setCurrentIndex(dialog.option_model.index(0, 0))
    dialog.remove_option_button.click()
    press_ok(dialog)
    assert dialog.isVisible() and dialog.saved is None
    assert dialog.error_banner.message == "option SEX=F has data values; it is kept"
    assert services.framework.list_disaggregations(CODE)[0].options == sex.options


def test_navigate_and_find(qtbot: QtBot, screen: FrameworkScreen) -> None:
    screen.navigate(Navigation("framework", CODE, indicator_code="2.3"))
    assert screen.current_key() == NodeKey(INDICATOR, "2.3")
    assert screen.find_text("BUILT and working")
    assert screen.current_key() == NodeKey(RESULT, "OP1")
    assert not screen.find_text("no such words")


def test_no_programme_disables_everything(qtbot: QtBot, screen: FrameworkScreen) -> None:
    screen.set_programme(None)
    assert screen.model.rowCount() == 0
    for action in (screen.add_result_action, screen.tiers_action, screen.edit_action, screen.delete_action):
        assert not action.isEnabled()
    assert "Choose a programme" in screen.sheet.toPlainText()


def test_changes_elsewhere_refresh_the_screen(qtbot: QtBot, screen: FrameworkScreen) -> None:
    framework = screen.services.framework
    framework.save_result(CODE, ResultData("O9", "Hygiene improved", "Outcome", "G1"))
    screen.context.signals.announce("framework", CODE)
    wait_loaded(qtbot, screen)
    assert "O9" in [r.code for r in screen.model.results_below("G1")]


def test_the_reference_sheet_shows_every_field() -> None:
    person = PersonInfo(1, "u", "amina", "Amina Yusuf", "Maji Safi", "M&E officer", "amina@example.org")
    sex = DisaggregationInfo(1, "u", "SEX", "Sex", (OptionData("F", "Female"), OptionData("M", "Male")))
    data = IndicatorData(
        "1.1",
        "Pupils reached",
        "O1",
        Measure.NUMBER,
        Direction.DECREASE,
        Cumulation.CUMULATIVE,
        "pupils",
        "Pupils <reached> & counted",
        ("SEX",),
        12.5,
        date(2024, 12, 31),
        "Survey",
        None,
        "Registers",
        "Head counts",
        "Quarterly",
        "amina",
        "Signed forms",
        "Why it matters",
    )
    info = IndicatorInfo(1, "u", data, 1234)
    for narrow in (False, True):
        view = QTextBrowser()
        view.setHtml(indicator_sheet_html(info, None, {"SEX": sex}, {"amina": person}, narrow))
        text = view.toPlainText()
        for expected in (
            "1.1 Pupils reached",
            "Pupils <reached> & counted",  # user text is escaped, never taken for markup
            "Why it matters",
            "Number",
            "pupils",
            "Decrease is better",
            "Cumulative: values are increments",
            "Sex: Female, Male",
            "12.5 on 2024-12-31",
            "Survey",
            "derived: the last period's target",
            "Registers",
            "Head counts",
            "Quarterly",
            "Amina Yusuf, M&E officer (Maji Safi)",
            "Signed forms",
            "1,234",
        ):
            assert expected in text, (narrow, expected)


def test_the_decimals_checkbox_saves_and_the_reference_sheet_says_it(
    qtbot: QtBot, screen: FrameworkScreen
) -> None:
    framework = screen.services.framework
    before = framework.get_indicator(CODE, "1.1")
    assert before.data.allows_decimals is False
    dialog = IndicatorDialog(framework, CODE, screen.snapshot.results, (), (), indicator=before)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.decimals_check.isEnabled() and not dialog.decimals_check.isChecked()
    dialog.decimals_check.setChecked(True)
    dialog.accept()
    assert dialog.saved is not None
    after = framework.get_indicator(CODE, "1.1")
    assert after.data.allows_decimals is True
    assert "Decimals</" in indicator_sheet_html(after, None, {}, {}) and "allowed" in indicator_sheet_html(
        after, None, {}, {}
    )
    assert "whole numbers only" in indicator_sheet_html(before, None, {}, {})

    fresh = IndicatorDialog(framework, CODE, screen.snapshot.results, (), ())
    qtbot.addWidget(fresh)
    fresh.measure_combo.setCurrentIndex(fresh.measure_combo.findData(Measure.QUALITATIVE))
    assert not fresh.decimals_check.isEnabled()
    fresh.measure_combo.setCurrentIndex(fresh.measure_combo.findData(Measure.PERCENT))
    assert fresh.decimals_check.isEnabled()

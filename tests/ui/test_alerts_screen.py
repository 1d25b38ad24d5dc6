# SPDX-License-Identifier: GPL-3.0-or-later
"""AlertsScreen and AlertWatcher: alerts loaded through a worker, opened in the IPTT, acknowledged
by keyboard; triggers added and refused in a dialog that keeps what was typed; navigation to one
alert; evaluation after a change of values, whichever screen is on view."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.services.actions import ActionFilter
from pmdesk.services.actor import Actor
from pmdesk.services.alert_records import TriggerData
from pmdesk.services.demo import DEMO_CODE, DemoService
from pmdesk.storage.database import Database
from pmdesk.ui.alerts.acknowledge_dialog import AcknowledgeDialog
from pmdesk.ui.alerts.alert_table_model import COL_STATUS
from pmdesk.ui.alerts.alert_watcher import AlertWatcher
from pmdesk.ui.alerts.alerts_screen import AlertsScreen
from pmdesk.ui.alerts.trigger_dialog import TriggerDialog
from pmdesk.ui.context import UiContext
from pmdesk.ui.signals import ChangeKind, DataChange, Navigation
from tests.unit.builders import small_programme

P = "WASH-01"


def when_modal(kind: type[QWidget], handler: Callable[[QWidget], None], tries: int = 300) -> None:
    """Run `handler` on the next modal `kind` to appear (a blocking exec() is waiting for it)."""

    def poll(left: int) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
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


@pytest.fixture
def small(db: Database, context: UiContext) -> str:
    """WASH-01 with two alerts on 2.1 (below 70 % in Q1–Q2, and in Q4 alone with N = 1)."""
    small_programme(db, P)
    alerts = context.services.alerts
    alerts.save_trigger(P, TriggerData("T1", "actual", "<", "70", 2, indicator_code="2.1", response="Review"))
    alerts.save_trigger(P, TriggerData("T2", "actual", "<", "40", 1, indicator_code="2.1"))
    entry = context.services.entry
    for period, share in (("2025Q1", 65), ("2025Q2", 60), ("2025Q3", 80), ("2025Q4", 30)):
        for site in ("N01", "N02"):
            entry.set_value(P, "2.1", period, site, numerator=share, denominator=100)
    return P


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext) -> AlertsScreen:
    widget = AlertsScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
    widget.show()
    return widget


def load(qtbot: QtBot, screen: AlertsScreen, code: str) -> None:
    with qtbot.waitSignal(screen.alerts_loaded, timeout=15_000):
        screen.set_programme(code)


def rows(screen: AlertsScreen) -> list[tuple[str, str, str]]:
    model = screen.alert_model
    return [
        (a.trigger_code, ", ".join(a.periods), str(model.data(model.index(r, COL_STATUS))))
        for r in range(model.rowCount())
        if (a := model.alert_at(r)) is not None
    ]


def test_the_screen_evaluates_lists_and_opens_the_iptt(
    qtbot: QtBot, screen: AlertsScreen, small: str
) -> None:
    assert (screen.name, screen.title) == ("alerts", "Triggers & alerts")
    with qtbot.waitSignal(screen.context.signals.data_changed) as notice:
        load(qtbot, screen, small)
    assert notice.args[0] == DataChange(ChangeKind.ALERTS, P)  # raised here first: others learn of it
    assert sorted(rows(screen)) == [("T1", "2025Q1, 2025Q2", "Open"), ("T2", "2025Q4", "Open")]
    assert screen.count_label.text() == "2 open"
    assert [screen.trigger_model.trigger_at(r).code for r in range(2)] == ["T1", "T2"]  # type: ignore[union-attr]
    assert "held in" in screen.details_label.text()

    asked: list[Navigation] = []
    screen.context.signals.navigation_requested.connect(asked.append)
    screen.alert_view.setFocus()
    qtbot.keyClick(screen.alert_view, Qt.Key.Key_Return)
    assert asked == [Navigation("iptt", P, indicator_code="2.1")]
    index = screen.alert_view.model().index(1, 1)
    rect = screen.alert_view.visualRect(index)
    qtbot.mouseClick(screen.alert_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(screen.alert_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert asked[-1] == Navigation("iptt", P, indicator_code="2.1") and len(asked) == 2


def test_acknowledge_by_keyboard_needs_a_note(qtbot: QtBot, screen: AlertsScreen, small: str) -> None:
    load(qtbot, screen, small)
    first = screen.current_alert()
    assert first is not None and screen.acknowledge_button.isEnabled()

    def acknowledge(dialog: QWidget) -> None:
        assert isinstance(dialog, AcknowledgeDialog)
        press_ok(dialog)  # no note yet: refused, and the dialog stays
        assert dialog.isVisible() and "Note:" in dialog.error_label.text()
        qtbot.keyClicks(dialog.note_edit, "Rapid review on 12 May")
        qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Tab)  # to the Acknowledge button
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)

    when_modal(AcknowledgeDialog, acknowledge)
    screen.window().activateWindow()
    screen.alert_view.setFocus()
    with qtbot.waitSignal(screen.alerts_loaded, timeout=15_000):
        qtbot.keyClick(screen.alert_view, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    done = next(a for a in screen.services.alerts.list(P) if a.uuid == first.uuid)
    assert done.acknowledgement == "Rapid review on 12 May" and done.acknowledged_by
    screen.filter_combo.setCurrentIndex(screen.filter_combo.findData("open"))
    assert [r[0] for r in rows(screen)] == [a.trigger_code for a in screen.services.alerts.list(P, "open")]
    assert screen.count_label.text() == "1 open"


def test_a_trigger_refused_keeps_the_dialog_and_what_was_typed(
    qtbot: QtBot, screen: AlertsScreen, small: str
) -> None:
    load(qtbot, screen, small)
    seen: list[str] = []

    def add(dialog: QWidget) -> None:
        assert isinstance(dialog, TriggerDialog)
        qtbot.keyClicks(dialog.code_edit, "T9")
        dialog.subject_combo.setCurrentIndex(dialog.subject_combo.findData("result:O1"))
        dialog.threshold_edit.setText("seventy")
        press_ok(dialog)
        assert dialog.isVisible()
        seen.append(dialog.error_label.text())
        assert dialog.code_edit.text() == "T9" and dialog.threshold_edit.text() == "seventy"
        assert dialog.focusWidget() is dialog.threshold_edit
        dialog.threshold_edit.setText("50")
        dialog.periods_spin.setValue(3)
        press_ok(dialog)

    when_modal(TriggerDialog, add)
    with qtbot.waitSignal(screen.alerts_loaded, timeout=15_000):
        screen.add_button.click()
    assert "Threshold:" in seen[0] and "must be a number" in seen[0]
    saved = next(t for t in screen.services.alerts.list_triggers(P) if t.code == "T9")
    assert (saved.data.result_code, saved.data.threshold, saved.data.consecutive_periods) == ("O1", "50", 3)
    current = screen.current_trigger()
    assert current is not None and current.code == "T9"


def test_editing_a_status_trigger_offers_bands_and_equality(
    qtbot: QtBot, screen: AlertsScreen, small: str
) -> None:
    screen.services.alerts.save_trigger(
        P, TriggerData("S1", "status", "!=", "on_track", 2, indicator_code="1.1")
    )
    load(qtbot, screen, small)
    screen.trigger_view.setCurrentIndex(screen.trigger_model.index(screen.trigger_model.row_of("S1") or 0, 0))

    def check(dialog: QWidget) -> None:
        assert isinstance(dialog, TriggerDialog)
        assert dialog.threshold_stack.currentWidget() is dialog.status_combo
        assert dialog.status_combo.currentData() == "on_track"
        assert [dialog.comparison_combo.itemData(i) for i in range(dialog.comparison_combo.count())] == [
            "==",
            "!=",
        ]
        assert dialog.comparison_combo.currentData() == "!="
        dialog.reject()

    when_modal(TriggerDialog, check)
    screen.trigger_view.setFocus()
    qtbot.keyClick(screen.trigger_view, Qt.Key.Key_Return)


def test_navigate_selects_an_alert_even_behind_the_filter(
    qtbot: QtBot, screen: AlertsScreen, small: str
) -> None:
    alerts = screen.services.alerts
    alerts.evaluate(P)
    target = next(a for a in alerts.list(P) if a.trigger_code == "T1")
    alerts.acknowledge(target.uuid, "seen")
    screen.filter_combo.setCurrentIndex(screen.filter_combo.findData("open"))
    screen.navigate(Navigation("alerts", P, record_uuid=target.uuid))  # before the list arrives
    load(qtbot, screen, small)
    current = screen.current_alert()
    assert current is not None and current.uuid == target.uuid
    assert screen.filter_combo.currentData() == "all"
    assert not screen.acknowledge_button.isEnabled()


def test_the_watcher_evaluates_after_a_change_of_values(qtbot: QtBot, context: UiContext, small: str) -> None:
    watcher = AlertWatcher(context, evaluate_at_start=False)
    with qtbot.waitSignal(watcher.evaluated, timeout=15_000):
        context.signals.announce(ChangeKind.VALUES, P)
    assert {a.trigger_code for a in context.services.alerts.list(P)} == {"T1", "T2"}
    context.services.entry.set_value(P, "2.1", "2025Q2", "N01", numerator=90, denominator=100)
    context.services.entry.set_value(P, "2.1", "2025Q2", "N02", numerator=90, denominator=100)
    notices: list[DataChange] = []
    context.signals.data_changed.connect(notices.append)
    with qtbot.waitSignal(watcher.evaluated, timeout=15_000):
        context.signals.announce(ChangeKind.VALUES, P)
    assert DataChange(ChangeKind.ALERTS, P) in notices
    t1 = next(a for a in context.services.alerts.list(P) if a.trigger_code == "T1")
    assert not t1.holds
    with qtbot.waitSignal(watcher.evaluated, timeout=15_000):
        context.signals.announce(ChangeKind.MEETINGS, P)  # not a reason to evaluate …
        context.signals.announce(ChangeKind.TARGETS, P)  # … but this is
    qtbot.waitUntil(lambda: not watcher.is_busy, timeout=15_000)


def test_screenshot_on_the_demo_at_1024_by_600(
    qtbot: QtBot, db: Database, screen: AlertsScreen, tmp_path: Path
) -> None:
    DemoService(db.sessions, Actor(db.actor, db.device_uuid), db.path).create_demo()
    load(qtbot, screen, DEMO_CODE)
    assert rows(screen) == [("T1", "2026Q1, 2026Q2", "Open")]
    shot = Path(os.environ.get("PMDESK_ALERTS_SHOT", tmp_path / "alerts.png"))
    qtbot.wait(50)  # the layout takes the new texts' sizes
    assert screen.grab().save(str(shot))


def test_deleting_a_trigger_asks_and_keeps_its_alerts(qtbot: QtBot, screen: AlertsScreen, small: str) -> None:
    load(qtbot, screen, small)
    screen.trigger_view.setCurrentIndex(screen.trigger_model.index(screen.trigger_model.row_of("T2") or 0, 0))

    def confirm(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        assert "T2" in box.text() and "alerts it raised are kept" in box.text()
        box.button(QMessageBox.StandardButton.Yes).click()

    when_modal(QMessageBox, confirm)
    with qtbot.waitSignal(screen.alerts_loaded, timeout=15_000):
        qtbot.keyClick(screen.trigger_view, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    assert [screen.trigger_model.trigger_at(r).code for r in range(screen.trigger_model.rowCount())] == ["T1"]  # type: ignore[union-attr]
    assert sorted(r[0] for r in rows(screen)) == ["T1", "T2"]  # T2's alert is still listed


def test_an_alert_becomes_an_action_in_one_step(qtbot: QtBot, screen: AlertsScreen, small: str) -> None:
    load(qtbot, screen, small)
    alert = next(a for a in screen.services.alerts.list(P) if a.trigger_code == "T1")
    model = screen.alert_model
    row = next(r for r in range(model.rowCount()) if (a := model.alert_at(r)) and a.trigger_code == "T1")
    screen.alert_view.selectRow(row)
    assert screen.action_button.isEnabled()
    dialog = screen.action_from_alert()
    assert dialog is not None
    assert dialog.title_edit.text() == "Review"  # the trigger's agreed response, proposed
    assert "Alert T1 on 2.1" in dialog.source_label.text()
    with qtbot.waitSignal(screen.context.signals.data_changed, timeout=5_000) as notice:
        dialog.ok_button.click()
    assert notice.args[0].kind is ChangeKind.ACTIONS
    (action,) = screen.services.actions.list(ActionFilter(programme_code=P))
    assert action.title == "Review" and action.source_uuid == alert.uuid
    assert action.indicator_codes == ("2.1",)

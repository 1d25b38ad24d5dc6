# SPDX-License-Identifier: GPL-3.0-or-later
"""The action tracker, its dialogs and the traceability dialog, by keyboard where a user would."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.domain.actions import ActionStatus
from pmdesk.services.actions import ActionData
from pmdesk.storage.database import Database
from pmdesk.ui.actions.action_dialogs import ActionDialog, CloseDialog, UpdateDialog
from pmdesk.ui.actions.action_table_model import COL_DUE, COL_STATUS, ActionTableModel
from pmdesk.ui.actions.actions_screen import ActionsScreen
from pmdesk.ui.actions.trace_dialog import TraceDialog
from pmdesk.ui.context import UiContext
from pmdesk.ui.signals import Navigation
from tests.ui.programme_factory import Built
from tests.unit import loop_builders

TODAY = date(2025, 10, 1)


def shots_dir(tmp_path: Path) -> Path:
    """Where screenshots go: PMDESK_SCREENSHOTS (to look at them, or docs/screenshots to update
    the README's) or the test's folder, so that a test run changes no tracked file."""
    folder = Path(os.environ.get("PMDESK_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def filled(db: Database, small: Built, context: UiContext) -> Built:
    actions = context.services.actions
    context.services.sites.save_person(small.code, "amina", "Amina Yusuf", role="M&E officer")
    _, decision = loop_builders.meeting_with_decision(db, small.code, held_on=date(2025, 4, 10))
    actions.create(
        small.code,
        ActionData(
            "Repair the broken hand pumps",
            owner_person_code="amina",
            due=date(2025, 9, 1),
            priority="high",
            decision_uuid=decision,
            indicator_codes=("1.1",),
        ),
    )
    actions.create(small.code, ActionData("Train caretakers", owner="Joseph", due=date(2025, 10, 10)))
    done = actions.create(small.code, ActionData("Print forms", owner="Joseph", due=date(2025, 8, 1)))
    actions.close(done.uuid, "done", "Forms printed and sent", on=date(2025, 7, 20))
    return small


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext) -> ActionsScreen:
    widget = ActionsScreen(context)
    widget.today = TODAY
    qtbot.addWidget(widget)
    widget.resize(1024, 600)
    widget.show()
    return widget


def load(qtbot: QtBot, screen: ActionsScreen, code: str | None) -> None:
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        screen.set_programme(code)


def test_model_marks_overdue_in_words(filled: Built, context: UiContext) -> None:
    model = ActionTableModel()
    model.set_rows(context.services.actions.list(), TODAY)
    assert model.rowCount() == 3
    row = next(r for r in range(3) if "pumps" in model.index(r, 2).data())
    assert model.index(row, COL_STATUS).data() == "Open — overdue"
    assert model.index(row, COL_DUE).data().startswith("⚠ 2025-09-01 (30 d late)")
    assert model.index(row, COL_DUE).data(Qt.ItemDataRole.FontRole).bold()
    assert model.overdue_count() == 1


def test_filters(qtbot: QtBot, filled: Built, screen: ActionsScreen) -> None:
    load(qtbot, screen, filled.code)
    assert screen.model.rowCount() == 2  # not closed
    assert "1 overdue" in screen.summary_label.text()
    for key, count in (("overdue", 1), ("due_soon", 1), ("done", 1), ("all", 3)):
        with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
            screen.show_box.setCurrentIndex(screen.show_box.findData(key))
        assert screen.model.rowCount() == count, key
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        screen.owner_box.setCurrentIndex(screen.owner_box.findData("Joseph"))
    assert {a.owner for a in screen.model.rows} == {"Joseph"}
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        screen.scope_box.setCurrentIndex(1)  # all programmes
    assert screen.model.rowCount() == 2
    assert screen.scope_box.findData("only:" + filled.code) == 2  # one programme, whichever is current
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        screen.scope_box.setCurrentIndex(2)
    assert {a.programme_code for a in screen.model.rows} == {filled.code}


def test_new_update_close_by_keyboard(
    qtbot: QtBot, filled: Built, screen: ActionsScreen, context: UiContext
) -> None:
    load(qtbot, screen, filled.code)
    screen.new_action()
    dialog = screen.active_dialog
    assert isinstance(dialog, ActionDialog)
    qtbot.keyClicks(dialog.title_edit, "Chase the late reports")
    dialog.owner_box.setCurrentIndex(dialog.owner_box.findData("amina"))
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    created = screen.selected_action()
    assert (
        created is not None and created.title == "Chase the late reports" and created.owner == "Amina Yusuf"
    )

    screen.add_update()
    update = screen.active_dialog
    assert isinstance(update, UpdateDialog)
    assert not update.ok_button.isEnabled()
    qtbot.keyClicks(update.note_edit, "Called three schools")
    update.status_box.setCurrentIndex(update.status_box.findData("in_progress"))
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        update.ok_button.click()
    assert screen.selected_action().status is ActionStatus.IN_PROGRESS  # type: ignore[union-attr]

    screen.close_action()
    closing = screen.active_dialog
    assert isinstance(closing, CloseDialog)
    assert not closing.ok_button.isEnabled() and "needs a note" in closing.need_label.text()
    qtbot.keyClicks(closing.note_edit, "All reports in")
    assert closing.ok_button.isEnabled()
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        closing.ok_button.click()
    stored = context.services.actions.get(created.uuid)
    assert stored.status is ActionStatus.DONE and stored.closing_note == "All reports in"


def test_dialog_shows_a_refusal_and_stays_open(qtbot: QtBot, filled: Built, screen: ActionsScreen) -> None:
    load(qtbot, screen, filled.code)
    screen.new_action()
    dialog = screen.active_dialog
    assert isinstance(dialog, ActionDialog)
    qtbot.keyClicks(dialog.title_edit, "X")
    qtbot.keyClicks(dialog.indicators_edit, "9.9")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "no indicator '9.9'" in dialog.error_label.text()
    assert "Error" not in dialog.error_label.text()
    dialog.reject()


def test_enter_opens_traceability_and_hops_back(
    qtbot: QtBot, filled: Built, screen: ActionsScreen, context: UiContext
) -> None:
    load(qtbot, screen, filled.code)
    screen.table_view.setFocus()
    row = next(r for r, a in enumerate(screen.model.rows) if a.title.startswith("Repair"))
    screen.table_view.selectRow(row)
    qtbot.keyClick(screen.table_view, Qt.Key.Key_Return)
    trace = screen.active_dialog
    assert isinstance(trace, TraceDialog)
    qtbot.waitUntil(lambda: not trace.is_busy, timeout=10_000)
    kinds = [trace.hops.hop_at(r).kind for r in range(trace.hops.rowCount())]  # type: ignore[union-attr]
    assert kinds[:3] == ["decision", "meeting", "indicator"]
    assert trace.trend.rowCount() >= 2 and "before the decision" in trace.trend.index(0, 5).data()
    assert "Actuals since the decision of 10 Apr 2025" in trace.trend_label.text()
    # One hop to the indicator, one to its action, back twice.
    trace.links_view.setCurrentIndex(trace.hops.index(2))
    with qtbot.waitSignal(trace.loaded, timeout=10_000):
        qtbot.keyClick(trace.links_view, Qt.Key.Key_Return)
    assert trace.place.kind == "indicator" and trace.heading.text().startswith("Indicator 1.1")
    action_row = next(r for r in range(trace.hops.rowCount()) if trace.hops.hop_at(r).kind == "action")  # type: ignore[union-attr]
    trace.links_view.setCurrentIndex(trace.hops.index(action_row))
    with qtbot.waitSignal(trace.loaded, timeout=10_000):
        qtbot.keyClick(trace.links_view, Qt.Key.Key_Return)
    assert trace.place.kind == "action"
    with qtbot.waitSignal(trace.loaded, timeout=10_000):
        qtbot.keyClick(trace.links_view, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert trace.place.kind == "indicator"
    with qtbot.waitSignal(trace.loaded, timeout=10_000):
        trace.back_button.click()
    assert trace.place.kind == "action" and not trace.back_button.isEnabled()
    # The meeting opens in its own screen through the shell.
    with qtbot.waitSignal(context.signals.navigation_requested, timeout=2_000) as asked:
        trace.links_view.setCurrentIndex(trace.hops.index(1))
        qtbot.keyClick(trace.links_view, Qt.Key.Key_Return)
    assert asked.args[0].screen == "meetings" and asked.args[0].record_uuid
    assert not trace.isVisible()


def test_navigate_to_an_action_shows_it_whatever_the_filters(
    qtbot: QtBot, filled: Built, screen: ActionsScreen, context: UiContext
) -> None:
    load(qtbot, screen, filled.code)
    done = next(a for a in context.services.actions.list() if a.status is ActionStatus.DONE)
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        screen.navigate(Navigation("actions", filled.code, record_uuid=done.uuid))
    assert screen.selected_action() is not None and screen.selected_action().uuid == done.uuid  # type: ignore[union-attr]
    assert screen.reopen_button.isEnabled() and not screen.close_button.isEnabled()


def test_navigate_to_an_indicator_opens_its_traceability(
    qtbot: QtBot, filled: Built, screen: ActionsScreen
) -> None:
    load(qtbot, screen, filled.code)
    screen.navigate(Navigation("actions", filled.code, indicator_code="1.1"))
    dialog = screen.active_dialog
    assert isinstance(dialog, TraceDialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    assert dialog.heading.text().startswith("Indicator 1.1")
    labels = [dialog.hops.index(r).data() for r in range(dialog.hops.rowCount())]
    assert any(text.startswith("Action: A-1 Repair the broken hand pumps") for text in labels)
    assert any(text.startswith("Decision: Rehabilitate the broken pumps") for text in labels)
    dialog.reject()


def test_screenshot_at_1024x600(qtbot: QtBot, filled: Built, screen: ActionsScreen, tmp_path: Path) -> None:
    load(qtbot, screen, filled.code)
    with qtbot.waitSignal(screen.actions_loaded, timeout=10_000):
        screen.show_box.setCurrentIndex(screen.show_box.findData("all"))
    QApplication.processEvents()
    assert screen.grab().save(str(shots_dir(tmp_path) / "20-actions.png"))
    # Nothing clipped: every button is whole inside the screen.
    for button in (screen.new_button, screen.export_button, screen.trace_button):
        top_left = button.mapTo(screen, button.rect().topLeft())
        assert screen.rect().contains(button.rect().translated(top_left))


def test_the_owner_is_picked_from_people_or_typed(qtbot: QtBot, filled: Built, context: UiContext) -> None:
    people = context.services.sites.list_people(filled.code)
    dialog = ActionDialog(lambda data: context.services.actions.create(filled.code, data), people, ["1.1"])
    qtbot.addWidget(dialog)
    dialog.owner_box.setCurrentIndex(dialog.owner_box.findData("amina"))
    assert (dialog.data().owner, dialog.data().owner_person_code) == ("", "amina")
    dialog.owner_box.setEditText("Contractor Ltd")
    assert (dialog.data().owner, dialog.data().owner_person_code) == ("Contractor Ltd", None)
    dialog.has_due.setChecked(True)
    assert dialog.data().due == date.today()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Nothing typed is lost when the database does not take it (another program's lock, a full
disk): the input stays on screen marked not saved, says why, and is saved once the cause goes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QMainWindow
from pytestqt.qtbot import QtBot

from pmdesk.app import build_services
from pmdesk.domain.enums import ChangeReason, ValueStatus
from pmdesk.services.history import Reason
from pmdesk.storage import database
from pmdesk.storage.database import Database, open_database
from pmdesk.ui import unsaved
from pmdesk.ui.context import Services, UiContext
from pmdesk.ui.entry import entry_dialogs
from pmdesk.ui.entry.data_entry_screen import DataEntryScreen
from pmdesk.ui.entry.entry_cells import COL_COMMENT, COL_STATUS, COL_VALUE
from pmdesk.ui.framework import indicator_dialog
from pmdesk.ui.framework.indicator_dialog import IndicatorDialog
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.programmes.programme_dialog import ProgrammeDialog
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.sites.people_table_model import COL_ROLE as PERSON_ROLE
from pmdesk.ui.sites.person_dialog import PersonDialog
from pmdesk.ui.sites.sites_screen import SitesScreen
from pmdesk.ui.targets import targets_screen
from pmdesk.ui.targets.targets_screen import TargetsScreen
from pmdesk.ui.unsaved import UnsavedChoice
from pmdesk.ui.workers import Workers
from tests.conftest import DatabaseTemplates, open_test_database
from tests.ui.entry_waiting import wait_for_grid
from tests.ui.programme_factory import CODE as P_TARGETS
from tests.ui.programme_factory import Built
from tests.ui.storage_failures import FullDisk, WriteLock
from tests.ui.test_data_entry_screen import CTRL, FEMALE, MALE, Harness, P
from tests.ui.test_targets_screen import Q1, Q2, Q3, ROW_11, ROW_12, FakeReason, _cell, _editor, _go, _type

TIP = Qt.ItemDataRole.ToolTipRole
BUDGET = Reason(ChangeReason.BUDGET_REALIGNMENT)


@pytest.fixture
def fake_reason(monkeypatch: pytest.MonkeyPatch) -> FakeReason:
    fake = FakeReason()
    monkeypatch.setattr(targets_screen, "ask_reason", fake)
    return fake


def _targets(screen: TargetsScreen) -> dict[tuple[str, str], float]:
    code = screen.programme_code
    assert code is not None
    return {(t.indicator_code, t.period): t.value for t in screen.services.targets.list_targets(code)}


@pytest.fixture
def db(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    database_templates: DatabaseTemplates,
    request: pytest.FixtureRequest,
) -> Iterator[Database]:
    """The test database, waiting 0.1 s (not 5) for another program's lock before giving up."""
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)
    opened = open_test_database(db_path, database_templates, request)
    yield opened
    opened.close()


@pytest.fixture
def harness(qtbot: QtBot, db_holds_wash01: None, db: Database, context: UiContext) -> Iterator[Harness]:
    """The data-entry screen on Kibera school, 2025 Q1, as in test_data_entry_screen (db holds
    small_programme: tests/conftest.py)."""
    window = QMainWindow()
    screen = DataEntryScreen(context)
    window.setCentralWidget(screen)
    window.resize(1280, 800)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    screen.set_programme(P)
    for combo, code in ((screen.place_bar.site_combo, "N01"), (screen.place_bar.period_combo, "2025Q1")):
        combo.setCurrentIndex(combo.findData(code))
    wait_for_grid(screen)  # read on a worker
    assert screen.model.grid is not None and screen.model.grid.period == "2025Q1"
    screen.view.setFocus()
    yield Harness(window, screen, context)
    screen.editing.stack.clear()


def female(h: Harness) -> float | None:
    value = h.values().get(("1.1", "F"))
    return value.value if value is not None else None


def type_until_the_disk_is_full(h: Harness, row: int) -> str:
    """Type into one cell again and again until the disk has no room for it; the last text typed."""
    for n in range(400):
        typed = str(20 + n % 2)
        h.go(row)
        h.type(typed)
        if h.screen.model.unsaved_at(row) is not None:
            return typed
    raise AssertionError("the disk never filled")


# -- the data-entry grid ---------------------------------------------------------------------


def test_a_value_typed_while_another_program_writes_is_kept_and_saved_once_it_is_done(
    harness: Harness, qtbot: QtBot, db_path: Path
) -> None:
    screen = harness.screen
    lock = WriteLock(db_path)
    harness.go(FEMALE)
    harness.type("12")

    assert harness.text(FEMALE, COL_VALUE) == "12"  # what was typed, on screen
    assert harness.text(FEMALE, COL_STATUS) == "Not saved"
    tip = harness.text(FEMALE, COL_VALUE, TIP)
    assert "Not saved yet: " in tip and "is busy: another program" in tip and "You typed: 12" in tip
    assert screen.model.data(screen.model.index(FEMALE, COL_VALUE), Qt.ItemDataRole.DecorationRole)
    banner = screen.unsaved_banner
    assert banner.isVisible()
    assert "1 value you typed is not saved yet" in banner.text and "tries again by itself" in banner.text
    assert harness.current() == (MALE, COL_VALUE)  # kept, not refused: the cursor moved on
    assert not screen.message_label.isVisible()  # not the user's to fix
    assert female(harness) is None
    assert screen.editing.stack.count() == 0  # nothing saved, nothing to undo
    assert screen.unsaved_count() == 1 and "busy" in screen.unsaved_reason()

    # A change announced elsewhere reloads the grid: the input and its mark stay, whether the
    # grid can be read again (after the lock) or not (during it).
    harness.context.signals.announce("values", None)
    harness.wait()
    assert harness.text(FEMALE, COL_VALUE) == "12" and harness.text(FEMALE, COL_STATUS) == "Not saved"
    lock.release()  # PMDesk tries again by itself
    harness.context.signals.announce("values", None)
    harness.wait()
    assert screen.model.grid is not None and female(harness) is None
    assert harness.text(FEMALE, COL_VALUE) == "12" and harness.text(FEMALE, COL_STATUS) == "Not saved"

    qtbot.waitUntil(lambda: female(harness) == 12.0, timeout=15_000)
    assert harness.text(FEMALE, COL_STATUS) == "Draft"
    assert not harness.text(FEMALE, COL_VALUE, TIP).startswith("Not saved")
    assert not banner.isVisible()
    assert screen.unsaved_count() == 0
    assert screen.status_label.text().startswith("Saved 1.1 · Female at ")
    # Saved now, so it can be undone.
    assert screen.editing.stack.count() == 1
    harness.go(FEMALE)
    harness.key(Qt.Key.Key_Z, CTRL)
    assert female(harness) is None


def test_a_value_typed_on_a_full_disk_is_kept_until_space_is_freed_and_retry_is_pressed(
    harness: Harness, qtbot: QtBot, db: Database, db_path: Path
) -> None:
    screen = harness.screen
    disk = FullDisk(db)
    typed = type_until_the_disk_is_full(harness, FEMALE)
    before = female(harness)
    assert before is not None and before != float(typed)  # the last value that fitted

    assert harness.text(FEMALE, COL_VALUE) == typed
    assert harness.text(FEMALE, COL_STATUS) == "Not saved"
    tip = harness.text(FEMALE, COL_VALUE, TIP)
    assert "The disk holding pmdesk-test.sqlite is full" in tip and f"You typed: {typed}" in tip
    banner = screen.unsaved_banner
    assert banner.isVisible() and "Free some space" in banner.text and "press Retry now" in banner.text
    assert not screen.editing.unsaved.is_retrying_by_itself  # a full disk does not empty itself

    # To another period and back: the input waits, and shows again.
    screen.place_bar.next_period()
    harness.wait()
    assert screen.model.grid is not None and screen.model.grid.period == "2025Q2"
    assert harness.text(FEMALE, COL_VALUE) == "" and banner.isVisible()
    screen.place_bar.previous_period()
    harness.wait()
    assert harness.text(FEMALE, COL_VALUE) == typed and harness.text(FEMALE, COL_STATUS) == "Not saved"

    qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)  # the disk is still full
    assert harness.text(FEMALE, COL_STATUS) == "Not saved" and female(harness) == before

    disk.free()
    qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
    assert female(harness) == float(typed)
    assert harness.text(FEMALE, COL_VALUE) == typed and harness.text(FEMALE, COL_STATUS) == "Draft"
    assert not banner.isVisible()

    # In the file for good: a new Database on it reads it back.
    db.close()
    reopened = open_database(db_path, actor="tester")
    try:
        values = build_services(reopened).entry.values_for(P, "N01", "2025Q1")
        assert {(v.indicator_code, v.value) for v in values if v.options} == {("1.1", float(typed))}
    finally:
        reopened.close()


def test_input_typed_again_in_a_cell_not_saved_replaces_it(harness: Harness, db_path: Path) -> None:
    screen = harness.screen
    lock = WriteLock(db_path)
    harness.go(FEMALE)
    harness.type("12")
    harness.go(FEMALE)
    harness.type("13")  # last typed wins
    assert harness.text(FEMALE, COL_VALUE) == "13" and screen.unsaved_count() == 1
    harness.go(FEMALE, COL_COMMENT)
    harness.type("Counted at the gate")  # a comment on the value not saved yet joins it
    assert screen.unsaved_count() == 1
    assert harness.text(FEMALE, COL_COMMENT) == "Counted at the gate"
    lock.release()
    assert screen.retry_unsaved()
    saved = harness.values()[("1.1", "F")]
    assert (saved.value, saved.comment) == (13.0, "Counted at the gate")

    lock = WriteLock(db_path)
    harness.go(FEMALE)
    harness.type("20")
    harness.go(FEMALE)
    harness.key(Qt.Key.Key_Delete)  # Delete empties the cell: what waited goes too
    assert screen.unsaved_count() == 1 and harness.text(FEMALE, COL_VALUE) == ""
    assert "Not cleared yet" in harness.text(FEMALE, COL_VALUE, TIP)
    lock.release()
    assert screen.retry_unsaved()
    assert ("1.1", "F") not in harness.values()


def test_a_paste_while_the_database_is_locked_keeps_every_cell(harness: Harness, db_path: Path) -> None:
    screen = harness.screen
    lock = WriteLock(db_path)
    harness.go(FEMALE)
    result = screen.editing.paste(FEMALE, COL_VALUE, "5\n6\n")
    assert (result.saved, result.held) == (0, 2)
    assert harness.text(FEMALE, COL_VALUE) == "5" and harness.text(MALE, COL_VALUE) == "6"
    assert "2 values you typed are not saved yet" in screen.unsaved_banner.text
    lock.release()
    assert screen.retry_unsaved()
    assert {k: v.value for k, v in harness.values().items()} == {("1.1", "F"): 5.0, ("1.1", "M"): 6.0}
    assert screen.unsaved_count() == 0


# -- the targets grid -------------------------------------------------------------------------


@pytest.fixture
def targets(qtbot: QtBot, context: UiContext, small: Built) -> Iterator[TargetsScreen]:
    screen = TargetsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1100, 700)
    screen.show()
    screen.activateWindow()
    qtbot.waitExposed(screen)
    with qtbot.waitSignal(screen.loaded, timeout=10_000):  # read on a worker
        screen.set_programme(small.code)
    yield screen


def type_target(qtbot: QtBot, screen: TargetsScreen, row: int, column: int, text: str) -> None:
    """Type a target and Enter; the save runs once the editor has closed."""
    before = screen.model.index(row, column).data(TIP)
    _go(screen, row, column)
    _type(screen, text)
    QTest.keyClick(_editor(screen), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.model.index(row, column).data(TIP) != before)


def test_a_target_typed_while_another_program_writes_is_kept_and_saved_once_it_is_done(
    qtbot: QtBot, targets: TargetsScreen, fake_reason: FakeReason, db_path: Path
) -> None:
    lock = WriteLock(db_path)
    type_target(qtbot, targets, ROW_12, Q1, "55")

    assert _cell(targets, ROW_12, Q1) == "55%"  # what was typed, on screen
    tip = str(targets.model.index(ROW_12, Q1).data(TIP))
    assert "Not saved yet: " in tip and "is busy: another program" in tip and "You typed: 55" in tip
    assert targets.model.index(ROW_12, Q1).data(Qt.ItemDataRole.DecorationRole)
    banner = targets.unsaved_banner
    assert banner.isVisible() and "1 value you typed is not saved yet" in banner.text
    assert ("1.2", "2025Q1") not in _targets(targets)
    # A change announced elsewhere reloads the grid: the input and its mark stay.
    with qtbot.waitSignal(targets.loaded, timeout=10_000):
        targets.context.signals.announce("framework", targets.programme_code)
    assert _cell(targets, ROW_12, Q1) == "55%" and targets.model.unsaved_at(ROW_12, Q1) is not None

    lock.release()  # PMDesk tries again by itself
    qtbot.waitUntil(lambda: ("1.2", "2025Q1") in _targets(targets), timeout=15_000)
    assert _targets(targets)[("1.2", "2025Q1")] == 55.0
    assert _cell(targets, ROW_12, Q1) == "55%" and targets.model.unsaved_at(ROW_12, Q1) is None
    assert "Not saved" not in str(targets.model.index(ROW_12, Q1).data(TIP))
    assert not banner.isVisible()


def test_a_changed_target_on_a_full_disk_keeps_its_reason_until_it_is_saved(
    qtbot: QtBot, targets: TargetsScreen, fake_reason: FakeReason, db: Database, db_path: Path
) -> None:
    disk = FullDisk(db)
    for n in range(400):
        typed = str(1200 + n % 2)
        type_target(qtbot, targets, ROW_11, Q2, typed)
        if targets.model.unsaved_at(ROW_11, Q2) is not None:
            break
    else:
        raise AssertionError("the disk never filled")
    asked = len(fake_reason.asked)  # every change asked why, the one not saved too
    saved_before = _targets(targets)[("1.1", "2025Q2")]
    assert saved_before != float(typed)
    assert _cell(targets, ROW_11, Q2) == f"1,{typed[1:]}"
    tip = str(targets.model.index(ROW_11, Q2).data(TIP))
    assert "The disk holding pmdesk-test.sqlite is full" in tip
    banner = targets.unsaved_banner
    assert "Free some space" in banner.text and not targets.unsaved.is_retrying_by_itself

    # To a site's targets and back: the input waits, and shows again.
    with qtbot.waitSignal(targets.loaded, timeout=10_000):
        targets.level_combo.setCurrentIndex(targets.level_combo.findData("S1"))
    assert targets.model.unsaved_at(ROW_11, Q2) is None and banner.isVisible()
    with qtbot.waitSignal(targets.loaded, timeout=10_000):
        targets.level_combo.setCurrentIndex(0)
    assert _cell(targets, ROW_11, Q2) == f"1,{typed[1:]}" and targets.model.unsaved_at(ROW_11, Q2)

    disk.free()
    qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
    assert _targets(targets)[("1.1", "2025Q2")] == float(typed)
    assert len(fake_reason.asked) == asked  # the reason given is the one saved; not asked again
    uuid = next(
        t.uuid
        for t in targets.services.targets.list_targets(P_TARGETS)
        if (t.indicator_code, t.period) == ("1.1", "2025Q2")
    )
    last = targets.services.history.for_entity(uuid)[-1]
    assert (last.new, last.reason) == (typed, "budget_realignment")
    assert targets.model.unsaved_at(ROW_11, Q2) is None and not banner.isVisible()


def test_typing_the_saved_target_back_or_delete_drops_the_one_not_saved(
    qtbot: QtBot, targets: TargetsScreen, fake_reason: FakeReason, db_path: Path
) -> None:
    lock = WriteLock(db_path)
    type_target(qtbot, targets, ROW_11, Q1, "1500")
    assert targets.unsaved_count() == 1
    type_target(qtbot, targets, ROW_11, Q1, "1000")  # the saved target: nothing to save
    assert targets.unsaved_count() == 0 and _cell(targets, ROW_11, Q1) == "1,000"
    type_target(qtbot, targets, ROW_12, Q1, "55")
    _go(targets, ROW_12, Q1)
    QTest.keyClick(targets.table_view, Qt.Key.Key_Delete)
    assert targets.unsaved_count() == 0 and _cell(targets, ROW_12, Q1) == ""
    lock.release()


# -- dialogs ----------------------------------------------------------------------------------


def test_the_indicator_dialog_keeps_everything_typed_while_the_database_is_locked(
    qtbot: QtBot, services: Services, small: Built, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def reason(parent: object, what: str, old: str, new: str) -> Reason:
        asked.append(what)
        return BUDGET

    monkeypatch.setattr(indicator_dialog, "ask_reason", reason)
    framework = services.framework
    before = framework.get_indicator(small.code, "1.2")
    dialog = IndicatorDialog(
        framework,
        small.code,
        framework.list_results(small.code),
        framework.list_disaggregations(small.code),
        (),
        indicator=before,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("Households treating water at home")
    dialog.baseline_value_edit.setText("45")  # 40 before: a reason is asked

    lock = WriteLock(db_path)
    dialog.accept()  # OK
    assert dialog.isVisible() and dialog.saved is None
    message = dialog.error_banner.message
    assert "is busy: another program" in message
    assert "Everything you typed is still here: press OK to try again." in message
    assert dialog.name_edit.text() == "Households treating water at home"
    assert dialog.baseline_value_edit.text() == "45"
    assert framework.get_indicator(small.code, "1.2").data == before.data

    lock.release()
    dialog.accept()  # OK again
    assert dialog.saved is not None and not dialog.isVisible()
    assert asked == ["Baseline of indicator 1.2"]  # the reason given is kept, not asked twice
    after = framework.get_indicator(small.code, "1.2").data
    assert (after.name, after.baseline_value) == ("Households treating water at home", 45.0)


def test_the_programme_dialog_keeps_everything_typed_while_the_database_is_locked(
    qtbot: QtBot, services: Services, workers: Workers, db_path: Path
) -> None:
    dialog = ProgrammeDialog(services.programmes, workers)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.code_edit.setText("AG-02")
    dialog.name_edit.setText("Farmers' markets")
    dialog.donor_edit.setText("Harvest Fund")

    lock = WriteLock(db_path)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)  # saved by a job
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled() and not dialog.error_label.isHidden())
    text = dialog.error_label.text()
    assert "is busy: another program" in text
    assert "Everything you typed is still here: press “Create programme” to try again." in text
    assert dialog.isVisible()
    assert (dialog.code_edit.text(), dialog.name_edit.text(), dialog.donor_edit.text()) == (
        "AG-02",
        "Farmers' markets",
        "Harvest Fund",
    )
    assert [p.code for p in services.programmes.list_programmes()] == []

    lock.release()
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    created = services.programmes.get("AG-02")
    assert (created.name, created.donor) == ("Farmers' markets", "Harvest Fund")


def test_a_return_reason_is_asked_again_with_what_was_typed_while_the_database_is_locked(
    harness: Harness, qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    harness.go(FEMALE)
    harness.type("12")
    harness.context.services.entry.submit(P, "N01", "2025Q1")
    harness.screen.refresh()
    harness.wait()
    lock = WriteLock(db_path)
    asked: list[tuple[str, str]] = []

    def reason(parent: object, title: str, message: str, ok: str, text: str = "", problem: str = "") -> str:
        asked.append((text, problem))
        if len(asked) == 2:
            lock.release()  # the user closed the other program, then pressed Return again
        return text or "Male count missing"

    monkeypatch.setattr(entry_dialogs, "ask_reason", reason)
    harness.screen.workflow.return_values()
    assert len(asked) == 2
    assert asked[1][0] == "Male count missing"  # not to be typed again
    assert "is busy: another program" in asked[1][1] and "press “Return” to try again" in asked[1][1]
    value = harness.values()[("1.1", "F")]
    assert (value.status, value.status_reason) == (ValueStatus.RETURNED, "Male count missing")


def test_a_person_edited_in_place_goes_to_the_dialog_when_the_database_is_locked(
    qtbot: QtBot, context: UiContext, small: Built, db_path: Path
) -> None:
    screen = SitesScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.set_programme(small.code)
    sites = context.services.sites
    sites.save_person(small.code, "amina", "Amina Yusuf")
    screen.refresh()
    model = screen.people_model

    lock = WriteLock(db_path)
    assert not model.setData(model.index(0, PERSON_ROLE), "M&E officer")
    qtbot.waitUntil(lambda: isinstance(screen.dialog, PersonDialog))
    dialog = screen.dialog
    assert isinstance(dialog, PersonDialog)
    assert dialog.role_edit.text() == "M&E officer"  # what was typed, kept
    assert "is busy: another program" in dialog.error_label.text()
    lock.release()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert sites.list_people(small.code)[0].role == "M&E officer"


# -- closing the window, switching database ---------------------------------------------------


@dataclass
class FakeAsk:
    """Stands in for the question asked before typed input would be lost."""

    answers: list[UnsavedChoice]
    asked: list[tuple[int, str, str]] = field(default_factory=list)
    before_answer: Callable[[int], None] = lambda n: None

    def __call__(self, parent: object, count: int, reason: str, leaving: str) -> UnsavedChoice:
        self.asked.append((count, reason, leaving))
        self.before_answer(len(self.asked))
        return self.answers.pop(0)


@pytest.fixture
def window(
    qtbot: QtBot,
    db_holds_wash01: None,
    db: Database,
    services: Services,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
) -> MainWindow:
    # db holds small_programme (tests/conftest.py)
    main = MainWindow(db.path, workers, signals, settings, log_path=Path("pmdesk.log"))
    qtbot.addWidget(main)
    main.show()
    main.attach(services)
    main.show_screen("entry")
    qtbot.waitUntil(lambda: main.current_programme_code() == P, timeout=10_000)
    return main


def entry_screen(window: MainWindow) -> DataEntryScreen:
    screen = window.screen_named("entry")
    assert isinstance(screen, DataEntryScreen)
    place = screen.place_bar
    for combo, code in ((place.site_combo, "N01"), (place.period_combo, "2025Q1")):
        combo.setCurrentIndex(combo.findData(code))
    wait_for_grid(screen)
    return screen


def test_closing_the_window_with_a_value_not_saved_asks_first(
    qtbot: QtBot, window: MainWindow, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = entry_screen(window)
    lock = WriteLock(db_path)
    screen.editing.commit(FEMALE, COL_VALUE, "12")
    assert screen.unsaved_count() == 1

    ask = FakeAsk([UnsavedChoice.CANCEL])
    monkeypatch.setattr(unsaved, "ask_about_unsaved", ask)
    window.close()
    assert window.isVisible()  # Cancel: nothing closes, the value is still on screen
    assert ask.asked[0][0] == 1 and "is busy: another program" in ask.asked[0][1]
    assert ask.asked[0][2] == "Close"
    assert screen.model.unsaved_at(FEMALE) is not None

    # Retry while the other program still writes: asked again; then it is done, and Retry saves.
    ask = FakeAsk([UnsavedChoice.RETRY, UnsavedChoice.RETRY])
    ask.before_answer = lambda n: lock.release() if n == 2 else None
    monkeypatch.setattr(unsaved, "ask_about_unsaved", ask)
    window.close()
    assert len(ask.asked) == 2 and not window.isVisible()
    values = screen.services.entry.values_for(P, "N01", "2025Q1")
    assert [(v.indicator_code, v.value) for v in values] == [("1.1", 12.0)]


def test_close_anyway_loses_the_value_only_when_the_user_says_so(
    qtbot: QtBot, window: MainWindow, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = entry_screen(window)
    lock = WriteLock(db_path)
    screen.editing.commit(FEMALE, COL_VALUE, "12")
    ask = FakeAsk([UnsavedChoice.DISCARD])
    monkeypatch.setattr(unsaved, "ask_about_unsaved", ask)
    window.close()
    lock.release()
    assert len(ask.asked) == 1 and not window.isVisible()
    assert screen.unsaved_count() == 0
    assert screen.services.entry.values_for(P, "N01", "2025Q1") == []


def test_opening_another_database_with_a_target_not_saved_asks_first(
    qtbot: QtBot, window: MainWindow, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    targets = window.screen_named("targets")
    assert isinstance(targets, TargetsScreen)
    with qtbot.waitSignal(targets.loaded, timeout=10_000):
        window.show_screen("targets")
    lock = WriteLock(db_path)
    monkeypatch.setattr(targets_screen, "ask_reason", FakeReason())
    row = targets.model.row_of("1.1")
    assert targets.model.setData(targets.model.index(row, Q3), "120")  # the save runs queued
    qtbot.waitUntil(lambda: targets.unsaved_count() == 1)
    requested: list[object] = []
    window.database_requested.connect(requested.append)

    ask = FakeAsk([UnsavedChoice.CANCEL])
    monkeypatch.setattr(unsaved, "ask_about_unsaved", ask)
    window.request_database(tmp_path / "other.sqlite")
    assert requested == [] and ask.asked[0][2] == "Open the other database"
    lock.release()
    ask = FakeAsk([UnsavedChoice.RETRY])
    monkeypatch.setattr(unsaved, "ask_about_unsaved", ask)
    window.request_database(tmp_path / "other.sqlite")
    assert requested == [tmp_path / "other.sqlite"]
    assert {(t.indicator_code, t.period): t.value for t in targets.services.targets.list_targets(P)}[
        ("1.1", "2025Q3")
    ] == 120.0

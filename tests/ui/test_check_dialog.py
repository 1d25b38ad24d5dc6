# SPDX-License-Identifier: GPL-3.0-or-later
"""File ▸ Check database…: the check runs on a worker and says what it found in words; totals that
differ from the values are summed again on a worker with one button, and the screens read again."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.services import value_summary
from pmdesk.services.integrity import IntegrityService
from pmdesk.storage.database import Database, open_database
from pmdesk.ui.context import Services
from pmdesk.ui.files.check_dialog import CheckDatabaseDialog, counts_sentence
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals, DataChange
from pmdesk.ui.workers import Workers
from tests.ui.programme_factory import Built


def _spoil(db: Database, small: Built) -> None:
    """Values summed, then a district's total changed behind PMDesk's back."""
    assert db.gate.verdict(30) is None  # a file is written once its check at open has passed
    value_summary.refresh_if_needed(db.sessions)
    conn = sqlite3.connect(db.path)
    try:
        with conn:
            changed = conn.execute(
                "UPDATE value_rollup SET sum_value = sum_value + 100 WHERE sum_value IS NOT NULL "
                "AND node_id = (SELECT id FROM site WHERE code = 'ZR')"
            ).rowcount
    finally:
        conn.close()
    assert changed > 0


def _settled(qtbot: QtBot, dialog: CheckDatabaseDialog) -> None:
    qtbot.waitUntil(lambda: dialog.again_button.isEnabled(), timeout=20_000)


def test_file_check_database_says_no_problems(
    qtbot: QtBot,
    db: Database,
    services: Services,
    small: Built,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
) -> None:
    window = MainWindow(db.path, workers, signals, settings)
    qtbot.addWidget(window)
    window.show()
    window.attach(services)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.menus.check_database_action in file_menu.actions()  # type: ignore[union-attr]

    window.menus.check_database_action.trigger()
    dialog = window.databases.check_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowModality() == Qt.WindowModality.WindowModal
    _settled(qtbot, dialog)
    assert dialog.heading.text() == f"No problems found in {db.path.name}"
    assert dialog.detail.text().startswith("Checked: 1 programme, ")
    assert dialog.problems.isHidden() and dialog.repair_button.isHidden()
    assert dialog.close_button.text() == "Close"
    dialog.close_button.click()
    assert not dialog.isVisible()


def test_differing_totals_are_listed_and_summed_again(
    qtbot: QtBot,
    db: Database,
    services: Services,
    small: Built,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
) -> None:
    _spoil(db, small)
    window = MainWindow(db.path, workers, signals, settings)
    qtbot.addWidget(window)
    window.show()
    window.attach(services)
    window.databases.check_database()
    dialog = window.databases.check_dialog
    assert dialog is not None
    _settled(qtbot, dialog)
    assert dialog.heading.text() == f"1 problem found in {db.path.name}"
    listed = dialog.problems.toPlainText()
    assert f"Programme {small.code}: the totals the IPTT reads differ from the values" in listed
    assert "at Zinder (ZR)" in listed and "press “Sum the values again” below." in listed
    assert dialog.problems.isVisible() and dialog.repair_button.isVisible()
    assert dialog.repair_note.isVisible() and "changes no value" in dialog.repair_note.text()
    assert dialog.report is not None and dialog.report.stale_summaries == (small.code,)

    notices: list[DataChange] = []
    signals.data_changed.connect(notices.append)
    with qtbot.waitSignal(dialog.repaired, timeout=20_000) as repaired:
        qtbot.mouseClick(dialog.repair_button, Qt.MouseButton.LeftButton)
    assert repaired.args == [(small.code,)]
    _settled(qtbot, dialog)
    assert dialog.heading.text() == f"No problems found in {db.path.name}"
    assert dialog.detail.text().startswith(
        f"The values of {small.code} were summed again (a verified backup is in "
    )
    assert "No value was changed." in dialog.detail.text()
    assert dialog.repair_button.isHidden() and dialog.problems.isHidden()
    assert [n.kind for n in notices] == ["values"]
    assert IntegrityService(db.sessions).check().ok


def test_closing_while_it_checks_drops_the_verdict(
    qtbot: QtBot, db: Database, services: Services, small: Built, workers: Workers
) -> None:
    dialog = CheckDatabaseDialog(services.integrity, workers, db.path.name)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start_check()
    assert dialog.heading.text() == f"Checking {db.path.name} …"
    assert dialog.close_button.text() == "Cancel" and not dialog.again_button.isEnabled()
    dialog.close_button.click()
    assert not dialog.isVisible()
    workers.wait(20_000)
    QApplication.processEvents()
    assert dialog.report is None


def test_a_repair_refused_is_said_in_words(
    qtbot: QtBot, db: Database, small: Built, workers: Workers
) -> None:
    _spoil(db, small)
    read_only = open_database(db.path, read_only=True)
    try:
        dialog = CheckDatabaseDialog(
            IntegrityService(read_only.sessions, read_only.path), workers, db.path.name
        )
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.start_check()
        _settled(qtbot, dialog)
        assert dialog.repair_button.isVisible()
        dialog.repair_button.click()
        _settled(qtbot, dialog)
        assert dialog.heading.text() == "The check could not finish"
        assert "nothing can be saved" in dialog.detail.text()
        assert "Error" not in dialog.detail.text()
    finally:
        workers.wait(20_000)
        read_only.close()


def test_counts_are_said_with_their_nouns() -> None:
    assert counts_sentence({"programme": 1, "data_value": 1675, "history": 1}) == (
        "1 programme, 1,675 data values, 1 history entry"
    )

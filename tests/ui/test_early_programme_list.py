# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up (issue #11 §5): the programme picker lists the programmes, read through plain sqlite3,
before the database layer has loaded; a choice made then is the programme shown once it has."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from pmdesk.services.programme_peek import ProgrammeHeadline, peek_programmes
from pmdesk.storage.database import Database
from pmdesk.ui.context import Services
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.workers import Workers
from tests.ui.programme_factory import Built


def test_the_programmes_are_read_without_the_orm(db: Database, small: Built) -> None:
    assert peek_programmes(db.path) == [ProgrammeHeadline(small.code, small.name)]


def test_a_file_that_cannot_be_read_quickly_gives_no_early_list(tmp_path: Path) -> None:
    assert peek_programmes(tmp_path / "new.sqlite") is None  # not made yet
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is no database" * 100)
    assert peek_programmes(garbage) is None
    other = tmp_path / "other.sqlite"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE notes (text TEXT)")
    connection.commit()
    connection.close()
    assert peek_programmes(other) is None  # not a PMDesk file
    restoring = tmp_path / "restoring.sqlite"
    restoring.write_bytes(other.read_bytes())
    restoring.with_name("restoring.sqlite.restoring").write_text("")
    assert peek_programmes(restoring) is None  # a killed restore is finished by the real open first


def test_the_picker_lists_the_programmes_before_the_screens_exist(
    qtbot: QtBot,
    db: Database,
    small: Built,
    services: Services,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
) -> None:
    window = MainWindow(db.path, workers, signals, settings, log_path=Path("pmdesk.log"))
    qtbot.addWidget(window)
    window.show()
    assert window.pages.currentWidget() is window.opening_label
    early = [ProgrammeHeadline("AAA", "Another programme"), ProgrammeHeadline(small.code, small.name)]
    with qtbot.waitSignal(window.programmes_listed_early) as listed:
        window.show_programmes_early(early)
    assert listed.args == [2]
    combo = window.programme_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["Another programme", small.name]
    assert window.pages.currentWidget() is window.workspace
    assert window.screens == []  # the screens come with the services

    combo.setCurrentIndex(1)  # chosen before the database is open
    assert window.current_programme_code() is None
    with qtbot.waitSignal(window.programmes_loaded, timeout=10_000):
        window.attach(services)
    # The services' list replaces the early one, and the choice stands.
    assert window.current_programme_code() == small.code
    assert [combo.itemText(i) for i in range(combo.count())] == [small.name]
    assert window.status_bar.programme_label.text().startswith(small.code)
    assert window.stack.currentWidget() is window.current_screen()


def test_the_programme_last_shown_is_chosen_in_the_early_list(
    qtbot: QtBot,
    db: Database,
    small: Built,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
) -> None:
    settings.setValue("view/programme", "ZZZ")
    window = MainWindow(db.path, workers, signals, settings, log_path=Path("pmdesk.log"))
    qtbot.addWidget(window)
    window.show()
    window.show_programmes_early(
        [ProgrammeHeadline(small.code, small.name), ProgrammeHeadline("ZZZ", "Last")]
    )
    assert window.programme_combo.currentText() == "Last"
    window.show_programmes_early(None)  # nothing read: nothing changes
    window.show_programmes_early([])
    assert window.programme_combo.currentText() == "Last"

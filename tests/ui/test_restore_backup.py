# SPDX-License-Identifier: GPL-3.0-or-later
"""File ▸ Restore backup…, and a damaged file: the window offers the newest sound backup, puts it
in place (the damaged file kept beside it) and opens it; declined, the file stays read-only."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

import pmdesk.app
import pmdesk.services.backups
from pmdesk.app import DatabaseOpener
from pmdesk.storage.backup import backup_database
from pmdesk.storage.database import Database, open_database
from pmdesk.ui.files.restore_dialog import BackupTableModel, RestoreBackupDialog
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.workers import Workers
from tests.storage.test_storage_failures import _damage_data_pages
from tests.ui.programme_factory import build_small_programme

Answer = Callable[[QMessageBox], None]


class Desk:
    """A main window with its opener, as run_gui builds them, on a file of the test's choosing."""

    def __init__(self, qtbot: QtBot, path: Path, settings: QSettings) -> None:
        self.qtbot = qtbot
        self.workers = Workers()
        self.opened: list[Database] = []
        self.window = MainWindow(path, self.workers, AppSignals(), settings, log_path=Path("pmdesk.log"))
        qtbot.addWidget(self.window)
        self.window.show()
        self.opener = DatabaseOpener(self.window, self.workers, self.opened, Path("pmdesk.log"), path.parent)

    def open(self, path: Path) -> None:
        self.opener.open(path)
        self.wait_open(path)

    def wait_open(self, path: Path) -> None:
        self.qtbot.waitUntil(
            lambda: self.opener.current == path and self.window.services is not None, timeout=15_000
        )

    def programme_names(self) -> list[str]:
        services = self.window.services
        assert services is not None
        return [p.name for p in services.programmes.list_programmes()]

    def close(self) -> None:
        self.workers.cancel_all()
        self.workers.wait(10_000)
        while self.opened:
            self.opened.pop().close()


@pytest.fixture
def desk_factory(qtbot: QtBot, tmp_path: Path) -> Iterator[Callable[[Path], Desk]]:
    desks: list[Desk] = []

    def make(path: Path) -> Desk:
        desk = Desk(qtbot, path, QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
        desks.append(desk)
        return desk

    yield make
    for desk in desks:
        desk.close()


class Answers:
    """Every question the opener asks is recorded in `asked`; the next of `replies` (the start of
    a button's text) is pressed, or, with none left, the declining one (Quit / Keep it read-only)."""

    def __init__(self) -> None:
        self.replies: list[str] = []
        self.asked: list[str] = []

    def __call__(self, box: QMessageBox) -> None:
        self.asked.append(box.text())
        buttons = box.buttons()
        wanted = self.replies.pop(0) if self.replies else None
        declining = [b for b in buttons if box.buttonRole(b) == QMessageBox.ButtonRole.RejectRole]
        fallback = declining[0] if declining else buttons[0]
        chosen = next((b for b in buttons if wanted and b.text().startswith(wanted)), fallback)
        chosen.click()


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    answering = Answers()
    monkeypatch.setattr(pmdesk.app, "ask_user", answering)
    return answering


@pytest.fixture
def office(tmp_path: Path) -> Path:
    """A database with a programme, a backup of it, and a change made after the backup."""
    folder = tmp_path / "office"
    folder.mkdir()
    path = folder / "office.sqlite"
    db = open_database(path, actor="tester")
    build_small_programme(db)
    db.close()
    backup_database(path, reason="before-import")
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE programme SET name = 'Renamed after the backup'")
    raw.close()
    return path


def test_the_backup_table_lists_newest_first_in_words(office: Path) -> None:
    from pmdesk.services.backups import list_backups

    model = BackupTableModel()
    model.set_rows(list_backups(office))
    assert model.rowCount() == 1
    assert model.data(model.index(0, 1)) == "before import"
    assert model.data(model.index(0, 2)).endswith("kB")


def test_file_restore_backup_puts_it_in_place_and_reopens(
    qtbot: QtBot,
    desk_factory: Callable[[Path], Desk],
    office: Path,
    answers: Answers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk = desk_factory(office)
    desk.open(office)
    assert desk.programme_names() == ["Renamed after the backup"]

    def choose_first(dialog: QDialog) -> int:
        assert isinstance(dialog, RestoreBackupDialog)
        dialog.grab().save(str(office.parent / "restore-dialog.png"))
        dialog.restore_button.click()
        return int(dialog.result())

    monkeypatch.setattr(desk.window, "ask_dialog", choose_first)
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    )
    desk.window.menus.restore_action.trigger()
    qtbot.waitUntil(lambda: bool(answers.asked), timeout=15_000)
    desk.wait_open(office)
    qtbot.waitUntil(lambda: desk.programme_names() != ["Renamed after the backup"], timeout=15_000)
    assert "Renamed after the backup" not in desk.programme_names()
    assert "kept as" in answers.asked[0]
    assert len(list(office.parent.glob("office.replaced-*.sqlite"))) == 1


def test_a_file_found_damaged_after_opening_is_read_only_and_a_backup_is_offered(
    qtbot: QtBot,
    desk_factory: Callable[[Path], Desk],
    office: Path,
    answers: Answers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with sqlite3.connect(office) as raw:
        raw.execute("UPDATE data_value SET comment = printf('%.*c', 3000, 'y')")
    raw.close()
    with sqlite3.connect(office) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    _damage_data_pages(office)
    # The backups are looked for off the UI thread: each gets a full integrity check.
    threads: list[str] = []
    real_search = pmdesk.services.backups.latest_verified_backup

    def search(path: Path) -> object:
        threads.append(threading.current_thread().name)
        return real_search(path)

    monkeypatch.setattr(pmdesk.services.backups, "latest_verified_backup", search)
    desk = desk_factory(office)
    desk.open(office)
    qtbot.waitUntil(
        lambda: desk.window.status_bar.read_only_label.isVisible() and bool(answers.asked), timeout=15_000
    )
    assert threads and threading.main_thread().name not in threads
    asked = answers.asked
    assert "damaged" in asked[0] and "newest sound backup" in asked[0]
    assert desk.window.status_bar.read_only_label.text() == "Read-only"
    assert "damaged" in desk.window.status_bar.read_only_label.toolTip()


def test_an_unreadable_file_offers_its_backup_at_start(
    qtbot: QtBot, desk_factory: Callable[[Path], Desk], office: Path, answers: Answers
) -> None:
    office.write_bytes(b"this is not a database " * 200)
    office.with_name("office.sqlite-wal").unlink(missing_ok=True)
    office.with_name("office.sqlite-shm").unlink(missing_ok=True)
    answers.replies.append("Restore the backup")
    desk = desk_factory(office)
    desk.opener.open(office)
    desk.wait_open(office)
    assert desk.programme_names() and "Renamed after the backup" not in desk.programme_names()
    kept = list(office.parent.glob("office.replaced-*.sqlite"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")

# SPDX-License-Identifier: GPL-3.0-or-later
"""File ▸ New / Open / Open recent / Restore backup: choosing another database file for the window;
File ▸ Check database… (check_dialog.py).

The window holds one (`window.databases`): it asks where, and the window's `request_database` (which first makes sure
no typed input would be lost) and `restore_requested` signal do the rest in app.py."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

if TYPE_CHECKING:
    from pmdesk.ui.files.check_dialog import CheckDatabaseDialog
    from pmdesk.ui.main_window import MainWindow

MAX_RECENT = 8
RECENT = "files/recent_databases"


def recent_databases(settings: QSettings) -> list[str]:
    value = settings.value(RECENT, [])
    # QSettings gives a lone string for a one-item list in INI files.
    items: list[object] = (
        [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
    )
    return [str(v) for v in items if v]


def remember_database(settings: QSettings, path: Path) -> None:
    items = [str(path)] + [p for p in recent_databases(settings) if p != str(path)]
    settings.setValue(RECENT, items[:MAX_RECENT])


class DatabaseCommands:
    """The File menu's database commands of one window."""

    def __init__(self, window: MainWindow, settings: QSettings) -> None:
        self._window = window
        self._settings = settings
        self.check_dialog: CheckDatabaseDialog | None = None

    def new_database(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self._window,
            "New database",
            str(self._window.database_path.parent / "programmes.sqlite"),
            "PMDesk database (*.sqlite)",
        )
        if path:
            chosen = Path(path)
            if chosen.exists():
                QMessageBox.warning(
                    self._window, "New database", f"{chosen} exists already; use Open database instead."
                )
                return
            self._window.request_database(chosen)

    def open_database(self) -> None:
        chosen = self.choose_database_file()
        if chosen is not None:
            self._window.request_database(chosen)

    def choose_database_file(self) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(
            self._window,
            "Open database",
            str(self._window.database_path.parent),
            "PMDesk database (*.sqlite *.db);;All files (*)",
        )
        return Path(path) if path else None

    def restore_backup(self) -> None:
        """File ▸ Restore backup…: choose a backup, confirm, and let the app put it in place."""
        from pmdesk.services.backups import list_backups
        from pmdesk.ui.files.restore_dialog import RestoreBackupDialog

        dialog = RestoreBackupDialog(
            self._window.database_path, list_backups(self._window.database_path), self._window
        )
        if self._window.ask_dialog(dialog) != QDialog.DialogCode.Accepted or dialog.chosen is None:
            return
        answer = QMessageBox.question(
            self._window,
            "Restore backup",
            f"Put {dialog.chosen.name} in place of {self._window.database_path.name}?\n\nAnything entered "
            "since that backup was made stays only in the replaced file, which is kept beside it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes and self._window.confirm_leaving("Restore the backup"):
            self._window.restore_requested.emit(dialog.chosen)

    def check_database(self) -> None:
        """File ▸ Check database…: the integrity check on a worker, in a dialog that offers to sum
        the values again when the totals the IPTT reads differ from them."""
        context = self._window.files.context
        if context is None:
            QMessageBox.information(
                self._window, "Check database", "The database is still opening; try again in a moment."
            )
            return
        from pmdesk.ui.files.check_dialog import CheckDatabaseDialog

        if self.check_dialog is not None:
            self.check_dialog.reject()
        dialog = CheckDatabaseDialog(
            context.services.integrity, context.workers, self._window.database_path.name, self._window
        )
        # The IPTT, Dashboard and Completeness already on screen read the old totals: read again.
        dialog.repaired.connect(lambda _codes: context.signals.announce("values"))
        self.check_dialog = dialog
        dialog.open()
        dialog.start_check()

    def fill_recent_menu(self) -> None:
        self._window.menus.recent_menu.clear()
        for item in recent_databases(self._settings):
            path = Path(item)
            action = self._window.menus.recent_menu.addAction(str(path))
            action.setEnabled(path.exists() and path != self._window.database_path)
            action.triggered.connect(lambda _=False, p=path: self._window.request_database(p))
        if self._window.menus.recent_menu.isEmpty():
            self._window.menus.recent_menu.addAction("(none yet)").setEnabled(False)

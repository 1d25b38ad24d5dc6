# SPDX-License-Identifier: GPL-3.0-or-later
"""File ▸ Restore backup…: pick one of the database's backups (or any file) to put in its place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.services.backups import BackupSummary
from pmdesk.ui.rows_model import RowsModel

COL_WHEN, COL_REASON, COL_SIZE = range(3)
HEADERS = ("Made", "Why", "Size")

ModelIndex = QModelIndex | QPersistentModelIndex


def reason_text(reason: str) -> str:
    """'before-migration-0001_initial' → 'before an update of the file's format'."""
    if reason.startswith("before-migration"):
        return "before an update of the file's format"
    if reason.startswith("before-"):
        return "before " + reason.removeprefix("before-").replace("-", " ")
    return reason.replace("-", " ")


class BackupTableModel(RowsModel["BackupSummary"]):
    headers = HEADERS

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        backup = self.row_at(index.row())
        if backup is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == COL_WHEN:
                return backup.created.strftime("%Y-%m-%d %H:%M:%S")
            if index.column() == COL_REASON:
                return reason_text(backup.reason)
            return _size_text(backup.size)
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(backup.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COL_SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _size_text(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(size, 1) / 1000:.0f} kB"


class RestoreBackupDialog(QDialog):
    """Lists the backups, newest first; `chosen` is the file to restore once accepted."""

    def __init__(self, database: Path, backups: list[BackupSummary], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore backup")
        self.chosen: Path | None = None
        self._database = database
        intro = QLabel(
            f"Choose a backup of <b>{_escaped(database.name)}</b> to put in its place. The file it "
            f"replaces is not deleted: it is kept beside it as "
            f"<i>{_escaped(database.stem)}.replaced-&lt;date and time&gt;{_escaped(database.suffix)}</i>, "
            "with its log "
            "files. The backup is checked before and after it is put in place.",
            self,
        )
        intro.setWordWrap(True)
        self.model = BackupTableModel(self)
        self.model.set_rows(backups)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_WHEN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_REASON, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_SIZE, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: self._on_restore())
        self.empty_label = QLabel(
            f"There are no automatic backups in {_escaped(str(database.parent))} yet; choose a "
            "backup file you made yourself.",
            self,
        )
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(not backups)
        self.table.setVisible(bool(backups))

        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton("&Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.file_button = QPushButton("Choose another &file…", self)
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button.clicked.connect(self._on_restore)
        self.file_button.clicked.connect(self._on_choose_file)
        buttons.rejected.connect(self.reject)
        self.restore_button.setEnabled(bool(backups))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        if backups:
            self.table.selectRow(0)
            self.resize(620, 360)
        else:
            layout.addStretch(1)
            self.resize(560, 180)
        layout.addWidget(buttons)

    def _on_restore(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        backup = self.model.row_at(rows[0].row()) if rows else None
        if backup is not None:
            self.chosen = backup.path
            self.accept()

    def _on_choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Choose a backup",
            str(self._database.parent),
            "PMDesk database (*.sqlite *.db);;All files (*)",
        )
        if path:
            self.chosen = Path(path)
            self.accept()


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

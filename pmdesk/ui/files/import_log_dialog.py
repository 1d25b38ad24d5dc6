# SPDX-License-Identifier: GPL-3.0-or-later
"""File ▸ Import log: the files imported into a programme (or the database), with their SHA-256."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelection, QObject, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.files.import_log_table_model import (
    COL_FILE,
    COL_PROGRAMME,
    ImportLogTableModel,
    counts_sentence,
)
from pmdesk.ui.formatting import local_datetime

if TYPE_CHECKING:
    from pmdesk.services.import_log import ImportLogEntry, ImportLogService

SHOWN = 500  # years of imports; the CLI's --limit reaches further back


class ImportLogDialog(QDialog):
    def __init__(
        self, imports: ImportLogService, programme_code: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._imports = imports
        self._programme_code = programme_code
        self.setWindowTitle("Import log")
        self.heading = QLabel("", self)
        self.heading.setWordWrap(True)
        self.every_programme = QCheckBox("Show the imports into &every programme", self)
        self.every_programme.setChecked(programme_code is None)
        self.every_programme.setEnabled(programme_code is not None)
        self.every_programme.toggled.connect(self.reload)
        self.model = ImportLogTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # a file name's end says which
        self.table.setAccessibleName("Files imported")
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.viewport().installEventFilter(self)
        self.empty_label = QLabel("", self)
        self.empty_label.setWordWrap(True)
        self.details = QLabel("", self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("The selected import")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.copy_button = QPushButton("&Copy SHA-256", self)
        self.copy_button.setToolTip("Copy the selected file's full SHA-256, to compare with the file on disk")
        self.copy_button.clicked.connect(self._on_copy_clicked)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.every_programme)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(buttons)
        # Room for every column at the current zoom, within the screen.
        metrics = self.fontMetrics()
        width, height = metrics.averageCharWidth() * 150, metrics.height() * 28
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            width, height = min(width, screen.width() - 40), min(height, screen.height() - 60)
        self.resize(width, height)
        self.reload()

    def reload(self) -> None:
        every = self.every_programme.isChecked() or self._programme_code is None
        code = None if every else self._programme_code
        self.heading.setText(
            "Every file imported into this database, newest first."
            if every
            else f"Every file imported into {self._programme_code}, newest first."
        )
        self.table.setColumnHidden(COL_PROGRAMME, not every)
        try:
            entries = self._imports.list_imports(code, limit=SHOWN)
        except PmdeskError as exc:
            entries = []
            self.empty_label.setText(f"The import log could not be read: {exc}")
        else:
            self.empty_label.setText(
                "No file has been imported yet. Packages, logframes and values imported with "
                "File ▸ Import are listed here."
            )
        self.model.set_rows(entries)
        self.empty_label.setVisible(not entries)
        self.table.resizeColumnsToContents()
        self._fit_file_column()
        if entries:
            self.table.selectRow(0)
        self._show_entry(self.model.entry_at(0) if entries else None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_file_column()
        return super().eventFilter(watched, event)

    def _fit_file_column(self) -> None:
        """The file name takes the room the other columns leave, but never less than a short name:
        a narrow window scrolls sideways instead."""
        header = self.table.horizontalHeader()
        others = sum(
            header.sectionSize(c)
            for c in range(self.model.columnCount())
            if c != COL_FILE and not header.isSectionHidden(c)
        )
        least = self.fontMetrics().averageCharWidth() * 18
        header.resizeSection(COL_FILE, max(least, self.table.viewport().width() - others))

    def selected_entry(self) -> ImportLogEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.entry_at(rows[0].row()) if rows else None

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_entry(self.selected_entry())

    def _show_entry(self, entry: ImportLogEntry | None) -> None:
        self.copy_button.setEnabled(entry is not None)
        if entry is None:
            self.details.setText("")
            return
        lines = [
            f"<b>{html.escape(entry.file_name)}</b> — {html.escape(entry.kind.label)} into "
            f"{html.escape(entry.programme_code)}",
            html.escape(
                f"Imported {local_datetime(entry.at)} by {entry.actor} on {entry.device} "
                f"(device {entry.device_uuid})"
            ),
            f"SHA-256: <code>{entry.sha256}</code>",
            html.escape(counts_sentence(entry) + "."),
        ]
        if entry.detail:
            lines.append(html.escape(f"Also created {entry.detail}."))
        self.details.setText("<br>".join(lines))

    def _on_copy_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            QGuiApplication.clipboard().setText(entry.sha256)

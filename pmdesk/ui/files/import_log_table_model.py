# SPDX-License-Identifier: GPL-3.0-or-later
"""The import log as a table: one row per file imported into a programme, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from pmdesk.domain.enums import ImportKind
from pmdesk.ui.formatting import format_count, local_datetime
from pmdesk.ui.rows_model import RowsModel

if TYPE_CHECKING:
    from pmdesk.services.import_log import ImportLogEntry

COL_WHEN = 0
COL_WHO = 1
COL_KIND = 2
COL_PROGRAMME = 3
COL_FILE = 4
COL_SHA = 5
COL_CREATED = 6
COL_REPLACED = 7
COL_UNCHANGED = 8
COL_WARNINGS = 9
HEADERS = ("When", "Who", "Kind", "Programme", "File", "SHA-256", "New", "Replaced", "Unchanged", "Warnings")
NUMBER_COLUMNS = (COL_CREATED, COL_REPLACED, COL_UNCHANGED, COL_WARNINGS)
# Short words for a narrow column; the details below the table say it in full.
KIND_WORDS = {ImportKind.PACKAGE: "Package", ImportKind.LOGFRAME: "Logframe", ImportKind.VALUES: "Values"}

_Index = QModelIndex | QPersistentModelIndex


def counts_sentence(entry: ImportLogEntry) -> str:
    """'1,200 new, 3 replaced, 0 unchanged; 2 carry a warning'."""
    text = (
        f"{format_count(entry.created)} new, {format_count(entry.replaced)} replaced, "
        f"{format_count(entry.unchanged)} unchanged"
    )
    if entry.warnings:
        text += f"; {format_count(entry.warnings)} {'carries' if entry.warnings == 1 else 'carry'} a warning"
    return text


class ImportLogTableModel(RowsModel["ImportLogEntry"]):
    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)

    def set_rows(self, rows: Sequence[ImportLogEntry]) -> None:
        """Entries as ImportLogService gives them (newest first)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def entry_at(self, row: int) -> ImportLogEntry | None:
        return self.row_at(row)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(section)
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry_at(index.row()) if index.isValid() else None
        if entry is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _alignment(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SHA:
                return f"SHA-256 of {entry.file_name}:\n{entry.sha256}"
            if column == COL_WHO:
                return f"{entry.actor} on device {entry.device} ({entry.device_uuid})"
            return f"{entry.kind.label} {entry.file_name}: {counts_sentence(entry)}" + (
                f"\nAlso created {entry.detail}" if entry.detail else ""
            )
        return None

    @staticmethod
    def _display(entry: ImportLogEntry, column: int) -> str | None:
        if column == COL_WHEN:
            return local_datetime(entry.at)
        if column == COL_WHO:
            return entry.actor
        if column == COL_KIND:
            return KIND_WORDS[entry.kind]
        if column == COL_PROGRAMME:
            return entry.programme_code
        if column == COL_FILE:
            return entry.file_name
        if column == COL_SHA:
            return entry.short_sha
        numbers = {
            COL_CREATED: entry.created,
            COL_REPLACED: entry.replaced,
            COL_UNCHANGED: entry.unchanged,
            COL_WARNINGS: entry.warnings,
        }
        return format_count(numbers[column]) if column in numbers else None


def _alignment(column: int) -> Qt.AlignmentFlag:
    if column in NUMBER_COLUMNS:
        return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

# SPDX-License-Identifier: GPL-3.0-or-later
"""The custom periods typed in the programme dialog (code, start, end), editable in place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Qt

from pmdesk.domain.periods import CustomPeriod
from pmdesk.ui.rows_model import RowsModel

COL_CODE = 0
COL_START = 1
COL_END = 2


HEADERS = ("Code", "Start", "End")
TOOLTIPS = (
    "A short code such as BASELINE, MIDLINE or ENDLINE (letters first; not a DHIS2 code like 2025Q1)",
    "First day of the period",
    "Last day of the period (included)",
)

_Index = QModelIndex | QPersistentModelIndex


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class CustomPeriodTableModel(RowsModel["CustomPeriod"]):
    headers = HEADERS
    header_tips = TOOLTIPS
    """Rows of CustomPeriod (frozen): an edit replaces the row with a changed copy."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)

    def set_rows(self, rows: Sequence[CustomPeriod]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def periods(self) -> list[CustomPeriod]:
        return list(self._rows)

    def add_period(self, default_start: date) -> int:
        """Append a period starting the day after the last one ends (or on `default_start`);
        returns its row."""
        start = self._rows[-1].end + timedelta(days=1) if self._rows else default_start
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(CustomPeriod("", start, start))
        self.endInsertRows()
        return row

    def remove_period(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    # -- Qt overrides -----------------------------------------------------------------------

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        period = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_CODE:
                return period.code
            return (period.start if column == COL_START else period.end).isoformat()
        if role == Qt.ItemDataRole.EditRole:
            if column == COL_CODE:
                return period.code
            return to_qdate(period.start if column == COL_START else period.end)
        if role == Qt.ItemDataRole.ToolTipRole:
            return TOOLTIPS[column]
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return False
        period = self._rows[index.row()]
        column = index.column()
        if column == COL_CODE:
            changed = replace(period, code=str(value).strip())
        else:
            day = from_qdate(value) if isinstance(value, QDate) else value
            if not isinstance(day, date):
                return False
            changed = replace(period, start=day) if column == COL_START else replace(period, end=day)
        self._rows[index.row()] = changed
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

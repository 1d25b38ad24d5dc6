# SPDX-License-Identifier: GPL-3.0-or-later
"""The programmes of the database as a table model (code, name, donor, counts, dates)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from pmdesk.ui.formatting import counted, format_count
from pmdesk.ui.rows_model import RowsModel

if TYPE_CHECKING:
    from pmdesk.services.programmes import ProgrammeSummary

COL_CODE = 0
COL_NAME = 1
COL_DONOR = 2
COL_INDICATORS = 3
COL_SITES = 4
COL_VALUES = 5
COL_DATES = 6

HEADERS = ("Code", "Name", "Donor", "Indicators", "Sites", "Values", "Dates")
_NUMERIC = (COL_INDICATORS, COL_SITES, COL_VALUES)

_Index = QModelIndex | QPersistentModelIndex


class ProgrammeListModel(RowsModel["ProgrammeSummary"]):
    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)

    def set_rows(self, rows: Sequence[ProgrammeSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def programme_at(self, row: int) -> ProgrammeSummary | None:
        return self.row_at(row)

    def row_of(self, code: str) -> int:
        """The row of the programme with this code, or -1."""
        return next((i for i, p in enumerate(self._rows) if p.code == code), -1)

    # -- Qt overrides -----------------------------------------------------------------------

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        programme = self.programme_at(index.row()) if index.isValid() else None
        if programme is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(programme, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(programme)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return programme.code
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _display(p: ProgrammeSummary, column: int) -> str | None:
    if column == COL_CODE:
        return p.code
    if column == COL_NAME:
        return p.name
    if column == COL_DONOR:
        return p.donor
    if column == COL_INDICATORS:
        return format_count(p.indicator_count)
    if column == COL_SITES:
        return format_count(p.site_count)
    if column == COL_VALUES:
        return format_count(p.value_count)
    if column == COL_DATES:
        return f"{p.start:%b %Y} – {p.end:%b %Y}"
    return None


def _tooltip(p: ProgrammeSummary) -> str:
    lines = [f"{p.code} — {p.name}"]
    if p.donor:
        lines.append(f"Donor: {p.donor}")
    lines.append(f"{p.start:%d %b %Y} – {p.end:%d %b %Y}, reporting {p.frequency.value}")
    lines.append(
        f"{counted(p.indicator_count, 'indicator')} · {counted(p.site_count, 'site')} · "
        f"{counted(p.value_count, 'data value')}"
    )
    return "\n".join(lines)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Every programme of the database for the Programmes screen: dates, frequency and counts, sortable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from pmdesk.domain.enums import Frequency
from pmdesk.ui.formatting import format_count
from pmdesk.ui.rows_model import RowsModel

if TYPE_CHECKING:
    from pmdesk.services.programmes import ProgrammeSummary

COL_CODE = 0
COL_NAME = 1
COL_DONOR = 2
COL_DATES = 3
COL_FREQUENCY = 4
COL_INDICATORS = 5
COL_SITES = 6
COL_VALUES = 7

HEADERS = ("Code", "Name", "Donor", "Dates", "Frequency", "Indicators", "Sites", "Values")
_NUMERIC = (COL_INDICATORS, COL_SITES, COL_VALUES)

# The role that sorting uses: numbers sort as numbers and dates as dates, not as their display text.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

FREQUENCY_LABELS = {
    Frequency.MONTHLY: "Monthly",
    Frequency.QUARTERLY: "Quarterly",
    Frequency.SEMIANNUAL: "Half-yearly",
    Frequency.ANNUAL: "Annual",
    Frequency.CUSTOM: "Custom periods",
}

_Index = QModelIndex | QPersistentModelIndex


def date_range_text(p: ProgrammeSummary) -> str:
    """'1 Jan 2025 – 31 Dec 2026': day, month name and year, never ambiguous across locales."""
    return f"{p.start.day} {p.start:%b %Y} – {p.end.day} {p.end:%b %Y}"


class ProgrammeTableModel(RowsModel["ProgrammeSummary"]):
    headers = HEADERS
    header_alignments: ClassVar[Mapping[int, Qt.AlignmentFlag]] = {
        c: Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter for c in _NUMERIC
    }
    """Read-only rows of ProgrammeSummary; the current programme (the shell's) is shown in bold."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._current: str | None = None
        self._sort: tuple[int, Qt.SortOrder] = (COL_CODE, Qt.SortOrder.AscendingOrder)

    def set_rows(self, rows: Sequence[ProgrammeSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._apply_sort()
        self.endResetModel()

    def set_current_code(self, code: str | None) -> None:
        self._current = code
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(HEADERS) - 1))

    @property
    def current_code(self) -> str | None:
        return self._current

    def programme_at(self, row: int) -> ProgrammeSummary | None:
        return self.row_at(row)

    def row_of(self, code: str | None) -> int:
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
        if role == SORT_ROLE:
            return _sort_key(programme, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            current = "\nThe current programme" if programme.code == self._current else ""
            donor = f"\nDonor: {programme.donor}" if programme.donor else ""
            return f"{programme.code} — {programme.name}{donor}\n{date_range_text(programme)}{current}"
        if role == Qt.ItemDataRole.FontRole and programme.code == self._current:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return programme.code
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        # Selections are persistent indexes: they must follow their row, not stay at its number.
        old = self.persistentIndexList()
        keys = [(self._rows[i.row()].code, i.column()) for i in old]
        self._sort = (column, order)
        self._apply_sort()
        self.changePersistentIndexList(old, [self.index(self.row_of(code), col) for code, col in keys])
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        column, order = self._sort
        self._rows.sort(key=lambda p: (_sort_key(p, column), p.code))
        if order == Qt.SortOrder.DescendingOrder:
            self._rows.reverse()


def _display(p: ProgrammeSummary, column: int) -> str | None:
    if column == COL_CODE:
        return p.code
    if column == COL_NAME:
        return p.name
    if column == COL_DONOR:
        return p.donor
    if column == COL_DATES:
        return f"{p.start:%b %Y} – {p.end:%b %Y}"
    if column == COL_FREQUENCY:
        return FREQUENCY_LABELS[p.frequency]
    if column == COL_INDICATORS:
        return format_count(p.indicator_count)
    if column == COL_SITES:
        return format_count(p.site_count)
    if column == COL_VALUES:
        return format_count(p.value_count)
    return None


def _sort_key(p: ProgrammeSummary, column: int) -> Any:
    if column == COL_DATES:
        return (p.start.isoformat(), p.end.isoformat())
    if column == COL_FREQUENCY:
        return list(Frequency).index(p.frequency)
    if column == COL_INDICATORS:
        return p.indicator_count
    if column == COL_SITES:
        return p.site_count
    if column == COL_VALUES:
        return p.value_count
    return (_display(p, column) or "").casefold()

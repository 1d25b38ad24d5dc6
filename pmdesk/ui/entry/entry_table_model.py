# SPDX-License-Identifier: GPL-3.0-or-later
"""The data-entry grid of one site and period as an editable table: one row per indicator cell;
what each cell says is in entry_cells.py."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from pmdesk.domain.enums import Measure, ValueStatus
from pmdesk.ui.entry.entry_cells import (
    COL_COMMENT,
    COL_DENOMINATOR,
    COL_INDICATOR,
    COL_NUMERATOR,
    COL_STATUS,
    COL_TARGET,
    COL_VALUE,
    ENTRY_COLUMNS,
    LEFT,
    NO_HALVES,
    RIGHT,
    TOP_LEFT,
    UnsavedInput,
    background_colour,
    cell_font,
    display_text,
    edit_text,
    half_ratio_text,
    is_disaggregated_total,
    result_data,
    shows_unsaved,
    tooltip_text,
    unsaved_data,
)
from pmdesk.ui.entry.entry_rows import LOCKED, EntryRow, RowKind, build_rows, indicator_rows
from pmdesk.ui.entry.entry_style import (
    HEADER_TIPS,
    HEADERS,
    MUTED_TEXT,
    TEXT_ON_COLOUR,
    lock_icon,
)

if TYPE_CHECKING:
    from pmdesk.services.entry_grid import EntryGrid, GridIndicator
    from pmdesk.services.value_info import ValueInfo


_Index = QModelIndex | QPersistentModelIndex
EditHandler = Callable[[int, int, str], bool]  # (row, column, text typed) → saved?


class EntryTableModel(QAbstractTableModel):
    """Rows from `entry_rows.build_rows`; edits go to the handler the screen sets (which saves
    through the service), and saved values come back through `apply_value`."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._grid: EntryGrid | None = None
        self._rows: list[EntryRow] = []
        self._row_of: dict[tuple[int, int], int] = {}
        self._indicator_rows: dict[int, tuple[int, int]] = {}  # indicator id → (first row, count)
        self._errors: dict[tuple[int, int, int], tuple[str, str]] = {}  # → (message, text refused)
        # Half a ratio typed, kept until the other half comes, per (programme, site, period): it
        # stays through a reload and is shown again when the grid comes back to its place.
        self._halves: dict[tuple[str, str, str], dict[tuple[int, int], dict[int, str]]] = {}
        self._pending: dict[tuple[int, int], dict[int, str]] = {}  # those of the grid shown
        self._unsaved: dict[tuple[int, int], UnsavedInput] = {}  # typed, refused by the database
        self._handler: EditHandler | None = None

    # -- content ----------------------------------------------------------------------------

    def set_rows(self, grid: EntryGrid | None) -> None:
        """Show the cells of `grid` (None: nothing); errors and unsaved input are dropped (the
        owner of the input not saved yet marks its cells again); half a ratio typed in the grid's
        place stays, and shows again."""
        self.beginResetModel()
        self._grid = grid
        self._rows = build_rows(grid)
        self._errors.clear()
        self._pending = (
            self._halves.setdefault((grid.programme_code, grid.site_code, grid.period), {})
            if grid is not None
            else {}
        )
        self._unsaved.clear()
        self._index_rows()
        self.endResetModel()

    def _index_rows(self) -> None:
        self._row_of = {}
        self._indicator_rows = {}
        for i, row in enumerate(self._rows):
            if row.kind is RowKind.CELL:
                self._row_of[row.key] = i
                if row.is_first:
                    assert row.indicator is not None
                    self._indicator_rows[row.indicator.id] = (i, row.span)

    @property
    def grid(self) -> EntryGrid | None:
        return self._grid

    def set_edit_handler(self, handler: EditHandler | None) -> None:
        self._handler = handler

    def row_at(self, row: int) -> EntryRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: tuple[int, int]) -> int:
        """The row of a cell by (indicator id, combo id), or -1."""
        return self._row_of.get(key, -1)

    def first_row_of(self, indicator_code: str) -> int:
        """The first row of the indicator with this code, or -1."""
        for row in self._rows:
            if row.is_first and row.indicator is not None and row.indicator.code == indicator_code:
                return self._row_of[row.key]
        return -1

    def result_rows(self) -> list[int]:
        return [i for i, r in enumerate(self._rows) if r.kind is RowKind.RESULT]

    def indicator_spans(self) -> list[tuple[int, int]]:
        """(first row, row count) of every indicator with more than one row."""
        return [span for span in self._indicator_rows.values() if span[1] > 1]

    def has_percent(self) -> bool:
        return self._grid is not None and any(i.measure is Measure.PERCENT for i in self._grid.indicators)

    def status_counts(self) -> Counter[ValueStatus]:
        return Counter(r.value.status for r in self._rows if r.value is not None)

    def cell_counts(self) -> tuple[int, int, int]:
        """(cells holding a value, cells that could, values flagged by a warning)."""
        filled = possible = flagged = 0
        for row in self._rows:
            if row.kind is RowKind.CELL and (row.is_entry_row or row.value is not None):
                possible += 1
                filled += row.value is not None
                flagged += row.value is not None and row.value.is_flagged
        return filled, possible, flagged

    def apply_value(self, key: tuple[int, int], info: ValueInfo | None) -> None:
        """A cell was saved (or cleared) through the service: show it, and what follows from it
        (the computed Total, which cells may now take a value)."""
        indicator_id, combo_id = key
        if self._grid is None or indicator_id not in self._indicator_rows:
            return
        old = next(i for i in self._grid.indicators if i.id == indicator_id)
        values = dict(old.values)
        if info is None:
            values.pop(combo_id, None)
        else:
            values[combo_id] = info
        new = dataclasses.replace(old, values=values)
        self._grid = dataclasses.replace(
            self._grid, indicators=tuple(new if i.id == indicator_id else i for i in self._grid.indicators)
        )
        for column in (*ENTRY_COLUMNS, COL_COMMENT):
            self._errors.pop((indicator_id, combo_id, column), None)
        self._pending.pop(key, None)
        self._unsaved.pop(key, None)
        self._replace_indicator(new)

    def _replace_indicator(self, indicator: GridIndicator) -> None:
        first, count = self._indicator_rows[indicator.id]
        rows = indicator_rows(indicator)
        if len(rows) != count:  # cannot happen from the grid's own edits; stay correct if it does
            self.set_rows(self._grid)
            return
        self._rows[first : first + count] = rows
        self.dataChanged.emit(self.index(first, 0), self.index(first + count - 1, self.columnCount() - 1))

    # -- errors and unsaved halves -----------------------------------------------------------

    def set_error(self, row: int, column: int, message: str, text: str) -> None:
        entry = self.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL:
            return
        self._errors[(*entry.key, column)] = (message, text)
        self._changed(row)

    def clear_error(self, row: int, column: int) -> None:
        entry = self.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL:
            return
        if self._errors.pop((*entry.key, column), None) is not None:
            self._changed(row)

    def error_at(self, row: int, column: int) -> str:
        entry = self.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL:
            return ""
        found = self._errors.get((*entry.key, column))
        return found[0] if found else ""

    def errors(self) -> list[tuple[int, int, str]]:
        """(row, column, message) of every cell whose last input was refused."""
        return sorted((self._row_of[(i, c)], col, m) for (i, c, col), (m, _t) in self._errors.items())

    def set_pending(self, row: int, column: int, text: str | None) -> None:
        """Keep one half of a ratio that cannot be saved before the other half is typed."""
        entry = self.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL:
            return
        halves = self._pending.setdefault(entry.key, {})
        if text is None or not text.strip():
            halves.pop(column, None)
        else:
            halves[column] = text.strip()
        if not halves:
            del self._pending[entry.key]
        self._changed(row)

    def pending_of(self, row: int) -> dict[int, str]:
        entry = self.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL:
            return {}
        return dict(self._pending.get(entry.key, {}))

    def pending_notes(self) -> list[str]:
        """'2.1 · Total: not saved yet — type the numerator too; …' for each cell of the grid
        shown that holds half a ratio."""
        return [
            f"{self._rows[self._row_of[key]].label}: "
            + half_ratio_text("denominator" if COL_DENOMINATOR not in halves else "numerator")
            for key, halves in self._pending.items()
            if key in self._row_of
        ]

    def set_unsaved(self, key: tuple[int, int], typed: UnsavedInput | None) -> None:
        """Show (or stop showing) input that the database did not take yet in the cell `key`."""
        row = self.row_of(key)
        if row < 0:
            return
        if typed is None:
            if self._unsaved.pop(key, None) is None:
                return
        else:
            self._unsaved[key] = typed
            self._pending.pop(key, None)
            for column in (*ENTRY_COLUMNS, COL_COMMENT):
                self._errors.pop((*key, column), None)
        self._changed(row)

    def unsaved_at(self, row: int) -> UnsavedInput | None:
        entry = self.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL:
            return None
        return self._unsaved.get(entry.key)

    def unsaved_rows(self) -> list[int]:
        return sorted(self._row_of[key] for key in self._unsaved if key in self._row_of)

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # -- what may be edited ------------------------------------------------------------------

    def is_editable(self, row: int, column: int) -> bool:
        return not self.read_only_reason(row, column, for_editing=True)

    def read_only_reason(self, row: int, column: int, *, for_editing: bool = False) -> str:
        """Why a cell takes no input ('' when it does); `for_editing` also counts columns that
        never take input (target, status …) as read-only."""
        entry = self.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL:
            return "not a cell" if for_editing else ""
        measure = entry.measure
        if column in ENTRY_COLUMNS:
            wanted = (COL_NUMERATOR, COL_DENOMINATOR) if measure is Measure.PERCENT else (COL_VALUE,)
            if column not in wanted:
                if column == COL_VALUE and measure is Measure.PERCENT:
                    return "Computed from numerator and denominator; type in those columns"
                return "Only percent indicators have a numerator and a denominator" if for_editing else ""
            if entry.is_locked:
                return LOCKED
            if entry.computed is not None:
                return "The sum of the values per option above (computed)"
            if (
                is_disaggregated_total(entry)
                and measure is Measure.QUALITATIVE
                and entry.indicator is not None
                and entry.indicator.has_options
            ):
                return "Texts per option are not added up"
            return entry.blocked
        if column == COL_COMMENT:
            if entry.is_locked:
                return LOCKED
            typed = self._unsaved.get(entry.key)
            if entry.value is None and (typed is None or typed.clears):
                return "Enter a value first: a comment belongs to a value"
            return ""
        return "read-only" if for_editing else ""

    def input_columns(self, row: int) -> list[int]:
        """The columns a pasted block fills in this row, left to right."""
        entry = self.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL:
            return []
        if entry.measure is Measure.PERCENT:
            return [COL_NUMERATOR, COL_DENOMINATOR, COL_COMMENT]
        return [COL_VALUE, COL_COMMENT]

    # -- Qt overrides -----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        entry = self.row_at(index.row()) if index.isValid() else None
        if entry is None or entry.kind is RowKind.RESULT:
            return Qt.ItemFlag.NoItemFlags  # arrow keys skip result headers
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.is_editable(index.row(), index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self._handler is None:
            return False
        if not self.is_editable(index.row(), index.column()):
            return False
        return self._handler(index.row(), index.column(), "" if value is None else str(value))

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.row_at(index.row()) if index.isValid() else None
        if entry is None:
            return None
        row, column = index.row(), index.column()
        if entry.kind is RowKind.RESULT:
            return result_data(entry, column, role)
        typed = self._unsaved.get(entry.key)
        if typed is not None and shows_unsaved(entry, column, typed):
            found = unsaved_data(entry, column, role, typed)
            if found is not None:
                return found
        pending = self._pending.get(entry.key, NO_HALVES)
        if role == Qt.ItemDataRole.DisplayRole:
            return display_text(entry, column, pending)
        if role == Qt.ItemDataRole.EditRole:
            return edit_text(entry, column, pending)
        if role == Qt.ItemDataRole.ToolTipRole:
            error = self._errors.get((*entry.key, column))
            return tooltip_text(entry, row, column, pending, error, self.read_only_reason)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = self._colour(entry, row, column, pending)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if self._colour(entry, row, column, pending):
                muted = column in ENTRY_COLUMNS and (entry.computed is not None or entry.blocked)
                return QColor(MUTED_TEXT if muted else TEXT_ON_COLOUR)
            return None
        if role == Qt.ItemDataRole.FontRole:
            return cell_font(entry, column, pending)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == COL_INDICATOR:
                return TOP_LEFT
            numeric = column in (COL_NUMERATOR, COL_DENOMINATOR, COL_TARGET) or (
                column == COL_VALUE and entry.measure is not Measure.QUALITATIVE
            )
            return RIGHT if numeric else LEFT
        if role == Qt.ItemDataRole.DecorationRole:
            first_input = COL_NUMERATOR if entry.measure is Measure.PERCENT else COL_VALUE
            if entry.is_locked and column in (COL_STATUS, first_input):
                return lock_icon()
            return None
        return None

    def _colour(self, entry: EntryRow, row: int, column: int, pending: Mapping[int, str]) -> str | None:
        has_error = (*entry.key, column) in self._errors
        return background_colour(entry, row, column, pending, has_error, self.read_only_reason)

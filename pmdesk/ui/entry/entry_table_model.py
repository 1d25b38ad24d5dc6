# SPDX-License-Identifier: GPL-3.0-or-later
"""The data-entry grid of one site and period as an editable table: one row per indicator cell."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from pmdesk.domain.enums import Measure, ValueStatus
from pmdesk.domain.iptt import ratio_percent
from pmdesk.ui.entry.entry_rows import LOCKED, EntryRow, RowKind, build_rows, indicator_rows
from pmdesk.ui.entry.entry_style import (
    ERROR_COLOUR,
    HEADER_TIPS,
    HEADERS,
    LOCKED_COLOUR,
    MUTED_TEXT,
    NOT_SAVED,
    PENDING_COLOUR,
    READ_ONLY_COLOUR,
    RESULT_SHADES,
    STATUS_COLOURS,
    STATUS_TEXT,
    TEXT_ON_COLOUR,
    TOTAL_COLOUR,
    WARNING_COLOUR,
    indicator_tip,
    lock_icon,
    warning_short,
    warning_text,
)
from pmdesk.ui.formatting import format_number
from pmdesk.ui.unsaved import cell_tooltip, not_saved_brush, not_saved_icon

if TYPE_CHECKING:
    from pmdesk.services.data_entry import ValueInfo
    from pmdesk.services.entry_grid import EntryGrid, GridIndicator


COL_INDICATOR = 0
COL_CELL = 1
COL_VALUE = 2
COL_NUMERATOR = 3
COL_DENOMINATOR = 4
COL_TARGET = 5
COL_STATUS = 6
COL_WARNINGS = 7
COL_COMMENT = 8
ENTRY_COLUMNS = (COL_VALUE, COL_NUMERATOR, COL_DENOMINATOR)

_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_TOP_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

_Index = QModelIndex | QPersistentModelIndex
EditHandler = Callable[[int, int, str], bool]  # (row, column, text typed) → saved?


@dataclass(frozen=True)
class UnsavedInput:
    """What was typed in a cell and is not saved yet (the database did not take it), as typed."""

    value: str = ""  # a number or a text
    numerator: str = ""
    denominator: str = ""
    comment: str = ""
    typed: str = ""  # the keystrokes, for the tooltip
    reason: str = ""  # why it is not saved, in plain words
    is_transient: bool = False  # retried by itself
    clears: bool = False  # the input empties the cell


def raw_number(number: float | None) -> str:
    """A stored number as the editor shows it: no separators, no rounding ('1200', '12.345')."""
    if number is None:
        return ""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    # repr's digits without an exponent (1e-05 → 0.00001): typed input refuses exponents.
    return format(Decimal(repr(number)), "f") if math.isfinite(number) else repr(number)


def half_ratio_text(missing: str) -> str:
    """The one wording for half a ratio kept until the other half is typed (status line, tooltip,
    paste report); `missing` is 'numerator' or 'denominator'."""
    return f"not saved yet — type the {missing} too; it is saved once both are there"


def _first_line(text: str) -> str:
    line, _, rest = text.strip().partition("\n")
    return f"{line} …" if rest.strip() else line


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
                _is_disaggregated_total(entry)
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
        column = index.column()
        if entry.kind is RowKind.RESULT:
            return self._result_data(entry, column, role)
        typed = self._unsaved.get(entry.key)
        if typed is not None and self._shows_unsaved(entry, column, typed):
            found = self._unsaved_data(entry, column, role, typed)
            if found is not None:
                return found
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, index.row(), column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(entry, index.row(), column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry, index.row(), column)
        if role == Qt.ItemDataRole.BackgroundRole:
            colour = self._background(entry, index.row(), column)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if self._background(entry, index.row(), column):
                muted = column in ENTRY_COLUMNS and (entry.computed is not None or entry.blocked)
                return QColor(MUTED_TEXT if muted else TEXT_ON_COLOUR)
            return None
        if role == Qt.ItemDataRole.FontRole:
            return self._font(entry, index.row(), column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == COL_INDICATOR:
                return _TOP_LEFT
            numeric = column in (COL_NUMERATOR, COL_DENOMINATOR, COL_TARGET) or (
                column == COL_VALUE and entry.measure is not Measure.QUALITATIVE
            )
            return _RIGHT if numeric else _LEFT
        if role == Qt.ItemDataRole.DecorationRole:
            first_input = COL_NUMERATOR if entry.measure is Measure.PERCENT else COL_VALUE
            if entry.is_locked and column in (COL_STATUS, first_input):
                return lock_icon()
            return None
        return None

    # -- roles ------------------------------------------------------------------------------

    def _shows_unsaved(self, entry: EntryRow, column: int, typed: UnsavedInput) -> bool:
        """The cells of a row that show its unsaved input: the inputs its measure uses, the
        comment if it was changed, and the status."""
        if column == COL_STATUS:
            return True
        if column == COL_COMMENT:
            stored = entry.value.comment if entry.value is not None else ""
            return typed.comment != stored
        if column == COL_VALUE:
            return True
        return column in (COL_NUMERATOR, COL_DENOMINATOR) and entry.measure is Measure.PERCENT

    def _unsaved_data(self, entry: EntryRow, column: int, role: int, typed: UnsavedInput) -> Any:
        """The roles an unsaved cell answers differently; None: as any other cell."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == COL_STATUS:
                return NOT_SAVED
            if column == COL_COMMENT:
                return typed.comment if role == Qt.ItemDataRole.EditRole else _first_line(typed.comment)
            if column == COL_NUMERATOR:
                return typed.numerator
            if column == COL_DENOMINATOR:
                return typed.denominator
            if entry.measure is Measure.PERCENT:
                return "" if role == Qt.ItemDataRole.EditRole else _typed_percent(typed)
            if role == Qt.ItemDataRole.DisplayRole and entry.measure is Measure.QUALITATIVE:
                return _first_line(typed.value)
            return typed.value
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = cell_tooltip(typed.reason, typed.typed, typed.is_transient)
            if typed.clears:
                lines[0] = lines[0].replace("Not saved yet", "Not cleared yet", 1)
            return "\n".join(lines)
        if role == Qt.ItemDataRole.BackgroundRole:
            return not_saved_brush()
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(TEXT_ON_COLOUR)
        if role == Qt.ItemDataRole.FontRole and column in (*ENTRY_COLUMNS, COL_COMMENT):
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole:
            first_input = COL_NUMERATOR if entry.measure is Measure.PERCENT else COL_VALUE
            return not_saved_icon() if column in (COL_STATUS, first_input) else None
        return None

    def _result_data(self, entry: EntryRow, column: int, role: int) -> Any:
        result = entry.result
        assert result is not None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_INDICATOR:
                return f"{result.tier} · {result.code}"
            return result.title if column == COL_CELL else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{result.tier} {result.code}: {result.title}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(RESULT_SHADES[min(result.depth, len(RESULT_SHADES) - 1)])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(TEXT_ON_COLOUR)
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()  # the application font, so that it follows View ▸ Zoom
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT
        return None

    def _display(self, entry: EntryRow, row: int, column: int) -> str:
        indicator, value, computed = entry.indicator, entry.value, entry.computed
        assert indicator is not None and entry.combo is not None
        measure = indicator.measure
        if column == COL_INDICATOR:
            return f"{indicator.code} {indicator.name}" if entry.is_first else ""
        if column == COL_CELL:
            return entry.combo.label
        if column in ENTRY_COLUMNS:
            pending = self._pending.get(entry.key, {})
            if measure is Measure.PERCENT:
                if column in pending:
                    return pending[column]
                if column == COL_VALUE:
                    if pending:
                        return ""
                    percent = (
                        computed.percent
                        if computed is not None
                        else ratio_percent(value.numerator, value.denominator)
                        if value is not None
                        else None
                    )
                    return format_number(percent, percent=True)
                source = computed if computed is not None else value
                if source is None:
                    return ""
                return format_number(source.numerator if column == COL_NUMERATOR else source.denominator)
            if column != COL_VALUE:
                return ""
            if measure is Measure.QUALITATIVE:
                return _first_line(value.text or "") if value is not None else ""
            if computed is not None:
                return format_number(computed.value)
            return format_number(value.value) if value is not None else ""
        if column == COL_TARGET:
            if entry.is_total and measure is not Measure.QUALITATIVE:
                return format_number(indicator.target, percent=measure is Measure.PERCENT)
            return ""
        if column == COL_STATUS:
            if self._pending.get(entry.key):
                return NOT_SAVED
            return STATUS_TEXT[value.status] if value is not None else ""
        if column == COL_WARNINGS:
            return warning_short(value) if value is not None else ""
        if column == COL_COMMENT:
            return _first_line(value.comment) if value is not None else ""
        return ""

    def _edit_text(self, entry: EntryRow, row: int, column: int) -> str:
        value = entry.value
        if column in (COL_NUMERATOR, COL_DENOMINATOR):
            pending = self._pending.get(entry.key, {})
            if column in pending:
                return pending[column]
            if value is None:
                return ""
            return raw_number(value.numerator if column == COL_NUMERATOR else value.denominator)
        if column == COL_VALUE:
            if value is None:
                return ""
            if entry.measure is Measure.QUALITATIVE:
                return value.text or ""
            return raw_number(value.value)
        if column == COL_COMMENT:
            return value.comment if value is not None else ""
        return self._display(entry, row, column)

    def _tooltip(self, entry: EntryRow, row: int, column: int) -> str:
        indicator, value = entry.indicator, entry.value
        assert indicator is not None
        if column == COL_INDICATOR:
            return indicator_tip(indicator)
        lines: list[str] = []
        error = self._errors.get((*entry.key, column))
        if error is not None:
            lines.append(f"Not saved: {error[0]}")
            if error[1]:
                lines.append(f"You typed: {error[1]}")
        if column in ENTRY_COLUMNS or column == COL_COMMENT:
            reason = self.read_only_reason(row, column)
            if reason:
                lines.append(reason)
            pending = self._pending.get(entry.key, {})
            if pending and column in ENTRY_COLUMNS:
                wording = half_ratio_text("denominator" if COL_DENOMINATOR not in pending else "numerator")
                lines.append(wording[0].upper() + wording[1:])
            if column == COL_VALUE and value is not None and value.text:
                lines.append(value.text)
            if column == COL_COMMENT and value is not None and value.comment:
                lines.append(value.comment)
        if column == COL_STATUS and value is not None:
            lines.append(STATUS_TEXT[value.status])
            if value.status_reason:
                lines.append(f"Reason: {value.status_reason}")
            if value.is_locked:
                lines.append(LOCKED)
        if column == COL_WARNINGS and value is not None and value.warnings:
            lines.append(warning_text(value))
            lines.append(
                "Explained in the comment."
                if not value.is_flagged
                else "Saved, and flagged until someone comments on it (Comment column or Ctrl+M)."
            )
        if column == COL_CELL:
            lines.append(f"{indicator.code} {indicator.name} · {entry.combo.label if entry.combo else ''}")
        if value is not None and column in (COL_CELL, COL_VALUE, COL_NUMERATOR, COL_DENOMINATOR, COL_STATUS):
            when = value.entered_at.strftime("%Y-%m-%d %H:%M")
            lines.append(f"Entered by {value.entered_by or 'unknown'}, {when} UTC")
        return "\n".join(lines)

    def _background(self, entry: EntryRow, row: int, column: int) -> str | None:
        if (*entry.key, column) in self._errors:
            return ERROR_COLOUR
        value = entry.value
        if column in ENTRY_COLUMNS:
            if column in self._pending.get(entry.key, {}):
                return PENDING_COLOUR
            if column != COL_VALUE and entry.measure is not Measure.PERCENT:
                return None  # a column this indicator does not use
            if entry.is_locked:
                return LOCKED_COLOUR
            return READ_ONLY_COLOUR if self.read_only_reason(row, column) else None
        if column == COL_CELL and _is_disaggregated_total(entry):
            return TOTAL_COLOUR
        if column == COL_STATUS:
            if self._pending.get(entry.key):
                return PENDING_COLOUR
            return STATUS_COLOURS[value.status] if value is not None else None
        if column == COL_WARNINGS and value is not None and value.is_flagged:
            return WARNING_COLOUR
        if column == COL_COMMENT and entry.is_locked:
            return LOCKED_COLOUR
        return None

    def _font(self, entry: EntryRow, row: int, column: int) -> QFont | None:
        pending = column in ENTRY_COLUMNS and bool(self._pending.get(entry.key))
        bold = column in (COL_CELL, *ENTRY_COLUMNS) and _is_disaggregated_total(entry)
        if not (pending or bold):
            return None
        font = QFont()
        font.setItalic(pending)
        font.setBold(bold)
        return font


def _typed_percent(typed: UnsavedInput) -> str:
    try:
        percent = ratio_percent(float(typed.numerator), float(typed.denominator))
    except ValueError:
        return ""
    return format_number(percent, percent=True)


def _is_disaggregated_total(entry: EntryRow) -> bool:
    return entry.is_total and entry.indicator is not None and bool(entry.indicator.combos)

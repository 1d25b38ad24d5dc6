# SPDX-License-Identifier: GPL-3.0-or-later
"""What one cell of the data-entry grid says: its columns; its text, the text its editor starts
from, its tooltip, colour and font; what a cell holding input not saved yet shows instead."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from pmdesk.domain.enums import Measure
from pmdesk.domain.iptt import ratio_percent
from pmdesk.ui.entry.entry_rows import LOCKED, EntryRow
from pmdesk.ui.entry.entry_style import (
    ERROR_COLOUR,
    LOCKED_COLOUR,
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
    warning_short,
    warning_text,
)
from pmdesk.ui.formatting import format_number
from pmdesk.ui.unsaved import cell_tooltip, not_saved_brush, not_saved_icon

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

ReadOnlyReason = Callable[[int, int], str]  # (row, column) → why the cell takes no input, '' if it does
NO_HALVES: Mapping[int, str] = {}  # a row without half a ratio typed (never written to)

RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
TOP_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)


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


def shows_unsaved(entry: EntryRow, column: int, typed: UnsavedInput) -> bool:
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


def unsaved_data(entry: EntryRow, column: int, role: int, typed: UnsavedInput) -> Any:
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


def result_data(entry: EntryRow, column: int, role: int) -> Any:
    """What a result header row shows."""
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
        return LEFT
    return None


def display_text(entry: EntryRow, column: int, pending: Mapping[int, str]) -> str:
    """What a cell shows; `pending`: the halves of a ratio typed in its row, by column."""
    indicator, value, computed = entry.indicator, entry.value, entry.computed
    assert indicator is not None and entry.combo is not None
    measure = indicator.measure
    if column == COL_INDICATOR:
        return f"{indicator.code} {indicator.name}" if entry.is_first else ""
    if column == COL_CELL:
        return entry.combo.label
    if column in ENTRY_COLUMNS:
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
        if pending:
            return NOT_SAVED
        return STATUS_TEXT[value.status] if value is not None else ""
    if column == COL_WARNINGS:
        return warning_short(value) if value is not None else ""
    if column == COL_COMMENT:
        return _first_line(value.comment) if value is not None else ""
    return ""


def edit_text(entry: EntryRow, column: int, pending: Mapping[int, str]) -> str:
    """What the editor of a cell starts from: the stored figures in full."""
    value = entry.value
    if column in (COL_NUMERATOR, COL_DENOMINATOR):
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
    return display_text(entry, column, pending)


def tooltip_text(
    entry: EntryRow,
    row: int,
    column: int,
    pending: Mapping[int, str],
    error: tuple[str, str] | None,
    read_only: ReadOnlyReason,
) -> str:
    """A cell's tooltip; `error`: (why, what was typed) of input refused."""
    indicator, value = entry.indicator, entry.value
    assert indicator is not None
    if column == COL_INDICATOR:
        return indicator_tip(indicator)
    lines: list[str] = []
    if error is not None:
        lines.append(f"Not saved: {error[0]}")
        if error[1]:
            lines.append(f"You typed: {error[1]}")
    if column in ENTRY_COLUMNS or column == COL_COMMENT:
        reason = read_only(row, column)
        if reason:
            lines.append(reason)
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


def background_colour(
    entry: EntryRow,
    row: int,
    column: int,
    pending: Mapping[int, str],
    has_error: bool,
    read_only: ReadOnlyReason,
) -> str | None:
    """The colour of a cell, or None for the view's own."""
    if has_error:
        return ERROR_COLOUR
    value = entry.value
    if column in ENTRY_COLUMNS:
        if column in pending:
            return PENDING_COLOUR
        if column != COL_VALUE and entry.measure is not Measure.PERCENT:
            return None  # a column this indicator does not use
        if entry.is_locked:
            return LOCKED_COLOUR
        return READ_ONLY_COLOUR if read_only(row, column) else None
    if column == COL_CELL and is_disaggregated_total(entry):
        return TOTAL_COLOUR
    if column == COL_STATUS:
        if pending:
            return PENDING_COLOUR
        return STATUS_COLOURS[value.status] if value is not None else None
    if column == COL_WARNINGS and value is not None and value.is_flagged:
        return WARNING_COLOUR
    if column == COL_COMMENT and entry.is_locked:
        return LOCKED_COLOUR
    return None


def cell_font(entry: EntryRow, column: int, pending: Mapping[int, str]) -> QFont | None:
    is_pending = column in ENTRY_COLUMNS and bool(pending)
    bold = column in (COL_CELL, *ENTRY_COLUMNS) and is_disaggregated_total(entry)
    if not (is_pending or bold):
        return None
    font = QFont()
    font.setItalic(is_pending)
    font.setBold(bold)
    return font


def _typed_percent(typed: UnsavedInput) -> str:
    try:
        percent = ratio_percent(float(typed.numerator), float(typed.denominator))
    except ValueError:
        return ""
    return format_number(percent, percent=True)


def is_disaggregated_total(entry: EntryRow) -> bool:
    return entry.is_total and entry.indicator is not None and bool(entry.indicator.combos)

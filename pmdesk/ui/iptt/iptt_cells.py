# SPDX-License-Identifier: GPL-3.0-or-later
"""What each cell of an IPTT indicator row shows: its columns, its display text and the status it is
coloured by. Plain functions of the row, so the screen's load job computes every cell off the UI
thread (issue #11 §2) and painting only looks them up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmdesk.domain.enums import Measure, Status
from pmdesk.domain.iptt import Thresholds, partial_note, status_of
from pmdesk.ui.formatting import format_number
from pmdesk.ui.iptt.status_style import STATUS_STYLES
from pmdesk.ui.widgets.column_fit import longest_lines

if TYPE_CHECKING:
    from PySide6.QtCore import QLocale

    from pmdesk.domain.iptt import PeriodFigures
    from pmdesk.services.iptt import IpttRow, IpttTable

COL_INDICATOR = 0
COL_TREND = 1  # a sparkline (iptt_sparkline.py)
COL_UNIT = 2
COL_BASELINE = 3
COL_LOP_TARGET = 4
COL_LOP_ACTUAL = 5
COL_LOP_PCT = 6
COL_TO_DATE_TARGET = 7
COL_TO_DATE_ACTUAL = 8
COL_TO_DATE_PCT = 9
COL_STATUS = 10
FIRST_PERIOD_COL = 11

# Each period shows three columns, in this order.
PERIOD_TARGET = 0
PERIOD_ACTUAL = 1
PERIOD_PCT = 2
COLUMNS_PER_PERIOD = 3

UNEXPLAINED = "unexplained"  # the status cell's mark: a variance explanation is due and missing


@dataclass(frozen=True)
class RowCells:
    """What an indicator row's cells show, by column: the display texts (the status without its
    variance mark) and the status each cell is coloured by. A plain function of the row, computed
    by the load job for every row (row_cells), so painting only looks them up."""

    texts: tuple[str, ...]
    statuses: tuple[Status | None, ...]


def period_part(column: int) -> tuple[int, int] | None:
    """(period index, PERIOD_TARGET | PERIOD_ACTUAL | PERIOD_PCT) of a period column."""
    if column < FIRST_PERIOD_COL:
        return None
    return divmod(column - FIRST_PERIOD_COL, COLUMNS_PER_PERIOD)


def period_cell(row: IpttRow, column: int) -> tuple[PeriodFigures, int] | None:
    """The figures of the period a column shows, and which of them (None: not a period column)."""
    part = period_part(column)
    if part is None or part[0] >= len(row.figures.periods):
        return None
    return row.figures.periods[part[0]], part[1]


def display_text(row: IpttRow, column: int, locale: QLocale, *, unexplained: bool = False) -> str:
    """What a cell of an indicator row shows. A plain function of the row: the load job formats
    the figures' texts with it off the UI thread (figure_texts); `unexplained`: the status says
    a variance explanation is missing."""

    is_pct = row.measure is Measure.PERCENT
    f = row.figures
    if column == COL_INDICATOR:
        return f"{row.code}  {row.name}"
    if column == COL_UNIT:
        return row.unit or ("%" if is_pct else "")
    if column == COL_BASELINE:
        return format_number(row.baseline, percent=is_pct, locale=locale)
    if column == COL_LOP_TARGET:
        return format_number(f.lop.target, percent=is_pct, locale=locale)
    if column == COL_LOP_ACTUAL:
        return format_number(f.lop.actual, percent=is_pct, locale=locale)
    if column == COL_LOP_PCT:
        return format_number(f.lop.pct_met, percent=True, locale=locale)
    if column == COL_TO_DATE_TARGET:
        return format_number(f.to_date.target, percent=is_pct, locale=locale)
    if column == COL_TO_DATE_ACTUAL:
        return format_number(f.to_date.actual, percent=is_pct, locale=locale)
    if column == COL_TO_DATE_PCT:
        return format_number(f.to_date.pct_met, percent=True, locale=locale)
    if column == COL_STATUS:
        label = STATUS_STYLES[f.to_date.status].label
        if row.measure is not Measure.QUALITATIVE and f.to_date.partial:
            label += f" · {partial_note(f.to_date.sites_reported, f.to_date.sites_expected)}"
        if unexplained:
            label += f" · {UNEXPLAINED}"
        return label
    cell = period_cell(row, column)
    if cell is None:
        return ""
    figures, part = cell
    if part == PERIOD_TARGET:
        return format_number(figures.target, percent=is_pct, locale=locale)
    if part == PERIOD_ACTUAL:
        if figures.text is not None:
            return _first_line(figures.text)
        shown = format_number(figures.actual, percent=is_pct, locale=locale)
        if shown and figures.is_partial:
            shown += f" ({figures.sites_reported}/{figures.sites_expected})"
        return shown
    return format_number(figures.pct_met, percent=True, locale=locale)


def cell_status(row: IpttRow, column: int, thresholds: Thresholds) -> Status | None:
    """The status a cell of an indicator row is coloured by, if it is a status-coloured cell."""
    if row.measure is Measure.QUALITATIVE:
        return Status.NO_TARGET if column == COL_STATUS else None
    if column in (COL_STATUS, COL_TO_DATE_PCT):
        return row.figures.to_date.status
    cell = period_cell(row, column)
    if cell is None or cell[1] != PERIOD_PCT:
        return None
    figures = cell[0]
    if figures.is_partial:
        return None  # a status colour on one school's figure would read as the programme's
    status = status_of(figures.actual, figures.target, row.direction, thresholds)
    return None if status is Status.NO_TARGET else status


def row_cells(row: IpttRow, locale: QLocale, thresholds: Thresholds, columns: int | None = None) -> RowCells:
    """The texts and statuses of every cell of an indicator row (the trend's is a drawing: '')."""
    count = FIRST_PERIOD_COL + COLUMNS_PER_PERIOD * len(row.figures.periods) if columns is None else columns
    return RowCells(
        tuple("" if c == COL_TREND else display_text(row, c, locale) for c in range(count)),
        tuple(cell_status(row, c, thresholds) for c in range(count)),
    )


def table_cells(table: IpttTable, locale: QLocale) -> dict[str, RowCells]:
    """Every indicator row's cells, by indicator code: the load job computes them off the UI
    thread, some 10,000 texts on a programme of 150 indicators (issue #11 §2)."""
    columns = FIRST_PERIOD_COL + COLUMNS_PER_PERIOD * len(table.periods)
    return {row.code: row_cells(row, locale, table.thresholds, columns) for row in table.rows}


# Sized from every indicator's texts, not only the filtered ones: a filter does not make the
# columns jump. The status column is left out: its text follows the variance marks.
_PRECOMPUTED_SKIPPED = (COL_INDICATOR, COL_TREND, COL_STATUS)


def figure_texts(
    table: IpttTable, locale: QLocale, cells: dict[str, RowCells] | None = None
) -> dict[int, list[str]]:
    """The longest display texts of each figure column (widgets/column_fit.py measures them),
    formatted on the load job's thread: some 10,000 numbers on a programme of 150 indicators,
    which the UI thread formatted at every load (issue #11 §2). `cells`: the rows' cells, if
    table_cells computed them already."""
    columns = FIRST_PERIOD_COL + COLUMNS_PER_PERIOD * len(table.periods)
    if cells is None:
        cells = table_cells(table, locale)
    texts = [cells[row.code].texts for row in table.rows if row.code in cells]
    return {
        column: longest_lines(t[column] for t in texts if column < len(t))
        for column in range(columns)
        if column not in _PRECOMPUTED_SKIPPED
    }


def _first_line(text: str, limit: int = 60) -> str:
    lines = text.splitlines() or [""]
    first = lines[0]
    if len(first) > limit:
        return first[: limit - 1] + "…"
    return first + (" …" if len(lines) > 1 else "")

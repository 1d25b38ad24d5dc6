# SPDX-License-Identifier: GPL-3.0-or-later
"""How the Targets grid is laid out: each result's heading one shaded band across the periods,
and column widths that fit the text: ~40 characters of an indicator name (never more than a third
of a small screen; longer names wrap), room to type a six-figure target, and a wide window's
spare width given to the indicator names first."""

from __future__ import annotations

from pmdesk.ui.targets.targets_table_model import COL_INDICATOR, COL_UNIT, FIRST_PERIOD_COL, TargetsTableModel
from pmdesk.ui.targets.targets_table_view import TargetsTableView
from pmdesk.ui.widgets.column_fit import fit_columns_to_text


def span_result_rows(view: TargetsTableView, model: TargetsTableModel) -> None:
    view.clearSpans()
    columns = model.columnCount()
    for row in model.result_rows():
        # The heading lives in the frozen column; the span makes the rest one shaded band.
        view.setSpan(row, 1, 1, columns - 1)


def fit_target_columns(view: TargetsTableView, model: TargetsTableModel) -> None:
    metrics = view.fontMetrics()
    chars = metrics.averageCharWidth()
    view.horizontalHeader().setMinimumSectionSize(metrics.horizontalAdvance("0000"))
    fit_columns_to_text(view, range(1, model.columnCount()))  # the indicator column: below
    # Room for ~40 characters of an indicator name, never more than a third of a small
    # screen; longer names wrap onto more lines.
    view.setColumnWidth(COL_INDICATOR, min(chars * 40 + 16, max(view.viewport().width() // 3, chars * 24)))
    view.setColumnWidth(COL_UNIT, min(view.columnWidth(COL_UNIT), chars * 14))
    for column in range(FIRST_PERIOD_COL, model.columnCount()):
        # Wide enough to type a six-figure target without the editor scrolling.
        view.setColumnWidth(column, max(view.columnWidth(column), chars * 10))
    # Spare width (a wide window) goes to the indicator names first: fewer wrapped lines,
    # more indicators on screen.
    used = sum(view.columnWidth(c) for c in range(model.columnCount()))
    # Less the vertical scroll bar, which appears once the rows are sized.
    spare = view.viewport().width() - used - view.verticalScrollBar().sizeHint().width() - 2
    if spare > 0:
        widest = chars * 64 + 16
        current = view.columnWidth(COL_INDICATOR)
        view.setColumnWidth(COL_INDICATOR, max(current, min(current + spare, widest)))

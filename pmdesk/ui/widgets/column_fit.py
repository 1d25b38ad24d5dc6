# SPDX-License-Identifier: GPL-3.0-or-later
"""Column widths from the text a table shows, measured once per cell.

QTableView.resizeColumnsToContents asks the model for a dozen roles per cell and lays each one
out: on an IPTT of 150 indicators and twenty quarters (some 10,000 cells) that held the UI
thread for 1.4 s on every load. The figures of these tables are plain one-line texts, so their
widths follow from the display text and the font alone, some ten times faster.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTableView


def fit_columns_to_text(view: QTableView, columns: Iterable[int]) -> None:
    """Set each of `columns` as wide as its widest display text (and its header), cells that a
    span covers left out. Every cell is measured bold: a bold total then fits too, and asking
    each cell for its font as well would double the cost for a few pixels."""
    model = view.model()
    if model is None:
        return
    bold_font = QFont(view.font())
    bold_font.setBold(True)
    measure = QFontMetrics(bold_font)
    header = view.horizontalHeader()
    header_metrics = QFontMetrics(header.font())
    # Room for the cell's margins and grid line, as the style gives a text cell.
    padding = view.fontMetrics().averageCharWidth() + 8
    rows = model.rowCount()
    display = Qt.ItemDataRole.DisplayRole
    for column in columns:
        title = str(model.headerData(column, Qt.Orientation.Horizontal, display) or "")
        width = max(header_metrics.horizontalAdvance(line) for line in title.split("\n")) + 2 * padding
        for row in range(rows):
            if view.columnSpan(row, column) > 1:
                continue  # a band across several columns sizes none of them
            text = model.data(model.index(row, column), display)
            if text:
                widest = max(measure.horizontalAdvance(line) for line in str(text).split("\n"))
                width = max(width, widest + padding)
        view.setColumnWidth(column, max(width, header.minimumSectionSize()))

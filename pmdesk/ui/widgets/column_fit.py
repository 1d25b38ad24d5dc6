# SPDX-License-Identifier: GPL-3.0-or-later
"""Column widths from the longest texts a table shows.

QTableView.resizeColumnsToContents asks the model for a dozen roles per cell and lays each one
out: on an IPTT of 150 indicators and twenty quarters (some 10,000 cells) that held the UI
thread for 1.4 s on every load. The figures of these tables are plain one-line texts, so their
widths follow from the display text and the font alone, some ten times faster; and of a column's
texts only the longest few need measuring (issue #11 §2): measuring text is half of the cost,
and a text a few characters shorter than the longest is narrower in any font a table uses.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QTableView

# Lines measured per column: every line within this many characters of the longest, at most
# CANDIDATES of them (digits, capitals and spaces differ in width, so not only the longest one).
SLACK = 2
CANDIDATES = 8


def longest_lines(texts: Iterable[object], slack: int = SLACK, most: int = CANDIDATES) -> list[str]:
    """The lines worth measuring for the width of a column showing `texts` (None and '' skipped):
    the distinct lines whose length is within `slack` characters of the longest, longest first,
    at most `most` of them."""
    lines = {line for text in texts if text for line in str(text).split("\n")}
    if not lines:
        return []
    top = heapq.nlargest(most, lines, key=len)
    return [line for line in top if len(line) >= len(top[0]) - slack]


def fit_columns_to_text(view: QTableView, columns: Iterable[int]) -> None:
    """Set each of `columns` as wide as its widest display text (and its header), cells that a
    span covers left out. Every cell is measured bold: a bold total then fits too, and asking
    each cell for its font as well would double the cost for a few pixels.

    A model with a `column_texts(column)` method gives a column's display texts itself (those of
    the cells no span covers), from the strings it keeps, instead of a data() call per cell."""
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
    index = model.index
    data = model.data
    column_texts = getattr(model, "column_texts", None)
    for column in columns:
        title = str(model.headerData(column, Qt.Orientation.Horizontal, display) or "")
        width = max(header_metrics.horizontalAdvance(line) for line in title.split("\n")) + 2 * padding
        texts: Iterable[object] = (
            column_texts(column)
            if callable(column_texts)
            else (
                data(index(row, column), display)
                for row in range(rows)
                if view.columnSpan(row, column) <= 1  # a band across several columns sizes none of them
            )
        )
        for line in longest_lines(texts):
            width = max(width, measure.horizontalAdvance(line) + padding)
        view.setColumnWidth(column, max(width, header.minimumSectionSize()))

# SPDX-License-Identifier: GPL-3.0-or-later
"""fit_columns_to_text: every text fits its column, the header too; spanned bands do not count."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from pmdesk.ui.widgets.column_fit import fit_columns_to_text


def test_each_column_fits_its_widest_text_and_header(qtbot: QtBot) -> None:
    model = QStandardItemModel(4, 3)
    model.setHorizontalHeaderLabels(["Indicator", "2025 Q1\nTarget", "Status"])
    texts = [
        ["Result band", "A text under the span, far longer than any figure in the column", ""],
        ["1.1", "1,234,567.89", "On track"],
        ["1.2", "12", "Exceeding"],
        ["1.3", "", ""],
    ]
    for row, line in enumerate(texts):
        for column, text in enumerate(line):
            model.setItem(row, column, QStandardItem(text))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.setSpan(0, 1, 1, 2)
    fit_columns_to_text(view, range(3))
    bold = QFont(view.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    assert view.columnWidth(1) > metrics.horizontalAdvance("1,234,567.89")
    assert view.columnWidth(2) > metrics.horizontalAdvance("Exceeding")
    header = QFontMetrics(view.horizontalHeader().font())
    assert view.columnWidth(1) > header.horizontalAdvance("2025 Q1")
    # Column 0 counts the band's title (no span starts there); the spanned cell does not widen 1.
    assert view.columnWidth(0) > metrics.horizontalAdvance("Result band")
    assert view.columnWidth(1) < metrics.horizontalAdvance(texts[0][1])

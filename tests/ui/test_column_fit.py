# SPDX-License-Identifier: GPL-3.0-or-later
"""fit_columns_to_text: every text fits its column, the header too; spanned bands do not count."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetrics, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from pmdesk.ui.widgets.column_fit import CANDIDATES, fit_columns_to_text, longest_lines


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


def test_only_the_longest_texts_of_a_column_are_measured(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A thousand figures and a few long ones: the width is the longest's, measured from a handful
    of candidates instead of every cell (issue #11 §2)."""
    rows = 1000
    model = QStandardItemModel(rows, 1)
    model.setHorizontalHeaderLabels(["Q1"])
    for row in range(rows):
        model.setItem(row, 0, QStandardItem(f"{row:,}"))
    model.setItem(500, 0, QStandardItem("12,345,678"))
    model.setItem(501, 0, QStandardItem("WWW,WWW,W\nshort"))  # a wide line, one character shorter
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    measured: list[str] = []
    original = QFontMetrics.horizontalAdvance

    def counting(self: QFontMetrics, text: str, *args: object) -> int:
        measured.append(text)
        return original(self, text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(QFontMetrics, "horizontalAdvance", counting)
    fit_columns_to_text(view, range(1))
    monkeypatch.undo()
    cells = [text for text in measured if text != "Q1"]
    assert 0 < len(cells) <= CANDIDATES  # not a thousand
    assert "12,345,678" in cells and "WWW,WWW,W" in cells
    bold = QFont(view.font())
    bold.setBold(True)
    metrics = QFontMetrics(bold)
    assert view.columnWidth(0) > max(
        metrics.horizontalAdvance("12,345,678"), metrics.horizontalAdvance("WWW,WWW,W")
    )


def test_the_candidates_are_the_longest_lines() -> None:
    texts = ["1", "22", None, "", "4444", "333\n55555", "55555", "abcd"]
    found = longest_lines(texts)
    assert found[0] == "55555" and set(found) == {"55555", "4444", "abcd", "333"}
    assert longest_lines(texts, slack=0) == ["55555"]
    assert longest_lines(["x" * n for n in range(50)], slack=100, most=3) == ["x" * 49, "x" * 48, "x" * 47]
    assert longest_lines([None, ""]) == []

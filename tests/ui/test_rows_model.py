# SPDX-License-Identifier: GPL-3.0-or-later
"""The one list-of-rows table model the screens' models build on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, Qt

from pmdesk.ui.rows_model import RowsModel


class Words(RowsModel[str]):
    headers = ("Word", "Length")
    header_tips = ("", "Letters in the word")
    header_alignments: ClassVar[Mapping[int, Qt.AlignmentFlag]] = {1: Qt.AlignmentFlag.AlignRight}

    def rows_set(self) -> None:
        self._rows.sort()

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # type: ignore[override]
        word = self.row_at(index.row())
        if word is None or role != Qt.ItemDataRole.DisplayRole:
            return None
        return word if index.column() == 0 else len(word)


def test_rows_headers_tips_and_alignment(qapp: object) -> None:
    model = Words()
    model.set_rows(["pear", "fig"])
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    assert model.rows == ["fig", "pear"]  # rows_set sorted them inside the reset
    assert model.row_at(5) is None and model.row_at(-1) is None
    assert model.index(1, 1).data() == 4
    horizontal = Qt.Orientation.Horizontal
    assert model.headerData(0, horizontal) == "Word"
    assert model.headerData(0, horizontal, Qt.ItemDataRole.ToolTipRole) is None
    assert model.headerData(1, horizontal, Qt.ItemDataRole.ToolTipRole) == "Letters in the word"
    assert model.headerData(1, horizontal, Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight
    )
    assert model.headerData(2, horizontal) is None
    assert model.rowCount(model.index(0, 0)) == 0  # a table, not a tree

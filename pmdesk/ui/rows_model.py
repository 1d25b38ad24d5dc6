# SPDX-License-Identifier: GPL-3.0-or-later
"""The table model most screens need: a list of frozen rows a service returned, one per line, under
fixed column headers. Subclasses give `headers` (and optionally `header_tips` and
`header_alignments`) and write `data`; the rest is here once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel, Generic[Row]):
    headers: tuple[str, ...] = ()
    header_tips: tuple[str, ...] = ()  # a tooltip per column header, where it needs explaining
    # By column; the rest align as Qt does.
    header_alignments: ClassVar[Mapping[int, Qt.AlignmentFlag]] = {}

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.rows_set()
        self.endResetModel()

    def rows_set(self) -> None:
        """Called inside the reset once new rows are in: sort them here, say."""

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    # -- Qt overrides -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole and section < len(self.header_tips):
            return self.header_tips[section] or None
        if role == Qt.ItemDataRole.TextAlignmentRole and section in self.header_alignments:
            return int(self.header_alignments[section])
        return None

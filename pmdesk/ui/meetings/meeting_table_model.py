# SPDX-License-Identifier: GPL-3.0-or-later
"""The meetings of a programme as a table (latest first), and the agenda of one as a list."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pmdesk.domain.meetings import KIND_LABELS, AgendaKind
from pmdesk.services.meetings import AgendaItemInfo, MeetingSummary

COL_DATE, COL_TITLE, COL_KIND, COL_FACILITATOR, COL_STATUS, COL_ITEMS, COL_DECISIONS = range(7)
HEADERS = ("Date", "Title", "Kind", "Facilitator", "Status", "Items", "Decisions")
SHORT_KINDS = {"review": "Review", "learning": "Learning", "feedback": "Feedback"}
KIND_TAGS = {
    AgendaKind.INDICATOR: "Indicator",
    AgendaKind.ALERT: "Alert",
    AgendaKind.ACTION: "Action",
    AgendaKind.DECISION: "Follow-up",
    AgendaKind.REPORTING: "Reporting",
    AgendaKind.OTHER: "Added",
}

Index = QModelIndex | QPersistentModelIndex


class MeetingTableModel(QAbstractTableModel):
    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._rows: list[MeetingSummary] = []

    def set_rows(self, rows: list[MeetingSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def meeting(self, row: int) -> MeetingSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, meeting_id: int) -> int:
        return next((i for i, m in enumerate(self._rows) if m.id == meeting_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        m = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                COL_DATE: m.held_on.strftime("%d %b %Y"),
                COL_TITLE: m.title,
                COL_KIND: SHORT_KINDS.get(m.kind.value, m.kind.value),
                COL_FACILITATOR: m.facilitator,
                COL_STATUS: "Final" if m.is_final else "Draft",
                COL_ITEMS: str(m.item_count),
                COL_DECISIONS: str(m.decision_count),
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_STATUS and m.is_final:
                return f"Finalised by {m.finalised_by}; corrections are amendments"
            if column == COL_KIND:
                return KIND_LABELS.get(m.kind, m.kind.value)
            if column == COL_TITLE and m.place:
                return f"{m.title} — {m.place}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_ITEMS, COL_DECISIONS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class AgendaListModel(QAbstractListModel):
    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self._items: list[AgendaItemInfo] = []

    def set_items(self, items: list[AgendaItemInfo] | tuple[AgendaItemInfo, ...]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> AgendaItemInfo | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, item_id: int) -> int:
        return next((i for i, it in enumerate(self._items) if it.id == item_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            tag = f"[{KIND_TAGS[item.kind]}] " if item.kind is not AgendaKind.OTHER else ""
            reason = f"\n      {item.reason}" if item.reason else ""
            return f"{index.row() + 1}. {tag}{item.title}{reason}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{KIND_TAGS[item.kind]}: {item.reason}" if item.reason else KIND_TAGS[item.kind]
        return None

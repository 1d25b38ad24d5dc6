# SPDX-License-Identifier: GPL-3.0-or-later
"""Action items as a sortable table; overdue ones say so in words and in bold, not by colour alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from pmdesk.services.actions import ActionInfo
from pmdesk.ui.rows_model import RowsModel

COL_PROGRAMME = 0
COL_CODE = 1
COL_TITLE = 2
COL_OWNER = 3
COL_DUE = 4
COL_STATUS = 5
COL_PRIORITY = 6
COL_SOURCE = 7
COL_UPDATE = 8


HEADERS = ("Programme", "Code", "Title", "Owner", "Due", "Status", "Priority", "Source", "Latest update")
OVERDUE_BACKGROUND = "#f6d3a8"  # an amber that dark text reads on
TEXT_ON_COLOUR = "#1a1a1a"
UUID_ROLE = Qt.ItemDataRole.UserRole

_Index = QModelIndex | QPersistentModelIndex


def due_text(action: ActionInfo, as_of: date) -> str:
    if action.due is None:
        return "—"
    text = action.due.isoformat()
    if action.is_overdue(as_of):
        days = (as_of - action.due).days
        return f"⚠ {text} ({days} d late)"
    return text


def status_text(action: ActionInfo, as_of: date) -> str:
    if action.is_overdue(as_of):
        return f"{action.status.label} — overdue"
    if action.closed_on_time is False:
        return f"{action.status.label} (late)"
    return action.status.label


def source_text(action: ActionInfo) -> str:
    if action.source.value == "none":
        return ""
    detail = action.meeting_title or action.source_text
    return f"{action.source.label}: {detail}" if detail else action.source.label


class ActionTableModel(RowsModel["ActionInfo"]):
    headers = HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.as_of = date.today()
        self._sort: tuple[int, Qt.SortOrder] = (COL_DUE, Qt.SortOrder.AscendingOrder)

    def set_rows(self, rows: Sequence[ActionInfo], as_of: date | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if as_of is not None:
            self.as_of = as_of
        self._apply_sort()
        self.endResetModel()

    @property
    def rows(self) -> list[ActionInfo]:
        return list(self._rows)

    def action_at(self, row: int) -> ActionInfo | None:
        return self.row_at(row)

    def row_of(self, uuid: str) -> int:
        return next((i for i, a in enumerate(self._rows) if a.uuid == uuid), -1)

    def overdue_count(self) -> int:
        return sum(1 for a in self._rows if a.is_overdue(self.as_of))

    # -- Qt overrides -----------------------------------------------------------------------

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        action = self.action_at(index.row()) if index.isValid() else None
        if action is None:
            return None
        column = index.column()
        overdue = action.is_overdue(self.as_of)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(action, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(action, overdue)
        if role == Qt.ItemDataRole.BackgroundRole and overdue and column in (COL_DUE, COL_STATUS):
            return QBrush(QColor(OVERDUE_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole and overdue and column in (COL_DUE, COL_STATUS):
            return QBrush(QColor(TEXT_ON_COLOUR))
        if role == Qt.ItemDataRole.FontRole and overdue:
            font = QFont()
            font.setBold(True)
            return font
        if role == UUID_ROLE:
            return action.uuid
        return None

    def _text(self, action: ActionInfo, column: int) -> str:
        if column == COL_PROGRAMME:
            return action.programme_code
        if column == COL_CODE:
            return action.code
        if column == COL_TITLE:
            return action.title
        if column == COL_OWNER:
            return action.owner or "—"
        if column == COL_DUE:
            return due_text(action, self.as_of)
        if column == COL_STATUS:
            return status_text(action, self.as_of)
        if column == COL_PRIORITY:
            return action.priority.label
        if column == COL_SOURCE:
            return source_text(action)
        if column == COL_UPDATE:
            latest = action.latest_update
            return f"{latest.on.isoformat()}: {latest.note}" if latest else ""
        return ""

    def _tooltip(self, action: ActionInfo, overdue: bool) -> str:
        lines = [f"{action.programme_code} {action.code}: {action.title}"]
        if overdue and action.due is not None:
            lines.append(f"Overdue: due {action.due.isoformat()}, still {action.status.label.lower()}")
        if action.indicator_codes:
            lines.append("Indicators: " + ", ".join(action.indicator_codes))
        if action.status.is_closed and action.closing_note:
            lines.append(f"Closing note: {action.closing_note}")
        lines.append("Enter or double-click: details and traceability")
        return "\n".join(lines)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        keys = [(self._rows[i.row()].uuid, i.column()) for i in old]
        self._sort = (column, order)
        self._apply_sort()
        self.changePersistentIndexList(old, [self.index(self.row_of(uuid), col) for uuid, col in keys])
        self.layoutChanged.emit()

    def _apply_sort(self) -> None:
        column, order = self._sort

        def key(a: ActionInfo) -> tuple[Any, ...]:
            if column == COL_DUE:
                return (a.due is None, a.due or date.max, a.programme_code, _number(a.code))
            if column == COL_CODE:
                return (a.programme_code, _number(a.code))
            if column == COL_PRIORITY:
                return (("high", "medium", "low").index(a.priority.value), a.due or date.max)
            if column == COL_STATUS:
                return (not a.is_overdue(self.as_of), a.status.value, a.due or date.max)
            return (self._text(a, column).casefold(), a.programme_code, _number(a.code))

        self._rows.sort(key=key)
        if order == Qt.SortOrder.DescendingOrder:
            self._rows.reverse()


def _number(code: str) -> int:
    digits = code.rpartition("-")[2]
    return int(digits) if digits.isdigit() else 0

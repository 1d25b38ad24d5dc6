# SPDX-License-Identifier: GPL-3.0-or-later
"""The History of one data value as a table, newest change first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from pmdesk.ui.formatting import local_datetime
from pmdesk.ui.rows_model import RowsModel

if TYPE_CHECKING:
    from datetime import datetime

    from pmdesk.services.history import HistoryEntry

# The change first: the side panel is narrow, and the rest is in the tooltip too.
COL_CHANGE = 0
COL_WHEN = 1
COL_WHO = 2
COL_REASON = 3
COL_DEVICE = 4
HEADERS = ("Change", "When", "Who", "Reason", "Device")

FIELD_WORDS = {
    "value": "Value",
    "comment": "Comment",
    "status": "Status",
    "status_reason": "Reason given",
}

_Index = QModelIndex | QPersistentModelIndex


def change_text(entry: HistoryEntry) -> str:
    """'Value: 12 → 15' — what changed, from what, to what."""
    field = FIELD_WORDS.get(entry.field, entry.field)
    return f"{field}: {entry.old or '—'} → {entry.new or '—'}"


def _shortened(name: str, keep: int = 30) -> str:
    """A long file name cut in the middle: its end tells files apart (the tooltip has it whole)."""
    if len(name) <= keep:
        return name
    return f"{name[: keep // 2 - 1]}…{name[-(keep // 2) :]}"


class EntryHistoryModel(RowsModel["HistoryEntry"]):
    headers = HEADERS

    def __init__(self, parent: Any = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self._imported_from: Mapping[datetime, str] = {}
        # Compact: the Change column also says when and who, on a second line (a narrow panel
        # shows that column and hides When and Who).
        self.compact = compact

    def set_rows(
        self, rows: Sequence[HistoryEntry], imported_from: Mapping[datetime, str] | None = None
    ) -> None:
        """Entries as HistoryService gives them (oldest first); shown newest first.

        `imported_from` names the file of the changes an import made, by the import's time.
        """
        self.beginResetModel()
        self._rows = list(reversed(rows))
        self._imported_from = dict(imported_from or {})
        self.endResetModel()

    def entry_at(self, row: int) -> HistoryEntry | None:
        return self.row_at(row)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry_at(index.row()) if index.isValid() else None
        if entry is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_WHEN:
                return local_datetime(entry.at)
            if column == COL_WHO:
                return entry.actor
            if column == COL_CHANGE:
                change = change_text(entry).replace("\n", " ")
                if not self.compact:
                    return change
                source = self._imported_from.get(entry.at)
                imported = f"\nimport of {_shortened(source)}" if source else ""
                return f"{change}\n{local_datetime(entry.at)} · {entry.actor}{imported}"
            if column == COL_REASON:
                return " — ".join(filter(None, (entry.reason.replace("_", " "), entry.reason_text)))
            if column == COL_DEVICE:
                return entry.device_uuid[:8]
        if role == Qt.ItemDataRole.ToolTipRole:
            source = self._imported_from.get(entry.at)
            how = f", importing {source}" if source else ""
            return (
                f"{local_datetime(entry.at)} by {entry.actor} on device {entry.device_uuid}{how}\n"
                f"{change_text(entry)}"
            )
        return None

# SPDX-License-Identifier: GPL-3.0-or-later
"""Lessons and feedback as tables; the full record is in each row's tooltip."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from pmdesk.domain.learning import FeedbackStatus
from pmdesk.services.learning import FeedbackInfo, LessonInfo, Links

_Index = QModelIndex | QPersistentModelIndex

LESSON_HEADERS = ("Recorded", "Title", "Lesson", "Tags", "Links")
FEEDBACK_HEADERS = ("Received", "Source", "Channel", "Summary", "Status", "Response", "Links")
MAX_CELL = 90  # characters of a long text shown in a cell; the tooltip has it all


def links_text(links: Links) -> str:
    return ", ".join(links.indicator_codes + links.action_codes)


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MAX_CELL else line[: MAX_CELL - 1] + "…"


class _RecordTable(QAbstractTableModel):
    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cells: list[tuple[str, ...]] = []
        self._tips: list[str] = []
        self._uuids: list[str] = []
        self._bold: list[bool] = []

    def uuid_at(self, row: int) -> str | None:
        return self._uuids[row] if 0 <= row < len(self._uuids) else None

    def row_of(self, uuid: str) -> int:
        return self._uuids.index(uuid) if uuid in self._uuids else -1

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cells):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tips[index.row()]
        if role == Qt.ItemDataRole.FontRole and self._bold[index.row()]:
            font = QFont()
            font.setBold(True)
            return font
        return None


class LessonTableModel(_RecordTable):
    headers = LESSON_HEADERS

    def set_rows(self, lessons: Sequence[LessonInfo]) -> None:
        self.beginResetModel()
        self._lessons = list(lessons)
        self._uuids = [x.uuid for x in lessons]
        self._cells = [
            (
                x.recorded_on.isoformat(),
                _short(x.title),
                _short(x.lesson),
                ", ".join(x.tags),
                links_text(x.links),
            )
            for x in lessons
        ]
        self._tips = [
            "\n".join(
                line
                for line in (
                    x.title,
                    f"What happened: {x.what_happened}" if x.what_happened else "",
                    f"Why: {x.why}" if x.why else "",
                    f"Lesson: {x.lesson}",
                    f"Recommendation: {x.recommendation}" if x.recommendation else "",
                    f"From: {x.meeting_title}" if x.meeting_title else "",
                    "Enter or double-click to edit",
                )
                if line
            )
            for x in lessons
        ]
        self._bold = [False] * len(lessons)
        self.endResetModel()

    def lesson_at(self, row: int) -> LessonInfo | None:
        return self._lessons[row] if 0 <= row < len(self._uuids) else None


class FeedbackTableModel(_RecordTable):
    headers = FEEDBACK_HEADERS

    def set_rows(self, items: Sequence[FeedbackInfo]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._uuids = [f.uuid for f in items]
        self._cells = [
            (
                f.received_on.isoformat(),
                _short(f.source),
                f.channel,
                _short(f.summary),
                f.status.label,
                _short(f.response) or "—",
                links_text(f.links),
            )
            for f in items
        ]
        self._tips = [
            f"{f.source} ({f.channel or 'no channel'}), {f.received_on.isoformat()}\n{f.summary}\n"
            f"Response: {f.response or 'none yet'}\nStatus: {f.status.label}"
            + (f", closed {f.closed_on.isoformat()}" if f.closed_on else "")
            + "\nEnter or double-click to edit"
            for f in items
        ]
        # Feedback still waiting for an answer stands out, in weight and in its status word.
        self._bold = [f.status is FeedbackStatus.OPEN for f in items]
        self.endResetModel()

    def feedback_at(self, row: int) -> FeedbackInfo | None:
        return self._items[row] if 0 <= row < len(self._uuids) else None

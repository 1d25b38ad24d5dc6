# SPDX-License-Identifier: GPL-3.0-or-later
"""Models of the traceability dialog: the links one hop away, and an indicator's actuals since
the decision (figures as the IPTT computed them, only formatted here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from pmdesk.domain.enums import Measure
from pmdesk.services.traceability import IndicatorTrend
from pmdesk.ui.formatting import format_number

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Hop:
    """One link: what it is, in words, and where it leads (a kind and a key)."""

    kind: str  # action | indicator | decision | meeting | alert | lesson | feedback | iptt
    label: str
    key: str  # an action's UUID, an indicator's code, a meeting's UUID …
    programme_code: str
    tooltip: str = ""


KIND_LABELS = {
    "action": "Action",
    "indicator": "Indicator",
    "decision": "Decision",
    "meeting": "Meeting",
    "alert": "Alert",
    "lesson": "Lesson",
    "feedback": "Feedback",
    "iptt": "IPTT",
}


class HopListModel(QAbstractListModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._hops: list[Hop] = []

    def set_hops(self, hops: Sequence[Hop]) -> None:
        self.beginResetModel()
        self._hops = list(hops)
        self.endResetModel()

    def hop_at(self, row: int) -> Hop | None:
        return self._hops[row] if 0 <= row < len(self._hops) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._hops)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hop = self.hop_at(index.row()) if index.isValid() else None
        if hop is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{KIND_LABELS.get(hop.kind, hop.kind)}: {hop.label}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return hop.tooltip or "Enter or double-click to follow this link; Alt+Left comes back"
        return None


TREND_HEADERS = ("Indicator", "Period", "Target", "Actual", "% met", "")


@dataclass(frozen=True)
class TrendLine:
    indicator: str
    period: str
    target: str
    actual: str
    pct_met: str
    note: str


def trend_lines(trends: Sequence[IndicatorTrend]) -> list[TrendLine]:
    lines = []
    for trend in trends:
        percent = trend.measure is Measure.PERCENT
        for point in trend.points:
            notes = ["before the decision" if not point.is_after else ""]
            if point.is_partial:
                notes.append("partly reported")
            actual = (
                point.text
                if trend.measure is Measure.QUALITATIVE
                else format_number(point.actual, percent=percent)
            )
            lines.append(
                TrendLine(
                    f"{trend.code} {trend.name}",
                    point.label,
                    format_number(point.target, percent=percent),
                    actual or "—",
                    format_number(point.pct_met, percent=True) or "—",
                    ", ".join(n for n in notes if n),
                )
            )
    return lines


class TrendTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[TrendLine] = []

    def set_trends(self, trends: Sequence[IndicatorTrend]) -> None:
        self.beginResetModel()
        self._lines = trend_lines(trends)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TREND_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return TREND_HEADERS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (line.indicator, line.period, line.target, line.actual, line.pct_met, line.note)[
                index.column()
            ]
        if role == Qt.ItemDataRole.TextAlignmentRole and 2 <= index.column() <= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

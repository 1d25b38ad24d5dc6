# SPDX-License-Identifier: GPL-3.0-or-later
"""People and team scorecards as tables: what each is responsible for and how it stands."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from pmdesk.domain.enums import Status
from pmdesk.services.scorecards import Scorecard, TeamScorecard

_Index = QModelIndex | QPersistentModelIndex

PEOPLE_HEADERS = (
    "Person",
    "Team",
    "Indicators",
    "Off / at risk",
    "Open",
    "Overdue",
    "On time",
    "Late",
    "Meetings",
    "Decisions",
)
TEAM_HEADERS = (
    "Team",
    "People",
    "Indicators",
    "Off / at risk",
    "Open",
    "Overdue",
    "On time",
    "Late",
    "Decisions",
)
HEADER_TIPS = {
    "Team": "The person's organisation, from People",
    "Indicators": "Indicators the person is responsible for",
    "Off / at risk": "How many of those indicators are off track / at risk (IPTT status)",
    "Open": "Actions owned that are open or in progress",
    "Overdue": "Open actions past their due date",
    "On time": "Actions done on or before their due date",
    "Late": "Actions done after their due date",
    "Meetings": "Meetings attended or facilitated",
    "Decisions": "Decisions taken in those meetings",
}
NUMERIC_FROM = 2


def _worrying(statuses: Sequence[Status | None]) -> str:
    off = sum(1 for s in statuses if s is Status.OFF_TRACK)
    risk = sum(1 for s in statuses if s is Status.AT_RISK)
    return f"{off} / {risk}"


class _Table(QAbstractTableModel):
    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cells: list[tuple[str, ...]] = []
        self._alerting: list[bool] = []  # rows with something overdue or off track: shown bold

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(self.headers[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cells):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= NUMERIC_FROM:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self._alerting[index.row()] and index.column() == 0:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ScorecardTableModel(_Table):
    headers = PEOPLE_HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._cards: list[Scorecard] = []

    def set_cards(self, cards: Sequence[Scorecard]) -> None:
        self.beginResetModel()
        self._cards = list(cards)
        self._cells = [
            (
                c.name + ("" if c.person_code else " (not in People)"),
                c.organisation or "—",
                str(len(c.indicators)),
                _worrying([d.status for d in c.indicators]),
                str(c.counts.open),
                f"⚠ {c.counts.overdue}" if c.counts.overdue else "0",
                str(c.counts.done_on_time),
                str(c.counts.done_late),
                str(len(c.meetings)),
                str(c.decision_count),
            )
            for c in self._cards
        ]
        self._alerting = [
            bool(c.counts.overdue) or any(d.status is Status.OFF_TRACK for d in c.indicators)
            for c in self._cards
        ]
        self.endResetModel()

    def card_at(self, row: int) -> Scorecard | None:
        return self._cards[row] if 0 <= row < len(self._cards) else None


class TeamTableModel(_Table):
    headers = TEAM_HEADERS

    def set_teams(self, teams: Sequence[TeamScorecard]) -> None:
        self.beginResetModel()
        self._cells = [
            (
                t.team,
                str(t.people),
                str(sum(t.indicator_statuses.values())),
                f"{t.indicator_statuses.get('off_track', 0)} / {t.indicator_statuses.get('at_risk', 0)}",
                str(t.counts.open),
                f"⚠ {t.counts.overdue}" if t.counts.overdue else "0",
                str(t.counts.done_on_time),
                str(t.counts.done_late),
                str(t.decisions),
            )
            for t in teams
        ]
        self._alerting = [
            bool(t.counts.overdue) or bool(t.indicator_statuses.get("off_track")) for t in teams
        ]
        self.endResetModel()

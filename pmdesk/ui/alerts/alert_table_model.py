# SPDX-License-Identifier: GPL-3.0-or-later
"""The alerts of a programme as a table (open first), and its triggers as another."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from pmdesk.domain.triggers import Scope
from pmdesk.ui.formatting import local_datetime

if TYPE_CHECKING:
    from pmdesk.services.alert_records import AlertInfo, TriggerInfo

_Index = QModelIndex | QPersistentModelIndex

COL_TRIGGER = 0
COL_INDICATOR = 1
COL_SITE = 2
COL_PERIODS = 3
COL_FIGURES = 4
COL_STATUS = 5
HEADERS = ("Trigger", "Indicator", "Site", "Periods", "Figures", "Status")
PROGRAMME_TOTAL = "Programme total"
NO_LONGER_HOLDS = "no longer holds"
OPEN_BACKGROUND = "#fdecea"  # an open alert that holds: needs someone's attention
OPEN_TEXT = "#611a15"
MUTED_TEXT = "#6b6b6b"  # an alert whose streak no longer holds
UUID_ROLE = Qt.ItemDataRole.UserRole + 1


def status_text(alert: AlertInfo) -> str:
    """'Open', 'Acknowledged', 'Open · no longer holds'."""
    text = alert.status.value.capitalize()
    return text if alert.holds else f"{text} · {NO_LONGER_HOLDS}"


def alert_details(alert: AlertInfo) -> str:
    """Everything about one alert in plain lines: what held, when raised, the acknowledgement."""
    lines = [alert.message, f"Raised {local_datetime(alert.raised_at)}."]
    if not alert.holds:
        lines.append("Values have changed since: this streak no longer holds. The alert is kept as a record.")
    if alert.acknowledged_at is not None:
        lines.append(
            f"Acknowledged by {alert.acknowledged_by} on {local_datetime(alert.acknowledged_at)}: "
            f"{alert.acknowledgement}"
        )
    return "\n".join(lines)


class AlertTableModel(QAbstractTableModel):
    """One row per alert, in the order the service gives (open first)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AlertInfo] = []

    def set_rows(self, rows: Sequence[AlertInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def alert_at(self, row: int) -> AlertInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, alert_uuid: str) -> int | None:
        return next((i for i, a in enumerate(self._rows) if a.uuid == alert_uuid), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        alert = self.alert_at(index.row()) if index.isValid() else None
        if alert is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(alert, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return alert_details(alert)
        if role == UUID_ROLE:
            return alert.uuid
        needs_attention = alert.is_open and alert.holds
        if role == Qt.ItemDataRole.BackgroundRole and needs_attention:
            return QBrush(QColor(OPEN_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole:
            if needs_attention:
                return QBrush(QColor(OPEN_TEXT))
            if not alert.holds:
                return QBrush(QColor(MUTED_TEXT))
        if role == Qt.ItemDataRole.FontRole and not alert.holds:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    @staticmethod
    def _display(alert: AlertInfo, column: int) -> str | None:
        if column == COL_TRIGGER:
            return alert.trigger_code
        if column == COL_INDICATOR:
            return f"{alert.indicator_code} {alert.indicator_name}".strip()
        if column == COL_SITE:
            return alert.site_name or alert.site_code or PROGRAMME_TOTAL
        if column == COL_PERIODS:
            return ", ".join(alert.period_labels)
        if column == COL_FIGURES:
            return ", ".join(alert.figures)
        if column == COL_STATUS:
            return status_text(alert)
        return None


T_COL_CODE = 0
T_COL_WATCHES = 1
T_COL_CONDITION = 2
T_COL_SCOPE = 3
T_COL_RESPONSE = 4
TRIGGER_HEADERS = ("Code", "Watches", "Condition", "Scope", "Response")


def condition_text(trigger: TriggerInfo) -> str:
    """'Actual < 70 for 2 consecutive periods'; for a stored rule this service would refuse, why."""
    return trigger.description


class TriggerTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TriggerInfo] = []

    def set_rows(self, rows: Sequence[TriggerInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def trigger_at(self, row: int) -> TriggerInfo | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, code: str) -> int | None:
        return next((i for i, t in enumerate(self._rows) if t.code == code), None)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(TRIGGER_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return TRIGGER_HEADERS[section] if 0 <= section < len(TRIGGER_HEADERS) else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        trigger = self.trigger_at(index.row()) if index.isValid() else None
        if trigger is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(trigger, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{trigger.code}: {trigger.subject}. {condition_text(trigger)}.\n{trigger.data.response}".strip()
        if role == Qt.ItemDataRole.ForegroundRole and not trigger.is_valid:
            return QBrush(QColor(OPEN_TEXT))
        return None

    @staticmethod
    def _display(trigger: TriggerInfo, column: int) -> str | None:
        data = trigger.data
        if column == T_COL_CODE:
            return data.code
        if column == T_COL_WATCHES:
            if data.indicator_code:
                return f"Indicator {data.indicator_code}"
            if data.result_code:
                return f"Result {data.result_code}"
            return "Every indicator"
        if column == T_COL_CONDITION:
            return condition_text(trigger)
        if column == T_COL_SCOPE:
            return Scope(data.scope).label if data.scope in {s.value for s in Scope} else data.scope
        if column == T_COL_RESPONSE:
            return data.response.replace("\n", " ")
        return None

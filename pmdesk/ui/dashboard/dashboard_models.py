# SPDX-License-Identifier: GPL-3.0-or-later
"""The Dashboard's two tables: open alerts, and overdue actions (late by how many days, in words)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from pmdesk.services.actions import ActionInfo
from pmdesk.services.alert_records import AlertInfo
from pmdesk.ui.actions.action_table_model import due_text
from pmdesk.ui.formatting import local_datetime
from pmdesk.ui.rows_model import RowsModel

_Index = QModelIndex | QPersistentModelIndex
PROGRAMME_TOTAL = "Programme total"


class OpenAlertsModel(RowsModel[AlertInfo]):
    headers = ("Indicator", "Site", "Periods", "Raised")
    header_tips = (
        "Enter or double-click opens the IPTT on the indicator; hover for the trigger and figures",
        "The site the streak held for, or the programme total",
        "The consecutive periods the trigger's condition held",
        "",
    )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        alert = self.row_at(index.row()) if index.isValid() else None
        if alert is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return f"{alert.indicator_code} {alert.indicator_name}".strip()
            if column == 1:
                return alert.site_name if alert.site_code else PROGRAMME_TOTAL
            if column == 2:
                return ", ".join(alert.period_labels)
            return local_datetime(alert.raised_at)[:10]  # the day: the time is in the tooltip
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{alert.trigger_code}: {alert.message}\n"
                f"Figures: {', '.join(alert.figures)}\nRaised {local_datetime(alert.raised_at)}"
            )
        return None


class OverdueActionsModel(RowsModel[ActionInfo]):
    headers = ("Action", "Title", "Owner", "Due", "Indicators")
    header_tips = ("Enter or double-click shows the action in the tracker", "", "", "", "")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.as_of = date.today()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        action = self.row_at(index.row()) if index.isValid() else None
        if action is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == 0:
                return action.code
            if column == 1:
                return action.title
            if column == 2:
                return action.owner or "—"
            if column == 3:
                return due_text(action, self.as_of)
            return ", ".join(action.indicator_codes) or "—"
        if role == Qt.ItemDataRole.ToolTipRole:
            return action.description or action.title
        return None

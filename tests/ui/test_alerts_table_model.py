# SPDX-License-Identifier: GPL-3.0-or-later
"""AlertTableModel and TriggerTableModel without a view: rows, texts, colours, lookups."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont

from pmdesk.services.alert_records import AlertInfo, AlertStatus, TriggerData, TriggerInfo
from pmdesk.ui.alerts.alert_table_model import (
    COL_FIGURES,
    COL_INDICATOR,
    COL_PERIODS,
    COL_SITE,
    COL_STATUS,
    COL_TRIGGER,
    HEADERS,
    OPEN_BACKGROUND,
    T_COL_CONDITION,
    T_COL_SCOPE,
    T_COL_WATCHES,
    UUID_ROLE,
    AlertTableModel,
    TriggerTableModel,
    alert_details,
)

RAISED = datetime(2026, 7, 1, 9, 30)


def alert(
    uuid: str = "a1", *, site: str | None = None, holds: bool = True, acknowledged: bool = False
) -> AlertInfo:
    return AlertInfo(
        uuid=uuid,
        programme_code="DEMO-WASH",
        trigger_uuid="t1",
        trigger_code="T1",
        indicator_code="2.3",
        indicator_name="Beneficiaries satisfied",
        site_code=site,
        site_name="Kibera school" if site else "",
        periods=("2026Q1", "2026Q2"),
        period_labels=("2026 Q1", "2026 Q2"),
        figures=("66.79 %", "64.86 %"),
        message="2.3 Beneficiaries satisfied: Actual < 70 for 2 consecutive periods — held in 2026 Q1, 2026 Q2.",
        holds=holds,
        status=AlertStatus.ACKNOWLEDGED if acknowledged else AlertStatus.OPEN,
        raised_at=RAISED,
        acknowledged_by="Amina" if acknowledged else "",
        acknowledged_at=RAISED if acknowledged else None,
        acknowledgement="Review in May" if acknowledged else "",
    )


def test_alert_rows_show_what_held_where_and_when() -> None:
    model = AlertTableModel()
    model.set_rows([alert(), alert("a2", site="N01", holds=False, acknowledged=True)])
    assert model.rowCount() == 2 and model.columnCount() == len(HEADERS)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(HEADERS))] == list(HEADERS)

    def text(row: int, column: int) -> str:
        return str(model.data(model.index(row, column)))

    assert text(0, COL_TRIGGER) == "T1"
    assert text(0, COL_INDICATOR) == "2.3 Beneficiaries satisfied"
    assert text(0, COL_SITE) == "Programme total"
    assert text(0, COL_PERIODS) == "2026 Q1, 2026 Q2"
    assert text(0, COL_FIGURES) == "66.79 %, 64.86 %"
    assert text(0, COL_STATUS) == "Open"
    assert text(1, COL_SITE) == "Kibera school"
    assert text(1, COL_STATUS) == "Acknowledged · no longer holds"
    assert model.data(model.index(1, 0), UUID_ROLE) == "a2"
    assert model.row_of("a2") == 1 and model.row_of("zz") is None
    assert model.alert_at(5) is None


def test_open_alerts_stand_out_and_those_no_longer_holding_are_muted() -> None:
    model = AlertTableModel()
    model.set_rows([alert(), alert("a2", holds=False)])
    background = model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole)
    assert isinstance(background, QBrush) and background.color().name() == OPEN_BACKGROUND
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is None
    font = model.data(model.index(1, 0), Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic()


def test_details_say_what_held_and_who_acknowledged() -> None:
    details = alert_details(alert(acknowledged=True, holds=False))
    assert "held in 2026 Q1, 2026 Q2" in details
    assert "no longer holds" in details
    assert "Acknowledged by Amina" in details and "Review in May" in details
    model = AlertTableModel()
    model.set_rows([alert()])
    assert "Raised" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)


def test_trigger_rows() -> None:
    model = TriggerTableModel()
    rows = [
        TriggerInfo(
            "u1",
            TriggerData("T1", "actual", "<", "70", 2, indicator_code="2.3"),
            "Actual < 70 for 2 consecutive periods",
            "indicator 2.3",
            True,
        ),
        TriggerInfo(
            "u2",
            TriggerData("T2", "status", "==", "off_track", 1, scope="site", result_code="O1"),
            "Status = off track in a period",
            "every indicator of result O1, each site",
            True,
        ),
        TriggerInfo(
            "u3", TriggerData("T3", "pct_met", "<", "50"), "% met < 50 % in a period", "every indicator", True
        ),
    ]
    model.set_rows(rows)
    assert model.rowCount() == 3
    assert [model.data(model.index(r, T_COL_WATCHES)) for r in range(3)] == [
        "Indicator 2.3",
        "Result O1",
        "Every indicator",
    ]
    assert model.data(model.index(0, T_COL_CONDITION)) == "Actual < 70 for 2 consecutive periods"
    assert model.data(model.index(1, T_COL_SCOPE)) == "Each site separately"
    assert model.data(model.index(2, T_COL_SCOPE)) == "Programme total"
    assert model.row_of("T2") == 1

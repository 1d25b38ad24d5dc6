# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT screen when one school of eleven has entered 2026Q3 in the demo (issue #7 §1)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pmdesk.services.actor import Actor
from pmdesk.services.demo import DEMO_CODE, DemoService
from pmdesk.storage.database import Database
from pmdesk.ui.context import UiContext
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.iptt.iptt_site_table_model import COL_TO_DATE
from pmdesk.ui.iptt.iptt_site_table_model import FIRST_PERIOD_COL as SITE_FIRST_PERIOD
from pmdesk.ui.iptt.iptt_table_model import (
    COL_STATUS,
    COL_TO_DATE_ACTUAL,
    COLUMNS_PER_PERIOD,
    FIRST_PERIOD_COL,
    PERIOD_ACTUAL,
    STATUS_ROLE,
)

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
SCHOOL = "LAK-01"


@pytest.fixture
def screen(qtbot: QtBot, db: Database, context: UiContext) -> IpttScreen:
    actor = Actor(db.actor, db.device_uuid)
    DemoService(db.sessions, actor, db.path).create_demo()
    entry = context.services.entry
    entry.set_value(DEMO_CODE, "G.2", "2026Q3", SCHOOL, {"SEX": "F"}, value=350)
    entry.set_value(DEMO_CODE, "G.2", "2026Q3", SCHOOL, {"SEX": "M"}, value=330)
    entry.set_value(DEMO_CODE, "1.1.2", "2026Q3", SCHOOL, value=3)
    widget = IpttScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    with qtbot.waitSignal(widget.table_loaded, timeout=20_000):
        widget.set_programme(DEMO_CODE)
    return widget


def show_q3(qtbot: QtBot, screen: IpttScreen) -> None:
    index = screen.as_of_combo.findData("2026Q3")
    with qtbot.waitSignal(screen.table_loaded, timeout=20_000):
        screen.as_of_combo.setCurrentIndex(index)


def cell(screen: IpttScreen, code: str, column: int, role: Qt.ItemDataRole = DISPLAY) -> str:
    model = screen.model
    return model.data(model.index(model.indicator_row_of(code), column), role)


def test_default_is_the_latest_complete_period_and_the_picker_marks_later_ones(
    qtbot: QtBot, screen: IpttScreen
) -> None:
    assert screen.model.table is not None and screen.model.table.as_of == "2026Q2"
    assert screen.as_of_combo.itemText(0) == "Latest complete period (2026 Q2)"
    q3 = screen.as_of_combo.findData("2026Q3")
    assert screen.as_of_combo.itemText(q3) == "2026 Q3 (partial: 1 of 11 sites)"
    assert screen.as_of_combo.itemText(screen.as_of_combo.findData("2026Q2")) == "2026 Q2"
    show_q3(qtbot, screen)  # still allowed
    assert "as of 2026 Q3 (partial (1 of 11 sites))" in screen.subtitle_label.text()


def test_partial_marks_in_headers_cells_and_status(qtbot: QtBot, screen: IpttScreen) -> None:
    show_q3(qtbot, screen)
    model = screen.model
    q3_actual = FIRST_PERIOD_COL + COLUMNS_PER_PERIOD * 6 + PERIOD_ACTUAL
    assert model.headerData(q3_actual, Qt.Orientation.Horizontal, DISPLAY) == "2026 Q3\nActual\n1 of 11 sites"
    assert "only 1 of the 11 sites" in model.headerData(q3_actual, Qt.Orientation.Horizontal, TOOLTIP)
    assert cell(screen, "G.2", q3_actual) == "680 (1/11)"
    # 680 of 5,550 is one school's part, not the programme's status: no status colour.
    q3_pct = q3_actual + 1
    assert model.data(model.index(model.indicator_row_of("G.2"), q3_pct), STATUS_ROLE) is None
    assert "Sites reporting: 1 of 11 (partial: 10 sites with no value yet)" in cell(
        screen, "G.2", q3_actual, TOOLTIP
    )
    # G.2 to date stays on 2026 Q2, on track, and says where it comes from.
    assert not cell(screen, "G.2", COL_STATUS).endswith("partial (1 of 11 sites)")
    assert "From 2026 Q2" in cell(screen, "G.2", COL_TO_DATE_ACTUAL, TOOLTIP)
    # A sum over 2026 Q3 is marked, in words, not by colour alone.
    assert cell(screen, "1.1.2", COL_STATUS).endswith(" · partial (1 of 11 sites)")
    assert "Running totals and percents" in screen.partial_label.text()


def test_by_site_marks_who_has_not_reported_and_where_the_total_comes_from(
    qtbot: QtBot, screen: IpttScreen
) -> None:
    show_q3(qtbot, screen)
    dialog = screen.open_site_figures("G.2")
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=20_000)
    model = dialog.model
    q3 = SITE_FIRST_PERIOD + 6
    reported = model.data(model.index(model.row_of(SCHOOL), q3), DISPLAY)
    other = model.data(model.index(model.row_of("LAK-02"), q3), DISPLAY)
    total = model.data(model.index(model.total_row(), q3), DISPLAY)
    assert reported.startswith("680")
    assert other.startswith("not reported")
    assert "(1/11)" in total
    assert model.headerData(q3, Qt.Orientation.Horizontal, DISPLAY) == "2026 Q3\n1 of 11 sites"
    # The total to date comes from 2026 Q2, as do the schools without a Q3 value.
    assert model.data(model.index(model.total_row(), COL_TO_DATE), DISPLAY).endswith("(2026 Q2)")
    assert model.data(model.index(model.row_of("LAK-02"), COL_TO_DATE), DISPLAY).endswith("(2026 Q2)")
    assert not model.data(model.index(model.row_of(SCHOOL), COL_TO_DATE), DISPLAY).endswith(")")
    dialog.close()

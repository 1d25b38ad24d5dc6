# SPDX-License-Identifier: GPL-3.0-or-later
"""CompletenessTableModel: sites × periods, states by colour and text, reporting rates, the filter."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from pmdesk.domain.periods import parse_period
from pmdesk.services.completeness import Completeness, ReportCell, ReportState
from pmdesk.services.sites import SiteInfo
from pmdesk.ui.completeness.completeness_table_model import (
    COL_SITE,
    FIRST_PERIOD_COL,
    MUTED_TEXT,
    NOT_DUE_LABEL,
    PERIOD_CODE_ROLE,
    SITE_CODE_ROLE,
    STATE_ROLE,
    STATE_STYLES,
    CompletenessTableModel,
    site_lines,
)

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole
H = Qt.Orientation.Horizontal

COUNTRY = SiteInfo(1, "u1", "KE", "Kenya", None, 0)
NORTH = SiteInfo(2, "u2", "N", "North district", "KE", 1)
KIBERA = SiteInfo(3, "u3", "N01", "Kibera school", "N", 2)
MATHARE = SiteInfo(4, "u4", "N02", "Mathare school", "N", 2)
SOUTH = SiteInfo(5, "u5", "S", "South district", "KE", 1)
KISII = SiteInfo(6, "u6", "S01", "Kisii school", "S", 2)
TREE = (COUNTRY, NORTH, KIBERA, MATHARE, SOUTH, KISII)
PERIODS = tuple(parse_period(p) for p in ("2025Q1", "2025Q2", "2025Q3"))
TODAY = date(2025, 8, 1)  # Q1 and Q2 have ended, Q3 has not


def cell(state: ReportState, **by_status: int) -> ReportCell:
    return ReportCell(state, sum(by_status.values()), by_status)


def overview() -> Completeness:
    return Completeness(
        "WASH-01",
        (KIBERA, MATHARE, KISII),
        PERIODS,
        {
            ("N01", "2025Q1"): cell(ReportState.APPROVED, approved=12),
            ("N02", "2025Q1"): cell(ReportState.SUBMITTED, submitted=10, approved=2),
            ("S01", "2025Q1"): cell(ReportState.RETURNED, returned=1, submitted=11),
            ("N01", "2025Q2"): cell(ReportState.DRAFT, draft=3, submitted=9),
        },
    )


@pytest.fixture
def model(qapp: object) -> CompletenessTableModel:
    m = CompletenessTableModel()
    m.set_overview(overview(), TREE, today=TODAY)
    return m


def text(model: CompletenessTableModel, row: int, column: int, role: int = DISPLAY) -> object:
    return model.data(model.index(row, column), role)


def colour(model: CompletenessTableModel, row: int, column: int, role: int = BACKGROUND) -> str | None:
    value = text(model, row, column, role)
    return value.name() if isinstance(value, QColor) else None


Q1, Q2, Q3 = FIRST_PERIOD_COL, FIRST_PERIOD_COL + 1, FIRST_PERIOD_COL + 2


def test_rows_are_reporting_sites_and_columns_periods(model: CompletenessTableModel) -> None:
    assert (model.rowCount(), model.columnCount()) == (3, 1 + 3)
    assert [text(model, r, COL_SITE) for r in range(3)] == [
        "North district › Kibera school",
        "North district › Mathare school",
        "South district › Kisii school",
    ]
    assert text(model, 0, COL_SITE, TOOLTIP) == "Kenya › North district › Kibera school\nSite code: N01"
    assert text(model, 1, COL_SITE, SITE_CODE_ROLE) == "N02"
    assert text(model, 1, Q2, PERIOD_CODE_ROLE) == "2025Q2"
    assert model.period_at(Q3) == PERIODS[2] and model.period_at(COL_SITE) is None
    assert (model.row_of("S01"), model.column_of("2025Q2"), model.row_of("X"), model.column_of("2030Q1")) == (
        2,
        Q2,
        -1,
        -1,
    )


def test_each_state_by_colour_and_text(model: CompletenessTableModel) -> None:
    expected = [
        (0, Q1, ReportState.APPROVED, "✓ Approved 12"),
        (1, Q1, ReportState.SUBMITTED, "↑ Submitted 12"),
        (2, Q1, ReportState.RETURNED, "↩ Returned 12"),
        (0, Q2, ReportState.DRAFT, "✎ Draft 12"),
        (1, Q2, ReportState.NOT_STARTED, "○ Not started"),
    ]
    for row, column, state, shown in expected:
        assert text(model, row, column) == shown
        assert text(model, row, column, STATE_ROLE) is state
        assert colour(model, row, column) == STATE_STYLES[state].background
        assert colour(model, row, column, FOREGROUND) == "#1a1a1a"
    # Five states, five different colours.
    assert len({s.background for s in STATE_STYLES.values()}) == 5


def test_a_period_not_ended_yet_is_not_due_rather_than_late(model: CompletenessTableModel) -> None:
    assert text(model, 0, Q3) == NOT_DUE_LABEL
    assert text(model, 0, Q3, STATE_ROLE) is ReportState.NOT_STARTED
    assert colour(model, 0, Q3) is None
    assert colour(model, 0, Q3, FOREGROUND) == MUTED_TEXT
    assert "has not ended" in str(text(model, 0, Q3, TOOLTIP))
    model.set_overview(overview(), TREE, today=date(2026, 1, 1))
    assert text(model, 0, Q3) == "○ Not started"


def test_tooltip_counts_values_by_status(model: CompletenessTableModel) -> None:
    tip = str(text(model, 2, Q1, TOOLTIP))
    assert tip.startswith("South district › Kisii school · 2025 Q1\nReturned:")
    assert "12 data values:\n  1 returned\n  11 submitted" in tip
    assert "Enter" in tip
    assert "No data value entered yet." in str(text(model, 1, Q2, TOOLTIP))


def test_header_shows_the_reporting_rate_of_each_period(model: CompletenessTableModel) -> None:
    assert model.headerData(Q1, H, DISPLAY) == "2025 Q1\n2/3 · 67%"  # approved + submitted, not returned
    assert model.headerData(Q2, H, DISPLAY) == "2025 Q2\n0/3 · 0%"
    assert model.headerData(COL_SITE, H, DISPLAY) == "Site\nReporting rate"
    assert "2 of 3 reporting sites" in model.headerData(Q1, H, TOOLTIP)
    assert model.headerData(0, Qt.Orientation.Vertical, DISPLAY) is None
    assert model.rate_text("2025Q1") == "2/3 · 67%"
    assert model.reported("2025Q1") == (2, 3)


def test_filter_keeps_the_sites_still_to_report(model: CompletenessTableModel) -> None:
    model.set_filter("2025Q1")
    assert [model.line_at(r).site.code for r in range(model.rowCount())] == ["S01"]  # type: ignore[union-attr]
    assert model.headerData(Q1, H, DISPLAY) == "2025 Q1\n2/3 · 67%"  # the rate still counts every site
    assert model.site_count == 3
    model.set_filter("2025Q2")
    assert model.rowCount() == 3
    model.set_filter(None)
    assert model.rowCount() == 3
    model.set_filter("2025Q1")
    other = Completeness("X", (KIBERA,), (parse_period("2026Q1"),), {})
    model.set_overview(other, TREE, today=TODAY)  # a period it does not have: the filter goes
    assert model.filter_period is None and model.rowCount() == 1


def test_site_lines_name_the_district(qapp: object) -> None:
    lines = site_lines([KISII, SOUTH], TREE)
    assert [(line.path, line.full_path) for line in lines] == [
        ("South district › Kisii school", "Kenya › South district › Kisii school"),
        ("Kenya › South district", "Kenya › South district"),
    ]
    assert site_lines([COUNTRY], TREE)[0].path == "Kenya"


def test_cells_are_read_only_and_empty_model_is_safe(model: CompletenessTableModel) -> None:
    flags = model.flags(model.index(0, Q1))
    assert flags & Qt.ItemFlag.ItemIsSelectable and not flags & Qt.ItemFlag.ItemIsEditable
    model.set_overview(None)
    assert (model.rowCount(), model.columnCount()) == (0, 1)
    assert model.data(model.index(0, 0)) is None
    assert model.rate_text("2025Q1") == ""
    assert model.cell_at(0, Q1) is None


def test_no_reporting_site_has_no_rate(qapp: object) -> None:
    model = CompletenessTableModel()
    model.set_overview(Completeness("X", (), PERIODS, {}), TREE, today=TODAY)
    assert model.headerData(Q1, H, DISPLAY) == "2025 Q1"

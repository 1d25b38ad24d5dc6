# SPDX-License-Identifier: GPL-3.0-or-later
"""IpttTableModel: rows and columns, display text with rounding, status colours, result headers, tooltips."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor

from pmdesk.domain.enums import Cumulation, Direction, Measure, Status
from pmdesk.domain.iptt import Figures, IndicatorFigures, PeriodFigures, Thresholds, ToDateFigures
from pmdesk.domain.periods import parse_period
from pmdesk.services.iptt import IpttRow, IpttService, IpttTable, ResultInfo
from pmdesk.storage.database import Database
from pmdesk.ui.formatting import format_number
from pmdesk.ui.iptt.iptt_table_model import (
    COL_BASELINE,
    COL_INDICATOR,
    COL_LOP_ACTUAL,
    COL_LOP_PCT,
    COL_LOP_TARGET,
    COL_STATUS,
    COL_TO_DATE_ACTUAL,
    COL_TO_DATE_PCT,
    COL_TO_DATE_TARGET,
    COL_UNIT,
    FIRST_PERIOD_COL,
    PERIOD_ACTUAL,
    PERIOD_PCT,
    PERIOD_TARGET,
    STATUS_ROLE,
    IpttTableModel,
)
from pmdesk.ui.iptt.status_style import RESULT_SHADES, STATUS_STYLES
from tests.ui.programme_factory import Built

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
EN = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


@pytest.fixture
def model(db: Database, small: Built, qapp: object) -> IpttTableModel:
    table = IpttService(db.sessions).table(small.code)
    model = IpttTableModel()
    model.set_table(table)
    return model


def period_col(index: int, part: int) -> int:
    return FIRST_PERIOD_COL + 3 * index + part


def text(model: IpttTableModel, row: int, column: int) -> str:
    return model.data(model.index(row, column), DISPLAY)


def row_of(model: IpttTableModel, code: str) -> int:
    row = model.indicator_row_of(code)
    assert row >= 0, code
    return row


def background(model: IpttTableModel, row: int, column: int) -> str | None:
    colour = model.data(model.index(row, column), BACKGROUND)
    return colour.name() if isinstance(colour, QColor) else None


# -- shape -----------------------------------------------------------------------------------


def test_rows_are_results_each_followed_by_its_indicators(model: IpttTableModel) -> None:
    assert model.rowCount() == 3 + 5
    assert model.result_rows() == [0, 1, 4]
    assert [text(model, r, COL_INDICATOR).split()[0] for r in (2, 3, 5, 6, 7)] == [
        "1.1",
        "1.2",
        "2.1",
        "2.2",
        "2.3",
    ]


def test_ten_fixed_columns_then_three_per_period_up_to_as_of(model: IpttTableModel) -> None:
    assert model.table is not None and model.table.as_of == "2025Q2"
    assert model.columnCount() == FIRST_PERIOD_COL + 3 * 2
    header = model.headerData(period_col(1, PERIOD_PCT), Qt.Orientation.Horizontal, DISPLAY)
    # 2.1 and 2.3 hold values of one site of two: the period says how many reported
    assert header == "2025 Q2\n% met\n1 of 2 sites"
    assert (
        model.headerData(period_col(0, PERIOD_TARGET), Qt.Orientation.Horizontal, DISPLAY)
        == "2025 Q1\nTarget\n1 of 2 sites"
    )
    assert model.headerData(COL_STATUS, Qt.Orientation.Horizontal, DISPLAY) == "Status"
    assert "decreasing" in model.headerData(COL_TO_DATE_PCT, Qt.Orientation.Horizontal, TOOLTIP)
    assert model.headerData(0, Qt.Orientation.Vertical, DISPLAY) is None


def test_an_empty_model_has_only_the_fixed_columns(qapp: object) -> None:
    model = IpttTableModel()
    assert (model.rowCount(), model.columnCount()) == (0, FIRST_PERIOD_COL)
    assert model.data(model.index(0, 0), DISPLAY) is None


def test_cells_are_read_only(model: IpttTableModel) -> None:
    flags = model.flags(model.index(2, COL_TO_DATE_ACTUAL))
    assert flags & Qt.ItemFlag.ItemIsSelectable
    assert not flags & Qt.ItemFlag.ItemIsEditable


# -- result header rows ------------------------------------------------------------------------


def test_result_rows_show_tier_code_and_title_bold_and_shaded(model: IpttTableModel) -> None:
    assert text(model, 0, COL_INDICATOR) == "Goal G1: Healthier families in Zinder"
    assert text(model, 1, COL_INDICATOR) == "Outcome O1: Improved access to safe water"
    assert text(model, 0, COL_TO_DATE_ACTUAL) == ""
    assert model.data(model.index(0, COL_INDICATOR), Qt.ItemDataRole.FontRole).bold()
    assert background(model, 0, COL_STATUS) == RESULT_SHADES[0]
    assert background(model, 4, COL_INDICATOR) == RESULT_SHADES[2]
    assert model.is_result_row(0) and not model.is_result_row(2)


# -- indicator rows: text ----------------------------------------------------------------------


def test_number_indicator_figures_with_thousands_separators(model: IpttTableModel) -> None:
    row = row_of(model, "1.1")
    assert text(model, row, COL_UNIT) == "people"
    assert text(model, row, COL_BASELINE) == "0"
    assert text(model, row, COL_LOP_TARGET) == "4,000"
    assert text(model, row, COL_LOP_ACTUAL) == "1,800"
    assert text(model, row, COL_LOP_PCT) == "45%"
    assert text(model, row, COL_TO_DATE_TARGET) == "2,000"
    assert text(model, row, COL_TO_DATE_ACTUAL) == "1,800"
    assert text(model, row, COL_TO_DATE_PCT) == "90%"
    assert text(model, row, COL_STATUS) == "On track"
    assert [text(model, row, period_col(0, p)) for p in (PERIOD_TARGET, PERIOD_ACTUAL, PERIOD_PCT)] == [
        "1,000",
        "1,100",
        "110%",
    ]


def test_rounding_to_two_decimals_for_display_only(model: IpttTableModel) -> None:
    row = row_of(model, "2.3")
    assert text(model, row, COL_TO_DATE_ACTUAL) == "12,345.68"
    assert text(model, row, COL_TO_DATE_PCT) == "123.46%"
    assert text(model, row, COL_STATUS) == "Exceeding · partial (1 of 2 sites)"  # Magaria only
    assert model.data(model.index(row, COL_TO_DATE_ACTUAL), Qt.ItemDataRole.UserRole) == pytest.approx(
        12345.678
    )


def test_percent_indicators_show_a_percent_sign(model: IpttTableModel) -> None:
    row = row_of(model, "1.2")
    assert text(model, row, COL_UNIT) == "% of households"
    assert text(model, row, COL_BASELINE) == "40%"
    assert text(model, row, COL_TO_DATE_ACTUAL) == "66%"  # 66 / 100, not the mean of 75 % and 52.5 %
    assert text(model, row, COL_TO_DATE_PCT) == "110%"


def test_cumulative_indicator_off_track(model: IpttTableModel) -> None:
    row = row_of(model, "2.1")
    assert text(model, row, period_col(1, PERIOD_ACTUAL)) == "300 (1/2)"  # running sum, Mirriah only
    assert text(model, row, COL_STATUS) == "Off track · partial (1 of 2 sites)"


def test_qualitative_text_in_the_cell_and_in_full_in_the_tooltip(model: IpttTableModel) -> None:
    row = row_of(model, "2.2")
    cell = model.index(row, period_col(1, PERIOD_ACTUAL))
    assert model.data(cell, DISPLAY) == "Magaria: Committee not yet formed …"
    assert model.data(cell, TOOLTIP) == (
        "Magaria: Committee not yet formed\nMirriah: Committee meets monthly\n\nSites reporting: 2 of 2"
    )
    assert text(model, row, COL_TO_DATE_PCT) == ""
    assert "Qualitative" in model.data(model.index(row, COL_STATUS), TOOLTIP)
    assert background(model, row, COL_STATUS) is None


def test_alignment_numbers_right_names_left(model: IpttTableModel) -> None:
    row = row_of(model, "1.1")
    align = Qt.ItemDataRole.TextAlignmentRole
    assert model.data(model.index(row, COL_TO_DATE_ACTUAL), align) & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index(row, COL_INDICATOR), align) & Qt.AlignmentFlag.AlignLeft


# -- indicator rows: colours and tooltips ------------------------------------------------------


def test_status_and_pct_met_cells_take_the_status_colour(model: IpttTableModel) -> None:
    on_track = STATUS_STYLES[Status.ON_TRACK].background
    row = row_of(model, "1.1")
    assert background(model, row, COL_STATUS) == on_track
    assert background(model, row, COL_TO_DATE_PCT) == on_track
    assert background(model, row, period_col(0, PERIOD_PCT)) == on_track  # 110 % in Q1
    assert model.data(model.index(row, COL_STATUS), STATUS_ROLE) is Status.ON_TRACK
    assert background(model, row_of(model, "2.1"), COL_STATUS) == STATUS_STYLES[Status.OFF_TRACK].background
    assert background(model, row_of(model, "2.3"), COL_STATUS) == STATUS_STYLES[Status.EXCEEDING].background
    assert background(model, row, COL_LOP_PCT) is None  # LoP is not a status
    foreground = model.data(model.index(row, COL_STATUS), Qt.ItemDataRole.ForegroundRole)
    assert foreground.lightness() < 60  # dark text on the light tint


def test_status_tooltip_explains_the_bands(model: IpttTableModel) -> None:
    tip = model.data(model.index(row_of(model, "1.1"), COL_STATUS), TOOLTIP)
    assert tip.startswith("On track: 90% of the target to date")
    assert "On track 85–115 %" in tip and "Off track < 70 %" in tip


def test_pct_met_tooltip_shows_the_division(model: IpttTableModel) -> None:
    tip = model.data(model.index(row_of(model, "1.1"), COL_TO_DATE_PCT), TOOLTIP)
    assert tip == "Actual 1,800 ÷ target 2,000 × 100"


def test_indicator_tooltip_describes_it(model: IpttTableModel) -> None:
    tip = model.data(model.index(row_of(model, "2.1"), COL_INDICATOR), TOOLTIP)
    assert "2.1 — Water points built" in tip and "cumulative" in tip and "rounded" in tip


def _synthetic(status: Status, thresholds: Thresholds | None = None) -> IpttTable:
    figures = IndicatorFigures(
        (PeriodFigures("2025Q1", 100.0, None, None),),
        Figures(100.0, None, None),
        ToDateFigures(100.0, None, None, None, status),
    )
    row = IpttRow(
        1,
        "X",
        "Synthetic",
        1,
        "R",
        Measure.NUMBER,
        Direction.DECREASE,
        Cumulation.PERIODIC,
        "",
        None,
        figures,
    )
    return IpttTable(
        "P",
        "Programme",
        "2025Q1",
        None,
        None,
        False,
        (parse_period("2025Q1"),),
        (ResultInfo(1, "R", "Result", "Outcome", None, 0),),
        (row,),
        thresholds or Thresholds(),
    )


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_its_label_and_colour(qapp: object, status: Status) -> None:
    model = IpttTableModel()
    model.set_table(_synthetic(status))
    assert text(model, 1, COL_STATUS) == STATUS_STYLES[status].label
    assert background(model, 1, COL_STATUS) == STATUS_STYLES[status].background


def test_labels_are_those_of_the_issue() -> None:
    labels = {s: STATUS_STYLES[s].label for s in Status}
    assert sorted(labels.values()) == sorted(
        ["On track", "At risk", "Off track", "Exceeding", "No target", "No data"]
    )
    colours = [STATUS_STYLES[s].background for s in Status if STATUS_STYLES[s].background]
    assert len(set(colours)) == len(colours)


def test_a_period_with_a_target_but_no_actual_is_grey(qapp: object) -> None:
    model = IpttTableModel()
    model.set_table(_synthetic(Status.NO_DATA))
    assert background(model, 1, period_col(0, PERIOD_PCT)) == STATUS_STYLES[Status.NO_DATA].background


def test_the_programme_thresholds_are_used(qapp: object) -> None:
    model = IpttTableModel()
    model.set_table(_synthetic(Status.ON_TRACK, Thresholds(120.0, 90.0, 60.0)))
    tip = model.data(model.index(1, COL_STATUS), TOOLTIP)
    assert "On track 90–120 %" in tip


# -- formatting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "percent", "expected"),
    [
        (None, False, ""),
        (0.0, False, "0"),
        (-0.001, False, "0"),
        (2.0, False, "2"),
        (1234.5, False, "1,234.5"),
        (1234567.891, False, "1,234,567.89"),
        (0.333333, False, "0.33"),
        (0.1 + 0.2, False, "0.3"),
        (-1500.25, False, "-1,500.25"),
        (86.666666, True, "86.67%"),
        (100.0, True, "100%"),
        (float("nan"), False, ""),
    ],
)
def test_format_number(value: float | None, percent: bool, expected: str) -> None:
    assert format_number(value, percent=percent, locale=EN) == expected


def test_format_number_follows_the_locale() -> None:
    french = QLocale(QLocale.Language.French, QLocale.Country.France)
    assert format_number(1234.5, locale=french) == "1\u202f234,5"

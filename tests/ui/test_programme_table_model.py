# SPDX-License-Identifier: GPL-3.0-or-later
"""ProgrammeTableModel (Programmes screen) and CustomPeriodTableModel (programme dialog), directly."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont

from pmdesk.domain.enums import Frequency
from pmdesk.domain.periods import CustomPeriod
from pmdesk.services.programmes import ProgrammeData, ProgrammeSummary
from pmdesk.ui.context import Services
from pmdesk.ui.programmes.custom_period_table_model import COL_CODE as PERIOD_CODE
from pmdesk.ui.programmes.custom_period_table_model import COL_END, COL_START, CustomPeriodTableModel
from pmdesk.ui.programmes.programme_table_model import (
    COL_CODE,
    COL_DATES,
    COL_FREQUENCY,
    COL_INDICATORS,
    COL_NAME,
    COL_SITES,
    COL_VALUES,
    HEADERS,
    ProgrammeTableModel,
)
from tests.ui.programme_factory import Built

DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole


@pytest.fixture
def rows(services: Services, small: Built) -> list[ProgrammeSummary]:
    services.programmes.create(
        ProgrammeData("AG-02", "Farmers' markets", date(2024, 7, 1), date(2026, 6, 30), Frequency.MONTHLY)
    )
    return services.programmes.list_programmes()


def cell(model: ProgrammeTableModel, code: str, column: int, role: int = DISPLAY) -> object:
    return model.data(model.index(model.row_of(code), column), role)


def test_one_row_per_programme_with_its_facts(qapp: object, rows: list[ProgrammeSummary]) -> None:
    model = ProgrammeTableModel()
    assert model.rowCount() == 0
    model.set_rows(rows)
    assert model.rowCount() == 2 and model.columnCount() == len(HEADERS) == 8
    assert [model.headerData(c, Qt.Orientation.Horizontal, DISPLAY) for c in range(8)] == list(HEADERS)
    assert cell(model, "WASH-T", COL_NAME) == "Clean water for Zinder"
    assert cell(model, "WASH-T", COL_DATES) == "Jan 2025 – Dec 2025"
    assert cell(model, "AG-02", COL_FREQUENCY) == "Monthly"
    assert cell(model, "WASH-T", COL_INDICATORS) == "5"
    assert cell(model, "WASH-T", COL_SITES) == "4"
    assert cell(model, "WASH-T", COL_VALUES) == "11"
    assert cell(model, "AG-02", COL_VALUES) == "0"
    assert "1 Jul 2024 – 30 Jun 2026" in str(cell(model, "AG-02", COL_CODE, Qt.ItemDataRole.ToolTipRole))
    alignment = int(cell(model, "WASH-T", COL_VALUES, Qt.ItemDataRole.TextAlignmentRole))  # type: ignore[call-overload]
    assert alignment & int(Qt.AlignmentFlag.AlignRight)
    assert cell(model, "AG-02", COL_NAME, Qt.ItemDataRole.UserRole) == "AG-02"
    flags = model.flags(model.index(0, COL_NAME))
    assert flags & Qt.ItemFlag.ItemIsSelectable and not flags & Qt.ItemFlag.ItemIsEditable


def test_the_current_programme_is_bold(qapp: object, rows: list[ProgrammeSummary]) -> None:
    model = ProgrammeTableModel()
    model.set_rows(rows)
    assert cell(model, "WASH-T", COL_NAME, Qt.ItemDataRole.FontRole) is None
    model.set_current_code("WASH-T")
    font = cell(model, "WASH-T", COL_NAME, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.bold()
    assert cell(model, "AG-02", COL_NAME, Qt.ItemDataRole.FontRole) is None
    assert "current programme" in str(cell(model, "WASH-T", COL_CODE, Qt.ItemDataRole.ToolTipRole))


def test_sorting_by_numbers_and_dates(qapp: object, rows: list[ProgrammeSummary]) -> None:
    model = ProgrammeTableModel()
    model.set_rows(rows)
    assert [cell_code(model, r) for r in range(2)] == ["AG-02", "WASH-T"]
    model.sort(COL_VALUES, Qt.SortOrder.DescendingOrder)
    assert [cell_code(model, r) for r in range(2)] == ["WASH-T", "AG-02"]
    model.sort(COL_DATES, Qt.SortOrder.AscendingOrder)
    assert [cell_code(model, r) for r in range(2)] == ["AG-02", "WASH-T"]  # July 2024 first
    model.set_rows(rows)  # a reload keeps the chosen order
    assert [cell_code(model, r) for r in range(2)] == ["AG-02", "WASH-T"]


def cell_code(model: ProgrammeTableModel, row: int) -> str:
    programme = model.programme_at(row)
    assert programme is not None
    return programme.code


def test_custom_periods_are_added_edited_and_removed(qapp: object) -> None:
    model = CustomPeriodTableModel()
    model.set_rows([CustomPeriod("BASELINE", date(2025, 1, 1), date(2025, 3, 31))])
    assert model.rowCount() == 1 and model.columnCount() == 3
    assert model.data(model.index(0, COL_START), DISPLAY) == "2025-01-01"
    assert model.data(model.index(0, COL_END), EDIT) == QDate(2025, 3, 31)
    row = model.add_period(date(2030, 1, 1))
    assert row == 1
    # A new period starts the day after the last one ends.
    assert model.periods()[1] == CustomPeriod("", date(2025, 4, 1), date(2025, 4, 1))
    assert model.setData(model.index(1, PERIOD_CODE), " MIDLINE ", EDIT)
    assert model.setData(model.index(1, COL_END), QDate(2025, 9, 30), EDIT)
    assert model.periods()[1] == CustomPeriod("MIDLINE", date(2025, 4, 1), date(2025, 9, 30))
    assert not model.setData(model.index(1, COL_END), "not a date", EDIT)
    assert model.flags(model.index(1, COL_END)) & Qt.ItemFlag.ItemIsEditable
    model.remove_period(0)
    assert [p.code for p in model.periods()] == ["MIDLINE"]
    empty = CustomPeriodTableModel()
    assert empty.add_period(date(2030, 1, 1)) == 0
    assert empty.periods()[0].start == date(2030, 1, 1)

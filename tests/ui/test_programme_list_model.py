# SPDX-License-Identifier: GPL-3.0-or-later
"""ProgrammeListModel over ProgrammeSummary: rows, columns, display, tooltip, set_rows."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from pmdesk.domain.enums import Frequency
from pmdesk.services.programmes import ProgrammeData, ProgrammeSummary
from pmdesk.ui.context import Services
from pmdesk.ui.programmes.programme_list_model import (
    COL_CODE,
    COL_DATES,
    COL_INDICATORS,
    COL_NAME,
    COL_VALUES,
    HEADERS,
    ProgrammeListModel,
)
from tests.ui.programme_factory import Built

DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def rows(services: Services, small: Built) -> list[ProgrammeSummary]:
    services.programmes.create(
        ProgrammeData("AG-02", "Farmers' markets", date(2024, 7, 1), date(2026, 6, 30), Frequency.MONTHLY)
    )
    return services.programmes.list_programmes()


def test_one_row_per_programme(qapp: object, rows: list[ProgrammeSummary]) -> None:
    model = ProgrammeListModel()
    assert model.rowCount() == 0
    model.set_rows(rows)
    assert model.rowCount() == 2
    assert model.columnCount() == len(HEADERS)
    assert [model.data(model.index(r, COL_CODE), DISPLAY) for r in range(2)] == ["AG-02", "WASH-T"]
    assert model.headerData(COL_NAME, Qt.Orientation.Horizontal, DISPLAY) == "Name"


def test_display_values(qapp: object, rows: list[ProgrammeSummary]) -> None:
    model = ProgrammeListModel()
    model.set_rows(rows)
    row = model.row_of("WASH-T")
    assert model.data(model.index(row, COL_NAME), DISPLAY) == "Clean water for Zinder"
    assert model.data(model.index(row, COL_INDICATORS), DISPLAY) == "5"
    assert model.data(model.index(row, COL_VALUES), DISPLAY) == "11"
    assert model.data(model.index(row, COL_DATES), DISPLAY) == "Jan 2025 – Dec 2025"
    assert model.data(model.index(row, COL_CODE), Qt.ItemDataRole.UserRole) == "WASH-T"
    align = model.data(model.index(row, COL_VALUES), Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight


def test_tooltip_summarises_the_programme(qapp: object, rows: list[ProgrammeSummary]) -> None:
    model = ProgrammeListModel()
    model.set_rows(rows)
    tip = model.data(model.index(model.row_of("WASH-T"), COL_NAME), Qt.ItemDataRole.ToolTipRole)
    assert "WASH-T — Clean water for Zinder" in tip
    assert "Donor: Test donor" in tip
    assert "5 indicators · 4 sites · 11 data values" in tip


def test_lookups_and_reset(qapp: object, rows: list[ProgrammeSummary]) -> None:
    model = ProgrammeListModel()
    model.set_rows(rows)
    assert model.row_of("NOPE") == -1
    assert model.programme_at(5) is None
    programme = model.programme_at(model.row_of("AG-02"))
    assert programme is not None and programme.name == "Farmers' markets"
    with_reset: list[bool] = []
    model.modelReset.connect(lambda: with_reset.append(True))
    model.set_rows(rows[:1])
    assert model.rowCount() == 1 and with_reset == [True]
    assert not model.flags(model.index(0, COL_CODE)) & Qt.ItemFlag.ItemIsEditable
    assert model.data(model.index(3, COL_CODE), DISPLAY) is None

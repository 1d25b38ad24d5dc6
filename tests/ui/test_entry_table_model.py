# SPDX-License-Identifier: GPL-3.0-or-later
"""The data-entry grid's table model: rows per indicator and cell, data per role, flags, setData."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon

from pmdesk.domain.enums import ValueStatus
from pmdesk.domain.value_checks import WARNING_TEXT
from pmdesk.storage.database import Database
from pmdesk.ui.context import Services
from pmdesk.ui.entry.entry_cells import (
    COL_CELL,
    COL_COMMENT,
    COL_DENOMINATOR,
    COL_INDICATOR,
    COL_NUMERATOR,
    COL_STATUS,
    COL_TARGET,
    COL_VALUE,
    COL_WARNINGS,
    raw_number,
)
from pmdesk.ui.entry.entry_rows import LOCKED, OPTIONS_HELD, TOTAL_HELD, RowKind
from pmdesk.ui.entry.entry_style import (
    ERROR_COLOUR,
    NOT_SAVED,
    PENDING_COLOUR,
    STATUS_COLOURS,
    WARNING_COLOUR,
)
from pmdesk.ui.entry.entry_table_model import EntryTableModel

P = "WASH-01"
# Rows of WASH-01 for any site and period: framework order puts the Goal's indicator first.
GOAL, TEXT, OUTCOME, FEMALE, MALE, PUPILS_TOTAL, RATIO = range(7)
EDITABLE = Qt.ItemFlag.ItemIsEditable


@pytest.fixture
def wash(db_holds_wash01: None, db: Database) -> Database:
    # db holds small_programme (tests/conftest.py)
    return db


def model_for(services: Services, site: str = "N01", period: str = "2025Q1") -> EntryTableModel:
    model = EntryTableModel()
    model.set_rows(services.entry_grid.grid(P, site, period))
    return model


def text(model: EntryTableModel, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return model.data(model.index(row, column), role)


def editable(model: EntryTableModel, row: int, column: int) -> bool:
    return bool(model.flags(model.index(row, column)) & EDITABLE)


def background(model: EntryTableModel, row: int, column: int) -> str | None:
    colour = model.data(model.index(row, column), Qt.ItemDataRole.BackgroundRole)
    return colour.name() if isinstance(colour, QColor) else None


def test_rows_are_result_headers_then_one_row_per_cell_with_a_total(
    wash: Database, services: Services
) -> None:
    model = model_for(services)
    assert model.rowCount() == 7
    assert model.columnCount() == 9
    kinds = [model.row_at(r).kind for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert kinds == [RowKind.RESULT, RowKind.CELL, RowKind.RESULT] + [RowKind.CELL] * 4
    assert text(model, GOAL, COL_INDICATOR) == "Goal · G"
    assert text(model, GOAL, COL_CELL) == "Healthier children"
    assert [text(model, r, COL_CELL) for r in (FEMALE, MALE, PUPILS_TOTAL)] == ["Female", "Male", "Total"]
    # The indicator is named on its first row only; it spans its three cells.
    assert text(model, FEMALE, COL_INDICATOR) == "1.1 Pupils reached"
    assert text(model, MALE, COL_INDICATOR) == ""
    assert (FEMALE, 3) in model.indicator_spans()
    assert model.result_rows() == [GOAL, OUTCOME]
    assert text(model, RATIO, COL_CELL) == "Total"
    assert text(model, PUPILS_TOTAL, COL_TARGET) == "100"
    assert text(model, RATIO, COL_TARGET) == "60%"
    assert text(model, FEMALE, COL_TARGET) == ""  # the target is the indicator's, on its Total
    assert model.first_row_of("2.1") == RATIO
    assert model.has_percent()
    assert model.headerData(COL_VALUE, Qt.Orientation.Horizontal) == "Value"


def test_values_show_formatted_and_edit_raw(wash: Database, services: Services) -> None:
    services.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=1234.5)
    services.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "M"}, value=10)
    services.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=3, denominator=4)
    services.entry.set_value(P, "3.1", "2025Q1", "N01", text="First line\nsecond line")
    model = model_for(services)
    assert text(model, FEMALE, COL_VALUE) == "1,234.5"
    assert text(model, FEMALE, COL_VALUE, Qt.ItemDataRole.EditRole) == "1234.5"
    assert text(model, PUPILS_TOTAL, COL_VALUE) == "1,244.5"  # computed from the cells above
    assert [text(model, RATIO, c) for c in (COL_VALUE, COL_NUMERATOR, COL_DENOMINATOR)] == ["75%", "3", "4"]
    assert text(model, TEXT, COL_VALUE) == "First line …"
    assert text(model, TEXT, COL_VALUE, Qt.ItemDataRole.EditRole) == "First line\nsecond line"
    assert "second line" in str(text(model, TEXT, COL_VALUE, Qt.ItemDataRole.ToolTipRole))
    assert text(model, FEMALE, COL_STATUS) == "Draft"
    assert model.cell_counts() == (4, 4, 2)  # both cells are over 3 × the target of 100
    assert raw_number(12.0) == "12" and raw_number(0.1) == "0.1" and raw_number(None) == ""


def test_status_and_warnings_are_coloured_and_locked_cells_say_why(
    wash: Database, services: Services
) -> None:
    services.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=400)  # > 3 × 100
    services.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=1, denominator=2)
    services.entry.submit(P, "N01", "2025Q1", unexplained_confirmed="checked")  # flagged on purpose
    services.entry.approve(P, "N01", "2025Q1", ["2.1"])
    model = model_for(services)
    assert text(model, FEMALE, COL_STATUS) == "Submitted"
    assert background(model, FEMALE, COL_STATUS) == STATUS_COLOURS[ValueStatus.SUBMITTED]
    assert text(model, FEMALE, COL_WARNINGS) == "over 3× target"
    assert WARNING_TEXT["over_target"] in str(text(model, FEMALE, COL_WARNINGS, Qt.ItemDataRole.ToolTipRole))
    assert background(model, FEMALE, COL_WARNINGS) == WARNING_COLOUR
    assert "flagged until someone comments" in str(
        text(model, FEMALE, COL_WARNINGS, Qt.ItemDataRole.ToolTipRole)
    )
    assert text(model, RATIO, COL_STATUS) == "Approved"
    assert isinstance(text(model, RATIO, COL_STATUS, Qt.ItemDataRole.DecorationRole), QIcon)
    assert LOCKED in str(text(model, RATIO, COL_NUMERATOR, Qt.ItemDataRole.ToolTipRole))
    assert LOCKED in str(text(model, RATIO, COL_STATUS, Qt.ItemDataRole.ToolTipRole))
    assert not editable(model, RATIO, COL_NUMERATOR)
    assert not editable(model, RATIO, COL_COMMENT)
    assert editable(model, FEMALE, COL_VALUE)  # submitted values may still be corrected
    assert model.status_counts() == {ValueStatus.SUBMITTED: 1, ValueStatus.APPROVED: 1}

    services.entry.set_comment(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, "Campaign week")
    model = model_for(services)
    assert background(model, FEMALE, COL_WARNINGS) is None  # commented: no longer flagged
    assert text(model, FEMALE, COL_COMMENT) == "Campaign week"


def test_flags_read_only_for_headers_computed_and_columns_without_input(
    wash: Database, services: Services
) -> None:
    services.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=4)
    model = model_for(services)
    assert model.flags(model.index(GOAL, COL_VALUE)) == Qt.ItemFlag.NoItemFlags  # arrows skip it
    assert editable(model, FEMALE, COL_VALUE) and editable(model, MALE, COL_VALUE)
    assert not editable(model, PUPILS_TOTAL, COL_VALUE)  # the computed sum
    assert "sum of the values per option" in model.read_only_reason(PUPILS_TOTAL, COL_VALUE)
    assert not editable(model, FEMALE, COL_NUMERATOR)  # not a percent indicator
    assert not editable(model, RATIO, COL_VALUE)  # the % is computed
    assert editable(model, RATIO, COL_NUMERATOR) and editable(model, RATIO, COL_DENOMINATOR)
    assert editable(model, FEMALE, COL_COMMENT)
    assert not editable(model, MALE, COL_COMMENT)  # no value to comment on
    assert "Enter a value first" in str(text(model, MALE, COL_COMMENT, Qt.ItemDataRole.ToolTipRole))
    for column in (COL_INDICATOR, COL_CELL, COL_TARGET, COL_STATUS, COL_WARNINGS):
        assert not editable(model, FEMALE, column)


def test_a_total_without_options_blocks_the_options_and_the_other_way_round(
    wash: Database, services: Services
) -> None:
    services.entry.set_value(P, "1.1", "2025Q1", "N01", value=30)  # an undisaggregated total
    model = model_for(services)
    assert editable(model, PUPILS_TOTAL, COL_VALUE)
    assert text(model, PUPILS_TOTAL, COL_VALUE) == "30"
    assert not editable(model, FEMALE, COL_VALUE)
    assert TOTAL_HELD in str(text(model, FEMALE, COL_VALUE, Qt.ItemDataRole.ToolTipRole))
    assert model.row_at(FEMALE).is_entry_row and not model.row_at(PUPILS_TOTAL).is_entry_row  # type: ignore[union-attr]

    from dataclasses import replace

    data = services.framework.get_indicator(P, "1.1").data
    services.framework.save_indicator(P, replace(data, disaggregations=()), original_code="1.1")
    services.entry.clear_value(P, "1.1", "2025Q1", "N01")
    services.entry.set_value(P, "1.1", "2025Q1", "N02", value=1)
    model = model_for(services, "N01")
    # 1.1 is no longer disaggregated: a single Total row.
    assert [text(model, r, COL_CELL) for r in range(model.rowCount())][3:] == ["Total", "Total"]


def test_cells_no_longer_used_are_read_only_and_block_the_total(wash: Database, services: Services) -> None:
    from dataclasses import replace

    services.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=4)
    data = services.framework.get_indicator(P, "1.1").data
    services.framework.save_indicator(P, replace(data, disaggregations=()), original_code="1.1")
    model = model_for(services)
    total, stray = 3, 4
    assert text(model, stray, COL_CELL) == "Female (no longer used)"
    assert not editable(model, stray, COL_VALUE)
    assert not editable(model, total, COL_VALUE)
    assert OPTIONS_HELD in model.read_only_reason(total, COL_VALUE)
    assert model.row_at(total).span == 2  # type: ignore[union-attr]


def test_set_data_goes_to_the_handler_only_for_editable_cells(wash: Database, services: Services) -> None:
    model = model_for(services)
    calls: list[tuple[int, int, str]] = []

    def handler(row: int, column: int, typed: str) -> bool:
        calls.append((row, column, typed))
        return typed != "bad"

    assert not model.setData(model.index(FEMALE, COL_VALUE), "12")  # no handler yet
    model.set_edit_handler(handler)
    assert model.setData(model.index(FEMALE, COL_VALUE), "12")
    assert not model.setData(model.index(FEMALE, COL_VALUE), "bad")
    assert not model.setData(model.index(PUPILS_TOTAL, COL_STATUS), "x")
    assert not model.setData(model.index(FEMALE, COL_VALUE), "12", Qt.ItemDataRole.DisplayRole)
    assert calls == [(FEMALE, COL_VALUE, "12"), (FEMALE, COL_VALUE, "bad")]


def test_errors_and_unsaved_halves_are_shown_until_a_value_is_applied(
    wash: Database, services: Services
) -> None:
    model = model_for(services)
    model.set_error(FEMALE, COL_VALUE, "value must be a number, not 'abc'", "abc")
    assert background(model, FEMALE, COL_VALUE) == ERROR_COLOUR
    tip = str(text(model, FEMALE, COL_VALUE, Qt.ItemDataRole.ToolTipRole))
    assert "Not saved: value must be a number" in tip and "You typed: abc" in tip
    assert model.errors() == [(FEMALE, COL_VALUE, "value must be a number, not 'abc'")]

    model.set_pending(RATIO, COL_NUMERATOR, "3")
    assert text(model, RATIO, COL_NUMERATOR) == "3"
    assert text(model, RATIO, COL_STATUS) == NOT_SAVED
    assert background(model, RATIO, COL_NUMERATOR) == PENDING_COLOUR
    assert "type the denominator too" in str(text(model, RATIO, COL_DENOMINATOR, Qt.ItemDataRole.ToolTipRole))
    assert model.pending_of(RATIO) == {COL_NUMERATOR: "3"}

    info = services.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=7)
    model.apply_value(model.row_at(FEMALE).key, info)  # type: ignore[union-attr]
    assert model.errors() == []
    assert text(model, FEMALE, COL_VALUE) == "7"
    assert text(model, PUPILS_TOTAL, COL_VALUE) == "7"
    assert not editable(model, PUPILS_TOTAL, COL_VALUE)  # now a computed sum

    ratio = services.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=3, denominator=6)
    model.apply_value(model.row_at(RATIO).key, ratio)  # type: ignore[union-attr]
    assert model.pending_of(RATIO) == {}
    assert text(model, RATIO, COL_VALUE) == "50%"

    model.apply_value(model.row_at(FEMALE).key, None)  # cleared
    assert text(model, FEMALE, COL_VALUE) == ""
    assert editable(model, PUPILS_TOTAL, COL_VALUE)


def test_an_empty_grid_has_no_rows(qapp: object) -> None:
    model = EntryTableModel()
    model.set_rows(None)
    assert model.rowCount() == 0
    assert model.grid is None
    assert model.first_row_of("1.1") == -1

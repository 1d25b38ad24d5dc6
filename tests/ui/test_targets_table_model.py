# SPDX-License-Identifier: GPL-3.0-or-later
"""TargetsTableModel on its own: rows and columns, data per role, flags, setData validation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import ChangeReason
from pmdesk.services.history import HistoryEntry, Reason
from pmdesk.ui.context import Services
from pmdesk.ui.targets.target_lines import TargetEdit, edit_text, lines_of, parse_target
from pmdesk.ui.targets.targets_table_model import (
    COL_INDICATOR,
    COL_UNIT,
    FIRST_PERIOD_COL,
    HAS_HISTORY_ROLE,
    TargetsTableModel,
)
from tests.ui.programme_factory import Built

DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
TIP = Qt.ItemDataRole.ToolTipRole

# WASH-T rows: G1, O1, 1.1, 1.2, OP1, 2.1, 2.2, 2.3 — columns: indicator, unit, Q1..Q4, LoP.
ROW_G1, ROW_O1, ROW_11, ROW_12, ROW_OP1, ROW_21, ROW_22, ROW_23 = range(8)
Q1, Q2, Q3, Q4 = range(FIRST_PERIOD_COL, FIRST_PERIOD_COL + 4)
LOP = FIRST_PERIOD_COL + 4


def _model(services: Services, code: str, site: str | None = None) -> TargetsTableModel:
    model = TargetsTableModel()
    targets = services.targets.list_targets(code, site)
    model.set_rows(
        code,
        lines_of(services.framework.list_results(code), services.framework.list_indicators(code)),
        services.programmes.periods(code),
        targets,
        site_code=site,
        changed=services.history.with_history([t.uuid for t in targets]),
    )
    model.set_history_lookup(services.history.for_entity)
    return model


def _text(model: TargetsTableModel, row: int, column: int, role: int = DISPLAY) -> Any:
    return model.data(model.index(row, column), role)


def test_shape_and_headers(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    assert model.rowCount() == 8
    assert model.columnCount() == FIRST_PERIOD_COL + 4 + 1
    assert model.lop_column == LOP
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Indicator", "Unit", "2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4", "LoP\ntarget"]
    assert "2025Q1" in model.headerData(Q1, Qt.Orientation.Horizontal, TIP)
    assert model.result_rows() == [ROW_G1, ROW_O1, ROW_OP1]
    empty = TargetsTableModel()
    assert (empty.rowCount(), empty.columnCount()) == (0, 0)


def test_result_header_rows_are_shaded_bold_and_not_editable(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    assert _text(model, ROW_O1, COL_INDICATOR) == "Outcome · O1  Improved access to safe water"
    assert _text(model, ROW_O1, Q1) == ""
    assert _text(model, ROW_O1, COL_INDICATOR, Qt.ItemDataRole.BackgroundRole) is not None
    assert _text(model, ROW_O1, COL_INDICATOR, Qt.ItemDataRole.FontRole).bold()
    assert model.flags(model.index(ROW_O1, Q1)) == Qt.ItemFlag.ItemIsEnabled
    assert not model.setData(model.index(ROW_O1, Q1), "5")


def test_indicator_rows_show_targets_unit_and_lop(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    assert _text(model, ROW_11, COL_INDICATOR) == "1.1  People with access to a safe water point"
    assert _text(model, ROW_11, COL_UNIT) == "people"
    assert [_text(model, ROW_11, c) for c in (Q1, Q2, Q3, Q4)] == ["1,000"] * 4
    assert _text(model, ROW_11, Q1, EDIT) == "1000"  # the editor shows the number without separators
    assert _text(model, ROW_11, LOP) == "4,000"  # periodic: sum of the period targets
    assert "sum of the period targets" in _text(model, ROW_11, LOP, TIP)
    assert _text(model, ROW_12, Q2) == "60%"
    assert _text(model, ROW_12, LOP) == "60%"  # percent: the last period's target
    assert _text(model, ROW_21, LOP) == "2,000"  # cumulative: the last period's target
    assert _text(model, ROW_23, Q1) == "10,000"
    assert _text(model, ROW_11, Q1, Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    assert "Target: 1,000 people" in _text(model, ROW_11, Q1, TIP)
    assert "No target yet" in _text(model, ROW_12, Q1, TIP)
    # Read-only columns are shaded, editable ones are not.
    assert _text(model, ROW_11, LOP, Qt.ItemDataRole.BackgroundRole) is not None
    assert _text(model, ROW_11, Q1, Qt.ItemDataRole.BackgroundRole) is None


def test_explicit_lop_target_wins_at_programme_level_only(services: Services, small: Built) -> None:
    from dataclasses import replace

    info = services.framework.get_indicator(small.code, "1.1")
    services.framework.save_indicator(small.code, replace(info.data, lop_target=3500.0), original_code="1.1")
    model = _model(services, small.code)
    assert _text(model, ROW_11, LOP) == "3,500"
    assert "set on the indicator" in _text(model, ROW_11, LOP, TIP)
    site = _model(services, small.code, "S1")
    assert _text(site, ROW_11, LOP) == "2,000"  # four quarters of 500 at this site


def test_qualitative_row_takes_no_targets(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    index = model.index(ROW_22, Q1)
    assert not model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(index) & Qt.ItemFlag.ItemIsSelectable
    assert _text(model, ROW_22, COL_UNIT) == "qualitative"
    assert _text(model, ROW_22, Q1) == ""
    assert _text(model, ROW_22, Q1, Qt.ItemDataRole.BackgroundRole) is not None
    assert "qualitative" in _text(model, ROW_22, Q1, TIP)
    assert not model.setData(index, "5")


def test_flags_of_editable_and_read_only_cells(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    assert model.flags(model.index(ROW_11, Q3)) & Qt.ItemFlag.ItemIsEditable
    for column in (COL_INDICATOR, COL_UNIT, LOP):
        flags = model.flags(model.index(ROW_11, column))
        assert not flags & Qt.ItemFlag.ItemIsEditable
        assert flags & Qt.ItemFlag.ItemIsSelectable


def test_set_data_hands_valid_changes_to_the_screen(qtbot: QtBot, services: Services, small: Built) -> None:
    model = _model(services, small.code)
    with qtbot.waitSignal(model.target_edited) as new:
        assert model.setData(model.index(ROW_12, Q1), "55")
    edit: TargetEdit = new.args[0]
    assert (edit.indicator_code, edit.period, edit.old, edit.new) == ("1.2", "2025Q1", None, 55.0)
    assert not edit.needs_reason
    assert edit.cell == "1.2 · 2025 Q1"
    with qtbot.waitSignal(model.target_edited) as changed:
        assert model.setData(model.index(ROW_11, Q2), "1,250")  # a spreadsheet's thousands separator
    assert (changed.args[0].old, changed.args[0].new, changed.args[0].needs_reason) == (1000.0, 1250.0, True)
    with qtbot.waitSignal(model.target_edited) as cleared:
        assert model.setData(model.index(ROW_11, Q2), "  ")
    assert cleared.args[0].new is None
    # The model shows the saved value only once the screen saved it.
    assert _text(model, ROW_11, Q2) == "1,000"


def test_set_data_refuses_bad_text_and_unchanged_values_emit_nothing(
    qtbot: QtBot, services: Services, small: Built
) -> None:
    model = _model(services, small.code)
    edits: list[TargetEdit] = []
    model.target_edited.connect(edits.append)
    with qtbot.waitSignal(model.edit_refused) as refused:
        assert not model.setData(model.index(ROW_11, Q1), "abc")
    assert refused.args[0] == "1.1 · 2025 Q1: 'abc' is not a number"
    with qtbot.waitSignal(model.edit_refused) as negative:
        assert not model.setData(model.index(ROW_11, Q1), "-5")
    assert "negative" in negative.args[0]
    assert model.setData(model.index(ROW_11, Q1), "1000")  # the saved value: nothing to do
    assert model.setData(model.index(ROW_12, Q1), "")  # no target, none typed
    assert edits == []


def test_parse_target_reads_what_spreadsheets_copy(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    people, percent = model.indicator_at(ROW_11), model.indicator_at(ROW_12)
    assert people is not None and percent is not None
    assert parse_target("1 200", people) == 1200.0
    assert parse_target("12.5", people) == 12.5
    assert parse_target("65%", percent) == 65.0
    assert parse_target("", people) is None
    for bad in ("65%", "nan", "inf", "1..2", "12abc"):
        with pytest.raises(ValueError):
            parse_target(bad, people)
    assert edit_text(1000.0) == "1000"
    assert edit_text(0.1 + 0.2) == repr(0.1 + 0.2)  # never rounded in the editor


def test_apply_saved_updates_the_cell_and_lop(qtbot: QtBot, services: Services, small: Built) -> None:
    model = _model(services, small.code)
    saved = services.targets.set_target(
        small.code, "1.1", "2025Q1", 1500, reason=Reason(ChangeReason.OTHER, "x")
    )
    with qtbot.waitSignal(model.dataChanged):
        model.apply_saved("1.1", "2025Q1", saved, changed=True)
    assert _text(model, ROW_11, Q1) == "1,500"
    assert _text(model, ROW_11, LOP) == "4,500"
    assert _text(model, ROW_11, Q1, HAS_HISTORY_ROLE) is True
    tip = _text(model, ROW_11, Q1, TIP)
    assert "1,000 people → 1,500 people" in tip and "Reason: Other — x" in tip
    model.apply_saved("1.1", "2025Q1", None)
    assert _text(model, ROW_11, Q1) == ""
    assert _text(model, ROW_11, LOP) == "3,000"


def test_history_is_read_only_for_changed_cells_and_once(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    calls: list[str] = []

    def lookup(uuid: str) -> list[HistoryEntry]:
        calls.append(uuid)
        return [
            HistoryEntry(
                datetime(2025, 3, 4, 9, 30),
                "amina",
                "d",
                "target",
                uuid,
                "",
                "value",
                "1000",
                "900",
                "budget_realignment",
                "",
            )
        ]

    model.set_history_lookup(lookup)
    _text(model, ROW_11, Q1, TIP)
    assert calls == []  # not changed: no query
    target = model.saved_target(ROW_11, Q1)
    assert target is not None
    model.set_rows(
        small.code,
        [model.line_at(r) for r in range(model.rowCount())],  # type: ignore[misc]
        model.periods,
        services.targets.list_targets(small.code),
        changed={target.uuid},
    )
    assert _text(model, ROW_11, Q1, HAS_HISTORY_ROLE) is True
    assert _text(model, ROW_11, Q2, HAS_HISTORY_ROLE) is False
    first = _text(model, ROW_11, Q1, TIP)
    _text(model, ROW_11, Q1, TIP)
    assert calls == [target.uuid]
    assert "04 Mar 2025 09:30 UTC by amina: 1,000 people → 900 people" in first
    assert "Reason: Budget realignment" in first


def test_site_level_shows_the_site_targets(services: Services, small: Built) -> None:
    model = _model(services, small.code, "S1")
    assert model.site_code == "S1"
    assert [_text(model, ROW_11, c) for c in (Q1, Q2, Q3, Q4)] == ["500"] * 4
    assert _text(model, ROW_12, Q2) == ""

# SPDX-License-Identifier: GPL-3.0-or-later
"""The framework tree model on its own: shape, data per role, flags, drag and drop, and the dialog models."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import Measure
from pmdesk.services.framework_records import (
    DisaggregationInfo,
    IndicatorData,
    IndicatorInfo,
    OptionData,
    ResultInfo,
)
from pmdesk.ui.framework.framework_dialog_models import (
    OPTION_COL_CODE,
    OPTION_COL_NAME,
    TIER_COL_NAME,
    TIER_COL_RESULTS,
    DisaggregationChoiceModel,
    DisaggregationListModel,
    OptionTableModel,
    TierTableModel,
)
from pmdesk.ui.framework.framework_tree_model import (
    COL_MEASURE,
    COL_TITLE,
    COL_UNIT,
    INDICATOR,
    KEY_ROLE,
    MIME_TYPE,
    RESULT,
    DropPlan,
    FrameworkTreeModel,
    NodeKey,
    decode_key,
)


def result(code: str, tier: str, parent: str | None, depth: int, title: str = "") -> ResultInfo:
    return ResultInfo(0, f"u-{code}", code, title or f"Title of {code}", tier, parent, "", depth)


def indicator(
    code: str, result_code: str, measure: Measure = Measure.NUMBER, values: int = 0
) -> IndicatorInfo:
    data = IndicatorData(code, f"Name of {code}", result_code, measure, unit="people")
    return IndicatorInfo(0, f"u-{code}", data, values)


# G > O1 (1.1, 1.2) > OP1 (2.1) ; G > O2 ; a second top-level result T
RESULTS = [
    result("G", "Goal", None, 0),
    result("O1", "Outcome", "G", 1),
    result("OP1", "Output", "O1", 2),
    result("O2", "Outcome", "G", 1),
    result("T", "Goal", None, 0),
]
INDICATORS = [
    indicator("1.1", "O1", values=3),
    indicator("1.2", "O1", Measure.PERCENT),
    indicator("2.1", "OP1"),
    indicator("9.9", "GONE"),  # an orphan is never shown
]


@pytest.fixture
def model(qtbot: QtBot) -> FrameworkTreeModel:
    m = FrameworkTreeModel()
    m.set_rows(RESULTS, INDICATORS)
    return m


def key_index(model: FrameworkTreeModel, kind: str, code: str, column: int = COL_TITLE) -> QModelIndex:
    index = model.index_of(NodeKey(kind, code), column)
    assert index.isValid(), code
    return index


def mime(kind: str, code: str) -> QMimeData:
    data = QMimeData()
    data.setData(MIME_TYPE, json.dumps({"kind": kind, "code": code}).encode())
    return data


def test_row_count_per_parent(model: FrameworkTreeModel) -> None:
    assert model.rowCount() == 2  # G and T
    assert model.columnCount() == 3
    g = model.index(0, COL_TITLE)
    assert model.key_at(g) == NodeKey(RESULT, "G")
    assert model.rowCount(g) == 2  # O1, O2
    o1 = key_index(model, RESULT, "O1")
    assert model.rowCount(o1) == 3  # 1.1, 1.2 then OP1: indicators come first
    assert [model.key_at(model.index(r, 0, o1)) for r in range(3)] == [
        NodeKey(INDICATOR, "1.1"),
        NodeKey(INDICATOR, "1.2"),
        NodeKey(RESULT, "OP1"),
    ]
    assert model.rowCount(key_index(model, INDICATOR, "1.1")) == 0
    assert model.rowCount(key_index(model, RESULT, "O1", COL_MEASURE)) == 0  # only column 0 has children
    assert model.index_of(NodeKey(INDICATOR, "9.9")).isValid() is False
    assert model.index(5, 0).isValid() is False


def test_parent_links_back(model: FrameworkTreeModel) -> None:
    op1 = key_index(model, RESULT, "OP1")
    assert model.key_at(model.parent(op1)) == NodeKey(RESULT, "O1")
    assert model.key_at(model.parent(model.parent(op1))) == NodeKey(RESULT, "G")
    assert model.parent(key_index(model, RESULT, "G")).isValid() is False
    assert model.parent(key_index(model, INDICATOR, "2.1")) == op1
    assert model.parent() is None  # QObject.parent() still works


def test_data_per_role(model: FrameworkTreeModel) -> None:
    o1 = key_index(model, RESULT, "O1")
    assert model.data(o1) == "Outcome · O1 Title of O1"
    assert model.data(o1, Qt.ItemDataRole.FontRole).bold()
    assert "1 result below" in model.data(o1, Qt.ItemDataRole.ToolTipRole)
    assert "2 indicators" in model.data(o1, Qt.ItemDataRole.ToolTipRole)
    assert model.data(o1.siblingAtColumn(COL_MEASURE)) == ""
    assert model.data(o1, KEY_ROLE) == NodeKey(RESULT, "O1")

    i11 = key_index(model, INDICATOR, "1.1")
    assert model.data(i11) == "1.1 Name of 1.1"
    assert model.data(i11.siblingAtColumn(COL_MEASURE)) == "Number"
    assert model.data(i11.siblingAtColumn(COL_UNIT)) == "people"
    assert "3 data values" in model.data(i11, Qt.ItemDataRole.ToolTipRole)
    assert model.data(key_index(model, INDICATOR, "1.2", COL_MEASURE)) == "Percent"
    assert model.headerData(COL_TITLE, Qt.Orientation.Horizontal) == "Result / indicator"
    assert model.data(QModelIndex()) is None


def test_lookups(model: FrameworkTreeModel) -> None:
    assert [i.data.code for i in model.indicators_of("O1")] == ["1.1", "1.2"]
    assert [r.code for r in model.results_below(None)] == ["G", "T"]
    assert [r.code for r in model.results_below("G")] == ["O1", "O2"]
    assert model.is_below("OP1", "G") and model.is_below("G", "G") and not model.is_below("G", "OP1")
    assert [model.key_at(i).code for i in model.walk()] == ["G", "O1", "1.1", "1.2", "OP1", "2.1", "O2", "T"]


def test_flags_for_drag_and_drop(model: FrameworkTreeModel) -> None:
    result_flags = model.flags(key_index(model, RESULT, "O1"))
    assert result_flags & Qt.ItemFlag.ItemIsDragEnabled
    assert result_flags & Qt.ItemFlag.ItemIsDropEnabled
    assert not result_flags & Qt.ItemFlag.ItemIsEditable
    indicator_flags = model.flags(key_index(model, INDICATOR, "1.1"))
    assert indicator_flags & Qt.ItemFlag.ItemIsDragEnabled
    assert not indicator_flags & Qt.ItemFlag.ItemIsDropEnabled  # nothing goes under an indicator
    assert model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled  # the empty area: top level
    assert model.supportedDropActions() == Qt.DropAction.MoveAction
    assert model.mimeTypes() == [MIME_TYPE]


def test_mime_data_round_trip(model: FrameworkTreeModel) -> None:
    data = model.mimeData([key_index(model, INDICATOR, "1.2"), key_index(model, INDICATOR, "1.2", COL_UNIT)])
    assert decode_key(data) == NodeKey(INDICATOR, "1.2")
    foreign = QMimeData()
    foreign.setText("1.2")
    assert decode_key(foreign) is None
    broken = QMimeData()
    broken.setData(MIME_TYPE, b"{not json")
    assert decode_key(broken) is None


def test_drop_a_result_onto_another_requests_a_move(qtbot: QtBot, model: FrameworkTreeModel) -> None:
    o2 = key_index(model, RESULT, "O2")
    data = mime(RESULT, "OP1")
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, 0, o2)
    with qtbot.waitSignal(model.result_move_requested) as blocker:
        assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, o2)
    assert blocker.args == ["OP1", "O2", 0]


def test_drop_between_rows_reorders(qtbot: QtBot, model: FrameworkTreeModel) -> None:
    g = key_index(model, RESULT, "G")
    # O2 dropped before O1 (row 0 under G): first among G's results.
    assert model.plan_drop(NodeKey(RESULT, "O2"), 0, g) == DropPlan(NodeKey(RESULT, "O2"), "G", 0)
    # O1 dropped after O2 (row 2): the service takes O1 out first, so position 1.
    assert model.plan_drop(NodeKey(RESULT, "O1"), 2, g) == DropPlan(NodeKey(RESULT, "O1"), "G", 1)
    # Rows count the indicators too: OP1 dropped at row 0 of O1 (above its indicators) is position 0.
    o1 = key_index(model, RESULT, "O1")
    assert model.plan_drop(NodeKey(RESULT, "OP1"), 0, o1) == DropPlan(NodeKey(RESULT, "OP1"), "O1", 0)
    # To the top level, between G and T.
    assert model.plan_drop(NodeKey(RESULT, "O2"), 1, QModelIndex()) == DropPlan(
        NodeKey(RESULT, "O2"), None, 1
    )
    with qtbot.waitSignal(model.result_move_requested) as blocker:
        assert model.dropMimeData(mime(RESULT, "O2"), Qt.DropAction.MoveAction, -1, 0, QModelIndex())
    assert blocker.args == ["O2", None, 2]


def test_a_drop_that_would_make_a_cycle_is_refused(qtbot: QtBot, model: FrameworkTreeModel) -> None:
    for target in ("G", "O1", "OP1"):
        parent = key_index(model, RESULT, target)
        assert not model.canDropMimeData(mime(RESULT, "G"), Qt.DropAction.MoveAction, -1, 0, parent)
        assert model.plan_drop(NodeKey(RESULT, "G"), 0, parent) is None
    with qtbot.assertNotEmitted(model.result_move_requested):
        assert not model.dropMimeData(
            mime(RESULT, "O1"), Qt.DropAction.MoveAction, -1, 0, key_index(model, RESULT, "OP1")
        )


def test_indicator_drops(qtbot: QtBot, model: FrameworkTreeModel) -> None:
    o2 = key_index(model, RESULT, "O2")
    with qtbot.waitSignal(model.indicator_move_requested) as blocker:
        assert model.dropMimeData(mime(INDICATOR, "1.1"), Qt.DropAction.MoveAction, -1, 0, o2)
    assert blocker.args == ["1.1", "O2", 0]
    # Not to the top level, not onto another indicator, and a drop on its own result does nothing.
    assert not model.canDropMimeData(mime(INDICATOR, "1.1"), Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    on_indicator = key_index(model, INDICATOR, "2.1")
    assert not model.canDropMimeData(mime(INDICATOR, "1.1"), Qt.DropAction.MoveAction, -1, 0, on_indicator)
    assert not model.canDropMimeData(mime(RESULT, "O2"), Qt.DropAction.MoveAction, -1, 0, on_indicator)
    with qtbot.assertNotEmitted(model.indicator_move_requested):
        assert not model.dropMimeData(
            mime(INDICATOR, "1.1"), Qt.DropAction.MoveAction, -1, 0, key_index(model, RESULT, "O1")
        )
    assert not model.canDropMimeData(mime(INDICATOR, "1.1"), Qt.DropAction.CopyAction, -1, 0, o2)
    assert not model.canDropMimeData(mime(INDICATOR, "nope"), Qt.DropAction.MoveAction, -1, 0, o2)


def test_set_rows_resets(qtbot: QtBot, model: FrameworkTreeModel) -> None:
    with qtbot.waitSignal(model.modelReset):
        model.set_rows([], [])
    assert model.rowCount() == 0
    assert model.index_of(NodeKey(RESULT, "G")).isValid() is False


# -- the dialog models ----------------------------------------------------------------------

SEX = DisaggregationInfo(1, "u1", "SEX", "Sex", (OptionData("F", "Female"), OptionData("M", "Male")))
AGE = DisaggregationInfo(2, "u2", "AGE", "Age group", (OptionData("U18", "Under 18"),))


def test_disaggregation_choice_model_keeps_the_chosen_order(qtbot: QtBot) -> None:
    model = DisaggregationChoiceModel()
    model.set_rows([AGE, SEX], ["SEX"])
    assert model.rowCount() == 2
    assert model.data(model.index(0)) == "Sex (SEX): Female, Male"  # chosen ones first
    assert model.data(model.index(0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.data(model.index(1), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.flags(model.index(1)) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(model.index(1), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.chosen() == ("SEX", "AGE")
    assert model.move(1, -1) == 0
    assert model.chosen() == ("AGE", "SEX")
    assert model.move(0, -1) == 0  # already at the top
    model.set_chosen("SEX", False)
    assert model.chosen() == ("AGE",)


def test_option_table_model_edits_and_fixed_codes(qtbot: QtBot) -> None:
    model = OptionTableModel()
    model.set_rows(SEX.options)
    assert model.rowCount() == 2 and model.columnCount() == 2
    assert model.data(model.index(0, OPTION_COL_CODE)) == "F"
    assert not model.flags(model.index(0, OPTION_COL_CODE)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, OPTION_COL_NAME)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(0, OPTION_COL_CODE), "W")
    assert model.setData(model.index(0, OPTION_COL_NAME), "Women")
    row = model.add_row()
    assert model.flags(model.index(row, OPTION_COL_CODE)) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(model.index(row, OPTION_COL_CODE), " X ")
    assert model.setData(model.index(row, OPTION_COL_NAME), "Another")
    assert model.move(row, -1) == 1
    assert model.options() == [OptionData("F", "Women"), OptionData("X", "Another"), OptionData("M", "Male")]
    model.remove_row(0)
    assert [o.code for o in model.options()] == ["X", "M"]


def test_disaggregation_list_and_tier_models(qtbot: QtBot) -> None:
    listing = DisaggregationListModel()
    listing.set_rows([AGE, SEX])
    assert listing.rowCount() == 2 and listing.row_of("SEX") == 1
    assert listing.data(listing.index(1, 2)) == "Female, Male"
    assert listing.data(listing.index(1, 0), Qt.ItemDataRole.UserRole) == "SEX"

    tiers = TierTableModel()
    tiers.set_rows(["Goal", "Outcome"], [1, 4])
    assert tiers.data(tiers.index(1, TIER_COL_RESULTS)) == "4"
    assert tiers.flags(tiers.index(0, TIER_COL_NAME)) & Qt.ItemFlag.ItemIsEditable
    assert not tiers.flags(tiers.index(0, TIER_COL_RESULTS)) & Qt.ItemFlag.ItemIsEditable
    assert tiers.setData(tiers.index(0, TIER_COL_NAME), "Impact ")
    tiers.add_row("Output")
    assert tiers.data(tiers.index(2, TIER_COL_RESULTS)) == "new"
    assert tiers.names() == ["Impact", "Outcome", "Output"]
    tiers.set_names(["Objective", "Key result"])
    assert tiers.names() == ["Objective", "Key result"] and tiers.results_on(1) == 4
    tiers.remove_last()
    assert tiers.rowCount() == 1


def test_indicator_drops_between_rows_reorder(qtbot: QtBot, model: FrameworkTreeModel) -> None:
    o1 = key_index(model, RESULT, "O1")  # children: 1.1, 1.2, then the result OP1
    with qtbot.waitSignal(model.indicator_move_requested) as blocker:
        assert model.dropMimeData(mime(INDICATOR, "1.2"), Qt.DropAction.MoveAction, 0, 0, o1)
    assert blocker.args == ["1.2", "O1", 0]
    # Below 1.2, or below the results after it: last among O1's indicators, counted without 1.1.
    for row in (2, 3):
        with qtbot.waitSignal(model.indicator_move_requested) as blocker:
            assert model.dropMimeData(mime(INDICATOR, "1.1"), Qt.DropAction.MoveAction, row, 0, o1)
        assert blocker.args == ["1.1", "O1", 1]
    # Where it already is, or onto its own result: nothing to do.
    with qtbot.assertNotEmitted(model.indicator_move_requested):
        assert not model.dropMimeData(mime(INDICATOR, "1.1"), Qt.DropAction.MoveAction, 0, 0, o1)
        assert not model.dropMimeData(mime(INDICATOR, "1.1"), Qt.DropAction.MoveAction, 1, 0, o1)
        assert not model.dropMimeData(mime(INDICATOR, "1.2"), Qt.DropAction.MoveAction, -1, 0, o1)

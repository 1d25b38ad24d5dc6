# SPDX-License-Identifier: GPL-3.0-or-later
"""Planning a paste onto the targets grid and copying cells out of it, without any widget."""

from __future__ import annotations

from pmdesk.ui.context import Services
from pmdesk.ui.targets.target_lines import lines_of
from pmdesk.ui.targets.targets_clipboard import cells_named, copy_text, parse_block, plan_paste, values_named
from pmdesk.ui.targets.targets_table_model import FIRST_PERIOD_COL, TargetsTableModel
from tests.ui.programme_factory import Built

# WASH-T rows: G1, O1, 1.1, 1.2, OP1, 2.1, 2.2, 2.3 — columns: indicator, unit, Q1..Q4, LoP.
ROW_11, ROW_12, ROW_21, ROW_22, ROW_23 = 2, 3, 5, 6, 7
Q1, Q2, Q3, Q4 = range(FIRST_PERIOD_COL, FIRST_PERIOD_COL + 4)


def _model(services: Services, code: str) -> TargetsTableModel:
    model = TargetsTableModel()
    model.set_rows(
        code,
        lines_of(services.framework.list_results(code), services.framework.list_indicators(code)),
        services.programmes.periods(code),
        services.targets.list_targets(code),
    )
    return model


def test_parse_block_reads_spreadsheet_text() -> None:
    assert parse_block("1\t2\r\n3\t4\r\n") == [["1", "2"], ["3", "4"]]
    assert parse_block("5") == [["5"]]
    assert parse_block("1\t\t3\n") == [["1", "", "3"]]


def test_a_block_is_laid_out_from_the_top_left_selected_cell(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    plan = plan_paste(model, parse_block("1100\t\t1300\n61\t62\t63\n"), [(ROW_11, Q2)])
    assert plan.problems == ()
    cells = [(e.indicator_code, e.period, e.old, e.new) for e in plan.edits]
    assert cells == [
        ("1.1", "2025Q2", 1000.0, 1100.0),
        ("1.1", "2025Q4", 1000.0, 1300.0),  # the blank cell left 2025Q3 alone
        ("1.2", "2025Q2", 60.0, 61.0),
        ("1.2", "2025Q3", None, 62.0),
        ("1.2", "2025Q4", None, 63.0),
    ]
    assert len(plan.changing) == 3
    assert cells_named(plan.changing) == "1.1 · 2025 Q2, 1.1 · 2025 Q4, 1.2 · 2025 Q2"
    assert values_named(model, plan.changing, old=True) == "1,000 people, 1,000 people, 60%"


def test_every_bad_cell_is_named(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    plan = plan_paste(model, parse_block("x\t-1\n5\t5\n"), [(ROW_21, Q3)])
    assert plan.problems == (
        "2.1 · 2025 Q3: 'x' is not a number",
        "2.1 · 2025 Q4: a target must not be negative (got -1)",
        "2.2 · 2025 Q3: 2.2 is qualitative: qualitative indicators have no targets",
        "2.2 · 2025 Q4: 2.2 is qualitative: qualitative indicators have no targets",
    )
    too_wide = plan_paste(model, parse_block("1\t2\t3"), [(ROW_23, Q4)])
    assert "2.3 · LoP target" in too_wide.problems[0]
    assert "falls outside the grid" in too_wide.problems[1]


def test_one_value_fills_a_selection(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    selection = [(ROW_12, Q1), (ROW_12, Q3), (ROW_22, Q1), (ROW_23, Q2)]
    plan = plan_paste(model, [["7"]], selection)
    assert plan.problems == ()  # the qualitative cell is skipped, not refused
    assert [(e.indicator_code, e.period, e.new) for e in plan.edits] == [
        ("1.2", "2025Q1", 7.0),
        ("1.2", "2025Q3", 7.0),
        ("2.3", "2025Q2", 7.0),
    ]


def test_copy_gives_plain_numbers_and_blanks(services: Services, small: Built) -> None:
    model = _model(services, small.code)
    assert copy_text(model, [(ROW_11, Q1), (ROW_11, Q2), (ROW_23, Q2)]) == "1000\t1000\n\t\n"
    assert copy_text(model, [(ROW_23, Q1)]) == "10000\n"
    assert copy_text(model, []) == ""

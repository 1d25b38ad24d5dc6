# SPDX-License-Identifier: GPL-3.0-or-later
"""Blocks of targets to and from a spreadsheet's clipboard text (tab-separated cells, one line a row)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt

from pmdesk.ui.targets.target_lines import TargetEdit
from pmdesk.ui.targets.targets_table_model import FIRST_PERIOD_COL, TargetsTableModel

Cell = tuple[int, int]  # (row, column) of the grid

LISTED = 3  # cells named in the reason dialog of a batch; the rest are counted


@dataclass(frozen=True)
class PastePlan:
    """What a paste would change, or why it cannot: every cell is checked before anything is saved."""

    edits: tuple[TargetEdit, ...]
    problems: tuple[str, ...]

    @property
    def changing(self) -> tuple[TargetEdit, ...]:
        """The edits that replace a saved target, and so need a reason."""
        return tuple(e for e in self.edits if e.needs_reason)


def parse_block(text: str) -> list[list[str]]:
    """Rows of cells; the line break a spreadsheet puts after the last row is not an empty row."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
    return [line.split("\t") for line in lines]


def plan_paste(model: TargetsTableModel, block: list[list[str]], selected: Sequence[Cell]) -> PastePlan:
    """The block laid out from the top-left selected cell; a single value onto a selection of
    several cells fills each of them that takes a target, as in a spreadsheet. A blank cell of
    the block leaves its target as it is."""
    if not selected or not block:
        return PastePlan((), ())
    if len(block) == 1 and len(block[0]) == 1 and len(selected) > 1:
        cells = [(row, column, block[0][0]) for row, column in selected if model.is_editable(row, column)]
    else:
        top, left = min(r for r, _ in selected), min(c for _, c in selected)
        cells = [
            (top + r, left + c, raw)
            for r, line in enumerate(block)
            for c, raw in enumerate(line)
            if raw.strip()
        ]
    edits: list[TargetEdit] = []
    problems: list[str] = []
    for row, column, raw in cells:
        if row >= model.rowCount() or column >= model.columnCount():
            size = f"{len(block)} × {max(map(len, block))}"
            problems.append(f"'{raw.strip()}' falls outside the grid (the pasted block is {size})")
            continue
        try:
            edit = model.edit_for(row, column, raw)
        except ValueError as exc:
            problems.append(str(exc))
            continue
        if edit is not None:
            edits.append(edit)
    return PastePlan(tuple(edits), tuple(problems))


def copy_text(model: TargetsTableModel, selected: Sequence[Cell]) -> str:
    """The selected cells as a spreadsheet reads them: targets as plain numbers, names as shown,
    cells inside the bounding box that are not selected left blank."""
    chosen = set(selected)
    rows = sorted({r for r, _ in chosen})
    columns = sorted({c for _, c in chosen})
    lines = []
    for row in rows:
        cells = []
        for column in columns:
            index = model.index(row, column)
            role = Qt.ItemDataRole.EditRole if column >= FIRST_PERIOD_COL else Qt.ItemDataRole.DisplayRole
            value = index.data(role) if (row, column) in chosen else ""
            cells.append(str(value or ""))
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n" if lines else ""


def cells_named(edits: Sequence[TargetEdit]) -> str:
    """'1.1 · 2025 Q2, 1.1 · 2025 Q3, 1.2 · 2025 Q2 and 3 more'"""
    more = f" and {len(edits) - LISTED} more" if len(edits) > LISTED else ""
    return ", ".join(e.cell for e in edits[:LISTED]) + more


def values_named(model: TargetsTableModel, edits: Sequence[TargetEdit], *, old: bool) -> str:
    """The old or new values of the cells `cells_named` names, in the same order."""
    values = [model.format_value(model.row_of(e.indicator_code), e.old if old else e.new) for e in edits]
    more = ", …" if len(values) > LISTED else ""
    return ", ".join(values[:LISTED]) + more

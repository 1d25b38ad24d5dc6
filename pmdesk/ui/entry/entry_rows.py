# SPDX-License-Identifier: GPL-3.0-or-later
"""The rows of the data-entry grid: result headers, then one row per cell of each indicator."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from pmdesk.domain.enums import Measure
from pmdesk.domain.iptt import ratio_percent
from pmdesk.domain.value_rules import is_locked, mix_clash

if TYPE_CHECKING:
    from pmdesk.services.entry_grid import ComboInfo, EntryGrid, GridIndicator
    from pmdesk.services.iptt import ResultInfo
    from pmdesk.services.value_info import ValueInfo

# Why a cell cannot take a value, in the words the tooltip and the message bar use.
TOTAL_HELD = (
    "This site and period already hold an undisaggregated total for this indicator; "
    "clear the Total first to enter values per option"
)
OPTIONS_HELD = (
    "This site and period already hold values per option for this indicator; "
    "clear them first to enter an undisaggregated total"
)
BOTH_HELD = (
    "This site and period hold both an undisaggregated total and values per option (entered before "
    "the rule existed); clear one of them to edit"
)
NO_LONGER_USED = (
    "The indicator no longer uses this disaggregation; the value is kept and counts in the total, "
    "but it cannot be edited here"
)
LOCKED = "Approved — reopen with a reason to edit"


class RowKind(IntEnum):
    RESULT = 0
    CELL = 1


@dataclass(frozen=True)
class Computed:
    """Sums over the values per option of one indicator (the Total row of a disaggregated one)."""

    value: float | None
    numerator: float | None
    denominator: float | None

    @property
    def percent(self) -> float | None:
        return ratio_percent(self.numerator, self.denominator)


@dataclass(frozen=True)
class EntryRow:
    kind: RowKind
    result: ResultInfo | None = None
    indicator: GridIndicator | None = None
    combo: ComboInfo | None = None
    value: ValueInfo | None = None
    is_first: bool = False  # the first row of its indicator, which names it
    span: int = 1  # on the first row: how many rows the indicator has
    is_total: bool = False  # the indicator's Total row
    computed: Computed | None = None  # a Total that sums the values per option (read-only)
    blocked: str = ""  # why the value cannot be edited ('' when it can), besides approval

    @property
    def key(self) -> tuple[int, int]:
        """(indicator id, combo id): stable across reloads of the same site and period."""
        assert self.indicator is not None and self.combo is not None
        return (self.indicator.id, self.combo.combo_id)

    @property
    def measure(self) -> Measure | None:
        return self.indicator.measure if self.indicator is not None else None

    @property
    def is_locked(self) -> bool:
        return self.value is not None and is_locked(self.value.status)

    @property
    def is_entry_row(self) -> bool:
        """A row a block pasted from a spreadsheet fills: the option cells of a disaggregated
        indicator, or the single Total of an undisaggregated one (never a computed Total)."""
        if self.kind is not RowKind.CELL or self.indicator is None or self.combo is None:
            return False
        if self.combo.combo_id not in {c.combo_id for c in self.indicator.combos} and not self.is_total:
            return False  # a cell the indicator no longer uses
        return not (self.is_total and self.indicator.combos)

    @property
    def label(self) -> str:
        """'1.1 · Female', as the status line and the message bar name a cell."""
        if self.indicator is None:
            return self.result.code if self.result is not None else ""
        combo = self.combo.label if self.combo is not None else ""
        return f"{self.indicator.code} · {combo}" if combo else self.indicator.code


def build_rows(grid: EntryGrid | None) -> list[EntryRow]:
    """Result headers (only those with indicators), each followed by its indicators' cell rows."""
    if grid is None:
        return []
    rows: list[EntryRow] = []
    for result in grid.results:
        indicators = grid.indicators_of(result.id)
        if not indicators:
            continue
        rows.append(EntryRow(RowKind.RESULT, result=result))
        for indicator in indicators:
            rows.extend(indicator_rows(indicator))
    known = {r.id for r in grid.results}
    orphans = [i for i in grid.indicators if i.result_id not in known]
    for indicator in orphans:  # cannot happen with a sound framework; never hide data if it does
        rows.extend(indicator_rows(indicator))
    return rows


def indicator_rows(indicator: GridIndicator) -> list[EntryRow]:
    """The rows of one indicator: its option cells, cells no longer used, and its Total."""
    values = indicator.values
    total_id = indicator.total.combo_id
    has_total, has_options = indicator.has_total, indicator.has_options
    cells: list[EntryRow] = []
    stray = [
        EntryRow(
            RowKind.CELL, indicator=indicator, combo=c, value=values.get(c.combo_id), blocked=NO_LONGER_USED
        )
        for c in indicator.stray
    ]
    total_value = values.get(total_id)
    if indicator.combos:
        clash = mix_clash(False, has_total, has_options)
        blocked = BOTH_HELD if has_total and has_options else TOTAL_HELD if clash else ""
        cells = [
            EntryRow(
                RowKind.CELL, indicator=indicator, combo=c, value=values.get(c.combo_id), blocked=blocked
            )
            for c in indicator.combos
        ]
        computed = (
            _sums(indicator)
            if has_options and not has_total and indicator.measure is not Measure.QUALITATIVE
            else None
        )
        total_blocked = BOTH_HELD if has_total and has_options else ""
        cells.extend(stray)
        cells.append(
            EntryRow(
                RowKind.CELL,
                indicator=indicator,
                combo=indicator.total,
                value=total_value,
                is_total=True,
                computed=computed,
                blocked=total_blocked,
            )
        )
    else:
        cells.append(
            EntryRow(
                RowKind.CELL,
                indicator=indicator,
                combo=indicator.total,
                value=total_value,
                is_total=True,
                blocked=OPTIONS_HELD if mix_clash(True, has_total, has_options) else "",
            )
        )
        cells.extend(stray)
    first = cells[0]
    cells[0] = EntryRow(
        first.kind,
        indicator=first.indicator,
        combo=first.combo,
        value=first.value,
        is_first=True,
        span=len(cells),
        is_total=first.is_total,
        computed=first.computed,
        blocked=first.blocked,
    )
    return cells


def _sums(indicator: GridIndicator) -> Computed:
    """Σ over every value per option (cells no longer used too: the IPTT counts them as well)."""
    total_id = indicator.total.combo_id
    parts = [v for cid, v in indicator.values.items() if cid != total_id]
    values = [v.value for v in parts if v.value is not None]
    numerators = [v.numerator for v in parts if v.numerator is not None]
    denominators = [v.denominator for v in parts if v.denominator is not None]
    return Computed(
        sum(values) if values else None,
        sum(numerators) if numerators else None,
        sum(denominators) if denominators else None,
    )

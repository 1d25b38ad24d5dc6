# SPDX-License-Identifier: GPL-3.0-or-later
"""What the targets grid shows and edits, without Qt's model: its lines (result headers and
indicators), a change asked for in one cell, a target typed that is not saved yet, and a typed or
pasted target read as a number."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmdesk.domain.enums import Cumulation, Measure
from pmdesk.domain.framework_rules import target_problem
from pmdesk.ui.formatting import display_locale

if TYPE_CHECKING:
    from pmdesk.services.framework_records import IndicatorInfo, ResultInfo


@dataclass(frozen=True)
class TargetIndicator:
    """What the grid needs of an indicator."""

    code: str
    name: str
    measure: Measure
    cumulation: Cumulation
    unit: str
    lop_target: float | None  # set explicitly on the indicator; None: derived from period targets

    @property
    def is_qualitative(self) -> bool:
        return self.measure is Measure.QUALITATIVE

    @property
    def is_percent(self) -> bool:
        return self.measure is Measure.PERCENT

    @classmethod
    def of(cls, info: IndicatorInfo) -> TargetIndicator:
        d = info.data
        return cls(d.code, d.name, d.measure, d.cumulation, d.unit, d.lop_target)


@dataclass(frozen=True)
class TargetLine:
    """One row: a result header or an indicator."""

    result: ResultInfo | None = None
    indicator: TargetIndicator | None = None


@dataclass(frozen=True)
class TargetEdit:
    """A change the user asked for in one cell; `new` None clears the target."""

    programme_code: str
    site_code: str | None
    indicator_code: str
    period: str
    cell: str  # the cell in words: "1.1 · 2025 Q1"
    old: float | None
    new: float | None

    @property
    def needs_reason(self) -> bool:
        return self.old is not None


@dataclass(frozen=True)
class UnsavedTarget:
    """A target typed that the database did not take yet (locked, disk full)."""

    value: float | None  # None: clearing the target
    typed: str
    reason: str  # why it is not saved, in plain words
    is_transient: bool = False


def lines_of(results: Sequence[ResultInfo], indicators: Sequence[IndicatorInfo]) -> list[TargetLine]:
    """Each result (in framework order) followed by its indicators."""
    by_result: dict[str, list[IndicatorInfo]] = {}
    for info in indicators:
        by_result.setdefault(info.data.result_code, []).append(info)
    lines: list[TargetLine] = []
    for result in results:
        lines.append(TargetLine(result=result))
        lines.extend(TargetLine(indicator=TargetIndicator.of(i)) for i in by_result.pop(result.code, ()))
    for orphans in by_result.values():  # only if a result vanished between two queries
        lines.extend(TargetLine(indicator=TargetIndicator.of(i)) for i in orphans)
    return lines


def parse_target(text: str, indicator: TargetIndicator) -> float | None:
    """The number typed or pasted ('' → None, meaning no target); raises ValueError with the reason.

    Besides plain numbers it reads what a spreadsheet copies: thousands separators of the display
    locale ('1,200'), spaces inside a number, and '%' after a percent target."""
    raw = text.strip()
    if not raw:
        return None
    cleaned = raw.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if indicator.is_percent and cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    try:
        number = float(cleaned)
    except ValueError:
        number, ok = display_locale().toDouble(cleaned)
        if not ok:
            raise ValueError(f"'{raw}' is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"'{raw}' is not a number")
    why = target_problem(number)
    if why is not None:
        raise ValueError(why)
    return number


def edit_text(value: float | None) -> str:
    """A target as the editor shows it: the stored number in full, without separators."""
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)

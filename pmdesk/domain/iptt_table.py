# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT as the services compute it and every IPTT file and screen shows it: frozen rows in
framework order, with their figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from pmdesk.domain.enums import Cumulation, Direction, Measure
from pmdesk.domain.iptt import IndicatorFigures, PeriodReporting, Thresholds, period_reporting
from pmdesk.domain.periods import Period


@dataclass(frozen=True)
class ResultInfo:
    id: int
    code: str
    title: str
    tier: str
    parent_id: int | None
    depth: int


@dataclass(frozen=True)
class IpttRow:
    indicator_id: int
    code: str
    name: str
    result_id: int
    result_code: str
    measure: Measure
    direction: Direction
    cumulation: Cumulation
    unit: str
    baseline: float | None
    figures: IndicatorFigures


@dataclass(frozen=True)
class IpttTable:
    programme_code: str
    programme_name: str
    as_of: str | None
    site_code: str | None
    site_name: str | None
    approved_only: bool
    periods: tuple[Period, ...]  # the periods shown: up to as_of
    results: tuple[ResultInfo, ...]  # in framework order (depth first)
    rows: tuple[IpttRow, ...]  # in framework order, then indicator order
    thresholds: Thresholds
    # Reporting sites (no site below them) in the chosen subtree: those expected to report.
    sites_expected: int = 0
    # Periods (of all, not only those shown) where some indicator is partly reported, with the
    # most sites any partly reported indicator has there: the as-of picker marks them.
    partial_periods: dict[str, int] = field(default_factory=dict)
    default_as_of: str | None = None  # the latest complete period (DESIGN.md §3a)

    def rows_of(self, result_id: int) -> list[IpttRow]:
        return [r for r in self.rows if r.result_id == result_id]

    def reporting(self, period: str) -> PeriodReporting:
        """How far a period shown is reported by the rule of §3a (values present, whatever their
        status), over the indicators that can make it partial: every one but the qualitative."""
        # Each row lists the periods shown, in order: the period's figures are at its place.
        at = next((i for i, p in enumerate(self.periods) if p.code == period), None)
        counts = []
        for row in self.rows:
            if row.measure is Measure.QUALITATIVE:
                continue
            shown = row.figures.periods
            figures = shown[at] if at is not None and at < len(shown) else None
            if figures is None or figures.period != period:
                figures = next((p for p in shown if p.period == period), None)
            if figures is not None:
                counts.append((figures.sites_reported, figures.sites_expected))
        return period_reporting(counts)

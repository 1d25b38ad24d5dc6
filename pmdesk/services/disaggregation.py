# SPDX-License-Identifier: GPL-3.0-or-later
"""Actuals by disaggregation option (Female, Male …) for the as-of period and to date, as the donor
report's indicator sections show them.

One GROUP BY over the programme's values (Σ per indicator, period and option combo); the figures
of each option are then made by the IPTT's own arithmetic (domain/iptt.compute_indicator) from the
values carrying that option, with the indicator's reporting counts, so an option's to-date actual
rests on the same period as the indicator's (DESIGN.md §3a) and nothing is computed twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import Measure
from pmdesk.domain.iptt import IndicatorSpec, PeriodInput, compute_indicator
from pmdesk.domain.iptt_table import IpttRow, IpttTable
from pmdesk.services.lookups import programme_by_code
from pmdesk.storage.models import (
    DataValueRow,
    DisaggregationRow,
    IndicatorDisaggregationRow,
    IndicatorRow,
    OptionComboRow,
    OptionRow,
)

# The label of values entered as one total for a site and period, without options.
NOT_DISAGGREGATED = "Not disaggregated"


@dataclass(frozen=True)
class OptionFigures:
    """One option of one disaggregation of an indicator: its actual in the as-of period and to
    date (None: no figure), unrounded. `option` is NOT_DISAGGREGATED for values entered as totals."""

    disaggregation: str  # the disaggregation's name: 'Sex'
    option: str  # the option's name: 'Female'
    period_actual: float | None
    to_date_actual: float | None


@dataclass(frozen=True)
class IndicatorBreakdown:
    indicator_code: str
    as_of: str | None
    rows: tuple[OptionFigures, ...]  # by disaggregation (the indicator's order), then option order


_Sums = tuple[float | None, float | None, float | None]


class DisaggregationService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def breakdown(self, table: IpttTable) -> dict[str, IndicatorBreakdown]:
        """The actuals by option of every disaggregated number and percent indicator of `table`
        (a whole-programme IPTT, as IpttService.table returns it), by indicator code. Indicators
        without disaggregations, and qualitative ones, are left out."""
        if table.site_code is not None:
            raise ValueError("the breakdown by option is of the programme's figures, not a site's")
        codes = [p.code for p in table.periods]
        rows = {r.indicator_id: r for r in table.rows if r.measure is not Measure.QUALITATIVE}
        if not rows or table.as_of is None:
            return {}
        with self._sessions() as session:
            programme = programme_by_code(session, table.programme_code)
            used = _disaggregations(session, programme.id, set(rows))
            if not used:
                return {}
            options = _options(session, {d for ds in used.values() for d, _ in ds})
            wanted = [i for i in used if i in rows]
            sums: dict[tuple[int, str, str], _Sums] = {}
            shown = set(codes)
            query = (
                select(
                    DataValueRow.indicator_id,
                    DataValueRow.period,
                    OptionComboRow.key,
                    func.sum(DataValueRow.value),
                    func.sum(DataValueRow.numerator),
                    func.sum(DataValueRow.denominator),
                )
                .join(OptionComboRow, OptionComboRow.id == DataValueRow.combo_id)
                .where(DataValueRow.indicator_id.in_(wanted))
                .group_by(DataValueRow.indicator_id, DataValueRow.period, OptionComboRow.key)
            )
            for ind_id, period, key, total, num, den in session.execute(query):
                if period in shown:
                    sums[(ind_id, period, key)] = (total, num, den)
        by_indicator: dict[int, list[tuple[str, str, _Sums]]] = defaultdict(list)
        for (ind_id, period, key), agg in sums.items():
            by_indicator[ind_id].append((period, key, agg))
        out: dict[str, IndicatorBreakdown] = {}
        for ind_id in wanted:
            row = rows[ind_id]
            lines = []
            for disaggregation_id, name in used[ind_id]:
                choices = options.get(disaggregation_id, [])
                ids = {option_id for option_id, _ in choices}
                buckets: dict[int | None, dict[str, _Sums]] = defaultdict(dict)
                for period, key, agg in by_indicator.get(ind_id, []):
                    in_combo = {int(part) for part in key.split(",") if part}
                    hit = next(iter(in_combo & ids), None)  # a combo holds one option of each
                    buckets[hit][period] = _add(buckets[hit].get(period), agg)
                for option_id, option_name in choices:
                    lines.append(_figures(row, codes, table, name, option_name, buckets.get(option_id, {})))
                if None in buckets:
                    lines.append(_figures(row, codes, table, name, NOT_DISAGGREGATED, buckets[None]))
            out[row.code] = IndicatorBreakdown(row.code, table.as_of, tuple(lines))
        return out


def _disaggregations(
    session: Session, programme_id: int, indicator_ids: set[int]
) -> dict[int, list[tuple[int, str]]]:
    """Indicator id → its disaggregations (id, name), in the indicator's order."""
    used: dict[int, list[tuple[int, str]]] = defaultdict(list)
    query = (
        select(IndicatorDisaggregationRow.indicator_id, DisaggregationRow.id, DisaggregationRow.name)
        .join(DisaggregationRow, DisaggregationRow.id == IndicatorDisaggregationRow.disaggregation_id)
        .join(IndicatorRow, IndicatorRow.id == IndicatorDisaggregationRow.indicator_id)
        .where(IndicatorRow.programme_id == programme_id)
        .order_by(IndicatorDisaggregationRow.indicator_id, IndicatorDisaggregationRow.position)
    )
    for ind_id, disaggregation_id, name in session.execute(query):
        if ind_id in indicator_ids:
            used[ind_id].append((disaggregation_id, name))
    return used


def _options(session: Session, disaggregation_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    out: dict[int, list[tuple[int, str]]] = defaultdict(list)
    query = (
        select(OptionRow.disaggregation_id, OptionRow.id, OptionRow.name)
        .where(OptionRow.disaggregation_id.in_(disaggregation_ids))
        .order_by(OptionRow.disaggregation_id, OptionRow.sort_order, OptionRow.id)
    )
    for disaggregation_id, option_id, name in session.execute(query):
        out[disaggregation_id].append((option_id, name))
    return out


def _add(old: _Sums | None, new: _Sums) -> _Sums:
    if old is None:
        return new
    return tuple(  # type: ignore[return-value]
        None if a is None and b is None else (a or 0.0) + (b or 0.0) for a, b in zip(old, new)
    )


def _figures(
    row: IpttRow, codes: list[str], table: IpttTable, disaggregation: str, option: str, sums: dict[str, _Sums]
) -> OptionFigures:
    counts = {p.period: (p.sites_reported, p.sites_expected) for p in row.figures.periods}
    inputs = {}
    for code in codes:
        total, num, den = sums.get(code, (None, None, None))
        reported, expected = counts.get(code, (None, None))
        inputs[code] = PeriodInput(total, num, den, (), None, reported, expected)
    spec = IndicatorSpec(row.measure, row.direction, row.cumulation, row.baseline)
    figures = compute_indicator(spec, codes, inputs, table.as_of, table.thresholds)
    period_actual = figures.periods[-1].actual if figures.periods else None
    return OptionFigures(disaggregation, option, period_actual, figures.to_date.actual)

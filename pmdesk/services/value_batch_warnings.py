# SPDX-License-Identifier: GPL-3.0-or-later
"""The warnings each value of a batch gets, computed in memory: those single-cell data entry would
give it (pmdesk.domain.value_rules.value_warnings: against its period target, as an outlier in
its cell's series, on its site's total), with every figure as it will be after the batch is
written. A million values make a quarter of a million cells, so each cell's series is a list
sorted once for all of its periods, not a dict by period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, MutableMapping, Sequence, Set
from typing import TYPE_CHECKING

from pmdesk.domain.enums import Measure
from pmdesk.domain.iptt import ratio_percent
from pmdesk.domain.value_checks import MIN_HISTORY_FOR_OUTLIERS
from pmdesk.domain.value_rules import judged_on_site_total, value_warnings

if TYPE_CHECKING:
    from pmdesk.services.batch_check import CheckedItem
    from pmdesk.services.value_batch import CellKey, StoredValue

# A cell's series holds the value itself and its history: no fewer than this to flag an outlier.
MIN_SERIES = MIN_HISTORY_FOR_OUTLIERS + 1


def stored_figure(value: float | None, numerator: float | None, denominator: float | None) -> float | None:
    """What the warnings compare of a stored value: its number, or its percentage."""
    return ratio_percent(numerator, denominator) if value is None else value


def batch_warnings(
    items: Sequence[CheckedItem],
    keys: Sequence[CellKey],
    cells: Sequence[Hashable],
    series: MutableMapping[Hashable, list[float]],
    existing: Mapping[CellKey, StoredValue],
    replaced: Set[CellKey],
    programme_targets: Mapping[tuple[int, str], float],
    site_targets: Mapping[tuple[int, str, int], float],
) -> dict[int, str]:
    """{item index: warnings as stored} for the new or replacing `items` (one cell key each) that
    carry any.

    `cells` names each item's cell (its indicator, site and option combo, over all periods) and
    `series` holds, for each of them, the figures stored in its other periods that the batch
    leaves (those it replaces taken out): the batch's figures are added to these lists, which
    then hold the cell's figures as they will be after the write (sorted when long enough to
    judge an outlier). `existing`: the stored values at the batch's places (indicator, period,
    site), `replaced` the keys of those it replaces; the targets by (indicator id, period) and by
    (indicator id, period, site id)."""
    # Every place's total as it will be after the write: the stored values the batch leaves,
    # then the batch's (a cell appears at most once per period in it).
    totals: dict[tuple[int, str, int], float] = defaultdict(float)
    for key, old in existing.items():
        if old.value is not None and key not in replaced:
            totals[key[:3]] += old.value
    number, percent = Measure.NUMBER, Measure.PERCENT
    # Per item: its comparable figure and its cell's figures, in the order of `items`.
    figures: list[float | None] = []
    series_of: list[list[float]] = []
    for item, key, cell in zip(items, keys, cells):
        # What the warnings look at: the number, or the percentage.
        c = item.checked
        measure = item.measure
        if measure is number:
            comparable = c.value
        elif measure is percent:
            comparable = ratio_percent(c.numerator, c.denominator)
        else:
            comparable = None
        figures_of_cell = series[cell]
        if comparable is not None:
            figures_of_cell.append(comparable)
        figures.append(comparable)
        series_of.append(figures_of_cell)
        if c.value is not None:
            totals[key[:3]] += c.value
    # Sorted once per cell, for all of its periods (is_outlier_in_series).
    for figures_of_cell in series.values():
        if len(figures_of_cell) >= MIN_SERIES:
            figures_of_cell.sort()
    out: dict[int, str] = {}
    for item, key, comparable, figures_of_cell in zip(items, keys, figures, series_of):
        if comparable is None:
            continue
        target = site_targets.get(key[:3]) if site_targets else None
        if target is None:
            target = programme_targets.get(key[:2])
        found = value_warnings(
            comparable,
            target,
            series=figures_of_cell,
            site_total=totals[key[:3]] if judged_on_site_total(item.measure, not item.options) else None,
        )
        if found:
            out[item.index] = ",".join(found)
    return out

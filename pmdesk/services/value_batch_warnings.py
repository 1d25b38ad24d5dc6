# SPDX-License-Identifier: GPL-3.0-or-later
"""The warnings each value of a batch gets, computed in memory: those single-cell data entry would
give it (pmdesk.domain.value_rules.value_warnings: against its period target, as an outlier in
its cell's series, on its site's total), with every figure as it will be after the batch is
written. A million values make a quarter of a million cells, so each cell's series is a list
sorted once for all of its periods, not a dict by period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
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


def batch_warnings(
    items: Sequence[CheckedItem],
    keys: Sequence[CellKey],
    existing: Mapping[CellKey, StoredValue],
    replaced: Set[CellKey],
    programme_targets: Mapping[tuple[int, str], float],
    site_targets: Mapping[tuple[int, str, int], float],
) -> dict[int, str]:
    """{item index: warnings as stored} for the new or replacing `items` (one cell key each) that
    carry any. `existing`: the stored values of the batch's cells, `replaced` the keys of those it
    replaces; the targets by (indicator id, period) and by (indicator id, period, site id)."""
    # Every cell's figures over its periods, and every place's total, as they will be after
    # the write: the stored values the batch leaves, then the batch's (a cell appears at most
    # once per period in it). A list per cell, not a dict by period: a million values make a
    # quarter of a million cells.
    cells: dict[tuple[int, int, str], list[float]] = {}
    totals: dict[tuple[int, str, int], float] = defaultdict(float)
    for key, old in existing.items():
        if key in replaced:
            continue
        comparable = ratio_percent(old.numerator, old.denominator) if old.value is None else old.value
        if comparable is not None:
            cells.setdefault((key[0], key[2], key[3]), []).append(comparable)
        if old.value is not None:
            totals[key[:3]] += old.value
    number, percent = Measure.NUMBER, Measure.PERCENT
    # Per item: its comparable figure and its cell's figures, in the order of `items`.
    figures: list[float | None] = []
    series_of: list[list[float]] = []
    for item, key in zip(items, keys):
        # What the warnings look at: the number, or the percentage.
        c = item.checked
        measure = item.measure
        if measure is number:
            comparable = c.value
        elif measure is percent:
            comparable = ratio_percent(c.numerator, c.denominator)
        else:
            comparable = None
        cell = (key[0], key[2], key[3])
        series = cells.get(cell)
        if series is None:
            series = cells[cell] = []
        if comparable is not None:
            series.append(comparable)
        figures.append(comparable)
        series_of.append(series)
        if c.value is not None:
            totals[key[:3]] += c.value
    # Sorted once per cell, for all of its periods (is_outlier_in_series).
    for series in cells.values():
        if len(series) >= MIN_SERIES:
            series.sort()
    out: dict[int, str] = {}
    for item, key, comparable, series in zip(items, keys, figures, series_of):
        if comparable is None:
            continue
        target = site_targets.get(key[:3]) if site_targets else None
        if target is None:
            target = programme_targets.get(key[:2])
        found = value_warnings(
            comparable,
            target,
            series=series,
            site_total=totals[key[:3]] if judged_on_site_total(item.measure, not item.options) else None,
        )
        if found:
            out[item.index] = ",".join(found)
    return out

# SPDX-License-Identifier: GPL-3.0-or-later
"""The rules of a DataValue at its place, for one cell or a million (DESIGN.md §3, §5).

A place is one indicator, period and site; it holds either one undisaggregated total or values
per option, never both. An approved value is locked. A value's warnings look at its own figure
(outlier against the site's history) and, for a count per option, at the site's period total
(more than 3× the period target). Data entry, the bulk writers and the grid all ask these
functions, so the rules and their words are the same whichever way a value arrives.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pmdesk.domain.enums import Measure, ValueStatus
from pmdesk.domain.value_checks import (
    MIN_HISTORY_FOR_OUTLIERS,
    WARNING_OUTLIER,
    WARNING_OVER_TARGET,
    is_on_target,
    is_outlier,
    is_outlier_in_series,
    is_over_target,
)

# What a place already holds that a new value would mix with.
HOLDS_TOTAL = "total"
HOLDS_OPTIONS = "options"


def mix_clash(is_total: bool, has_total: bool, has_options: bool) -> str | None:
    """What a value at a place would be mixed with: HOLDS_OPTIONS for a total where values per
    option are held, HOLDS_TOTAL for a value per option where a total is held, else None."""
    if is_total:
        return HOLDS_OPTIONS if has_options else None
    return HOLDS_TOTAL if has_total else None


def mix_message(clash: str, doing: str = "entering") -> str:
    """Why a value is refused at a place holding the other kind (`doing`: 'entering', 'importing')."""
    if clash == HOLDS_OPTIONS:
        return f"already has values per option; clear them before {doing} an undisaggregated total"
    return f"already has an undisaggregated total; clear it before {doing} values per option"


def batch_mix_message(place_label: str, total_at: str) -> str:
    """A batch that gives one place values per option and a total (found at `total_at`)."""
    return f"{place_label} has values per option and an undisaggregated total (at {total_at}); give one or the other"


def is_locked(status: ValueStatus | str) -> bool:
    """An approved value is locked until it is reopened with a reason."""
    return status == ValueStatus.APPROVED


def locked_message(label: str, doing: str = "editing") -> str:
    """Why a locked value is refused (`doing`: 'editing', 'importing a new value')."""
    return f"{label} is approved and locked; reopen it with a reason before {doing}"


def status_after_change(status: ValueStatus | str) -> str:
    """The status of a value whose figure changes: submitted or returned data goes back to draft."""
    if status in (ValueStatus.SUBMITTED, ValueStatus.RETURNED):
        return ValueStatus.DRAFT.value
    return ValueStatus(status).value


def judged_on_site_total(measure: Measure, is_total: bool) -> bool:
    """Whether the 3× target rule looks at the site's period total rather than the value itself:
    for a count per option, one cell is only part of what the target plans."""
    return measure is Measure.NUMBER and not is_total


def value_warnings(
    comparable: float | None,
    period_target: float | None,
    *,
    history: Sequence[float] = (),
    series: Sequence[float] | None = None,
    site_total: float | None = None,
) -> tuple[str, ...]:
    """The warnings of one value (DESIGN.md §5); they never block saving.

    `comparable` is the number, or the percentage; `history` the site's own figures of the cell in
    its other periods, or `series` (for a batch) that history with the value in it, sorted when it
    is long enough to matter. A value equal to its target is never unusual. `site_total`, given
    when judged_on_site_total, is what the 3× target rule compares instead of the value.
    """
    if comparable is None:
        return ()
    if is_on_target(comparable, period_target):
        outlier = False
    elif series is not None:
        outlier = len(series) > MIN_HISTORY_FOR_OUTLIERS and is_outlier_in_series(comparable, series)
    else:
        outlier = is_outlier(comparable, history)
    over = is_over_target(comparable if site_total is None else site_total, period_target)
    if outlier:
        return (WARNING_OUTLIER, WARNING_OVER_TARGET) if over else (WARNING_OUTLIER,)
    return (WARNING_OVER_TARGET,) if over else ()


def options_problem(indicator: str, uses: Sequence[str], given: Iterable[str]) -> str | None:
    """Why options naming these disaggregations (codes) do not make a cell of an indicator that
    uses `uses`: none at all is its undisaggregated total; otherwise one option for each."""
    given = list(given)
    if not given:
        return None
    unknown = [d for d in given if d not in uses]
    if unknown:
        return f"indicator {indicator} is not disaggregated by '{unknown[0]}' (it uses: {', '.join(uses) or 'none'})"
    missing = [d for d in uses if d not in given]
    if missing:
        return (
            f"indicator {indicator} needs an option for every disaggregation it uses; "
            f"missing '{missing[0]}' (or give no options for an undisaggregated total)"
        )
    return None

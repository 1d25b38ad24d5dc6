# SPDX-License-Identifier: GPL-3.0-or-later
"""Data-quality rules for one reported value (DESIGN.md §5): errors block, warnings never do."""

from __future__ import annotations

import math
import statistics
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from pmdesk.domain.enums import Measure
from pmdesk.domain.numbers import PLAUSIBLE_LIMIT, read_number

OUTLIER_Z = 3.5
OVER_TARGET_FACTOR = 3.0
MIN_HISTORY_FOR_OUTLIERS = 4
MIN_RELATIVE_DEPARTURE = 0.25
MIN_ABSOLUTE_DEPARTURE = 2.0

WARNING_OUTLIER = "outlier"
WARNING_OVER_TARGET = "over_target"


@dataclass(frozen=True)
class CheckedValue:
    """A value that passed the blocking checks, with the warnings it carries."""

    value: float | None
    numerator: float | None
    denominator: float | None
    text: str | None
    warnings: tuple[str, ...] = ()


def parse_number(raw: object, field: str) -> float:
    """A finite, plausible float from user input or a file: typed text is read by
    numbers.read_number ('1,200' and '1 200' are 1200; '3e2' and '1,5' are refused), and a figure
    above numbers.PLAUSIBLE_LIMIT in size is an error."""
    if isinstance(raw, bool):
        raise ValueError(f"{field} must be a number, not {raw!r}")
    if isinstance(raw, int | float):
        try:
            number = float(raw)
        except OverflowError:  # an int of hundreds of digits, e.g. from a JSON file
            raise ValueError(f"{field} must be a finite number; this one is too large") from None
        if not math.isfinite(number):
            raise ValueError(f"{field} must be a finite number, not '{raw}'")
    elif isinstance(raw, str):
        number = read_number(raw, field)
    else:
        raise ValueError(f"{field} must be a number, not {raw!r}")
    return check_plausible(number, field)


def check_plausible(number: float, field: str) -> float:
    """`number`, or ValueError when it is beyond any figure a programme reports (10^12)."""
    if abs(number) > PLAUSIBLE_LIMIT:
        raise ValueError(
            f"{field} {number:,.0f} is beyond any plausible figure (more than 1,000,000,000,000):"
            " check the digits"
        )
    return number


class FieldValueError(ValueError):
    """A ValueError about one named field (value, numerator or denominator)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_whole(
    number: float, field: str, *, allows_decimals: bool, indicator: str = "", unit: str = ""
) -> float:
    """`number`, or FieldValueError when the indicator counts whole things and `number` has a
    fraction (issue #7 §2: 12.5 pupils was saved)."""
    if allows_decimals or float(number).is_integer():
        return number
    who = f"{indicator} counts" if indicator else "this indicator counts"
    what = f"whole {unit.strip()}" if unit.strip() else "in whole numbers"
    figure = f"{number:,.10g}" if field == "value" else f"the {field} {number:,.10g}"
    raise FieldValueError(
        field,
        f"{who} {what}: {figure} is not a whole number (the indicator does not allow decimals;"
        " change that in its reference sheet if it should)",
    )


def check_blocking(
    measure: Measure,
    value: object = None,
    numerator: object = None,
    denominator: object = None,
    text: object = None,
    *,
    allows_decimals: bool = True,
    indicator: str = "",
    unit: str = "",
) -> CheckedValue:
    """Apply the errors of DESIGN.md §5; raises ValueError with a message naming the field.

    `allows_decimals` False: a count (the value, or a percent's numerator and denominator) must be
    a whole number; `indicator` and `unit` name it in the message."""
    if measure is Measure.QUALITATIVE:
        if not isinstance(text, str) or not text.strip():
            raise ValueError("text is required for a qualitative indicator")
        if len(text) > 10_000:
            raise ValueError("text is longer than 10,000 characters")
        return CheckedValue(None, None, None, text.strip())
    if measure is Measure.PERCENT:
        if numerator is None or denominator is None:
            raise ValueError("a percent indicator needs both numerator and denominator")
        num = parse_number(numerator, "numerator")
        den = parse_number(denominator, "denominator")
        if num < 0:
            raise ValueError("numerator must not be negative")
        if den < 0:
            raise ValueError("denominator must not be negative")
        if num > den:
            raise ValueError(f"numerator ({num:g}) is greater than denominator ({den:g})")
        # A percent's unit is '%', not what its numerator and denominator count.
        for field, figure in (("numerator", num), ("denominator", den)):
            check_whole(figure, field, allows_decimals=allows_decimals, indicator=indicator)
        return CheckedValue(None, num, den, None)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("value is required")
    number = parse_number(value, "value")
    if number < 0:
        raise ValueError(f"value must not be negative (got {number:g})")
    check_whole(number, "value", allows_decimals=allows_decimals, indicator=indicator, unit=unit)
    return CheckedValue(number, None, None, None)


def modified_z_score(value: float, history: Sequence[float]) -> float | None:
    """Iglewicz–Hoaglin modified z-score of `value` against `history`; None if history is too thin."""
    if len(history) < MIN_HISTORY_FOR_OUTLIERS:
        return None
    median = statistics.median(history)
    mad = statistics.median(abs(x - median) for x in history)
    if mad == 0:
        # Half the history is identical: fall back to the mean absolute deviation (scaled so that
        # both estimators agree for normal data), as IBM's SPSS documentation recommends.
        mean_ad = statistics.fmean(abs(x - median) for x in history)
        if mean_ad == 0:
            return None if value == median else math.inf
        return (value - median) / (1.253314 * mean_ad)
    return 0.6745 * (value - median) / mad


def is_outlier(value: float, history: Sequence[float]) -> bool:
    """Modified z-score above 3.5 *and* a departure that matters.

    With the four to eight periods a site usually has, the MAD of a steady series is tiny, so the
    bare z-score flags ordinary movements (enrolment 333 against 335–348, a count of 6 against 4s).
    A value must also differ from the site's median by more than MIN_RELATIVE_DEPARTURE of it and
    by more than MIN_ABSOLUTE_DEPARTURE, so warnings stay rare enough to be read.
    """
    if len(history) < MIN_HISTORY_FOR_OUTLIERS:
        return False
    # The departure first: it needs only the median, and most values fail it, which spares them
    # the deviations from the median.
    if not _departs(value, statistics.median(history)):
        return False
    z = modified_z_score(value, history)
    return z is not None and abs(z) > OUTLIER_Z


def _departs(value: float, median: float) -> bool:
    departure = abs(value - median)
    return departure > MIN_RELATIVE_DEPARTURE * abs(median) and departure > MIN_ABSOLUTE_DEPARTURE


def is_outlier_in_series(value: float, ordered: Sequence[float]) -> bool:
    """`is_outlier(value, history)` where `ordered` is the history plus `value` itself, sorted.

    For a batch: a cell's figures over all periods are sorted once, and each of them is checked
    against the others. The median of the others is read off the sorted list without copying it,
    so most values are settled in constant time; the few that depart from it take the full test.
    """
    size = len(ordered) - 1  # the history: `ordered` without one occurrence of `value`
    if size < MIN_HISTORY_FOR_OUTLIERS:
        return False
    at = bisect_left(ordered, value)
    mid = size // 2
    # The history's k-th smallest figure is ordered[k], or ordered[k + 1] past `value`'s place.
    upper = ordered[mid] if mid < at else ordered[mid + 1]
    if size % 2:
        median = upper
    else:
        lower = ordered[mid - 1] if mid - 1 < at else ordered[mid]
        median = (lower + upper) / 2  # as statistics.median computes it
    if not _departs(value, median):
        return False
    return is_outlier(value, [*ordered[:at], *ordered[at + 1 :]])


def is_over_target(comparable: float, period_target: float | None) -> bool:
    """More than OVER_TARGET_FACTOR × a positive period target."""
    if period_target is None or period_target <= 0:
        return False
    limit = OVER_TARGET_FACTOR * period_target
    # isclose: exactly 3× is not "more than"; 3 × 0.3 is 0.8999999999999999 in floats.
    return comparable > limit and not math.isclose(comparable, limit, rel_tol=1e-9)


def is_on_target(comparable: float, period_target: float | None) -> bool:
    """The value is its period target: never unusual, whatever the site's history (issue #7 §2:
    a site that reached its planned figure after quarters of zeros was flagged as an outlier)."""
    return period_target is not None and math.isclose(comparable, period_target, rel_tol=1e-9, abs_tol=1e-9)


def warnings_for(
    comparable: float | None, history: Sequence[float], period_target: float | None
) -> tuple[str, ...]:
    """Warnings for a value (its number, or its percentage): outlier, far above target. A value
    equal to its target gets none."""
    if comparable is None or is_on_target(comparable, period_target):
        return ()
    found: list[str] = []
    if is_outlier(comparable, history):
        found.append(WARNING_OUTLIER)
    if is_over_target(comparable, period_target):
        found.append(WARNING_OVER_TARGET)
    return tuple(found)


WARNING_TEXT = {
    WARNING_OUTLIER: "unusual against this site's own history (modified z-score above 3.5)",
    WARNING_OVER_TARGET: "more than 3× the period target",
}

# SPDX-License-Identifier: GPL-3.0-or-later
"""Triggers (DESIGN.md §4): what a valid trigger is, the figure it looks at in a period, and the
streaks in which it holds.

Pure functions over plain values, so the rule is tested without a database. The alerts service
reads each period's figures through the IPTT service and the arithmetic of `domain/iptt.py`
(period actual, % met, status bands); this module only compares and counts.

The streak rule, decided once:

- A trigger **holds** for an indicator when its condition holds in each of N consecutive periods
  *that have data*. A period without a figure (nothing reported, or no target for `pct_met`) is
  skipped: it neither breaks a streak nor extends it. A period that is only partly reported
  (DESIGN.md §3a) is treated as not having data yet, so it is skipped too until every expected
  site has reported.
- A **streak** is a maximal run of such periods in which the condition holds, N or more long;
  every streak in the history counts, not only the latest one (an alert raised for 2025 stays
  evidence in 2026). A streak is known by its first period: when it grows, it is the same streak.
- `status` is the period's own status band: its actual against its target, with the
  programme's thresholds, as the IPTT colours a period; a period with an actual but no target has
  the status `no_target`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pmdesk.domain.enums import Direction, Status
from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.domain.iptt import Thresholds, status_of
from pmdesk.domain.numbers import read_number


class Metric(StrEnum):
    ACTUAL = "actual"
    PCT_MET = "pct_met"
    STATUS = "status"

    @property
    def label(self) -> str:
        return {"actual": "Actual", "pct_met": "% met", "status": "Status"}[self.value]


class Scope(StrEnum):
    PROGRAMME = "programme"  # the programme total
    SITE = "site"  # each reporting site separately

    @property
    def label(self) -> str:
        return {"programme": "Programme total", "site": "Each site separately"}[self.value]


# As programme packages write them (resources/schemas/programme.schema.json); '=' is read as '=='.
COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")
COMPARISON_ALIASES = {"=": "==", "≤": "<=", "≥": ">=", "≠": "!=", "<>": "!="}
COMPARISON_LABELS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}
STATUS_COMPARISONS = ("==", "!=")
# A period without data is skipped, so `no_data` could never hold: it is not offered.
STATUS_THRESHOLDS = (Status.EXCEEDING, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_TARGET)
MAX_CONSECUTIVE = 1000  # as the package schema allows

Figure = float | Status


def normal_comparison(comparison: str) -> str:
    """'=' → '==', '≤' → '<=' …; anything else as it is (the caller checks it)."""
    text = comparison.strip()
    return COMPARISON_ALIASES.get(text, text)


def metric_problem(metric: object) -> str | None:
    if metric not in {m.value for m in Metric}:
        return f"'{metric}' is not a metric: choose actual, pct_met or status"
    return None


def scope_problem(scope: object) -> str | None:
    if scope not in {s.value for s in Scope}:
        return f"'{scope}' is not a scope: choose programme or site"
    return None


def comparison_problem(metric: str, comparison: object) -> str | None:
    """Why `comparison` cannot compare this metric: a status is equal to a band or not."""
    if not isinstance(comparison, str) or normal_comparison(comparison) not in COMPARISONS:
        return f"'{comparison}' is not a comparison: use one of {', '.join(COMPARISONS)}"
    if metric == Metric.STATUS and normal_comparison(comparison) not in STATUS_COMPARISONS:
        return "a status is compared with == or != only"
    return None


def parse_threshold(metric: str, threshold: object) -> Figure:
    """The threshold as the rule compares it: a number, or for `status` a status name.

    Raises ValueError with the message `threshold_problem` gives.
    """
    if metric == Metric.STATUS:
        text = str(threshold).strip().lower().replace(" ", "_") if isinstance(threshold, str) else None
        names = [s.value for s in STATUS_THRESHOLDS]
        if text not in names:
            if text == Status.NO_DATA:
                raise ValueError(
                    "a period with no data is skipped, so the status 'no_data' never holds; "
                    f"the threshold is one of: {', '.join(names)}"
                )
            raise ValueError(f"for metric 'status' the threshold is one of: {', '.join(names)}")
        return Status(text)
    if isinstance(threshold, bool):
        number = None
    elif isinstance(threshold, int | float):
        number = float(threshold)
    elif isinstance(threshold, str):
        try:
            number = read_number(threshold.strip().removesuffix("%"), "threshold")
        except ValueError:
            number = None
    else:
        number = None
    if number is None or not math.isfinite(number):
        raise ValueError(f"for metric '{metric}' the threshold must be a number, not '{threshold}'")
    return number


def threshold_problem(metric: str, threshold: object) -> str | None:
    try:
        parse_threshold(metric, threshold)
    except ValueError as exc:
        return str(exc)
    return None


def consecutive_problem(periods: object) -> str | None:
    if isinstance(periods, bool) or not isinstance(periods, int) or not 1 <= periods <= MAX_CONSECUTIVE:
        return f"the number of consecutive periods must be a whole number from 1 to {MAX_CONSECUTIVE}, not '{periods}'"
    return None


def subject_problem(indicator: object, result: object) -> str | None:
    """A trigger names one indicator, or every indicator of one result, or (neither) of the programme."""
    if indicator is not None and result is not None:
        return "name an indicator or a result, not both"
    return None


def threshold_text(threshold: Figure) -> str:
    """How a threshold is stored (the trigger_rule.threshold column): '70', '50.5', 'off_track'."""
    if isinstance(threshold, Status):
        return threshold.value
    return str(int(threshold)) if threshold.is_integer() else repr(threshold)


@dataclass(frozen=True)
class TriggerRule:
    """The condition of a trigger, checked: compare the metric of a period with the threshold."""

    metric: Metric
    comparison: str  # one of COMPARISONS
    threshold: Figure
    consecutive_periods: int = 1

    def holds(self, figure: Figure) -> bool:
        """Whether the condition holds for one period's figure."""
        c, t = self.comparison, self.threshold
        if isinstance(t, Status) or isinstance(figure, Status):
            equal = figure == t
            return equal if c == "==" else not equal if c == "!=" else False
        if c == "<":
            return figure < t
        if c == "<=":
            return figure <= t
        if c == ">":
            return figure > t
        if c == ">=":
            return figure >= t
        if c == "==":
            return figure == t
        return figure != t

    def describe(self) -> str:
        """The condition in words: "Actual < 70 for 2 consecutive periods"."""
        if isinstance(self.threshold, Status):
            shown = self.threshold.value.replace("_", " ")
        else:
            shown = threshold_text(self.threshold)
            if self.metric is Metric.PCT_MET:
                shown += " %"
        periods = self.consecutive_periods
        span = "in a period" if periods == 1 else f"for {periods} consecutive periods"
        return f"{self.metric.label} {COMPARISON_LABELS[self.comparison]} {shown} {span}"


def rule_problems(
    metric: object, comparison: object, threshold: object, consecutive_periods: object
) -> list[Problem]:
    """Every problem of a trigger's condition, each naming its field."""
    problems = []
    if (why := metric_problem(metric)) is not None:
        problems.append(Problem("trigger", why, "metric"))
    else:
        assert isinstance(metric, str)
        if (why := comparison_problem(metric, comparison)) is not None:
            problems.append(Problem("trigger", why, "comparison"))
        if (why := threshold_problem(metric, threshold)) is not None:
            problems.append(Problem("trigger", why, "threshold"))
    if (why := consecutive_problem(consecutive_periods)) is not None:
        problems.append(Problem("trigger", why, "consecutive_periods"))
    return problems


def make_rule(
    metric: object, comparison: object, threshold: object, consecutive_periods: object
) -> TriggerRule:
    """The rule, checked; raises ValidationError listing every problem."""
    problems = rule_problems(metric, comparison, threshold, consecutive_periods)
    if problems:
        raise ValidationError(problems)
    assert isinstance(metric, str) and isinstance(comparison, str) and isinstance(consecutive_periods, int)
    return TriggerRule(
        Metric(metric),
        normal_comparison(comparison),
        parse_threshold(metric, threshold),
        consecutive_periods,
    )


@dataclass(frozen=True)
class Reading:
    """One period as a trigger sees it: its figure (None: no data) and whether every site expected
    to report has (a partly reported period does not count yet)."""

    period: str
    figure: Figure | None
    is_complete: bool = True

    @property
    def has_data(self) -> bool:
        return self.figure is not None and self.is_complete


@dataclass(frozen=True)
class Streak:
    """Consecutive periods with data in which the condition held, N or more of them."""

    periods: tuple[str, ...]
    figures: tuple[Figure, ...]

    @property
    def first_period(self) -> str:
        return self.periods[0]


def streaks(rule: TriggerRule, readings: Sequence[Reading]) -> tuple[Streak, ...]:
    """Every streak of `rule` in `readings` (the periods in order), oldest first."""
    found: list[Streak] = []
    run: list[Reading] = []

    def close() -> None:
        if len(run) >= rule.consecutive_periods:
            figures = tuple(r.figure for r in run if r.figure is not None)
            found.append(Streak(tuple(r.period for r in run), figures))
        run.clear()

    for reading in readings:
        if not reading.has_data:
            continue  # no data yet: neither breaks nor extends a streak
        assert reading.figure is not None
        if rule.holds(reading.figure):
            run.append(reading)
        else:
            close()
    close()
    return tuple(found)


def period_figure(
    metric: Metric,
    actual: float | None,
    target: float | None,
    pct_met: float | None,
    direction: Direction,
    thresholds: Thresholds,
) -> Figure | None:
    """The metric of one period from the IPTT's figures for it; None when it has no data."""
    if actual is None:
        return None
    if metric is Metric.ACTUAL:
        return actual
    if metric is Metric.PCT_MET:
        return pct_met
    return status_of(actual, target, direction, thresholds)


def figure_text(metric: Metric, figure: Figure, *, is_percent: bool = False) -> str:
    """A period's figure as alerts show it: '1,204', '64.86 %', 'off track' (two decimals at most);
    `is_percent`: the actual of a percent indicator."""
    if isinstance(figure, Status):
        return figure.value.replace("_", " ")
    shown = f"{figure:,.2f}".rstrip("0").rstrip(".")
    return f"{shown} %" if metric is Metric.PCT_MET or is_percent else shown

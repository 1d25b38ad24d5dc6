# SPDX-License-Identifier: GPL-3.0-or-later
"""The trigger rule of DESIGN.md §4 (pmdesk/domain/triggers.py), table-driven: streak lengths,
gaps in data, partial periods, comparisons, status bands, and the data rules of a trigger."""

from __future__ import annotations

import pytest

from pmdesk.domain.enums import Direction, Status
from pmdesk.domain.errors import ValidationError
from pmdesk.domain.iptt import Thresholds
from pmdesk.domain.triggers import (
    Metric,
    Reading,
    TriggerRule,
    figure_text,
    make_rule,
    parse_threshold,
    period_figure,
    rule_problems,
    streaks,
    threshold_text,
)

Q = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6")
P = "partial"  # a figure in a partly reported period


def readings(*figures: float | str | None) -> list[Reading]:
    """One reading per quarter: a number, None (no data), or (P, number) written as 'P:number'."""
    out = []
    for period, figure in zip(Q, figures):
        if isinstance(figure, str) and figure.startswith("P:"):
            out.append(Reading(period, float(figure[2:]), is_complete=False))
        else:
            out.append(Reading(period, figure if not isinstance(figure, str) else Status(figure)))
    return out


BELOW_70 = {"metric": "actual", "comparison": "<", "threshold": 70}

# (name, N, figures per quarter, the streaks expected as period tuples)
STREAK_CASES = [
    ("seed rule: two consecutive quarters below", 2, (80, 66, 64), [("Q2", "Q3")]),
    ("seed rule: a single dip does not fire", 2, (80, 66, 75, 64), []),
    ("a dip at the very end does not fire", 2, (80, 75, 64), []),
    ("exactly on the threshold does not hold", 2, (70, 70), []),
    ("N = 1: every dip is its own streak", 1, (66, 80, 64), [("Q1",), ("Q3",)]),
    ("a longer streak is one streak", 2, (66, 64, 60, 50), [("Q1", "Q2", "Q3", "Q4")]),
    ("two streaks, broken by a recovery", 2, (66, 64, 80, 60, 50), [("Q1", "Q2"), ("Q4", "Q5")]),
    ("N = 3 needs three", 3, (66, 64, 80, 60, 50, 40), [("Q4", "Q5", "Q6")]),
    ("a period with no data is skipped, not a break", 2, (66, None, 64), [("Q1", "Q3")]),
    ("no data neither extends a streak", 3, (66, None, 64), []),
    ("no data at the start or end changes nothing", 2, (None, 66, 64, None), [("Q2", "Q3")]),
    ("nothing reported at all", 2, (None, None, None), []),
    ("a partial period does not count yet", 2, (80, 66, "P:50"), []),
    ("a partial period is skipped inside a streak", 2, (66, "P:90", 64), [("Q1", "Q3")]),
    ("a partial period that holds does not count", 3, (66, "P:50", 64), []),
    ("once complete it counts", 2, (80, 66, 50), [("Q2", "Q3")]),
]


@pytest.mark.parametrize(("name", "n", "figures", "expected"), STREAK_CASES, ids=[c[0] for c in STREAK_CASES])
def test_streaks(
    name: str, n: int, figures: tuple[float | str | None, ...], expected: list[tuple[str, ...]]
) -> None:
    rule = make_rule(BELOW_70["metric"], BELOW_70["comparison"], BELOW_70["threshold"], n)
    found = streaks(rule, readings(*figures))
    assert [s.periods for s in found] == expected
    for streak in found:
        assert streak.first_period == streak.periods[0]
        assert all(isinstance(f, float | int) and f < 70 for f in streak.figures)


COMPARISON_CASES = [
    ("<", 69.99, True),
    ("<", 70, False),
    ("<=", 70, True),
    ("<=", 70.01, False),
    (">", 70.01, True),
    (">", 70, False),
    (">=", 70, True),
    (">=", 69.9, False),
    ("==", 70, True),
    ("=", 70, True),
    ("==", 70.5, False),
    ("!=", 70.5, True),
    ("!=", 70, False),
    ("≤", 70, True),
]


@pytest.mark.parametrize(("comparison", "figure", "holds"), COMPARISON_CASES)
def test_comparisons(comparison: str, figure: float, holds: bool) -> None:
    rule = make_rule("pct_met", comparison, "70", 1)
    assert rule.holds(figure) is holds


STATUS_CASES = [
    ("==", "off_track", Status.OFF_TRACK, True),
    ("==", "off_track", Status.AT_RISK, False),
    ("!=", "on_track", Status.AT_RISK, True),
    ("!=", "on_track", Status.ON_TRACK, False),
    ("=", "Off track", Status.OFF_TRACK, True),
    ("==", "no_target", Status.NO_TARGET, True),
]


@pytest.mark.parametrize(("comparison", "threshold", "figure", "holds"), STATUS_CASES)
def test_status_comparisons(comparison: str, threshold: str, figure: Status, holds: bool) -> None:
    assert make_rule("status", comparison, threshold, 1).holds(figure) is holds


def test_status_streak_over_bands() -> None:
    rule = make_rule("status", "==", "off_track", 2)
    found = streaks(rule, readings("off_track", "off_track", "at_risk", "off_track", None, "off_track"))
    assert [s.periods for s in found] == [("Q1", "Q2"), ("Q4", "Q6")]
    assert found[0].figures == (Status.OFF_TRACK, Status.OFF_TRACK)


PERIOD_FIGURE_CASES = [
    # metric, actual, target, pct_met, direction, expected
    (Metric.ACTUAL, 65.0, 80.0, 81.25, Direction.INCREASE, 65.0),
    (Metric.ACTUAL, None, 80.0, None, Direction.INCREASE, None),
    (Metric.PCT_MET, 65.0, 80.0, 81.25, Direction.INCREASE, 81.25),
    (Metric.PCT_MET, 65.0, None, None, Direction.INCREASE, None),  # no target: no data for % met
    (Metric.STATUS, 65.0, 100.0, 65.0, Direction.INCREASE, Status.OFF_TRACK),
    (Metric.STATUS, 80.0, 100.0, 80.0, Direction.INCREASE, Status.AT_RISK),
    (Metric.STATUS, 120.0, 100.0, 120.0, Direction.DECREASE, Status.AT_RISK),  # 83.3 % met
    (Metric.STATUS, 65.0, None, None, Direction.INCREASE, Status.NO_TARGET),
    (Metric.STATUS, None, 100.0, None, Direction.INCREASE, None),  # no actual: no data, not no_data
]


@pytest.mark.parametrize(("metric", "actual", "target", "met", "direction", "expected"), PERIOD_FIGURE_CASES)
def test_period_figure_reuses_the_iptt_bands(
    metric: Metric,
    actual: float | None,
    target: float | None,
    met: float | None,
    direction: Direction,
    expected: float | Status | None,
) -> None:
    assert period_figure(metric, actual, target, met, direction, Thresholds()) == expected


def test_status_follows_the_programme_thresholds() -> None:
    strict = Thresholds(exceeding=120, on_track=95, at_risk=90)
    assert period_figure(Metric.STATUS, 92.0, 100.0, 92.0, Direction.INCREASE, strict) is Status.AT_RISK
    assert period_figure(Metric.STATUS, 80.0, 100.0, 80.0, Direction.INCREASE, strict) is Status.OFF_TRACK


PROBLEM_CASES = [
    # metric, comparison, threshold, N, field, words in the message
    ("speed", "<", 70, 2, "metric", "is not a metric"),
    ("actual", "~", 70, 2, "comparison", "is not a comparison"),
    ("status", "<", "off_track", 2, "comparison", "== or != only"),
    ("actual", "<", "seventy", 2, "threshold", "must be a number"),
    ("actual", "<", True, 2, "threshold", "must be a number"),
    ("pct_met", "<", "nan", 2, "threshold", "must be a number"),
    ("status", "==", "bad", 2, "threshold", "the threshold is one of: exceeding"),
    ("status", "==", "no_data", 2, "threshold", "never holds"),
    ("status", "==", 70, 2, "threshold", "the threshold is one of"),
    ("actual", "<", 70, 0, "consecutive_periods", "from 1 to 1000"),
    ("actual", "<", 70, 1001, "consecutive_periods", "from 1 to 1000"),
    ("actual", "<", 70, 2.5, "consecutive_periods", "whole number"),
]


@pytest.mark.parametrize(("metric", "comparison", "threshold", "n", "field", "words"), PROBLEM_CASES)
def test_rule_problems_name_the_field(
    metric: str, comparison: str, threshold: object, n: object, field: str, words: str
) -> None:
    (problem,) = rule_problems(metric, comparison, threshold, n)
    assert problem.field == field
    assert words in problem.message
    with pytest.raises(ValidationError, match=field):
        make_rule(metric, comparison, threshold, n)


@pytest.mark.parametrize(
    ("metric", "typed", "parsed", "stored"),
    [
        ("actual", 70, 70.0, "70"),
        ("actual", "1,200", 1200.0, "1200"),
        ("pct_met", "50.5", 50.5, "50.5"),
        ("pct_met", "85 %", 85.0, "85"),
        ("status", " Off track ", Status.OFF_TRACK, "off_track"),
    ],
)
def test_thresholds_are_read_as_typed_and_stored_plainly(
    metric: str, typed: object, parsed: float | Status, stored: str
) -> None:
    assert parse_threshold(metric, typed) == parsed
    assert threshold_text(parse_threshold(metric, typed)) == stored
    assert parse_threshold(metric, stored) == parsed  # what is stored reads back the same


def test_rule_in_words_and_figures() -> None:
    assert make_rule("actual", "<", 70, 2).describe() == "Actual < 70 for 2 consecutive periods"
    assert make_rule("pct_met", ">=", "50.5", 1).describe() == "% met ≥ 50.5 % in a period"
    assert (
        make_rule("status", "=", "off_track", 3).describe() == "Status = off track for 3 consecutive periods"
    )
    assert figure_text(Metric.ACTUAL, 64.86486) == "64.86"
    assert figure_text(Metric.ACTUAL, 64.86486, is_percent=True) == "64.86 %"
    assert figure_text(Metric.ACTUAL, 1200.0) == "1,200"
    assert figure_text(Metric.PCT_MET, 81.081) == "81.08 %"
    assert figure_text(Metric.STATUS, Status.AT_RISK) == "at risk"


def test_rule_is_a_value() -> None:
    assert make_rule("actual", "=", "70", 2) == TriggerRule(Metric.ACTUAL, "==", 70.0, 2)

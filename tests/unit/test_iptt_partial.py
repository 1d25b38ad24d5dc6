# SPDX-License-Identifier: GPL-3.0-or-later
"""Partial reporting in the IPTT arithmetic (DESIGN.md §3a): completeness, default as-of, partial marks."""

from __future__ import annotations

from typing import ClassVar

import pytest

from pmdesk.domain.enums import Cumulation, Direction, Measure, Status
from pmdesk.domain.iptt import (
    IndicatorSpec,
    PeriodInput,
    compute_indicator,
    is_completely_reported,
    is_partly_reported,
    latest_complete_period,
    period_reporting,
)

QUARTERS = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]


def spec(measure: Measure = Measure.NUMBER, cumulation: Cumulation = Cumulation.PERIODIC) -> IndicatorSpec:
    return IndicatorSpec(measure, Direction.INCREASE, cumulation)


@pytest.mark.parametrize(
    ("reported", "expected", "partly", "complete"),
    [
        (1, 11, True, False),
        (11, 11, False, True),
        (0, 11, False, False),  # nobody reported: no actual, not a partial one
        (None, None, False, True),  # counts unknown: taken as complete
        (0, 0, False, True),
    ],
)
def test_partly_and_completely_reported(
    reported: int | None, expected: int | None, partly: bool, complete: bool
) -> None:
    assert is_partly_reported(reported, expected) is partly
    assert is_completely_reported(reported, expected) is complete


class TestLatestCompletePeriod:
    def test_one_school_of_eleven_in_q3_keeps_the_default_at_q2(self) -> None:
        reporting = {
            "2026Q1": [(11, 11), (11, 11)],
            "2026Q2": [(11, 11), (11, 11)],
            "2026Q3": [(1, 11), (1, 11)],
        }
        assert latest_complete_period(QUARTERS, reporting) == "2026Q2"

    def test_an_indicator_nobody_reported_does_not_make_a_period_partial(self) -> None:
        reporting = {"2026Q1": [(11, 11)], "2026Q2": [(11, 11), (0, 11)]}
        assert latest_complete_period(QUARTERS, reporting) == "2026Q2"

    def test_without_a_complete_period_the_latest_with_data(self) -> None:
        reporting = {"2026Q1": [(3, 11)], "2026Q2": [(5, 11)]}
        assert latest_complete_period(QUARTERS, reporting) == "2026Q2"

    def test_no_data(self) -> None:
        assert latest_complete_period(QUARTERS, {}) is None


class TestRunningTotalAndPercent:
    # G.2 pupils enrolled: a running total. Q3 holds one school of eleven.
    INPUTS: ClassVar[dict[str, PeriodInput]] = {
        "2026Q1": PeriodInput(total=5000, target=5000, sites_reported=11, sites_expected=11),
        "2026Q2": PeriodInput(total=5400, target=5400, sites_reported=11, sites_expected=11),
        "2026Q3": PeriodInput(total=680, target=5550, sites_reported=1, sites_expected=11),
    }

    def test_to_date_rests_on_the_latest_complete_period_with_its_own_target(self) -> None:
        figures = compute_indicator(
            spec(cumulation=Cumulation.RUNNING_TOTAL), QUARTERS, self.INPUTS, "2026Q3"
        )
        to_date = figures.to_date
        assert (to_date.actual, to_date.target, to_date.period) == (5400, 5400, "2026Q2")
        assert to_date.status is Status.ON_TRACK
        assert to_date.partial is False
        assert figures.lop.actual == 5400

    def test_period_rows_carry_the_reporting_rate_and_partial_flag(self) -> None:
        figures = compute_indicator(
            spec(cumulation=Cumulation.RUNNING_TOTAL), QUARTERS, self.INPUTS, "2026Q3"
        )
        assert [(p.sites_reported, p.sites_expected) for p in figures.periods] == [
            (11, 11),
            (11, 11),
            (1, 11),
        ]
        assert [p.is_partial for p in figures.periods] == [False, False, True]
        assert figures.periods[2].actual == 680  # the period shows what was reported, marked partial

    def test_with_no_complete_period_the_latest_value_marked_partial(self) -> None:
        inputs = {
            "2026Q1": PeriodInput(
                numerator=3, denominator=10, target=50, sites_reported=2, sites_expected=11
            ),
            "2026Q2": PeriodInput(
                numerator=6, denominator=10, target=60, sites_reported=4, sites_expected=11
            ),
            "2026Q3": PeriodInput(target=70, sites_reported=0, sites_expected=11),
        }
        to_date = compute_indicator(spec(Measure.PERCENT), QUARTERS, inputs, "2026Q3").to_date
        assert (to_date.actual, to_date.target, to_date.period) == (60.0, 60, "2026Q2")
        assert (to_date.partial, to_date.sites_reported, to_date.sites_expected) == (True, 4, 11)


class TestSums:
    @pytest.mark.parametrize("cumulation", [Cumulation.PERIODIC, Cumulation.CUMULATIVE])
    def test_a_sum_over_a_partly_reported_period_is_partial(self, cumulation: Cumulation) -> None:
        inputs = {
            "2026Q1": PeriodInput(total=100, target=100, sites_reported=11, sites_expected=11),
            "2026Q2": PeriodInput(total=9, target=100, sites_reported=1, sites_expected=11),
        }
        to_date = compute_indicator(spec(cumulation=cumulation), QUARTERS, inputs, "2026Q2").to_date
        assert to_date.actual == 109
        assert (to_date.partial, to_date.sites_reported, to_date.sites_expected) == (True, 1, 11)
        as_of_q1 = compute_indicator(spec(cumulation=cumulation), QUARTERS, inputs, "2026Q1").to_date
        assert as_of_q1.partial is False

    def test_a_period_nobody_reported_is_not_partial(self) -> None:
        inputs = {
            "2026Q1": PeriodInput(total=100, target=100, sites_reported=11, sites_expected=11),
            "2026Q2": PeriodInput(target=100, sites_reported=0, sites_expected=11),
        }
        to_date = compute_indicator(spec(), QUARTERS, inputs, "2026Q2").to_date
        assert to_date.partial is False


def test_a_periods_reporting_counts_the_indicators_with_values_as_the_default_as_of_does() -> None:
    """The rate the Dashboard shows is 100 % exactly when `latest_complete_period` takes the
    period as complete: indicators nobody reported do not count, unknown counts are complete."""
    full = period_reporting([(11, 11), (11, 11), (0, 11), (None, None)])
    assert (full.indicators, full.complete, full.reported, full.expected) == (2, 2, 22, 22)
    assert full.rate == 100.0 and full.is_complete
    assert latest_complete_period(["2026Q1"], {"2026Q1": [(11, 11), (11, 11), (0, 11)]}) == "2026Q1"

    partly = period_reporting([(11, 11), (1, 11)])
    assert (partly.indicators, partly.complete, partly.reported, partly.expected) == (2, 1, 12, 22)
    assert partly.rate == pytest.approx(100 * 12 / 22) and not partly.is_complete

    nobody = period_reporting([(0, 11), (None, 11)])
    assert (nobody.indicators, nobody.rate, nobody.is_complete) == (0, None, False)
    unknown = period_reporting([(3, None)])
    assert (unknown.rate, unknown.is_complete) == (100.0, True)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT arithmetic of DESIGN.md §3, one test (or table) per rule."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any, ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmdesk.domain.enums import Cumulation, Direction, Measure, Status
from pmdesk.domain.iptt import (
    Figures,
    IndicatorFigures,
    IndicatorSpec,
    PeriodInput,
    Thresholds,
    compute_indicator,
    pct_met,
    progress_from_baseline,
    ratio_percent,
    raw_period_actual,
    status_of,
)

NUMBER, PERCENT, QUALITATIVE = Measure.NUMBER, Measure.PERCENT, Measure.QUALITATIVE
INCREASE, DECREASE, NONE = Direction.INCREASE, Direction.DECREASE, Direction.NONE
PERIODIC, CUMULATIVE, RUNNING = Cumulation.PERIODIC, Cumulation.CUMULATIVE, Cumulation.RUNNING_TOTAL

QUARTERS = ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]
DEFAULT = Thresholds()


def spec(
    measure: Measure = NUMBER,
    direction: Direction = INCREASE,
    cumulation: Cumulation = PERIODIC,
    baseline: float | None = None,
    lop_target: float | None = None,
) -> IndicatorSpec:
    return IndicatorSpec(measure, direction, cumulation, baseline, lop_target)


def numbers(totals: list[float | None], targets: list[float | None]) -> dict[str, PeriodInput]:
    """Number inputs per quarter; a None total means nothing was reported."""
    return {p: PeriodInput(total=v, target=t) for p, v, t in zip(QUARTERS, totals, targets)}


def run(
    s: IndicatorSpec,
    inputs: dict[str, PeriodInput],
    as_of: str | None = None,
    thresholds: Thresholds = DEFAULT,
) -> IndicatorFigures:
    return compute_indicator(s, QUARTERS, inputs, as_of, thresholds)


def approx_list(values: list[float | None]) -> list[Any]:
    return [None if v is None else pytest.approx(v) for v in values]


def approx_or_none(value: float | None) -> Any:
    return None if value is None else pytest.approx(value)


# ---------------------------------------------------------------------------------------------------
# Per period (over sites and option combos)
# ---------------------------------------------------------------------------------------------------


class TestPeriodActual:
    def test_number_is_the_summed_total(self) -> None:
        assert raw_period_actual(NUMBER, PeriodInput(total=42.5)) == 42.5

    def test_number_without_report_has_no_actual(self) -> None:
        assert raw_period_actual(NUMBER, PeriodInput(target=10)) is None

    def test_number_zero_is_an_actual(self) -> None:
        assert raw_period_actual(NUMBER, PeriodInput(total=0)) == 0

    def test_percent_is_ratio_of_sums(self) -> None:
        assert raw_period_actual(PERCENT, PeriodInput(numerator=19, denominator=110)) == pytest.approx(
            1900 / 110
        )

    def test_percent_ignores_total(self) -> None:
        assert raw_period_actual(PERCENT, PeriodInput(total=50)) is None

    def test_qualitative_has_no_figure(self) -> None:
        assert raw_period_actual(QUALITATIVE, PeriodInput(total=3, texts=("done",))) is None

    @pytest.mark.parametrize(
        ("numerator", "denominator", "expected"),
        [
            (1, 4, 25.0),
            (0, 4, 0.0),
            (4, 4, 100.0),
            (1, 3, 100 / 3),
            (19, 110, 1900 / 110),
            (0, 0, None),  # Σdenominator = 0 → no actual
            (5, 0, None),
            (None, 4, None),
            (3, None, None),
            (None, None, None),
        ],
    )
    def test_ratio_percent(
        self, numerator: float | None, denominator: float | None, expected: float | None
    ) -> None:
        assert ratio_percent(numerator, denominator) == approx_or_none(expected)

    def test_percent_is_not_the_mean_of_site_percentages(self) -> None:
        # Site A: 9 of 10 (90 %); site B: 10 of 100 (10 %). The mean of percents is 50 %;
        # the indicator's actual is 19 of 110.
        sites = [(9, 10), (10, 100)]
        mean_of_percents = sum(100 * n / d for n, d in sites) / len(sites)
        data = PeriodInput(numerator=sum(n for n, _ in sites), denominator=sum(d for _, d in sites))
        row = compute_indicator(spec(PERCENT), ["2026Q1"], {"2026Q1": data}, None).periods[0]
        assert mean_of_percents == pytest.approx(50.0)
        assert row.actual == pytest.approx(100 * 19 / 110)
        assert row.actual != pytest.approx(mean_of_percents)

    def test_percent_zero_denominator_is_no_data(self) -> None:
        inputs = {"2026Q1": PeriodInput(numerator=0, denominator=0, target=80)}
        figures = compute_indicator(spec(PERCENT), ["2026Q1"], inputs, None)
        assert figures.periods[0].actual is None
        assert figures.periods[0].pct_met is None
        assert figures.to_date.actual is None
        assert figures.to_date.status is Status.NO_DATA

    def test_nothing_is_rounded(self) -> None:
        inputs = {"2026Q1": PeriodInput(numerator=1, denominator=3, target=50)}
        row = compute_indicator(spec(PERCENT), ["2026Q1"], inputs, None).periods[0]
        assert row.actual == 100.0 / 3
        assert row.pct_met == 100.0 * (100.0 / 3) / 50


# ---------------------------------------------------------------------------------------------------
# Over time: cumulation × measure × direction
# ---------------------------------------------------------------------------------------------------

NUMBER_TOTALS: list[float | None] = [8, None, 25, None]
NUMBER_TARGETS: list[float | None] = [10, 20, 40, 50]
PERCENT_INPUTS = {
    "2026Q1": PeriodInput(numerator=30, denominator=60, target=40),  # 50 %
    "2026Q2": PeriodInput(target=50),  # nothing reported
    "2026Q3": PeriodInput(numerator=45, denominator=60, target=60),  # 75 %
    "2026Q4": PeriodInput(target=80),  # nothing reported
}
PERCENT_EXPECTED = {
    # percent indicators behave as running_total whatever their cumulation field
    "targets": [40, 50, 60, 80],
    "actuals": [50, None, 75, None],
    "pct": {"inc": [125, None, 125, None], "dec": [80, None, 80, None]},
    "lop": (80, 75, {"inc": 93.75, "dec": 8000 / 75}),
    # the latest value (Q3) against the target set for Q3, not the as-of's (DESIGN.md §3)
    "to_date": (60, 75, {"inc": 125, "dec": 80}),
    "status": {"inc": Status.EXCEEDING, "dec": Status.AT_RISK},
}
EXPECTED: dict[tuple[Measure, Cumulation], dict[str, Any]] = {
    (NUMBER, PERIODIC): {
        "targets": [10, 20, 40, 50],
        "actuals": [8, None, 25, None],  # the values of P
        "pct": {"inc": [80, None, 62.5, None], "dec": [125, None, 160, None]},
        "lop": (120, 33, {"inc": 27.5, "dec": 12000 / 33}),  # Σ targets; Σ actuals
        "to_date": (120, 33, {"inc": 27.5, "dec": 12000 / 33}),
        "status": {"inc": Status.OFF_TRACK, "dec": Status.EXCEEDING},
    },
    (NUMBER, CUMULATIVE): {
        "targets": [10, 20, 40, 50],
        "actuals": [8, None, 33, None],  # Σ values through P; no own data → no actual
        "pct": {"inc": [80, None, 82.5, None], "dec": [125, None, 4000 / 33, None]},
        "lop": (50, 33, {"inc": 66, "dec": 5000 / 33}),  # last target; Σ all values
        "to_date": (50, 33, {"inc": 66, "dec": 5000 / 33}),
        "status": {"inc": Status.OFF_TRACK, "dec": Status.EXCEEDING},
    },
    (NUMBER, RUNNING): {
        "targets": [10, 20, 40, 50],
        "actuals": [8, None, 25, None],  # the values of P
        "pct": {"inc": [80, None, 62.5, None], "dec": [125, None, 160, None]},
        "lop": (50, 25, {"inc": 50, "dec": 200}),  # last target; latest period with data
        "to_date": (40, 25, {"inc": 62.5, "dec": 160}),  # Q3's value against Q3's target
        "status": {"inc": Status.OFF_TRACK, "dec": Status.EXCEEDING},
    },
    (PERCENT, PERIODIC): PERCENT_EXPECTED,
    (PERCENT, CUMULATIVE): PERCENT_EXPECTED,
    (PERCENT, RUNNING): PERCENT_EXPECTED,
}
DIRECTION_KEY = {INCREASE: "inc", NONE: "inc", DECREASE: "dec"}
QUANTITATIVE_CASES = [
    pytest.param(m, c, d, id=f"{m}-{c}-{d}")
    for (m, c), d in itertools.product(EXPECTED, [INCREASE, DECREASE, NONE])
]


def _inputs_for(measure: Measure) -> dict[str, PeriodInput]:
    return PERCENT_INPUTS if measure is PERCENT else numbers(NUMBER_TOTALS, NUMBER_TARGETS)


@pytest.mark.parametrize(("measure", "cumulation", "direction"), QUANTITATIVE_CASES)
def test_period_rows(measure: Measure, cumulation: Cumulation, direction: Direction) -> None:
    expected = EXPECTED[measure, cumulation]
    figures = run(spec(measure, direction, cumulation), _inputs_for(measure))
    assert [r.period for r in figures.periods] == QUARTERS
    assert [r.target for r in figures.periods] == expected["targets"]
    assert [r.actual for r in figures.periods] == approx_list(expected["actuals"])
    assert [r.pct_met for r in figures.periods] == approx_list(expected["pct"][DIRECTION_KEY[direction]])
    assert all(r.text is None for r in figures.periods)


@pytest.mark.parametrize(("measure", "cumulation", "direction"), QUANTITATIVE_CASES)
def test_life_of_programme(measure: Measure, cumulation: Cumulation, direction: Direction) -> None:
    target, actual, pct = EXPECTED[measure, cumulation]["lop"]
    figures = run(spec(measure, direction, cumulation), _inputs_for(measure))
    assert figures.lop == Figures(target, pytest.approx(actual), pytest.approx(pct[DIRECTION_KEY[direction]]))


@pytest.mark.parametrize(("measure", "cumulation", "direction"), QUANTITATIVE_CASES)
def test_to_date(measure: Measure, cumulation: Cumulation, direction: Direction) -> None:
    expected = EXPECTED[measure, cumulation]
    target, actual, pct = expected["to_date"]
    to_date = run(spec(measure, direction, cumulation), _inputs_for(measure)).to_date
    assert to_date.target == target
    assert to_date.actual == pytest.approx(actual)
    assert to_date.pct_met == pytest.approx(pct[DIRECTION_KEY[direction]])
    assert to_date.status is expected["status"][DIRECTION_KEY[direction]]
    assert to_date.progress_from_baseline is None  # no baseline in these specs


@pytest.mark.parametrize(
    ("cumulation", "direction"), list(itertools.product([PERIODIC, CUMULATIVE, RUNNING], Direction))
)
def test_qualitative_rows_carry_texts_and_no_figures(cumulation: Cumulation, direction: Direction) -> None:
    inputs = {
        "2026Q1": PeriodInput(texts=("Curriculum drafted",)),
        "2026Q2": PeriodInput(texts=("Site A: validated", "Site B: pending"), total=5),
        "2026Q4": PeriodInput(texts=()),
    }
    figures = run(spec(QUALITATIVE, direction, cumulation), inputs)
    assert [r.period for r in figures.periods] == QUARTERS
    assert [r.text for r in figures.periods] == [
        "Curriculum drafted",
        "Site A: validated\nSite B: pending",
        None,
        None,
    ]
    assert all(r.actual is None and r.pct_met is None for r in figures.periods)
    assert figures.lop == Figures(None, None, None)
    assert figures.to_date.target is None
    assert figures.to_date.actual is None
    assert figures.to_date.pct_met is None
    assert figures.to_date.progress_from_baseline is None
    assert figures.to_date.status is Status.NO_TARGET


def test_qualitative_has_no_lop_even_when_set() -> None:
    figures = run(spec(QUALITATIVE, lop_target=10), {"2026Q1": PeriodInput(texts=("x",), target=3)})
    assert figures.lop == Figures(None, None, None)
    # As implemented, a period target stored for a qualitative indicator is passed through as entered.
    assert figures.periods[0].target == 3


def test_qualitative_as_of_cuts_rows() -> None:
    inputs = {"2026Q3": PeriodInput(texts=("later",))}
    figures = run(spec(QUALITATIVE), inputs, as_of="2026Q2")
    assert [r.period for r in figures.periods] == ["2026Q1", "2026Q2"]
    assert all(r.text is None for r in figures.periods)


def test_direction_none_computes_like_increase() -> None:
    inputs = numbers([8, 12, 30, 5], NUMBER_TARGETS)
    for cumulation in Cumulation:
        assert run(spec(direction=NONE, cumulation=cumulation), inputs) == run(
            spec(direction=INCREASE, cumulation=cumulation), inputs
        )


# ---------------------------------------------------------------------------------------------------
# LoP target: explicit vs derived
# ---------------------------------------------------------------------------------------------------


class TestLopTarget:
    @pytest.mark.parametrize("measure", [NUMBER, PERCENT])
    @pytest.mark.parametrize("cumulation", list(Cumulation))
    def test_explicit_lop_target_wins(self, measure: Measure, cumulation: Cumulation) -> None:
        figures = run(spec(measure, cumulation=cumulation, lop_target=500), _inputs_for(measure))
        assert figures.lop.target == 500
        assert figures.lop.pct_met == pytest.approx(100 * figures.lop.actual / 500)

    def test_explicit_zero_lop_target_is_kept(self) -> None:
        figures = run(spec(lop_target=0), numbers([1, 2, 3, 4], [10, 10, 10, 10]))
        assert figures.lop.target == 0
        assert figures.lop.pct_met is None

    def test_periodic_derived_is_sum_of_all_period_targets(self) -> None:
        assert run(spec(cumulation=PERIODIC), numbers([1, 1, 1, 1], [10, 20, 30, 40])).lop.target == 100

    @pytest.mark.parametrize("cumulation", [CUMULATIVE, RUNNING])
    def test_cumulative_and_running_derived_is_last_period_target(self, cumulation: Cumulation) -> None:
        figures = run(spec(cumulation=cumulation), numbers([1, 1, 1, 1], [10, 20, 30, 45]))
        assert figures.lop.target == 45

    @pytest.mark.parametrize("cumulation", [CUMULATIVE, RUNNING])
    def test_last_target_skips_periods_without_target(self, cumulation: Cumulation) -> None:
        figures = run(spec(cumulation=cumulation), numbers([1, 1, 1, 1], [10, 30, None, None]))
        assert figures.lop.target == 30

    def test_periodic_derived_skips_missing_targets(self) -> None:
        assert run(spec(), numbers([1, 1, 1, 1], [10, None, 5, None])).lop.target == 15

    @pytest.mark.parametrize("cumulation", list(Cumulation))
    def test_no_targets_at_all_is_no_lop_target(self, cumulation: Cumulation) -> None:
        figures = run(spec(cumulation=cumulation), numbers([1, 2, 3, 4], [None] * 4))
        assert figures.lop.target is None
        assert figures.lop.pct_met is None
        assert figures.to_date.status is Status.NO_TARGET

    @pytest.mark.parametrize(("cumulation", "expected"), [(PERIODIC, 100), (CUMULATIVE, 40), (RUNNING, 40)])
    def test_lop_target_uses_all_periods_even_as_of_an_earlier_one(
        self, cumulation: Cumulation, expected: float
    ) -> None:
        figures = run(spec(cumulation=cumulation), numbers([1, 2, 3, 4], [10, 20, 30, 40]), as_of="2026Q2")
        assert figures.lop.target == expected


# ---------------------------------------------------------------------------------------------------
# LoP actual
# ---------------------------------------------------------------------------------------------------


class TestLopActual:
    def test_periodic_is_sum_of_period_actuals(self) -> None:
        assert run(spec(cumulation=PERIODIC), numbers([3, None, 4, 5], [None] * 4)).lop.actual == 12

    def test_cumulative_is_sum_of_all_values(self) -> None:
        assert run(spec(cumulation=CUMULATIVE), numbers([3, None, 4, 5], [None] * 4)).lop.actual == 12

    def test_running_total_is_latest_period_with_data(self) -> None:
        assert run(spec(cumulation=RUNNING), numbers([30, 50, 45, None], [None] * 4)).lop.actual == 45

    def test_running_total_latest_not_largest(self) -> None:
        assert run(spec(cumulation=RUNNING), numbers([30, 90, None, 20], [None] * 4)).lop.actual == 20

    @pytest.mark.parametrize("cumulation", list(Cumulation))
    def test_no_data_at_all_is_no_lop_actual(self, cumulation: Cumulation) -> None:
        figures = run(spec(cumulation=cumulation), numbers([None] * 4, [10, 20, 30, 40]))
        assert figures.lop.actual is None
        assert figures.lop.pct_met is None
        assert figures.to_date.status is Status.NO_DATA

    @pytest.mark.parametrize("cumulation", list(Cumulation))
    def test_zero_is_data(self, cumulation: Cumulation) -> None:
        figures = run(spec(cumulation=cumulation), numbers([0, None, None, None], [10, 10, 10, 10]))
        assert figures.lop.actual == 0
        assert figures.to_date.actual == 0
        assert figures.to_date.status is Status.OFF_TRACK

    def test_percent_lop_actual_is_latest_percentage_not_a_sum(self) -> None:
        inputs = {
            "2026Q1": PeriodInput(numerator=1, denominator=2),
            "2026Q2": PeriodInput(numerator=3, denominator=4),
        }
        for cumulation in Cumulation:
            assert run(spec(PERCENT, cumulation=cumulation), inputs).lop.actual == 75.0


# ---------------------------------------------------------------------------------------------------
# Target and actual to date, as of a period
# ---------------------------------------------------------------------------------------------------


class TestAsOf:
    TOTALS: ClassVar[list[float | None]] = [5, 7, None, 100]
    TARGETS: ClassVar[list[float | None]] = [10, 20, 30, 40]

    @pytest.mark.parametrize(
        ("cumulation", "as_of", "target", "actual"),
        [
            (PERIODIC, "2026Q1", 10, 5),
            (PERIODIC, "2026Q2", 30, 12),  # sums over periods up to A
            (PERIODIC, "2026Q3", 60, 12),
            (PERIODIC, "2026Q4", 100, 112),
            (CUMULATIVE, "2026Q1", 10, 5),
            (CUMULATIVE, "2026Q2", 20, 12),  # cumulative figures at A
            (CUMULATIVE, "2026Q3", 30, 12),  # no own data: earlier sums still count
            (CUMULATIVE, "2026Q4", 40, 112),
            (RUNNING, "2026Q1", 10, 5),
            (RUNNING, "2026Q2", 20, 7),
            (RUNNING, "2026Q3", 20, 7),  # latest value at or before A (Q2), with Q2's target
            (RUNNING, "2026Q4", 40, 100),
        ],
    )
    def test_to_date_as_of(self, cumulation: Cumulation, as_of: str, target: float, actual: float) -> None:
        figures = run(spec(cumulation=cumulation), numbers(self.TOTALS, self.TARGETS), as_of=as_of)
        assert (figures.to_date.target, figures.to_date.actual) == (target, actual)
        assert figures.to_date.pct_met == pytest.approx(100 * actual / target)

    @pytest.mark.parametrize("cumulation", list(Cumulation))
    def test_as_of_cuts_rows(self, cumulation: Cumulation) -> None:
        figures = run(spec(cumulation=cumulation), numbers(self.TOTALS, self.TARGETS), as_of="2026Q2")
        assert [r.period for r in figures.periods] == ["2026Q1", "2026Q2"]

    @pytest.mark.parametrize(("cumulation", "lop_actual"), [(PERIODIC, 12), (CUMULATIVE, 12), (RUNNING, 7)])
    def test_as_of_ignores_later_actuals_in_lop(self, cumulation: Cumulation, lop_actual: float) -> None:
        figures = run(spec(cumulation=cumulation), numbers(self.TOTALS, self.TARGETS), as_of="2026Q3")
        assert figures.lop.actual == lop_actual

    @pytest.mark.parametrize("cumulation", list(Cumulation))
    def test_as_of_none_is_as_of_last_period(self, cumulation: Cumulation) -> None:
        inputs = numbers(self.TOTALS, self.TARGETS)
        assert run(spec(cumulation=cumulation), inputs) == run(
            spec(cumulation=cumulation), inputs, as_of="2026Q4"
        )

    def test_cumulative_target_to_date_is_last_target_at_or_before(self) -> None:
        figures = run(spec(cumulation=CUMULATIVE), numbers([1, 1, 1, 1], [10, None, None, 40]), "2026Q3")
        assert figures.to_date.target == 10

    def test_running_total_target_to_date_is_latest_at_or_before(self) -> None:
        figures = run(spec(cumulation=RUNNING), numbers([1, 1, 1, 1], [10, 25, None, 40]), "2026Q3")
        assert figures.to_date.target == 25

    def test_percent_to_date_pairs_the_latest_value_with_the_target_of_its_own_period(self) -> None:
        inputs = {
            "2026Q1": PeriodInput(numerator=1, denominator=4, target=30),
            "2026Q2": PeriodInput(numerator=3, denominator=5, target=50),
            "2026Q3": PeriodInput(numerator=0, denominator=0, target=60),  # Σden = 0: no value
        }
        to_date = run(spec(PERCENT, cumulation=PERIODIC), inputs, "2026Q3").to_date
        assert to_date.actual == 60.0
        assert to_date.target == 50  # Q2's, the period the actual comes from
        assert to_date.period == "2026Q2"

    @pytest.mark.parametrize("as_of", ["2027Q1", "2026q1", "", "BASELINE"])
    def test_as_of_not_a_reporting_period_raises(self, as_of: str) -> None:
        with pytest.raises(ValueError, match="not a reporting period"):
            run(spec(), numbers(self.TOTALS, self.TARGETS), as_of=as_of)

    def test_inputs_of_other_periods_are_ignored(self) -> None:
        inputs = {**numbers([1, 2, 3, 4], [4, 4, 4, 4]), "2027Q1": PeriodInput(total=1000, target=1)}
        figures = run(spec(), inputs)
        assert figures.lop == Figures(16, 10, 62.5)

    def test_no_periods(self) -> None:
        figures = compute_indicator(spec(), [], {}, None)
        assert figures.periods == ()
        assert figures.lop == Figures(None, None, None)
        assert figures.to_date.status is Status.NO_TARGET


class TestCumulative:
    def test_period_without_own_data_shows_no_actual_but_to_date_counts_earlier_sums(self) -> None:
        figures = run(spec(cumulation=CUMULATIVE), numbers([8, None, 5, None], [10, 20, 30, 40]), "2026Q2")
        assert [r.actual for r in figures.periods] == [8, None]
        assert figures.periods[1].pct_met is None
        assert figures.to_date.actual == 8
        assert figures.to_date.target == 20
        assert figures.to_date.pct_met == 40
        assert figures.to_date.status is Status.OFF_TRACK

    def test_period_actual_is_sum_from_start_through_period(self) -> None:
        figures = run(spec(cumulation=CUMULATIVE), numbers([8, 2, 5, 10], [None] * 4))
        assert [r.actual for r in figures.periods] == [8, 10, 15, 25]

    def test_cumulative_starting_with_zero(self) -> None:
        figures = run(spec(cumulation=CUMULATIVE), numbers([0, None, 5, 0], [None] * 4))
        assert [r.actual for r in figures.periods] == [0, None, 5, 5]

    def test_period_target_is_the_entered_cumulative_target(self) -> None:
        figures = run(spec(cumulation=CUMULATIVE), numbers([10, 10, 10, 10], [10, 20, 30, 40]))
        assert [r.target for r in figures.periods] == [10, 20, 30, 40]
        assert [r.pct_met for r in figures.periods] == [100, 100, 100, 100]


# ---------------------------------------------------------------------------------------------------
# % met
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        (50, 100, INCREASE, 50.0),
        (150, 100, INCREASE, 150.0),
        (0, 100, INCREASE, 0.0),  # actual 0 on an increasing indicator is 0 %
        (50, 100, NONE, 50.0),
        (50, 100, DECREASE, 200.0),  # target ÷ actual
        (200, 100, DECREASE, 50.0),
        (100, 100, DECREASE, 100.0),
        (5, 0, DECREASE, 0.0),  # target 0 on a decreasing indicator: 0 % as long as actual > 0
        (None, 100, INCREASE, None),  # missing actual
        (None, 100, DECREASE, None),
        (50, None, INCREASE, None),  # missing target
        (50, None, DECREASE, None),
        (None, None, NONE, None),
        (50, 0, INCREASE, None),  # target 0 (increase)
        (50, 0, NONE, None),
        (0, 0, INCREASE, None),
        (0, 100, DECREASE, None),  # actual 0 (decrease)
        (0, 0, DECREASE, None),
    ],
)
def test_pct_met(
    actual: float | None, target: float | None, direction: Direction, expected: float | None
) -> None:
    assert pct_met(actual, target, direction) == approx_or_none(expected)


def test_pct_met_flows_into_rows_lop_and_to_date() -> None:
    figures = run(
        spec(direction=DECREASE, cumulation=RUNNING), numbers([40, None, 0, None], [20, 20, 20, 20])
    )
    assert [r.pct_met for r in figures.periods] == [50.0, None, None, None]
    assert figures.lop.pct_met is None  # latest actual is 0
    assert figures.to_date.pct_met is None


# ---------------------------------------------------------------------------------------------------
# Progress from baseline
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "baseline", "expected"),
    [
        (60, 100, 20, 50.0),
        (100, 100, 20, 100.0),
        (20, 100, 20, 0.0),
        (120, 100, 20, 125.0),
        (10, 100, 20, -12.5),  # moving away from the target
        (35, 20, 50, 50.0),  # decreasing: from 50 down towards 20
        (60, 20, 50, -100 / 3),  # decreasing, moving away
        (5, 10, 0, 50.0),  # a baseline of 0 is a baseline
        (60, 100, None, None),  # no baseline
        (60, 100, 100, None),  # baseline equals target
        (None, 100, 20, None),
        (60, None, 20, None),
    ],
)
def test_progress_from_baseline(
    actual: float | None, target: float | None, baseline: float | None, expected: float | None
) -> None:
    assert progress_from_baseline(actual, target, baseline) == approx_or_none(expected)


def test_progress_from_baseline_in_to_date() -> None:
    figures = run(
        spec(baseline=10, cumulation=RUNNING), numbers([15, 30, None, None], [20, 50, 60, 70]), "2026Q2"
    )
    assert figures.to_date.progress_from_baseline == pytest.approx(100 * (30 - 10) / (50 - 10))


def test_progress_from_baseline_is_none_without_baseline_in_to_date() -> None:
    figures = run(spec(cumulation=RUNNING), numbers([15, 30, None, None], [20, 50, 60, 70]))
    assert figures.to_date.progress_from_baseline is None


# ---------------------------------------------------------------------------------------------------
# Status
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        (115.01, 100, INCREASE, Status.EXCEEDING),  # > 115
        (200, 100, INCREASE, Status.EXCEEDING),
        (115, 100, INCREASE, Status.ON_TRACK),  # exactly 115 is on track
        (100, 100, INCREASE, Status.ON_TRACK),
        (85, 100, INCREASE, Status.ON_TRACK),  # exactly 85 is on track
        (84.99, 100, INCREASE, Status.AT_RISK),
        (70, 100, INCREASE, Status.AT_RISK),  # exactly 70 is at risk
        (69.99, 100, INCREASE, Status.OFF_TRACK),
        (0, 100, INCREASE, Status.OFF_TRACK),
        (115, 100, NONE, Status.ON_TRACK),
        (69.99, 100, NONE, Status.OFF_TRACK),
        # decreasing: % met is target ÷ actual, the bands mean the same
        (100, 115.01, DECREASE, Status.EXCEEDING),
        (100, 115, DECREASE, Status.ON_TRACK),
        (100, 85, DECREASE, Status.ON_TRACK),
        (100, 84.99, DECREASE, Status.AT_RISK),
        (100, 70, DECREASE, Status.AT_RISK),
        (100, 69.99, DECREASE, Status.OFF_TRACK),
        (0, 5, DECREASE, Status.EXCEEDING),  # reached 0 with a positive target: documented choice
        # no target / no data
        (50, None, INCREASE, Status.NO_TARGET),
        (50, 0, INCREASE, Status.NO_TARGET),
        (50, 0, DECREASE, Status.NO_TARGET),
        (None, None, INCREASE, Status.NO_TARGET),
        (None, 0, DECREASE, Status.NO_TARGET),  # no target wins over no data
        (None, 100, INCREASE, Status.NO_DATA),
        (None, 100, DECREASE, Status.NO_DATA),
    ],
)
def test_status_default_thresholds(
    actual: float | None, target: float | None, direction: Direction, expected: Status
) -> None:
    assert status_of(actual, target, direction, DEFAULT) is expected


@pytest.mark.parametrize(
    ("actual", "target", "direction", "expected"),
    [
        # % met is exactly on a band edge but float division lands just beside it
        (5.1, 6, INCREASE, Status.ON_TRACK),  # 84.99999999999999
        (10.03, 11.8, INCREASE, Status.ON_TRACK),
        (2.03, 2.9, INCREASE, Status.AT_RISK),  # 69.99999999999999
        (1.61, 1.4, INCREASE, Status.ON_TRACK),  # 115.00000000000001
        (9.43, 8.2, INCREASE, Status.ON_TRACK),
        (6, 5.1, DECREASE, Status.ON_TRACK),
    ],
)
def test_status_exact_band_edges_survive_float_division(
    actual: float, target: float, direction: Direction, expected: Status
) -> None:
    assert status_of(actual, target, direction, DEFAULT) is expected


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (120.01, Status.EXCEEDING),
        (120, Status.ON_TRACK),
        (118, Status.ON_TRACK),  # exceeding with the defaults
        (90, Status.ON_TRACK),
        (89.99, Status.AT_RISK),  # on track with the defaults
        (60, Status.AT_RISK),  # off track with the defaults
        (59.99, Status.OFF_TRACK),
    ],
)
def test_status_custom_thresholds(actual: float, expected: Status) -> None:
    custom = Thresholds(exceeding=120, on_track=90, at_risk=60)
    assert status_of(actual, 100, INCREASE, custom) is expected


def test_status_uses_custom_thresholds_in_compute_indicator() -> None:
    inputs = numbers([65, None, None, None], [100, None, None, None])
    assert run(spec(), inputs).to_date.status is Status.OFF_TRACK
    assert run(spec(), inputs, thresholds=Thresholds(120, 90, 60)).to_date.status is Status.AT_RISK


def test_status_is_of_to_date_not_lop() -> None:
    # As of Q1: 9 of a target to date of 10 is on track, although far from the LoP target of 100.
    figures = run(spec(), numbers([9, None, None, None], [10, 20, 30, 40]), as_of="2026Q1")
    assert figures.lop.pct_met == pytest.approx(9.0)
    assert figures.to_date.status is Status.ON_TRACK


def test_status_no_target_when_target_to_date_is_zero() -> None:
    figures = run(spec(), numbers([5, 5, None, None], [0, 0, 10, 10]), as_of="2026Q2")
    assert figures.to_date.target == 0
    assert figures.to_date.status is Status.NO_TARGET


def test_status_no_data_when_target_but_no_actual_to_date() -> None:
    figures = run(spec(), numbers([None, None, 7, None], [10, 10, 10, 10]), as_of="2026Q2")
    assert figures.to_date.status is Status.NO_DATA


def test_decreasing_indicator_that_reached_zero_is_exceeding() -> None:
    figures = run(spec(direction=DECREASE, cumulation=RUNNING), numbers([12, 4, 0, None], [10, 8, 5, 5]))
    assert figures.to_date.actual == 0
    assert figures.to_date.pct_met is None
    assert figures.to_date.status is Status.EXCEEDING


class TestThresholds:
    def test_defaults(self) -> None:
        assert (DEFAULT.exceeding, DEFAULT.on_track, DEFAULT.at_risk) == (115.0, 85.0, 70.0)
        assert DEFAULT.problems() == []

    @pytest.mark.parametrize(
        "thresholds", [Thresholds(100, 100, 100), Thresholds(0, 0, 0), Thresholds(200, 90, 0)]
    )
    def test_valid(self, thresholds: Thresholds) -> None:
        assert thresholds.problems() == []

    @pytest.mark.parametrize(
        "thresholds",
        [Thresholds(80, 85, 70), Thresholds(115, 60, 70), Thresholds(115, 85, -1), Thresholds(70, 85, 115)],
    )
    def test_invalid(self, thresholds: Thresholds) -> None:
        assert thresholds.problems() == ["thresholds must satisfy 0 ≤ at_risk ≤ on_track ≤ exceeding"]


# ---------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------

maybe_count = st.one_of(st.none(), st.integers(min_value=0, max_value=10**6))
maybe_target = st.one_of(st.none(), st.integers(min_value=0, max_value=10**6))
positive = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)


def _period_codes(n: int) -> list[str]:
    return [f"P{i:03d}" for i in range(n)]


@given(st.lists(st.tuples(maybe_count, maybe_target), min_size=1, max_size=24))
def test_property_periodic_lop_actual_is_sum_of_period_actuals(rows: list[tuple[Any, Any]]) -> None:
    periods = _period_codes(len(rows))
    inputs = {p: PeriodInput(total=v, target=t) for p, (v, t) in zip(periods, rows)}
    figures = compute_indicator(spec(cumulation=PERIODIC), periods, inputs, None)
    present = [r.actual for r in figures.periods if r.actual is not None]
    assert figures.lop.actual == (sum(present) if present else None)
    assert figures.to_date.actual == figures.lop.actual
    targets = [t for _, t in rows if t is not None]
    assert figures.lop.target == (sum(targets) if targets else None)


site_counts = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)).map(lambda nd: (min(nd), max(nd)))


@given(st.lists(site_counts, min_size=1, max_size=30))
def test_property_percent_is_ratio_of_sums(sites: list[tuple[int, int]]) -> None:
    numerator = sum(n for n, _ in sites)
    denominator = sum(d for _, d in sites)
    data = PeriodInput(numerator=numerator, denominator=denominator)
    actual = compute_indicator(spec(PERCENT), ["P"], {"P": data}, None).periods[0].actual
    if denominator == 0:
        assert actual is None
    else:
        assert actual == pytest.approx(float(100 * Fraction(numerator, denominator)), rel=1e-12)


@given(st.lists(site_counts.filter(lambda nd: nd[1] > 0), min_size=2, max_size=10))
def test_property_percent_equals_mean_of_percents_only_when_weights_agree(
    sites: list[tuple[int, int]],
) -> None:
    # Σn/Σd is the denominator-weighted mean of the site percentages, not their plain mean.
    actual = ratio_percent(sum(n for n, _ in sites), sum(d for _, d in sites))
    weighted = sum(Fraction(100 * n, d) * d for n, d in sites) / sum(d for _, d in sites)
    assert actual == pytest.approx(float(weighted), rel=1e-12)
    plain = sum(Fraction(100 * n, d) for n, d in sites) / len(sites)
    if len({d for _, d in sites}) == 1:
        assert actual == pytest.approx(float(plain), rel=1e-12)


@given(actual=positive, target=positive)
def test_property_reversing_direction_inverts_pct_met(actual: float, target: float) -> None:
    up = pct_met(actual, target, INCREASE)
    down = pct_met(actual, target, DECREASE)
    assert up is not None and down is not None
    assert up * down == pytest.approx(10_000, rel=1e-9)
    assert pct_met(actual, target, NONE) == up


@given(st.lists(st.one_of(st.none(), st.floats(0, 1e6, allow_nan=False)), min_size=1, max_size=24))
def test_property_cumulative_actual_never_decreases(increments: list[float | None]) -> None:
    periods = _period_codes(len(increments))
    inputs = {p: PeriodInput(total=v) for p, v in zip(periods, increments)}
    figures = compute_indicator(spec(cumulation=CUMULATIVE), periods, inputs, None)
    shown = [r.actual for r in figures.periods if r.actual is not None]
    assert all(a <= b for a, b in itertools.pairwise(shown))
    # a period shows an actual exactly when it has data of its own
    assert [r.actual is None for r in figures.periods] == [v is None for v in increments]
    present = [v for v in increments if v is not None]
    if present:
        assert figures.lop.actual == pytest.approx(math.fsum(present))
        assert shown[-1] == figures.lop.actual
    else:
        assert figures.lop.actual is None


@given(st.lists(st.tuples(maybe_count, maybe_target), min_size=1, max_size=24), st.data())
def test_property_running_total_to_date_is_latest_value(
    rows: list[tuple[Any, Any]], data: st.DataObject
) -> None:
    periods = _period_codes(len(rows))
    cut = data.draw(st.integers(1, len(rows)))
    inputs = {p: PeriodInput(total=v, target=t) for p, (v, t) in zip(periods, rows)}
    figures = compute_indicator(spec(cumulation=RUNNING), periods, inputs, periods[cut - 1])
    values = [v for v, _ in rows[:cut] if v is not None]
    last = max((i for i, (v, _) in enumerate(rows[:cut]) if v is not None), default=cut - 1)
    targets = [t for _, t in rows[: last + 1] if t is not None]
    assert figures.to_date.actual == (values[-1] if values else None)
    assert figures.to_date.target == (targets[-1] if targets else None)
    assert len(figures.periods) == cut


def _exact_status(actual: Fraction, target: Fraction, direction: Direction) -> Status:
    if target == 0:
        return Status.NO_TARGET
    if direction is DECREASE and actual == 0:
        return Status.EXCEEDING
    met = 100 * (target / actual if direction is DECREASE else actual / target)
    if met > 115:
        return Status.EXCEEDING
    if met >= 85:
        return Status.ON_TRACK
    if met >= 70:
        return Status.AT_RISK
    return Status.OFF_TRACK


hundredths = st.integers(min_value=0, max_value=10_000_000)  # 0.00 .. 100,000.00 as typed


@given(actual=hundredths, target=hundredths, direction=st.sampled_from(list(Direction)))
def test_property_status_of_typed_decimals_matches_exact_arithmetic(
    actual: int, target: int, direction: Direction
) -> None:
    exact = _exact_status(Fraction(actual, 100), Fraction(target, 100), direction)
    assert status_of(actual / 100, target / 100, direction, DEFAULT) is exact


@given(
    multiple=st.integers(1, 100_000), band=st.sampled_from([70, 85, 115]), offset=st.sampled_from([-1, 0, 1])
)
def test_property_exact_band_edges_stay_in_their_band(multiple: int, band: int, offset: int) -> None:
    # target and actual typed with two decimals, the actual exactly on a band edge (± one hundredth)
    target = multiple * 100 // math.gcd(band, 100)  # in hundredths, so that target × band % is too
    actual = target * band // 100 + offset
    exact = _exact_status(Fraction(actual, 100), Fraction(target, 100), INCREASE)
    assert status_of(actual / 100, target / 100, INCREASE, DEFAULT) is exact
    inverse = _exact_status(Fraction(target, 100), Fraction(actual, 100), DECREASE)
    assert status_of(target / 100, actual / 100, DECREASE, DEFAULT) is inverse

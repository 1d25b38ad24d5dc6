# SPDX-License-Identifier: GPL-3.0-or-later
"""Data-quality rules for one reported value (DESIGN.md §5): errors block, warnings never do."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmdesk.domain.enums import Measure
from pmdesk.domain.value_checks import (
    MIN_HISTORY_FOR_OUTLIERS,
    OUTLIER_Z,
    OVER_TARGET_FACTOR,
    WARNING_OUTLIER,
    WARNING_OVER_TARGET,
    WARNING_TEXT,
    CheckedValue,
    FieldValueError,
    check_blocking,
    check_whole,
    modified_z_score,
    parse_number,
    warnings_for,
)

NUMBER, PERCENT, QUALITATIVE = Measure.NUMBER, Measure.PERCENT, Measure.QUALITATIVE

HISTORY = [10.0, 12.0, 11.0, 13.0, 12.0]  # median 12, MAD 1


def test_constants_match_the_design() -> None:
    assert OUTLIER_Z == 3.5
    assert OVER_TARGET_FACTOR == 3.0
    assert MIN_HISTORY_FOR_OUTLIERS == 4
    assert set(WARNING_TEXT) == {WARNING_OUTLIER, WARNING_OVER_TARGET}


# ---------------------------------------------------------------------------------------------------
# parse_number
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (5, 5.0),
        (0, 0.0),
        (2.5, 2.5),
        (-3, -3.0),  # parse_number itself accepts signs; check_blocking refuses negatives
        ("12", 12.0),
        (" 7.5 ", 7.5),
        ("\t40\n", 40.0),
        ("1,200", 1200.0),  # typed forms: see test_numbers.py
        ("1 200", 1200.0),
        (10**12, 1e12),  # the plausibility limit itself is allowed
        ("-0.25", -0.25),
        (".5", 0.5),
    ],
)
def test_parse_number_valid(raw: object, expected: float) -> None:
    number = parse_number(raw, "value")
    assert number == expected
    assert type(number) is float


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "value must be a number, not 'abc'"),
        ("3,5", "'3,5' is ambiguous"),  # a decimal comma is not guessed
        ("1e3", "exponent notation"),
        ("1_000", "value must be a number"),
        (10**12 + 1, "beyond any plausible figure"),
        ("99,999,999,999,999", "beyond any plausible figure"),
        (-2e12, "beyond any plausible figure"),
        ("12%", "value must be a number"),
        ("", "value must be a number"),
        ("   ", "value must be a number"),
        (None, "value must be a number, not None"),
        ([1], "value must be a number"),
        (True, "value must be a number, not True"),  # a bool is not a count
        (False, "value must be a number, not False"),
        ("nan", "value must be a finite number"),
        ("NaN", "value must be a finite number"),
        ("inf", "value must be a finite number"),
        ("-inf", "value must be a finite number"),
        ("Infinity", "value must be a finite number"),
        (math.nan, "value must be a finite number"),
        (math.inf, "value must be a finite number"),
        (-math.inf, "value must be a finite number"),
    ],
)
def test_parse_number_invalid(raw: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_number(raw, "value")
    assert message in str(raised.value)


def test_parse_number_names_the_field() -> None:
    with pytest.raises(ValueError, match=r"^denominator must be a number"):
        parse_number("x", "denominator")


@given(st.floats(min_value=-1e12, max_value=1e12))
def test_parse_number_round_trips_plausible_floats(number: float) -> None:
    # Written plainly, as csv_safe writes numbers (repr would use exponents for 1e-07).
    assert parse_number(format(Decimal(repr(number)), "f"), "value") == number
    assert parse_number(number, "value") == number


# ---------------------------------------------------------------------------------------------------
# Blocking errors: number
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [("12", 12.0), (0, 0.0), (3.5, 3.5), (" 40 ", 40.0)])
def test_number_accepted(raw: object, expected: float) -> None:
    assert check_blocking(NUMBER, value=raw) == CheckedValue(expected, None, None, None, ())


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "value is required"),
        ("", "value is required"),
        ("   ", "value is required"),
        ("abc", "value must be a number, not 'abc'"),  # not a number
        ("1,5", "ambiguous"),
        ("3e2", "exponent notation"),
        ("99 999 999 999 999", "beyond any plausible figure"),
        (True, "value must be a number"),
        ("nan", "value must be a finite number"),  # NaN
        (math.nan, "value must be a finite number"),
        ("inf", "value must be a finite number"),  # infinity
        (math.inf, "value must be a finite number"),
        (-1, "value must not be negative (got -1)"),  # negative count
        ("-0.5", "value must not be negative (got -0.5)"),
    ],
)
def test_number_refused(raw: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        check_blocking(NUMBER, value=raw)
    assert message in str(raised.value)


def test_number_ignores_numerator_denominator_and_text() -> None:
    checked = check_blocking(NUMBER, value=4, numerator=9, denominator=1, text="note")
    assert checked == CheckedValue(4.0, None, None, None)


# ---------------------------------------------------------------------------------------------------
# Blocking errors: percent
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator"),
    [(3, 4), ("3", "4"), (0, 4), (4, 4), (0, 0), (2.5, 10)],  # num == den is fine; 0/0 gives no actual
)
def test_percent_accepted(numerator: object, denominator: object) -> None:
    checked = check_blocking(PERCENT, numerator=numerator, denominator=denominator)
    assert checked == CheckedValue(None, float(numerator), float(denominator), None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("numerator", "denominator", "message"),
    [
        (None, 4, "needs both numerator and denominator"),  # missing numerator
        (3, None, "needs both numerator and denominator"),  # missing denominator
        (None, None, "needs both numerator and denominator"),
        (5, 4, "numerator (5) is greater than denominator (4)"),
        ("4.5", "4", "numerator (4.5) is greater than denominator (4)"),
        (1, 0, "numerator (1) is greater than denominator (0)"),
        (-1, 4, "numerator must not be negative"),
        (-3, -1, "numerator must not be negative"),
        (0, -1, "denominator must not be negative"),
        ("x", 4, "numerator must be a number"),
        (3, "y", "denominator must be a number"),
        ("", 4, "numerator must be a number"),
        ("nan", 4, "numerator must be a finite number"),
        (3, math.inf, "denominator must be a finite number"),
    ],
)
def test_percent_refused(numerator: object, denominator: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        check_blocking(PERCENT, numerator=numerator, denominator=denominator)
    assert message in str(raised.value)


def test_percent_ignores_value() -> None:
    assert check_blocking(PERCENT, value=99, numerator=1, denominator=2).value is None


@given(st.integers(0, 10**9), st.integers(0, 10**9))
def test_property_percent_accepted_iff_numerator_within_denominator(a: int, b: int) -> None:
    if a <= b:
        checked = check_blocking(PERCENT, numerator=a, denominator=b)
        assert (checked.numerator, checked.denominator) == (a, b)
    else:
        with pytest.raises(ValueError, match="greater than denominator"):
            check_blocking(PERCENT, numerator=a, denominator=b)


# ---------------------------------------------------------------------------------------------------
# Blocking errors: qualitative
# ---------------------------------------------------------------------------------------------------


def test_qualitative_text_is_stripped() -> None:
    assert check_blocking(QUALITATIVE, text="  Curriculum validated \n") == CheckedValue(
        None, None, None, "Curriculum validated"
    )


def test_qualitative_ignores_numbers() -> None:
    assert check_blocking(QUALITATIVE, value=5, numerator=1, denominator=2, text="ok") == CheckedValue(
        None, None, None, "ok"
    )


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t", 5, b"bytes"])
def test_qualitative_without_text_refused(text: object) -> None:
    with pytest.raises(ValueError, match="text is required for a qualitative indicator"):
        check_blocking(QUALITATIVE, text=text)


def test_qualitative_text_length_limit() -> None:
    assert check_blocking(QUALITATIVE, text="x" * 10_000).text == "x" * 10_000
    with pytest.raises(ValueError, match="longer than 10,000 characters"):
        check_blocking(QUALITATIVE, text="x" * 10_001)


def test_blocking_checks_carry_no_warnings() -> None:
    assert check_blocking(NUMBER, value=10**9).warnings == ()


# ---------------------------------------------------------------------------------------------------
# Modified z-score
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 2, 3])
def test_z_score_needs_four_history_points(size: int) -> None:
    assert modified_z_score(1_000_000, [10.0, 11.0, 12.0][:size] + [13.0] * max(0, size - 3)) is None


@pytest.mark.parametrize(
    ("value", "history", "expected"),
    [
        (20, HISTORY, 0.6745 * 8),  # median 12, MAD 1
        (12, HISTORY, 0.0),
        (6, HISTORY, -0.6745 * 6),
        (20, [10, 11, 12, 13], 0.6745 * 8.5),  # exactly four points: median 11.5, MAD 1
        (100, [10, 20, 30, 40, 50], 0.6745 * 70 / 10),
    ],
)
def test_z_score(value: float, history: list[float], expected: float) -> None:
    assert modified_z_score(value, history) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (15, 5 / 1.253314),  # median 10, MAD 0, mean absolute deviation 1
        (14, 4 / 1.253314),
        (10, 0.0),
        (7, -3 / 1.253314),
    ],
)
def test_z_score_mad_zero_falls_back_to_mean_absolute_deviation(value: float, expected: float) -> None:
    assert modified_z_score(value, [10, 10, 10, 14]) == pytest.approx(expected)


def test_z_score_constant_history() -> None:
    assert modified_z_score(5, [5, 5, 5, 5]) is None
    assert modified_z_score(6, [5, 5, 5, 5]) == math.inf
    assert modified_z_score(4, [5, 5, 5, 5]) == math.inf


@given(
    st.lists(st.integers(-10_000, 10_000), min_size=4, max_size=30),
    st.integers(-10_000, 10_000),
    st.integers(-10_000, 10_000),
)
def test_property_z_score_is_shift_invariant(history: list[int], value: int, shift: int) -> None:
    z = modified_z_score(value, history)
    shifted = modified_z_score(value + shift, [x + shift for x in history])
    if z is None or math.isinf(z):
        assert shifted == z
    else:
        assert shifted == pytest.approx(z, abs=1e-9)


# ---------------------------------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "history", "target", "expected"),
    [
        # outlier by modified z > 3.5 with enough history
        (20, HISTORY, None, (WARNING_OUTLIER,)),  # z = 5.40
        (18, HISTORY, None, (WARNING_OUTLIER,)),  # z = 4.05
        (17, HISTORY, None, ()),  # z = 3.37
        (6, HISTORY, None, (WARNING_OUTLIER,)),  # z = -4.05: low values too
        (7, HISTORY, None, ()),  # z = -3.37
        # fewer than four history points: never an outlier
        (1_000, [], None, ()),
        (1_000, [10, 11, 12], None, ()),
        # MAD == 0 fallback
        (15, [10, 10, 10, 14], None, (WARNING_OUTLIER,)),  # 3.99
        (14, [10, 10, 10, 14], None, ()),  # 3.19
        (9, [5, 5, 5, 5], None, (WARNING_OUTLIER,)),  # constant history, a real change
        (5, [5, 5, 5, 5], None, ()),
        # a huge z-score on a steady series is not enough: the departure must matter
        (6, [5, 5, 5, 5], None, ()),  # z = inf, but only 1 away from the median
        (6, [3, 4, 4, 4, 4], None, ()),  # 2 away: not more than MIN_ABSOLUTE_DEPARTURE
        (333, [337, 335, 347, 346, 348], None, ()),  # z = -4.4, but 4 % below the median
        (200, [337, 335, 347, 346, 348], None, (WARNING_OUTLIER,)),
        # more than 3× the period target; exactly 3× is not a warning
        (31, [], 10, (WARNING_OVER_TARGET,)),
        (30.01, [], 10, (WARNING_OVER_TARGET,)),
        (30, [], 10, ()),
        (0.9, [], 0.3, ()),  # exactly 3× although 3 * 0.3 == 0.8999999999999999
        (2.1, [], 0.7, ()),
        (0.91, [], 0.3, (WARNING_OVER_TARGET,)),
        (10, [], 0, ()),  # no positive target: nothing to compare with
        (10, [], -1, ()),
        (10, [], None, ()),
        # both
        (40, HISTORY, 10, (WARNING_OUTLIER, WARNING_OVER_TARGET)),
        # a value equal to its target is never flagged (issue #7 §2), even after quarters of zeros
        (50, [0, 0, 0, 0], 50, ()),
        (50, [0, 0, 0, 0], None, (WARNING_OUTLIER,)),
        (40, HISTORY, 40, ()),
        (40.0000000001, HISTORY, 40, ()),
        # nothing to check
        (None, HISTORY, 10, ()),
    ],
)
def test_warnings_for(
    value: float | None, history: list[float], target: float | None, expected: tuple[str, ...]
) -> None:
    assert warnings_for(value, history, target) == expected


@given(st.floats(min_value=0.001, max_value=1e6, allow_nan=False))
def test_property_at_most_three_times_target_never_warns(target: float) -> None:
    assert WARNING_OVER_TARGET not in warnings_for(OVER_TARGET_FACTOR * target, [], target)
    assert warnings_for(OVER_TARGET_FACTOR * target * 1.001, [], target) == (WARNING_OVER_TARGET,)


@given(target=st.integers(1, 3_000_000), offset=st.sampled_from([-1, 0, 0, 1]))
def test_property_over_target_for_typed_decimals_matches_exact_arithmetic(target: int, offset: int) -> None:
    # value and target typed with two decimals, the value at 3× ± one hundredth; decided exactly
    value = 3 * target + offset
    expected = (WARNING_OVER_TARGET,) if value > 3 * target else ()
    assert warnings_for(value / 100, [], target / 100) == expected


# -- whole numbers (issue #7 §2: 12.5 pupils was saved) ---------------------------------------------

WHOLE = "is not a whole number (the indicator does not allow decimals"


@pytest.mark.parametrize(
    ("measure", "figures", "allows_decimals", "refused"),
    [
        (NUMBER, {"value": 12.5}, False, "1.1 counts whole pupils: 12.5 " + WHOLE),
        (NUMBER, {"value": "12.5"}, False, "1.1 counts whole pupils: 12.5 " + WHOLE),
        (NUMBER, {"value": "1 200.5"}, False, "1.1 counts whole pupils: 1,200.5 " + WHOLE),
        (NUMBER, {"value": 12.5}, True, None),
        (NUMBER, {"value": 12}, False, None),
        (NUMBER, {"value": "12.0"}, False, None),
        (NUMBER, {"value": 0}, False, None),
        (PERCENT, {"numerator": 2.5, "denominator": 10}, False, "the numerator 2.5 " + WHOLE),
        (PERCENT, {"numerator": 2, "denominator": 10.5}, False, "the denominator 10.5 " + WHOLE),
        (PERCENT, {"numerator": 2.5, "denominator": 10.5}, True, None),
        (PERCENT, {"numerator": 3, "denominator": 10}, False, None),
        (QUALITATIVE, {"text": "12.5 pupils"}, False, None),
    ],
)
def test_counts_refuse_fractions_unless_the_indicator_allows_them(
    measure: Measure, figures: dict[str, object], allows_decimals: bool, refused: str | None
) -> None:
    def check() -> CheckedValue:
        return check_blocking(
            measure, **figures, allows_decimals=allows_decimals, indicator="1.1", unit="pupils"
        )

    if refused is None:
        check()
    else:
        with pytest.raises(FieldValueError) as caught:
            check()
        assert refused in str(caught.value)
        assert "change that in its reference sheet if it should" in str(caught.value)
        expected_field = "value" if measure is NUMBER else refused.split()[1]
        assert caught.value.field == expected_field


def test_a_fraction_names_the_field_and_an_indicator_without_unit() -> None:
    with pytest.raises(FieldValueError) as caught:
        check_whole(0.5, "denominator", allows_decimals=False, indicator="2.1")
    assert caught.value.field == "denominator"
    assert str(caught.value).startswith("2.1 counts in whole numbers: the denominator 0.5 is not")

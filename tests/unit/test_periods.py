# SPDX-License-Identifier: GPL-3.0-or-later
"""DHIS2 period codes, custom periods and a programme's reporting periods (DESIGN.md §2)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pmdesk.domain.enums import Frequency
from pmdesk.domain.errors import PmdeskError
from pmdesk.domain.periods import (
    CUSTOM_CODE_RE,
    CustomPeriod,
    Period,
    PeriodError,
    PeriodKind,
    is_valid_period,
    parse_period,
    period_code,
    reporting_periods,
    validate_custom_periods,
)

D = date
M, Q, S, Y, FY, C = (
    PeriodKind.MONTH,
    PeriodKind.QUARTER,
    PeriodKind.HALF_YEAR,
    PeriodKind.YEAR,
    PeriodKind.FISCAL_YEAR,
    PeriodKind.CUSTOM,
)


def codes(periods: list[Period]) -> list[str]:
    return [p.code for p in periods]


# ---------------------------------------------------------------------------------------------------
# parse_period: every DHIS2 form
# ---------------------------------------------------------------------------------------------------

VALID_CODES = [
    # (code as typed, canonical code, start, end, kind)
    ("202603", "202603", D(2026, 3, 1), D(2026, 3, 31), M),
    ("202601", "202601", D(2026, 1, 1), D(2026, 1, 31), M),
    ("202604", "202604", D(2026, 4, 1), D(2026, 4, 30), M),
    ("202612", "202612", D(2026, 12, 1), D(2026, 12, 31), M),
    ("202602", "202602", D(2026, 2, 1), D(2026, 2, 28), M),
    ("202402", "202402", D(2024, 2, 1), D(2024, 2, 29), M),  # leap year
    ("200002", "200002", D(2000, 2, 1), D(2000, 2, 29), M),  # divisible by 400: leap
    ("210002", "210002", D(2100, 2, 1), D(2100, 2, 28), M),  # divisible by 100: not leap
    ("2026Q1", "2026Q1", D(2026, 1, 1), D(2026, 3, 31), Q),
    ("2026Q2", "2026Q2", D(2026, 4, 1), D(2026, 6, 30), Q),
    ("2026Q3", "2026Q3", D(2026, 7, 1), D(2026, 9, 30), Q),
    ("2026Q4", "2026Q4", D(2026, 10, 1), D(2026, 12, 31), Q),
    ("2026S1", "2026S1", D(2026, 1, 1), D(2026, 6, 30), S),
    ("2026S2", "2026S2", D(2026, 7, 1), D(2026, 12, 31), S),
    ("2026", "2026", D(2026, 1, 1), D(2026, 12, 31), Y),
    ("2026Apr", "2026Apr", D(2026, 4, 1), D(2027, 3, 31), FY),
    ("2026April", "2026Apr", D(2026, 4, 1), D(2027, 3, 31), FY),
    ("2026Jul", "2026Jul", D(2026, 7, 1), D(2027, 6, 30), FY),
    ("2026July", "2026Jul", D(2026, 7, 1), D(2027, 6, 30), FY),
    ("2026Oct", "2026Oct", D(2026, 10, 1), D(2027, 9, 30), FY),
    ("2026October", "2026Oct", D(2026, 10, 1), D(2027, 9, 30), FY),
    ("2026oct", "2026Oct", D(2026, 10, 1), D(2027, 9, 30), FY),  # suffix is case-insensitive
    ("2026APRIL", "2026Apr", D(2026, 4, 1), D(2027, 3, 31), FY),
    ("2027Apr", "2027Apr", D(2027, 4, 1), D(2028, 3, 31), FY),  # Feb 2028 is a leap month inside
    # surrounding whitespace is stripped and the code is stored stripped
    (" 2026Q1 ", "2026Q1", D(2026, 1, 1), D(2026, 3, 31), Q),
    ("\t202603\n", "202603", D(2026, 3, 1), D(2026, 3, 31), M),
    (" 2026July ", "2026Jul", D(2026, 7, 1), D(2027, 6, 30), FY),
]


@pytest.mark.parametrize(("text", "code", "start", "end", "kind"), VALID_CODES)
def test_parse_period_valid(text: str, code: str, start: date, end: date, kind: PeriodKind) -> None:
    period = parse_period(text)
    assert period == Period(code, start, end, kind)
    assert is_valid_period(text)


@pytest.mark.parametrize(("text", "code", "start", "end", "kind"), VALID_CODES)
def test_parse_period_canonical_code_round_trips(
    text: str, code: str, start: date, end: date, kind: PeriodKind
) -> None:
    assert parse_period(parse_period(text).code) == parse_period(text)


INVALID_CODES = [
    "202613",  # month 13
    "202600",  # month 0
    "2026Q5",
    "2026Q0",
    "2026S3",
    "2026S0",
    "2026Nov",  # not a supported fiscal year start
    "2026Jan",  # a January fiscal year is simply the calendar year "2026"
    "2026Sep",
    "",
    "   ",
    "abc",
    "2026q1",  # DHIS2 writes the Q in upper case
    "2026s1",
    "26Q1",
    "20261",
    "2026031",
    "2026-03",
    "2026W10",  # weekly periods are not supported
    "2026BiW1",
    "2026Q1x",
    "12026",
    "2026 Q1",
    "0000",  # year 0 does not exist
    "000001",
    "0000Q1",
    "9999Oct",  # would end in year 10000
    "9999Apr",
    "٢٠٢٦Q1",  # Arabic-Indic digits are not DHIS2 digits
    "٢٠٢٦",
    "BASELINE",  # a custom code, but no custom periods given
]


@pytest.mark.parametrize("text", INVALID_CODES)
def test_parse_period_invalid_raises_period_error_naming_the_code(text: str) -> None:
    with pytest.raises(PeriodError) as raised:
        parse_period(text)
    assert f"'{text}'" in str(raised.value)
    assert "is not a period" in str(raised.value)
    assert not is_valid_period(text)


@pytest.mark.parametrize("value", [None, 202603, 2026, 2026.0, b"2026Q1"])
def test_parse_period_non_string_raises_period_error(value: object) -> None:
    with pytest.raises(PeriodError):
        parse_period(value)  # type: ignore[arg-type]


def test_period_error_is_shown_to_the_user() -> None:
    assert issubclass(PeriodError, PmdeskError)


def test_month_error_names_the_month() -> None:
    with pytest.raises(PeriodError, match="month 13 does not exist"):
        parse_period("202613")


def test_nine_nine_nine_nine_calendar_periods_still_parse() -> None:
    assert parse_period("9999Q4").end == D(9999, 12, 31)
    assert parse_period("9999").end == D(9999, 12, 31)
    assert parse_period("0001Oct").start == D(1, 10, 1)


# ---------------------------------------------------------------------------------------------------
# Custom periods
# ---------------------------------------------------------------------------------------------------

BASELINE = CustomPeriod("BASELINE", D(2025, 11, 1), D(2025, 12, 31))
MIDLINE = CustomPeriod("MIDLINE", D(2026, 6, 1), D(2026, 7, 15))
ENDLINE = CustomPeriod("ENDLINE", D(2027, 9, 1), D(2027, 10, 31))
CUSTOM = {c.code: c for c in (BASELINE, MIDLINE, ENDLINE)}


@pytest.mark.parametrize("item", [BASELINE, MIDLINE, ENDLINE])
def test_custom_period_looked_up_by_code(item: CustomPeriod) -> None:
    assert parse_period(item.code, CUSTOM) == Period(item.code, item.start, item.end, C)


def test_custom_period_lookup_strips_whitespace() -> None:
    assert parse_period("  MIDLINE\n", CUSTOM).code == "MIDLINE"


def test_custom_period_lookup_is_case_sensitive() -> None:
    with pytest.raises(PeriodError):
        parse_period("baseline", CUSTOM)


def test_unknown_custom_code_raises() -> None:
    with pytest.raises(PeriodError, match="'FOLLOWUP'"):
        parse_period("FOLLOWUP", CUSTOM)


@pytest.mark.parametrize("custom", [None, {}, CUSTOM])
def test_dhis2_codes_parse_whatever_the_custom_periods(custom: dict[str, CustomPeriod] | None) -> None:
    assert parse_period("2026Q3", custom) == Period("2026Q3", D(2026, 7, 1), D(2026, 9, 30), Q)


def test_is_valid_period_with_custom() -> None:
    assert is_valid_period("ENDLINE", CUSTOM)
    assert not is_valid_period("ENDLINE")


# ---------------------------------------------------------------------------------------------------
# Period: ordering, overlap, labels
# ---------------------------------------------------------------------------------------------------


def test_periods_order_by_start_date_then_end_then_code() -> None:
    mixed = [
        parse_period("2026Q2"),
        parse_period("2026"),
        parse_period("ENDLINE", CUSTOM),
        parse_period("202601"),
        parse_period("2026S1"),
        parse_period("2026Q1"),
        parse_period("BASELINE", CUSTOM),
        parse_period("2025Oct"),
        parse_period("MIDLINE", CUSTOM),
    ]
    ordered = sorted(mixed, key=lambda p: p.sort_key)
    assert codes(ordered) == [
        "2025Oct",  # 2025-10-01
        "BASELINE",  # 2025-11-01
        "202601",  # 2026-01-01 .. 01-31
        "2026Q1",  # 2026-01-01 .. 03-31
        "2026S1",  # 2026-01-01 .. 06-30
        "2026",  # 2026-01-01 .. 12-31
        "2026Q2",  # 2026-04-01
        "MIDLINE",  # 2026-06-01
        "ENDLINE",  # 2027-09-01
    ]


def test_sort_key_breaks_ties_by_code() -> None:
    a = Period("A", D(2026, 1, 1), D(2026, 1, 31), C)
    b = Period("B", D(2026, 1, 1), D(2026, 1, 31), C)
    assert sorted([b, a], key=lambda p: p.sort_key) == [a, b]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 1, 1), D(2026, 3, 31), True),  # same span
        (D(2025, 1, 1), D(2026, 1, 1), True),  # touches the first day
        (D(2026, 3, 31), D(2027, 1, 1), True),  # touches the last day
        (D(2026, 2, 1), D(2026, 2, 1), True),  # one day inside
        (D(2025, 1, 1), D(2027, 1, 1), True),  # contains the period
        (D(2025, 1, 1), D(2025, 12, 31), False),  # ends the day before
        (D(2026, 4, 1), D(2026, 12, 31), False),  # starts the day after
    ],
)
def test_overlaps_is_inclusive_at_both_ends(start: date, end: date, expected: bool) -> None:
    assert parse_period("2026Q1").overlaps(start, end) is expected


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("202603", "Mar 2026"),
        ("2026Q1", "2026 Q1"),
        ("2026S2", "2026 H2"),
        ("2026", "2026"),
        ("2026Oct", "FY Oct 2026"),
        ("2026April", "FY Apr 2026"),
        ("BASELINE", "BASELINE"),
    ],
)
def test_label(code: str, label: str) -> None:
    assert parse_period(code, CUSTOM).label() == label


# ---------------------------------------------------------------------------------------------------
# period_code
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "fiscal", "year", "month", "code"),
    [
        (Frequency.MONTHLY, 1, 2026, 3, "202603"),
        (Frequency.MONTHLY, 10, 2026, 11, "202611"),
        (Frequency.QUARTERLY, 1, 2026, 1, "2026Q1"),
        (Frequency.QUARTERLY, 1, 2026, 4, "2026Q2"),
        (Frequency.QUARTERLY, 1, 2026, 7, "2026Q3"),
        (Frequency.QUARTERLY, 1, 2026, 10, "2026Q4"),
        (Frequency.SEMIANNUAL, 1, 2026, 1, "2026S1"),
        (Frequency.SEMIANNUAL, 1, 2026, 7, "2026S2"),
        (Frequency.ANNUAL, 1, 2026, 1, "2026"),
        (Frequency.ANNUAL, 4, 2026, 4, "2026Apr"),
        (Frequency.ANNUAL, 7, 2026, 7, "2026Jul"),
        (Frequency.ANNUAL, 10, 2026, 10, "2026Oct"),
    ],
)
def test_period_code(frequency: Frequency, fiscal: int, year: int, month: int, code: str) -> None:
    assert period_code(frequency, fiscal, year, month) == code
    assert parse_period(code).start == D(year, month, 1)


def test_period_code_custom_raises() -> None:
    with pytest.raises(PeriodError):
        period_code(Frequency.CUSTOM, 1, 2026, 1)


# ---------------------------------------------------------------------------------------------------
# reporting_periods
# ---------------------------------------------------------------------------------------------------

REPORTING_CASES = [
    # (frequency, fiscal start month, programme start, programme end, expected codes)
    ("monthly", 1, D(2026, 1, 15), D(2026, 4, 10), ["202601", "202602", "202603", "202604"]),
    ("monthly", 1, D(2025, 12, 31), D(2026, 1, 1), ["202512", "202601"]),
    ("monthly", 1, D(2026, 5, 5), D(2026, 5, 5), ["202605"]),
    ("monthly", 10, D(2026, 1, 1), D(2026, 2, 28), ["202601", "202602"]),  # fiscal month ignored
    ("quarterly", 1, D(2026, 2, 15), D(2026, 12, 31), ["2026Q1", "2026Q2", "2026Q3", "2026Q4"]),
    ("quarterly", 1, D(2025, 11, 1), D(2026, 2, 1), ["2025Q4", "2026Q1"]),
    ("quarterly", 1, D(2026, 4, 1), D(2026, 6, 30), ["2026Q2"]),  # exactly one quarter
    ("quarterly", 1, D(2026, 3, 31), D(2026, 4, 1), ["2026Q1", "2026Q2"]),
    ("quarterly", 10, D(2026, 1, 1), D(2026, 6, 30), ["2026Q1", "2026Q2"]),  # calendar quarters
    ("semiannual", 1, D(2026, 3, 1), D(2027, 7, 1), ["2026S1", "2026S2", "2027S1", "2027S2"]),
    ("semiannual", 1, D(2026, 7, 1), D(2026, 12, 31), ["2026S2"]),
    ("annual", 1, D(2025, 6, 1), D(2027, 1, 1), ["2025", "2026", "2027"]),
    ("annual", 1, D(2026, 1, 1), D(2026, 12, 31), ["2026"]),
    ("annual", 4, D(2026, 4, 1), D(2027, 3, 31), ["2026Apr"]),
    ("annual", 4, D(2026, 3, 31), D(2027, 4, 1), ["2025Apr", "2026Apr", "2027Apr"]),
    ("annual", 7, D(2026, 6, 30), D(2026, 7, 1), ["2025Jul", "2026Jul"]),
    ("annual", 7, D(2026, 1, 1), D(2028, 12, 31), ["2025Jul", "2026Jul", "2027Jul", "2028Jul"]),
    ("annual", 10, D(2026, 3, 1), D(2027, 10, 1), ["2025Oct", "2026Oct", "2027Oct"]),
    ("annual", 10, D(2026, 10, 1), D(2027, 9, 30), ["2026Oct"]),
    ("annual", 10, D(2026, 9, 30), D(2026, 9, 30), ["2025Oct"]),
]


@pytest.mark.parametrize(("frequency", "fiscal", "start", "end", "expected"), REPORTING_CASES)
def test_reporting_periods(frequency: str, fiscal: int, start: date, end: date, expected: list[str]) -> None:
    periods = reporting_periods(frequency, start, end, fiscal)
    assert codes(periods) == expected
    assert periods == [parse_period(c) for c in expected]


def test_reporting_periods_programme_starting_mid_period_includes_that_period() -> None:
    periods = reporting_periods(Frequency.QUARTERLY, D(2026, 5, 20), D(2026, 8, 1))
    assert codes(periods) == ["2026Q2", "2026Q3"]
    assert periods[0].start < D(2026, 5, 20)
    assert periods[-1].end > D(2026, 8, 1)


def test_reporting_periods_accepts_the_enum_or_its_value() -> None:
    start, end = D(2026, 1, 1), D(2026, 12, 31)
    assert reporting_periods(Frequency.SEMIANNUAL, start, end) == reporting_periods("semiannual", start, end)


def test_reporting_periods_default_fiscal_year_is_calendar() -> None:
    assert codes(reporting_periods("annual", D(2026, 2, 1), D(2026, 3, 1))) == ["2026"]


def test_reporting_periods_end_before_start_raises() -> None:
    with pytest.raises(PeriodError, match="before it starts"):
        reporting_periods("monthly", D(2026, 3, 1), D(2026, 2, 28))


@pytest.mark.parametrize("fiscal", [0, 2, 3, 5, 6, 8, 9, 11, 12, 13, -1])
@pytest.mark.parametrize("frequency", ["annual", "monthly"])
def test_reporting_periods_unsupported_fiscal_month_raises(frequency: str, fiscal: int) -> None:
    with pytest.raises(PeriodError, match=f"fiscal year start month {fiscal} is not supported"):
        reporting_periods(frequency, D(2026, 1, 1), D(2026, 12, 31), fiscal)


def test_reporting_periods_unknown_frequency_raises() -> None:
    with pytest.raises(ValueError):
        reporting_periods("weekly", D(2026, 1, 1), D(2026, 12, 31))


def test_reporting_periods_custom_ordered_by_start_date() -> None:
    late_same_start = CustomPeriod("ENDLINE2", ENDLINE.start, D(2027, 12, 31))
    given_order = [ENDLINE, late_same_start, BASELINE, MIDLINE]
    periods = reporting_periods("custom", D(2026, 1, 1), D(2026, 12, 31), custom_periods=given_order)
    assert codes(periods) == ["BASELINE", "MIDLINE", "ENDLINE", "ENDLINE2"]
    assert all(p.kind is C for p in periods)
    assert periods[0] == Period("BASELINE", BASELINE.start, BASELINE.end, C)


def test_reporting_periods_custom_ignores_fiscal_month_and_programme_dates() -> None:
    # As implemented: for `custom` the programme's periods are exactly the declared ones.
    periods = reporting_periods(Frequency.CUSTOM, D(2030, 1, 1), D(2030, 1, 2), 2, [MIDLINE])
    assert codes(periods) == ["MIDLINE"]


def test_reporting_periods_custom_empty() -> None:
    assert reporting_periods("custom", D(2026, 1, 1), D(2026, 12, 31)) == []


# ---------------------------------------------------------------------------------------------------
# validate_custom_periods
# ---------------------------------------------------------------------------------------------------


def test_validate_custom_periods_accepts_a_good_list() -> None:
    good = [
        BASELINE,
        MIDLINE,
        ENDLINE,
        CustomPeriod("Y1.mid-term_2", D(2026, 1, 1), D(2026, 1, 1)),  # one day
        CustomPeriod("X" * 40, D(2026, 1, 1), D(2026, 2, 1)),  # longest code
    ]
    assert validate_custom_periods(good) == []
    assert validate_custom_periods([]) == []


@pytest.mark.parametrize(
    "code",
    ["", "1ST", "2026Q1", "_BASE", "BASE LINE", "BASE/LINE", "X" * 41, "BASELINE\n", "ÉTAPE", " BASE"],
)
def test_validate_custom_periods_bad_code(code: str) -> None:
    problems = validate_custom_periods([CustomPeriod(code, D(2026, 1, 1), D(2026, 2, 1))])
    assert problems == [f"custom period 1: '{code}' is not a valid code"]


def test_custom_code_pattern_refuses_trailing_newline() -> None:
    assert CUSTOM_CODE_RE.match("BASELINE")
    assert not CUSTOM_CODE_RE.match("BASELINE\n")


def test_validate_custom_periods_duplicate_code() -> None:
    items = [BASELINE, MIDLINE, CustomPeriod("BASELINE", D(2027, 1, 1), D(2027, 2, 1))]
    assert validate_custom_periods(items) == ["custom period 'BASELINE' is declared twice"]


def test_validate_custom_periods_end_before_start() -> None:
    items = [CustomPeriod("MIDLINE", D(2026, 7, 1), D(2026, 6, 30))]
    assert validate_custom_periods(items) == ["custom period 'MIDLINE' ends before it starts"]


def test_validate_custom_periods_reports_every_problem_with_its_position() -> None:
    items = [
        BASELINE,
        CustomPeriod("9LINE", D(2026, 1, 1), D(2026, 2, 1)),
        CustomPeriod("BASELINE", D(2026, 3, 1), D(2026, 2, 1)),
        CustomPeriod("9LINE", D(2026, 1, 1), D(2026, 2, 1)),
    ]
    assert validate_custom_periods(items) == [
        "custom period 2: '9LINE' is not a valid code",
        "custom period 'BASELINE' is declared twice",
        "custom period 'BASELINE' ends before it starts",
        "custom period 4: '9LINE' is not a valid code",
        "custom period '9LINE' is declared twice",
    ]


# ---------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------

CALENDAR_FREQUENCIES = [Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.SEMIANNUAL, Frequency.ANNUAL]
KIND_OF = {
    Frequency.MONTHLY: {M},
    Frequency.QUARTERLY: {Q},
    Frequency.SEMIANNUAL: {S},
    Frequency.ANNUAL: {Y, FY},
}
dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))


@given(
    first=dates,
    second=dates,
    frequency=st.sampled_from(CALENDAR_FREQUENCIES),
    fiscal=st.sampled_from([1, 4, 7, 10]),
)
def test_reporting_periods_are_contiguous_ordered_overlapping_and_covering(
    first: date, second: date, frequency: Frequency, fiscal: int
) -> None:
    start, end = min(first, second), max(first, second)
    periods = reporting_periods(frequency, start, end, fiscal)

    assert periods, "a programme always has at least one reporting period"
    assert periods[0].start <= start <= periods[0].end
    assert periods[-1].start <= end <= periods[-1].end
    for previous, following in itertools.pairwise(periods):
        assert following.start == previous.end + timedelta(days=1)
        assert previous.sort_key < following.sort_key
    for period in periods:
        assert period.overlaps(start, end)
        assert period.start <= period.end
        assert period.kind in KIND_OF[frequency]
        assert parse_period(period.code) == period
        if frequency is Frequency.ANNUAL:
            assert period.start.month == fiscal
    assert len({p.code for p in periods}) == len(periods)


@given(first=dates, second=dates)
def test_monthly_period_count(first: date, second: date) -> None:
    start, end = min(first, second), max(first, second)
    expected = (end.year - start.year) * 12 + end.month - start.month + 1
    assert len(reporting_periods("monthly", start, end)) == expected


@given(day=dates, frequency=st.sampled_from(CALENDAR_FREQUENCIES), fiscal=st.sampled_from([1, 4, 7, 10]))
def test_one_day_programme_has_exactly_the_period_containing_it(
    day: date, frequency: Frequency, fiscal: int
) -> None:
    [period] = reporting_periods(frequency, day, day, fiscal)
    assert period.start <= day <= period.end

# SPDX-License-Identifier: GPL-3.0-or-later
"""Numbers as people type them (issue #7 §2): thousands separators, locales, refusals."""

from __future__ import annotations

import pytest

from pmdesk.domain.numbers import PLAUSIBLE_LIMIT, read_number

NNBSP, NBSP, THIN = "\u202f", "\u00a0", "\u2009"
EN = {"group_separator": ",", "decimal_separator": "."}
FR = {"group_separator": NNBSP, "decimal_separator": ","}
DE = {"group_separator": ".", "decimal_separator": ","}
CH = {"group_separator": "\u2019", "decimal_separator": "."}


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("1200", EN, 1200.0),
        ("1,200", EN, 1200.0),
        ("1 200", EN, 1200.0),
        (f"1{NBSP}200", EN, 1200.0),
        (f"1{NNBSP}200", EN, 1200.0),
        (f"1{THIN}200", EN, 1200.0),
        ("1'200", EN, 1200.0),
        ("1\u2019200", CH, 1200.0),
        ("12,345,678", EN, 12345678.0),
        ("1,200.5", EN, 1200.5),
        (" 7.5 ", EN, 7.5),
        (".5", EN, 0.5),
        ("5.", EN, 5.0),
        ("-3", EN, -3.0),  # signs are read; check_blocking refuses negative values
        ("+3", EN, 3.0),
        ("٣٤", EN, 34.0),  # Arabic-Indic digits
        # The locale's own separators
        (f"1{NNBSP}200,5", FR, 1200.5),
        ("1 200,5", FR, 1200.5),
        ("3,5", FR, 3.5),
        ("1,200", FR, 1.2),  # in French the comma is the decimal separator
        ("1.5", FR, 1.5),  # a point is read as the decimal point too
        ("1.200", DE, 1200.0),  # German groups with a point
        ("1.200,75", DE, 1200.75),
        ("3,5", DE, 3.5),
    ],
)
def test_typed_numbers_are_read(text: str, locale: dict[str, str], expected: float) -> None:
    assert read_number(text, "value", **locale) == expected


@pytest.mark.parametrize(
    ("text", "locale", "message"),
    [
        ("3e2", EN, "exponent notation"),
        ("1E6", EN, "exponent notation"),
        ("1.5e-3", EN, "exponent notation"),
        ("1,5", EN, "ambiguous"),  # 1.5 or 15? refused, not guessed
        ("12,50", EN, "ambiguous"),
        ("1,2345", EN, "ambiguous"),
        ("1.5", DE, "ambiguous"),  # German: 15 or 1,5?
        ("1 20", EN, "grouped in threes"),
        ("1 2000", EN, "grouped in threes"),
        ("1,200 300", EN, "mixed thousands separators"),
        ("1.2.3", EN, "more than one decimal point"),
        ("1,200.5.1", EN, "more than one decimal point"),
        ("1.2,000", EN, "must be a number"),  # separators after the decimal point
        ("1_000", EN, "must be a number"),  # Python's float() would take it
        ("0x10", EN, "must be a number"),
        ("12%", EN, "must be a number"),
        ("abc", EN, "must be a number"),
        ("", EN, "must be a number"),
        ("-", EN, "must be a number"),
        (".", EN, "must be a number"),
        ("nan", EN, "finite number"),
        ("-inf", EN, "finite number"),
    ],
)
def test_unclear_numbers_are_refused(text: str, locale: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_number(text, "value", **locale)


def test_refusal_names_the_field() -> None:
    with pytest.raises(ValueError, match=r"^denominator: '1,5' is ambiguous"):
        read_number("1,5", "denominator")


def test_plausibility_limit_is_ten_to_the_twelfth() -> None:
    assert PLAUSIBLE_LIMIT == 1e12


@pytest.mark.parametrize(
    ("value", "percent", "shown"),
    [
        (None, False, ""),
        (float("nan"), False, ""),
        (float("inf"), False, "∞"),
        (float("-inf"), False, "−∞"),
        (1200.0, False, "1200|0"),
        (12.5, False, "12.5|1"),
        (12.345, False, "12.35|2"),
        (12.3049, True, "12.3|1%"),
        (-0.001, False, "0|0"),  # never '-0'
        (2.999, False, "3|0"),
    ],
)
def test_one_rule_rounds_every_figure_shown(value: float | None, percent: bool, shown: str) -> None:
    """The screen (its locale) and the PDFs (thousands separators) only spell what this decides."""
    from pmdesk.domain.numbers import figure_text

    assert figure_text(value, lambda number, decimals: f"{number:g}|{decimals}", percent=percent) == shown

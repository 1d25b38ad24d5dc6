# SPDX-License-Identifier: GPL-3.0-or-later
"""period_code_from_label: what a user types, codes or the screens' labels, gives the period's code."""

from __future__ import annotations

from datetime import date

import pytest

from pmdesk.domain.enums import Frequency
from pmdesk.domain.periods import CustomPeriod, period_code_from_label, reporting_periods

MIDLINE = {"MIDLINE": CustomPeriod("MIDLINE", date(2025, 7, 1), date(2025, 12, 31))}


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2026Q2", "2026Q2"),
        ("2026 Q2", "2026Q2"),
        ("2026q2", "2026Q2"),
        ("2026-Q2", "2026Q2"),
        ("Q2 2026", "2026Q2"),
        ("  2026   Q2 ", "2026Q2"),
        ("Mar 2026", "202603"),
        ("march 2026", "202603"),
        ("Sept 2026", "202609"),
        ("2026-03", "202603"),
        ("2026/3", "202603"),
        ("202603", "202603"),
        ("2026 H1", "2026S1"),
        ("2026 S2", "2026S2"),
        ("2026s2", "2026S2"),
        ("2026", "2026"),
        ("FY Oct 2026", "2026Oct"),
        ("fy apr 2026", "2026Apr"),
        ("2026July", "2026Jul"),
        ("midline", "MIDLINE"),
        ("MIDLINE", "MIDLINE"),
    ],
)
def test_codes_and_labels_give_the_code(typed: str, code: str) -> None:
    assert period_code_from_label(typed, MIDLINE) == code


@pytest.mark.parametrize("typed", ["2026 Q5", "2026-13", "Foo 2026", "FY Feb 2026", "hello", ""])
def test_anything_else_comes_back_unchanged_for_the_caller_to_refuse(typed: str) -> None:
    assert period_code_from_label(typed) == typed.strip()


@pytest.mark.parametrize(
    ("frequency", "fiscal_start"),
    [
        (Frequency.MONTHLY, 1),
        (Frequency.QUARTERLY, 1),
        (Frequency.SEMIANNUAL, 1),
        (Frequency.ANNUAL, 1),
        (Frequency.ANNUAL, 10),
    ],
)
def test_every_label_the_screens_show_reads_back_as_its_code(frequency: Frequency, fiscal_start: int) -> None:
    for period in reporting_periods(frequency, date(2025, 1, 1), date(2027, 12, 31), fiscal_start):
        assert period_code_from_label(period.label()) == period.code

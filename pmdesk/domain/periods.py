# SPDX-License-Identifier: GPL-3.0-or-later
"""Periods in DHIS2 notation and a programme's custom periods: parse, order, list."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pmdesk.domain.enums import Frequency
from pmdesk.domain.errors import PmdeskError


class PeriodError(PmdeskError):
    pass


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"
    FISCAL_YEAR = "fiscal_year"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """A span of days, inclusive at both ends, known by its code."""

    code: str
    start: date
    end: date
    kind: PeriodKind

    @property
    def sort_key(self) -> tuple[date, date, str]:
        return (self.start, self.end, self.code)

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end

    def label(self) -> str:
        """A human label: 'Jan 2026', '2026 Q1', 'FY Oct 2026' …"""
        if self.kind is PeriodKind.MONTH:
            return self.start.strftime("%b %Y")
        if self.kind is PeriodKind.QUARTER:
            return f"{self.code[:4]} Q{self.code[5]}"
        if self.kind is PeriodKind.HALF_YEAR:
            return f"{self.code[:4]} H{self.code[5]}"
        if self.kind is PeriodKind.FISCAL_YEAR:
            return f"FY {self.start.strftime('%b %Y')}"
        return self.code


@dataclass(frozen=True)
class CustomPeriod:
    code: str
    start: date
    end: date


# DHIS2 writes "2026April" and "2026July"; DESIGN.md writes "2026Apr". Both are read, the short form
# is written.
_FISCAL_MONTHS = {"apr": 4, "april": 4, "jul": 7, "july": 7, "oct": 10, "october": 10}
_FISCAL_SUFFIX = {4: "Apr", 7: "Jul", 10: "Oct"}
FISCAL_START_MONTHS = (1, 4, 7, 10)

# re.ASCII: \d would otherwise accept any Unicode digit ('٢٠٢٦Q1') and yield a non-DHIS2 code.
_MONTH_RE = re.compile(r"^(\d{4})(\d{2})$", re.ASCII)
_QUARTER_RE = re.compile(r"^(\d{4})Q([1-4])$", re.ASCII)
_HALF_RE = re.compile(r"^(\d{4})S([12])$", re.ASCII)
_YEAR_RE = re.compile(r"^(\d{4})$", re.ASCII)
_FISCAL_RE = re.compile(r"^(\d{4})([A-Za-z]+)$", re.ASCII)
# \Z, not $: $ also matches before a trailing newline ('BASELINE\n').
CUSTOM_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,39}\Z")


def _month_end(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _span(year: int, month: int, months: int) -> tuple[date, date]:
    end_year, end_month = _add_months(year, month, months - 1)
    return date(year, month, 1), _month_end(end_year, end_month)


def parse_period(code: str, custom: Mapping[str, CustomPeriod] | None = None) -> Period:
    """Parse a DHIS2 period code, or look up a custom period by its code.

    Raises PeriodError with a message naming the code when it is neither.
    """
    text = code.strip() if isinstance(code, str) else ""
    if custom and text in custom:
        item = custom[text]
        return Period(item.code, item.start, item.end, PeriodKind.CUSTOM)
    try:
        if (m := _MONTH_RE.match(text)) is not None:
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12:
                raise PeriodError(f"'{code}' is not a period: month {month} does not exist")
            return Period(text, date(year, month, 1), _month_end(year, month), PeriodKind.MONTH)
        if (m := _QUARTER_RE.match(text)) is not None:
            year, quarter = int(m[1]), int(m[2])
            return Period(text, *_span(year, 3 * quarter - 2, 3), PeriodKind.QUARTER)
        if (m := _HALF_RE.match(text)) is not None:
            year, half = int(m[1]), int(m[2])
            return Period(text, *_span(year, 6 * half - 5, 6), PeriodKind.HALF_YEAR)
        if (m := _YEAR_RE.match(text)) is not None:
            year = int(m[1])
            return Period(text, date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR)
        if (m := _FISCAL_RE.match(text)) is not None and m[2].lower() in _FISCAL_MONTHS:
            year, month = int(m[1]), _FISCAL_MONTHS[m[2].lower()]
            canonical = f"{year}{_FISCAL_SUFFIX[month]}"
            return Period(canonical, *_span(year, month, 12), PeriodKind.FISCAL_YEAR)
    except ValueError as exc:  # year 0000, or a fiscal year ending after 9999
        raise PeriodError(f"'{code}' is not a period: {exc}") from None
    raise PeriodError(
        f"'{code}' is not a period: use 202603 (month), 2026Q1, 2026S1, 2026, 2026Apr/Jul/Oct "
        "(fiscal year) or a custom period code of the programme"
    )


_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_SEP = r"[\s\-/]*"
_PART_OF_YEAR_LABEL_RE = re.compile(rf"^(\d{{4}}){_SEP}([QSH])\s*(\d)$", re.ASCII | re.IGNORECASE)
_PART_BEFORE_YEAR_LABEL_RE = re.compile(rf"^([QSH])(\d){_SEP}(\d{{4}})$", re.ASCII | re.IGNORECASE)
_MONTH_LABEL_RE = re.compile(rf"^([A-Za-z]+)\.?{_SEP}(\d{{4}})$", re.ASCII)
_NUMERIC_MONTH_RE = re.compile(r"^(\d{4})[\s\-/]+(\d{1,2})$", re.ASCII)
_FISCAL_LABEL_RE = re.compile(rf"^FY{_SEP}([A-Za-z]+){_SEP}(\d{{4}})$", re.ASCII | re.IGNORECASE)


def period_code_from_label(text: str, custom: Mapping[str, CustomPeriod] | None = None) -> str:
    """The period code for what a user typed: a code, or a label as the screens show it.

    '2026 Q2', '2026q2', '2026-Q2' and 'Q2 2026' give '2026Q2'; 'Mar 2026', 'March 2026' and
    '2026-03' give '202603'; '2026 H1' and '2026 S1' give '2026S1'; 'FY Oct 2026' gives '2026Oct';
    a custom period's code is matched whatever its case. Anything else comes back stripped but
    unchanged, so `parse_period` (or the caller's lookup) reports it with its usual message.
    """
    stripped = " ".join(text.split())
    if custom:
        if stripped in custom:
            return stripped
        by_case = {code.casefold(): code for code in custom}
        if stripped.casefold() in by_case:
            return by_case[stripped.casefold()]
    candidate = stripped
    if (m := _PART_OF_YEAR_LABEL_RE.match(stripped)) or (m := _PART_BEFORE_YEAR_LABEL_RE.match(stripped)):
        year, part, number = (m[1], m[2], m[3]) if m.re is _PART_OF_YEAR_LABEL_RE else (m[3], m[1], m[2])
        candidate = f"{year}{'Q' if part.upper() == 'Q' else 'S'}{number}"
    elif (m := _FISCAL_LABEL_RE.match(stripped)) is not None:
        candidate = f"{m[2]}{m[1]}"
    elif (m := _MONTH_LABEL_RE.match(stripped)) is not None and m[1].lower() in _MONTH_NAMES:
        candidate = f"{m[2]}{_MONTH_NAMES[m[1].lower()]:02d}"
    elif (m := _NUMERIC_MONTH_RE.match(stripped)) is not None:
        candidate = f"{m[1]}{int(m[2]):02d}"
    try:
        return parse_period(candidate).code
    except PeriodError:
        return stripped


def is_valid_period(code: str, custom: Mapping[str, CustomPeriod] | None = None) -> bool:
    try:
        parse_period(code, custom)
    except PeriodError:
        return False
    return True


def _calendar_periods(frequency: Frequency, fiscal_start: int, start: date, end: date) -> list[Period]:
    months = {
        Frequency.MONTHLY: 1,
        Frequency.QUARTERLY: 3,
        Frequency.SEMIANNUAL: 6,
        Frequency.ANNUAL: 12,
    }[frequency]
    anchor_month = fiscal_start if frequency is Frequency.ANNUAL else 1
    # Step back from `start` to the first day of the period that contains it.
    year, month = _add_months(start.year, start.month, -((start.month - anchor_month) % months))
    result = []
    while date(year, month, 1) <= end:
        period = parse_period(period_code(frequency, fiscal_start, year, month))
        if period.overlaps(start, end):
            result.append(period)
        year, month = _add_months(year, month, months)
    return result


def period_code(frequency: Frequency, fiscal_start: int, year: int, month: int) -> str:
    """The code of the period of `frequency` that starts in year/month."""
    if frequency is Frequency.MONTHLY:
        return f"{year}{month:02d}"
    if frequency is Frequency.QUARTERLY:
        return f"{year}Q{(month - 1) // 3 + 1}"
    if frequency is Frequency.SEMIANNUAL:
        return f"{year}S{(month - 1) // 6 + 1}"
    if frequency is Frequency.ANNUAL:
        return str(year) if fiscal_start == 1 else f"{year}{_FISCAL_SUFFIX[fiscal_start]}"
    raise PeriodError(f"no period code for frequency {frequency}")


def reporting_periods(
    frequency: Frequency | str,
    start: date,
    end: date,
    fiscal_year_start_month: int = 1,
    custom_periods: Iterable[CustomPeriod] = (),
) -> list[Period]:
    """A programme's reporting periods, in order.

    For a calendar frequency: its periods that overlap [start, end] (annual periods follow the fiscal
    year). For `custom`: the custom periods, ordered by start date.
    """
    frequency = Frequency(frequency)
    if frequency is Frequency.CUSTOM:
        periods = [Period(c.code, c.start, c.end, PeriodKind.CUSTOM) for c in custom_periods]
        return sorted(periods, key=lambda p: p.sort_key)
    if fiscal_year_start_month not in FISCAL_START_MONTHS:
        raise PeriodError(
            f"fiscal year start month {fiscal_year_start_month} is not supported; "
            "use 1 (January), 4 (April), 7 (July) or 10 (October)"
        )
    if end < start:
        raise PeriodError(f"the programme ends ({end}) before it starts ({start})")
    return _calendar_periods(frequency, fiscal_year_start_month, start, end)


def validate_custom_periods(periods: Sequence[CustomPeriod]) -> list[str]:
    """Problems with a list of custom periods: bad or duplicate codes, end before start."""
    problems: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(periods):
        if not CUSTOM_CODE_RE.match(item.code):
            problems.append(f"custom period {index + 1}: '{item.code}' is not a valid code")
        elif is_valid_period(item.code):
            problems.append(f"custom period '{item.code}' clashes with a DHIS2 period code")
        if item.code in seen:
            problems.append(f"custom period '{item.code}' is declared twice")
        seen.add(item.code)
        if item.end < item.start:
            problems.append(f"custom period '{item.code}' ends before it starts")
    return problems

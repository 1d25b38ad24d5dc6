# SPDX-License-Identifier: GPL-3.0-or-later
"""Checking and writing many DataValues at once: shared by programme packages and values import.

The rules are those of single-cell data entry (pmdesk.services.data_entry): the same blocking
checks (pmdesk.domain.value_checks), the same refusal to mix totals with per-option values, the
same lock on approved values and the same warnings. Only the mechanics differ: a batch may hold a
million values, so everything is resolved through in-memory dictionaries, checked before anything
is written, and written with bulk INSERT / UPDATE statements instead of one ORM object per value.

A million values must import in a few times what SQLite itself needs to store them
(tests/benchmarks/bench_core.py), so the per-value work avoids what is cheap once but not a
million times: matching codes and checking figures already seen, frozen dataclasses, the ORM and
SQLAlchemy's parameter handling, and sorting a cell's history again for each of its periods.
"""

from __future__ import annotations

import math
import re
import secrets
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from pmdesk.domain.enums import Measure, ValueStatus
from pmdesk.domain.errors import Problem
from pmdesk.domain.iptt import ratio_percent
from pmdesk.domain.periods import CustomPeriod, PeriodError, PeriodKind, parse_period
from pmdesk.domain.value_checks import (
    MIN_HISTORY_FOR_OUTLIERS,
    WARNING_OUTLIER,
    WARNING_OVER_TARGET,
    CheckedValue,
    FieldValueError,
    check_blocking,
    is_on_target,
    is_outlier_in_series,
    is_over_target,
)
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.cells import CellResolver
from pmdesk.services.lookups import combo_key
from pmdesk.storage.models import (
    DataValueRow,
    DisaggregationRow,
    HistoryRow,
    OptionComboRow,
    OptionRow,
    ProgrammeRow,
    SiteRow,
    TargetRow,
    utcnow,
)

# The code rule of pmdesk.services.programmes.CODE_RE, anchored with \Z: '$' would also accept a
# trailing newline.
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}\Z")
CODE_RULE = "1–40 letters, digits, '.', '_' or '-', starting with a letter or digit"
MAX_TEXT = 10_000
MAX_PERIOD_CODE = 40
# A file where every line is wrong would otherwise build a million Problems; the first ones say
# what is wrong, the count says how much.
MAX_PROBLEMS = 1000

VALUE_FIELDS = frozenset(
    {
        "indicator",
        "period",
        "site",
        "options",
        "value",
        "numerator",
        "denominator",
        "text",
        "comment",
        "status",
        "status_reason",
    }
)
REQUIRED_VALUE_FIELDS = ("indicator", "period", "site")
STATUSES = tuple(s.value for s in ValueStatus)
_STATUS_SET = frozenset(STATUSES)
# A cell's series holds the value itself and its history: no fewer than this to flag an outlier.
MIN_SERIES = MIN_HISTORY_FOR_OUTLIERS + 1
_MAX_FLOAT = sys.float_info.max

# Where a problem is: (index of the item in the batch, field or "", message) → Problem.
Locate = Callable[[int, str, str], Problem]

# A long job's report: (done, total, what is being done). The UI's callback raises JobCancelled
# once the user cancels; the services call it inside their transaction, so that rolls back.
ProgressFn = Callable[[int, int, str], None]
# Often enough for a progress bar to move about once a second, rarely enough to cost nothing.
REPORT_EVERY = 10_000
# Rows per bulk statement: memory stays flat and progress is reported between statements.
WRITE_CHUNK = 10_000
# SQLite's page cache while a batch is written, in KiB (PRAGMA cache_size takes it negated). The
# default 2 MiB cannot hold the pages of four indexes growing at once; with 64 MiB a million
# rows go in about twice as fast. Restored afterwards.
BULK_CACHE_KIB = 65_536


def report(progress: ProgressFn | None, done: int, total: int, message: str) -> None:
    if progress is not None:
        progress(done, total, message)


def count_text(count: int, word: str) -> str:
    """'1 value', '120,000 values': how progress messages count."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def json_locator(base: str) -> Locate:
    """Problems located by JSON path: `$.values[3].period`."""

    def locate(index: int, field_name: str, message: str) -> Problem:
        where = f"{base}[{index}]"
        return Problem(f"{where}.{field_name}" if field_name else where, message)

    return locate


class ProblemList:
    """Collects problems, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.dropped = 0

    def add(self, problem: Problem) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)
        else:
            self.dropped += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def __bool__(self) -> bool:
        return bool(self.items)

    def final(self) -> list[Problem]:
        """The problems in the order of the input (row 2 before row 10, $.values[9] before
        $.values[10]), then how many were left out."""
        ordered = sorted(self.items, key=lambda p: _natural(p.location))
        if self.dropped:
            return [*ordered, Problem("", f"… and {self.dropped} more problems not listed")]
        return ordered


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(text) if part)


_DIGITS = re.compile(r"(\d+)")


def describe(value: object) -> str:
    """A short description of a JSON value for messages (never a 10 MB string)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number" if is_number(value) else "a number too large to store"
    if isinstance(value, str):
        return f"the text {short(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def literal(value: object) -> str:
    """A value as a message quotes it: 'weekly', 3, null."""
    if isinstance(value, str):
        return short(value)
    if is_number(value):
        return repr(value)
    return describe(value)


def short(text: str) -> str:
    """A string quoted for a message, cut at 40 characters."""
    return repr(text if len(text) <= 40 else text[:40] + "…")


def code_problem(value: object) -> str | None:
    """Why `value` is not a valid code, or None when it is one."""
    if not isinstance(value, str):
        return f"must be a code, not {describe(value)}"
    if not CODE_RE.match(value):
        return f"{short(value)} is not a valid code: {CODE_RULE}"
    return None


def is_number(value: object) -> bool:
    """A JSON number that fits a float (not true/false, not NaN or infinite, not 10**400)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, int):
        try:
            float(value)
        except OverflowError:
            return False
        return True
    return False


def value_item_problems(item: object, index: int, locate: Locate) -> list[Problem]:
    """The shape rules of `$defs/value` in programme.schema.json, checked by hand.

    jsonschema needs about half a millisecond per item, eight minutes for a million values; this
    does the same in microseconds. tests/unit/test_packages.py checks that both agree.
    """
    if not isinstance(item, dict):
        return [locate(index, "", f"must be an object, not {describe(item)}")]
    found: list[Problem] = []
    for name in REQUIRED_VALUE_FIELDS:
        if name not in item:
            found.append(locate(index, "", f"'{name}' is required"))
    unknown = sorted(k for k in item if k not in VALUE_FIELDS)
    if unknown:
        found.append(locate(index, "", f"unknown field {_quoted(unknown)}"))
    for name in ("indicator", "site"):
        if name in item and (why := code_problem(item[name])) is not None:
            found.append(locate(index, name, why))
    if "period" in item:
        period = item["period"]
        if not isinstance(period, str) or not 1 <= len(period) <= MAX_PERIOD_CODE:
            found.append(locate(index, "period", f"must be a period code, not {describe(period)}"))
    if "options" in item:
        options = item["options"]
        if not isinstance(options, dict):
            found.append(locate(index, "options", f"must be an object, not {describe(options)}"))
        else:
            for key, option in options.items():
                if (why := code_problem(key)) is not None:
                    found.append(locate(index, "options", f"disaggregation {why}"))
                elif (why := code_problem(option)) is not None:
                    found.append(locate(index, f"options.{key}", why))
    for name in ("value", "numerator", "denominator"):
        number = item.get(name)
        if number is not None and not is_number(number):
            found.append(locate(index, name, f"must be a number or null, not {describe(number)}"))
    for name, nullable in (("text", True), ("comment", False), ("status_reason", False)):
        if name not in item:
            continue
        text = item[name]
        if text is None and nullable:
            continue
        if not isinstance(text, str):
            found.append(locate(index, name, f"must be text, not {describe(text)}"))
        elif len(text) > MAX_TEXT:
            found.append(locate(index, name, f"is longer than {MAX_TEXT:,} characters"))
    if "status" in item and item["status"] not in STATUSES:
        found.append(
            locate(index, "status", f"{literal(item['status'])} is not one of: {', '.join(STATUSES)}")
        )
    return found


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def value_items_problems(
    items: Sequence[object],
    locate: Locate,
    problems: ProblemList,
    progress: ProgressFn | None = None,
) -> None:
    """`value_item_problems` for every item of a batch, added to `problems`.

    A well-formed item is recognised on a fast path that remembers the codes it has matched
    (a million values name a few hundred codes); any other item goes through
    value_item_problems, so the messages are always its messages.
    """
    good: set[str] = set()
    match = CODE_RE.match

    def is_code(value: object) -> bool:
        if type(value) is not str:
            return False
        if value in good:
            return True
        if match(value):
            good.add(value)
            return True
        return False

    total = len(items)
    message = f"Reading {count_text(total, 'value')}"
    for index, item in enumerate(items):
        if not index % REPORT_EVERY:
            report(progress, index, total, message)
        if type(item) is dict and item.keys() <= VALUE_FIELDS and _is_plain(item, is_code):
            continue
        problems.extend(value_item_problems(item, index, locate))


def _is_plain(item: dict[str, Any], is_code: Callable[[object], bool]) -> bool:
    """Whether value_item_problems would find nothing: a strict subset of its rules (exact
    types, no NaN, no integer too large for a float), so anything unusual takes the long way."""
    period = item.get("period")
    if not (
        is_code(item.get("indicator"))
        and is_code(item.get("site"))
        and type(period) is str
        and 0 < len(period) <= MAX_PERIOD_CODE
    ):
        return False
    if "options" in item:
        options = item["options"]
        if type(options) is not dict:
            return False
        for key, option in options.items():
            if not (is_code(key) and is_code(option)):
                return False
    for name in ("value", "numerator", "denominator"):
        number = item.get(name)
        # Comparisons with an int are exact, so the range test also refuses 10**400; NaN fails it.
        if number is not None and not (
            (type(number) is int or type(number) is float) and -_MAX_FLOAT <= number <= _MAX_FLOAT
        ):
            return False
    text = item.get("text")
    if text is not None and not (type(text) is str and len(text) <= MAX_TEXT):
        return False
    for name in ("comment", "status_reason"):
        if name in item:
            text = item[name]
            if not (type(text) is str and len(text) <= MAX_TEXT):
                return False
    if "status" in item:
        status = item["status"]
        if not (type(status) is str and status in _STATUS_SET):
            return False
    return True


# -- resolving codes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRef:
    code: str
    measure: Measure
    disaggregations: tuple[str, ...]  # codes, in the indicator's order
    allows_decimals: bool = False
    unit: str = ""


@dataclass(frozen=True)
class Catalog:
    """A programme's codes, in memory: what a batch of values may refer to.

    Built from a programme package before anything is written, or from the database
    (`from_resolver`). `periods` None means the reporting periods are unknown (the programme's own
    dates are wrong, which is reported elsewhere), so periods are not checked.
    """

    programme_code: str
    periods: tuple[str, ...] | None
    custom: Mapping[str, CustomPeriod]
    indicators: Mapping[str, IndicatorRef]
    sites: Set[str]
    options: Mapping[str, Set[str]]  # disaggregation code → its option codes

    @classmethod
    def from_resolver(cls, resolver: CellResolver) -> Catalog:
        custom = {
            p.code: CustomPeriod(p.code, p.start, p.end)
            for p in resolver.periods.values()
            if p.kind is PeriodKind.CUSTOM
        }
        return cls(
            resolver.programme.code,
            tuple(resolver.periods),
            custom,
            {
                code: IndicatorRef(
                    code, facts.measure, facts.disaggregations, facts.allows_decimals, facts.unit
                )
                for code, facts in resolver.indicators.items()
            },
            frozenset(resolver.sites),
            {d: frozenset(o) for d, o in resolver.options.items()},
        )


@dataclass(slots=True)  # not frozen: a frozen dataclass takes five times as long to build
class CheckedItem:
    """One value of a batch that passed every check, named by codes. Treat it as read-only."""

    index: int
    indicator: str
    period: str  # canonical code
    site: str
    options: tuple[tuple[str, str], ...]  # (disaggregation, option), in the indicator's order
    measure: Measure
    checked: CheckedValue
    comment: str | None  # None: keep the comment a replaced value already has
    status: ValueStatus | None  # None: draft when new, the data-entry rule when replacing
    status_reason: str | None

    @property
    def is_total(self) -> bool:
        return not self.options


def options_text(options: Iterable[tuple[str, str]]) -> str:
    """Options as the CSV writes them: SEX=F;AGE=U18."""
    return ";".join(f"{d}={o}" for d, o in options)


def value_label(indicator: str, site: str, period: str, options: Iterable[tuple[str, str]] = ()) -> str:
    """How History and messages name a cell (data_entry's label, plus the options if any)."""
    label = f"{indicator} · {site} · {period}"
    text = options_text(options)
    return f"{label} · {text}" if text else label


_MEASURE_FIELDS = {
    Measure.NUMBER: ("value",),
    Measure.PERCENT: ("numerator", "denominator"),
    Measure.QUALITATIVE: ("text",),
}
_MEASURE_WORDS = {
    Measure.NUMBER: "counts a number: give 'value'",
    Measure.PERCENT: "is a percentage: give 'numerator' and 'denominator'",
    Measure.QUALITATIVE: "is qualitative: give 'text'",
}


def _given(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _blocking_field(measure: Measure, message: str, item: Mapping[str, object]) -> str:
    """Which field a check_blocking message is about."""
    if measure is Measure.NUMBER:
        return "value"
    if measure is Measure.QUALITATIVE:
        return "text"
    if message.startswith("denominator"):
        return "denominator"
    if message.startswith("a percent") and _given(item.get("numerator")):
        return "denominator"
    return "numerator"


def _code_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def check_items(
    catalog: Catalog,
    items: Sequence[Mapping[str, Any]],
    locate: Locate,
    problems: ProblemList,
    progress: ProgressFn | None = None,
) -> list[CheckedItem]:
    """Check a batch of value items (package or values-import items) against a programme.

    Adds every problem found to `problems` and returns the items that passed; the caller writes
    nothing unless `problems` stays empty. Covers unknown codes, periods, options, the blocking
    value checks, a cell given twice and totals mixed with per-option values within the batch.
    """
    programme = catalog.programme_code
    period_set = set(catalog.periods) if catalog.periods is not None else None
    indicators = catalog.indicators
    sites = catalog.sites
    # A million values name a few dozen periods and option sets, and mostly repeat a few thousand
    # figures: resolve and check each once. A CheckedValue is immutable, so items may share one.
    # Zeros are left out of the figures: 0 and -0.0 are equal keys but not the same value.
    periods: dict[object, tuple[str, str]] = {}
    option_sets: dict[tuple[str, object], tuple[tuple[tuple[str, str], ...] | None, list[str]]] = {}
    # Keyed by whether the indicator allows decimals: 12.5 passes for one indicator, not another.
    numbers_by: dict[bool, dict[object, CheckedValue]] = {False: {}, True: {}}
    ratios_by: dict[bool, dict[tuple[object, object], CheckedValue]] = {False: {}, True: {}}
    checked_items: list[CheckedItem] = []
    append = checked_items.append
    total = len(items)
    message = f"Checking {count_text(total, 'value')}"
    for index, item in enumerate(items):
        if not index % REPORT_EVERY:
            report(progress, index, total, message)
        get = item.get
        ok = True
        code = get("indicator")
        code = code.strip() if type(code) is str else _code_text(code)
        indicator = indicators.get(code)
        if indicator is None:
            problems.add(locate(index, "indicator", f"programme {programme} has no indicator '{code}'"))
            ok = False
        raw_period = get("period")
        raw_period = raw_period if isinstance(raw_period, str) else None
        resolved = periods.get(raw_period)
        if resolved is None:
            resolved = periods[raw_period] = _resolve_period(catalog, raw_period, period_set)
        period, why = resolved
        if why:
            problems.add(locate(index, "period", why))
            ok = False
        site = get("site")
        site = site.strip() if type(site) is str else _code_text(site)
        if site not in sites:
            problems.add(locate(index, "site", f"site '{site}' is not in programme {programme}"))
            ok = False
        raw_options = get("options")
        found = None
        options_key: tuple[str, object] | None = None
        if raw_options is None or type(raw_options) is dict:
            options_key = (code, tuple(raw_options.items()) if raw_options else ())
            try:
                found = option_sets.get(options_key)
            except TypeError:  # a list or an object as an option
                options_key = None
        if found is None:
            found = _resolve_options(catalog, indicator, raw_options)
            if options_key is not None:
                option_sets[options_key] = found
        options, whys = found
        for why in whys:
            problems.add(locate(index, "options", why))
        if options is None:
            ok = False
        if indicator is None:
            continue
        measure = indicator.measure
        value, numerator, denominator, text = get("value"), get("numerator"), get("denominator"), get("text")
        if measure is Measure.QUALITATIVE and not _given(text) and isinstance(value, str):
            # A spreadsheet user types the text of a qualitative indicator in the value column.
            text, value = value, None
        # Only the fields of the indicator's measure may be given; in most items the others are
        # simply absent, which spares building the list of them.
        if measure is Measure.NUMBER:
            others_absent = numerator is None and denominator is None and text is None
        elif measure is Measure.PERCENT:
            others_absent = value is None and text is None
        else:
            others_absent = value is None and numerator is None and denominator is None
        wrong: list[str] = []
        if not others_absent:
            given = {"value": value, "numerator": numerator, "denominator": denominator, "text": text}
            wrong = [n for n, raw in given.items() if n not in _MEASURE_FIELDS[measure] and _given(raw)]
            for name in wrong:
                problems.add(
                    locate(index, name, f"indicator {indicator.code} {_MEASURE_WORDS[measure]}, not '{name}'")
                )
        raw_status = get("status")
        has_status, status = (
            (True, None) if raw_status is None else _status(raw_status, index, locate, problems)
        )
        figures = (value, numerator, denominator, text)
        checked: CheckedValue | None = None
        if measure is Measure.NUMBER and value and (type(value) is int or type(value) is float):
            numbers = numbers_by[indicator.allows_decimals]
            checked = numbers.get(value)
            if checked is None:
                checked = _checked_or_problem(indicator, figures, index, locate, problems)
                if checked is not None:
                    numbers[value] = checked
        elif (
            measure is Measure.PERCENT
            and numerator
            and denominator
            and (type(numerator) is int or type(numerator) is float)
            and (type(denominator) is int or type(denominator) is float)
        ):
            ratios = ratios_by[indicator.allows_decimals]
            checked = ratios.get((numerator, denominator))
            if checked is None:
                checked = _checked_or_problem(indicator, figures, index, locate, problems)
                if checked is not None:
                    ratios[(numerator, denominator)] = checked
        else:
            checked = _checked_or_problem(indicator, figures, index, locate, problems)
        if checked is None or not ok or wrong or not has_status:
            continue
        comment = get("comment")
        if comment is not None:
            comment = comment.strip() if isinstance(comment, str) and comment.strip() else None
        reason = get("status_reason")
        append(
            CheckedItem(
                index,
                indicator.code,
                period,
                site,
                options or (),
                measure,
                checked,
                comment,
                status,
                reason.strip() if isinstance(reason, str) else None,
            )
        )
    _check_batch_cells(checked_items, locate, problems)
    return checked_items


def _checked_or_problem(
    indicator: IndicatorRef,
    figures: tuple[object, object, object, object],
    index: int,
    locate: Locate,
    problems: ProblemList,
) -> CheckedValue | None:
    """check_blocking on an item's (value, numerator, denominator, text), or None with the
    problem added."""
    value, numerator, denominator, text = figures
    measure = indicator.measure
    try:
        return check_blocking(
            measure,
            value,
            numerator,
            denominator,
            text,
            allows_decimals=indicator.allows_decimals,
            indicator=indicator.code,
            unit=indicator.unit,
        )
    except FieldValueError as exc:
        problems.add(locate(index, exc.field, str(exc)))
        return None
    except ValueError as exc:
        message = str(exc)
        given = {"value": value, "numerator": numerator, "denominator": denominator, "text": text}
        problems.add(locate(index, _blocking_field(measure, message, given), message))
        return None


def _resolve_period(catalog: Catalog, raw: object, period_set: set[str] | None) -> tuple[str, str]:
    """(canonical code, "") or ("", why it is refused)."""
    try:
        period = parse_period(_code_text(raw), catalog.custom).code
    except PeriodError as exc:
        return "", str(exc)
    if period_set is not None and period not in period_set:
        return "", _not_reporting(catalog, period)
    return period, ""


def _not_reporting(catalog: Catalog, period: str) -> str:
    span = f" ({catalog.periods[0]} … {catalog.periods[-1]})" if catalog.periods else ""
    return f"'{period}' is not a reporting period of {catalog.programme_code}{span}"


def _status(
    value: object, index: int, locate: Locate, problems: ProblemList
) -> tuple[bool, ValueStatus | None]:
    """(acceptable, the requested status or None when none was given)."""
    if not _given(value):
        return True, None
    try:
        return True, ValueStatus(_code_text(value))
    except ValueError:
        problems.add(locate(index, "status", f"{literal(value)} is not one of: {', '.join(STATUSES)}"))
        return False, None


def _resolve_options(
    catalog: Catalog, indicator: IndicatorRef | None, raw: object
) -> tuple[tuple[tuple[str, str], ...] | None, list[str]]:
    """((disaggregation, option) pairs in the indicator's order, () = total), or None and why."""
    if raw is None or raw == {}:
        return (), []
    if not isinstance(raw, Mapping):
        return None, [f"must be an object, not {describe(raw)}"]
    options = {_code_text(k): _code_text(v) for k, v in raw.items()}
    whys = []
    for disagg, option in options.items():
        known = catalog.options.get(disagg)
        if known is None:
            whys.append(f"programme {catalog.programme_code} has no disaggregation '{disagg}'")
        elif option not in known:
            listed = ", ".join(sorted(known)) or "none"
            whys.append(f"'{option}' is not an option of {disagg} (options: {listed})")
    if indicator is None or whys:
        return None, whys
    # The messages of CellResolver.combo, so both paths say the same thing.
    unknown = [d for d in options if d not in indicator.disaggregations]
    if unknown:
        used = ", ".join(indicator.disaggregations) or "none"
        return None, [f"indicator {indicator.code} is not disaggregated by '{unknown[0]}' (it uses: {used})"]
    missing = [d for d in indicator.disaggregations if d not in options]
    if missing:
        return None, [
            f"indicator {indicator.code} needs an option for every disaggregation it uses; "
            f"missing '{missing[0]}' (or give no options for an undisaggregated total)"
        ]
    return tuple((d, options[d]) for d in indicator.disaggregations), []


def _check_batch_cells(items: Sequence[CheckedItem], locate: Locate, problems: ProblemList) -> None:
    """A cell given twice, and a total mixed with per-option values for one place, in the batch."""
    # An item's options are in its indicator's order, so (indicator, period, site, options) names
    # a cell the same way however the file ordered them.
    first: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], int] = {}
    # Each place's first item (is it a total, where), and for the places that hold both kinds,
    # the first item of the other kind.
    kinds: dict[tuple[str, str, str], tuple[bool, int]] = {}
    mixed: dict[tuple[str, str, str], int] = {}
    for item in items:
        index = item.index
        cell = (item.indicator, item.period, item.site, item.options)
        seen = first.setdefault(cell, index)
        if seen != index:
            # The other item's location, as the batch names locations (JSON path or file row).
            where = locate(seen, "", "").location
            problems.add(
                locate(
                    index,
                    "",
                    f"{value_label(item.indicator, item.site, item.period, item.options)} "
                    f"is given twice (also at {where})",
                )
            )
            continue
        place = cell[:3]
        is_total = not item.options
        if kinds.setdefault(place, (is_total, index))[0] != is_total and place not in mixed:
            mixed[place] = index
    if not mixed:
        return
    for place, (opener_is_total, opener) in kinds.items():  # in the order places first appear
        other = mixed.get(place)
        if other is None:
            continue
        total_at, options_at = (opener, other) if opener_is_total else (other, opener)
        indicator, period, site = place
        problems.add(
            locate(
                options_at,
                "options",
                f"{value_label(indicator, site, period)} has values per option and an "
                f"undisaggregated total (at {locate(total_at, '', '').location}); give one or the other",
            )
        )


# -- writing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchCounts:
    created: int
    replaced: int
    unchanged: int
    warnings: int  # created or replaced values that carry a warning


# indicator id, period, site id, combo key: one cell. The key, not the combo id, because the combos
# of a batch may not exist yet when it is planned.
CellKey = tuple[int, str, int, str]


@dataclass(slots=True)
class _Existing:
    id: int
    uuid: str
    value: float | None
    numerator: float | None
    denominator: float | None
    text: str | None
    comment: str
    status: str
    status_reason: str


@dataclass
class _Plan:
    creates: list[CheckedItem] = field(default_factory=list)
    create_keys: list[CellKey] = field(default_factory=list)  # one per item of `creates`
    replaces: list[tuple[CheckedItem, CellKey, _Existing]] = field(default_factory=list)
    unchanged: int = 0


def shown(
    value: float | None, numerator: float | None, denominator: float | None, text: str | None
) -> object:
    """A value as History keeps it (as data_entry does): the number, 'n/d' for a ratio, or the text."""
    if numerator is not None or denominator is not None:
        return f"{history.as_text(numerator)}/{history.as_text(denominator)}"
    return value if text is None else text


def ordered_uuids(count: int) -> Iterator[str]:
    """`count` new UUIDs in increasing order, in the layout of RFC 9562 version 7.

    Random (version 4) UUIDs scatter a batch's rows over the whole uuid index, one page each;
    these count up from a random start after the time and random bits, so a batch fills the index
    at one place. 74 random bits per batch and the time to the millisecond keep them apart from
    every other device's and batch's; the UNIQUE constraint refuses the batch if ever they meet.
    """
    millis = f"{time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF:012x}"
    # version 7, 12 random bits; variant 0b10, 14 random bits; then 48 bits counting up.
    prefix = f"{millis[:8]}-{millis[8:]}-7{secrets.randbits(12):03x}-{0x8000 | secrets.randbits(14):04x}-"
    start = secrets.randbelow(max(1, (1 << 48) - count))
    return (f"{prefix}{n:012x}" for n in range(start, start + count))


# Statuses as stored, by the requested status (None: a new value is a draft).
_STATUS_TEXT: dict[ValueStatus | None, str] = {None: ValueStatus.DRAFT.value} | {
    s: s.value for s in ValueStatus
}
_INSERT_COLUMNS = (
    "uuid",
    "modified_at",
    "indicator_id",
    "period",
    "site_id",
    "combo_id",
    "value",
    "numerator",
    "denominator",
    "text",
    "comment",
    "warnings",
    "status",
    "status_reason",
    "entered_by",
    "entered_at",
    "device_uuid",
)
_UPDATE_COLUMNS = (
    "modified_at",
    "value",
    "numerator",
    "denominator",
    "text",
    "comment",
    "warnings",
    "status",
    "status_reason",
    "entered_by",
    "entered_at",
    "device_uuid",
)


class ValueWriter:
    """Plans and writes a checked batch of values into one programme, in the caller's transaction.

    `plan` reads what the database already holds for the cells of the batch and adds the
    problems only the database can reveal (a locked value, a total mixed with per-option values
    already stored); `apply` then writes with bulk statements and records replacements in History.
    """

    def __init__(
        self, session: Session, actor: Actor, programme: ProgrammeRow, resolver: CellResolver | None = None
    ) -> None:
        self._session = session
        self._actor = actor
        self._programme = programme
        pid = programme.id
        resolver = resolver or CellResolver(session, programme)
        self._indicators: dict[str, int] = {code: facts.id for code, facts in resolver.indicators.items()}
        self._sites: dict[str, int] = dict(
            session.execute(select(SiteRow.code, SiteRow.id).where(SiteRow.programme_id == pid)).all()
        )
        self._options: dict[tuple[str, str], int] = {
            (d, o): i
            for d, o, i in session.execute(
                select(DisaggregationRow.code, OptionRow.code, OptionRow.id)
                .join(OptionRow, OptionRow.disaggregation_id == DisaggregationRow.id)
                .where(DisaggregationRow.programme_id == pid)
            ).all()
        }
        self._combos: dict[str, int] = dict(
            session.execute(select(OptionComboRow.key, OptionComboRow.id)).all()
        )
        self._plan: _Plan | None = None
        self._existing: dict[CellKey, _Existing] = {}

    @property
    def has_changes(self) -> bool:
        """Whether the planned batch creates or replaces anything."""
        return self._plan is not None and bool(self._plan.creates or self._plan.replaces)

    def cell_key(self, item: CheckedItem) -> CellKey:
        key = combo_key(self._options[pair] for pair in item.options)
        return (self._indicators[item.indicator], item.period, self._sites[item.site], key)

    def _cell_keys(self, items: Sequence[CheckedItem]) -> list[CellKey]:
        """cell_key of every item, each distinct set of options turned into a combo key once."""
        indicators, sites, options = self._indicators, self._sites, self._options
        combo_keys: dict[tuple[tuple[str, str], ...], str] = {}
        keys: list[CellKey] = []
        append = keys.append
        for item in items:
            key = combo_keys.get(item.options)
            if key is None:
                key = combo_keys[item.options] = combo_key(options[pair] for pair in item.options)
            append((indicators[item.indicator], item.period, sites[item.site], key))
        return keys

    def plan(
        self, items: Sequence[CheckedItem], locate: Locate, problems: ProblemList, *, is_new: bool = False
    ) -> None:
        """Sort the batch into new, replacing and unchanged values; add database-level problems.

        `is_new`: the programme was created in this transaction, so nothing is stored yet.
        """
        keys = self._cell_keys(items)
        if not is_new:
            self._load_existing(keys)
        plan = _Plan()
        self._plan = plan
        if not self._existing:
            # Nothing stored at these cells' places: every value is new and none can clash.
            plan.creates, plan.create_keys = list(items), keys
            return
        stored_kinds: dict[tuple[int, str, int], set[bool]] = defaultdict(set)
        for key in self._existing:
            stored_kinds[key[:3]].add(key[3] == "")
        reported: set[tuple[int, str, int]] = set()
        for item, key in zip(items, keys):
            place = key[:3]
            if (not item.is_total) in stored_kinds.get(place, ()):
                if place in reported:
                    continue  # one message per place is enough
                reported.add(place)
                label = value_label(item.indicator, item.site, item.period)
                if item.is_total:
                    message = f"{label} already has values per option; clear them before importing an undisaggregated total"
                else:
                    message = f"{label} already has an undisaggregated total; clear it before importing values per option"
                problems.add(locate(item.index, "options", message))
                continue
            old = self._existing.get(key)
            if old is None:
                plan.creates.append(item)
                plan.create_keys.append(key)
                continue
            c = item.checked
            changed = (
                shown(c.value, c.numerator, c.denominator, c.text)
                != shown(old.value, old.numerator, old.denominator, old.text)
                or (item.comment is not None and item.comment != old.comment)
                or (item.status is not None and item.status.value != old.status)
                or (item.status_reason is not None and item.status_reason != old.status_reason)
            )
            if not changed:
                plan.unchanged += 1
            elif old.status == ValueStatus.APPROVED:
                label = value_label(item.indicator, item.site, item.period, item.options)
                problems.add(
                    locate(
                        item.index,
                        "",
                        f"{label} is approved and locked; reopen it with a reason before importing a new value",
                    )
                )
            else:
                plan.replaces.append((item, key, old))

    def _load_existing(self, keys: Sequence[CellKey]) -> None:
        """Every stored value of the batch's indicators at the batch's sites (all periods, for the
        outlier history and the site totals)."""
        indicator_ids = sorted({k[0] for k in keys})
        site_ids = {k[2] for k in keys}
        combo_keys = {v: k for k, v in self._combos.items()}
        # Filtered by indicator in SQL, and by site in SQL only when the batch touches few sites:
        # a batch can touch more sites than SQLite accepts bound parameters.
        few_sites = sorted(site_ids) if len(site_ids) <= 500 else None
        for chunk in _chunks(indicator_ids, 500):
            stmt = select(
                DataValueRow.id,
                DataValueRow.uuid,
                DataValueRow.indicator_id,
                DataValueRow.period,
                DataValueRow.site_id,
                DataValueRow.combo_id,
                DataValueRow.value,
                DataValueRow.numerator,
                DataValueRow.denominator,
                DataValueRow.text,
                DataValueRow.comment,
                DataValueRow.status,
                DataValueRow.status_reason,
            ).where(DataValueRow.indicator_id.in_(chunk))
            if few_sites is not None:
                stmt = stmt.where(DataValueRow.site_id.in_(few_sites))
            rows = self._session.execute(stmt).all()
            for row_id, row_uuid, ind, period, site, combo, *figures in rows:
                if site not in site_ids:
                    continue
                key = (ind, period, site, combo_keys.get(combo, ""))
                self._existing[key] = _Existing(row_id, row_uuid, *figures)

    def apply(self, progress: ProgressFn | None = None, *, at: datetime | None = None) -> BatchCounts:
        """Write the planned batch; call only when `plan` found no problems.

        `progress` is told how many values are written, every WRITE_CHUNK of them; if it raises,
        the caller's transaction (and so every row written so far) rolls back. `at` (default now)
        is stamped on every value written and History row: an import passes its log's time.
        """
        if self._plan is None:
            raise RuntimeError("plan() first")
        plan = self._plan
        session = self._session
        self._create_combos({key[3] for key in plan.create_keys})
        warnings = self._warnings(plan)
        total = len(plan.creates) + len(plan.replaces)
        message = f"Writing {count_text(total, 'value')}"
        report(progress, 0, total, message)
        # The driver's own connection, in the session's transaction: SQLAlchemy's handling of a
        # million parameter sets costs more than SQLite's storing them. Rows the ORM still holds
        # (a new programme's indicators and sites) go first, for the foreign keys.
        session.flush()
        driver = session.connection().connection.driver_connection
        assert driver is not None
        table = cast(Table, DataValueRow.__table__)
        dialect = session.get_bind().dialect
        to_text = table.c.entered_at.type.dialect_impl(dialect).bind_processor(dialect)
        now = at or utcnow()
        stamp = to_text(now) if to_text is not None else now  # as SQLAlchemy would store it
        (previous_cache,) = driver.execute("PRAGMA cache_size").fetchone()
        driver.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        try:
            done = self._insert(driver, plan, warnings, stamp, progress, total, message)
            changes = self._update(driver, plan, warnings, stamp, now, progress, done, total, message)
        finally:
            driver.execute(f"PRAGMA cache_size={int(previous_cache)}")
        history_table = cast(Table, HistoryRow.__table__)
        for chunk in _chunks(changes, 50_000):
            session.execute(insert(history_table), chunk)
        return BatchCounts(len(plan.creates), len(plan.replaces), plan.unchanged, len(warnings))

    def _insert(
        self,
        driver: Any,
        plan: _Plan,
        warnings: Mapping[int, str],
        stamp: object,
        progress: ProgressFn | None,
        total: int,
        message: str,
    ) -> int:
        """INSERT the new values, WRITE_CHUNK rows per executemany; returns how many."""
        statement = (
            f"INSERT INTO data_value ({', '.join(_INSERT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})"
        )
        creates, keys = plan.creates, plan.create_keys
        uuids = ordered_uuids(len(creates))
        combos, statuses, warning_of = self._combos, _STATUS_TEXT, warnings.get
        actor, device = self._actor.name, self._actor.device_uuid
        done = 0
        for start in range(0, len(creates), WRITE_CHUNK):
            stop = start + WRITE_CHUNK
            rows = [
                (
                    next(uuids),
                    stamp,
                    key[0],
                    key[1],
                    key[2],
                    combos[key[3]],
                    c.value,
                    c.numerator,
                    c.denominator,
                    c.text,
                    item.comment or "",
                    warning_of(item.index, ""),
                    statuses[item.status],
                    item.status_reason or "",
                    actor,
                    stamp,
                    device,
                )
                for item, key in zip(creates[start:stop], keys[start:stop])
                for c in (item.checked,)
            ]
            driver.executemany(statement, rows)
            done += len(rows)
            report(progress, done, total, message)
        return done

    def _update(
        self,
        driver: Any,
        plan: _Plan,
        warnings: Mapping[int, str],
        stamp: object,
        now: object,
        progress: ProgressFn | None,
        done: int,
        total: int,
        message: str,
    ) -> list[dict[str, object]]:
        """UPDATE the replaced values; returns the History rows of what changed."""
        statement = (
            f"UPDATE data_value SET {', '.join(f'{name} = ?' for name in _UPDATE_COLUMNS)} WHERE id = ?"
        )
        actor, device = self._actor.name, self._actor.device_uuid
        changes: list[dict[str, object]] = []
        rows: list[tuple[object, ...]] = []
        for item, _key, old in plan.replaces:
            c = item.checked
            status = item.status.value if item.status is not None else old.status
            if item.status is None and old.status in (ValueStatus.SUBMITTED, ValueStatus.RETURNED):
                status = ValueStatus.DRAFT.value  # as data_entry: a changed value goes back to draft
            comment = item.comment if item.comment is not None else old.comment
            reason = item.status_reason if item.status_reason is not None else old.status_reason
            label = value_label(item.indicator, item.site, item.period, item.options)
            before = shown(old.value, old.numerator, old.denominator, old.text)
            after = shown(c.value, c.numerator, c.denominator, c.text)
            for name, was, now_is in (
                ("value", before, after),
                ("comment", old.comment or None, comment or None),
                ("status", old.status, status),
                ("status_reason", old.status_reason or None, reason or None),
            ):
                if was != now_is:
                    changes.append(self._history(old.uuid, label, name, was, now_is, now))
            rows.append(
                (
                    stamp,
                    c.value,
                    c.numerator,
                    c.denominator,
                    c.text,
                    comment,
                    warnings.get(item.index, ""),
                    status,
                    reason,
                    actor,
                    stamp,
                    device,
                    old.id,
                )
            )
            if len(rows) == WRITE_CHUNK:
                driver.executemany(statement, rows)
                done += len(rows)
                rows = []
                report(progress, done, total, message)
        if rows:
            driver.executemany(statement, rows)
            report(progress, done + len(rows), total, message)
        return changes

    def _history(
        self, entity_uuid: str, label: str, name: str, old: object, new: object, at: object
    ) -> dict[str, object]:
        # The row history.record() would add, as a dict for one bulk INSERT.
        return {
            "at": at,
            "actor": self._actor.name,
            "device_uuid": self._actor.device_uuid,
            "programme_id": self._programme.id,
            "entity": "data_value",
            "entity_uuid": entity_uuid,
            "label": label,
            "field": name,
            "old": history.as_text(old),
            "new": history.as_text(new),
            "reason": "",
            "reason_text": "",
        }

    def _create_combos(self, keys: Iterable[str]) -> None:
        missing = sorted({k for k in keys if k not in self._combos})
        if not missing:
            return
        for chunk in _chunks(missing, 500):
            self._session.execute(insert(OptionComboRow), [{"key": k} for k in chunk])
            self._combos.update(
                self._session.execute(
                    select(OptionComboRow.key, OptionComboRow.id).where(OptionComboRow.key.in_(chunk))
                ).all()
            )

    def _warnings(self, plan: _Plan) -> dict[int, str]:
        """The warnings data entry would give each new or replacing value, computed in memory:
        {item index: warnings as stored} for the values that carry any."""
        items = plan.creates + [item for item, _, _ in plan.replaces]
        keys = plan.create_keys + [key for _, key, _ in plan.replaces]
        if not items:
            return {}
        # Every cell's figures over its periods, and every place's total, as they will be after
        # the write: the stored values the batch leaves, then the batch's (a cell appears at most
        # once per period in it). A list per cell, not a dict by period: a million values make a
        # quarter of a million cells.
        replaced = {key for _, key, _ in plan.replaces}
        cells: dict[tuple[int, int, str], list[float]] = {}
        totals: dict[tuple[int, str, int], float] = defaultdict(float)
        for key, old in self._existing.items():
            if key in replaced:
                continue
            comparable = ratio_percent(old.numerator, old.denominator) if old.value is None else old.value
            if comparable is not None:
                cells.setdefault((key[0], key[2], key[3]), []).append(comparable)
            if old.value is not None:
                totals[key[:3]] += old.value
        number, percent = Measure.NUMBER, Measure.PERCENT
        # Per item: its comparable figure and its cell's figures, in the order of `items`.
        figures: list[float | None] = []
        series_of: list[list[float]] = []
        for item, key in zip(items, keys):
            # What the warnings look at: the number, or the percentage.
            c = item.checked
            measure = item.measure
            if measure is number:
                comparable = c.value
            elif measure is percent:
                comparable = ratio_percent(c.numerator, c.denominator)
            else:
                comparable = None
            cell = (key[0], key[2], key[3])
            series = cells.get(cell)
            if series is None:
                series = cells[cell] = []
            if comparable is not None:
                series.append(comparable)
            figures.append(comparable)
            series_of.append(series)
            if c.value is not None:
                totals[key[:3]] += c.value
        # Sorted once per cell, for all of its periods (is_outlier_in_series).
        for series in cells.values():
            if len(series) >= MIN_SERIES:
                series.sort()
        programme_targets, site_targets = self._targets({key[0] for key in keys})
        out: dict[int, str] = {}
        for item, key, comparable, series in zip(items, keys, figures, series_of):
            if comparable is None:
                continue
            target = site_targets.get(key[:3]) if site_targets else None
            if target is None:
                target = programme_targets.get(key[:2])
            # The history is the cell's other figures: too short a one flags nothing; a value
            # equal to its target is never unusual (as warnings_for).
            outlier = (
                len(series) >= MIN_SERIES
                and not is_on_target(comparable, target)
                and is_outlier_in_series(comparable, series)
            )
            if target is None:
                over = False
            elif item.measure is number and item.options:
                # As data_entry: the 3× target rule is about the site's period total, not one cell.
                over = is_over_target(totals[key[:3]], target)
            else:
                over = is_over_target(comparable, target)
            if outlier or over:
                out[item.index] = (
                    f"{WARNING_OUTLIER},{WARNING_OVER_TARGET}"
                    if outlier and over
                    else WARNING_OUTLIER
                    if outlier
                    else WARNING_OVER_TARGET
                )
        return out

    def _targets(
        self, indicator_ids: Iterable[int]
    ) -> tuple[dict[tuple[int, str], float], dict[tuple[int, str, int], float]]:
        """The period targets of these indicators: (programme level, by site)."""
        programme: dict[tuple[int, str], float] = {}
        by_site: dict[tuple[int, str, int], float] = {}
        for chunk in _chunks(sorted(indicator_ids), 500):
            rows = self._session.execute(
                select(TargetRow.indicator_id, TargetRow.period, TargetRow.site_id, TargetRow.value).where(
                    TargetRow.indicator_id.in_(chunk)
                )
            ).all()
            for ind, period, site, value in rows:
                if site is None:
                    programme[(ind, period)] = value
                else:
                    by_site[(ind, period, site)] = value
        return programme, by_site


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def json_number(value: float | None) -> int | float | None:
    """A float as JSON should show it: 12 rather than 12.0 (exact integers only)."""
    if value is None or not math.isfinite(value):
        return value
    # float(): int.is_integer() only exists from Python 3.12, and callers pass ints too.
    if float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return value

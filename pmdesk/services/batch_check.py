# SPDX-License-Identifier: GPL-3.0-or-later
"""Checking a batch of value items against a programme's codes and the value rules, in memory.

Shared by programme packages and values import; writes nothing (value_batch.ValueWriter does). A
million values must be checked in seconds, so codes, periods, option sets and figures seen once
are not resolved or checked again; the rules themselves are the domain's (value_checks,
value_rules), so the messages are those of single-cell data entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from pmdesk.domain.enums import Measure, ValueStatus
from pmdesk.domain.periods import CustomPeriod, PeriodError, PeriodKind, parse_period
from pmdesk.domain.value_checks import CheckedValue, FieldValueError, check_blocking
from pmdesk.domain.value_rules import batch_mix_message, options_problem
from pmdesk.formats.problems import (
    REPORT_EVERY,
    Locate,
    ProblemList,
    ProgressFn,
    count_text,
    describe,
    literal,
    report,
)
from pmdesk.formats.value_items import STATUSES, options_text
from pmdesk.services.cells import CellResolver

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
    # Zeros are left out of the figures: 0 and -0.0 are equal keys but not the same value. A CSV
    # gives its figures as text: each text is read once ("-0" and "0" are different keys).
    periods: dict[object, tuple[str, str]] = {}
    option_sets: dict[tuple[str, object], tuple[tuple[tuple[str, str], ...] | None, list[str]]] = {}
    # Keyed by whether the indicator allows decimals: 12.5 passes for one indicator, not another.
    numbers_by: dict[bool, dict[object, CheckedValue]] = {False: {}, True: {}}
    ratios_by: dict[bool, dict[tuple[object, object], CheckedValue]] = {False: {}, True: {}}
    known_statuses: dict[str, ValueStatus | None] = {}
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
        if raw_status is None:
            has_status, status = True, None
        elif type(raw_status) is str and raw_status in known_statuses:
            has_status, status = True, known_statuses[raw_status]
        else:
            has_status, status = _status(raw_status, index, locate, problems)
            if has_status and type(raw_status) is str:
                known_statuses[raw_status] = status
        figures = (value, numerator, denominator, text)
        checked: CheckedValue | None = None
        if (
            measure is Measure.NUMBER
            and value
            and (type(value) is int or type(value) is float or type(value) is str)
        ):
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
            and (type(numerator) is int or type(numerator) is float or type(numerator) is str)
            and (type(denominator) is int or type(denominator) is float or type(denominator) is str)
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
    why = options_problem(indicator.code, indicator.disaggregations, options)
    if why is not None:
        return None, [why]
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
        where = locate(total_at, "", "").location
        problems.add(
            locate(options_at, "options", batch_mix_message(value_label(indicator, site, period), where))
        )

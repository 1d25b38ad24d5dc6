# SPDX-License-Identifier: GPL-3.0-or-later
"""Checking and writing many DataValues at once: shared by programme packages and values import.

The rules are those of single-cell data entry (pmdesk.services.data_entry): the same blocking
checks (pmdesk.domain.value_checks), the same refusal to mix totals with per-option values, the
same lock on approved values and the same warnings. Only the mechanics differ: a batch may hold a
million values, so everything is resolved through in-memory dictionaries, checked before anything
is written, and written with bulk INSERT / UPDATE statements instead of one ORM object per value.
"""

from __future__ import annotations

import math
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from pmdesk.domain.enums import Measure, ValueStatus
from pmdesk.domain.errors import Problem
from pmdesk.domain.iptt import ratio_percent
from pmdesk.domain.periods import CustomPeriod, PeriodError, PeriodKind, parse_period
from pmdesk.domain.value_checks import CheckedValue, check_blocking, warnings_for
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

# Where a problem is: (index of the item in the batch, field or "", message) → Problem.
Locate = Callable[[int, str, str], Problem]


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


# -- resolving codes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorRef:
    code: str
    measure: Measure
    disaggregations: tuple[str, ...]  # codes, in the indicator's order


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
                code: IndicatorRef(code, facts.measure, facts.disaggregations)
                for code, facts in resolver.indicators.items()
            },
            frozenset(resolver.sites),
            {d: frozenset(o) for d, o in resolver.options.items()},
        )


@dataclass(frozen=True, slots=True)
class CheckedItem:
    """One value of a batch that passed every check, named by codes."""

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

    @property
    def comparable(self) -> float | None:
        """What the warnings look at: the number, or the percentage."""
        if self.measure is Measure.NUMBER:
            return self.checked.value
        if self.measure is Measure.PERCENT:
            return ratio_percent(self.checked.numerator, self.checked.denominator)
        return None


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
    catalog: Catalog, items: Sequence[Mapping[str, Any]], locate: Locate, problems: ProblemList
) -> list[CheckedItem]:
    """Check a batch of value items (package or values-import items) against a programme.

    Adds every problem found to `problems` and returns the items that passed; the caller writes
    nothing unless `problems` stays empty. Covers unknown codes, periods, options, the blocking
    value checks, a cell given twice and totals mixed with per-option values within the batch.
    """
    programme = catalog.programme_code
    period_set = set(catalog.periods) if catalog.periods is not None else None
    # A million values name a few dozen periods and option sets: resolve each once.
    periods: dict[object, tuple[str, str]] = {}
    option_sets: dict[tuple[str, object], tuple[tuple[tuple[str, str], ...] | None, list[str]]] = {}
    checked_items: list[CheckedItem] = []
    for index, item in enumerate(items):
        ok = True
        code = _code_text(item.get("indicator"))
        indicator = catalog.indicators.get(code)
        if indicator is None:
            problems.add(locate(index, "indicator", f"programme {programme} has no indicator '{code}'"))
            ok = False
        raw_period = item.get("period")
        raw_period = raw_period if isinstance(raw_period, str) else None
        resolved = periods.get(raw_period)
        if resolved is None:
            resolved = periods[raw_period] = _resolve_period(catalog, raw_period, period_set)
        period, why = resolved
        if why:
            problems.add(locate(index, "period", why))
            ok = False
        site = _code_text(item.get("site"))
        if site not in catalog.sites:
            problems.add(locate(index, "site", f"site '{site}' is not in programme {programme}"))
            ok = False
        raw_options = item.get("options")
        key = (code, _hashable(raw_options))
        found = option_sets.get(key)
        if found is None:
            found = _resolve_options(catalog, indicator, raw_options)
            if key[1] is not None:
                option_sets[key] = found
        options, whys = found
        for why in whys:
            problems.add(locate(index, "options", why))
        if options is None:
            ok = False
        if indicator is None:
            continue
        measure = indicator.measure
        value, numerator, denominator, text = (
            item.get("value"),
            item.get("numerator"),
            item.get("denominator"),
            item.get("text"),
        )
        if measure is Measure.QUALITATIVE and not _given(text) and isinstance(value, str):
            # A spreadsheet user types the text of a qualitative indicator in the value column.
            text, value = value, None
        given = {"value": value, "numerator": numerator, "denominator": denominator, "text": text}
        wrong = [name for name, raw in given.items() if name not in _MEASURE_FIELDS[measure] and _given(raw)]
        for name in wrong:
            problems.add(
                locate(index, name, f"indicator {indicator.code} {_MEASURE_WORDS[measure]}, not '{name}'")
            )
        has_status, status = _status(item.get("status"), index, locate, problems)
        try:
            checked = check_blocking(measure, value, numerator, denominator, text)
        except ValueError as exc:
            message = str(exc)
            problems.add(locate(index, _blocking_field(measure, message, given), message))
            continue
        if not ok or wrong or not has_status:
            continue
        comment = item.get("comment")
        comment = comment.strip() if isinstance(comment, str) and comment.strip() else None
        reason = item.get("status_reason")
        checked_items.append(
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


def _hashable(options: object) -> object:
    """A cache key for an options object, or None when it cannot be one."""
    if options is None:
        return ()
    if not isinstance(options, dict):
        return None
    key = tuple(options.items())
    try:
        hash(key)
    except TypeError:  # a list or an object as an option
        return None
    return key


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
    first: dict[tuple[str, str, str, tuple[tuple[str, str], ...]], int] = {}
    kinds: dict[tuple[str, str, str], dict[bool, int]] = defaultdict(dict)
    for item in items:
        cell = (item.indicator, item.period, item.site, tuple(sorted(item.options)))
        if cell in first:
            # The other item's location, as the batch names locations (JSON path or file row).
            where = locate(first[cell], "", "").location
            problems.add(
                locate(
                    item.index,
                    "",
                    f"{value_label(item.indicator, item.site, item.period, item.options)} "
                    f"is given twice (also at {where})",
                )
            )
            continue
        first[cell] = item.index
        kinds[(item.indicator, item.period, item.site)].setdefault(item.is_total, item.index)
    for (indicator, period, site), seen in kinds.items():
        if len(seen) == 2:
            total_at = locate(seen[True], "", "").location
            problems.add(
                locate(
                    seen[False],
                    "options",
                    f"{value_label(indicator, site, period)} has values per option and an "
                    f"undisaggregated total (at {total_at}); give one or the other",
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


@dataclass
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
    creates: list[tuple[CheckedItem, CellKey]] = field(default_factory=list)
    replaces: list[tuple[CheckedItem, CellKey, _Existing]] = field(default_factory=list)
    unchanged: int = 0


def shown(
    value: float | None, numerator: float | None, denominator: float | None, text: str | None
) -> object:
    """A value as History keeps it (as data_entry does): the number, 'n/d' for a ratio, or the text."""
    if numerator is not None or denominator is not None:
        return f"{history.as_text(numerator)}/{history.as_text(denominator)}"
    return value if text is None else text


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

    def plan(
        self, items: Sequence[CheckedItem], locate: Locate, problems: ProblemList, *, is_new: bool = False
    ) -> None:
        """Sort the batch into new, replacing and unchanged values; add database-level problems.

        `is_new`: the programme was created in this transaction, so nothing is stored yet.
        """
        keys = [self.cell_key(item) for item in items]
        if not is_new:
            self._load_existing(keys)
        plan = _Plan()
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
                plan.creates.append((item, key))
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
        self._plan = plan

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

    def apply(self) -> BatchCounts:
        """Write the planned batch; call only when `plan` found no problems."""
        if self._plan is None:
            raise RuntimeError("plan() first")
        plan = self._plan
        session = self._session
        self._create_combos([key[3] for _, key in plan.creates])
        warnings = self._warnings(plan)
        now = utcnow()
        actor, device = self._actor.name, self._actor.device_uuid
        new_rows: list[dict[str, object]] = []
        for item, key in plan.creates:
            c = item.checked
            new_rows.append(
                {
                    "uuid": str(uuid.uuid4()),
                    "modified_at": now,
                    "indicator_id": key[0],
                    "period": key[1],
                    "site_id": key[2],
                    "combo_id": self._combos[key[3]],
                    "value": c.value,
                    "numerator": c.numerator,
                    "denominator": c.denominator,
                    "text": c.text,
                    "comment": item.comment or "",
                    "warnings": ",".join(warnings[item.index]),
                    "status": (item.status or ValueStatus.DRAFT).value,
                    "status_reason": item.status_reason or "",
                    "entered_by": actor,
                    "entered_at": now,
                    "device_uuid": device,
                }
            )
        # The Core table, not the ORM class: the ORM bulk path spends more time on a million dicts
        # than SQLite spends inserting them.
        table = cast(Table, DataValueRow.__table__)
        for chunk in _chunks(new_rows, 50_000):
            session.execute(insert(table), chunk)
        updates: list[dict[str, object]] = []
        changes: list[dict[str, object]] = []
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
            updates.append(
                {
                    "row_id": old.id,
                    "modified_at": now,
                    "value": c.value,
                    "numerator": c.numerator,
                    "denominator": c.denominator,
                    "text": c.text,
                    "comment": comment,
                    "warnings": ",".join(warnings[item.index]),
                    "status": status,
                    "status_reason": reason,
                    "entered_by": actor,
                    "entered_at": now,
                    "device_uuid": device,
                }
            )
        if updates:
            # Parameters named apart from the columns: SQLAlchemy reserves the column names.
            columns = [name for name in updates[0] if name != "row_id"]
            statement = (
                update(table)
                .where(table.c.id == bindparam("row_id"))
                .values({name: bindparam(f"new_{name}") for name in columns})
            )
            for chunk in _chunks(updates, 50_000):
                session.execute(
                    statement,
                    [{"row_id": u["row_id"], **{f"new_{n}": u[n] for n in columns}} for u in chunk],
                )
        history_table = cast(Table, HistoryRow.__table__)
        for chunk in _chunks(changes, 50_000):
            session.execute(insert(history_table), chunk)
        flagged = sum(1 for w in warnings.values() if w)
        return BatchCounts(len(plan.creates), len(plan.replaces), plan.unchanged, flagged)

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

    def _warnings(self, plan: _Plan) -> dict[int, tuple[str, ...]]:
        """The warnings data entry would give each new or replacing value, computed in memory."""
        writing = [(item, key) for item, key in plan.creates] + [
            (item, key) for item, key, _ in plan.replaces
        ]
        if not writing:
            return {}
        # Every cell's figures by period, and every place's total, as they will be after the write.
        by_cell: dict[tuple[int, int, str], dict[str, float | None]] = defaultdict(dict)
        totals: dict[tuple[int, str, int], float] = defaultdict(float)
        for key, old in self._existing.items():
            comparable = ratio_percent(old.numerator, old.denominator) if old.value is None else old.value
            by_cell[(key[0], key[2], key[3])][key[1]] = comparable
            if old.value is not None:
                totals[key[:3]] += old.value
        for item, key in writing:
            stored = self._existing.get(key)
            if stored is not None and stored.value is not None:
                totals[key[:3]] -= stored.value
            if item.checked.value is not None:
                totals[key[:3]] += item.checked.value
            by_cell[(key[0], key[2], key[3])][key[1]] = item.comparable
        targets = self._targets({key[0] for _, key in writing})
        # Each cell's figures in period order, built once; an item's history is that list
        # without its own period (C-level slicing rather than a comprehension per item).
        histories: dict[tuple[int, int, str], tuple[list[str], list[float]]] = {}
        out: dict[int, tuple[str, ...]] = {}
        for item, key in writing:
            comparable = item.comparable
            if comparable is None:
                out[item.index] = ()
                continue
            indicator_id, period, site_id, combo = key
            cell = (indicator_id, site_id, combo)
            known = histories.get(cell)
            if known is None:
                figures = [(p, v) for p, v in by_cell[cell].items() if v is not None]
                known = histories[cell] = ([p for p, _ in figures], [v for _, v in figures])
            at = known[0].index(period)
            others = known[1][:at] + known[1][at + 1 :]
            target = targets.get((indicator_id, period, site_id), targets.get((indicator_id, period, None)))
            found = warnings_for(comparable, others, target)
            if item.measure is Measure.NUMBER and not item.is_total:
                # As data_entry: the 3× target rule is about the site's period total, not one cell.
                over = warnings_for(totals[key[:3]], (), target)
                found = tuple(w for w in found if w != "over_target") + over
            out[item.index] = found
        return out

    def _targets(self, indicator_ids: Iterable[int]) -> dict[tuple[int, str, int | None], float]:
        out: dict[tuple[int, str, int | None], float] = {}
        for chunk in _chunks(sorted(indicator_ids), 500):
            rows = self._session.execute(
                select(TargetRow.indicator_id, TargetRow.period, TargetRow.site_id, TargetRow.value).where(
                    TargetRow.indicator_id.in_(chunk)
                )
            ).all()
            for ind, period, site, value in rows:
                out[(ind, period, site)] = value
        return out


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

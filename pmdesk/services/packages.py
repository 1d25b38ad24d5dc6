# SPDX-License-Identifier: GPL-3.0-or-later
"""Programme packages (pmdesk.programme/1, DESIGN.md §7): create a programme from JSON, export one."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.codes import code_message
from pmdesk.domain.enums import Frequency, ImportKind, Measure, Status
from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.domain.iptt import Thresholds
from pmdesk.domain.periods import (
    CUSTOM_CODE_RE,
    CustomPeriod,
    PeriodError,
    is_valid_period,
    parse_period,
    reporting_periods,
)
from pmdesk.formats.json_safe import load_json
from pmdesk.resources import schema_path
from pmdesk.services.actor import Actor
from pmdesk.services.import_log import Digest, ImportedFile, counts_text, record_import
from pmdesk.services.lookups import programme_by_code, programme_periods
from pmdesk.services.value_batch import (
    MAX_PERIOD_CODE,
    REPORT_EVERY,
    Catalog,
    CheckedItem,
    IndicatorRef,
    ProblemList,
    ProgressFn,
    ValueWriter,
    check_items,
    code_problem,
    count_text,
    describe,
    is_number,
    json_locator,
    json_number,
    literal,
    report,
    short,
    value_items_problems,
)
from pmdesk.storage.backup import backup_database
from pmdesk.storage.models import (
    CustomPeriodRow,
    DataValueRow,
    DisaggregationRow,
    HistoryRow,
    IndicatorDisaggregationRow,
    IndicatorRow,
    OptionComboRow,
    OptionRow,
    PersonRow,
    ProgrammeRow,
    ResultRow,
    SiteRow,
    TargetRow,
    TierRow,
    TriggerRow,
    utcnow,
)

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError as SchemaError

FORMAT = "pmdesk.programme/1"
MAX_FILE_BYTES = 200 * 1024 * 1024
KINDS = (
    "custom_periods",
    "tiers",
    "results",
    "disaggregations",
    "options",
    "sites",
    "people",
    "indicators",
    "targets",
    "triggers",
    "values",
)


@dataclass(frozen=True)
class PackageSummary:
    """What an import created: rows per kind (KINDS), and how many values carry a warning."""

    programme_code: str
    counts: dict[str, int]
    warnings: int


# -- reading files --------------------------------------------------------------------------------


def read_json_file(path: Path, *, max_bytes: int | None = None, digest: Digest | None = None) -> object:
    """Parse a JSON file strictly (pmdesk.formats.json_safe), refusing oversized or malformed ones.

    Raises ValidationError naming the file, and the line and column of a syntax error or the
    JSON path of a key given twice.
    """
    path = Path(path)
    data = read_limited(path, max_bytes or MAX_FILE_BYTES, digest=digest)
    return load_json(data, path.name)


def read_limited(path: Path, max_bytes: int, *, digest: Digest | None = None) -> bytes:
    """The bytes of a file no larger than `max_bytes`; ValidationError otherwise.

    `digest` (a hashlib object) is fed those bytes: the import log's SHA-256 is of what was parsed.
    """
    source = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ValidationError(_too_big(size, max_bytes), source=source)
        with path.open("rb") as handle:
            # Read one byte more than allowed: a file that grew since stat() is refused too.
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ValidationError(f"cannot be read: {exc.strerror or exc}", source=source) from None
    if len(data) > max_bytes:
        raise ValidationError(_too_big(len(data), max_bytes), source=source)
    if digest is not None:
        digest.update(data)
    return data


def _too_big(size: int, limit: int) -> str:
    mb = 1024 * 1024
    return f"is {size / mb:,.1f} MB; files larger than {limit // mb} MB are refused"


def write_atomically(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write a file so that a crash leaves either the old file or the new one, never half of one."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with tmp.open("w", encoding=encoding, newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


# -- schema ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    # Imported here: jsonschema costs some 60 ms, which start-up should not pay for an import
    # that may never come.
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_path("programme.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def json_path(parts: Iterable[object]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "object": "an object",
    "array": "a list",
    "null": "null",
    "boolean": "true or false",
}
_REQUIRED_RE = re.compile(r"^'(.*)' is a required property$")


def _types(value: object) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]  # type: ignore[attr-defined]


def _schema_problem(error: SchemaError) -> Problem:
    """A jsonschema error as a Problem a user can act on (jsonschema's own messages print the
    whole offending value, which may be megabytes)."""
    path = json_path(error.absolute_path)
    instance, kind, expected = error.instance, error.validator, error.validator_value
    if kind == "required":
        match = _REQUIRED_RE.match(error.message)
        return Problem(path, f"'{match[1] if match else expected}' is required")
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        extra = sorted(k for k in instance if k not in known)
        return Problem(path, "unknown field " + ", ".join(f"'{k}'" for k in extra))
    if kind == "const":
        hint = " (this is not a PMDesk programme package)" if path == "$.format" else ""
        return Problem(path, f"must be {expected!r}{hint}")
    if kind == "enum":
        return Problem(path, f"{literal(instance)} is not one of: {', '.join(map(str, expected))}")
    if kind == "type":
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in _types(expected))
        return Problem(path, f"must be {words}, not {describe(instance)}")
    if kind == "pattern" and isinstance(instance, str):
        if "A-Za-z0-9" in str(expected):
            return Problem(path, code_message(short(instance)))
        return Problem(path, f"{short(instance)} is not a date (write YYYY-MM-DD)")
    if kind == "minLength":
        return Problem(path, "must not be empty")
    if kind == "maxLength":
        return Problem(path, f"is longer than {expected:,} characters")
    if kind == "minItems":
        return Problem(path, "must not be empty")
    if kind in ("minimum", "maximum"):
        return Problem(path, f"must be {'at least' if kind == 'minimum' else 'at most'} {expected}")
    if kind in ("anyOf", "oneOf") and error.context:
        specific = [e for e in error.context if e.validator != "type"]
        if specific:
            return _schema_problem(specific[0])
        names = sorted({t for e in error.context for t in _types(e.validator_value)})
        listed = " or ".join(_TYPE_WORDS.get(t, t) for t in names)
        return Problem(path, f"must be {listed}, not {describe(instance)}")
    return Problem(path, error.message[:200])


def _skeleton(data: Mapping[str, Any]) -> dict[str, Any]:
    """The package without its bulk lists (targets, values), which are checked by hand for speed
    (see value_batch.value_item_problems)."""
    out = dict(data)
    if isinstance(out.get("values"), list):
        out["values"] = []
    indicators = out.get("indicators")
    if isinstance(indicators, list):
        out["indicators"] = [
            {**ind, "targets": []} if isinstance(ind, dict) and isinstance(ind.get("targets"), list) else ind
            for ind in indicators
        ]
    return out


TARGET_FIELDS = frozenset({"period", "site", "value"})


def target_item_problems(item: object, path: str) -> list[Problem]:
    """The shape rules of `$defs/target`, checked by hand like value items."""
    if not isinstance(item, dict):
        return [Problem(path, f"must be an object, not {describe(item)}")]
    found = [Problem(path, f"'{name}' is required") for name in ("period", "value") if name not in item]
    unknown = sorted(k for k in item if k not in TARGET_FIELDS)
    if unknown:
        found.append(Problem(path, "unknown field " + ", ".join(f"'{k}'" for k in unknown)))
    period = item.get("period")
    if "period" in item and (not isinstance(period, str) or not 1 <= len(period) <= MAX_PERIOD_CODE):
        found.append(Problem(f"{path}.period", f"must be a period code, not {describe(period)}"))
    site = item.get("site")
    if site is not None and (why := code_problem(site)) is not None:
        found.append(Problem(f"{path}.site", why))
    if "value" in item and not is_number(item["value"]):
        found.append(Problem(f"{path}.value", f"must be a number, not {describe(item['value'])}"))
    return found


def _huge_numbers(value: object, path: str) -> Iterable[Problem]:
    """Numbers JSON allows but a float cannot hold (1e400, 10**400): the schema calls them numbers."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _huge_numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _huge_numbers(item, f"{path}[{index}]")
    elif isinstance(value, int | float) and not isinstance(value, bool) and not is_number(value):
        yield Problem(path, "is too large a number")


def schema_problems(data: object, progress: ProgressFn | None = None) -> list[Problem]:
    """Every way `data` departs from programme.schema.json (`progress`: see value_batch)."""
    problems = ProblemList()
    if not isinstance(data, dict):
        return [Problem("$", f"must be an object, not {describe(data)}")]
    skeleton = _skeleton(data)
    errors = sorted(_validator().iter_errors(skeleton), key=lambda e: [str(p) for p in e.absolute_path])
    problems.extend(_schema_problem(e) for e in errors)
    problems.extend(_huge_numbers(skeleton, "$"))
    indicators = data.get("indicators")
    if isinstance(indicators, list):
        for i, ind in enumerate(indicators):
            targets = ind.get("targets") if isinstance(ind, dict) else None
            if isinstance(targets, list):
                for j, target in enumerate(targets):
                    problems.extend(target_item_problems(target, f"$.indicators[{i}].targets[{j}]"))
    values = data.get("values")
    if isinstance(values, list):
        value_items_problems(values, json_locator("$.values"), problems, progress)
    return problems.final()


def _framework_is_misshapen(data: Mapping[str, Any]) -> bool:
    """Does anything but a target or a value depart from the schema? The meaning checks trust
    those shapes, so they cannot run then."""
    skeleton = _skeleton(data)
    return next(_validator().iter_errors(skeleton), None) is not None or any(
        True for _ in _huge_numbers(skeleton, "$")
    )


def _without_values_if_misshapen(data: Mapping[str, Any]) -> Mapping[str, Any]:
    values = data.get("values")
    if not isinstance(values, list) or not values:
        return data
    found = ProblemList()
    value_items_problems(values, json_locator("$.values"), found)
    return {**data, "values": []} if found else data


# -- meaning --------------------------------------------------------------------------------------


class _PackageChecker:
    """The checks a schema cannot make: codes that exist, periods, cycles, value rules.

    Runs on a package that passed the schema, so shapes and types can be trusted.
    """

    def __init__(self, data: Mapping[str, Any], progress: ProgressFn | None = None) -> None:
        self.data = data
        self.progress = progress
        self.problems = ProblemList()
        self.periods: tuple[str, ...] | None = None
        self.custom: dict[str, CustomPeriod] = {}

    def add(self, path: str, message: str) -> None:
        self.problems.add(Problem(path, message))

    def run(self) -> list[CheckedItem]:
        programme = self.data["programme"]
        code = programme["code"]
        start = self._date(programme["start"], "$.programme.start")
        end = self._date(programme["end"], "$.programme.end")
        if start and end and end < start:
            self.add("$.programme.end", f"the programme ends ({end}) before it starts ({start})")
        for message in _thresholds(programme).problems():
            self.add("$.programme.thresholds", message)
        self._custom_periods()
        frequency = Frequency(programme["frequency"])
        if frequency is Frequency.CUSTOM and not self.custom:
            self.add(
                "$.custom_periods", "a programme with frequency 'custom' needs at least one custom period"
            )
        if start and end and end >= start:
            try:
                self.periods = tuple(
                    p.code
                    for p in reporting_periods(
                        frequency,
                        start,
                        end,
                        programme.get("fiscal_year_start_month", 1),
                        self.custom.values(),
                    )
                )
            except PeriodError as exc:
                self.add("$.programme", str(exc))
        tiers = self._tiers()
        results = self._unique("results")
        for i, result in enumerate(self.data.get("results", [])):
            if result["tier"] not in tiers:
                listed = ", ".join(tiers) or "none declared"
                self.add(
                    f"$.results[{i}].tier", f"tier '{result['tier']}' is not one of the tiers ({listed})"
                )
        self._parents("results", results, "result")
        disaggregations = self._disaggregations()
        sites = self._unique("sites")
        self._parents("sites", sites, "site")
        people = self._unique("people")
        indicators = self._indicators(results, disaggregations, people, set(sites))
        self._triggers(indicators, results)
        self._blank_names()
        catalog = Catalog(code, self.periods, self.custom, indicators, frozenset(sites), disaggregations)
        return check_items(
            catalog, self.data.get("values", []), json_locator("$.values"), self.problems, self.progress
        )

    def _blank_names(self) -> None:
        # The schema asks for at least one character; a name of spaces would be stored empty.
        named = [("$.programme.name", self.data["programme"]["name"])]
        for kind, key in (
            ("results", "title"),
            ("sites", "name"),
            ("people", "name"),
            ("indicators", "name"),
        ):
            named += [(f"$.{kind}[{i}].{key}", item[key]) for i, item in enumerate(self.data.get(kind, []))]
        for i, item in enumerate(self.data.get("disaggregations", [])):
            named.append((f"$.disaggregations[{i}].name", item["name"]))
            named += [
                (f"$.disaggregations[{i}].options[{j}].name", option["name"])
                for j, option in enumerate(item["options"])
            ]
        for path, name in named:
            if not name.strip():
                self.add(path, "must not be blank")

    def _date(self, text: str, path: str) -> date | None:
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            self.add(path, f"'{text}' is not a date: {exc}")
            return None

    def _custom_periods(self) -> None:
        seen: set[str] = set()
        for i, item in enumerate(self.data.get("custom_periods", [])):
            path = f"$.custom_periods[{i}]"
            code = item["code"]
            start = self._date(item["start"], f"{path}.start")
            end = self._date(item["end"], f"{path}.end")
            if is_valid_period(code):
                self.add(
                    f"{path}.code", f"'{code}' is a DHIS2 period code; a custom period needs another code"
                )
                continue
            if not CUSTOM_CODE_RE.match(code):
                self.add(
                    f"{path}.code",
                    f"'{code}' is not a custom period code: a letter, then letters, digits, '_', '.' or '-'",
                )
                continue
            if code in seen:
                self.add(f"{path}.code", f"custom period '{code}' is declared twice")
                continue
            seen.add(code)
            if start and end and end < start:
                self.add(f"{path}.end", f"custom period '{code}' ends ({end}) before it starts ({start})")
                continue
            if start and end:
                self.custom[code] = CustomPeriod(code, start, end)

    def _tiers(self) -> list[str]:
        tiers: list[str] = []
        for i, name in enumerate(self.data.get("tiers", [])):
            if name.strip() != name or not name.strip():
                self.add(f"$.tiers[{i}]", f"tier name {short(name)} must not start or end with a space")
            elif name in tiers:
                self.add(f"$.tiers[{i}]", f"tier '{name}' is listed twice")
            tiers.append(name)
        if self.data.get("results") and not tiers:
            self.add("$.tiers", 'results need tiers: list the tier names, e.g. ["Goal", "Outcome", "Output"]')
        return tiers

    def _unique(self, kind: str) -> dict[str, int]:
        """code → index of the first item of `kind` with that code; duplicates are problems."""
        seen: dict[str, int] = {}
        for i, item in enumerate(self.data.get(kind, [])):
            code = item["code"]
            if code in seen:
                self.add(f"$.{kind}[{i}].code", f"code '{code}' is already used by $.{kind}[{seen[code]}]")
            else:
                seen[code] = i
        return seen

    def _parents(self, kind: str, index: Mapping[str, int], word: str) -> None:
        items = self.data.get(kind, [])
        parents: dict[str, str] = {}
        for i, item in enumerate(items):
            parent = item.get("parent")
            if parent is None:
                continue
            if parent not in index:
                self.add(f"$.{kind}[{i}].parent", f"there is no {word} '{parent}'")
            elif parent == item["code"]:
                self.add(f"$.{kind}[{i}].parent", f"{word} '{parent}' cannot be its own parent")
            elif index.get(item["code"]) == i:
                parents[item["code"]] = parent
        reported: set[str] = set()
        for start in parents:
            chain, current = [start], parents.get(start)
            while current is not None and current not in chain and current not in reported:
                chain.append(current)
                current = parents.get(current)
            if current is not None and current in chain:
                cycle = chain[chain.index(current) :]
                if not reported.intersection(cycle):
                    reported.update(cycle)
                    first = min(cycle, key=lambda c: index[c])
                    shown = " → ".join([*cycle[cycle.index(first) :], *cycle[: cycle.index(first)], first])
                    self.add(f"$.{kind}[{index[first]}].parent", f"{word}s {shown} form a cycle")

    def _disaggregations(self) -> dict[str, frozenset[str]]:
        out: dict[str, frozenset[str]] = {}
        first = self._unique("disaggregations")
        for i, item in enumerate(self.data.get("disaggregations", [])):
            codes: set[str] = set()
            for j, option in enumerate(item["options"]):
                if option["code"] in codes:
                    self.add(
                        f"$.disaggregations[{i}].options[{j}].code",
                        f"option '{option['code']}' is listed twice in {item['code']}",
                    )
                codes.add(option["code"])
            if first[item["code"]] == i:
                out[item["code"]] = frozenset(codes)
        return out

    def _indicators(
        self,
        results: Mapping[str, int],
        disaggregations: Mapping[str, frozenset[str]],
        people: Mapping[str, int],
        sites: set[str],
    ) -> dict[str, IndicatorRef]:
        out: dict[str, IndicatorRef] = {}
        first = self._unique("indicators")
        period_set = set(self.periods) if self.periods is not None else None
        for i, ind in enumerate(self.data.get("indicators", [])):
            path = f"$.indicators[{i}]"
            measure = Measure(ind["measure"])
            if ind["result"] not in results:
                self.add(f"{path}.result", f"there is no result '{ind['result']}'")
            used: list[str] = []
            for j, code in enumerate(ind.get("disaggregations", [])):
                if code not in disaggregations:
                    self.add(f"{path}.disaggregations[{j}]", f"there is no disaggregation '{code}'")
                elif code in used:
                    self.add(f"{path}.disaggregations[{j}]", f"disaggregation '{code}' is listed twice")
                used.append(code)
            if measure is Measure.QUALITATIVE and used:
                self.add(f"{path}.disaggregations", "a qualitative indicator cannot be disaggregated")
            responsible = ind.get("responsible")
            if responsible is not None and responsible not in people:
                self.add(f"{path}.responsible", f"there is no person '{responsible}'")
            baseline = ind.get("baseline") or {}
            if baseline.get("date") is not None:
                self._date(baseline["date"], f"{path}.baseline.date")
            for where, number in (
                ("baseline.value", baseline.get("value")),
                ("lop_target", ind.get("lop_target")),
            ):
                if number is not None and number < 0:
                    self.add(f"{path}.{where}", f"must not be negative (got {number:g})")
            self._targets(ind, path, period_set, sites)
            if first[ind["code"]] == i:
                known = tuple(c for c in dict.fromkeys(used) if c in disaggregations)
                out[ind["code"]] = IndicatorRef(
                    ind["code"], measure, known, allows_decimals(ind, self.data), ind.get("unit", "")
                )
        return out

    def _targets(
        self, ind: Mapping[str, Any], path: str, period_set: set[str] | None, sites: set[str]
    ) -> None:
        seen: dict[tuple[str, str | None], int] = {}
        for j, target in enumerate(ind.get("targets", [])):
            where = f"{path}.targets[{j}]"
            if target_item_problems(target, where):
                continue  # reported with the schema's problems
            try:
                period = parse_period(target["period"], self.custom).code
            except PeriodError as exc:
                self.add(f"{where}.period", str(exc))
                continue
            if period_set is not None and period not in period_set:
                span = f" ({self.periods[0]} … {self.periods[-1]})" if self.periods else ""
                code = self.data["programme"]["code"]
                self.add(f"{where}.period", f"'{period}' is not a reporting period of {code}{span}")
                continue
            site = target.get("site")
            if site is not None and site not in sites:
                self.add(f"{where}.site", f"there is no site '{site}'")
                continue
            if target["value"] < 0:
                self.add(f"{where}.value", f"a target must not be negative (got {target['value']:g})")
            key = (period, site)
            if key in seen:
                self.add(
                    where,
                    f"{'site ' + site if site else 'the programme'} already has a target for {period} (at targets[{seen[key]}])",
                )
            seen.setdefault(key, j)

    def _triggers(self, indicators: Mapping[str, IndicatorRef], results: Mapping[str, int]) -> None:
        self._unique("triggers")
        statuses = [s.value for s in Status]
        for i, trigger in enumerate(self.data.get("triggers", [])):
            path = f"$.triggers[{i}]"
            indicator, result = trigger.get("indicator"), trigger.get("result")
            if indicator is not None and result is not None:
                self.add(path, "name an indicator or a result, not both")
            if indicator is not None and indicator not in indicators:
                self.add(f"{path}.indicator", f"there is no indicator '{indicator}'")
            if result is not None and result not in results:
                self.add(f"{path}.result", f"there is no result '{result}'")
            threshold = trigger["threshold"]
            if trigger["metric"] == "status":
                if threshold not in statuses:
                    self.add(
                        f"{path}.threshold",
                        f"for metric 'status' the threshold is one of: {', '.join(statuses)}",
                    )
            elif not is_number(threshold):
                self.add(
                    f"{path}.threshold", f"for metric '{trigger['metric']}' the threshold must be a number"
                )


def _thresholds(programme: Mapping[str, Any]) -> Thresholds:
    given = programme.get("thresholds") or {}
    default = Thresholds()
    return Thresholds(
        float(given.get("exceeding", default.exceeding)),
        float(given.get("on_track", default.on_track)),
        float(given.get("at_risk", default.at_risk)),
    )


def _threshold_text(value: object) -> str:
    if isinstance(value, str):
        return value
    number = json_number(float(value))  # type: ignore[arg-type]
    return str(number)


# -- the service ----------------------------------------------------------------------------------


class PackageService:
    """Creates programmes from packages and writes programmes out as packages."""

    def __init__(
        self, sessions: sessionmaker[Session], actor: Actor, database_path: Path | None = None
    ) -> None:
        self._sessions = sessions
        self._actor = actor
        self._database_path = database_path

    def import_file(self, path: Path, *, progress: ProgressFn | None = None) -> PackageSummary:
        """Create the programme of a package file; ValidationError (naming the file) if refused."""
        path = Path(path)
        report(progress, 0, 0, f"Reading {path.name}")
        digest = hashlib.sha256()
        data = read_json_file(path, digest=digest)
        origin = ImportedFile(ImportKind.PACKAGE, path.name, digest.hexdigest())
        return self.import_package(data, source=path.name, progress=progress, origin=origin)

    def import_package(
        self,
        data: object,
        source: str = "package",
        *,
        progress: ProgressFn | None = None,
        origin: ImportedFile | None = None,
    ) -> PackageSummary:
        """Create a programme from a parsed package, in one transaction.

        Every problem is collected first (JSON path and message) and raised together as one
        ValidationError; nothing is written then. A programme whose code exists is refused:
        importing creates. With a database path, a verified backup is made before writing.

        `progress(done, total, message)` is called at each phase and every few thousand values,
        while checking and inside the transaction while writing; whatever it raises (the UI's
        JobCancelled) propagates and leaves the database as it was.

        `origin`, the file the package was read from, goes to the import log in the same
        transaction.
        """
        problems = schema_problems(data, progress)
        if problems and (not isinstance(data, dict) or _framework_is_misshapen(data)):
            raise ValidationError(problems, source=source)
        assert isinstance(data, dict)  # schema_problems refused anything else
        # Only targets or values may be misshapen here. The rest is checked for meaning too, so
        # one run reports every problem; the checker skips misshapen targets, and values' meaning
        # is checked only when every value is well formed.
        is_sound = not problems
        checker = _PackageChecker(data if is_sound else _without_values_if_misshapen(data), progress)
        checker.problems.extend(problems)
        values = checker.run()
        code = data["programme"]["code"]
        with self._sessions.begin() as session:
            if session.scalar(select(ProgrammeRow.id).where(ProgrammeRow.code == code)) is not None:
                checker.add(
                    "$.programme.code", f"programme {code} already exists (importing creates a programme)"
                )
            if checker.problems:
                raise ValidationError(checker.problems.final(), source=source)
            if self._database_path is not None:
                report(progress, 0, 0, "Backing up the database")
                backup_database(self._database_path, reason="before-import")
            report(progress, 0, 0, f"Creating programme {code}")
            writer = _PackageWriter(session, self._actor, data, checker.custom)
            counts = writer.write()
            value_writer = ValueWriter(session, self._actor, writer.programme)
            leftovers = ProblemList()
            value_writer.plan(values, json_locator("$.values"), leftovers, is_new=True)
            if leftovers:  # cannot happen for a new programme; never write half a package
                raise ValidationError(leftovers.final(), source=source)
            at = utcnow()
            batch = value_writer.apply(progress, at=at)
            counts["values"] = batch.created
            if origin is not None:
                definitions = counts_text({k: n for k, n in counts.items() if k != "values"})
                record_import(
                    session,
                    self._actor,
                    origin,
                    writer.programme,
                    at,
                    created=batch.created,
                    warnings=batch.warnings,
                    detail=definitions,
                )
            session.add(
                HistoryRow(
                    actor=self._actor.name,
                    device_uuid=self._actor.device_uuid,
                    programme_id=writer.programme.id,
                    entity="programme",
                    entity_uuid=writer.programme.uuid,
                    label=f"{code} {writer.programme.name}",
                    field="created",
                    old=None,
                    new=f"imported from {source}",
                )
            )
        return PackageSummary(code, counts, batch.warnings)

    def export_package(
        self, programme_code: str, include_values: bool = True, *, progress: ProgressFn | None = None
    ) -> dict[str, Any]:
        """The programme as a package; importing it into another database recreates it."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            return _PackageExporter(session, programme).package(include_values, progress)

    def export_file(
        self,
        programme_code: str,
        path: Path,
        include_values: bool = True,
        *,
        progress: ProgressFn | None = None,
    ) -> None:
        """Write the package as UTF-8 JSON, atomically: if `progress` raises, no file is written."""
        package = self.export_package(programme_code, include_values, progress=progress)
        path = Path(path)
        report(progress, 0, 0, f"Writing {path.name}")
        write_atomically(path, json.dumps(package, indent=1, ensure_ascii=False) + "\n")


class _PackageWriter:
    """Writes a checked package's definitions; the values are written by ValueWriter."""

    def __init__(
        self, session: Session, actor: Actor, data: Mapping[str, Any], custom: Mapping[str, CustomPeriod]
    ) -> None:
        self.session = session
        self.actor = actor
        self.data = data
        self.custom = custom
        self.programme = ProgrammeRow()

    def write(self) -> dict[str, int]:
        session, data = self.session, self.data
        counts = dict.fromkeys(KINDS, 0)
        p = data["programme"]
        thresholds = _thresholds(p)
        programme = self.programme
        programme.code, programme.name = p["code"], p["name"].strip()
        programme.donor, programme.description = p.get("donor", "").strip(), p.get("description", "")
        programme.start, programme.end = date.fromisoformat(p["start"]), date.fromisoformat(p["end"])
        programme.frequency = p["frequency"]
        programme.fiscal_year_start_month = p.get("fiscal_year_start_month", 1)
        programme.threshold_exceeding = thresholds.exceeding
        programme.threshold_on_track = thresholds.on_track
        programme.threshold_at_risk = thresholds.at_risk
        session.add(programme)
        session.flush()
        pid = programme.id

        for item in self.custom.values():
            session.add(CustomPeriodRow(programme_id=pid, code=item.code, start=item.start, end=item.end))
        tiers = {}
        for level, name in enumerate(data.get("tiers", [])):
            tiers[name] = TierRow(programme_id=pid, level=level, name=name)
            session.add(tiers[name])
        session.flush()
        counts["custom_periods"], counts["tiers"] = len(self.custom), len(tiers)

        results: dict[str, ResultRow] = {}
        for order, item in enumerate(data.get("results", [])):
            results[item["code"]] = ResultRow(
                programme_id=pid,
                tier_id=tiers[item["tier"]].id,
                code=item["code"],
                title=item["title"].strip(),
                description=item.get("description", ""),
                sort_order=order,
            )
        self._with_parents(data.get("results", []), results)
        counts["results"] = len(results)

        options: dict[tuple[str, str], int] = {}
        disaggs: dict[str, DisaggregationRow] = {}
        for item in data.get("disaggregations", []):
            row = DisaggregationRow(programme_id=pid, code=item["code"], name=item["name"].strip())
            for order, option in enumerate(item["options"]):
                row.options.append(
                    OptionRow(code=option["code"], name=option["name"].strip(), sort_order=order)
                )
            session.add(row)
            disaggs[item["code"]] = row
        session.flush()
        for code, row in disaggs.items():
            options.update({(code, o.code): o.id for o in row.options})
        counts["disaggregations"], counts["options"] = len(disaggs), len(options)

        sites: dict[str, SiteRow] = {
            item["code"]: SiteRow(programme_id=pid, code=item["code"], name=item["name"].strip())
            for item in data.get("sites", [])
        }
        self._with_parents(data.get("sites", []), sites)
        counts["sites"] = len(sites)

        people: dict[str, PersonRow] = {}
        for item in data.get("people", []):
            people[item["code"]] = PersonRow(
                programme_id=pid,
                code=item["code"],
                name=item["name"].strip(),
                organisation=item.get("organisation", "").strip(),
                role=item.get("role", "").strip(),
                email=item.get("email", "").strip(),
            )
        session.add_all(people.values())
        session.flush()
        counts["people"] = len(people)

        indicators: dict[str, IndicatorRow] = {}
        for order, item in enumerate(data.get("indicators", [])):
            baseline = item.get("baseline") or {}
            responsible = item.get("responsible")
            indicator = IndicatorRow(
                programme_id=pid,
                result_id=results[item["result"]].id,
                code=item["code"],
                name=item["name"].strip(),
                definition=item.get("definition", ""),
                measure=item["measure"],
                unit=item.get("unit", ""),
                direction=item.get("direction", "increase"),
                cumulation=item.get("cumulation", "periodic"),
                baseline_value=_float(baseline.get("value")),
                baseline_date=date.fromisoformat(baseline["date"]) if baseline.get("date") else None,
                baseline_note=baseline.get("note", ""),
                lop_target=_float(item.get("lop_target")),
                allows_decimals=allows_decimals(item, data),
                data_source=item.get("data_source", ""),
                collection_method=item.get("collection_method", ""),
                frequency=item.get("frequency", ""),
                responsible_id=people[responsible].id if responsible is not None else None,
                means_of_verification=item.get("means_of_verification", ""),
                rationale=item.get("rationale", ""),
                sort_order=order,
            )
            indicators[item["code"]] = indicator
        session.add_all(indicators.values())
        session.flush()
        counts["indicators"] = len(indicators)

        links = []
        targets = []
        now = utcnow()
        for item in data.get("indicators", []):
            ind_id = indicators[item["code"]].id
            for position, code in enumerate(item.get("disaggregations", [])):
                links.append(
                    {"indicator_id": ind_id, "disaggregation_id": disaggs[code].id, "position": position}
                )
            for target in item.get("targets", []):
                site = target.get("site")
                targets.append(
                    {
                        "uuid": str(uuid.uuid4()),
                        "modified_at": now,
                        "indicator_id": ind_id,
                        "period": parse_period(target["period"], self.custom).code,
                        "site_id": sites[site].id if site is not None else None,
                        "value": float(target["value"]),
                    }
                )
        if links:
            session.execute(insert(IndicatorDisaggregationRow), links)
        for start in range(0, len(targets), 50_000):
            session.execute(insert(TargetRow), targets[start : start + 50_000])
        counts["targets"] = len(targets)

        for item in data.get("triggers", []):
            indicator, result = item.get("indicator"), item.get("result")
            session.add(
                TriggerRow(
                    programme_id=pid,
                    code=item["code"],
                    indicator_id=indicators[indicator].id if indicator is not None else None,
                    result_id=results[result].id if result is not None else None,
                    metric=item["metric"],
                    comparison=item["comparison"],
                    threshold=_threshold_text(item["threshold"]),
                    consecutive_periods=item.get("consecutive_periods", 1),
                    scope=item.get("scope", "programme"),
                    response=item.get("response", ""),
                )
            )
            counts["triggers"] += 1
        session.flush()
        return counts

    def _with_parents(
        self, items: Sequence[Mapping[str, Any]], rows: Mapping[str, ResultRow | SiteRow]
    ) -> None:
        # Insert everything first, then link: the file may name a parent after its children.
        self.session.add_all(rows.values())
        self.session.flush()
        for item in items:
            parent = item.get("parent")
            if parent is not None:
                rows[item["code"]].parent_id = rows[parent].id
        self.session.flush()


def allows_decimals(indicator: Mapping[str, Any], package: Mapping[str, Any]) -> bool:
    """The indicator's `allows_decimals`; a package written before the field existed (the key
    absent) allows them where its own values already have fractions, as migration 0004 decided
    for stored indicators, so that such a package imports as it did before."""
    if "allows_decimals" in indicator:
        return bool(indicator["allows_decimals"])
    code = indicator.get("code")
    for value in package.get("values", []):
        if not isinstance(value, Mapping) or value.get("indicator") != code:
            continue
        for key in ("value", "numerator", "denominator"):
            figure = value.get(key)
            if (
                isinstance(figure, int | float)
                and not isinstance(figure, bool)
                and not float(figure).is_integer()
            ):
                return True
    return False


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


class _PackageExporter:
    def __init__(self, session: Session, programme: ProgrammeRow) -> None:
        self.session = session
        self.programme = programme

    def package(self, include_values: bool, progress: ProgressFn | None = None) -> dict[str, Any]:
        session, p = self.session, self.programme
        pid = p.id
        custom = session.scalars(
            select(CustomPeriodRow)
            .where(CustomPeriodRow.programme_id == pid)
            .order_by(CustomPeriodRow.start, CustomPeriodRow.code)
        ).all()
        tiers = dict(
            session.execute(
                select(TierRow.id, TierRow.name).where(TierRow.programme_id == pid).order_by(TierRow.level)
            ).all()
        )
        results = session.scalars(
            select(ResultRow)
            .where(ResultRow.programme_id == pid)
            .order_by(ResultRow.sort_order, ResultRow.id)
        ).all()
        result_codes = {r.id: r.code for r in results}
        disaggs = session.scalars(
            select(DisaggregationRow)
            .where(DisaggregationRow.programme_id == pid)
            .order_by(DisaggregationRow.id)
        ).all()
        sites = session.scalars(select(SiteRow).where(SiteRow.programme_id == pid).order_by(SiteRow.id)).all()
        site_codes = {s.id: s.code for s in sites}
        people = session.scalars(
            select(PersonRow).where(PersonRow.programme_id == pid).order_by(PersonRow.id)
        ).all()
        person_codes = {person.id: person.code for person in people}
        indicators = session.scalars(
            select(IndicatorRow)
            .where(IndicatorRow.programme_id == pid)
            .order_by(IndicatorRow.sort_order, IndicatorRow.id)
        ).all()
        indicator_codes = {i.id: i.code for i in indicators}
        disagg_codes = {d.id: d.code for d in disaggs}
        used: dict[int, list[tuple[int, str]]] = {}
        for link in session.scalars(
            select(IndicatorDisaggregationRow).where(
                IndicatorDisaggregationRow.indicator_id.in_(indicator_codes)
            )
        ):
            used.setdefault(link.indicator_id, []).append(
                (link.position, disagg_codes[link.disaggregation_id])
            )
        period_order = {period.code: i for i, period in enumerate(programme_periods(session, p))}
        targets: dict[int, list[tuple[tuple[int, str, str], dict[str, Any]]]] = {}
        for t in session.scalars(select(TargetRow).where(TargetRow.indicator_id.in_(indicator_codes))):
            site = site_codes.get(t.site_id) if t.site_id is not None else None
            entry: dict[str, Any] = {"period": t.period}
            if site is not None:
                entry["site"] = site
            entry["value"] = json_number(t.value)
            order = (period_order.get(t.period, len(period_order)), t.period, site or "")
            targets.setdefault(t.indicator_id, []).append((order, entry))

        package: dict[str, Any] = {
            "format": FORMAT,
            "programme": {
                "code": p.code,
                "name": p.name,
                "donor": p.donor,
                "description": p.description,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "frequency": p.frequency,
                "fiscal_year_start_month": p.fiscal_year_start_month,
                "thresholds": {
                    "exceeding": json_number(p.threshold_exceeding),
                    "on_track": json_number(p.threshold_on_track),
                    "at_risk": json_number(p.threshold_at_risk),
                },
            },
            "custom_periods": [
                {"code": c.code, "start": c.start.isoformat(), "end": c.end.isoformat()} for c in custom
            ],
            "tiers": list(tiers.values()),
            "results": [
                {
                    "code": r.code,
                    "tier": tiers[r.tier_id],
                    "title": r.title,
                    "description": r.description,
                    "parent": result_codes.get(r.parent_id) if r.parent_id is not None else None,
                }
                for r in results
            ],
            "disaggregations": [
                {
                    "code": d.code,
                    "name": d.name,
                    "options": [{"code": o.code, "name": o.name} for o in d.options],
                }
                for d in disaggs
            ],
            "sites": [
                {
                    "code": s.code,
                    "name": s.name,
                    "parent": site_codes.get(s.parent_id) if s.parent_id is not None else None,
                }
                for s in sites
            ],
            "people": [
                {
                    "code": person.code,
                    "name": person.name,
                    "organisation": person.organisation,
                    "role": person.role,
                    "email": person.email,
                }
                for person in people
            ],
            "indicators": [
                {
                    "code": i.code,
                    "result": result_codes[i.result_id],
                    "name": i.name,
                    "definition": i.definition,
                    "measure": i.measure,
                    "unit": i.unit,
                    "direction": i.direction,
                    "cumulation": i.cumulation,
                    "disaggregations": [code for _, code in sorted(used.get(i.id, []))],
                    "baseline": _baseline(i),
                    "lop_target": json_number(i.lop_target),
                    "allows_decimals": i.allows_decimals,
                    "data_source": i.data_source,
                    "collection_method": i.collection_method,
                    "frequency": i.frequency,
                    "responsible": person_codes.get(i.responsible_id)
                    if i.responsible_id is not None
                    else None,
                    "means_of_verification": i.means_of_verification,
                    "rationale": i.rationale,
                    "targets": [entry for _, entry in sorted(targets.get(i.id, []), key=lambda t: t[0])],
                }
                for i in indicators
            ],
            "triggers": [
                _trigger(t, indicator_codes, result_codes)
                for t in session.scalars(
                    select(TriggerRow).where(TriggerRow.programme_id == pid).order_by(TriggerRow.id)
                )
            ],
        }
        if include_values:
            package["values"] = value_items(session, p, progress)
        return package


def _baseline(row: IndicatorRow) -> dict[str, Any] | None:
    if row.baseline_value is None and row.baseline_date is None and not row.baseline_note:
        return None
    return {
        "value": json_number(row.baseline_value),
        "date": row.baseline_date.isoformat() if row.baseline_date else None,
        "note": row.baseline_note,
    }


def _trigger(row: TriggerRow, indicators: Mapping[int, str], results: Mapping[int, str]) -> dict[str, Any]:
    threshold: object = row.threshold
    if row.metric != "status":
        # A threshold that is not a number was written by something else than an import: give it
        # back as it is.
        with contextlib.suppress(ValueError):
            threshold = json_number(float(row.threshold))
    return {
        "code": row.code,
        "indicator": indicators.get(row.indicator_id) if row.indicator_id is not None else None,
        "result": results.get(row.result_id) if row.result_id is not None else None,
        "metric": row.metric,
        "comparison": row.comparison,
        "threshold": threshold,
        "consecutive_periods": row.consecutive_periods,
        "scope": row.scope,
        "response": row.response,
    }


def value_items(
    session: Session, programme: ProgrammeRow, progress: ProgressFn | None = None
) -> list[dict[str, Any]]:
    """Every DataValue of a programme as package `values` items, in IPTT order."""
    indicators = session.execute(
        select(IndicatorRow.id, IndicatorRow.code)
        .where(IndicatorRow.programme_id == programme.id)
        .order_by(IndicatorRow.sort_order, IndicatorRow.id)
    ).all()
    indicator_codes = {i: c for i, c in indicators}
    indicator_order = {i: n for n, (i, _) in enumerate(indicators)}
    site_codes = dict(
        session.execute(select(SiteRow.id, SiteRow.code).where(SiteRow.programme_id == programme.id)).all()
    )
    option_names = {
        o: (d, code, sort)
        for o, d, code, sort in session.execute(
            select(OptionRow.id, DisaggregationRow.code, OptionRow.code, OptionRow.sort_order)
            .join(DisaggregationRow, DisaggregationRow.id == OptionRow.disaggregation_id)
            .where(DisaggregationRow.programme_id == programme.id)
        ).all()
    }
    positions = {
        (link.indicator_id, link.disaggregation_id): link.position
        for link in session.scalars(
            select(IndicatorDisaggregationRow).where(
                IndicatorDisaggregationRow.indicator_id.in_(indicator_codes)
            )
        )
    }
    disagg_ids = dict(
        session.execute(
            select(DisaggregationRow.code, DisaggregationRow.id).where(
                DisaggregationRow.programme_id == programme.id
            )
        ).all()
    )
    combos = dict(session.execute(select(OptionComboRow.id, OptionComboRow.key)).all())
    period_order = {period.code: i for i, period in enumerate(programme_periods(session, programme))}
    # (indicator, combo) → its (disaggregation, option) pairs in the indicator's order, and a key
    # that sorts cells as the options are listed (F before M), not alphabetically.
    combo_options: dict[tuple[int, int], tuple[list[tuple[str, str]], tuple[int, ...]]] = {}

    def options_of(indicator_id: int, combo_id: int) -> tuple[list[tuple[str, str]], tuple[int, ...]]:
        cached = combo_options.get((indicator_id, combo_id))
        if cached is None:
            ids = [int(o) for o in filter(None, combos.get(combo_id, "").split(","))]
            named = [option_names[o] for o in ids if o in option_names]
            named.sort(key=lambda n: (positions.get((indicator_id, disagg_ids[n[0]]), len(positions)), n[0]))
            cached = ([(d, code) for d, code, _ in named], tuple(sort for _, _, sort in named))
            combo_options[(indicator_id, combo_id)] = cached
        return cached

    rows = session.execute(
        select(
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
        )
        .join(IndicatorRow, IndicatorRow.id == DataValueRow.indicator_id)
        .where(IndicatorRow.programme_id == programme.id)
    ).all()
    keyed = []
    total = len(rows)
    message = f"Reading {count_text(total, 'value')}"
    for index, (ind, period, site, combo, value, num, den, text, comment, status, reason) in enumerate(rows):
        if not index % REPORT_EVERY:
            report(progress, index, total, message)
        options, options_order = options_of(ind, combo)
        item: dict[str, Any] = {
            "indicator": indicator_codes[ind],
            "period": period,
            "site": site_codes[site],
        }
        if options:
            item["options"] = dict(options)
        if text is not None:
            item["text"] = text
        elif num is not None or den is not None:
            item["numerator"], item["denominator"] = json_number(num), json_number(den)
        else:
            item["value"] = json_number(value)
        if comment:
            item["comment"] = comment
        if status != "draft":
            item["status"] = status
        if reason:
            item["status_reason"] = reason
        order = (
            indicator_order[ind],
            period_order.get(period, len(period_order)),
            period,
            item["site"],
            options_order,
        )
        keyed.append((order, item))
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed]

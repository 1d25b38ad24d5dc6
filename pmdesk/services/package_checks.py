# SPDX-License-Identifier: GPL-3.0-or-later
"""What a programme package means, checked before anything is written: codes that exist, periods,
trees without loops, and the rules of the set-up and value services (pmdesk.domain)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from datetime import date
from functools import cached_property
from typing import Any

from pmdesk.domain.enums import Frequency, Measure
from pmdesk.domain.errors import Problem
from pmdesk.domain.framework_rules import (
    cycles,
    disaggregation_problem,
    planned_figure_problem,
    target_problem,
    twice_listed,
)
from pmdesk.domain.iptt import Thresholds
from pmdesk.domain.periods import (
    CUSTOM_CODE_RE,
    CustomPeriod,
    PeriodError,
    is_valid_period,
    parse_period,
    reporting_periods,
)
from pmdesk.domain.triggers import rule_problems, subject_problem
from pmdesk.formats.package_schema import target_item_problems
from pmdesk.formats.problems import ProblemList, ProgressFn, short
from pmdesk.services.batch_check import Catalog, IndicatorRef


class PackageChecker:
    """The checks a schema cannot make: codes that exist, periods, cycles, value rules.

    Runs on a package that passed the schema, so shapes and types can be trusted.
    """

    def __init__(
        self,
        data: Mapping[str, Any],
        progress: ProgressFn | None = None,
        *,
        fractional: frozenset[str] | None = None,
    ) -> None:
        self.data = data
        self.progress = progress
        self.problems = ProblemList()
        self.periods: tuple[str, ...] | None = None
        self.custom: dict[str, CustomPeriod] = {}
        if fractional is not None:
            self.__dict__["fractional"] = fractional

    @cached_property
    def fractional(self) -> frozenset[str]:
        """fractional_indicators of the package, found once for every indicator; or, given to
        the checker, the indicators checked as allowing decimals (see undecided_indicators)."""
        return fractional_indicators(self.data)

    def add(self, path: str, message: str) -> None:
        self.problems.add(Problem(path, message))

    def check_definitions(self) -> Catalog:
        """Check everything but the values; what the values may then refer to (the values are
        checked against it a chunk at a time: services/value_chunks.py)."""
        programme = self.data["programme"]
        code = programme["code"]
        start = self._date(programme["start"], "$.programme.start")
        end = self._date(programme["end"], "$.programme.end")
        if start and end and end < start:
            self.add("$.programme.end", f"the programme ends ({end}) before it starts ({start})")
        for message in thresholds_of_package(programme).problems():
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
        return Catalog(code, self.periods, self.custom, indicators, frozenset(sites), disaggregations)

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
        for cycle in cycles(parents):
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
            used: list[str] = ind.get("disaggregations", [])
            again = set(twice_listed(used))
            for j, code in enumerate(used):
                if code not in disaggregations:
                    self.add(f"{path}.disaggregations[{j}]", f"there is no disaggregation '{code}'")
                elif j in again:
                    self.add(f"{path}.disaggregations[{j}]", f"disaggregation '{code}' is listed twice")
            if (why := disaggregation_problem(measure, used)) is not None:
                self.add(f"{path}.disaggregations", why)
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
                if (why := planned_figure_problem(number)) is not None:
                    self.add(f"{path}.{where}", why)
            self._targets(ind, path, period_set, sites)
            if first[ind["code"]] == i:
                known = tuple(c for c in dict.fromkeys(used) if c in disaggregations)
                out[ind["code"]] = IndicatorRef(
                    ind["code"], measure, known, allows_decimals(ind, self.fractional), ind.get("unit", "")
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
            if (why := target_problem(target["value"])) is not None:
                self.add(f"{where}.value", why)
            key = (period, site)
            if key in seen:
                self.add(
                    where,
                    f"{'site ' + site if site else 'the programme'} already has a target for {period} (at targets[{seen[key]}])",
                )
            seen.setdefault(key, j)

    def _triggers(self, indicators: Mapping[str, IndicatorRef], results: Mapping[str, int]) -> None:
        """The rules of domain/triggers.py, as the Triggers & alerts screen applies them."""
        self._unique("triggers")
        for i, trigger in enumerate(self.data.get("triggers", [])):
            path = f"$.triggers[{i}]"
            indicator, result = trigger.get("indicator"), trigger.get("result")
            if (why := subject_problem(indicator, result)) is not None:
                self.add(path, why)
            if indicator is not None and indicator not in indicators:
                self.add(f"{path}.indicator", f"there is no indicator '{indicator}'")
            elif indicator is not None and indicators[indicator].measure == Measure.QUALITATIVE:
                self.add(
                    f"{path}.indicator", f"indicator {indicator} is qualitative: it has no figure to compare"
                )
            if result is not None and result not in results:
                self.add(f"{path}.result", f"there is no result '{result}'")
            for problem in rule_problems(
                trigger["metric"],
                trigger["comparison"],
                trigger["threshold"],
                trigger.get("consecutive_periods", 1),
            ):
                self.add(f"{path}.{problem.field}", problem.message)


def thresholds_of_package(programme: Mapping[str, Any]) -> Thresholds:
    given = programme.get("thresholds") or {}
    default = Thresholds()
    return Thresholds(
        float(given.get("exceeding", default.exceeding)),
        float(given.get("on_track", default.on_track)),
        float(given.get("at_risk", default.at_risk)),
    )


def allows_decimals(indicator: Mapping[str, Any], fractional: Set[str]) -> bool:
    """The indicator's `allows_decimals`; a package written before the field existed (the key
    absent) allows them where its own values already have fractions (`fractional`, see
    fractional_indicators), as migration 0004 decided for stored indicators, so that such a
    package imports as it did before."""
    if "allows_decimals" in indicator:
        return bool(indicator["allows_decimals"])
    return indicator.get("code") in fractional


def fractional_indicators(package: Mapping[str, Any]) -> frozenset[str]:
    """The codes of the indicators whose values in the package have a fraction: one pass over the
    values, however many indicators ask (and none when every indicator says allows_decimals)."""
    undecided = undecided_indicators(package)
    found: set[str] = set()
    if undecided:
        add_fractional(package.get("values", []), undecided, found)
    return frozenset(found)


def undecided_indicators(package: Mapping[str, Any]) -> frozenset[str]:
    """The codes of the indicators that do not say whether they allow decimals (a package
    written before the field existed), whose flag its values decide (fractional_indicators).

    Checking their values as allowing decimals finds the same problems as checking them with
    the flag decided: an indicator with a fraction among its values allows decimals, and one
    without has no fraction to refuse. So a streamed import checks its values before it has
    seen them all, and decides the flags after the last."""
    return frozenset(
        ind["code"]
        for ind in package.get("indicators", [])
        if isinstance(ind, Mapping) and "allows_decimals" not in ind and isinstance(ind.get("code"), str)
    )


def add_fractional(values: Iterable[object], undecided: Set[str], found: set[str]) -> None:
    """Add to `found` the codes of the `undecided` indicators with a fraction in `values` (items
    of a package): in its value, numerator or denominator. A whole number is never one."""
    for value in values:
        if type(value) is not dict and not isinstance(value, Mapping):
            continue
        code = value.get("indicator")
        if type(code) is not str or code in found or code not in undecided:
            continue
        for key in ("value", "numerator", "denominator"):
            figure = value.get(key)
            if type(figure) is float and not figure.is_integer():
                found.add(code)
                break

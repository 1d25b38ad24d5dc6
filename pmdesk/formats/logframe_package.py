# SPDX-License-Identifier: GPL-3.0-or-later
"""From the cells of a logframe workbook to a pmdesk.programme/1 package, remembering where each
item came from so that the package's problems are named by sheet, row and column."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pmdesk.domain.codes import CODE_RE
from pmdesk.domain.enums import Frequency, Measure
from pmdesk.domain.errors import Problem
from pmdesk.formats.logframe_cells import quote
from pmdesk.formats.logframe_layout import (
    FRAMEWORK,
    INDICATORS,
    PACKAGE_LISTS,
    PEOPLE,
    PROGRAMME,
    PROGRAMME_FIELDS,
    SHEET_ORDER,
    SPECS,
    TARGETS,
    SheetSpec,
)
from pmdesk.formats.logframe_reader import Reading, Row, Where


@dataclass(frozen=True)
class RowRef:
    sheet: str
    row: int | None
    columns: Mapping[str, str] = field(default_factory=dict)  # package field → column header
    column: str | None = None  # the column of everything below this path


_PATH_PART = re.compile(r"\.[A-Za-z_]\w*|\[\d+\]")
_EMBEDDED_PATH = re.compile(r"\$(?:\.[A-Za-z_]\w*|\[\d+\])+")
_RELATIVE_TARGET = re.compile(r"(?<![\w.$\]])targets\[(\d+)\]")


class Origins:
    """Maps package JSON paths back to the sheet, row and column they came from."""

    def __init__(self) -> None:
        self.refs: dict[str, RowRef] = {}

    def add(self, path: str, ref: RowRef) -> None:
        self.refs[path] = ref

    def where(self, path: str, field_name: str = "") -> Where:
        parts = _PATH_PART.findall(path[1:] if path.startswith("$") else path)
        for cut in range(len(parts), -1, -1):
            prefix = "$" + "".join(parts[:cut])
            ref = self.refs.get(prefix)
            if ref is None:
                continue
            column = ref.column
            if column is None:
                rest = [p[1:] for p in parts[cut:] if p.startswith(".")]
                if field_name:
                    rest.append(field_name)
                for size in range(len(rest), 0, -1):
                    column = ref.columns.get(".".join(rest[:size]))
                    if column:
                        break
            return Where(ref.sheet, ref.row, column)
        return Where()

    def translate(self, problem: Problem) -> tuple[Where, str]:
        where = self.where(problem.location, problem.field)
        message = problem.message

        def embedded(match: re.Match[str]) -> str:
            other = self.where(match[0])
            if not other.sheet:
                return match[0]
            if other.sheet == where.sheet and other.row is not None:
                return f"row {other.row}"
            return str(Where(other.sheet, other.row))

        message = _EMBEDDED_PATH.sub(embedded, message)
        indicator = re.match(r"\$\.indicators\[\d+\]", problem.location)
        if indicator is not None:
            # "already has a target for 2025Q1 (at targets[0])": a position in that indicator's list.
            def relative(match: re.Match[str]) -> str:
                other = self.where(f"{indicator[0]}.targets[{match[1]}]")
                return f"row {other.row}" if other.row is not None else match[0]

            message = _RELATIVE_TARGET.sub(relative, message)
        return where, message


# Placeholders let the package checks run on the rest of a workbook whose cells have problems;
# whatever they would say about a placeholder is dropped (the cell's own problem is reported).
_PLACEHOLDERS: dict[str, Any] = {
    "measure": Measure.NUMBER.value,
    "frequency": Frequency.QUARTERLY.value,
    "start": "2000-01-01",
    "end": "2000-12-31",
    "value": 0,
    "name": "?",
    "title": "?",
    "tier": "?",
    "options": [{"code": "X", "name": "?"}],
    "result": "0-missing",  # a valid code that names nothing
}


def _nest(values: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        head, _, tail = key.partition(".")
        if tail:
            out.setdefault(head, {})[tail] = value
        else:
            out[key] = value
    return out


def _columns_of(spec: SheetSpec) -> dict[str, str]:
    return {c.field: c.header for c in spec.columns}


def build_package(
    programme: Mapping[str, Any],
    programme_rows: Mapping[str, int],
    tables: Mapping[str, list[Row]],
    reading: Reading,
) -> tuple[dict[str, Any], Origins]:
    """The pmdesk.programme/1 package of the sheets, and where each of its items came from."""
    origins = Origins()
    origins.add("$", RowRef("", None))
    origins.add("$.programme", RowRef(PROGRAMME, None))
    for name, number in programme_rows.items():
        origins.add(f"$.programme.{name}", RowRef(PROGRAMME, number, column="Value"))

    head = {k: v for k, v in programme.items() if k != "tiers"}
    for wanted in PROGRAMME_FIELDS:
        if wanted.required and wanted.name not in head:
            head[wanted.name] = _PLACEHOLDERS.get(wanted.name, "?")
            reading.bad_sheets.add(PROGRAMME)
    if "code" in head and not isinstance(head["code"], str):
        head["code"] = str(head["code"])
    package: dict[str, Any] = {"format": "pmdesk.programme/1", "programme": head}

    framework = tables.get(FRAMEWORK, [])
    tiers = programme.get("tiers")
    if tiers:
        tiers_ref = RowRef(PROGRAMME, programme_rows.get("tiers"), column="Value")
    else:
        # No tiers given: the tiers the Framework sheet uses, top first in order of appearance.
        tiers = list(dict.fromkeys(r.values["tier"] for r in framework if r.values.get("tier")))
        tiers_ref = RowRef(FRAMEWORK, None, column="Tier")
    package["tiers"] = tiers
    origins.add("$.tiers", tiers_ref)
    package["custom_periods"] = []

    for sheet_name, key in PACKAGE_LISTS.items():
        spec = SPECS[sheet_name]
        columns = _columns_of(spec)
        origins.add(f"$.{key}", RowRef(sheet_name, None))
        items: list[dict[str, Any]] = []
        numbers: list[int] = []
        for row in tables.get(sheet_name, []):
            if "code" not in row.values:
                continue  # reported; nothing can refer to a row without a code
            item = _nest(row.values)
            for column in spec.columns:
                if column.required and column.field not in row.values:
                    item[column.field] = _PLACEHOLDERS.get(column.field, "?")
            origins.add(f"$.{key}[{len(items)}]", RowRef(sheet_name, row.number, columns))
            items.append(item)
            numbers.append(row.number)
        package[key] = items
        if sheet_name == INDICATORS:
            _link_people(package, numbers, reading)

    _attach_targets(package, tables.get(TARGETS, []), origins, reading)
    return package, origins


def _link_people(package: dict[str, Any], row_numbers: Sequence[int], reading: Reading) -> None:
    """Responsible may name a person instead of giving the code: resolve names to codes."""
    codes = {p["code"] for p in package["people"]}
    by_name: dict[str, list[str]] = {}
    for person in package["people"]:
        by_name.setdefault(str(person.get("name", "")).strip().lower(), []).append(person["code"])
    for item, number in zip(package["indicators"], row_numbers):
        who = item.get("responsible")
        if who is None or who in codes:
            continue
        matches = by_name.get(str(who).lower(), [])
        if len(matches) == 1:
            item["responsible"] = matches[0]
        elif not CODE_RE.match(who):
            # Not a code the package checks could look up: say so here, unless the names were
            # unreadable (already reported).
            del item["responsible"]
            if (PEOPLE, "Name") in reading.bad_columns or PEOPLE in reading.bad_sheets:
                continue
            reading.add(
                Where(INDICATORS, number, "Responsible"),
                f"there is no person {quote(who)} on the People sheet (give a person's code)",
            )


def _attach_targets(package: dict[str, Any], rows: list[Row], origins: Origins, reading: Reading) -> None:
    indicators: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, item in enumerate(package["indicators"]):
        indicators.setdefault(item["code"], (index, item))
        item["targets"] = []
    columns = _columns_of(SPECS[TARGETS])
    for row in rows:
        code = row.values.get("indicator")
        if code is None:
            continue
        found = indicators.get(code)
        if found is None:
            reading.add(
                Where(TARGETS, row.number, "Indicator"),
                f"there is no indicator {quote(code)} on the Indicators sheet",
            )
            continue
        index, indicator = found
        target = {k: v for k, v in row.values.items() if k != "indicator"}
        for name in ("period", "value"):
            target.setdefault(name, "2000" if name == "period" else 0)
        origins.add(
            f"$.indicators[{index}].targets[{len(indicator['targets'])}]",
            RowRef(TARGETS, row.number, columns),
        )
        indicator["targets"].append(target)


def ordered_problems(found: Iterable[tuple[Where, str]]) -> list[Problem]:
    """Problems in workbook order (sheet, then row), each once."""
    order = {name: i for i, name in enumerate(SHEET_ORDER)}
    unique = list(dict.fromkeys(found))
    unique.sort(key=lambda item: (order.get(item[0].sheet, -1), item[0].row or 0))
    return [Problem(str(where), message) for where, message in unique]

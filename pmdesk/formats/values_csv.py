# SPDX-License-Identifier: GPL-3.0-or-later
"""The values CSV (DESIGN.md §8 `values import` / `values export`), read into and written from
package-style value items.

An export imports back as exactly the values that were exported, whatever their text: figures,
text, comment, status and status reason. The CSV has a column for each of these (`text`,
`status` and `status_reason` after the nine of DESIGN.md §8), and follows the rules of
pmdesk.formats.csv_safe: figures written plainly at full precision; a text cell that starts with
= + - @ TAB CR or an apostrophe written with one apostrophe in front, and exactly that apostrophe
removed on import. A comment, text or status reason may span lines when its quotes are closed.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.formats.csv_safe import CsvSyntaxError, CsvWriter, line_break_problems, read_records, restore
from pmdesk.formats.problems import REPORT_EVERY, ProblemList, ProgressFn, count_text, report, short
from pmdesk.formats.value_items import json_number, options_text

CSV_HEADER = (
    "programme",
    "indicator",
    "period",
    "site",
    "options",
    "value",
    "numerator",
    "denominator",
    "comment",
)
CSV_OPTIONAL = ("text", "status", "status_reason")
EXPORT_HEADER = (*CSV_HEADER, *CSV_OPTIONAL)
NUMBER_COLUMNS = frozenset({"value", "numerator", "denominator"})
# The columns whose cells may span lines; the others hold codes or numbers.
MULTI_LINE_COLUMNS = frozenset({"comment", "text", "status_reason"})


@dataclass(frozen=True)
class CsvValues:
    """The value items of one programme in a values CSV, and the row each came from."""

    programme_code: str
    items: list[dict[str, Any]]
    rows: list[int]  # as a spreadsheet numbers them, the header being row 1


def values_csv(
    programme_code: str,
    items: Sequence[Mapping[str, Any]],
    progress: ProgressFn | None = None,
    report_every: int = REPORT_EVERY,
) -> str:
    """Value items (package style) as the text of a values CSV, in EXPORT_HEADER's columns;
    `progress` is told every `report_every` items."""
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(EXPORT_HEADER)
    total = len(items)
    message = f"Writing {count_text(total, 'value')} as CSV"
    for index, item in enumerate(items):
        if not index % report_every:
            report(progress, index, total, message)
        options = options_text(item.get("options", {}).items())
        cells = {
            "programme": programme_code,
            "indicator": item["indicator"],
            "period": item["period"],
            "site": item["site"],
            "options": options,
            "comment": item.get("comment", ""),
            "text": item.get("text", ""),
            "status": item.get("status", "draft"),
            "status_reason": item.get("status_reason", ""),
        }
        # Figures go in as numbers (written plainly), everything else as text (neutralised).
        writer.writerow(
            json_number(item.get(column)) if column in NUMBER_COLUMNS else cells[column]
            for column in EXPORT_HEADER
        )
    return out.getvalue()


def read_values_csv(data: bytes, name: str) -> list[CsvValues]:
    """The rows of a values CSV grouped by programme, or ValidationError naming the file `name`
    for one that is not a values CSV (encoding, header, cell counts, options syntax)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValidationError(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02X} on line {line}); "
            "save it as 'CSV UTF-8' and import it again",
            source=name,
        ) from None
    records = read_records(text)
    try:
        header = [cell.strip().lower() for cell in next(records).cells]
    except StopIteration:
        raise ValidationError("is empty; the first row must be the header", source=name) from None
    except CsvSyntaxError as exc:
        raise ValidationError([Problem(f"{name} row 1", exc.message)], source="") from None
    header_problem = _header_problem(header)
    if header_problem:
        raise ValidationError([Problem(f"{name} row 1", header_problem)], source="")

    problems = ProblemList()
    rows: dict[str, tuple[list[dict[str, Any]], list[int]]] = {}
    try:
        for record in records:
            cells, row_number = record.cells, record.number
            if not any(cell.strip() for cell in cells):
                continue  # a blank line in a spreadsheet export
            where = f"{name} row {row_number}"
            if len(cells) != len(header):
                problems.add(Problem(where, f"has {len(cells)} cells; the header has {len(header)}"))
                continue
            broken = line_break_problems(record, header, MULTI_LINE_COLUMNS)
            if broken:
                problems.extend(Problem(where, why, column) for column, why in broken)
                continue
            fields = {column: restore(cell) for column, cell in zip(header, cells)}
            item, problem = _item(fields, where)
            if problem is not None:
                problems.add(problem)
                continue
            programme = fields["programme"].strip()
            if not programme:
                problems.add(Problem(where, "the programme code is missing", "programme"))
                continue
            items, numbers = rows.setdefault(programme, ([], []))
            items.append(item)
            numbers.append(row_number)
    except CsvSyntaxError as exc:
        # Reading stops here: after broken quotes, nothing says where the next row starts.
        column = header[exc.column] if exc.column is not None and exc.column < len(header) else ""
        problems.add(Problem(f"{name} row {exc.record}", f"cannot be read as CSV: {exc.message}", column))
    if problems:
        raise ValidationError(problems.final(), source="")
    return [CsvValues(programme, items, numbers) for programme, (items, numbers) in rows.items()]


def _header_problem(header: Sequence[str]) -> str | None:
    allowed = set(EXPORT_HEADER)
    missing = [c for c in CSV_HEADER if c not in header]
    unknown = [c for c in header if c not in allowed]
    twice = sorted({c for c in header if header.count(c) > 1})
    parts = []
    if missing:
        parts.append("missing column " + ", ".join(f"'{c}'" for c in missing))
    if unknown:
        parts.append("unknown column " + ", ".join(short(c) for c in unknown))
    if twice:
        parts.append("column " + ", ".join(f"'{c}'" for c in twice) + " appears twice")
    if not parts:
        return None
    return (
        "; ".join(parts)
        + f". The header must be: {','.join(CSV_HEADER)} (optionally also text,status,status_reason)"
    )


def _item(record: Mapping[str, str], where: str) -> tuple[dict[str, Any], Problem | None]:
    """A CSV record as a value item (empty cells are absent values)."""
    options: dict[str, str] = {}
    raw = record["options"].strip()
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        disagg, sep, option = part.partition("=")
        disagg, option = disagg.strip(), option.strip()
        if not sep or not disagg or not option or "=" in option:
            return {}, Problem(
                where, f"{short(raw)} is not like SEX=F;AGE=U18 (empty for a total)", "options"
            )
        if disagg in options:
            return {}, Problem(where, f"disaggregation '{disagg}' is given twice", "options")
        options[disagg] = option

    def cell(column: str) -> str | None:
        text = record.get(column, "")
        return text if text.strip() else None

    item: dict[str, Any] = {
        "indicator": record["indicator"],
        "period": record["period"],
        "site": record["site"],
        "options": options,
        "value": cell("value"),
        "numerator": cell("numerator"),
        "denominator": cell("denominator"),
        "text": cell("text"),
        "comment": record.get("comment", ""),
        "status": cell("status"),
        "status_reason": cell("status_reason"),
    }
    return item, None

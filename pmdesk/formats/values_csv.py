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
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.formats.csv_safe import (
    CsvSyntaxError,
    CsvWriter,
    line_break_problems,
    read_record_lines,
    restore,
)
from pmdesk.formats.files import Digest
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
# Records per chunk of a streamed file: enough that per-chunk work is negligible, few enough that
# a chunk's items take a few tens of MB.
CHUNK_ROWS = 20_000
# A physical line longer than this is refused before it is decoded (a file of one huge line would
# otherwise be read whole); a row with a 10,000-character comment in every cell stays far below.
MAX_LINE_BYTES = 4 * 1024 * 1024
# Lines as io.StringIO(newline="") splits them: each with its CR LF, LF or lone CR.
_CR_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


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
    problems = ProblemList()
    groups: dict[str, CsvValues] = {}
    for chunk in iter_values_csv(io.BytesIO(data), name, problems):
        for found in chunk:
            whole = groups.setdefault(found.programme_code, CsvValues(found.programme_code, [], []))
            whole.items.extend(found.items)
            whole.rows.extend(found.rows)
    if problems:
        raise ValidationError(problems.final(), source="")
    return list(groups.values())


def iter_values_csv(
    handle: BinaryIO,
    name: str,
    problems: ProblemList,
    chunk_rows: int = CHUNK_ROWS,
    digest: Digest | None = None,
) -> Iterator[list[CsvValues]]:
    """The rows of a values CSV read from `handle` a chunk at a time: for every `chunk_rows`
    records, their value items grouped by programme (in the order programmes first appear).

    Rows that are not value rows (cell counts, options syntax, a missing programme, broken
    quotes) are added to `problems` and left out; reading goes on to the end, except after
    broken quotes, where nothing says where the next row starts. A file that is not a values CSV
    at all (encoding, header, a line longer than MAX_LINE_BYTES) raises ValidationError naming
    `name`. `digest` is fed every byte read. Nothing but the chunk being read is held.
    """
    lines = _lines(handle, name, digest)
    records = read_record_lines(lines)
    try:
        header = [cell.strip().lower() for cell in next(records).cells]
    except StopIteration:
        raise ValidationError("is empty; the first row must be the header", source=name) from None
    except CsvSyntaxError as exc:
        raise ValidationError([Problem(f"{name} row 1", exc.message)], source="") from None
    header_problem = _header_problem(header)
    if header_problem:
        for _ in lines:  # a file that is not UTF-8 is refused for that first, as a whole
            pass
        raise ValidationError([Problem(f"{name} row 1", header_problem)], source="")

    rows: dict[str, CsvValues] = {}
    # A file names a few option sets a million times: each is read once. Items share them, as
    # they share nothing else that may change.
    options_seen: dict[str, tuple[dict[str, str], str | None]] = {}
    at = _Positions(header)
    width = len(header)
    count = 0
    try:
        for record in records:
            cells, row_number = record.cells, record.number
            joined = "".join(cells)
            if not joined or joined.isspace():
                continue  # a blank line in a spreadsheet export
            count += 1
            if count > chunk_rows:
                yield list(rows.values())
                rows, count = {}, 1
            if len(cells) != width:
                problems.add(
                    Problem(f"{name} row {row_number}", f"has {len(cells)} cells; the header has {width}")
                )
                continue
            if record.last_line != record.line:
                broken = line_break_problems(record, header, MULTI_LINE_COLUMNS)
                if broken:
                    where = f"{name} row {row_number}"
                    problems.extend(Problem(where, why, column) for column, why in broken)
                    continue
            if "'" in joined:
                cells = [restore(cell) for cell in cells]
            item, why = _item(cells, at, options_seen)
            if why is not None:
                problems.add(Problem(f"{name} row {row_number}", why, "options"))
                continue
            programme = cells[at.programme].strip()
            if not programme:
                problems.add(
                    Problem(f"{name} row {row_number}", "the programme code is missing", "programme")
                )
                continue
            found = rows.get(programme)
            if found is None:
                found = rows[programme] = CsvValues(programme, [], [])
            found.items.append(item)
            found.rows.append(row_number)
    except CsvSyntaxError as exc:
        # Reading stops here: after broken quotes, nothing says where the next row starts.
        column = header[exc.column] if exc.column is not None and exc.column < len(header) else ""
        problems.add(Problem(f"{name} row {exc.record}", f"cannot be read as CSV: {exc.message}", column))
    if rows:
        yield list(rows.values())


def _lines(handle: BinaryIO, name: str, digest: Digest | None) -> Iterator[str]:
    """The lines of a UTF-8 file (a BOM is dropped) as `io.StringIO(text, newline="")` splits
    them: at CR LF, LF or a lone CR, each with its line break."""
    number = 0  # as a text editor counts lines: LF ends one
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        if digest is not None:
            digest.update(raw)
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise ValidationError(
                f"line {number} is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB; "
                "a values file has one value per row",
                source=name,
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"is not UTF-8 text (byte 0x{raw[exc.start]:02X} on line {number}); "
                "save it as 'CSV UTF-8' and import it again",
                source=name,
            ) from None
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        if "\r" not in text or (text.endswith("\r\n") and text.count("\r") == 1):
            yield text
        else:  # a lone CR ends a line too (old Mac files, a CR inside a quoted cell)
            yield from _CR_LINES.findall(text)


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


class _Positions:
    """Where each column is in a file's header (None: an optional column it does not have)."""

    def __init__(self, header: Sequence[str]) -> None:
        def at(column: str) -> int | None:
            return header.index(column) if column in header else None

        self.programme = header.index("programme")
        self.options = header.index("options")
        self.codes = tuple(header.index(c) for c in ("indicator", "period", "site"))
        self.comment = header.index("comment")
        # The figures and texts an empty cell leaves absent, with their positions.
        self.optional = tuple(
            (c, at(c)) for c in ("value", "numerator", "denominator", "text", "status", "status_reason")
        )


def _item(
    cells: Sequence[str],
    at: _Positions,
    options_seen: dict[str, tuple[dict[str, str], str | None]],
) -> tuple[dict[str, Any], str | None]:
    """A CSV record's cells as a value item (empty cells are absent values), or why its options
    cell is not one."""
    raw = cells[at.options]
    found = options_seen.get(raw)
    if found is None:
        found = options_seen[raw] = _options(raw.strip())
    options, why = found
    if why is not None:
        return {}, why
    indicator, period, site = at.codes
    item: dict[str, Any] = {
        "indicator": cells[indicator],
        "period": cells[period],
        "site": cells[site],
        "options": options,
        "comment": cells[at.comment],
    }
    for column, position in at.optional:
        text = cells[position] if position is not None else None
        # An empty cell is an absent value; a filled one is kept as written.
        item[column] = text if text and (not text[0].isspace() or text.strip()) else None
    return item, None


def _options(raw: str) -> tuple[dict[str, str], str | None]:
    """The options cell SEX=F;AGE=U18 as {disaggregation: option}, or why it is not like that."""
    options: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in raw.split(";"))):
        disagg, sep, option = part.partition("=")
        disagg, option = disagg.strip(), option.strip()
        if not sep or not disagg or not option or "=" in option:
            return {}, f"{short(raw)} is not like SEX=F;AGE=U18 (empty for a total)"
        if disagg in options:
            return {}, f"disaggregation '{disagg}' is given twice"
        options[disagg] = option
    return options, None

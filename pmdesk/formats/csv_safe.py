# SPDX-License-Identifier: GPL-3.0-or-later
"""CSV that spreadsheets open safely and that reads back exactly as it was written.

Every CSV PMDesk writes goes through `CsvWriter`, and every CSV it reads through `read_records`,
so that the rules below hold in one place:

- Quoting follows the csv module's rules for the line ending CR LF: a cell holding a comma, a
  double quote, CR or LF is quoted, whatever line ending the file uses. (Python 3.11's writer only
  quotes the characters of its own line terminator, so with "\\n" a bare CR went out unquoted and
  a spreadsheet started a new row there, which could begin with a formula.)
- A text cell that starts with = + - @ TAB or CR would run as a formula in a spreadsheet (OWASP
  "CSV injection"), so it is written with one apostrophe in front. A text cell that starts with an
  apostrophe gets one more in front too, which makes the rule reversible: on reading, exactly one
  leading apostrophe is removed when it is followed by one of = + - @ TAB CR or another
  apostrophe, and nothing else is touched. `restore(neutralise(s)) == s` for every string.
- Numbers are passed to the writer as int or float, not as text, and are written plainly (a
  leading '-' is then a sign computed by PMDesk, not something a user typed): whole numbers
  without '.0', others at full precision (repr's digits, never an exponent), so they read back
  to the same float.
- Reading is strict: a quote left open to the end of the file, or text after a closing quote,
  is refused with the record, line and column where it happened, never read as one long cell
  that swallowed the rows after it.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import NamedTuple, TextIO

# A spreadsheet runs a text cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What `neutralise` escapes: the formula starts, and the escape character itself.
ESCAPED_STARTS = (*FORMULA_STARTS, "'")

Cell = str | int | float | None

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # how io.StringIO(newline="") splits lines for csv


def neutralise(cell: str) -> str:
    """A text cell as written: one apostrophe in front if it starts with = + - @ TAB CR or '."""
    return "'" + cell if cell.startswith(ESCAPED_STARTS) else cell


def restore(cell: str) -> str:
    """A text cell as read: `neutralise` undone (one leading apostrophe before = + - @ TAB CR or ')."""
    if cell.startswith("'") and cell[1:].startswith(ESCAPED_STARTS):
        return cell[1:]
    return cell


def number_text(value: float) -> str:
    """A number as the CSV writes it: 12 rather than 12.0, others at full precision (repr)."""
    if isinstance(value, int):
        return str(value)
    number = float(value)
    # Exact integers only: beyond 2**53 a float's integer digits are not all significant.
    if math.isfinite(number) and number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    if not math.isfinite(number):
        return repr(number)
    # Every digit of repr, but never in exponent notation (1e-05 → 0.00001): imports refuse
    # exponents (domain/numbers.py), so an exported file must read back.
    return format(Decimal(repr(number)), "f")


def cell_text(cell: Cell) -> str:
    """What a cell becomes in the file: text neutralised, numbers plain, None empty."""
    if cell is None:
        return ""
    if isinstance(cell, str):
        return neutralise(cell)
    if isinstance(cell, bool):  # a bool is an int to Python, but it is not a figure
        return neutralise(str(cell))
    return number_text(cell)


class CsvWriter:
    """Writes rows of cells (str, int, float or None) to `out` by the rules of this module."""

    def __init__(self, out: TextIO, line_end: str = "\r\n") -> None:
        self._out = out
        self._line_end = line_end
        # Quoting is decided with CR LF as the terminator, so CR and LF are always quoted; for
        # another line ending each row goes through a buffer and its CR LF is swapped.
        self._row: io.StringIO | None = None if line_end == "\r\n" else io.StringIO()
        self._writer = csv.writer(self._row or out, lineterminator="\r\n")

    def writerow(self, cells: Iterable[Cell]) -> None:
        row = [cell_text(cell) for cell in cells]
        if self._row is None:
            self._writer.writerow(row)
            return
        self._row.seek(0)
        self._row.truncate()
        self._writer.writerow(row)
        self._out.write(self._row.getvalue()[:-2] + self._line_end)

    def writerows(self, rows: Iterable[Iterable[Cell]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(rows: Iterable[Iterable[Cell]], line_end: str = "\r\n") -> str:
    """Rows written by `CsvWriter`, as one string."""
    out = io.StringIO()
    CsvWriter(out, line_end).writerows(rows)
    return out.getvalue()


# -- reading ----------------------------------------------------------------------------------------


class CsvRecord(NamedTuple):
    """One record of a CSV file, its cells as written (apply `restore` to text cells). A named
    tuple: a million of them are made in a few tenths of a second less than frozen dataclasses."""

    number: int  # 1 for the header: the row a spreadsheet shows it on
    line: int  # the physical line it starts on (larger than `number` after multi-line cells)
    last_line: int  # the physical line it ends on: larger than `line` if a cell spans lines
    cells: list[str]


class CsvSyntaxError(ValueError):
    """Broken quoting: which record, line and column (0-based, None if unknown), and why."""

    def __init__(self, record: int, line: int, column: int | None, message: str) -> None:
        super().__init__(message)
        self.record = record
        self.line = line
        self.column = column
        self.message = message


def read_records(text: str) -> Iterator[CsvRecord]:
    """The records of a CSV text (comma-separated, double quotes), read strictly.

    Raises CsvSyntaxError for a quote left open to the end of the text, text after a closing
    quote, or a cell longer than the csv module accepts.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            column, message = _diagnose(text, line, str(exc))
            raise CsvSyntaxError(number + 1, line, column, message) from None
        number += 1
        yield CsvRecord(number, line, reader.line_num, cells)


def read_record_lines(lines: Iterable[str]) -> Iterator[CsvRecord]:
    """`read_records` over lines as `io.StringIO(text, newline="")` gives them (each with its
    line break), pulled one at a time: a file is read without holding it whole.

    Only the lines of the record being read are kept, to diagnose it if the csv module refuses
    it (a cell longer than the csv module accepts bounds them).
    """
    pending: list[str] = []

    def kept() -> Iterator[str]:
        for line in lines:
            pending.append(line)
            yield line

    reader = csv.reader(kept(), strict=True)
    number = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # `pending` starts at the first line of the refused record: line `line` of the file.
            column, message = _diagnose("".join(pending), line, str(exc), first_line=line)
            raise CsvSyntaxError(number + 1, line, column, message) from None
        number += 1
        pending.clear()
        yield CsvRecord(number, line, reader.line_num, cells)


def _line_offset(text: str, line: int) -> int:
    """Where physical line `line` (1-based) starts in `text`."""
    if line <= 1:
        return 0
    for count, match in enumerate(_LINE_BREAK.finditer(text), start=2):
        if count == line:
            return match.end()
    return len(text)


def _diagnose(text: str, line: int, reason: str, first_line: int = 1) -> tuple[int | None, str]:
    """(column, message) for a record the csv module refused, found by walking it by hand.

    Only called once a record was refused, so its cost does not matter. The walk follows the
    csv module's dialect "excel": a quote opens a cell only at its start, and "" inside a quoted
    cell is a quote. `text` starts at line `first_line` of the file.
    """
    i = _line_offset(text, line - first_line + 1)
    column, current_line = 0, line
    opened_on = line
    state = "start"  # start of a cell, inside an unquoted cell, inside quotes, just after a quote
    while i < len(text):
        c = text[i]
        is_break = c == "\n" or (c == "\r" and text[i + 1 : i + 2] != "\n")
        if state in ("start", "plain"):
            if c == ",":
                column, state = column + 1, "start"
            elif c in "\r\n":
                break  # the record ended without a quoting problem
            elif c == '"' and state == "start":
                state, opened_on = "quoted", current_line
            else:
                state = "plain"
        elif state == "quoted":
            if c == '"':
                state = "closed"
            elif is_break:
                current_line += 1
        else:  # closed: just after a quote inside a quoted cell
            if c == '"':
                state = "quoted"  # "" is a quote inside the cell
            elif c == ",":
                column, state = column + 1, "start"
            elif c in "\r\n":
                break
            else:
                shown = repr(text[i : i + 10])
                where = f" (line {current_line})" if current_line != line else ""
                return column, (
                    f"after the closing quote of this cell comes {shown}{where}: a quote inside "
                    'a quoted cell must be doubled ("")'
                )
        i += 1
    if state == "quoted":
        return column, (
            f"the quote that opens this cell on line {opened_on} is never closed, so the cell "
            "would swallow every row after it; close the quote or remove it"
        )
    if "field larger than field limit" in reason:
        return None, f"a cell is longer than {csv.field_size_limit():,} characters"
    return None, "the quotes of this row do not pair up"


def line_break_problems(
    record: CsvRecord, header: Sequence[str], multi_line: Iterable[str]
) -> list[tuple[str, str]]:
    """(column, why) for each cell of `record` whose line breaks betray a quote left open.

    Columns outside `multi_line` hold codes or numbers, which never span lines. In a multi-line
    column, a line that reads as a row of the file itself (its first cell repeats this record's
    first cell, and it has at least as many cells as lead up to this column) is what a cell
    looks like when an unclosed quote swallowed the rows after it, up to a stray quote further
    down that happened to close it.
    """
    if record.last_line == record.line:
        return []
    allowed = set(multi_line)
    found: list[tuple[str, str]] = []
    for index, (column, cell) in enumerate(zip(header, record.cells)):
        if "\n" not in cell and "\r" not in cell:
            continue
        if column not in allowed:
            found.append((column, "holds a line break, which only a quote left open puts there"))
            continue
        lines = _LINE_BREAK.split(cell)
        for later in lines[1:]:
            cells = next(csv.reader([later]), [])
            if len(cells) >= index + 1 and record.cells and cells[0].strip() == record.cells[0].strip():
                found.append(
                    (
                        column,
                        f"spans {len(lines)} lines and one of them looks like a row of its own "
                        f"({_short(later)}): a quote was probably left open; close it",
                    )
                )
                break
    return found


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")

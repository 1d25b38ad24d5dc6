# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading a filled logframe workbook: the file checked before parsing, then every sheet's cells,
each problem named by sheet, row and column."""

from __future__ import annotations

import logging
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmdesk.domain.errors import ValidationError
from pmdesk.formats.files import check_size
from pmdesk.formats.logframe_cells import CellError, cell_text, convert, quote
from pmdesk.formats.logframe_layout import (
    CUSTOM_PERIODS,
    MAX_COLUMNS,
    MAX_EXPANDED_BYTES,
    MAX_FILE_BYTES,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_RATIO,
    MAX_ROWS,
    MAX_SHARED_TEXT_BYTES,
    MAX_SHEET_BYTES,
    MAX_SHEETS_LISTED,
    PROGRAMME,
    PROGRAMME_FIELDS,
    READ_REPORT_EVERY,
    SHEET_ORDER,
    SHEETS,
    TARGETS,
    SheetSpec,
)
from pmdesk.formats.problems import ProgressFn
from pmdesk.formats.zip_guard import NotAnArchive, PartLimit, UnsafeArchive, ZipLimits, read_directory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Where:
    """A place in the workbook: sheet, row as Excel shows it, column header."""

    sheet: str = ""
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [f"{self.sheet} sheet"] if self.sheet else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


@dataclass
class Row:
    number: int  # as Excel shows it
    values: dict[str, Any]  # package field → converted value (cells in error are left out)


@dataclass
class Reading:
    """What was read from the workbook so far: problems, and what they make unreliable."""

    problems: list[tuple[Where, str]] = field(default_factory=list)
    bad_cells: set[tuple[str, int | None, str | None]] = field(default_factory=set)
    bad_columns: set[tuple[str, str]] = field(default_factory=set)
    bad_sheets: set[str] = field(default_factory=set)
    formulas: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # sheet → (row, column)

    def add(self, where: Where, message: str) -> None:
        self.problems.append((where, message))
        self.bad_cells.add((where.sheet, where.row, where.column))

    def covers(self, where: Where) -> bool:
        """Whether a later problem at `where` only repeats (or follows from) one already found."""
        if where.sheet == TARGETS and where.column == "Period" and self._periods_unreliable():
            return True  # the reporting periods follow from programme cells that have problems
        return (
            (where.sheet, where.row, where.column) in self.bad_cells
            or (where.sheet, where.column or "") in self.bad_columns
            or where.sheet in self.bad_sheets
        )

    def _periods_unreliable(self) -> bool:
        return (
            PROGRAMME in self.bad_sheets
            or CUSTOM_PERIODS in self.bad_sheets
            or any(sheet in (PROGRAMME, CUSTOM_PERIODS) for sheet, _, _ in self.bad_cells)
        )


def _raw(cell: Any) -> tuple[object, bool, str]:
    """A read-only cell's value, whether it is formatted as a percentage, and its data type."""
    value = getattr(cell, "value", None)
    number_format = getattr(cell, "number_format", None) or ""
    return value, "%" in number_format, getattr(cell, "data_type", "n") or "n"


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_key(value: object) -> str:
    return " ".join(str(value).split()).rstrip("*").strip().lower() if value is not None else ""


UNCACHED_FORMULA = (
    "holds a formula without a saved result, and formulas are not imported: type the value "
    "(or open and save the file in Excel or LibreOffice first)"
)


def _cell_problem(value: object, data_type: str) -> str | None:
    if data_type == "e":
        return f"the cell holds an error ({value}); type a value"
    if isinstance(value, str) and value.lstrip().startswith("="):
        return "formulas are not imported; type the value itself"
    return None


def _iter_rows(sheet: Any, max_col: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    # Read-only sheets yield empty rows for the gaps, so counting gives the row numbers Excel shows.
    yield from enumerate(sheet.iter_rows(min_row=2, max_col=max_col), start=2)


def _report(progress: ProgressFn | None, row: int, message: str) -> None:
    """Every READ_REPORT_EVERY rows: `progress` raises (JobCancelled) once the user cancels."""
    if progress is not None and not row % READ_REPORT_EVERY:
        progress(row, 0, f"{message}: row {row:,}")


def _read_table(
    sheet: Any, spec: SheetSpec, reading: Reading, progress: ProgressFn | None = None
) -> list[Row]:
    """The rows of a table sheet, each cell converted; problems go to `reading`."""
    header_cells = next(iter(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS)), ())
    positions: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        key = _header_key(getattr(cell, "value", None))
        if key and key not in positions:
            positions[key] = index
    missing = [c.header for c in spec.columns if c.required and c.header.lower() not in positions]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        reading.add(
            Where(spec.name, 1),
            f"missing column{plural} {', '.join(missing)}; the header row must name "
            + ", ".join(c.header for c in spec.columns if c.required),
        )
        reading.bad_columns.update((spec.name, header) for header in missing)
    columns = [(c, positions[c.header.lower()]) for c in spec.columns if c.header.lower() in positions]
    width = max((i for _, i in columns), default=-1) + 1
    rows: list[Row] = []
    if width == 0:
        return rows
    formulas = reading.formulas.get(spec.name, set())
    for number, cells in _iter_rows(sheet, width):
        _report(progress, number, f"Reading the {spec.name} sheet")
        if number > MAX_ROWS + 1:
            reading.add(Where(spec.name), f"has more than {MAX_ROWS:,} rows; split the file")
            reading.bad_sheets.add(spec.name)
            break
        raws = [_raw(cells[i]) if i < len(cells) else (None, False, "n") for _, i in columns]
        if all(_is_blank(value) for value, _, _ in raws):
            continue
        values: dict[str, Any] = {}
        for (column, index), (value, is_percent, data_type) in zip(columns, raws):
            where = Where(spec.name, number, column.header)
            why = _cell_problem(value, data_type)
            if why is None and _is_blank(value) and (number, index + 1) in formulas:
                why = UNCACHED_FORMULA
            if why is None and _is_blank(value):
                if column.required:
                    why = f"{column.header} is required"
                else:
                    continue
            if why is None:
                try:
                    values[column.field] = convert(value, column.kind, column.choices, is_percent)
                    continue
                except CellError as exc:
                    why = str(exc)
            reading.add(where, why)
        rows.append(Row(number, values))
    return rows


def _read_programme(sheet: Any, reading: Reading) -> tuple[dict[str, Any], dict[str, int]]:
    """The Programme sheet's Field | Value rows: the values, and the row each field is on."""
    header = [
        _header_key(getattr(c, "value", None)) for c in next(iter(sheet.iter_rows(max_row=1, max_col=2)), ())
    ]
    if header[:2] != ["field", "value"]:
        reading.add(Where(PROGRAMME, 1), "the header row must be Field | Value")
    known = {f.name: f for f in PROGRAMME_FIELDS}
    values: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for number, cells in _iter_rows(sheet, 2):
        if number > 1000:
            break
        name_raw = _raw(cells[0])[0] if cells else None
        value, is_percent, data_type = _raw(cells[1]) if len(cells) > 1 else (None, False, "n")
        if _is_blank(name_raw) and _is_blank(value):
            continue
        name = re.sub(r"[\s\-]+", "_", str(name_raw or "").strip().lower())
        spec = known.get(name)
        if spec is None:
            reading.add(
                Where(PROGRAMME, number, "Field"),
                f"{quote(cell_text(name_raw) or '')} is not a programme field; the fields are "
                + ", ".join(known),
            )
            continue
        if name in rows:
            reading.add(Where(PROGRAMME, number, "Field"), f"'{name}' is already given on row {rows[name]}")
            continue
        rows[name] = number
        where = Where(PROGRAMME, number, "Value")
        why = _cell_problem(value, data_type)
        if why is None and _is_blank(value) and (number, 2) in reading.formulas.get(PROGRAMME, set()):
            why = UNCACHED_FORMULA
        if why is None and _is_blank(value):
            if spec.required:
                reading.add(where, f"{name} is required")
            continue
        if why is None:
            try:
                values[name] = convert(value, spec.kind, spec.choices, is_percent)
                continue
            except CellError as exc:
                why = str(exc)
        reading.add(where, why)
    for spec in PROGRAMME_FIELDS:
        if spec.required and spec.name not in rows:
            reading.add(Where(PROGRAMME), f"has no row for '{spec.name}' (add a row: {spec.name} | value)")
    return values, rows


def _check_file(path: Path) -> None:
    source = path.name
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ValidationError(
            "is an old-style .xls workbook; open it in Excel or LibreOffice and save it as .xlsx",
            source=source,
        )
    if suffix != ".xlsx":
        raise ValidationError(
            "is not an Excel workbook (.xlsx); use the PMDesk logframe template", source=source
        )
    check_size(path, MAX_FILE_BYTES, what="workbooks")
    not_xlsx = "is not a valid Excel workbook (.xlsx): it may be damaged, or another kind of file renamed"
    # Read when called, so that a test can lower one limit.
    limits = ZipLimits(
        max_parts=MAX_PARTS,
        max_total_bytes=MAX_EXPANDED_BYTES,
        max_part_bytes=MAX_PART_BYTES,
        part_limits=(
            PartLimit("xl/worksheets/sheet", MAX_SHEET_BYTES, "sheet"),
            PartLimit("xl/sharedStrings.xml", MAX_SHARED_TEXT_BYTES, "shared text"),
        ),
        max_ratio=MAX_RATIO,
    )
    try:
        members = read_directory(path, limits)
    except NotAnArchive:
        raise ValidationError(not_xlsx, source=source) from None
    except UnsafeArchive as exc:
        raise ValidationError(str(exc), source=source) from None
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise ValidationError(not_xlsx, source=source)


def _sheet_names(names: Sequence[str]) -> str:
    """The sheets of a workbook for a message: all of a few, the count and the first of many."""
    if len(names) <= MAX_SHEETS_LISTED:
        return "sheets " + ", ".join(names)
    first = ", ".join(names[:MAX_SHEETS_LISTED])
    return f"{len(names):,} sheets: {first} and {len(names) - MAX_SHEETS_LISTED:,} more"


def _sheets_by_name(workbook: Any) -> dict[str, Any]:
    """Worksheets by lower-case name (so 'targets ' finds Targets), chart sheets left out."""
    sheets: dict[str, Any] = {}
    for sheet in workbook.worksheets:
        if hasattr(sheet, "iter_rows"):
            if hasattr(sheet, "reset_dimensions"):
                # Some writers store a wrong size; read what is there, not what the header claims.
                sheet.reset_dimensions()
            sheets.setdefault(" ".join(sheet.title.split()).lower(), sheet)
    return sheets


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet holds a formula: a quick scan that spares most files a second parse."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            with archive.open(info) as stream:
                tail = b""
                while chunk := stream.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-64:]
    return False


def formula_cells(path: Path, progress: ProgressFn | None = None) -> dict[str, set[tuple[int, int]]]:
    """(row, column) of every formula cell of the template's sheets, in the rows and columns
    that are read (MAX_ROWS, MAX_COLUMNS).

    Read with data_only=True, a formula that was never calculated (a file written by a script,
    not by Excel) reads as an empty cell; without this its value would silently go missing.
    """
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=False)
    try:
        sheets = _sheets_by_name(workbook)
        out: dict[str, set[tuple[int, int]]] = {}
        for name in SHEET_ORDER:
            sheet = sheets.get(name.lower())
            if sheet is None:
                continue
            found: set[tuple[int, int]] = set()
            # The same caps as reading: past them a sheet is refused, so its formulas do not matter.
            rows = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS)
            for number, row in enumerate(rows, start=1):
                _report(progress, number, f"Reading formulas on the {name} sheet")
                found.update((c.row, c.column) for c in row if getattr(c, "data_type", None) == "f")
            out[name] = found
        return out
    finally:
        workbook.close()


def read_workbook(
    path: Path, reading: Reading, progress: ProgressFn | None = None
) -> tuple[dict[str, Any], dict[str, int], dict[str, list[Row]]]:
    from openpyxl import load_workbook

    _check_file(path)
    source = path.name
    # What `progress` raised (the GUI's JobCancelled) goes back to the caller as it is, not as
    # an unreadable file.
    raised: list[BaseException] = []

    def tracked(done: int, total: int, message: str) -> None:
        assert progress is not None
        try:
            progress(done, total, message)
        except BaseException as exc:
            raised.append(exc)
            raise

    report = tracked if progress is not None else None
    if report is not None:
        report(0, 0, f"Reading {source}")
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a hostile or damaged file can make the parser raise anything
        raise ValidationError(_unreadable(exc), source=source) from None
    try:
        sheets = _sheets_by_name(workbook)
        present = _sheet_names(workbook.sheetnames)
        if _has_formulas(path):
            reading.formulas = formula_cells(path, report)
        programme: dict[str, Any] = {}
        programme_rows: dict[str, int] = {}
        found = sheets.get(PROGRAMME.lower())
        if found is None:
            reading.add(Where(PROGRAMME), f"is missing: the workbook has {present}")
            reading.bad_sheets.add(PROGRAMME)
        else:
            programme, programme_rows = _read_programme(found, reading)
        tables: dict[str, list[Row]] = {}
        for spec in SHEETS:
            found = sheets.get(spec.name.lower())
            if found is None:
                if spec.required:
                    reading.add(Where(spec.name), f"is missing: the workbook has {present}")
                    reading.bad_sheets.add(spec.name)
                continue
            tables[spec.name] = _read_table(found, spec, reading, report)
    except ValidationError:
        raise
    except Exception as exc:  # read-only sheets are parsed lazily, so damage can surface here
        if raised and exc is raised[-1]:
            raise
        raise ValidationError(_unreadable(exc), source=source) from None
    finally:
        workbook.close()  # read-only mode keeps the file open (and locked on Windows) until closed
    return programme, programme_rows, tables


def _unreadable(exc: Exception) -> str:
    """Why openpyxl could not read a workbook, in words for the person who chose the file."""
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__  # openpyxl wraps what its parser raised
    if cause is not None:
        # Spreadsheet programs never write these: they are how an XML "bomb" expands to gigabytes
        # or a file reaches into this computer.
        return (
            "declares XML entities or a document type inside the workbook, which spreadsheet "
            "programs never write; refused as unsafe"
        )
    log.info("openpyxl could not read a workbook", exc_info=exc)
    return (
        "cannot be read as an Excel workbook: it may be damaged, or written by a program that "
        "does not follow the format; open it in Excel or LibreOffice and save it again"
    )

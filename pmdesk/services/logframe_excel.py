# SPDX-License-Identifier: GPL-3.0-or-later
"""Logframes in Excel: the template workbook, and importing a filled one as a programme package."""

from __future__ import annotations

import logging
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import Cumulation, Direction, Frequency, ImportKind, Measure
from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.formats.files import check_size, save_workbook
from pmdesk.formats.zip_guard import MB, NotAnArchive, PartLimit, UnsafeArchive, ZipLimits, read_directory
from pmdesk.services.actor import Actor
from pmdesk.services.import_log import ImportedFile, file_sha256
from pmdesk.services.programmes import CODE_RE
from pmdesk.services.value_batch import ProgressFn
from pmdesk.storage.models import ProgrammeRow

log = logging.getLogger(__name__)

if TYPE_CHECKING:  # openpyxl and the package importer are loaded on first use, not at start-up
    from openpyxl.worksheet.worksheet import Worksheet

    from pmdesk.services.packages import PackageSummary

MAX_FILE_BYTES = 50 * MB
# Limits checked from the zip directory before openpyxl parses anything (pmdesk.formats.zip_guard).
# openpyxl reads about 2 MB of sheet XML a second, so these bound the time a workbook can take;
# a logframe of MAX_ROWS target rows, as Excel or openpyxl writes it, stays well inside them.
MAX_EXPANDED_BYTES = 128 * MB
MAX_SHEET_BYTES = 64 * MB  # one worksheet's XML, read a row at a time
MAX_SHARED_TEXT_BYTES = 32 * MB  # sharedStrings.xml, which openpyxl holds in memory whole
MAX_PART_BYTES = 16 * MB  # any other part: workbook, styles, drawings, images
MAX_PARTS = 1000  # a template has 35
MAX_RATIO = 100  # Apache POI's default too: honest sheet XML compresses about tenfold
MAX_ROWS = 200_000
MAX_COLUMNS = 100  # columns read from a header row; the rest of a sheet is ignored
MAX_SHEETS_LISTED = 20  # sheet names a message lists; the rest are counted
READ_REPORT_EVERY = 1000  # rows between progress reports (and chances to cancel) while reading
TEMPLATE_ROWS = 1000  # rows the drop-downs of the template cover
README_WIDTH = 100

README = "Read me"
PROGRAMME = "Programme"
DISAGGREGATIONS = "Disaggregations"
SITES = "Sites"
FRAMEWORK = "Framework"
INDICATORS = "Indicators"
PEOPLE = "People"
TARGETS = "Targets"
CUSTOM_PERIODS = "Custom periods"

MEASURES = tuple(m.value for m in Measure)
DIRECTIONS = tuple(d.value for d in Direction)
CUMULATIONS = tuple(c.value for c in Cumulation)
FREQUENCIES = tuple(f.value for f in Frequency)
# Words people write in logframes for the same thing.
_ALIASES = {
    "percentage": "percent",
    "%": "percent",
    "semi_annual": "semiannual",
    "biannual": "semiannual",
    "half_yearly": "semiannual",
    "yearly": "annual",
    "running": "running_total",
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_THRESHOLD_KEYS = ("exceeding", "on_track", "at_risk")


# -- the shape of the workbook ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a table sheet and the package field it fills."""

    header: str
    field: str  # package field; dotted for nested ones ("baseline.value")
    kind: str  # code, text, number, date, enum, codes, options, period
    required: bool = False  # the column must exist and every row needs a value
    choices: tuple[str, ...] = ()
    width: float = 14
    help: str = ""


@dataclass(frozen=True)
class SheetSpec:
    name: str
    columns: tuple[Column, ...]
    required: bool = False  # the sheet must exist
    example: tuple[object, ...] = ()


@dataclass(frozen=True)
class ProgrammeField:
    name: str
    kind: str
    required: bool = False
    example: object = None
    help: str = ""
    choices: tuple[str, ...] = ()


PROGRAMME_FIELDS: tuple[ProgrammeField, ...] = (
    ProgrammeField("code", "code", True, "EX-WASH", "Short code: letters, digits, '.', '_' or '-'."),
    ProgrammeField("name", "text", True, "Example: clean water for rural schools"),
    ProgrammeField("donor", "text", False, "Example Water Trust"),
    ProgrammeField("description", "text", False, "Water points and hygiene clubs in 40 rural schools."),
    ProgrammeField("start", "date", True, date(2025, 1, 1), "A date cell, or text like 2025-01-01."),
    ProgrammeField("end", "date", True, date(2026, 12, 31), "A date cell, or text like 2026-12-31."),
    ProgrammeField("frequency", "enum", True, "quarterly", "How often actuals are reported.", FREQUENCIES),
    ProgrammeField(
        "fiscal_year_start_month",
        "month",
        False,
        1,
        "Month the fiscal year starts: 1, 4, 7 or 10.",
        ("1", "4", "7", "10"),
    ),
    ProgrammeField(
        "tiers",
        "tiers",
        False,
        "Goal; Outcome; Output",
        "Tier names from the top, separated by ';'. Empty: the tiers used on the Framework sheet.",
    ),
    ProgrammeField(
        "thresholds",
        "thresholds",
        False,
        "exceeding=115; on_track=85; at_risk=70",
        "Status bands in % met. Empty: 115, 85 and 70.",
    ),
)

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        DISAGGREGATIONS,
        (
            Column("Code", "code", "code", True, width=12),
            Column("Name", "name", "text", True, width=24),
            Column(
                "Options",
                "options",
                "options",
                True,
                width=40,
                help="CODE=Name; CODE=Name, e.g. F=Female; M=Male",
            ),
        ),
        example=("SEX", "Sex", "F=Female; M=Male"),
    ),
    SheetSpec(
        SITES,
        (
            Column("Code", "code", "code", True, width=12),
            Column("Name", "name", "text", True, width=32),
            Column(
                "Parent",
                "parent",
                "code",
                width=12,
                help="Code of the site above this one (empty at the top).",
            ),
        ),
        example=("KIB", "Kibera school", None),
    ),
    SheetSpec(
        FRAMEWORK,
        (
            Column("Code", "code", "code", True, width=10),
            Column("Tier", "tier", "text", True, width=16, help="One of the tiers on the Programme sheet."),
            Column("Title", "title", "text", True, width=50),
            Column(
                "Parent",
                "parent",
                "code",
                width=10,
                help="Code of the result above this one (empty at the top).",
            ),
            Column("Description", "description", "text", width=50),
        ),
        required=True,
        example=(
            "G",
            "Goal",
            "Healthier children in rural schools",
            None,
            "Fewer water-borne illnesses among pupils.",
        ),
    ),
    SheetSpec(
        INDICATORS,
        (
            Column("Code", "code", "code", True, width=10),
            Column(
                "Result", "result", "code", True, width=10, help="Code of its result on the Framework sheet."
            ),
            Column("Name", "name", "text", True, width=44),
            Column("Definition", "definition", "text", width=40),
            Column("Measure", "measure", "enum", True, MEASURES, width=12),
            Column("Unit", "unit", "text", width=12),
            Column("Direction", "direction", "enum", False, DIRECTIONS, width=12, help="Empty: increase."),
            Column("Cumulation", "cumulation", "enum", False, CUMULATIONS, width=14, help="Empty: periodic."),
            Column(
                "Disaggregations",
                "disaggregations",
                "codes",
                width=16,
                help="Codes separated by ';', e.g. SEX; AGE",
            ),
            Column("Baseline value", "baseline.value", "number", width=12),
            Column("Baseline date", "baseline.date", "date", width=13),
            Column("Baseline note", "baseline.note", "text", width=24),
            Column(
                "LoP target",
                "lop_target",
                "number",
                width=11,
                help="Empty: worked out from the period targets.",
            ),
            Column("Data source", "data_source", "text", width=22),
            Column("Collection method", "collection_method", "text", width=22),
            Column("Frequency", "frequency", "text", False, FREQUENCIES[:-1], width=12),
            Column(
                "Responsible",
                "responsible",
                "person",
                width=13,
                help="Code (or name) of a person on the People sheet.",
            ),
            Column("Means of verification", "means_of_verification", "text", width=24),
        ),
        required=True,
        example=(
            "1.1",
            "G",
            "Pupils with safe drinking water at school",
            "Pupils enrolled in a school with a functioning water point",
            "number",
            "pupils",
            "increase",
            "periodic",
            "SEX",
            0,
            date(2024, 12, 31),
            "Before the programme started",
            800,
            "School registers",
            "Headcount at monitoring visits",
            "quarterly",
            "amina",
            "Monitoring visit reports",
        ),
    ),
    SheetSpec(
        PEOPLE,
        (
            Column("Code", "code", "code", True, width=12),
            Column("Name", "name", "text", True, width=24),
            Column("Organisation", "organisation", "text", width=24),
            Column("Role", "role", "text", width=20),
            Column("Email", "email", "text", width=28),
        ),
        example=("amina", "Amina Yusuf", "Example Water Trust", "M&E officer", "amina@example.org"),
    ),
    SheetSpec(
        TARGETS,
        (
            Column(
                "Indicator",
                "indicator",
                "code",
                True,
                width=11,
                help="Code of an indicator on the Indicators sheet.",
            ),
            Column(
                "Period",
                "period",
                "period",
                True,
                width=11,
                help="A reporting period: 2025Q1, 202503, 2025S1, 2025 …",
            ),
            Column("Site", "site", "code", width=10, help="Empty: the programme-level target."),
            Column("Value", "value", "number", True, width=11),
        ),
        example=("1.1", "2025Q1", None, 100),
    ),
    SheetSpec(
        CUSTOM_PERIODS,
        (
            Column("Code", "code", "code", True, width=12),
            Column("Start", "start", "date", True, width=13),
            Column("End", "end", "date", True, width=13),
        ),
    ),
)
SHEET_ORDER = (PROGRAMME, *(s.name for s in SHEETS))
_SPECS = {s.name: s for s in SHEETS}
_PACKAGE_LISTS = {
    DISAGGREGATIONS: "disaggregations",
    SITES: "sites",
    FRAMEWORK: "results",
    PEOPLE: "people",  # before indicators: their Responsible may name a person
    INDICATORS: "indicators",
    CUSTOM_PERIODS: "custom_periods",
}

README_LINES: tuple[str, ...] = (
    "PMDesk logframe template",
    "",
    "Fill one sheet per part of the logframe, then import the file in PMDesk.",
    "Each sheet holds one example row of a small example programme: replace it with your own.",
    "Keep the header row as it is; columns with a dark blue header are required. Empty rows are ignored.",
    "Things refer to each other by code (a result by its Code, a site by its Code …). Codes are 1–40 letters, "
    "digits, '.', '_' or '-'.",
    "Type values, not formulas: formulas are not imported.",
    "",
    "Programme: one row per field (code, name, donor, start, end, frequency, fiscal_year_start_month, tiers, "
    "thresholds).",
    "  frequency: "
    + ", ".join(FREQUENCIES)
    + ". With custom, list the periods on the 'Custom periods' sheet "
    "(Code, Start, End), e.g. BASELINE, MIDLINE, ENDLINE.",
    "  fiscal_year_start_month: 1, 4, 7 or 10.",
    "  tiers: the tier names from the top, separated by ';', e.g. Goal; Outcome; Output.",
    "  thresholds: exceeding=115; on_track=85; at_risk=70 (status bands in % met).",
    "Dates: a date cell, or text written YYYY-MM-DD (2025-01-31).",
    "",
    "Disaggregations: Options are written CODE=Name separated by ';', e.g. F=Female; M=Male.",
    "Sites and Framework: Parent is the code of the site or result above; empty at the top.",
    "Indicators:",
    "  Measure: " + ", ".join(MEASURES) + ".",
    "  Direction: " + ", ".join(DIRECTIONS) + " (empty: increase).",
    "  Cumulation: periodic (each period on its own), cumulative (values are increments), running_total "
    "(values are already totals). Empty: periodic.",
    "  Disaggregations: codes from the Disaggregations sheet separated by ';'.",
    "  Responsible: the code (or the name) of a person on the People sheet.",
    "  Percentages are written as numbers of percent: 75 for 75 % (a cell formatted as 75% is read as 75).",
    "Targets: one row per indicator and period (and site, for site targets).",
    "  Period codes: 2025Q1 (quarter), 202503 (month), 2025S1 (half-year), 2025 (year), 2025Oct (fiscal year "
    "starting October 2025), or a custom period code.",
    "  An empty Site is the programme-level target.",
    "",
    "The import is all or nothing: every problem is listed with its sheet, row and column, and nothing is "
    "created until the file is clean.",
)


# -- the template --------------------------------------------------------------------------------------


def write_template(path: Path) -> None:
    """Write the logframe template (instructions, one example row per sheet) to `path`."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    required_fill = PatternFill("solid", fgColor="1F4E78")
    optional_fill = PatternFill("solid", fgColor="DDEBF7")
    white_bold = Font(bold=True, color="FFFFFF")
    bold = Font(bold=True)

    workbook = Workbook()
    readme = workbook.active
    assert readme is not None  # a new Workbook always has one sheet
    readme.title = README
    readme.column_dimensions["A"].width = README_WIDTH
    for row, line in enumerate(README_LINES, start=1):
        cell = readme.cell(row=row, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top", indent=2 if line.startswith(" ") else 0)
        cell.value = line.strip()
        if row == 1:
            cell.font = Font(bold=True, size=14)
            readme.row_dimensions[row].height = 24
        elif line and not line.startswith(" ") and line.endswith(":"):
            cell.font = bold
        # Spreadsheets do not grow a row for wrapped text in a generated file: size it here.
        lines = -(-len(line) // int(README_WIDTH * 1.1))
        if lines > 1:
            readme.row_dimensions[row].height = 15 * lines

    sheet = workbook.create_sheet(PROGRAMME)
    _header(sheet, ("Field", "Value"), (True, True), required_fill, optional_fill, white_bold)
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 48
    for row, item in enumerate(PROGRAMME_FIELDS, start=2):
        name = sheet.cell(row=row, column=1, value=item.name)
        name.font = Font(bold=item.required)
        if item.help:
            name.comment = Comment(item.help, "PMDesk")
        value = sheet.cell(row=row, column=2, value=item.example)
        value.alignment = Alignment(horizontal="left")
        if item.kind == "date":
            value.number_format = "yyyy-mm-dd"
        elif item.kind in ("code", "text", "tiers", "thresholds"):
            value.number_format = "@"
        if item.choices:
            _drop_down(sheet, item.choices, f"B{row}", strict=True)
    sheet.freeze_panes = "A2"

    for spec in SHEETS:
        sheet = workbook.create_sheet(spec.name)
        _header(
            sheet,
            [c.header for c in spec.columns],
            [c.required for c in spec.columns],
            required_fill,
            optional_fill,
            white_bold,
        )
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = column.width
            if column.kind in ("code", "codes", "period", "person"):
                # Typed as text, '1.10' stays '1.10' and '202503' stays a period code.
                sheet.column_dimensions[letter].number_format = "@"
            elif column.kind == "date":
                sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
            if column.help:
                sheet.cell(row=1, column=index).comment = Comment(column.help, "PMDesk")
            if column.choices:
                _drop_down(
                    sheet,
                    column.choices,
                    f"{letter}2:{letter}{TEMPLATE_ROWS}",
                    strict=column.kind == "enum",
                )
        for index, (column, value) in enumerate(zip(spec.columns, spec.example), start=1):
            cell = sheet.cell(row=2, column=index, value=value)
            if column.kind == "date":
                cell.number_format = "yyyy-mm-dd"
            elif column.kind in ("code", "codes", "period", "person"):
                cell.number_format = "@"
            cell.alignment = Alignment(vertical="top")
        sheet.freeze_panes = "A2"
    for sheet in workbook.worksheets:
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    save_workbook(workbook, Path(path))


def _header(
    sheet: Worksheet,
    names: Sequence[str],
    required: Sequence[bool],
    required_fill: Any,
    optional_fill: Any,
    white_bold: Any,
) -> None:
    from openpyxl.styles import Alignment, Font

    for index, (name, is_required) in enumerate(zip(names, required), start=1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font = white_bold if is_required else Font(bold=True)
        cell.fill = required_fill if is_required else optional_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 30


def _drop_down(sheet: Worksheet, choices: Sequence[str], cells: str, *, strict: bool) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=strict,  # a free-text column only suggests
        errorTitle="Not allowed",
        error="Choose one of: " + ", ".join(choices),
    )
    validation.add(cells)
    sheet.add_data_validation(validation)


# -- where things are --------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class _RowRef:
    sheet: str
    row: int | None
    columns: Mapping[str, str] = field(default_factory=dict)  # package field → column header
    column: str | None = None  # the column of everything below this path


_PATH_PART = re.compile(r"\.[A-Za-z_]\w*|\[\d+\]")
_EMBEDDED_PATH = re.compile(r"\$(?:\.[A-Za-z_]\w*|\[\d+\])+")
_RELATIVE_TARGET = re.compile(r"(?<![\w.$\]])targets\[(\d+)\]")


class _Origins:
    """Maps package JSON paths back to the sheet, row and column they came from."""

    def __init__(self) -> None:
        self.refs: dict[str, _RowRef] = {}

    def add(self, path: str, ref: _RowRef) -> None:
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


# -- reading cells ------------------------------------------------------------------------------------


class _CellError(Exception):
    """A cell that cannot be read as its column needs; the message is shown to the user."""


def _quote(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _number_text(value: float | int) -> str:
    # A code typed as 1.1 or a period typed as 2025 arrives as a number.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text(value: object) -> str | None:
    """A cell as text: strings stripped, numbers without '.0', dates as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _number(value: object, is_percent_cell: bool) -> float:
    if isinstance(value, bool | datetime | date):
        raise _CellError(f"{_quote(_text(value))} is not a number")
    if isinstance(value, int | float):
        number = float(value)
        if is_percent_cell:
            # Excel stores 75 % as 0.75; PMDesk writes percentages as 75.
            number = round(number * 100, 10)
    else:
        text = str(value).strip()
        percent = text.endswith("%")
        try:
            number = float(text[:-1].strip() if percent else text)
        except ValueError:
            raise _CellError(
                f"{_quote(text)} is not a number (write digits, with '.' for decimals)"
            ) from None
    if not math.isfinite(number):
        raise _CellError(f"{_quote(value)} is not a number")
    return number


def _json_number(number: float) -> int | float:
    # 3.0 typed in a float cell is the whole number 3.
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


def _date(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value) or ""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise _CellError(f"{_quote(text)} is not a date (use a date cell, or write YYYY-MM-DD)") from None


def _enum(value: object, choices: Sequence[str]) -> str:
    text = _text(value) or ""
    key = re.sub(r"[\s\-]+", "_", text.lower())
    key = _ALIASES.get(key, key)
    if key not in choices:
        raise _CellError(f"{_quote(text)} is not one of {', '.join(choices)}")
    return key


def _split(text: str, separators: str = ";\n") -> list[str]:
    parts = re.split(f"[{re.escape(separators)}]", text)
    return [p.strip() for p in parts if p.strip()]


CODE_RULE = "1–40 letters, digits, '.', '_' or '-', starting with a letter or digit"


def _code(value: object) -> str:
    text = _text(value) or ""
    if not CODE_RE.match(text) or "\n" in text:
        raise _CellError(f"{_quote(text)} is not a valid code: {CODE_RULE}")
    return text


def _codes(value: object) -> list[str]:
    # Codes hold no spaces or commas, so any of these separates them.
    return [_code(part) for part in _split(_text(value) or "", ";,\n ")]


def _options(value: object) -> list[dict[str, str]]:
    options = []
    for part in _split(_text(value) or ""):
        code, sep, name = part.partition("=")
        code, name = code.strip(), name.strip()
        if not sep:
            code = name = part
        if not code or not name:
            raise _CellError(f"{_quote(part)} is not an option: write CODE=Name, e.g. F=Female; M=Male")
        if not CODE_RE.match(code):
            raise _CellError(f"option code {_quote(code)} is not valid: {CODE_RULE}; write CODE=Name")
        options.append({"code": code, "name": name})
    if not options:
        raise _CellError("write the options as CODE=Name separated by ';', e.g. F=Female; M=Male")
    return options


def _tiers(value: object) -> list[str]:
    text = _text(value) or ""
    tiers = _split(text)
    if len(tiers) == 1 and "," in text:
        tiers = _split(text, ",")
    return tiers


def _thresholds(value: object) -> dict[str, int | float]:
    text = _text(value) or ""
    parts = _split(text, ";,\n")
    hint = "write exceeding=115; on_track=85; at_risk=70"
    out: dict[str, int | float] = {}
    for index, part in enumerate(parts):
        key, sep, number = part.partition("=")
        if sep:
            name = re.sub(r"[\s\-]+", "_", key.strip().lower())
            if name not in _THRESHOLD_KEYS:
                raise _CellError(f"{_quote(key.strip())} is not a threshold; {hint}")
        elif len(parts) == len(_THRESHOLD_KEYS):
            name, number = _THRESHOLD_KEYS[index], part
        else:
            raise _CellError(f"{_quote(text)}: {hint}")
        try:
            out[name] = _json_number(_number(number, False))
        except _CellError:
            raise _CellError(f"{_quote(number.strip())} is not a number; {hint}") from None
    return out


def _month(value: object) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = (_text(value) or "").lower()
        if text[:3] in _MONTHS and text.isalpha():
            return _MONTHS[text[:3]]
        try:
            number = float(text)
        except ValueError:
            raise _CellError(f"{_quote(text)} is not a month: write 1, 4, 7 or 10") from None
    if number not in (1, 4, 7, 10):
        raise _CellError(
            f"{_quote(_text(value))} is not a month a fiscal year can start in: write 1, 4, 7 or 10"
        )
    return int(number)


def _period(value: object) -> str:
    if isinstance(value, datetime | date):
        raise _CellError(
            f"{_quote(_text(value))} is a date; write a period code like 2025Q1 or 202503 (format the cell as text)"
        )
    return _text(value) or ""


def convert(value: object, kind: str, choices: Sequence[str] = (), is_percent_cell: bool = False) -> Any:
    """One cell's value as the package field of `kind` needs it; _CellError says why not."""
    if kind == "number":
        return _json_number(_number(value, is_percent_cell))
    if kind == "date":
        return _date(value)
    if kind == "enum":
        return _enum(value, choices)
    if kind == "codes":
        return _codes(value)
    if kind == "options":
        return _options(value)
    if kind == "tiers":
        return _tiers(value)
    if kind == "thresholds":
        return _thresholds(value)
    if kind == "month":
        return _month(value)
    if kind == "period":
        return _period(value)
    if kind == "code":
        return _code(value)
    return _text(value)  # text; a person may be given by name


# -- reading the workbook ------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int  # as Excel shows it
    values: dict[str, Any]  # package field → converted value (cells in error are left out)


@dataclass
class _Reading:
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
    sheet: Any, spec: SheetSpec, reading: _Reading, progress: ProgressFn | None = None
) -> list[_Row]:
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
    rows: list[_Row] = []
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
                except _CellError as exc:
                    why = str(exc)
            reading.add(where, why)
        rows.append(_Row(number, values))
    return rows


def _read_programme(sheet: Any, reading: _Reading) -> tuple[dict[str, Any], dict[str, int]]:
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
                f"{_quote(_text(name_raw) or '')} is not a programme field; the fields are "
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
            except _CellError as exc:
                why = str(exc)
        reading.add(where, why)
    for spec in PROGRAMME_FIELDS:
        if spec.required and spec.name not in rows:
            reading.add(Where(PROGRAMME), f"has no row for '{spec.name}' (add a row: {spec.name} | value)")
    return values, rows


# -- from sheets to a package -------------------------------------------------------------------------


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
    tables: Mapping[str, list[_Row]],
    reading: _Reading,
) -> tuple[dict[str, Any], _Origins]:
    """The pmdesk.programme/1 package of the sheets, and where each of its items came from."""
    origins = _Origins()
    origins.add("$", _RowRef("", None))
    origins.add("$.programme", _RowRef(PROGRAMME, None))
    for name, number in programme_rows.items():
        origins.add(f"$.programme.{name}", _RowRef(PROGRAMME, number, column="Value"))

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
        tiers_ref = _RowRef(PROGRAMME, programme_rows.get("tiers"), column="Value")
    else:
        # No tiers given: the tiers the Framework sheet uses, top first in order of appearance.
        tiers = list(dict.fromkeys(r.values["tier"] for r in framework if r.values.get("tier")))
        tiers_ref = _RowRef(FRAMEWORK, None, column="Tier")
    package["tiers"] = tiers
    origins.add("$.tiers", tiers_ref)
    package["custom_periods"] = []

    for sheet_name, key in _PACKAGE_LISTS.items():
        spec = _SPECS[sheet_name]
        columns = _columns_of(spec)
        origins.add(f"$.{key}", _RowRef(sheet_name, None))
        items: list[dict[str, Any]] = []
        numbers: list[int] = []
        for row in tables.get(sheet_name, []):
            if "code" not in row.values:
                continue  # reported; nothing can refer to a row without a code
            item = _nest(row.values)
            for column in spec.columns:
                if column.required and column.field not in row.values:
                    item[column.field] = _PLACEHOLDERS.get(column.field, "?")
            origins.add(f"$.{key}[{len(items)}]", _RowRef(sheet_name, row.number, columns))
            items.append(item)
            numbers.append(row.number)
        package[key] = items
        if sheet_name == INDICATORS:
            _link_people(package, numbers, reading)

    _attach_targets(package, tables.get(TARGETS, []), origins, reading)
    return package, origins


def _link_people(package: dict[str, Any], row_numbers: Sequence[int], reading: _Reading) -> None:
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
                f"there is no person {_quote(who)} on the People sheet (give a person's code)",
            )


def _attach_targets(package: dict[str, Any], rows: list[_Row], origins: _Origins, reading: _Reading) -> None:
    indicators: dict[str, tuple[int, dict[str, Any]]] = {}
    for index, item in enumerate(package["indicators"]):
        indicators.setdefault(item["code"], (index, item))
        item["targets"] = []
    columns = _columns_of(_SPECS[TARGETS])
    for row in rows:
        code = row.values.get("indicator")
        if code is None:
            continue
        found = indicators.get(code)
        if found is None:
            reading.add(
                Where(TARGETS, row.number, "Indicator"),
                f"there is no indicator {_quote(code)} on the Indicators sheet",
            )
            continue
        index, indicator = found
        target = {k: v for k, v in row.values.items() if k != "indicator"}
        for name in ("period", "value"):
            target.setdefault(name, "2000" if name == "period" else 0)
        origins.add(
            f"$.indicators[{index}].targets[{len(indicator['targets'])}]",
            _RowRef(TARGETS, row.number, columns),
        )
        indicator["targets"].append(target)


# -- the importer -------------------------------------------------------------------------------------


class LogframeImporter:
    """Creates a programme from a filled logframe template, all or nothing."""

    def __init__(
        self, sessions: sessionmaker[Session], actor: Actor, database_path: Path | None = None
    ) -> None:
        self._sessions = sessions
        self._actor = actor
        self._database_path = database_path

    def import_workbook(
        self, path: Path, progress: Callable[[int, int, str], None] | None = None
    ) -> PackageSummary:
        """Import an .xlsx logframe in one transaction.

        Raises ValidationError (naming the file) listing every problem with its sheet, row and
        column; nothing is written then. Refuses files that are not .xlsx workbooks, exceed 50 MB
        or would expand beyond the limits above, judged from the zip directory before parsing.
        `progress` is told every READ_REPORT_EVERY rows read, then passed to
        PackageService.import_package; what it raises stops the import (and rolls back).
        """
        from pmdesk.services.packages import PackageService

        path = Path(path)
        source = path.name
        reading = _Reading()
        programme, programme_rows, tables = _read_workbook(path, reading, progress)
        package, origins = build_package(programme, programme_rows, tables, reading)
        service = PackageService(self._sessions, self._actor, self._database_path)
        if not reading.problems:
            # A second read of the file: openpyxl opens it itself, seeking about in the zip.
            origin = ImportedFile(ImportKind.LOGFRAME, source, file_sha256(path))
            try:
                return service.import_package(package, source=source, progress=progress, origin=origin)
            except ValidationError as exc:
                raise ValidationError(
                    _ordered(origins.translate(p) for p in exc.problems), source=source
                ) from None
        # The cells already have problems: check the rest against a scratch database so that the
        # user sees every problem at once, and the real database is never touched.
        found = list(reading.problems)
        for problem in _scratch_problems(package, self._actor, source):
            where, message = origins.translate(problem)
            if not reading.covers(where) and (where, message) not in found:
                found.append((where, message))
        code = package["programme"].get("code")
        if PROGRAMME not in reading.bad_sheets and self._exists(code):
            found.append(
                (
                    Where(PROGRAMME, programme_rows.get("code"), "Value"),
                    f"programme {code} already exists (importing creates a programme)",
                )
            )
        raise ValidationError(_ordered(found), source=source)

    def _exists(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        with self._sessions() as session:
            return session.scalar(select(ProgrammeRow.id).where(ProgrammeRow.code == code)) is not None


def _scratch_problems(package: dict[str, Any], actor: Actor, source: str) -> list[Problem]:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    from pmdesk.services.packages import PackageService
    from pmdesk.storage.models import Base

    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        Base.metadata.create_all(engine)
        scratch = sessionmaker(engine, expire_on_commit=False)
        PackageService(scratch, actor).import_package(package, source=source)
    except ValidationError as exc:
        return exc.problems
    except Exception:  # the check is a courtesy: the cell problems are reported regardless
        log.exception("checking a logframe package against a scratch database failed")
    finally:
        engine.dispose()
    return []


def _ordered(found: Iterable[tuple[Where, str]]) -> list[Problem]:
    """Problems in workbook order (sheet, then row), each once."""
    order = {name: i for i, name in enumerate(SHEET_ORDER)}
    unique = list(dict.fromkeys(found))
    unique.sort(key=lambda item: (order.get(item[0].sheet, -1), item[0].row or 0))
    return [Problem(str(where), message) for where, message in unique]


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


def _formula_cells(path: Path, progress: ProgressFn | None = None) -> dict[str, set[tuple[int, int]]]:
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


def _read_workbook(
    path: Path, reading: _Reading, progress: ProgressFn | None = None
) -> tuple[dict[str, Any], dict[str, int], dict[str, list[_Row]]]:
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
            reading.formulas = _formula_cells(path, report)
        programme: dict[str, Any] = {}
        programme_rows: dict[str, int] = {}
        found = sheets.get(PROGRAMME.lower())
        if found is None:
            reading.add(Where(PROGRAMME), f"is missing: the workbook has {present}")
            reading.bad_sheets.add(PROGRAMME)
        else:
            programme, programme_rows = _read_programme(found, reading)
        tables: dict[str, list[_Row]] = {}
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

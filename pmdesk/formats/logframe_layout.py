# SPDX-License-Identifier: GPL-3.0-or-later
"""The logframe workbook's shape: its sheets, their columns, the programme fields, the limits a
workbook is read within, and the text of its "Read me" sheet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pmdesk.domain.enums import Cumulation, Direction, Frequency, Measure
from pmdesk.formats.zip_guard import MB

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
SPECS = {s.name: s for s in SHEETS}
PACKAGE_LISTS = {
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

# SPDX-License-Identifier: GPL-3.0-or-later
"""The logframe template: an .xlsx workbook with instructions and one example row per sheet."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.formats.files import save_workbook
from pmdesk.formats.logframe_layout import (
    PROGRAMME,
    PROGRAMME_FIELDS,
    README,
    README_LINES,
    README_WIDTH,
    SHEETS,
    TEMPLATE_ROWS,
)

if TYPE_CHECKING:  # openpyxl is loaded on first use, not at start-up
    from openpyxl.worksheet.worksheet import Worksheet


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

# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT as an Excel workbook laid out like TolaData's, with a change-log sheet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.domain.enums import Measure, Status
from pmdesk.domain.history_entry import HistoryEntry
from pmdesk.domain.iptt import bands_line, partial_note
from pmdesk.domain.iptt_table import IpttRow, IpttTable, ResultInfo
from pmdesk.formats.files import save_workbook
from pmdesk.formats.iptt_text import PARTIAL_RULE, status_label

if TYPE_CHECKING:  # openpyxl is imported when a workbook is written, never at start-up
    from openpyxl.worksheet.worksheet import Worksheet

IPTT_SHEET = "IPTT"
CHANGE_LOG_SHEET = "Change log"
FOOTNOTE = (
    "Figures rounded to 2 decimals for display; % met = actual ÷ target "
    "(target ÷ actual for decreasing indicators)."
)

# Fixed columns before the period blocks: (header, width).
INDICATOR_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Code", 11),
    ("Indicator", 48),
    ("Unit", 11),
    ("Measure", 11),
    ("Direction", 10),
    ("Cumulation", 13),
    ("Baseline", 10),
)
LOP_COLUMNS = ("Target", "Actual", "% met")
TO_DATE_COLUMNS = ("Target", "Actual", "% met", "Status")
# "Sites": how many of the sites expected to report have a value (DESIGN.md §3a).
PERIOD_COLUMNS = ("Target", "Actual", "% met", "Sites")
NUMBER_WIDTH = 10.5
STATUS_WIDTH = 12
TEXT_WIDTH = 24
SITES_WIDTH = 9
PARTIAL_FILL = "FCE4D6"  # the words "partial" are always written too
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell

TITLE_ROWS = 6  # title, as of / site, generated, footnote, partial-reporting rule, blank
GROUP_HEADER_ROW = TITLE_ROWS + 1
HEADER_ROW = TITLE_ROWS + 2
FIRST_BODY_ROW = TITLE_ROWS + 3

# Light fills that stay readable printed in black and white; the status text is always written too,
# so colour is never the only signal.
STATUS_FILLS = {
    Status.EXCEEDING: "BDD7EE",
    Status.ON_TRACK: "C6EFCE",
    Status.AT_RISK: "FFEB9C",
    Status.OFF_TRACK: "FFC7CE",
    Status.NO_TARGET: "EDEDED",
    Status.NO_DATA: "EDEDED",
}
LEVEL_FILLS = ("D9D9D9", "E7E6E6", "F2F2F2")  # darker for higher tiers
HEADER_FILL = "DDEBF7"
BLOCK_FILLS = ("FFFFFF", "F7F9FC")  # alternate period blocks so the eye can follow a column

CHANGE_LOG_COLUMNS: tuple[tuple[str, float], ...] = (
    ("When (UTC)", 18),
    ("Who", 16),
    ("Device", 37),
    ("What", 30),
    ("Field", 16),
    ("Old", 22),
    ("New", 22),
    ("Reason", 30),
)


def write_iptt_workbook(
    table: IpttTable,
    path: Path,
    history: Sequence[HistoryEntry] = (),
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write the IPTT (and, when given, its change log) to an .xlsx file at `path`.

    `progress(done, total)` is called as rows are written, so a worker can show a progress bar.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = IPTT_SHEET
    total = len(table.rows) + len(history)
    done = 0

    def step(count: int = 1) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    _write_iptt(sheet, table, step)
    log = workbook.create_sheet(CHANGE_LOG_SHEET)
    _write_change_log(log, history, step)
    if progress is not None and total == 0:
        progress(0, 0)
    save_workbook(workbook, Path(path))


# -- cells ------------------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Control characters make openpyxl refuse the whole file; a pasted name may carry one.
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    # Excel declares a file with a longer cell damaged (many sites' qualitative texts add up).
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def put_text(sheet: Worksheet, row: int, column: int, text: str | None) -> Any:
    """Write user text as a string cell, never as a formula, whatever it starts with."""
    cell = sheet.cell(row=row, column=column)
    if text is None or text == "":
        return cell
    cell.value = _clean_text(str(text))
    if cell.data_type != "s":
        # openpyxl reads a leading '=' as a formula; a user's text must stay text. quotePrefix
        # keeps Excel from turning it into a formula when someone edits the cell later.
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _is_whole(value: float) -> bool:
    return round(value, 2) == int(round(value, 2))


def _number_format(value: float, percent: bool) -> str:
    # '0.##' alone would show "100." for whole numbers; pick the format per value instead.
    base = "#,##0" if _is_whole(value) else "#,##0.##"
    return base + '"%"' if percent else base


def put_number(sheet: Worksheet, row: int, column: int, value: float | None, percent: bool = False) -> Any:
    """Write a number as a number (unrounded), displayed with at most two decimals."""
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return cell
    number = float(value)
    cell.value = number
    cell.number_format = _number_format(number, percent)
    return cell


LINE_HEIGHT = 15  # points per line of 11-point text
MAX_ROW_HEIGHT = 409  # Excel's limit


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text needs in a column `width` characters wide (a rough estimate)."""
    per_line = max(int(width * 1.1), 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def fit_row_height(sheet: Worksheet, row: int, texts: dict[int, str]) -> None:
    """Give a row with wrapped texts the height they need: LibreOffice does not grow rows by itself
    in a file written by openpyxl, and a clipped qualitative result would be misread."""
    from openpyxl.utils import get_column_letter

    lines = 1
    for column, text in texts.items():
        width = sheet.column_dimensions[get_column_letter(column)].width or 8.43
        lines = max(lines, _lines(text, width))
    if lines > 1:
        sheet.row_dimensions[row].height = min(lines * LINE_HEIGHT, MAX_ROW_HEIGHT)


# -- IPTT sheet -------------------------------------------------------------------------------------


def _period_first_column(index: int) -> int:
    fixed = len(INDICATOR_COLUMNS) + len(LOP_COLUMNS) + len(TO_DATE_COLUMNS)
    return fixed + 1 + index * len(PERIOD_COLUMNS)


def _write_iptt(sheet: Worksheet, table: IpttTable, step: Callable[[int], None]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    last_column = _period_first_column(len(table.periods)) - 1
    thin = Side(style="thin", color="A6A6A6")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    # Title block.
    title = put_text(sheet, 1, 1, f"Indicator Performance Tracking Table: {table.programme_name}")
    title.font = Font(bold=True, size=14)
    put_text(sheet, 2, 1, "Programme")
    put_text(sheet, 2, 2, f"{table.programme_code}: {table.programme_name}")
    put_text(sheet, 3, 1, "As of")
    put_text(sheet, 3, 2, _as_of_label(table))
    put_text(sheet, 3, 3, "Site")
    put_text(sheet, 3, 4, f"{table.site_code}: {table.site_name}" if table.site_code else "All sites")
    put_text(sheet, 2, 3, "Generated")
    generated = sheet.cell(row=2, column=4, value=date.today())
    generated.number_format = "yyyy-mm-dd"
    generated.alignment = Alignment(horizontal="left")
    if table.approved_only:
        put_text(sheet, 2, 6, "Approved data only")
    note = put_text(sheet, 4, 1, f"{FOOTNOTE} Status (% met): {bands_line(table.thresholds)}.")
    note.font = Font(italic=True, color="595959")
    rule = put_text(sheet, 5, 1, "Sites: sites with a value of the sites expected to report. " + PARTIAL_RULE)
    rule.font = Font(italic=True, color="595959")
    for r in (2, 3):
        for c in (1, 3):
            sheet.cell(row=r, column=c).font = bold

    # Two header rows: groups (merged) over column names.
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    for column, (name, width) in enumerate(INDICATOR_COLUMNS, start=1):
        sheet.merge_cells(
            start_row=GROUP_HEADER_ROW, start_column=column, end_row=HEADER_ROW, end_column=column
        )
        put_text(sheet, GROUP_HEADER_ROW, column, name)
        sheet.column_dimensions[get_column_letter(column)].width = width
    groups: list[tuple[str, tuple[str, ...]]] = [
        ("Life of programme", LOP_COLUMNS),
        (f"To date ({table.as_of})" if table.as_of else "To date", TO_DATE_COLUMNS),
    ]
    groups += [(period.label(), PERIOD_COLUMNS) for period in table.periods]
    # Qualitative results are sentences: give the period Actual columns room for them.
    has_texts = any(p.text for item in table.rows for p in item.figures.periods)
    column = len(INDICATOR_COLUMNS) + 1
    block_starts: list[int] = []
    for label, names in groups:
        block_starts.append(column)
        sheet.merge_cells(
            start_row=GROUP_HEADER_ROW,
            start_column=column,
            end_row=GROUP_HEADER_ROW,
            end_column=column + len(names) - 1,
        )
        put_text(sheet, GROUP_HEADER_ROW, column, label)
        for offset, name in enumerate(names):
            put_text(sheet, HEADER_ROW, column + offset, name)
            width = STATUS_WIDTH if name == "Status" else SITES_WIDTH if name == "Sites" else NUMBER_WIDTH
            if has_texts and len(block_starts) > 2 and name == "Actual":
                width = TEXT_WIDTH
            sheet.column_dimensions[get_column_letter(column + offset)].width = width
        column += len(names)
    for r in (GROUP_HEADER_ROW, HEADER_ROW):
        for c in range(1, last_column + 1):
            cell = sheet.cell(row=r, column=c)
            cell.font = bold
            cell.fill = header_fill
            cell.alignment = centre
            cell.border = box

    # Body: each result's level row, then its indicators.
    row_number = FIRST_BODY_ROW
    by_result: dict[int, list[IpttRow]] = {}
    for item in table.rows:
        by_result.setdefault(item.result_id, []).append(item)
    depths = {r.id: r.depth for r in table.results}
    known = set(depths)
    for result in table.results:
        _write_level_row(sheet, row_number, result, last_column, box)
        row_number += 1
        for item in by_result.get(result.id, ()):
            _write_indicator_row(sheet, row_number, item, result.depth + 1, block_starts, box)
            row_number += 1
            step(1)
    # Indicators whose result is not in the framework tree still belong in the report.
    for item in table.rows:
        if item.result_id not in known:
            _write_indicator_row(sheet, row_number, item, 0, block_starts, box)
            row_number += 1
            step(1)

    sheet.row_dimensions[GROUP_HEADER_ROW].height = 18
    sheet.row_dimensions[HEADER_ROW].height = 18
    # Code and name stay visible while scrolling right; the headers while scrolling down.
    sheet.freeze_panes = f"C{FIRST_BODY_ROW}"
    sheet.sheet_view.zoomScale = 90
    sheet.print_title_rows = f"{GROUP_HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToHeight = 0
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _as_of_label(table: IpttTable) -> str:
    if table.as_of is None:
        return "no data yet"
    note = ""
    if table.as_of in table.partial_periods:
        note = f" · {partial_note(table.partial_periods[table.as_of], table.sites_expected)}"
    for period in table.periods:
        if period.code == table.as_of:
            label = period.label()
            return (label if label == period.code else f"{label} ({period.code})") + note
    return table.as_of + note


def _write_level_row(sheet: Worksheet, row: int, result: ResultInfo, last_column: int, box: Any) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    fill = PatternFill("solid", fgColor=LEVEL_FILLS[min(result.depth, len(LEVEL_FILLS) - 1)])
    put_text(sheet, row, 1, result.code)
    title = f"{result.tier}: {result.title}" if result.tier else result.title
    put_text(sheet, row, 2, title)
    # The title runs across the descriptive columns so a long one is not cut at the name column.
    sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(INDICATOR_COLUMNS))
    for column in range(1, last_column + 1):
        cell = sheet.cell(row=row, column=column)
        cell.fill = fill
        cell.font = Font(bold=True)
        cell.border = box
    sheet.cell(row=row, column=2).alignment = Alignment(indent=result.depth, vertical="center")


def _write_indicator_row(
    sheet: Worksheet, row: int, item: IpttRow, indent: int, block_starts: list[int], box: Any
) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    figures = item.figures
    percent = item.measure is Measure.PERCENT
    put_text(sheet, row, 1, item.code)
    put_text(sheet, row, 2, item.name)
    put_text(sheet, row, 3, item.unit)
    put_text(sheet, row, 4, item.measure.value)
    put_text(sheet, row, 5, item.direction.value)
    put_text(sheet, row, 6, item.cumulation.value.replace("_", " "))
    put_number(sheet, row, 7, item.baseline, percent)

    lop, to_date, *period_starts = block_starts
    put_number(sheet, row, lop, figures.lop.target, percent)
    put_number(sheet, row, lop + 1, figures.lop.actual, percent)
    put_number(sheet, row, lop + 2, figures.lop.pct_met, True)
    put_number(sheet, row, to_date, figures.to_date.target, percent)
    put_number(sheet, row, to_date + 1, figures.to_date.actual, percent)
    put_number(sheet, row, to_date + 2, figures.to_date.pct_met, True)
    status = figures.to_date.status
    status_text = status_label(figures.to_date)
    status_cell = put_text(sheet, row, to_date + 3, status_text)
    status_cell.fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
    status_cell.alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)

    wrapped = {2: item.name, 6: item.cumulation.value, to_date + 3: status_text}
    for index, (start, figure) in enumerate(zip(period_starts, figures.periods)):
        put_number(sheet, row, start, figure.target, percent)
        if item.measure is Measure.QUALITATIVE:
            put_text(sheet, row, start + 1, figure.text)
            if figure.text:
                wrapped[start + 1] = figure.text
        else:
            put_number(sheet, row, start + 1, figure.actual, percent)
        put_number(sheet, row, start + 2, figure.pct_met, True)
        if figure.sites_expected:
            partial = figure.is_partial and item.measure is not Measure.QUALITATIVE
            sites = f"{figure.sites_reported} of {figure.sites_expected}"
            put_text(sheet, row, start + 3, f"partial: {sites}" if partial else sites)
            if partial:
                wrapped[start + 3] = f"partial: {sites}"
        if index % 2:
            shade = PatternFill("solid", fgColor=BLOCK_FILLS[1])
            for column in range(start, start + len(PERIOD_COLUMNS)):
                sheet.cell(row=row, column=column).fill = shade

    last = (period_starts[-1] + len(PERIOD_COLUMNS) - 1) if period_starts else to_date + 3
    for column in range(1, last + 1):
        cell = sheet.cell(row=row, column=column)
        cell.border = box
        if column != to_date + 3:
            cell.alignment = Alignment(
                vertical="top",
                wrap_text=column in wrapped or item.measure is Measure.QUALITATIVE,
                indent=indent if column == 2 else 0,
            )
    partial_fill = PatternFill("solid", fgColor=PARTIAL_FILL)
    for start, figure in zip(period_starts, figures.periods):
        if figure.is_partial and item.measure is not Measure.QUALITATIVE:
            for column in range(start, start + len(PERIOD_COLUMNS)):
                sheet.cell(row=row, column=column).fill = partial_fill
    if figures.to_date.partial:
        for column in range(to_date, to_date + 3):
            sheet.cell(row=row, column=column).font = Font(italic=True)
    fit_row_height(sheet, row, wrapped)


# -- change log ---------------------------------------------------------------------------------------


def _write_change_log(sheet: Worksheet, history: Sequence[HistoryEntry], step: Callable[[int], None]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    for column, (name, width) in enumerate(CHANGE_LOG_COLUMNS, start=1):
        cell = put_text(sheet, 1, column, name)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        sheet.column_dimensions[get_column_letter(column)].width = width
    top = Alignment(vertical="top", horizontal="left")
    wrap = Alignment(vertical="top", wrap_text=True)
    wrapped_columns = (4, 6, 7, 8)  # the free texts; the rest is short
    for row, entry in enumerate(history, start=2):
        when = sheet.cell(row=row, column=1, value=_naive(entry.at))
        when.number_format = "yyyy-mm-dd hh:mm"
        put_text(sheet, row, 2, entry.actor)
        put_text(sheet, row, 3, entry.device_uuid)
        put_text(sheet, row, 4, _what(entry))
        put_text(sheet, row, 5, entry.field)
        put_text(sheet, row, 6, entry.old)
        put_text(sheet, row, 7, entry.new)
        put_text(sheet, row, 8, _reason(entry))
        for column in range(1, len(CHANGE_LOG_COLUMNS) + 1):
            sheet.cell(row=row, column=column).alignment = wrap if column in wrapped_columns else top
        fit_row_height(
            sheet, row, {c: str(sheet.cell(row=row, column=c).value or "") for c in wrapped_columns}
        )
        step(1)
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToHeight = 0
    sheet.page_setup.fitToWidth = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if history:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(CHANGE_LOG_COLUMNS))}{len(history) + 1}"


def _what(entry: HistoryEntry) -> str:
    kind = entry.entity.replace("_", " ")
    # Labels often already say what they are ("target 1.1 · N01 · 2025Q2").
    if entry.label.lower().startswith(kind.lower()):
        return entry.label
    return f"{kind} {entry.label}".strip()


def _naive(at: datetime) -> datetime:
    # Excel has no time zones; History stores UTC, and the header says so.
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def _reason(entry: HistoryEntry) -> str:
    label = entry.reason.replace("_", " ").capitalize() if entry.reason else ""
    if entry.reason_text:
        return f"{label}: {entry.reason_text}" if label else entry.reason_text
    return label

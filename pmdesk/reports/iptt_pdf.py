# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT as printed: one landscape table, the same rows and numbers as the IPTT screen.

Result rows are group headers (tier, code and title, shaded by depth) with their indicators below;
each indicator has its unit, baseline, LoP target, target / actual / % met to date and its status
as tint AND words, then target, actual and % met of each period. The header repeats on every page.

Many periods do not fit one page width: the first table carries the to-date figures and as many of
the latest periods as fit beside them; the earlier periods follow, oldest first, in tables of their
own that repeat the indicator column. The page says so above the first table.

A figure that rests on a period not every site reported is marked "*" with the reporting rate
beside it ("120* (3/11)"), and the status says "partial (3 of 11 sites)", as on the screen. Numbers
are rounded for display the way the screen shows them (at most 2 decimals, thousands separated).

reportlab is imported lazily (through pdf_document); user text is printed literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.domain.enums import Measure, Status
from pmdesk.domain.iptt import bands_line, partial_note
from pmdesk.domain.iptt_filter import IpttFilter, result_label, results_shown
from pmdesk.domain.numbers import figure_text
from pmdesk.domain.status_look import STATUS_TINTS, STATUS_WORDS
from pmdesk.formats.iptt_text import PARTIAL_RULE

if TYPE_CHECKING:
    from pmdesk.domain.iptt import PeriodFigures
    from pmdesk.domain.iptt_table import IpttRow, IpttTable, ResultInfo
    from pmdesk.reports.pdf_document import Progress
    from pmdesk.reports.reporter import ReportFile, ReportSources

PARTIAL_MARK = "*"
# Result header rows: darker for the top of the framework (as on the screen).
RESULT_SHADES = ("#cfd9e6", "#dde5ef", "#e9eef5")
NO_RESULT = "Indicators without a result"

# Column widths in points (a landscape A4 frame is about 758 points wide).
FIXED_WIDTHS = (146.0, 40.0, 44.0, 44.0, 46.0, 52.0, 40.0, 70.0)
PERIOD_WIDTHS = (42.0, 52.0, 40.0)  # target, actual, % met
LATER_INDICATOR_WIDTH = 150.0  # the indicator column of the tables of earlier periods
FIXED_HEADERS = ("Indicator", "Unit", "Baseline", "LoP target")
TO_DATE_HEADERS = ("Target", "Actual", "% met", "Status")
PERIOD_HEADERS = ("Target", "Actual", "% met")
NAME_LIMIT = 300  # characters of an indicator's name or a result's title (the cell wraps them)
QUALITATIVE_LIMIT = 40  # characters of a qualitative result printed in its (narrow) cell


# -- numbers and words, as the screen shows them ---------------------------------------------------


def display_figure(value: float | None, percent: bool = False) -> str:
    """'' for no figure; otherwise at most 2 decimals, no trailing zeros, thousands separated and
    '%' for a percentage: what the IPTT screen shows in English (domain.numbers.figure_text)."""
    return figure_text(value, lambda number, decimals: f"{number:,.{decimals}f}", percent=percent)


def status_words(row: IpttRow) -> str:
    """The status to date in words, with its partial note: 'Off track · partial (3 of 11 sites)'."""
    to_date = row.figures.to_date
    word = STATUS_WORDS[to_date.status]
    if row.measure is not Measure.QUALITATIVE and to_date.partial:
        return f"{word} · {partial_note(to_date.sites_reported, to_date.sites_expected)}"
    return word


def period_actual(row: IpttRow, figures: PeriodFigures) -> str:
    """A period's actual as the cell shows it: the figure, '*' and the reporting rate when partial;
    the first line of a qualitative result."""
    if figures.text is not None:
        lines = figures.text.splitlines() or [""]
        first = lines[0]
        if len(first) > QUALITATIVE_LIMIT:
            return first[: QUALITATIVE_LIMIT - 1] + "…"
        return first + (" …" if len(lines) > 1 else "")
    shown = display_figure(figures.actual, row.measure is Measure.PERCENT)
    if shown and figures.is_partial and row.measure is not Measure.QUALITATIVE:
        shown += f"{PARTIAL_MARK} ({figures.sites_reported}/{figures.sites_expected})"
    return shown


def to_date_actual(row: IpttRow) -> str:
    to_date = row.figures.to_date
    shown = display_figure(to_date.actual, row.measure is Measure.PERCENT)
    if shown and to_date.partial and row.measure is not Measure.QUALITATIVE:
        shown += PARTIAL_MARK
    return shown


def as_of_label(table: IpttTable) -> str:
    label = next((p.label() for p in table.periods if p.code == table.as_of), None)
    if label is None:
        return "no data yet"
    if table.as_of in table.partial_periods:
        label += f", {partial_note(table.partial_periods[table.as_of], table.sites_expected)}"
    return label


def scope_line(table: IpttTable, shown: int) -> str:
    """'WASH-01 · as of 2026 Q2 · Whole programme · all data · 4 of 23 indicators'."""
    site = (
        f"{table.site_name or table.site_code} and the sites below it"
        if table.site_code
        else "Whole programme"
    )
    count = f"{shown} of {len(table.rows)} indicators" if shown != len(table.rows) else f"{shown} indicators"
    return " · ".join(
        [
            table.programme_code,
            f"as of {as_of_label(table)}",
            site,
            "approved data only" if table.approved_only else "all data",
            count,
        ]
    )


# -- layout -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodPlan:
    """Which periods (indices into table.periods) go in the first table, and in each table after it."""

    first: tuple[int, ...]
    later: tuple[tuple[int, ...], ...]

    def statement(self, table: IpttTable) -> str:
        """The layout in words, printed above the first table."""
        if not self.later:
            return ""
        labels = [p.label() for p in table.periods]
        shown = (
            f"{labels[self.first[0]]} to {labels[self.first[-1]]}"
            if len(self.first) > 1
            else labels[self.first[0]]
        )
        earlier = [i for group in self.later for i in group]
        before = f"{labels[earlier[0]]} to {labels[earlier[-1]]}" if len(earlier) > 1 else labels[earlier[0]]
        return (
            f"Many periods: this table shows the figures to date and the latest {len(self.first)} "
            f"period{'' if len(self.first) == 1 else 's'} ({shown}); the earlier {len(earlier)} "
            f"({before}) follow in {len(self.later)} table{'' if len(self.later) == 1 else 's'} after it, "
            "oldest first."
        )


def plan_periods(count: int, width: float) -> PeriodPlan:
    """Fit `count` periods: the latest beside the to-date columns, the rest in groups that fill a width."""
    if count == 0:
        return PeriodPlan((), ())
    per_period = sum(PERIOD_WIDTHS)
    beside = max(1, int((width - sum(FIXED_WIDTHS)) // per_period))
    per_table = max(1, int((width - LATER_INDICATOR_WIDTH) // per_period))
    first = tuple(range(max(0, count - beside), count))
    earlier = list(range(0, first[0]))
    later = tuple(tuple(earlier[i : i + per_table]) for i in range(0, len(earlier), per_table))
    return PeriodPlan(first, later)


@dataclass(frozen=True)
class _Line:
    result: ResultInfo | None = None
    indicator: IpttRow | None = None
    group: str = ""  # a heading without a result (orphans)


def _lines(table: IpttTable, rows: Sequence[IpttRow], filtered: bool) -> list[_Line]:
    """Each result followed by its shown indicators; with a filter, only results with a shown
    indicator in them or below them."""
    by_result: dict[int, list[IpttRow]] = {}
    for row in rows:
        by_result.setdefault(row.result_id, []).append(row)
    results = results_shown(table.results, rows) if filtered else list(table.results)
    lines: list[_Line] = []
    for result in results:
        lines.append(_Line(result=result))
        lines.extend(_Line(indicator=r) for r in by_result.pop(result.id, ()))
    orphans = [r for rs in by_result.values() for r in rs if r.result_id not in {x.id for x in table.results}]
    if orphans:
        lines.append(_Line(group=NO_RESULT))
        lines.extend(_Line(indicator=r) for r in orphans)
    return lines


def _period_header(table: IpttTable, index: int) -> str:
    period = table.periods[index]
    reported = table.partial_periods.get(period.code)
    if reported is not None:
        # The reporting rate beside the figures, as on the screen.
        return f"{period.label()}\n{reported} of {table.sites_expected} sites{PARTIAL_MARK}"
    return period.label()


def _period_cells(row: IpttRow, index: int) -> list[object]:
    if index >= len(row.figures.periods):
        return ["", "", ""]
    figures = row.figures.periods[index]
    is_pct = row.measure is Measure.PERCENT
    actual: object = period_actual(row, figures)
    if figures.text is not None:
        from pmdesk.reports.pdf_document import para, styles

        actual = para(actual, styles().cell)  # a story reads from the left, not aligned as a number
    return [display_figure(figures.target, is_pct), actual, display_figure(figures.pct_met, True)]


def _indicator_text(row: IpttRow) -> str:
    from pmdesk.reports.pdf_document import clip

    return f"{row.code}  {clip(row.name, NAME_LIMIT)}"


def _build_table(
    table: IpttTable,
    lines: list[_Line],
    periods: Sequence[int],
    *,
    with_to_date: bool,
    progress: Progress | None,
    done: list[int],
    total: int,
) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import TableStyle

    from pmdesk.reports.pdf_document import cell, clip, styles
    from pmdesk.reports.pdf_document import table as make_table

    s = styles()
    fixed = len(FIXED_HEADERS) + len(TO_DATE_HEADERS) if with_to_date else 1
    widths = list(FIXED_WIDTHS) if with_to_date else [LATER_INDICATOR_WIDTH]
    group_row: list[object] = []
    part_row: list[object] = []
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    if with_to_date:
        for column, name in enumerate(FIXED_HEADERS):
            group_row.append(name)
            part_row.append("")
            spans.append(((column, 0), (column, 1)))
        start = len(FIXED_HEADERS)
        as_of = next((p.label() for p in table.periods if p.code == table.as_of), "")
        group_row += [f"To date ({as_of})" if as_of else "To date"] + [""] * (len(TO_DATE_HEADERS) - 1)
        part_row += list(TO_DATE_HEADERS)
        spans.append(((start, 0), (start + len(TO_DATE_HEADERS) - 1, 0)))
    else:
        group_row.append(FIXED_HEADERS[0])
        part_row.append("")
        spans.append(((0, 0), (0, 1)))
    for index in periods:
        column = len(group_row)
        group_row += [_period_header(table, index), "", ""]
        part_row += list(PERIOD_HEADERS)
        spans.append(((column, 0), (column + 2, 0)))
        widths += list(PERIOD_WIDTHS)
    columns = len(group_row)

    body: list[list[object]] = []
    fills: list[tuple[int, int, str]] = []
    result_rows: list[int] = []
    for line in lines:
        if line.indicator is None:
            depth = line.result.depth if line.result is not None else 0
            text = result_label(line.result) if line.result is not None else line.group
            style = ParagraphStyle(f"result{depth}", parent=s.cell_bold, leftIndent=6 * depth)
            result_rows.append(len(body))
            fills.append((0, len(body), RESULT_SHADES[min(depth, len(RESULT_SHADES) - 1)]))
            body.append([cell(text, style, limit=NAME_LIMIT)] + [""] * (columns - 1))
            continue
        row = line.indicator
        is_pct = row.measure is Measure.PERCENT
        f = row.figures
        cells: list[object] = [_indicator_text(row)]
        if with_to_date:
            status = f.to_date.status
            cells += [
                clip(row.unit, 40) or ("%" if is_pct else ""),
                display_figure(row.baseline, is_pct),
                display_figure(f.lop.target, is_pct),
                display_figure(f.to_date.target, is_pct),
                to_date_actual(row),
                display_figure(f.to_date.pct_met, True),
                status_words(row),
            ]
            if row.measure is not Measure.QUALITATIVE or status is not Status.NO_TARGET:
                tint = STATUS_TINTS[status]
                fills.append((fixed - 1, len(body), tint))
                if f.to_date.pct_met is not None:
                    fills.append((fixed - 2, len(body), tint))
        for index in periods:
            cells += _period_cells(row, index)
        body.append(cells)
        done[0] += 1
        if progress is not None and done[0] % 25 == 0:
            progress(done[0], total, "Laying out the IPTT…")

    # Numbers right; the indicator, the unit and the status words left.
    text_columns = {0, 1, fixed - 1} if with_to_date else {0}
    right = [c for c in range(columns) if c not in text_columns]
    result = make_table(
        [group_row, part_row], body, widths, right=right, fills=fills, header_rows=2, zebra=False
    )
    commands: list[tuple[Any, ...]] = [("SPAN", a, b) for a, b in spans]
    commands += [("VALIGN", (0, 0), (-1, 1), "MIDDLE")]
    for row_index in result_rows:
        commands.append(("SPAN", (0, row_index + 2), (-1, row_index + 2)))
        fill = next(c for col, r, c in fills if r == row_index and col == 0)
        commands.append(("BACKGROUND", (0, row_index + 2), (-1, row_index + 2), colors.HexColor(fill)))
    # A rule between period groups, so each period's three columns read as one.
    first_period = fixed
    for n in range(len(periods)):
        column = first_period + 3 * n
        commands.append(("LINEBEFORE", (column, 0), (column, -1), 0.6, colors.HexColor("#9aa5b1")))
    if with_to_date:
        commands.append(
            ("LINEBEFORE", (len(FIXED_HEADERS), 0), (len(FIXED_HEADERS), -1), 0.6, colors.HexColor("#9aa5b1"))
        )
    result.setStyle(TableStyle(commands))
    return result


def iptt_tables(
    table: IpttTable,
    rows: Sequence[IpttRow] | None = None,
    *,
    width: float | None = None,
    progress: Progress | None = None,
) -> list[Any]:
    """The IPTT tables (and the sentence on how periods are laid out), for a landscape frame.
    `rows`: the indicators to include, in the table's order (None: all); results keep their header
    when an included indicator is in them or below them."""
    from reportlab.platypus import CondPageBreak, Spacer

    from pmdesk.reports.pdf_document import frame_width, para, styles

    s = styles()
    shown = list(table.rows) if rows is None else list(rows)
    filtered = rows is not None and len(shown) != len(table.rows)
    if not shown and not (table.results and not filtered):
        text = (
            "No indicator matches the filter."
            if table.rows
            else "This programme has no results or indicators yet."
        )
        return [para(text, s.body)]
    lines = _lines(table, shown, filtered)
    plan = plan_periods(len(table.periods), width or frame_width(landscape=True))
    done = [0]
    total = len(shown) * (1 + len(plan.later))
    story: list[Any] = []
    statement = plan.statement(table)
    if statement:
        story.append(para(statement, s.small))
        story.append(Spacer(1, 4))
    story.append(
        _build_table(table, lines, plan.first, with_to_date=True, progress=progress, done=done, total=total)
    )
    for group in plan.later:
        labels = [table.periods[i].label() for i in group]
        story.append(Spacer(1, 10))
        story.append(CondPageBreak(120))  # a heading never alone at the foot of a page
        story.append(
            para(
                f"Earlier periods: {labels[0]} to {labels[-1]}"
                if len(labels) > 1
                else f"Earlier period: {labels[0]}",
                s.h2,
            )
        )
        story.append(
            _build_table(table, lines, group, with_to_date=False, progress=progress, done=done, total=total)
        )
    return story


def iptt_notes(table: IpttTable) -> list[Any]:
    """The footnotes of the printed IPTT: rounding, % met, the bands, the partial mark and rule."""
    from reportlab.platypus import Spacer

    from pmdesk.reports.pdf_document import para, styles

    s = styles()
    notes = [
        "Numbers are rounded for display to at most 2 decimals; the arithmetic uses the unrounded values.",
        "% met = actual ÷ target × 100 (target ÷ actual for decreasing indicators). "
        f"Status (% met to date): {bands_line(table.thresholds)}; no target: no target to date, or it is 0; "
        "no data: a target but no actual yet. Period actuals of cumulative indicators are running sums.",
        f"{PARTIAL_MARK} partial: only some of the {table.sites_expected} sites expected to report have a "
        "value for that period; (n/m): n of the m sites reported. " + PARTIAL_RULE,
    ]
    return [Spacer(1, 8)] + [para(note, s.note) for note in notes]


def iptt_flowables(
    table: IpttTable,
    rows: Sequence[IpttRow] | None = None,
    *,
    shown_as: str = "",
    title: str = "Indicator Performance Tracking Table",
    width: float | None = None,
    progress: Progress | None = None,
) -> list[Any]:
    """Title, scope line, the "as shown" line naming the filters (if any), the tables and the notes."""
    from reportlab.platypus import Spacer

    from pmdesk.reports.pdf_document import para, styles

    s = styles()
    count = len(table.rows) if rows is None else len(rows)
    story: list[Any] = [
        para(f"{title}: {table.programme_name}", s.h1),
        para(scope_line(table, count), s.small),
    ]
    if shown_as:
        story.append(para(f"As shown: {shown_as}", s.small, markup="b"))
    story.append(Spacer(1, 6))
    story += iptt_tables(table, rows, width=width, progress=progress)
    story += iptt_notes(table)
    return story


def write_iptt_pdf(
    table: IpttTable,
    path: Path,
    rows: Sequence[IpttRow] | None = None,
    *,
    shown_as: str = "",
    progress: Progress | None = None,
) -> int:
    """The IPTT as a landscape PDF at `path` (written atomically); returns its page count."""
    from pmdesk.reports.pdf_document import build_pdf

    total = max(len(table.rows if rows is None else rows), 1)
    if progress is not None:
        progress(0, total, "Laying out the IPTT…")
    story = iptt_flowables(table, rows, shown_as=shown_as, progress=progress)
    if progress is not None:
        progress(total, total, "Writing the PDF…")
    return build_pdf(
        path,
        story,
        title=f"IPTT {table.programme_code}: {table.programme_name}",
        footer=f"IPTT · {table.programme_code} {table.programme_name} · as of {as_of_label(table)}",
        subject="Indicator Performance Tracking Table",
        landscape=True,
    )


def write_iptt_report(
    sources: ReportSources,
    programme_code: str,
    path: Path,
    *,
    as_of: str | None = None,
    site_code: str | None = None,
    approved_only: bool = False,
    shown: IpttFilter | None = None,
    progress: Progress | None = None,
) -> ReportFile:
    """Compute the IPTT (as the screen does) and print the rows `shown` lets through, naming the filter."""
    from pmdesk.reports.reporter import ReportFile

    if progress is not None:
        progress(0, 1, "Computing the IPTT…")
    table = sources.iptt.table(programme_code, as_of=as_of, site_code=site_code, approved_only=approved_only)
    rows = shown.rows(table) if shown is not None and shown.is_active else None
    shown_as = shown.describe(table) if shown is not None else ""
    pages = write_iptt_pdf(table, path, rows, shown_as=shown_as, progress=progress)
    return ReportFile(path, pages, f"IPTT {table.programme_code}: {table.programme_name}")

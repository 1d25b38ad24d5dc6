# SPDX-License-Identifier: GPL-3.0-or-later
"""The donor report's IPTT on landscape pages: result rows with their indicators, baseline, LoP
target, target / actual / % met to date, status as tint and words (partial marked), then the actual
of each period. Periods that do not fit beside the to-date columns follow in tables of their own,
so every period shown by the IPTT screen is printed. The header repeats on every page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmdesk.domain.enums import Measure
from pmdesk.domain.status_look import STATUS_TINTS
from pmdesk.formats.iptt_text import display_number

if TYPE_CHECKING:
    from pmdesk.domain.iptt_table import IpttRow, IpttTable
    from pmdesk.reports.donor_report_data import DonorReportData

PERIOD_WIDTH = 50.0
RESULT_FILL = "#eef1f5"


def iptt_flowables(data: DonorReportData) -> list[Any]:
    from reportlab.platypus import Spacer

    from pmdesk.reports.donor_report_sections import period_cell, status_text
    from pmdesk.reports.pdf_document import frame_width, para, styles

    s = styles()
    table = data.table
    width = frame_width(landscape=True)
    fixed = [40, 170, 50, 46, 48, 48, 48, 38, 72]
    room = width - sum(fixed)
    periods = [p.code for p in table.periods]
    first = max(1, int(room // PERIOD_WIDTH))
    main_periods = periods[-first:] if periods else []
    earlier = periods[: len(periods) - len(main_periods)]
    header = [
        "Code",
        "Indicator",
        "Unit",
        "Baseline",
        "LoP target",
        "Target to date",
        "Actual to date",
        "% met",
        "Status",
        *(f"Actual {data.period_label(p)}" for p in main_periods),
    ]
    widths = fixed + [room / max(len(main_periods), 1)] * len(main_periods)
    if not main_periods:
        widths[1] += room

    def cells(row: IpttRow) -> tuple[list[str], str | None]:
        to_date = row.figures.to_date
        qualitative = row.measure is Measure.QUALITATIVE
        by_period = {p.period: p for p in row.figures.periods}
        return (
            [
                row.code,
                row.name,
                row.unit or ("%" if row.measure is Measure.PERCENT else ""),
                display_number(row.baseline),
                display_number(row.figures.lop.target),
                display_number(to_date.target),
                display_number(to_date.actual),
                display_number(to_date.pct_met),
                "Qualitative" if qualitative else status_text(to_date),
                *(period_cell(row, by_period[p]) if p in by_period else "-" for p in main_periods),
            ],
            None if qualitative else STATUS_TINTS.get(to_date.status),
        )

    story: list[Any] = [
        para(
            f"As of {data.as_of.label() if data.as_of else '—'}, all sites, all values. Target, actual and % met "
            "to date; the status cell carries its colour and its words, and 'partial' when the figures rest "
            "on a partly reported period; '(n/m sites)' marks a period actual only n of m sites reported.",
            s.small,
        ),
        Spacer(1, 4),
        _framework_table(table, header, widths, cells, status_column=8),
    ]
    # Earlier periods: code and name again, then as many period columns as fit.
    per_table = max(1, int((width - 210) // PERIOD_WIDTH))
    for start in range(0, len(earlier), per_table):
        chunk = earlier[start : start + per_table]
        label = f"{data.period_label(chunk[0])} – {data.period_label(chunk[-1])}"
        story += [Spacer(1, 10), para(f"Period actuals, {label}", s.h2)]

        def earlier_cells(row: IpttRow, chunk: list[str] = chunk) -> tuple[list[str], str | None]:
            by_period = {p.period: p for p in row.figures.periods}
            return [
                row.code,
                row.name,
                *(period_cell(row, by_period[p]) if p in by_period else "-" for p in chunk),
            ], None

        story.append(
            _framework_table(
                table,
                ["Code", "Indicator", *(f"Actual {data.period_label(p)}" for p in chunk)],
                [40, 170, *([(width - 210) / per_table] * len(chunk))],
                earlier_cells,
                status_column=None,
            )
        )
    return story


def _framework_table(
    table: IpttTable,
    header: list[str],
    widths: list[float],
    cells: Any,
    status_column: int | None,
) -> Any:
    """Result rows (tier, code, title across the table) with their indicators below."""
    from pmdesk.reports.donor_report_sections import figures_table
    from pmdesk.reports.pdf_document import para, styles

    rows: list[list[Any]] = []
    fills: list[tuple[int, int, str]] = []
    spans: list[int] = []
    placed: set[int] = set()

    bold = styles().cell_bold

    def add_result(text: str) -> None:
        spans.append(len(rows))
        rows.append([para(text, bold)] + [""] * (len(header) - 1))

    def add_row(row: IpttRow) -> None:
        values, tint = cells(row)
        if tint and status_column is not None:
            fills.append((status_column, len(rows), tint))
        rows.append(values)
        placed.add(row.indicator_id)

    for result in table.results:
        indicators = table.rows_of(result.id)
        if not indicators:
            continue
        add_result(f"{result.tier} {result.code}: {result.title}")
        for row in indicators:
            add_row(row)
    orphans = [r for r in table.rows if r.indicator_id not in placed]
    if orphans:
        add_result("Indicators without a result")
        for row in orphans:
            add_row(row)
    right = list(range(3, len(header))) if status_column is not None else list(range(2, len(header)))
    if status_column is not None:
        right.remove(status_column)
    result = figures_table(header, rows, widths, right=right, fills=fills, zebra=False)
    from reportlab.lib import colors

    commands: list[tuple[Any, ...]] = []
    for index in spans:
        line = index + 1  # below the header
        commands += [
            ("SPAN", (0, line), (-1, line)),
            ("BACKGROUND", (0, line), (-1, line), colors.HexColor(RESULT_FILL)),
        ]
    if commands:
        from reportlab.platypus import TableStyle

        result.setStyle(TableStyle(commands))
    return result

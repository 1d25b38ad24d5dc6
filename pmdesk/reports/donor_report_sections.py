# SPDX-License-Identifier: GPL-3.0-or-later
"""The donor report's figures: cover, summary of status with reporting completeness and missing
explanations, the IPTT, one section per indicator (figures, chart, breakdown by option, variance
explanation) and the notes on the figures. Every number and status is written as the IPTT screen and
its PDF write them (reports/iptt_pdf: display_figure, status_words, the '*' partial mark), and the
IPTT section is that PDF's tables; every user string passes through pdf_document.para."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from pmdesk.domain.enums import Measure
from pmdesk.domain.iptt import bands_line, partial_note
from pmdesk.domain.status_look import STATUS_ORDER, STATUS_TINTS, STATUS_WORDS
from pmdesk.formats.iptt_text import PARTIAL_RULE
from pmdesk.reports.iptt_pdf import display_figure, status_words, to_date_actual
from pmdesk.reports.pdf_document import clip

if TYPE_CHECKING:
    from pmdesk.domain.iptt_table import IpttRow, IpttTable
    from pmdesk.reports.donor_report import Contents
    from pmdesk.reports.donor_report_data import DonorReportData

EXPLANATION_MISSING = "Explanation missing"
MISSING_FILL = "#f6b6c4"  # the off-track tint: a missing explanation stands out, in words too


def clipped_table(table: IpttTable, limit: int = 300) -> IpttTable:
    """The IPTT with indicator names and result titles cut for its table cells."""
    from dataclasses import replace

    return replace(
        table,
        rows=tuple(replace(r, name=clip(r.name, limit)) for r in table.rows),
        results=tuple(replace(r, title=clip(r.title, limit)) for r in table.results),
    )


def _date(value: Any) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def figures_table(header: list[str], rows: Any, widths: Any, *, right: Any = (), **options: Any) -> Any:
    """pdf_document.table with the headers of the number columns aligned right, over their figures."""
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    from pmdesk.reports.pdf_document import para, styles, table

    s = styles()
    style = ParagraphStyle("cell_header_right", parent=s.cell_header, alignment=TA_RIGHT)
    cells = [para(name, style) if i in right else name for i, name in enumerate(header)]
    return table(cells, rows, widths, right=right, **options)


# -- cover ----------------------------------------------------------------------------------------


def cover(data: DonorReportData) -> list[Any]:
    """Programme name and code, donor, period, dates. (Programmes have no logo field yet.)"""
    from reportlab.platypus import PageBreak, Spacer

    from pmdesk.reports.pdf_document import para, styles

    s = styles()
    p = data.programme
    period = data.as_of
    period_line = (
        f"Performance as of {period.label()} ({_date(period.start)} – {_date(period.end)})"
        if period
        else "No figures reported yet"
    )
    rows = [
        ["Programme", f"{p.code} · {p.name}"],
        ["Donor", p.donor or "—"],
        ["Programme period", f"{_date(p.start)} – {_date(p.end)}"],
        ["Reporting period (as of)", period.label() if period else "—"],
        ["Report date", _date(data.today)],
    ]
    if data.as_of and data.as_of.code in data.table.partial_periods:
        rows.append(
            [
                "Reporting",
                f"{data.as_of.label()} is partly reported: at most "
                f"{data.table.partial_periods[data.as_of.code]} of the {data.table.sites_expected} sites "
                "expected to report have values for an indicator; figures resting on it are marked partial",
            ]
        )
    story = [
        Spacer(1, 120),
        para("Donor report", s.subtitle),
        Spacer(1, 6),
        para(p.name, s.title),
        Spacer(1, 4),
        para(period_line, s.subtitle),
        Spacer(1, 28),
        _plain_table(rows, [150, 361]),
    ]
    if p.description.strip():
        story += [Spacer(1, 18), para(p.description, s.body)]
    story.append(PageBreak())
    return story


def _plain_table(rows: list[list[str]], widths: list[float]) -> Any:
    """Label: value lines without a header row."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    from pmdesk.reports.pdf_document import cell, para, styles

    s = styles()
    data = [[para(label, s.small, markup="b"), cell(value, s.body)] for label, value in rows]
    result = Table(data, colWidths=widths, hAlign="LEFT")
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d5dbe2")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return result


# -- summary --------------------------------------------------------------------------------------


def summary(data: DonorReportData, charts: dict[str, Any], contents: Contents) -> list[Any]:
    from reportlab.platypus import Spacer

    from pmdesk.reports.donor_report import ROUNDING_NOTE, STATUS_CHART, heading
    from pmdesk.reports.pdf_document import chart_image, frame_width, para, styles

    s = styles()
    story = heading(contents, "summary", "Summary of status", s.h1)
    rows = [r for r in data.table.rows if r.measure is not Measure.QUALITATIVE]
    qualitative = len(data.table.rows) - len(rows)
    as_of = data.as_of.label() if data.as_of else "—"
    story.append(
        para(
            f"{len(data.table.rows)} indicators as of {as_of}: {len(rows)} with figures"
            + (f" and {qualitative} qualitative (reported as text, without a status)" if qualitative else "")
            + f". Status compares the actual to date with the target to date: {bands_line(data.table.thresholds)}.",
            s.body,
        )
    )
    counts = Counter(r.figures.to_date.status for r in rows)
    partial = Counter(r.figures.to_date.status for r in rows if r.figures.to_date.partial)
    body: list[list[str]] = []
    fills: list[tuple[int, int, str]] = []
    for status in STATUS_ORDER:
        n = counts.get(status, 0)
        fills.append((0, len(body), STATUS_TINTS[status]))
        body.append(
            [
                STATUS_WORDS[status],
                str(n),
                f"{partial[status]} resting on a partly reported period" if partial.get(status) else "",
            ]
        )
    story.append(
        figures_table(
            ["Status", "Indicators", "Partial reporting"], body, [120, 70, 250], right=[1], fills=fills
        )
    )
    chart = charts.get(STATUS_CHART)
    if chart is not None:
        story += [Spacer(1, 6), chart_image(chart.png, chart.width_px, chart.height_px, 360)]
    story += _missing_summary(data)
    story += [Spacer(1, 6), *heading(contents, "completeness", "Reporting completeness", s.h2, 1)]
    story += _completeness(data, frame_width())
    story += [
        Spacer(1, 8),
        para(
            f"{ROUNDING_NOTE} A figure marked '*' rests on a partly reported period (only some of the sites "
            "expected to report have a value); a period's actual is then followed by '(n/m)', n of m sites. "
            "See the notes on the figures at the end.",
            s.note,
        ),
    ]
    return story  # the IPTT's landscape page follows


def _missing_summary(data: DonorReportData) -> list[Any]:
    from pmdesk.reports.pdf_document import para, styles

    s = styles()
    required = data.required
    story = [para("Variance explanations", s.h2)]
    if not required:
        story.append(
            para("No indicator is off track or exceeding its target: no explanation is required.", s.body)
        )
        return story
    missing = data.missing
    story.append(
        para(
            f"{len(required)} indicators are off track or exceeding their target as of "
            f"{data.period_label(required[0].period)} and need an explanation of the variance; "
            + (f"{len(missing)} have none yet." if missing else "every one has its explanation."),
            s.body,
        )
    )
    if missing:
        rows = [
            [
                r.indicator_code,
                clip(r.indicator_name, 300),
                STATUS_WORDS.get(r.status, r.status.value) + (" (partial)" if r.partial else ""),
                display_figure(r.pct_met, True),
                EXPLANATION_MISSING,
            ]
            for r in missing
        ]
        fills = [(4, i, MISSING_FILL) for i in range(len(rows))]
        story.append(
            figures_table(
                ["Indicator", "Name", "Status", "% met", "Explanation"],
                rows,
                [50, 236, 80, 45, 100],
                right=[3],
                fills=fills,
            )
        )
    return story


def _completeness(data: DonorReportData, width: float) -> list[Any]:
    """Per period up to the as-of: reports by state, the share submitted or approved, and the values
    present as the IPTT and the Dashboard count them (DESIGN.md §3a), so that the two never differ
    unexplained."""
    from reportlab.platypus import Spacer

    from pmdesk.reports.pdf_document import para, styles
    from pmdesk.services.completeness import ReportState

    s = styles()
    overview = data.completeness
    shown = [p.code for p in data.table.periods]
    if not overview.sites or not shown:
        return [para("No site is expected to report yet.", s.body)]
    states = [
        ReportState.APPROVED,
        ReportState.SUBMITTED,
        ReportState.DRAFT,
        ReportState.RETURNED,
        ReportState.NOT_STARTED,
    ]
    words = {
        ReportState.APPROVED: "Approved",
        ReportState.SUBMITTED: "Submitted",
        ReportState.DRAFT: "Draft",
        ReportState.RETURNED: "Returned",
        ReportState.NOT_STARTED: "Not started",
    }
    rows = []
    for code in shown:
        tally = Counter(overview.cell(site.code, code).state for site in overview.sites)
        rate = overview.reporting_rate(code)
        partial = data.table.partial_periods.get(code)
        present = data.table.reporting(code)
        values = "no values"
        if present.rate is not None:
            values = display_figure(present.rate, True) + " · "
            values += partial_note(partial, data.table.sites_expected) if partial is not None else "complete"
        rows.append(
            [
                data.period_label(code),
                *(str(tally.get(state, 0)) for state in states),
                "-" if rate is None else display_figure(rate, True),
                values,
            ]
        )
    story = [
        para(
            f"Reports of the {len(overview.sites)} sites expected to report, by state of their values, and "
            "the share submitted or approved. The last column counts the values present whatever their "
            "status, as the IPTT and the dashboard do: the share of the values expected from every site "
            "for each indicator with figures, and whether the period is complete (every site reported "
            "every such indicator) or partly reported.",
            s.small,
        ),
        figures_table(
            ["Period", *(words[x] for x in states), "Submitted or approved", "Values present"],
            rows,
            [58, 50, 56, 40, 50, 56, 60, width - 370],
            right=[1, 2, 3, 4, 5, 6],
        ),
    ]
    if data.as_of is not None:
        waiting = [
            site.name or site.code
            for site in overview.sites
            if overview.cell(site.code, data.as_of.code).state
            not in (ReportState.SUBMITTED, ReportState.APPROVED)
        ]
        if waiting:
            story.append(Spacer(1, 4))
            story.append(
                para(
                    f"Sites whose report for {data.as_of.label()} is not yet submitted or approved "
                    f"({len(waiting)}): " + "; ".join(waiting) + ".",
                    s.small,
                )
            )
    return story


# -- IPTT -----------------------------------------------------------------------------------------


def iptt(data: DonorReportData, contents: Contents) -> list[Any]:
    """The IPTT screen's printed tables (reports/iptt_pdf), all indicators, on landscape pages."""
    from pmdesk.reports.donor_report import heading
    from pmdesk.reports.iptt_pdf import iptt_notes, iptt_tables, scope_line
    from pmdesk.reports.pdf_document import para, styles

    s = styles()
    story = heading(contents, "iptt", "Indicator performance tracking table (IPTT)", s.h1)
    story.append(para(scope_line(data.table, len(data.table.rows)), s.small))
    return story + iptt_tables(clipped_table(data.table)) + iptt_notes(data.table)


# -- indicators -----------------------------------------------------------------------------------


def chart_flowable(chart: Any) -> Any:
    """The chart across the frame."""
    from pmdesk.reports.pdf_document import chart_image, frame_width

    return chart_image(chart.png, chart.width_px, chart.height_px, frame_width())


def indicators(data: DonorReportData, charts: dict[str, Any], contents: Contents) -> list[Any]:
    from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Spacer

    from pmdesk.reports.donor_report import heading
    from pmdesk.reports.pdf_document import para, styles

    s = styles()
    story = heading(contents, "indicators", "Indicators", s.h1)
    story.append(
        para(
            "One section per indicator, in the order of the results framework: its figures to date, "
            "target and actual per period, the actuals by disaggregation option and, where the indicator "
            "is off track or exceeding its target, the explanation of the variance.",
            s.body,
        )
    )
    results = {r.id: r for r in data.table.results}
    required = {r.indicator_code: r for r in data.required}
    for row in data.table.rows:
        result = results.get(row.result_id)
        block = heading(contents, f"indicator:{row.code}", clip(f"{row.code} {row.name}", 500), s.h2, 1)
        if result:
            block.append(para(clip(f"{result.tier} {result.code}: {result.title}", 300), s.small))
        block += _indicator_figures(data, row)
        chart = charts.get(row.code)
        if chart is not None:
            block += [Spacer(1, 4), chart_flowable(chart)]
        story.append(CondPageBreak(180))
        story.append(KeepTogether(block))
        if row.measure is Measure.QUALITATIVE:
            story += _qualitative(data, row)
        story += _breakdown(data, row)
        story += _explanation(data, row, required.get(row.code))
        story.append(Spacer(1, 10))
    story.append(PageBreak())
    return story


def _indicator_figures(data: DonorReportData, row: IpttRow) -> list[Any]:
    from pmdesk.reports.pdf_document import para, styles

    s = styles()
    info = data.indicators.get(row.code)
    unit = row.unit or ("%" if row.measure is Measure.PERCENT else "")
    facts = [
        f"Measure: {row.measure.value}" + (f" ({unit})" if unit else ""),
        f"direction: {row.direction.value}",
        f"cumulation: {row.cumulation.value.replace('_', ' ')}",
    ]
    if info and info.data_source.strip():
        facts.append(f"data source: {' '.join(info.data_source.split())}")
    story = [para(" · ".join(facts), s.small)]
    if row.measure is Measure.QUALITATIVE:
        return story
    to_date = row.figures.to_date
    lop = row.figures.lop
    is_pct = row.measure is Measure.PERCENT
    cells = [
        display_figure(row.baseline, is_pct),
        display_figure(lop.target, is_pct),
        display_figure(to_date.target, is_pct),
        to_date_actual(row),
        display_figure(to_date.pct_met, True),
        display_figure(to_date.progress_from_baseline, True),
        status_words(row),
    ]
    story.append(
        figures_table(
            [
                "Baseline",
                "LoP target",
                "Target to date",
                "Actual to date",
                "% met",
                "Progress from baseline",
                "Status",
            ],
            [cells],
            [58, 62, 70, 70, 50, 80, 121],
            right=[0, 1, 2, 3, 4, 5],
            fills=[(6, 0, STATUS_TINTS.get(to_date.status, "#ffffff"))],
            zebra=False,
        )
    )
    return story


def _qualitative(data: DonorReportData, row: IpttRow) -> list[Any]:
    """What was reported in the as-of period (a qualitative indicator has no figure to chart)."""
    from pmdesk.reports.pdf_document import para, styles

    s = styles()
    latest = row.figures.periods[-1] if row.figures.periods else None
    if latest is None or not latest.text:
        return [para(f"Nothing reported for {data.as_of.label() if data.as_of else 'the period'}.", s.small)]
    story = [para(f"Reported for {data.period_label(latest.period)}", s.small, markup="b")]
    story += [para(text, s.small) for text in latest.text.split("\n") if text.strip()]
    return story


def _breakdown(data: DonorReportData, row: IpttRow) -> list[Any]:
    from pmdesk.reports.pdf_document import para, styles

    breakdown = data.breakdowns.get(row.code)
    if breakdown is None or not breakdown.rows:
        return []
    s = styles()
    period = data.as_of.label() if data.as_of else "period"
    rows = [
        [
            line.disaggregation,
            line.option,
            display_figure(line.period_actual, row.measure is Measure.PERCENT),
            display_figure(line.to_date_actual, row.measure is Measure.PERCENT),
        ]
        for line in breakdown.rows
    ]
    return [
        para("Actuals by disaggregation", s.small, markup="b"),
        figures_table(
            ["Disaggregation", "Option", f"Actual {period}", "Actual to date"],
            rows,
            [110, 160, 90, 90],
            right=[2, 3],
        ),
    ]


def _explanation(data: DonorReportData, row: IpttRow, required: Any) -> list[Any]:
    from pmdesk.reports.pdf_document import para, styles, table

    s = styles()
    saved = data.explanations.get(row.code)
    period = data.as_of.label() if data.as_of else ""
    if saved is not None:
        return [
            para(f"Variance explanation ({period})", s.small, markup="b"),
            para(saved.text, s.body),
            para(f"Written by {saved.written_by} on {_date(saved.written_at)}", s.note),
        ]
    if required is not None:
        words = STATUS_WORDS.get(required.status, required.status.value).lower()
        return [
            table(
                ["Variance explanation"],
                [
                    [
                        f"{EXPLANATION_MISSING}: {row.code} is {words} as of {period} and has no explanation of the variance."
                    ]
                ],
                [511],
                fills=[(0, 0, MISSING_FILL)],
                zebra=False,
            )
        ]
    return []


# -- notes ----------------------------------------------------------------------------------------


def notes(data: DonorReportData, contents: Contents) -> list[Any]:
    from reportlab.platypus import CondPageBreak, Spacer

    from pmdesk.reports.donor_report import ROUNDING_NOTE, heading
    from pmdesk.reports.pdf_document import para, styles

    s = styles()
    story = [CondPageBreak(200), *heading(contents, "notes", "Notes on the figures", s.h1)]
    lines = [
        ROUNDING_NOTE,
        f"Status (% met): {bands_line(data.table.thresholds)}; no target: no target to date (or it is 0); "
        "no data: a target but no actual to date.",
        "Period actuals of cumulative indicators are running sums; running totals and percentages are the "
        "state in that period.",
        "'*' after a figure: it rests on a partly reported period, one for which only some of the sites "
        "expected to report have a value; '(n/m)' beside it: n of the m sites reported, and the status says "
        "'partial (n of m sites)'.",
        PARTIAL_RULE,
        "Meetings, lessons and feedback are those dated from the start of the as-of period to the report date; "
        "action statuses are as of the report date.",
    ]
    for line in lines:
        story += [para(line, s.small), Spacer(1, 3)]
    return story

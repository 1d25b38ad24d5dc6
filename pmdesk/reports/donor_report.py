# SPDX-License-Identifier: GPL-3.0-or-later
"""The donor report (issue #10 §3): a programme's performance as of a period, in one PDF a donor
accepts — cover, contents with page numbers, summary of status with reporting completeness, the
IPTT (landscape), one section per indicator with its chart, breakdown by option and variance
explanation, alerts, the decisions and actions of the meetings held since, lessons and feedback.

The data comes from donor_report_data.gather (the services, the IPTT computed once); the sections
are laid out by donor_report_sections (with the IPTT screen's printed tables, iptt_pdf) and
donor_report_loop. The report is laid out once: the contents' page numbers are PDF forms, placed
where each number goes and filled in by the last flowable, when every heading has found its page
(each heading carries an anchor that notes it, and adds it to the PDF's outline).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.reports.pdf_document import Progress

if TYPE_CHECKING:
    from pmdesk.reports.donor_report_data import DonorReportData
    from pmdesk.reports.reporter import ReportFile, ReportSources

# Chart size: drawn at 150 dpi for print, shown across the portrait frame.
CHART_WIDTH_PX, CHART_HEIGHT_PX, CHART_DPI = 1000, 300, 150.0

ROUNDING_NOTE = (
    "Figures are rounded to two decimals at most for display; sums use unrounded values. "
    "% met = actual ÷ target × 100 (target ÷ actual for indicators meant to decrease)."
)


@dataclass
class Contents:
    """The headings of the report in order, and the page each landed on once drawn."""

    entries: list[tuple[str, str, int]] = field(default_factory=list)  # (key, title, level)
    pages: dict[str, int] = field(default_factory=dict)
    # Told of each heading as it lands on its page: the layout's progress (and where it may stop).
    on_page: Callable[[str, int], None] | None = None

    def add(self, key: str, title: str, level: int) -> None:
        self.entries.append((key, title, level))

    def form_name(self, key: str) -> str:
        """The PDF form that prints the page of heading `key` (a PDF name: letters and digits)."""
        return f"PMDeskContents{[k for k, _, _ in self.entries].index(key)}"


def heading(contents: Contents, key: str, title: str, style: Any, level: int = 0) -> list[Any]:
    """A heading that enters the contents and the PDF's outline, and notes its page."""
    from pmdesk.reports.pdf_document import para

    contents.add(key, title, level)
    return [_flowables().Anchor(contents, key, title, level), para(title, style)]


@cache
def _flowables() -> Any:
    """The report's own flowables, made on first use: reportlab is imported only when a PDF is made."""
    from types import SimpleNamespace

    from reportlab.platypus import Flowable

    from pmdesk.reports.pdf_document import FONT, FONT_BOLD

    class Anchor(Flowable):  # type: ignore[misc]
        """Takes no room; when drawn, notes its page and adds a bookmark to the PDF's outline."""

        keepWithNext = 1  # on the page of its heading, which keeps with its section's start

        def __init__(self, contents: Contents, key: str, title: str, level: int) -> None:
            super().__init__()
            self.contents, self.key, self.title, self.level = contents, key, title, level
            self.width = self.height = 0

        def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            canvas = self.canv
            self.contents.pages[self.key] = canvas.getPageNumber()
            if self.contents.on_page is not None:
                self.contents.on_page(self.key, canvas.getPageNumber())
            canvas.bookmarkPage(self.key)
            canvas.addOutlineEntry(self.title, self.key, level=self.level, closed=self.level > 0)

    class PageNumber(Flowable):  # type: ignore[misc]
        """Where the contents print a heading's page: a form filled in at the end."""

        def __init__(self, name: str, width: float, height: float) -> None:
            super().__init__()
            self.name, self.width, self.height = name, width, height

        def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
            return self.width, self.height

        def draw(self) -> None:
            self.canv.doForm(self.name)

    class FillPageNumbers(Flowable):  # type: ignore[misc]
        """The last flowable: every heading has been drawn, so the page-number forms are filled in."""

        def __init__(self, contents: Contents, width: float, size: float) -> None:
            super().__init__()
            self.contents, self.page_width, self.size = contents, width, size
            self.width = self.height = 0

        def wrap(self, _aw: float, _ah: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            canvas = self.canv
            for key, _title, level in self.contents.entries:
                page = self.contents.pages.get(key)
                canvas.beginForm(self.contents.form_name(key))
                canvas.setFont(FONT_BOLD if level == 0 else FONT, self.size)
                canvas.drawRightString(self.page_width, 0.25 * self.size, "" if page is None else str(page))
                canvas.endForm()

    return SimpleNamespace(Anchor=Anchor, PageNumber=PageNumber, FillPageNumbers=FillPageNumbers)


def write_donor_report(
    sources: ReportSources,
    programme_code: str,
    as_of: str | None,
    path: Path,
    progress: Progress | None = None,
    *,
    today: date | None = None,
) -> ReportFile:
    """Gather, chart, lay out and write `path` atomically."""
    from pmdesk.formats.files import write_atomically
    from pmdesk.reports.donor_report_data import gather
    from pmdesk.reports.pdf_document import render_pdf
    from pmdesk.reports.reporter import ReportFile

    total = [1]

    def tick(done: int, message: str) -> None:
        if progress is not None:
            progress(done, total[0], message)

    tick(0, "Reading the programme's figures…")
    data = gather(sources, programme_code, as_of, today)
    rows = len(data.table.rows)
    # Charts, then the layout told by each indicator's heading, then the file.
    total[0] = 2 * rows + 2
    charts = _charts(data, tick)
    title = report_title(data)
    footer = f"{data.programme.code} · {data.programme.name} · {as_of_text(data)}"
    laid_out = [0]

    def on_page(key: str, page: int) -> None:
        if key.startswith("indicator:"):
            laid_out[0] += 1
            tick(rows + laid_out[0], f"Laying out the pages… (page {page})")

    tick(rows, "Laying out the pages…")
    story = build_story(data, charts, Contents(on_page=on_page))
    pdf_bytes, pages = render_pdf(story, title=title, footer=footer, subject="Donor report")
    tick(2 * rows + 1, "Writing the file…")
    write_atomically(path, pdf_bytes)
    tick(2 * rows + 2, "Done")
    return ReportFile(path, pages, title)


def _charts(data: DonorReportData, tick: Callable[[int, str], None]) -> dict[str, Any]:
    """One trend chart per number or percent indicator (ChartImage by code)."""
    from pmdesk.domain.enums import Measure
    from pmdesk.reports.charts import indicator_trend_chart

    rows = data.table.rows
    out = {STATUS_CHART: _status_chart(data)}
    for n, row in enumerate(rows, start=1):
        tick(n, f"Drawing the chart of {row.code} ({n} of {len(rows)})…")
        if row.measure is Measure.QUALITATIVE:
            continue
        out[row.code] = indicator_trend_chart(
            trend_series(data, row), CHART_WIDTH_PX, CHART_HEIGHT_PX, CHART_DPI
        )
    return out


STATUS_CHART = ""  # the key of the summary's chart among the indicators' (no code is empty)


def _status_chart(data: DonorReportData) -> Any:
    """Indicators by status as of the period, the partly reported ones marked: the summary's chart."""
    from collections import Counter

    from pmdesk.domain.enums import Measure
    from pmdesk.domain.status_look import STATUS_ORDER, STATUS_WORDS
    from pmdesk.reports.chart_types import StatusCount
    from pmdesk.reports.charts import status_counts_chart

    rows = [r for r in data.table.rows if r.measure is not Measure.QUALITATIVE]
    counts = Counter(r.figures.to_date.status for r in rows)
    partial = Counter(r.figures.to_date.status for r in rows if r.figures.to_date.partial)
    return status_counts_chart(
        [StatusCount(s.value, STATUS_WORDS[s], counts.get(s, 0), partial.get(s, 0)) for s in STATUS_ORDER],
        750,
        300,
        CHART_DPI,
    )


def trend_series(data: DonorReportData, row: Any) -> Any:
    """The chart's input from an IPTT row: target and actual of each period shown."""
    from pmdesk.domain.enums import Measure
    from pmdesk.domain.iptt import partial_note
    from pmdesk.reports.chart_types import TrendPoint, TrendSeries

    points = tuple(
        TrendPoint(
            p.period,
            data.period_label(p.period),
            p.target,
            p.actual,
            p.is_partial,
            partial_note(p.sites_reported, p.sites_expected) if p.is_partial else "",
        )
        for p in row.figures.periods
    )
    return TrendSeries(row.code, row.name, row.unit, row.measure is Measure.PERCENT, points)


def report_title(data: DonorReportData) -> str:
    return f"{data.programme.name} — donor report, {as_of_text(data)}"


def as_of_text(data: DonorReportData) -> str:
    return f"as of {data.as_of.label()}" if data.as_of else "no data reported yet"


def build_story(data: DonorReportData, charts: dict[str, Any], contents: Contents) -> list[Any]:
    from pmdesk.reports import donor_report_loop as loop
    from pmdesk.reports import donor_report_sections as sections
    from pmdesk.reports.pdf_document import to_landscape, to_portrait

    body: list[Any] = []
    body += sections.summary(data, charts, contents)
    body += to_landscape()
    body += sections.iptt(data, contents)
    body += to_portrait()
    body += sections.indicators(data, charts, contents)
    body += loop.alerts(data, contents)
    body += loop.meetings(data, contents)
    body += loop.learning(data, contents)
    body += sections.notes(data, contents)
    # The body is made first so that the contents know every heading.
    return sections.cover(data) + contents_page(contents) + body + [_fill(contents)]


PAGE_COLUMN = 50.0


def _fill(contents: Contents) -> Any:
    from pmdesk.reports.pdf_document import styles

    return _flowables().FillPageNumbers(contents, PAGE_COLUMN, styles().cell.fontSize)


def contents_page(contents: Contents) -> list[Any]:
    """The contents: every section, and each indicator under its section, with its page."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, Table, TableStyle

    from pmdesk.reports.pdf_document import clip, frame_width, markup_text, para, styles

    s = styles()
    number = s.cell.fontSize * 1.25
    indented = ParagraphStyle("contents_indented", parent=s.cell, leftIndent=14)
    rows = []
    for key, title, level in contents.entries:
        text = markup_text(clip(title, 300))
        rows.append(
            [
                # Escaped by markup_text: our own tags only.
                Paragraph(f"<b>{text}</b>" if level == 0 else text, s.cell if level == 0 else indented),
                _flowables().PageNumber(contents.form_name(key), PAGE_COLUMN, number),
            ]
        )
    width = frame_width()
    table = Table(rows, colWidths=[width - PAGE_COLUMN, PAGE_COLUMN], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#e3e7ec")),
            ]
        )
    )
    return [para("Contents", s.h1), table, PageBreak()]

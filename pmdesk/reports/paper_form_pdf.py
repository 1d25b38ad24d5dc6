# SPDX-License-Identifier: GPL-3.0-or-later
"""Paper data-collection forms: the data-entry grid of a site and period as a printable form, in the
grid's own order (results, their indicators, each indicator's options), so that a paper round is
keyed in later from top to bottom. Boxes are blank, or carry last period's value in small print as
a reference while the box itself stays empty. Named a district (a site with sites below it), it
prints one form per site below it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.domain.enums import Measure
from pmdesk.domain.errors import NotFoundError
from pmdesk.formats.iptt_text import display_number
from pmdesk.reports import pdf_document as pdf

if TYPE_CHECKING:
    from pmdesk.reports.reporter import ReportFile, ReportSources
    from pmdesk.services.entry_grid import ComboInfo, EntryGrid, GridIndicator
    from pmdesk.services.value_info import ValueInfo

BOXES_PER_LINE = 6  # option columns side by side; more wrap onto the next line of boxes
LABEL_WIDTH = 130.0
NAME_LIMIT = 400  # characters of an indicator's name in the label column (a row cannot break)
BOX_HEIGHT = 24.0
TEXT_HEIGHT = 64.0  # the box of a qualitative indicator
BOX_LINE = "#4a4a4a"
LABEL_FILL = "#f5f7fa"
PREVIOUS_INK = "#6b6b6b"


def write_paper_form(
    sources: ReportSources,
    programme_code: str,
    site_code: str,
    period: str,
    path: Path,
    prefilled: bool = False,
    progress: pdf.Progress | None = None,
) -> ReportFile:
    from reportlab.platypus import PageBreak

    from pmdesk.reports.reporter import ReportFile

    programme = sources.programmes.get(programme_code)
    sites = sources.sites.list_sites(programme.code)
    chosen = next((site for site in sites if site.code == site_code), None)
    if chosen is None:
        raise NotFoundError(
            f"programme {programme.code} has no site '{site_code}'; its sites are "
            f"{', '.join(site.code for site in sites) or 'none yet'}"
        )
    codes = forms_for(chosen.code, [(s.code, s.parent_code) for s in sites])
    total = len(codes) + 1
    story: list[Any] = []
    for n, code in enumerate(codes):
        if progress is not None:
            progress(n, total, f"Form for {code}…")
        grid = sources.entry_grid.grid(programme.code, code, period)
        previous = None
        if prefilled and grid.previous_period is not None:
            previous = sources.entry_grid.grid(programme.code, code, grid.previous_period)
        if n:
            story.append(PageBreak())
        story.extend(form_story(grid, programme.name, previous))
    title = f"Data collection form: {programme.code}, {chosen.code}, {period}"
    kind = "pre-filled with last period's values" if prefilled else "blank"
    pages = pdf.build_pdf(
        path,
        story,
        title=title,
        footer=f"{programme.code} · Data collection form · {period}",
        subject=f"{len(codes)} form{'' if len(codes) == 1 else 's'}, {kind}",
    )
    if progress is not None:
        progress(total, total, "Done")
    return ReportFile(path, pages, title)


def forms_for(site_code: str, sites: list[tuple[str, str | None]]) -> list[str]:
    """The sites that get a form: the site itself when nothing is below it, else every site below
    it that has nothing below it (the schools of a district), in the sites' order."""
    children: dict[str | None, list[str]] = {}
    for code, parent in sites:
        children.setdefault(parent, []).append(code)
    if not children.get(site_code):
        return [site_code]
    below: list[str] = []
    stack = [site_code]
    seen: set[str] = set()
    while stack:
        code = stack.pop()
        if code in seen:
            continue
        seen.add(code)
        mine = children.get(code, [])
        if not mine and code != site_code:
            below.append(code)
        stack.extend(reversed(mine))
    order = {code: n for n, (code, _parent) in enumerate(sites)}
    return sorted(below, key=lambda c: order.get(c, 0))


def form_story(grid: EntryGrid, programme_name: str, previous: EntryGrid | None) -> list[Any]:
    from reportlab.platypus import KeepTogether, Spacer

    s = pdf.styles()
    width = pdf.frame_width()
    story: list[Any] = [
        pdf.para("Data collection form", s.title),
        _header(grid, programme_name, previous, width),
        Spacer(1, 6),
        pdf.para(
            "Write one figure per box, in the order of the form: it is the order of the data-entry "
            "screen, so the round is keyed in from top to bottom. For a disaggregated indicator, write "
            "the value of each option; the Total is for a figure known only as a total. Percent "
            "indicators take a numerator and a denominator."
            + (
                f" Small grey figures are the values of {previous.period_label}, for reference only."
                if previous is not None
                else ""
            ),
            s.note,
        ),
        Spacer(1, 4),
    ]
    before: dict[int, GridIndicator] = {i.id: i for i in previous.indicators} if previous else {}
    label = previous.period_label if previous is not None else ""
    shown: set[int] = set()
    for result in grid.results:
        indicators = grid.indicators_of(result.id)
        if not indicators:
            continue
        heading = [pdf.para(f"{result.tier} {result.code}: {result.title}", s.h2)]
        for indicator in indicators:
            shown.add(indicator.id)
            block = _indicator_block(indicator, before.get(indicator.id), label, width)
            story.append(KeepTogether([*heading, block, Spacer(1, 5)]))  # no heading alone at a page foot
            heading = []
    for indicator in grid.indicators:  # an indicator of no known result: never leave it off the form
        if indicator.id not in shown:
            story.append(
                KeepTogether(
                    [_indicator_block(indicator, before.get(indicator.id), label, width), Spacer(1, 5)]
                )
            )
    return story


def _header(grid: EntryGrid, programme_name: str, previous: EntryGrid | None, width: float) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    s = pdf.styles()
    half = width / 2
    rows = [
        [_field("Programme", f"{grid.programme_code} · {programme_name}"), ""],
        [
            _field("Site", f"{grid.site_code} · {grid.site_name}"),
            _field("Period", f"{grid.period_label} ({grid.period})"),
        ],
        [
            _field(
                "Form",
                f"pre-filled with the values of {previous.period_label}" if previous is not None else "blank",
            ),
            "",
        ],
        [pdf.para("Collected by", s.small), pdf.para("Date", s.small)],
        [pdf.para("Signature", s.small), pdf.para("Checked by", s.small)],
    ]
    table = Table(rows, colWidths=[half, half], rowHeights=[None, None, None, 26, 26], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (1, 0)),
                ("SPAN", (0, 2), (1, 2)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 3), (0, 4), 0.6, colors.HexColor(BOX_LINE)),
                ("LINEBELOW", (1, 3), (1, 4), 0.6, colors.HexColor(BOX_LINE)),
                ("RIGHTPADDING", (0, 0), (-1, -1), 12),
            ]
        )
    )
    return table


def _field(label: str, value: str) -> Any:
    from pmdesk.reports.pdf_document import markup_text

    s = pdf.styles()
    from reportlab.platypus import Paragraph

    return Paragraph(f"<b>{markup_text(label)}:</b> {markup_text(pdf.clip(value))}", s.body)


def _indicator_label(indicator: GridIndicator) -> Any:
    from reportlab.platypus import Paragraph

    from pmdesk.reports.pdf_document import markup_text

    s = pdf.styles()
    details = [
        {Measure.NUMBER: "number", Measure.PERCENT: "percent", Measure.QUALITATIVE: "text"}[indicator.measure]
    ]
    if indicator.unit and indicator.measure is not Measure.PERCENT:
        details.append(pdf.clip(indicator.unit, 100))
    if indicator.target is not None and indicator.measure is not Measure.QUALITATIVE:
        suffix = " %" if indicator.measure is Measure.PERCENT else ""
        details.append(f"target {display_number(indicator.target)}{suffix}")
    return Paragraph(
        # a table row cannot break across pages: the name is cut to what the label column holds
        f"<b>{markup_text(indicator.code)}</b> {markup_text(pdf.clip(indicator.name, NAME_LIMIT))}<br/>"
        f'<font size="7" color="{pdf.MUTED}">{markup_text(" · ".join(details))}</font>',
        s.cell,
    )


PREVIOUS_TEXT_CHARS = 240  # a long story of last period is cut: the box is for this period's


def _previous_text(value: ValueInfo | None, field: str, period_label: str) -> str:
    """'2026 Q2: 12', last period's figure as printed small in the box; '' when there is none."""
    if value is None:
        return ""
    figure = getattr(value, field)
    if figure is None or figure == "":
        return ""
    if isinstance(figure, float | int):
        return f"{period_label}: {display_number(figure)}"
    text = " ".join(str(figure).split())
    if len(text) > PREVIOUS_TEXT_CHARS:
        text = text[: PREVIOUS_TEXT_CHARS - 1] + "…"
    return f"{period_label}: {text}"


def _indicator_block(
    indicator: GridIndicator, previous: GridIndicator | None, period_label: str, width: float
) -> Any:
    """One indicator: its name, then lines of boxes (options across, Total last), a comment line."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    s = pdf.styles()
    small = _previous_style()
    earlier = previous.values if previous is not None else {}
    rows: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor(BOX_LINE)),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor(LABEL_FILL)),
        ("LINEAFTER", (0, 0), (0, -1), 0.5, colors.HexColor(BOX_LINE)),
    ]
    heights: list[float | None] = []
    box_width = (width - LABEL_WIDTH) / BOXES_PER_LINE

    if indicator.measure is Measure.QUALITATIVE:
        before = (
            _previous_text(earlier.get(previous.total.combo_id), "text", period_label) if previous else ""
        )
        rows.append([_indicator_label(indicator), _box_text(before, small, ""), *[""] * (BOXES_PER_LINE - 1)])
        commands.append(("SPAN", (1, 0), (-1, 0)))
        commands.append(("GRID", (1, 0), (-1, 0), 0.5, colors.HexColor(BOX_LINE)))
        heights.append(TEXT_HEIGHT)
    else:
        cells: list[ComboInfo] = [*indicator.combos, indicator.total]
        fields = (
            [("numerator", "Numerator"), ("denominator", "Denominator")]
            if indicator.measure is Measure.PERCENT
            else [("value", "")]
        )
        lines = [cells[i : i + BOXES_PER_LINE] for i in range(0, len(cells), BOXES_PER_LINE)]
        for line_no, line in enumerate(lines):
            header_row = len(rows)
            label = _indicator_label(indicator) if line_no == 0 else Paragraph("", s.cell)
            limit = pdf.cell_limit(box_width)
            rows.append([label, *(pdf.cell(c.label, s.cell_header, limit=limit) for c in line)])
            rows[-1] += [""] * (BOXES_PER_LINE + 1 - len(rows[-1]))
            commands.append(
                ("LINEBELOW", (1, header_row), (len(line), header_row), 0.5, colors.HexColor(BOX_LINE))
            )
            heights.append(None)
            for field, field_label in fields:
                row_no = len(rows)
                boxes = []
                for combo in line:
                    before = _previous_text(earlier.get(combo.combo_id), field, period_label)
                    boxes.append(_box_text(before, small, ""))
                # a percent's two boxes are named in the label column, level with them
                rows.append([pdf.para(field_label, s.cell_right) if field_label else "", *boxes])
                rows[-1] += [""] * (BOXES_PER_LINE + 1 - len(rows[-1]))
                commands.append(("GRID", (1, row_no), (len(line), row_no), 0.5, colors.HexColor(BOX_LINE)))
                heights.append(BOX_HEIGHT)
            # the Total box is shaded: a figure known only as a total
            if line is lines[-1] and indicator.combos:
                column = len(line)
                commands.append(
                    (
                        "BACKGROUND",
                        (column, header_row),
                        (column, len(rows) - 1),
                        colors.HexColor(pdf.HEADER_FILL),
                    )
                )
        if indicator.measure is not Measure.PERCENT:
            commands.append(("SPAN", (0, 0), (0, len(fields))))
    comment_row = len(rows)
    rows.append([pdf.para("Comment", s.cell), *[""] * BOXES_PER_LINE])
    commands.append(("SPAN", (1, comment_row), (-1, comment_row)))
    commands.append(("LINEABOVE", (0, comment_row), (-1, comment_row), 0.5, colors.HexColor(BOX_LINE)))
    heights.append(BOX_HEIGHT - 4)
    table = Table(
        rows,
        colWidths=[LABEL_WIDTH, *([box_width] * BOXES_PER_LINE)],
        rowHeights=heights,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle(commands))
    return table


def _previous_style() -> Any:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(
        "previous",
        parent=pdf.styles().cell,
        fontSize=6.5,
        leading=7.5,
        textColor=colors.HexColor(PREVIOUS_INK),
    )


def _box_text(before: str, style: Any, field: str) -> Any:
    """A box to write in: empty but for, in small grey print at its top, what goes in it (a
    percent's numerator or denominator) and last period's figure, when there are."""
    from reportlab.platypus import Paragraph

    from pmdesk.reports.pdf_document import markup_text

    parts = [markup_text(part) for part in (field, before) if part]
    return Paragraph(" · ".join(parts), style) if parts else ""

# SPDX-License-Identifier: GPL-3.0-or-later
"""Indicator reference sheets (PIRS) as a PDF: one page per indicator (continued when it is long)
with every field of its sheet, the chain of results it serves, its baseline, and its targets per
period for the programme and, compactly, for each site that has its own."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.domain.enums import Cumulation, Direction, Measure
from pmdesk.domain.errors import NotFoundError
from pmdesk.formats.iptt_text import display_number
from pmdesk.reports import pdf_document as pdf

if TYPE_CHECKING:
    from pmdesk.reports.reporter import ReportFile, ReportSources

NOT_SET = "not set"
PERIODS_PER_TABLE = 8  # target columns side by side on a portrait page
FIELD_LIMIT = 2_000  # characters of one field of a sheet (a wide column): a row cannot break across pages

MEASURE_TEXT = {
    Measure.NUMBER: "Number",
    Measure.PERCENT: "Percent (numerator ÷ denominator × 100)",
    Measure.QUALITATIVE: "Qualitative (text, no arithmetic)",
}
MEASURE_WORD = {Measure.NUMBER: "Number", Measure.PERCENT: "Percent", Measure.QUALITATIVE: "Qualitative"}
DIRECTION_TEXT = {
    Direction.INCREASE: "Increase is better",
    Direction.DECREASE: "Decrease is better",
    Direction.NONE: "No direction",
}
CUMULATION_TEXT = {
    Cumulation.PERIODIC: "Periodic: each period's values stand alone; the LoP actual is their sum",
    Cumulation.CUMULATIVE: "Cumulative: values are increments; each period shows the sum from the start",
    Cumulation.RUNNING_TOTAL: "Running total: values are already totals; the latest one is the LoP actual",
}

# The labels every sheet prints, in order (a test checks each one is there).
FIELD_LABELS = (
    "Code",
    "Name",
    "Result chain",
    "Definition",
    "Rationale",
    "Measure",
    "Unit",
    "Decimals",
    "Direction",
    "Cumulation",
    "Disaggregations",
    "Data source",
    "Collection method",
    "Frequency",
    "Responsible person",
    "Means of verification",
    "Baseline",
    "Baseline date",
    "Baseline note",
    "LoP target",
)


def figure(value: float | None, measure: Measure) -> str:
    if value is None:
        return NOT_SET
    return display_number(value) + (" %" if measure is Measure.PERCENT else "")


def write_reference_sheets(
    sources: ReportSources,
    programme_code: str,
    path: Path,
    indicator_codes: Sequence[str] | None = None,
    progress: pdf.Progress | None = None,
) -> ReportFile:
    from reportlab.platypus import PageBreak

    from pmdesk.reports.reporter import ReportFile

    programme = sources.programmes.get(programme_code)
    indicators = sources.framework.list_indicators(programme.code)
    if indicator_codes:
        known = {i.data.code: i for i in indicators}
        missing = [code for code in indicator_codes if code not in known]
        if missing:
            raise NotFoundError(
                f"programme {programme.code} has no indicator {', '.join(missing)}; "
                f"its indicators are {', '.join(known) or 'none yet'}"
            )
        wanted = set(indicator_codes)
        indicators = [i for i in indicators if i.data.code in wanted]
    total = len(indicators) + 2

    def step(done: int, message: str) -> None:
        if progress is not None:
            progress(done, total, message)

    step(0, "Reading the framework and the targets…")
    results = {r.code: r for r in sources.framework.list_results(programme.code)}
    disaggregations = {d.code: d for d in sources.framework.list_disaggregations(programme.code)}
    people = {p.code: p for p in sources.sites.list_people(programme.code)}
    periods = [p.code for p in sources.programmes.periods(programme.code)]
    labels = {p.code: p.label() for p in sources.programmes.periods(programme.code)}
    programme_targets: dict[str, dict[str, float]] = {}
    for t in sources.targets.list_targets(programme.code):
        programme_targets.setdefault(t.indicator_code, {})[t.period] = t.value
    site_targets: dict[str, list[tuple[str, str, dict[str, float]]]] = {}
    for site in sources.sites.list_sites(programme.code):
        mine: dict[str, dict[str, float]] = {}
        for t in sources.targets.list_targets(programme.code, site.code):
            mine.setdefault(t.indicator_code, {})[t.period] = t.value
        for code, by_period in mine.items():
            site_targets.setdefault(code, []).append((site.code, site.name, by_period))
    step(1, "Laying out the sheets…")

    s = pdf.styles()
    story: list[Any] = [
        pdf.para("Indicator reference sheets", s.title),
        pdf.para(f"{programme.code} · {programme.name}", s.subtitle),
    ]
    if programme.donor:
        story.append(pdf.para(f"Donor: {programme.donor}", s.body))
    story.append(
        pdf.para(
            f"{len(indicators)} indicator{'' if len(indicators) == 1 else 's'}, one sheet each; "
            f"programme {programme.start.isoformat()} to {programme.end.isoformat()}, reported "
            f"{programme.frequency.value}. Figures are rounded to two decimals for display.",
            s.small,
        )
    )
    if indicators:
        width = pdf.frame_width()
        story.append(pdf.para("Contents", s.h2))
        contents = [
            [i.data.code, i.data.name, i.data.result_code, MEASURE_WORD[Measure(i.data.measure)]]
            for i in indicators
        ]
        story.append(
            pdf.table(["Code", "Indicator", "Result", "Measure"], contents, [50, width - 170, 60, 60])
        )
    for n, indicator in enumerate(indicators):
        story.append(PageBreak())
        story.extend(
            indicator_sheet(
                indicator,
                results,
                disaggregations,
                people,
                periods,
                labels,
                programme_targets.get(indicator.data.code, {}),
                site_targets.get(indicator.data.code, []),
            )
        )
        step(n + 1, f"Indicator {indicator.data.code}")
    if not indicators:
        story.append(pdf.para("The programme has no indicators yet.", s.body))
    title = f"Indicator reference sheets: {programme.code}"
    pages = pdf.build_pdf(
        path,
        story,
        title=title,
        footer=f"{programme.code} · Indicator reference sheets",
        subject=programme.name,
    )
    step(total, "Done")
    return ReportFile(path, pages, title)


def result_chain(result_code: str, results: dict[str, Any]) -> list[str]:
    """'Goal G: …' down to the indicator's own result, one line each."""
    chain: list[str] = []
    code: str | None = result_code
    seen: set[str] = set()
    while code and code in results and code not in seen:
        seen.add(code)
        result = results[code]
        chain.append(f"{result.tier} {result.code}: {result.title}")
        code = result.parent_code
    return list(reversed(chain)) or [result_code or NOT_SET]


def sheet_fields(
    indicator: Any, results: dict[str, Any], disaggregations: dict[str, Any], people: dict[str, Any]
) -> list[tuple[str, str]]:
    """(label, value) for every field of the sheet, as printed; NOT_SET where a field is empty."""
    d = indicator.data
    measure = Measure(d.measure)

    def text(value: str) -> str:
        return value if value.strip() else NOT_SET

    if d.disaggregations:
        disagg = "\n".join(
            f"{disaggregations[c].name} ({c}): {', '.join(o.name for o in disaggregations[c].options)}"
            if c in disaggregations
            else c
            for c in d.disaggregations
        )
    else:
        disagg = "None (one total per site and period)"
    cumulation = CUMULATION_TEXT.get(Cumulation(d.cumulation), str(d.cumulation))
    if measure is Measure.PERCENT:
        cumulation += "\nPercent indicators always behave as running totals."
    person = people.get(d.responsible_code) if d.responsible_code else None
    if person is not None:
        responsible = person.name + (f", {person.role}" if person.role else "")
        if person.organisation:
            responsible += f" ({person.organisation})"
        if person.email:
            responsible += f"\n{person.email}"
    else:
        responsible = d.responsible_code or NOT_SET
    if d.lop_target is not None:
        lop = figure(d.lop_target, measure)
    elif measure is Measure.QUALITATIVE:
        lop = NOT_SET
    elif measure is Measure.PERCENT or d.cumulation != Cumulation.PERIODIC:
        lop = "derived: the last period's target"
    else:
        lop = "derived: the sum of the period targets"
    decimals = (
        "not applicable"
        if measure is Measure.QUALITATIVE
        else ("allowed" if d.allows_decimals else "whole numbers only")
    )
    return [
        ("Code", d.code),
        ("Name", d.name),
        ("Result chain", "\n".join(result_chain(d.result_code, results))),
        ("Definition", text(d.definition)),
        ("Rationale", text(d.rationale)),
        ("Measure", MEASURE_TEXT.get(measure, str(measure))),
        ("Unit", text(d.unit)),
        ("Decimals", decimals),
        ("Direction", DIRECTION_TEXT.get(Direction(d.direction), str(d.direction))),
        ("Cumulation", cumulation),
        ("Disaggregations", disagg),
        ("Data source", text(d.data_source)),
        ("Collection method", text(d.collection_method)),
        ("Frequency", text(d.frequency)),
        ("Responsible person", responsible),
        ("Means of verification", text(d.means_of_verification)),
        ("Baseline", figure(d.baseline_value, measure)),
        ("Baseline date", d.baseline_date.isoformat() if d.baseline_date else NOT_SET),
        ("Baseline note", text(d.baseline_note)),
        ("LoP target", lop),
    ]


_SECTIONS = (
    ("Identification", ("Code", "Name", "Result chain")),
    ("Definition", ("Definition", "Rationale")),
    ("Measurement", ("Measure", "Unit", "Decimals", "Direction", "Cumulation", "Disaggregations")),
    (
        "Data collection",
        ("Data source", "Collection method", "Frequency", "Responsible person", "Means of verification"),
    ),
    ("Baseline and target", ("Baseline", "Baseline date", "Baseline note", "LoP target")),
)


def indicator_sheet(
    indicator: Any,
    results: dict[str, Any],
    disaggregations: dict[str, Any],
    people: dict[str, Any],
    periods: list[str],
    labels: dict[str, str],
    targets: dict[str, float],
    by_site: list[tuple[str, str, dict[str, float]]],
) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.platypus import Spacer, Table, TableStyle

    s = pdf.styles()
    d = indicator.data
    measure = Measure(d.measure)
    width = pdf.frame_width()
    story: list[Any] = [pdf.para(f"Indicator {d.code}: {d.name}", s.h1)]
    fields = dict(sheet_fields(indicator, results, disaggregations, people))
    label_width = 118
    rows: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#d5dbe2")),
    ]
    for section, names in _SECTIONS:
        commands.append(("SPAN", (0, len(rows)), (1, len(rows))))
        commands.append(("BACKGROUND", (0, len(rows)), (1, len(rows)), colors.HexColor(pdf.HEADER_FILL)))
        rows.append([pdf.para(section, s.cell_header), ""])
        for name in names:
            value = fields[name]
            style = s.note if value == NOT_SET else s.small
            # A row cannot break across pages: a field longer than a page is cut, marked so.
            rows.append([pdf.para(name, s.cell_bold), pdf.cell(value, style, limit=FIELD_LIMIT)])
    sheet = Table(rows, colWidths=[label_width, width - label_width], hAlign="LEFT", repeatRows=0)
    sheet.setStyle(TableStyle(commands))
    story.append(sheet)

    story.append(pdf.para("Targets per period", s.h2))
    if measure is Measure.QUALITATIVE:
        story.append(pdf.para("A qualitative indicator has no numeric targets.", s.small))
        return story
    used = [p for p in periods if p in targets or any(p in t for _c, _n, t in by_site)]
    used += sorted({p for p in targets if p not in periods})  # a target outside the reporting periods
    if not used:
        story.append(pdf.para("No targets are set for this indicator.", s.small))
        return story
    lines: list[tuple[str, dict[str, float]]] = [("Programme", targets)]
    lines += [(f"{code} {name}", t) for code, name, t in by_site]
    for start in range(0, len(used), PERIODS_PER_TABLE):
        chunk = used[start : start + PERIODS_PER_TABLE]
        first = 150.0
        column = (width - first) / PERIODS_PER_TABLE
        header = ["Level", *(labels.get(p, p) for p in chunk)]
        body = [[name, *(figure(t[p], measure) if p in t else "" for p in chunk)] for name, t in lines]
        story.append(_figure_table(header, body, [first, *([column] * len(chunk))]))
        story.append(Spacer(1, 4))
    if by_site:
        story.append(
            pdf.para(
                f"{len(by_site)} site{'' if len(by_site) == 1 else 's'} with targets of their own; a site "
                "without a row uses the programme's targets.",
                s.note,
            )
        )
    return story


def _figure_table(header: list[str], body: list[list[str]], widths: list[float]) -> Any:
    """A table of figures: the names wrap as paragraphs, the figures are drawn as plain strings
    (they never wrap, and a sheet with a hundred sites stays quick to lay out). Plain strings are
    drawn as they are, never parsed as markup."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    s = pdf.styles()
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    right = ParagraphStyle("cell_header_right", parent=s.cell_header, alignment=TA_RIGHT)
    data: list[list[Any]] = [
        [pdf.para(cell, s.cell_header if n == 0 else right) for n, cell in enumerate(header)]
    ]
    data += [[pdf.cell(row[0], s.cell, limit=pdf.cell_limit(widths[0])), *row[1:]] for row in body]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (1, 1), (-1, -1), pdf.FONT_NARROW, 8),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("TEXTCOLOR", (1, 1), (-1, -1), colors.HexColor(pdf.INK)),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(pdf.HEADER_FILL)),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(pdf.RULE)),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dbe2")),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for row in range(2, len(data), 2):
        commands.append(("BACKGROUND", (0, row), (-1, row), colors.HexColor(pdf.ZEBRA_FILL)))
    result = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result

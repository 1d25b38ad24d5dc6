# SPDX-License-Identifier: GPL-3.0-or-later
"""Charts as PNG images with clickable regions, one function per kind: an indicator's trend,
status counts, the reporting rate, % met by result and one indicator across sites. Drawn
off-screen (chart_canvas.py), never by pyplot, so they render on any thread and the same function
serves the Dashboard and the PDFs.

Inputs are plain frozen dataclasses (chart_types.py, built by the dashboard service or a report),
outputs a `ChartImage`: the PNG, its size and the pixel rectangles of what can be clicked, each
with a `ChartKey` saying what it is (a status, a result, an indicator's period, a site). matplotlib
and Pillow are imported inside the functions, so importing this module costs nothing at start-up.
Colours, hatches and words follow chart_palette.py: colour is never the only cue.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pmdesk.reports.chart_canvas import (
    RENDER_LOCK,
    Canvas,
    Swatch,
    column_frame,
    number_text,
    row_frame,
    two_lines,
)
from pmdesk.reports.chart_palette import (
    ACTUAL_COLOUR,
    EDGE_COLOUR,
    MUTED_COLOUR,
    PARTIAL_HATCH,
    PARTIAL_LABEL,
    STATUS_COLOURS,
    STATUS_HATCHES,
    STATUS_LABELS,
    SUBMITTED_COLOUR,
    TARGET_COLOUR,
    TEXT_COLOUR,
)
from pmdesk.reports.chart_types import (
    ChartImage,
    ChartKey,
    RateBar,
    ResultBar,
    SiteBar,
    StatusCount,
    TrendSeries,
)

# -- the charts ----------------------------------------------------------------------------------


def indicator_trend_chart(
    series: TrendSeries, width_px: int, height_px: int, dpi: float = 100.0
) -> ChartImage:
    """Target against actual over the periods of one indicator, as a PNG `width_px` × `height_px`.

    Actuals are bars (Okabe–Ito blue); a partly reported period's bar is white with blue hatching
    and the legend names it "Actual, partly reported"; a period without an actual has no bar.
    Targets are a black dashed step line with a diamond per period (a period without a target
    breaks the line). A percent indicator's axis reads '%'; numbers get thousands separators.
    Text is FONT_PT points at `dpi` (pixels = points × dpi ÷ 72): for a PDF, pass the print
    resolution (say 150) and a pixel size of inches × dpi, and the text prints at 9 points; on
    screen a larger `dpi` is larger text (zoom). Period labels are thinned out when they do not fit.

    Regions: each period's column over the whole plot height and its label (an empty period can be
    clicked too), keyed `ChartKey("period", indicator_code=…, period=…)`. No title: the caller
    writes the caption. Thread-safe; never uses pyplot.
    """
    with RENDER_LOCK:
        cv = Canvas(width_px, height_px, dpi)
        points = series.points
        if not points:
            return cv.empty("No reporting periods yet")
        has_partial = any(p.partial and p.actual is not None for p in points)
        has_target = any(p.target is not None for p in points)
        legend = [Swatch("bar", ACTUAL_COLOUR, "Actual")]
        if has_partial:
            legend.append(Swatch("partial", ACTUAL_COLOUR, "Actual, " + PARTIAL_LABEL))
        if has_target:
            legend.append(Swatch("target", TARGET_COLOUR, "Target"))
        values = [v for p in points for v in (p.actual, p.target) if v is not None]
        frame = column_frame(cv, [p.label for p in points], values, series.is_percent, legend=legend)
        y0 = frame.y(0.0)
        for i, p in enumerate(points):
            left, right = frame.bar(i)
            if p.actual is not None:
                top = frame.y(p.actual)
                _column(cv, left, right, top, y0, partial=p.partial)
            tip = f"{p.label}: actual {number_text(p.actual, series.is_percent) or 'none'}, target " + (
                number_text(p.target, series.is_percent) or "none"
            )
            if p.partial:
                tip += f" — {p.note or PARTIAL_LABEL}"
            cv.region_column(
                frame, i, ChartKey("period", indicator_code=series.indicator_code, period=p.period), tip
            )
        if has_target:
            xs = [frame.centre(i) for i in range(len(points))]
            ys = [frame.y(p.target) if p.target is not None else math.nan for p in points]
            cv.line(xs, ys, colour=TARGET_COLOUR, style="--", lw_pt=1.4, drawstyle="steps-mid", z=3)
            cv.line(xs, ys, colour=TARGET_COLOUR, style="none", marker="D", z=4)
        return cv.finish()


def status_counts_chart(
    counts: Sequence[StatusCount], width_px: int, height_px: int, dpi: float = 100.0
) -> ChartImage:
    """A bar per status, in the order given: its colour and hatch, its name under it and its count
    over it. The indicators resting on a partly reported period are a white, hatched part at the
    top of the bar, counted in words ('3 (1 partial)'). Regions: each bar's column and label,
    keyed `ChartKey("status", status=…)`."""
    with RENDER_LOCK:
        cv = Canvas(width_px, height_px, dpi)
        if not any(c.count for c in counts):
            return cv.empty("No indicators yet")
        legend = (
            [Swatch("partial", MUTED_COLOUR, "resting on a partly reported period")]
            if any(c.partial for c in counts)
            else []
        )
        labels = [two_lines(c.label) for c in counts]
        frame = column_frame(
            cv,
            labels,
            [float(c.count) for c in counts],
            False,
            legend=legend,
            integer=True,
            label_lines=2,
            headroom_lines=1.3,
            every_label=True,  # a status is never told by colour alone
        )
        y0 = frame.y(0.0)
        for i, c in enumerate(counts):
            left, right = frame.bar(i)
            colour = STATUS_COLOURS.get(c.status, "#999999")
            full = c.count - c.partial
            if full:
                top = frame.y(full)
                cv.rect(
                    left,
                    top,
                    right - left,
                    y0 - top,
                    face=colour,
                    edge=EDGE_COLOUR,
                    hatch=STATUS_HATCHES.get(c.status),
                    hatch_colour=EDGE_COLOUR,
                )
            if c.partial:
                _partly_reported(cv, left, right, frame.y(c.count), frame.y(full), colour)
            text = str(c.count) + (f" ({c.partial} partial)" if c.partial else "")
            cv.text(frame.centre(i), frame.y(c.count) - 3, text, ha="center", va="bottom")
            tip = f"{c.label}: {c.count} indicator{'' if c.count == 1 else 's'}"
            if c.partial:
                tip += f", {c.partial} of them {PARTIAL_LABEL}"
            cv.region_column(frame, i, ChartKey("status", status=c.status), tip)
        return cv.finish()


def reporting_rate_chart(
    rates: Sequence[RateBar], width_px: int, height_px: int, dpi: float = 100.0
) -> ChartImage:
    """The reporting rate per period on a 0–100 % axis with a dashed line at 100 %: a bar per
    period for the values present (the IPTT's rule, DESIGN.md §3a), its figure over it (thinned
    like the labels when periods are many), white and hatched when an indicator is partly reported;
    and, when given, the reports submitted or approved as a line with a dot per period. A legend
    names both. Regions: each period's column and label, keyed `ChartKey("period", period=…)`."""
    with RENDER_LOCK:
        cv = Canvas(width_px, height_px, dpi)
        if not rates:
            return cv.empty("No reporting periods yet")
        has_partial = any(r.rate is not None and r.is_partial for r in rates)
        has_submitted = any(r.submitted is not None for r in rates)
        legend = [Swatch("bar", ACTUAL_COLOUR, VALUES_PRESENT_LABEL)]
        if has_partial:
            legend.append(Swatch("partial", ACTUAL_COLOUR, "some indicators " + PARTIAL_LABEL))
        if has_submitted:
            legend.append(Swatch("dots", SUBMITTED_COLOUR, SUBMITTED_LABEL))
        frame = column_frame(
            cv,
            [r.label for r in rates],
            [100.0],
            True,
            legend=legend,
            headroom_lines=1.2,
            fixed_ticks=(0, 25, 50, 75, 100),
        )
        y0 = frame.y(0.0)
        cv.line(
            [frame.left, frame.right], [frame.y(100.0)] * 2, colour=TARGET_COLOUR, style="--", lw_pt=1.0, z=3
        )
        for i, r in enumerate(rates):
            left, right = frame.bar(i)
            if r.rate is not None:
                top = frame.y(max(r.rate, 0.0))
                _column(cv, left, right, top, y0, partial=r.is_partial)
                if i % frame.step == 0:
                    cv.text(
                        frame.centre(i),
                        top - 3,
                        number_text(r.rate, True),
                        ha="center",
                        va="bottom",
                        size=0.9,
                    )
            cv.region_column(frame, i, ChartKey("period", period=r.period), rate_tip(r))
        if has_submitted:
            xs = [frame.centre(i) for i in range(len(rates))]
            ys = [frame.y(r.submitted) if r.submitted is not None else math.nan for r in rates]
            cv.line(xs, ys, colour=SUBMITTED_COLOUR, lw_pt=1.6, z=4)
            cv.line(xs, ys, colour=SUBMITTED_COLOUR, style="none", marker="o", z=5)
        return cv.finish()


VALUES_PRESENT_LABEL = "Values present (as the IPTT counts)"
SUBMITTED_LABEL = "Reports submitted or approved"


def rate_tip(r: RateBar) -> str:
    """A period of the reporting chart in words: both rates and what they count."""
    if r.rate is None:
        return f"{r.label}: no site is expected to report"
    if not r.indicators:
        words = f"{r.label}: no values yet"
    else:
        words = (
            f"{r.label}: values present {number_text(r.rate, True)} — {r.reported} of {r.expected} "
            f"expected ({r.indicators} indicator{'' if r.indicators == 1 else 's'} with data × the "
            "sites expected to report), "
        )
        partly = r.indicators - r.complete
        words += f"{partly} {PARTIAL_LABEL}" if partly else "every site reported"
    if r.submitted is not None:
        words += (
            f"; reports submitted or approved: {r.submitted_sites} of {r.sites} "
            f"site{'' if r.sites == 1 else 's'} ({number_text(r.submitted, True)})"
        )
    return words


def result_achievement_chart(
    results: Sequence[ResultBar], width_px: int, height_px: int, dpi: float = 100.0
) -> ChartImage:
    """% met to date by result: a horizontal bar per result in the order given (framework order,
    top to bottom), coloured and hatched by the band its figure falls in, a dashed line at 100 %,
    and at the bar's end the figure and how many of its indicators are met ('87% · 2 of 3 met').
    A result without a figure says 'no figure'. Regions: each result's row across the whole
    width, its name included, keyed `ChartKey("result", result_code=…)`."""
    with RENDER_LOCK:
        cv = Canvas(width_px, height_px, dpi)
        if not results:
            return cv.empty("No results with indicators yet")
        ends: Sequence[str]
        full, short = [], []
        for r in results:
            if r.pct_met is None:
                full.append("no figure")
                short.append("none")
            else:
                full.append(
                    f"{number_text(r.pct_met, True)} · {r.met} of {r.rated} met"
                    + (" · partial" if r.partial else "")
                )
                short.append(number_text(r.pct_met, True) + (" partial" if r.partial else ""))
        figures = [r.pct_met for r in results if r.pct_met is not None]
        frame, ends = row_frame(cv, [r.label for r in results], [100.0, *figures], True, full, short)
        x0 = frame.x(0.0)
        cv.line(
            [frame.x(100.0)] * 2,
            [frame.top, frame.bottom],
            colour=TARGET_COLOUR,
            style="--",
            lw_pt=1.0,
            z=1.5,
        )
        for i, (r, end) in enumerate(zip(results, ends)):
            top, bottom = frame.bar(i)
            if r.pct_met is not None:
                right = frame.x(max(r.pct_met, 0.0))
                cv.rect(
                    x0,
                    top,
                    right - x0,
                    bottom - top,
                    face=STATUS_COLOURS.get(r.status, "#999999"),
                    edge=EDGE_COLOUR,
                    hatch=STATUS_HATCHES.get(r.status),
                    hatch_colour=EDGE_COLOUR,
                )
                cv.text(right + 4, frame.centre(i), end, va="center", size=0.92)
            else:
                cv.text(
                    x0 + 4, frame.centre(i), end, va="center", size=0.92, colour=MUTED_COLOUR, italic=True
                )
            tip = f"{r.label}: " + (
                f"{number_text(r.pct_met, True)} met on average; {r.met} of {r.rated} indicators on track or better"
                if r.pct_met is not None
                else "no indicator with a % met"
            )
            cv.region_row(frame, i, ChartKey("result", result_code=r.result_code), tip)
        return cv.finish()


def site_comparison_chart(
    indicator_code: str,
    sites: Sequence[SiteBar],
    is_percent: bool,
    width_px: int,
    height_px: int,
    dpi: float = 100.0,
) -> ChartImage:
    """One indicator across sites: a horizontal bar per site with its actual to date, coloured and
    hatched by its status (white and hatched when partly reported), a black diamond at the
    site's target to date, and the actual and status written at the bar's end. Regions: each
    site's row across the whole width, keyed `ChartKey("site", indicator_code=…, site_code=…)`."""
    with RENDER_LOCK:
        cv = Canvas(width_px, height_px, dpi)
        if not sites:
            return cv.empty("No site reports this indicator yet")
        ends: Sequence[str]
        full, short = [], []
        for s in sites:
            text = number_text(s.actual, is_percent) or "no value"
            short.append(text + (" partial" if s.partial else ""))
            if s.status not in ("no_target", "no_data") and s.status in STATUS_LABELS:
                text += f" · {STATUS_LABELS[s.status]}"
            full.append(text + (" · partial" if s.partial else ""))
        legend = []
        if any(s.target is not None for s in sites):
            legend.append(Swatch("diamond", TARGET_COLOUR, "Site target to date"))
        if any(s.partial for s in sites):
            legend.append(Swatch("partial", MUTED_COLOUR, PARTIAL_LABEL))
        values = [v for s in sites for v in (s.actual, s.target) if v is not None]
        frame, ends = row_frame(cv, [s.label for s in sites], values, is_percent, full, short, legend=legend)
        x0 = frame.x(0.0)
        for i, (s, end) in enumerate(zip(sites, ends)):
            top, bottom = frame.bar(i)
            colour = STATUS_COLOURS.get(s.status, "#999999")
            reach = x0
            if s.actual is not None:
                right = frame.x(s.actual)
                if s.partial:
                    _partly_reported(cv, x0, right, top, bottom, colour)
                else:
                    cv.rect(
                        x0,
                        top,
                        right - x0,
                        bottom - top,
                        face=colour,
                        edge=EDGE_COLOUR,
                        hatch=STATUS_HATCHES.get(s.status),
                        hatch_colour=EDGE_COLOUR,
                    )
                reach = max(reach, right)
            if s.target is not None:
                reach = max(reach, frame.x(s.target) + 6)
            cv.text(
                reach + 5,
                frame.centre(i),
                end,
                va="center",
                size=0.92,
                colour=TEXT_COLOUR if s.actual is not None else MUTED_COLOUR,
            )
            tip = (
                f"{s.label}: actual {number_text(s.actual, is_percent) or 'none'}, target "
                f"{number_text(s.target, is_percent) or 'none'} — {STATUS_LABELS.get(s.status, s.status)}"
                + (f", {PARTIAL_LABEL}" if s.partial else "")
            )
            cv.region_row(
                frame, i, ChartKey("site", indicator_code=indicator_code, site_code=s.site_code), tip
            )
        targets = [(frame.x(s.target), frame.centre(i)) for i, s in enumerate(sites) if s.target is not None]
        if targets:
            cv.line(
                [x for x, _ in targets],
                [y for _, y in targets],
                colour=TARGET_COLOUR,
                style="none",
                marker="D",
                z=4,
            )
        return cv.finish()


def _column(cv: Canvas, left: float, right: float, top: float, bottom: float, *, partial: bool) -> None:
    """A column of the actual colour; hatched white, as the legend's "partly reported", when partial."""
    if partial:
        _partly_reported(cv, left, right, top, bottom, ACTUAL_COLOUR)
    else:
        cv.rect(left, top, right - left, bottom - top, face=ACTUAL_COLOUR)


def _partly_reported(cv: Canvas, left: float, right: float, top: float, bottom: float, colour: str) -> None:
    """White, hatched and edged in `colour`: how every chart draws a partly reported figure."""
    cv.rect(
        left,
        top,
        right - left,
        bottom - top,
        face="#ffffff",
        edge=colour,
        hatch=PARTIAL_HATCH,
        hatch_colour=colour,
        lw_pt=1.2,
    )

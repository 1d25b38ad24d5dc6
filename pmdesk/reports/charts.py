# SPDX-License-Identifier: GPL-3.0-or-later
"""Charts as PNG images with clickable regions: drawn off-screen by matplotlib's Agg canvas, never
pyplot, so they render on any thread and the same function serves the Dashboard and the PDFs.

Inputs are plain frozen dataclasses (built by the dashboard service or a report), outputs a
`ChartImage`: the PNG, its size and the pixel rectangles of what can be clicked, each with a
`ChartKey` saying what it is (a status, a result, an indicator's period, a site). matplotlib and
Pillow are imported inside the functions, so importing this module costs nothing at start-up.

Colours follow the Okabe–Ito palette (told apart with the common colour-vision deficiencies) in
the hues of the IPTT screen's status tints; every status also has a hatch pattern and is written
out in words, so colour is never the only cue. Text is DejaVu Sans, the font bundled for the PDFs
(accents, Greek and Cyrillic), written by Pillow exactly as typed: no markup, no mathtext.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# -- what goes in --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    """One period of an indicator: its target and actual as the IPTT shows them (None: none)."""

    period: str  # the code: '2026Q1'
    label: str  # as screens write it: '2026 Q1'
    target: float | None
    actual: float | None
    partial: bool = False  # not every site expected to report has a value
    note: str = ""  # shown on hover, e.g. 'partial (1 of 11 sites)'


@dataclass(frozen=True)
class TrendSeries:
    """Target against actual over the periods of one indicator, in period order."""

    indicator_code: str
    indicator_name: str
    unit: str
    is_percent: bool
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class StatusCount:
    """How many indicators have a status; `partial` of them rest on a partly reported period."""

    status: str  # a Status value: 'on_track' …
    label: str  # 'On track'
    count: int
    partial: int = 0


@dataclass(frozen=True)
class ResultBar:
    """One result of the framework: the mean % met to date of its indicators with a figure."""

    result_code: str
    label: str  # 'O1 Schools have safe water'
    pct_met: float | None
    status: str  # the band the mean falls in (a Status value)
    rated: int  # indicators with a % met
    met: int  # of which on track or exceeding
    partial: int = 0


@dataclass(frozen=True)
class SiteBar:
    """One site's actual to date of an indicator, against the site's own target to date."""

    site_code: str
    label: str  # the site's name
    actual: float | None
    target: float | None
    status: str  # a Status value
    partial: bool = False


@dataclass(frozen=True)
class RateBar:
    """The share of reporting sites whose report for a period is in (submitted or approved)."""

    period: str
    label: str
    rate: float | None  # in %; None: no reporting site
    reported: int
    expected: int


# -- what comes out -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartKey:
    """What a region of a chart shows: `kind` is 'status', 'result', 'period' (a period of an
    indicator's trend, or of the reporting rate when `indicator_code` is None) or 'site'."""

    kind: str
    status: str | None = None
    result_code: str | None = None
    indicator_code: str | None = None
    period: str | None = None
    site_code: str | None = None


@dataclass(frozen=True)
class ChartRegion:
    """A clickable rectangle in image pixels, origin at the top left."""

    x: int
    y: int
    w: int
    h: int
    key: ChartKey
    tip: str = ""  # what hovering says: the element's figures in words

    def contains(self, px: float, py: float) -> bool:
        return self.x <= px < self.x + self.w and self.y <= py < self.y + self.h


@dataclass(frozen=True)
class ChartImage:
    png: bytes
    width_px: int
    height_px: int
    regions: tuple[ChartRegion, ...] = ()

    def region_at(self, px: float, py: float) -> ChartRegion | None:
        """The region under an image pixel (the last drawn wins where they overlap)."""
        for region in reversed(self.regions):
            if region.contains(px, py):
                return region
        return None


# -- colours, patterns, words --------------------------------------------------------------------

# Okabe–Ito hues, in the families of the IPTT screen's tints (sky blue, green, yellow-orange, red).
STATUS_COLOURS = {
    "exceeding": "#56B4E9",
    "on_track": "#009E73",
    "at_risk": "#E69F00",
    "off_track": "#D55E00",
    "no_data": "#BBBBBB",
    "no_target": "#E4E4E4",
}
STATUS_HATCHES = {
    "exceeding": "//",
    "on_track": "",
    "at_risk": "..",
    "off_track": "xx",
    "no_data": "--",
    "no_target": "",
}
STATUS_LABELS = {
    "exceeding": "Exceeding",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_data": "No data",
    "no_target": "No target",
}
ACTUAL_COLOUR = "#0072B2"  # Okabe–Ito blue
TARGET_COLOUR = "#000000"
EDGE_COLOUR = "#1a1a1a"
TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#5a5a5a"
GRID_COLOUR = "#d0d0d0"
PARTIAL_HATCH = "////"
PARTIAL_LABEL = "partly reported"
FONT_FILE = "DejaVuSans.ttf"  # resources/fonts: accents, Greek and Cyrillic, as in the PDFs
FONT_ITALIC_FILE = "DejaVuSans-Oblique.ttf"
FONT_PT = 9.0  # text size at the given dpi: pixels = points × dpi ÷ 72

# One chart drawn at a time: matplotlib's and these font caches are shared by every thread.
_RENDER_LOCK = threading.Lock()
_FONTS: dict[tuple[float, bool], Any] = {}


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
    with _RENDER_LOCK:
        cv = _Canvas(width_px, height_px, dpi)
        points = series.points
        if not points:
            return cv.empty("No reporting periods yet")
        has_partial = any(p.partial and p.actual is not None for p in points)
        has_target = any(p.target is not None for p in points)
        legend = [_Swatch("bar", ACTUAL_COLOUR, "Actual")]
        if has_partial:
            legend.append(_Swatch("partial", ACTUAL_COLOUR, "Actual, " + PARTIAL_LABEL))
        if has_target:
            legend.append(_Swatch("target", TARGET_COLOUR, "Target"))
        values = [v for p in points for v in (p.actual, p.target) if v is not None]
        frame = _columns(cv, [p.label for p in points], values, series.is_percent, legend=legend)
        y0 = frame.y(0.0)
        for i, p in enumerate(points):
            left, right = frame.bar(i)
            if p.actual is not None:
                top = frame.y(p.actual)
                if p.partial:
                    cv.rect(
                        left,
                        top,
                        right - left,
                        y0 - top,
                        face="#ffffff",
                        edge=ACTUAL_COLOUR,
                        hatch=PARTIAL_HATCH,
                        hatch_colour=ACTUAL_COLOUR,
                        lw_pt=1.2,
                    )
                else:
                    cv.rect(left, top, right - left, y0 - top, face=ACTUAL_COLOUR)
            tip = f"{p.label}: actual {_number(p.actual, series.is_percent) or 'none'}, target " + (
                _number(p.target, series.is_percent) or "none"
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
    with _RENDER_LOCK:
        cv = _Canvas(width_px, height_px, dpi)
        if not any(c.count for c in counts):
            return cv.empty("No indicators yet")
        legend = (
            [_Swatch("partial", MUTED_COLOUR, "resting on a partly reported period")]
            if any(c.partial for c in counts)
            else []
        )
        labels = [_two_lines(c.label) for c in counts]
        frame = _columns(
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
                top, bottom = frame.y(c.count), frame.y(full)
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
    """The reporting rate per period: a bar per period on a 0–100 % axis with its figure over it
    (thinned like the labels when periods are many) and a dashed line at 100 %. Regions: each
    period's column and label, keyed `ChartKey("period", period=…)`."""
    with _RENDER_LOCK:
        cv = _Canvas(width_px, height_px, dpi)
        if not rates:
            return cv.empty("No reporting periods yet")
        frame = _columns(
            cv, [r.label for r in rates], [100.0], True, headroom_lines=1.2, fixed_ticks=(0, 25, 50, 75, 100)
        )
        y0 = frame.y(0.0)
        cv.line(
            [frame.left, frame.right], [frame.y(100.0)] * 2, colour=TARGET_COLOUR, style="--", lw_pt=1.0, z=3
        )
        for i, r in enumerate(rates):
            left, right = frame.bar(i)
            if r.rate is not None:
                top = frame.y(max(r.rate, 0.0))
                cv.rect(left, top, right - left, y0 - top, face=ACTUAL_COLOUR)
                if i % frame.step == 0:
                    cv.text(
                        frame.centre(i),
                        top - 3,
                        _number(r.rate, True),
                        ha="center",
                        va="bottom",
                        size=0.9,
                    )
            tip = f"{r.label}: " + (
                f"{r.reported} of {r.expected} sites' reports in ({_number(r.rate, True)})"
                if r.rate is not None
                else "no reporting site"
            )
            cv.region_column(frame, i, ChartKey("period", period=r.period), tip)
        return cv.finish()


def result_achievement_chart(
    results: Sequence[ResultBar], width_px: int, height_px: int, dpi: float = 100.0
) -> ChartImage:
    """% met to date by result: a horizontal bar per result in the order given (framework order,
    top to bottom), coloured and hatched by the band its figure falls in, a dashed line at 100 %,
    and at the bar's end the figure and how many of its indicators are met ('87% · 2 of 3 met').
    A result without a figure says 'no figure'. Regions: each result's row across the whole
    width, its name included, keyed `ChartKey("result", result_code=…)`."""
    with _RENDER_LOCK:
        cv = _Canvas(width_px, height_px, dpi)
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
                    f"{_number(r.pct_met, True)} · {r.met} of {r.rated} met"
                    + (" · partial" if r.partial else "")
                )
                short.append(_number(r.pct_met, True) + (" partial" if r.partial else ""))
        figures = [r.pct_met for r in results if r.pct_met is not None]
        frame, ends = _rows(cv, [r.label for r in results], [100.0, *figures], True, full, short)
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
                f"{_number(r.pct_met, True)} met on average; {r.met} of {r.rated} indicators on track or better"
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
    with _RENDER_LOCK:
        cv = _Canvas(width_px, height_px, dpi)
        if not sites:
            return cv.empty("No site reports this indicator yet")
        ends: Sequence[str]
        full, short = [], []
        for s in sites:
            text = _number(s.actual, is_percent) or "no value"
            short.append(text + (" partial" if s.partial else ""))
            if s.status not in ("no_target", "no_data") and s.status in STATUS_LABELS:
                text += f" · {STATUS_LABELS[s.status]}"
            full.append(text + (" · partial" if s.partial else ""))
        legend = []
        if any(s.target is not None for s in sites):
            legend.append(_Swatch("diamond", TARGET_COLOUR, "Site target to date"))
        if any(s.partial for s in sites):
            legend.append(_Swatch("partial", MUTED_COLOUR, PARTIAL_LABEL))
        values = [v for s in sites for v in (s.actual, s.target) if v is not None]
        frame, ends = _rows(cv, [s.label for s in sites], values, is_percent, full, short, legend=legend)
        x0 = frame.x(0.0)
        for i, (s, end) in enumerate(zip(sites, ends)):
            top, bottom = frame.bar(i)
            colour = STATUS_COLOURS.get(s.status, "#999999")
            reach = x0
            if s.actual is not None:
                right = frame.x(s.actual)
                if s.partial:
                    cv.rect(
                        x0,
                        top,
                        right - x0,
                        bottom - top,
                        face="#ffffff",
                        edge=colour,
                        hatch=PARTIAL_HATCH,
                        hatch_colour=colour,
                        lw_pt=1.2,
                    )
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
                f"{s.label}: actual {_number(s.actual, is_percent) or 'none'}, target "
                f"{_number(s.target, is_percent) or 'none'} — {STATUS_LABELS.get(s.status, s.status)}"
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


# -- drawing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Swatch:
    shape: str  # 'bar', 'partial', 'target' (dashed line and diamond), 'diamond'
    colour: str
    words: str


@dataclass(frozen=True)
class _Scale:
    lo: float
    hi: float
    p_lo: float  # the pixel of `lo`
    p_hi: float

    def __call__(self, value: float) -> float:
        span = self.hi - self.lo
        return self.p_lo + ((value - self.lo) / span if span else 0.0) * (self.p_hi - self.p_lo)


@dataclass(frozen=True)
class _Frame:
    """The plot area in image pixels (origin top left) and where category `i` sits in it."""

    left: float
    top: float
    right: float
    bottom: float
    count: int
    value: _Scale  # values → pixels along the value axis
    vertical: bool  # bars stand (columns) or lie (rows)
    step: int = 1  # every how many categories a label is written
    label_bottom: float = 0.0  # columns: the bottom of their labels

    @property
    def slot(self) -> float:
        extent = (self.right - self.left) if self.vertical else (self.bottom - self.top)
        return extent / max(self.count, 1)

    def centre(self, i: int) -> float:
        start = self.left if self.vertical else self.top
        return start + (i + 0.5) * self.slot

    def bar(self, i: int) -> tuple[float, float]:
        half = min(self.slot * 0.31, 45.0 if self.vertical else 16.0)
        return self.centre(i) - half, self.centre(i) + half

    def y(self, value: float) -> float:
        return self.value(value)

    def x(self, value: float) -> float:
        return self.value(value)


@dataclass(frozen=True)
class _Words:
    x: float
    y: float
    text: str
    size: float
    ha: str
    va: str
    colour: str
    italic: bool


class _Canvas:
    """A chart drawn in image pixels, origin top left: bars, lines and patterns by matplotlib's
    primitives (its Axes' tick and legend machinery would take longer than the whole chart), and
    the words by Pillow's FreeType on the finished image, over everything else. matplotlib 3.11
    lays out and renders text glyph by glyph in Python, a millisecond or two a label: twenty
    labels were most of a chart's 60 ms; Pillow writes them in 3."""

    def __init__(self, width_px: int, height_px: int, dpi: float) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.transforms import IdentityTransform

        width_px, height_px = max(int(width_px), 40), max(int(height_px), 40)
        self.dpi = max(float(dpi), 20.0)
        self.fig = Figure(
            figsize=(width_px / self.dpi, height_px / self.dpi), dpi=self.dpi, facecolor="white"
        )
        self.canvas = FigureCanvasAgg(self.fig)
        self.width, self.height = self.canvas.get_width_height()
        self._identity = IdentityTransform()
        self.regions: list[ChartRegion] = []
        self._words: list[_Words] = []
        self._widths: dict[tuple[str, float, bool], float] = {}
        self.pad = max(4.0, 0.5 * self.em)

    @property
    def em(self) -> float:
        """FONT_PT in pixels."""
        return FONT_PT * self.dpi / 72

    @property
    def line_px(self) -> float:
        return self.em * 1.3

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        face: str,
        edge: str | None = None,
        hatch: str | None = None,
        hatch_colour: str | None = None,
        lw_pt: float = 0.8,
        z: float = 2,
    ) -> None:
        from matplotlib.patches import Rectangle

        if w < 0:
            x, w = x + w, -w
        if h < 0:
            y, h = y + h, -h
        patch = Rectangle(
            (x, self.height - y - h),
            w,
            h,
            transform=self._identity,
            facecolor=face,
            edgecolor=edge or face,
            hatch=hatch or None,
            linewidth=lw_pt,  # points: the renderer turns them into pixels at the dpi
            zorder=z,
        )
        if hatch and hatch_colour:
            _hatch_colour(patch, hatch_colour)
        self.fig.add_artist(patch)

    def text(
        self,
        x: float,
        y: float,
        words: str,
        *,
        size: float = 1.0,
        ha: str = "left",
        va: str = "baseline",
        colour: str = TEXT_COLOUR,
        italic: bool = False,
    ) -> None:
        """Write `words` at (x, y): `ha` left, center or right of x; `va` top, center, bottom or
        baseline (of the first line) at y; a '\\n' starts another line. Drawn last, over the rest."""
        self._words.append(_Words(x, y, words, size, ha, va, colour, italic))

    def font(self, size: float = 1.0, italic: bool = False) -> Any:
        """DejaVu Sans (the PDFs' font) at `size` × FONT_PT on this canvas."""
        return _font(round(self.em * size * 4) / 4, italic)

    def measure(self, words: str, size: float = 1.0, italic: bool = False) -> float:
        """The width in pixels of the widest line of `words` at `size` × FONT_PT."""
        key = (words, size, italic)
        width = self._widths.get(key)
        if width is None:
            font = self.font(size, italic)
            width = max(float(font.getlength(line)) for line in words.split("\n"))
            self._widths[key] = width
        return width

    def fit(self, words: str, width: float, size: float = 1.0) -> str:
        """`words` on one line, shortened with '…' to at most `width` pixels."""
        words = " ".join(words.split())
        full = self.measure(words, size)
        if full <= width:
            return words
        # Characters in proportion to the width, then fewer in the rare case that was too wide.
        chars = min(len(words) - 1, int(len(words) * (width - 0.6 * self.em * size) / full))
        while chars >= 1:
            short = words[:chars].rstrip() + "…"
            if self.measure(short, size) <= width:
                return short
            chars -= 1 if chars < 12 else 2
        return "…"

    def line(
        self,
        xs: Sequence[float],
        ys: Sequence[float],
        *,
        colour: str,
        style: Any = "-",  # a matplotlib line style
        lw_pt: float = 1.0,
        marker: str | None = None,
        drawstyle: Any = "default",
        z: float = 3,
    ) -> None:
        from matplotlib.lines import Line2D

        self.fig.add_artist(
            Line2D(
                list(xs),
                [self.height - y for y in ys],
                transform=self._identity,
                color=colour,
                linestyle=style,
                linewidth=lw_pt,
                marker=marker,
                markersize=4.5,
                drawstyle=drawstyle,
                zorder=z,
            )
        )

    def legend(self, swatches: Sequence[_Swatch]) -> float:
        """A row of swatches and words at the top left (wrapping if need be); its height."""
        x, y = self.pad, self.pad + self.line_px / 2
        box = self.em * 1.4
        for swatch in swatches:
            width = box + self.em * 0.4 + self.measure(swatch.words, 0.92)
            if x > self.pad and x + width > self.width - self.pad:
                x, y = self.pad, y + self.line_px
            top = y - self.em * 0.35
            if swatch.shape == "bar":
                self.rect(x, top, box, self.em * 0.7, face=swatch.colour)
            elif swatch.shape == "partial":
                self.rect(
                    x,
                    top,
                    box,
                    self.em * 0.7,
                    face="#ffffff",
                    edge=swatch.colour,
                    hatch=PARTIAL_HATCH,
                    hatch_colour=swatch.colour,
                    lw_pt=1.2,
                )
            elif swatch.shape == "target":
                self.line([x, x + box], [y, y], colour=swatch.colour, style="--", lw_pt=1.4)
                self.line([x + box / 2], [y], colour=swatch.colour, style="none", marker="D")
            else:
                self.line([x + box / 2], [y], colour=swatch.colour, style="none", marker="D")
            self.text(x + box + self.em * 0.4, y, swatch.words, va="center", size=0.92)
            x += width + self.em * 1.2
        return y + self.line_px / 2

    def region(self, x0: float, y0: float, x1: float, y1: float, key: ChartKey, tip: str) -> None:
        left, right = max(0, math.floor(min(x0, x1))), min(self.width, math.ceil(max(x0, x1)))
        top, bottom = max(0, math.floor(min(y0, y1))), min(self.height, math.ceil(max(y0, y1)))
        if right > left and bottom > top:
            self.regions.append(ChartRegion(left, top, right - left, bottom - top, key, tip))

    def region_column(self, frame: _Frame, i: int, key: ChartKey, tip: str) -> None:
        half = frame.slot / 2
        self.region(frame.centre(i) - half, frame.top, frame.centre(i) + half, frame.label_bottom, key, tip)

    def region_row(self, frame: _Frame, i: int, key: ChartKey, tip: str) -> None:
        half = frame.slot / 2
        self.region(0, frame.centre(i) - half, self.width, frame.centre(i) + half, key, tip)

    def empty(self, message: str) -> ChartImage:
        self.text(
            self.width / 2, self.height / 2, message, ha="center", va="center", colour=MUTED_COLOUR, size=1.1
        )
        return self.finish()

    def finish(self) -> ChartImage:
        from PIL import Image, ImageDraw

        self.canvas.draw()
        width, height = self.canvas.get_width_height(physical=True)
        rgba = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        image = rgba.convert("RGB")
        pen = ImageDraw.Draw(image)
        for words in self._words:
            self._write(pen, words)
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=1)
        return ChartImage(out.getvalue(), self.width, self.height, tuple(self.regions))

    def _write(self, pen: Any, words: _Words) -> None:
        font = self.font(words.size, words.italic)
        ascent, descent = font.getmetrics()
        lines = words.text.split("\n")
        step = ascent + descent
        block = step * len(lines)
        if words.va == "top":
            top = words.y
        elif words.va == "center":
            top = words.y - block / 2
        elif words.va == "bottom":
            top = words.y - block
        else:  # baseline of the first line
            top = words.y - ascent
        anchor = {"left": "la", "center": "ma", "right": "ra"}.get(words.ha, "la")
        for n, line in enumerate(lines):
            if line:
                pen.text((words.x, top + n * step), line, font=font, fill=words.colour, anchor=anchor)


def _ticks(lo: float, hi: float, *, integer: bool = False, bins: int = 4) -> list[float]:
    from matplotlib.ticker import MaxNLocator

    if hi <= lo:
        hi = lo + 1.0
    values = [
        float(v) for v in MaxNLocator(nbins=max(1, bins), integer=integer, min_n_ticks=2).tick_values(lo, hi)
    ]
    return [v for v in values if lo - 1e-9 <= v] or [lo, hi]


def _columns(
    cv: _Canvas,
    labels: Sequence[str],
    values: Sequence[float],
    percent: bool,
    *,
    legend: Sequence[_Swatch] = (),
    integer: bool = False,
    label_lines: int = 1,
    headroom_lines: float = 0.6,
    fixed_ticks: Sequence[float] | None = None,
    every_label: bool = False,
) -> _Frame:
    """Vertical bars: legend, value grid and labels on the left, category labels underneath
    (a '\\n' in a label starts its second line). Labels that do not fit are thinned out, or with
    `every_label` written smaller (down to 70 %) and shortened instead."""
    labels = ["\n".join(" ".join(part.split()) for part in label.split("\n")) for label in labels]
    top = (cv.legend(legend) if legend else cv.pad) + cv.em * 0.8  # room for the top tick label
    label_bottom = cv.height - cv.pad
    bottom = label_bottom - label_lines * cv.line_px - 2
    lo = min(0.0, *values) if values else 0.0
    peak = max([*values, 0.0])
    # Room over the highest bar for the figure written on it.
    plot_height = max(bottom - top, 10.0)
    room = min(0.5, headroom_lines * cv.line_px / plot_height)
    hi = (peak / (1 - room)) if peak > 0 else 1.0
    ticks = list(fixed_ticks) if fixed_ticks is not None else _ticks(lo, hi, integer=integer)
    hi = max(hi, ticks[-1]) if fixed_ticks is not None else max(ticks[-1], hi)
    tick_texts = [_number(t, percent) for t in ticks]
    left = cv.pad + max(cv.measure(t) for t in tick_texts) + 6
    right = cv.width - cv.pad
    scale = _Scale(lo, hi, bottom, top)
    for t, words in zip(ticks, tick_texts):
        y = scale(t)
        if y < top - 1:
            continue
        cv.line([left, right], [y, y], colour=GRID_COLOUR, lw_pt=0.7, z=1)
        cv.text(left - 5, y, words, ha="right", va="center", colour=MUTED_COLOUR)
    cv.line([left, right], [scale(0.0)] * 2, colour=MUTED_COLOUR, lw_pt=1.0, z=3)
    frame = _Frame(left, top, right, bottom, len(labels), scale, True, label_bottom=label_bottom)
    # Thin the labels out so that none touches the next one written.
    widest = max((cv.measure(part) for label in labels for part in label.split("\n")), default=0.0)
    size = 1.0
    if every_label and widest > 0:
        size = max(0.7, min(1.0, (frame.slot - cv.em * 0.5) / widest))
        widest = 0.0
    frame = _Frame(
        left,
        top,
        right,
        bottom,
        len(labels),
        scale,
        True,
        step=max(1, math.ceil((widest + cv.em) / frame.slot)),
        label_bottom=label_bottom,
    )
    for i, label in enumerate(labels):
        if i % frame.step == 0:
            room = max(frame.slot * frame.step - 4, cv.em * 3 * size)
            lines = [cv.fit(part, room, size) for part in label.split("\n")]
            cv.text(frame.centre(i), bottom + 4, "\n".join(lines), ha="center", va="top", size=size)
    return frame


def _rows(
    cv: _Canvas,
    labels: Sequence[str],
    values: Sequence[float],
    percent: bool,
    ends: Sequence[str],
    short_ends: Sequence[str],
    *,
    legend: Sequence[_Swatch] = (),
) -> tuple[_Frame, Sequence[str]]:
    """Horizontal bars: names on the left, the value axis underneath, and room on the right for
    the words written at each bar's end: `ends`, or `short_ends` when those would leave the bars
    less than a quarter of the width (a narrow chart, or a large zoom). Returns the frame and the
    words to write."""
    top = cv.legend(legend) + cv.pad / 2 if legend else cv.pad
    bottom = cv.height - cv.pad - cv.line_px - 2
    names = min(cv.width * 0.38, max((cv.measure(" ".join(label.split())) for label in labels), default=0.0))
    left = cv.pad + names + 8
    end_room = min(cv.width * 0.4, max((cv.measure(e, 0.92) for e in ends), default=0.0) + 12)
    if cv.width - cv.pad - end_room - left < cv.width / 4:
        ends = short_ends
        end_room = min(cv.width * 0.4, max((cv.measure(e, 0.92) for e in ends), default=0.0) + 12)
    right = max(left + 20.0, cv.width - cv.pad - end_room)
    lo = min(0.0, *values) if values else 0.0
    hi = max([*values, 0.0]) or 1.0
    # As many ticks as their labels leave room for.
    tick_room = cv.measure(_number(hi, percent)) + cv.em * 2
    ticks = _ticks(lo, hi, bins=min(5, int((right - left) / max(tick_room, 1.0))))
    hi = max(hi, ticks[-1])
    scale = _Scale(lo, hi, left, right)
    tick_texts = [_number(t, percent) for t in ticks]
    written = -math.inf  # where the last tick label ended: none may touch the next
    for t, words in zip(ticks, tick_texts):
        x = scale(t)
        cv.line([x, x], [top, bottom], colour=GRID_COLOUR, lw_pt=0.7, z=1)
        half = cv.measure(words) / 2
        if x - half >= written + cv.em * 0.5:
            cv.text(x, bottom + 4, words, ha="center", va="top", colour=MUTED_COLOUR)
            written = x + half
    cv.line([scale(0.0)] * 2, [top, bottom], colour=MUTED_COLOUR, lw_pt=1.0, z=3)
    frame = _Frame(left, top, right, bottom, len(labels), scale, False)
    frame = _Frame(
        left,
        top,
        right,
        bottom,
        len(labels),
        scale,
        False,
        step=max(1, math.ceil(cv.line_px / frame.slot)) if frame.slot > 0 else len(labels),
    )
    for i, label in enumerate(labels):
        if i % frame.step == 0:
            cv.text(left - 6, frame.centre(i), cv.fit(label, names), ha="right", va="center")
    return frame, ends


def _two_lines(label: str) -> str:
    """'On track' → 'On\\ntrack': a status name under a narrow bar."""
    head, _, tail = label.partition(" ")
    return f"{head}\n{tail}" if tail else head


def _font(pixels: float, italic: bool) -> Any:
    """A FreeType font of the bundled DejaVu Sans (resources/fonts, as the PDFs embed it), kept
    for the next chart: opening one costs more than writing a label with it."""
    key = (pixels, italic)
    font = _FONTS.get(key)
    if font is None:
        from PIL import ImageFont

        from pmdesk.resources import resource_path

        name = FONT_ITALIC_FILE if italic else FONT_FILE
        font = _FONTS[key] = ImageFont.truetype(str(resource_path("fonts", name)), max(pixels, 1.0))
    return font


def _number(value: float | None, percent: bool) -> str:
    """At most two decimals, no trailing zeros, thousands separated: '1,234.5', '87%'; '' for none."""
    if value is None or math.isnan(value):
        return ""
    if math.isinf(value):
        return "∞"
    text = f"{round(value, 2):,.2f}".rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return f"{text}%" if percent else text


def _hatch_colour(patch: Any, colour: str) -> None:
    """Hatch lines in `colour` where matplotlib can (3.10 and later); else in the edge colour."""
    setter = getattr(patch, "set_hatchcolor", None)
    if setter is not None:
        setter(colour)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The drawing machinery under every chart of charts.py: a `Canvas` in image pixels (origin top
left) whose bars, lines and hatches are matplotlib primitives on an off-screen Agg figure (never
pyplot) and whose words Pillow writes on the finished PNG, exactly as typed; the plot `Frame` of
vertical (`column_frame`) or horizontal (`row_frame`) bars with their axis, grid and labels laid
out to fit; legend `Swatch`es, tick values and figures in words. matplotlib and Pillow are
imported inside the functions. `RENDER_LOCK` keeps one chart drawn at a time: matplotlib's and
the font cache are shared by every thread."""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pmdesk.reports.chart_palette import (
    FONT_FILE,
    FONT_ITALIC_FILE,
    FONT_PT,
    GRID_COLOUR,
    MUTED_COLOUR,
    PARTIAL_HATCH,
    TEXT_COLOUR,
)
from pmdesk.reports.chart_types import ChartImage, ChartKey, ChartRegion

# One chart drawn at a time: matplotlib's and these font caches are shared by every thread.
RENDER_LOCK = threading.Lock()
_FONTS: dict[tuple[float, bool], Any] = {}


@dataclass(frozen=True)
class Swatch:
    shape: str  # 'bar', 'partial', 'target' (dashed line and diamond), 'diamond', 'dots' (line and dot)
    colour: str
    words: str


@dataclass(frozen=True)
class Scale:
    lo: float
    hi: float
    p_lo: float  # the pixel of `lo`
    p_hi: float

    def __call__(self, value: float) -> float:
        span = self.hi - self.lo
        return self.p_lo + ((value - self.lo) / span if span else 0.0) * (self.p_hi - self.p_lo)


@dataclass(frozen=True)
class Frame:
    """The plot area in image pixels (origin top left) and where category `i` sits in it."""

    left: float
    top: float
    right: float
    bottom: float
    count: int
    value: Scale  # values → pixels along the value axis
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


class Canvas:
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

    def legend(self, swatches: Sequence[Swatch]) -> float:
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
            elif swatch.shape == "dots":
                self.line([x, x + box], [y, y], colour=swatch.colour, lw_pt=1.6)
                self.line([x + box / 2], [y], colour=swatch.colour, style="none", marker="o")
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

    def region_column(self, frame: Frame, i: int, key: ChartKey, tip: str) -> None:
        half = frame.slot / 2
        self.region(frame.centre(i) - half, frame.top, frame.centre(i) + half, frame.label_bottom, key, tip)

    def region_row(self, frame: Frame, i: int, key: ChartKey, tip: str) -> None:
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


def column_frame(
    cv: Canvas,
    labels: Sequence[str],
    values: Sequence[float],
    percent: bool,
    *,
    legend: Sequence[Swatch] = (),
    integer: bool = False,
    label_lines: int = 1,
    headroom_lines: float = 0.6,
    fixed_ticks: Sequence[float] | None = None,
    every_label: bool = False,
) -> Frame:
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
    tick_texts = [number_text(t, percent) for t in ticks]
    left = cv.pad + max(cv.measure(t) for t in tick_texts) + 6
    right = cv.width - cv.pad
    scale = Scale(lo, hi, bottom, top)
    for t, words in zip(ticks, tick_texts):
        y = scale(t)
        if y < top - 1:
            continue
        cv.line([left, right], [y, y], colour=GRID_COLOUR, lw_pt=0.7, z=1)
        cv.text(left - 5, y, words, ha="right", va="center", colour=MUTED_COLOUR)
    cv.line([left, right], [scale(0.0)] * 2, colour=MUTED_COLOUR, lw_pt=1.0, z=3)
    frame = Frame(left, top, right, bottom, len(labels), scale, True, label_bottom=label_bottom)
    # Thin the labels out so that none touches the next one written.
    widest = max((cv.measure(part) for label in labels for part in label.split("\n")), default=0.0)
    size = 1.0
    if every_label and widest > 0:
        size = max(0.7, min(1.0, (frame.slot - cv.em * 0.5) / widest))
        widest = 0.0
    frame = Frame(
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


def row_frame(
    cv: Canvas,
    labels: Sequence[str],
    values: Sequence[float],
    percent: bool,
    ends: Sequence[str],
    short_ends: Sequence[str],
    *,
    legend: Sequence[Swatch] = (),
) -> tuple[Frame, Sequence[str]]:
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
    tick_room = cv.measure(number_text(hi, percent)) + cv.em * 2
    ticks = _ticks(lo, hi, bins=min(5, int((right - left) / max(tick_room, 1.0))))
    hi = max(hi, ticks[-1])
    scale = Scale(lo, hi, left, right)
    tick_texts = [number_text(t, percent) for t in ticks]
    written = -math.inf  # where the last tick label ended: none may touch the next
    for t, words in zip(ticks, tick_texts):
        x = scale(t)
        cv.line([x, x], [top, bottom], colour=GRID_COLOUR, lw_pt=0.7, z=1)
        half = cv.measure(words) / 2
        if x - half >= written + cv.em * 0.5:
            cv.text(x, bottom + 4, words, ha="center", va="top", colour=MUTED_COLOUR)
            written = x + half
    cv.line([scale(0.0)] * 2, [top, bottom], colour=MUTED_COLOUR, lw_pt=1.0, z=3)
    frame = Frame(left, top, right, bottom, len(labels), scale, False)
    frame = Frame(
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


def two_lines(label: str) -> str:
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


def number_text(value: float | None, percent: bool) -> str:
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

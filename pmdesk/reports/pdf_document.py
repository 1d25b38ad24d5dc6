# SPDX-License-Identifier: GPL-3.0-or-later
"""What every PDF shares: embedded Unicode fonts, the styles, user text made safe for reportlab's
markup, tables that wrap and repeat their header, chart images, page numbers and the generation date.

reportlab is imported inside the functions: the window never loads it until a PDF is first made.
Every user string passes through `markup_text` before it reaches a Paragraph, so a name such as
`<b>`, `R&D`, `a < b` or `<img src="http://x">` prints literally and nothing is ever fetched.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pmdesk import __version__
from pmdesk.formats.files import write_atomically
from pmdesk.resources import resource_path

# (done, total, message); raises to cancel (the UI's job does, once cancelled).
Progress = Callable[[int, int, str], None]

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_ITALIC = "DejaVuSans-Oblique"
FONT_NARROW = "DejaVuSansCondensed"  # tables: more columns fit a page
FONT_NARROW_BOLD = "DejaVuSansCondensed-Bold"
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_NARROW: "DejaVuSansCondensed.ttf",
    FONT_NARROW_BOLD: "DejaVuSansCondensed-Bold.ttf",
}
_fonts_lock = threading.Lock()
_fonts_registered = False

INK = "#1a1a1a"
MUTED = "#555555"
RULE = "#9aa5b1"
HEADER_FILL = "#dde6f0"
ZEBRA_FILL = "#f5f7fa"

# A4 in points, and the margins every page keeps.
PAGE_WIDTH, PAGE_HEIGHT = 595.2756, 841.8898
MARGIN = 42.0
FOOTER_GAP = 22.0


def register_fonts() -> None:
    """Make the bundled DejaVu fonts known to reportlab (once per process, thread-safe)."""
    global _fonts_registered
    with _fonts_lock:
        if _fonts_registered:
            return
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, file in _FONT_FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
        # <b> and <i> in our own markup pick the right face.
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD
        )
        pdfmetrics.registerFontFamily(
            FONT_NARROW,
            normal=FONT_NARROW,
            bold=FONT_NARROW_BOLD,
            italic=FONT_NARROW,
            boldItalic=FONT_NARROW_BOLD,
        )
        _fonts_registered = True


# C0 controls other than tab and newlines, DEL, and lone surrogates: none can be printed, and
# some would break the PDF's text encoding.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def markup_text(value: object) -> str:
    """Any user value as Paragraph markup that prints it literally (line breaks kept)."""
    text = "" if value is None else str(value)
    text = _UNPRINTABLE.sub("", text)
    text = escape(text)  # & < >: no tag, entity or image reaches reportlab's parser
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br/>")


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of every PMDesk PDF."""

    title: Any
    subtitle: Any
    h1: Any
    h2: Any
    body: Any
    small: Any
    note: Any
    cell: Any
    cell_bold: Any
    cell_right: Any
    cell_header: Any


_styles: Styles | None = None


def styles() -> Styles:
    global _styles
    if _styles is None:
        register_fonts()
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        ink = colors.HexColor(INK)
        muted = colors.HexColor(MUTED)
        body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, textColor=ink)
        cell = ParagraphStyle("cell", fontName=FONT_NARROW, fontSize=8, leading=9.8, textColor=ink)
        _styles = Styles(
            # keepWithNext: a heading never ends a page; render_pdf keeps it with the start of what
            # follows it (_heading_keeper).
            title=ParagraphStyle(
                "title", parent=body, fontName=FONT_BOLD, fontSize=22, leading=27, keepWithNext=1
            ),
            subtitle=ParagraphStyle("subtitle", parent=body, fontSize=13, leading=17, textColor=muted),
            h1=ParagraphStyle(
                "h1",
                parent=body,
                fontName=FONT_BOLD,
                fontSize=15,
                leading=19,
                spaceBefore=6,
                spaceAfter=6,
                keepWithNext=1,
            ),
            h2=ParagraphStyle(
                "h2",
                parent=body,
                fontName=FONT_BOLD,
                fontSize=11.5,
                leading=15,
                spaceBefore=8,
                spaceAfter=4,
                keepWithNext=1,
            ),
            body=ParagraphStyle("body2", parent=body, spaceAfter=4),
            small=ParagraphStyle("small", parent=body, fontSize=8.5, leading=11),
            note=ParagraphStyle(
                "note", parent=body, fontName=FONT_ITALIC, fontSize=7.5, leading=9.5, textColor=muted
            ),
            cell=cell,
            cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=FONT_NARROW_BOLD),
            cell_right=ParagraphStyle("cell_right", parent=cell, alignment=TA_RIGHT),
            cell_header=ParagraphStyle("cell_header", parent=cell, fontName=FONT_NARROW_BOLD),
        )
    return _styles


def para(value: object, style: Any, *, markup: str = "") -> Any:
    """A Paragraph of a user value, printed literally. `markup` wraps it in our own tags, e.g. "b"."""
    from reportlab.platypus import Paragraph

    text = markup_text(value)
    if markup:
        text = f"<{markup}>{text}</{markup}>"
    return Paragraph(text, style)


# A table row cannot break across pages: text in a cell is cut to what fits a page in a narrow
# column, and marked so (the full text stays in PMDesk; paragraphs outside tables split across pages
# and are printed whole).
CELL_LIMIT = 600
SHORTENED = " … (shortened)"
# About the characters a cell of one point of width holds on one page, words wrapping with room to
# spare (8-point condensed text: ~4.6 points a character, 40 lines of a landscape page, half filled).
_CHARACTERS_PER_POINT = 4.0


def clip(value: object, limit: int = CELL_LIMIT) -> str:
    """A user value for a table cell: whole when short, else its first `limit` characters marked
    shortened."""
    text = "" if value is None else str(value)
    if len(text) <= limit:
        return text
    return text[:limit].rstrip() + SHORTENED


def cell(value: object, style: Any = None, *, limit: int = CELL_LIMIT, markup: str = "") -> Any:
    """A table cell (Paragraph) of a user value, clipped to `limit` characters (see clip)."""
    return para(clip(value, limit), style if style is not None else styles().cell, markup=markup)


def cell_limit(width: float) -> int:
    """The characters a cell `width` points wide may hold without growing taller than a page."""
    return max(40, min(CELL_LIMIT, int(_CHARACTERS_PER_POINT * (width - 6))))


def table(
    header: Sequence[object],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    *,
    right: Sequence[int] = (),
    fills: Sequence[tuple[int, int, str]] = (),
    header_rows: int = 1,
    zebra: bool = True,
) -> Any:
    """A table whose cells wrap inside their column (nothing runs over) and whose header repeats on
    every page. `header` is one row, or `header_rows` rows given as a sequence of rows; cells that are
    already flowables are kept, everything else is printed literally and clipped to what its column
    holds on one page (see cell_limit). `right` lists the columns
    aligned right (numbers); `fills` are (column, row, colour) backgrounds of body cells, row 0 being
    the first body row."""
    from reportlab.lib import colors
    from reportlab.platypus import Flowable, Table, TableStyle

    s = styles()
    lines: Sequence[Any] = [header] if header_rows == 1 else header
    header_lines = [list(line) for line in lines]

    limits = [cell_limit(w) for w in widths]

    def make_cell(value: object, column: int, style: Any) -> Any:
        if isinstance(value, Flowable):
            return value
        limit = limits[column] if column < len(limits) else CELL_LIMIT
        return para(clip(value, limit), s.cell_right if column in right and style is s.cell else style)

    data = [[make_cell(v, c, s.cell_header) for c, v in enumerate(line)] for line in header_lines]
    data += [[make_cell(v, c, s.cell) for c, v in enumerate(row)] for row in rows]
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor(HEADER_FILL)),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, colors.HexColor(RULE)),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.25, colors.HexColor("#d5dbe2")),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if zebra:
        for row in range(1, len(rows), 2):
            commands.append(
                ("BACKGROUND", (0, header_rows + row), (-1, header_rows + row), colors.HexColor(ZEBRA_FILL))
            )
    for column, row, colour in fills:
        commands.append(
            ("BACKGROUND", (column, header_rows + row), (column, header_rows + row), colors.HexColor(colour))
        )
    result = Table(data, colWidths=list(widths), repeatRows=header_rows, hAlign="LEFT")
    result.setStyle(TableStyle(commands))
    return result


def chart_image(png: bytes, width_px: int, height_px: int, width_pt: float) -> Any:
    """A rendered chart (PNG bytes) scaled to `width_pt`, keeping its proportions."""
    from reportlab.platypus import Image

    return Image(io.BytesIO(png), width=width_pt, height=width_pt * height_px / max(width_px, 1))


def to_landscape() -> list[Any]:
    """Flowables that start the next page in landscape (wide tables such as the IPTT)."""
    from reportlab.platypus import NextPageTemplate, PageBreak

    return [NextPageTemplate("landscape"), PageBreak()]


def to_portrait() -> list[Any]:
    from reportlab.platypus import NextPageTemplate, PageBreak

    return [NextPageTemplate("portrait"), PageBreak()]


def frame_width(landscape: bool = False) -> float:
    """The width a flowable may take on a page."""
    return (PAGE_HEIGHT if landscape else PAGE_WIDTH) - 2 * MARGIN


def generated_at(moment: datetime | None = None) -> str:
    """The generation stamp printed on every page: local time, unambiguous day and month."""
    local = (moment or datetime.now().astimezone()).astimezone()
    return f"{local.day} {local:%B %Y, %H:%M}"


def build_pdf(
    path: Path,
    story: list[Any],
    *,
    title: str,
    footer: str,
    subject: str = "",
    landscape: bool = False,
    generated: datetime | None = None,
) -> int:
    """Lay out `story` and write the PDF to `path` atomically (a failed run leaves any earlier file
    as it was). Every page carries `footer` (e.g. the programme), the generation date and "Page n
    of N". The first page is portrait unless `landscape`. Returns the number of pages."""
    data, pages = render_pdf(
        story, title=title, footer=footer, subject=subject, landscape=landscape, generated=generated
    )
    write_atomically(path, data)
    return pages


def render_pdf(
    story: list[Any],
    *,
    title: str,
    footer: str,
    subject: str = "",
    landscape: bool = False,
    generated: datetime | None = None,
) -> tuple[bytes, int]:
    """The PDF as bytes, and its page count (see build_pdf)."""
    register_fonts()
    from reportlab import rl_config

    # Images (charts) stored as compressed binary, not ASCII85 text: reportlab's pure-Python
    # ASCII85 encoder took 1.4 s of a 19-page report with 17 charts.
    rl_config.useA85 = 0
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    stamp = f"Generated {generated_at(generated)} with PMDesk {__version__}"
    portrait_size, landscape_size = A4, turned(A4)

    def frame(size: tuple[float, float], name: str) -> Frame:
        return Frame(
            MARGIN,
            MARGIN + FOOTER_GAP,
            size[0] - 2 * MARGIN,
            size[1] - 2 * MARGIN - FOOTER_GAP,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    def set_size(size: tuple[float, float]) -> Callable[[Any, Any], None]:
        def on_page(canvas: Any, _doc: Any) -> None:
            canvas.setPageSize(size)

        return on_page

    templates = [
        PageTemplate("portrait", [frame(portrait_size, "p")], onPage=set_size(portrait_size)),
        PageTemplate("landscape", [frame(landscape_size, "l")], onPage=set_size(landscape_size)),
    ]
    if landscape:
        templates.reverse()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=landscape_size if landscape else portrait_size,
        pageTemplates=templates,
        title=title,
        author="PMDesk",
        subject=subject,
        creator=f"PMDesk {__version__}",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )
    doc.keepTogetherClass = _heading_keeper()
    counter: list[int] = [0]
    doc.build(story, canvasmaker=_numbered_canvas(footer, stamp, counter))
    return buffer.getvalue(), counter[0]


@cache
def _heading_keeper() -> Any:
    """What keeps a heading (a flowable whose style says keepWithNext) with what follows it.

    reportlab's own KeepTogether moves the heading and *all* that follows to the next page when the
    whole does not fit: a heading over a three-page table would leave most of a page blank. This
    moves them only when not even the start of what follows fits under the heading (a table's
    header and first row, a paragraph's first lines, a whole chart or block kept together)."""
    from reportlab.platypus import FrameBreak, KeepTogether
    from reportlab.platypus.doctemplate import NullActionFlowable
    from reportlab.platypus.flowables import _listWrapOn

    class HeadingWithStart(KeepTogether):  # type: ignore[misc]
        def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
            # Too tall, always: the frame then asks split() where to start (no measuring here).
            return avail_width, 0xFFFFFF

        def split(self, avail_width: float, avail_height: float) -> list[Any]:
            # Led by an action, the parts go back to the story one by one, each split as usual
            # (a heading longer than a page too); their keepWithNext is off by now.
            *heads, follow = self._content
            if follow.getKeepWithNext():
                # A heading last: a page break, a template change or the end comes next. Off, or
                # back in the story it would be grouped again, and again.
                follow.__dict__["keepWithNext"] = 0
            frame = getattr(self, "_frame", None)
            if not heads or frame is None or getattr(frame, "_atTop", True):
                return [NullActionFlowable(), *self._content]  # a next page would be no better
            room = avail_height - _listWrapOn(heads, avail_width, self.canv)[1]
            room -= heads[0].getSpaceBefore() + max(heads[-1].getSpaceAfter(), follow.getSpaceBefore())
            if room <= 0 or not _starts_within(follow, avail_width, room, self.canv):
                return [FrameBreak(), *self._content]
            return [NullActionFlowable(), *self._content]

    def _starts_within(follow: Any, width: float, room: float, canvas: Any) -> bool:
        if isinstance(follow, KeepTogether):  # whole or not at all
            return bool(_listWrapOn(follow._content, width, canvas)[1] <= room)
        _, height = follow.wrapOn(canvas, width, room)
        return bool(height <= room or follow.splitOn(canvas, width, room))

    return HeadingWithStart


def _numbered_canvas(footer: str, stamp: str, counter: list[int]) -> Any:
    """A canvas class that holds each page back until the last one is known, to print "Page n of N"."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Not Helvetica: every font of the file is embedded, none left to the reader's machine.
            kwargs["initialFontName"] = FONT
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            counter[0] = total
            for state in self._pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            width = self._pagesize[0]
            y = MARGIN - 2
            self.saveState()
            self.setStrokeColor(colors.HexColor(RULE))
            self.setLineWidth(0.5)
            self.line(MARGIN, y + 11, width - MARGIN, y + 11)
            self.setFillColor(colors.HexColor(MUTED))
            self.setFont(FONT, 7.5)
            page = f"Page {self._pageNumber} of {total}"
            room = width - 2 * MARGIN - self.stringWidth(page, FONT, 7.5) - 12
            self.drawString(MARGIN, y, _fit(f"{footer} · {stamp}", room, self))
            self.drawRightString(width - MARGIN, y, page)
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, room: float, canvas: Any) -> str:
    """`text` shortened with an ellipsis to `room` points, so a long name never runs into the page number."""
    size = 7.5
    if canvas.stringWidth(text, FONT, size) <= room:
        return text
    # No character is narrower than a point at this size: the rest could never fit. Then the longest
    # start that fits, by halving (a character at a time measured a 20,000-character name 20,000
    # times on every page: minutes for one PDF).
    text = text[: int(room) + 1]
    low, high = 0, len(text)  # text[:low] + "…" fits; text[:high + 1] + "…" does not, or high is all
    while low < high:
        middle = (low + high + 1) // 2
        if canvas.stringWidth(text[:middle] + "…", FONT, size) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low] + "…"

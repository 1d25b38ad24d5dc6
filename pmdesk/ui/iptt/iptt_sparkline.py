# SPDX-License-Identifier: GPL-3.0-or-later
"""A small trend per IPTT indicator: the actual of each period as a line with dots, the target as
a faint dashed step, a partly reported period as a hollow dot. Drawn with QPainter from the figures
the table already has (no chart library on the UI thread); the tooltip gives the numbers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from pmdesk.domain.enums import Measure
from pmdesk.domain.status_look import STATUS_STRONG
from pmdesk.ui.formatting import format_number

if TYPE_CHECKING:
    from PySide6.QtCore import QLocale

    from pmdesk.domain.enums import Status
    from pmdesk.domain.iptt_table import IpttRow, IpttTable

TREND_ROLE = Qt.ItemDataRole.UserRole + 2  # the Trend of an indicator row's trend cell
TARGET_COLOUR = "#7a7a7a"


@dataclass(frozen=True)
class Trend:
    """What a sparkline draws: per period, its actual and target (None: none), and whether it is
    partly reported; `status` colours the line (the status to date, also written beside it)."""

    actuals: tuple[float | None, ...]
    targets: tuple[float | None, ...]
    partial: tuple[bool, ...]
    status: Status

    @property
    def is_empty(self) -> bool:
        return all(a is None for a in self.actuals) and all(t is None for t in self.targets)

    def span(self) -> tuple[float, float]:
        """The lowest and highest value drawn (a flat line gets some room around it)."""
        values = [v for v in (*self.actuals, *self.targets) if v is not None]
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        low = min(low, 0.0) if low >= 0 and high > 0 and low < high * 0.25 else low
        if high - low < 1e-9:
            low, high = low - 1.0, high + 1.0
        return low, high


def trend_of(row: IpttRow) -> Trend | None:
    """The trend of an indicator row; None for a qualitative indicator (stories, not figures)."""
    if row.measure is Measure.QUALITATIVE:
        return None
    periods = row.figures.periods
    return Trend(
        tuple(p.actual for p in periods),
        tuple(p.target for p in periods),
        tuple(p.is_partial for p in periods),
        row.figures.to_date.status,
    )


def trend_tooltip(row: IpttRow, table: IpttTable, locale: QLocale | None = None) -> str:
    """The numbers behind the sparkline, one period a line."""
    if row.measure is Measure.QUALITATIVE:
        return "Qualitative indicator: reported as text, so it has no trend."
    is_pct = row.measure is Measure.PERCENT
    labels = {p.code: p.label() for p in table.periods}
    lines = [f"{row.code}: actual and target by period"]
    for p in row.figures.periods:
        actual = format_number(p.actual, percent=is_pct, locale=locale) or "no value"
        target = format_number(p.target, percent=is_pct, locale=locale) or "no target"
        line = f"{labels.get(p.period, p.period)}: actual {actual}, target {target}"
        met = format_number(p.pct_met, percent=True, locale=locale)
        if met:
            line += f" ({met} met)"
        if p.is_partial:
            line += f" — partial, {p.sites_reported} of {p.sites_expected} sites"
        lines.append(line)
    if len(lines) == 1:
        lines.append("No period up to the as-of.")
    lines.append("Line: actual; dashed step: target; hollow dot: a partly reported period.")
    return "\n".join(lines)


class SparklineDelegate(QStyledItemDelegate):
    """Paints the Trend in TREND_ROLE; cells without one are painted as usual."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        trend = index.data(TREND_ROLE)
        if not isinstance(trend, Trend):
            super().paint(painter, option, index)
            return
        # The cell's background and selection, as the style draws them, without text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        ink = opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            draw_trend(painter, QRectF(opt.rect), trend, ink, selected)
        finally:
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        base = super().sizeHint(option, index)
        width = option.fontMetrics.averageCharWidth() * 10
        return QSize(max(base.width(), width), base.height())


def draw_trend(painter: QPainter, cell: QRectF, trend: Trend, ink: QColor, selected: bool = False) -> None:
    """The sparkline in `cell`: sized from the cell (so it follows the zoom), margins of a few pixels.
    A few batched calls per cell (lines, points): a hundred rows paint in a few milliseconds."""
    count = len(trend.actuals)
    if count == 0 or trend.is_empty:
        return
    pad_x = max(3.0, cell.width() * 0.06)
    pad_y = max(3.0, min(cell.height() * 0.2, 8.0))
    left, top = cell.left() + pad_x, cell.top() + pad_y
    width, height = cell.width() - 2 * pad_x, cell.height() - 2 * pad_y
    if width < 4 or height < 4:
        return
    low, high = trend.span()
    scale = height / (high - low)
    bottom = top + height
    step = width / (count - 1) if count > 1 else 0.0
    xs = [left + step * i for i in range(count)] if count > 1 else [left + width / 2]
    half = step / 2 if count > 1 else width / 2
    dot = max(1.6, min(height / 8, 3.2))

    # The target: a faint dashed step, each period's target held across its slot.
    target_pen = QPen(QColor(TARGET_COLOUR) if not selected else ink, max(1.0, dot / 2))
    target_pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(target_pen)
    right = left + width
    steps = [
        QLineF(max(left, x - half), y, min(right, x + half), y)
        for x, target in zip(xs, trend.targets, strict=True)
        if target is not None
        for y in (bottom - (target - low) * scale,)
    ]
    if steps:
        painter.drawLines(steps)

    # The actuals: a line through the periods with a value (a gap where one has none), in the
    # status's colour, a dot on each; a partly reported period's dot is hollow.
    colour = ink if selected else QColor(STATUS_STRONG[trend.status])
    points: list[QPointF | None] = [
        None if actual is None else QPointF(x, bottom - (actual - low) * scale)
        for x, actual in zip(xs, trend.actuals, strict=True)
    ]
    painter.setPen(QPen(colour, max(1.2, dot * 0.7)))
    segment: list[QPointF] = []
    for point in [*points, None]:
        if point is not None:
            segment.append(point)
            continue
        if len(segment) > 1:
            painter.drawPolyline(segment)
        segment = []
    full = [p for p, partial in zip(points, trend.partial, strict=True) if p is not None and not partial]
    if full:
        dots = QPen(colour, dot * 2)
        dots.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(dots)
        painter.drawPoints(full)
    hollow = [p for p, partial in zip(points, trend.partial, strict=True) if p is not None and partial]
    if hollow:
        painter.setPen(QPen(colour, max(1.2, dot * 0.7)))
        painter.setBrush(QColor("white") if not selected else Qt.BrushStyle.NoBrush)
        for center in hollow:
            painter.drawEllipse(center, dot * 1.25, dot * 1.25)

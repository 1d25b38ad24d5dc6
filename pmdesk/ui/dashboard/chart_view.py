# SPDX-License-Identifier: GPL-3.0-or-later
"""A chart drawn elsewhere (a `ChartImage`: PNG and clickable regions) shown as a pixmap: hovering a
bar tells its figures, clicking it (or Enter on it, after Tab and the arrow keys) says which."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from pmdesk.reports.chart_types import ChartImage, ChartRegion

MIN_HEIGHT_LINES = 13  # lines of the application font: room for a legend, five bars and labels


class ChartView(QWidget):
    """Shows the latest image it was given, stretched to its size until one drawn for that size
    arrives; `render_wanted` asks for one whenever its size or the application font (zoom)
    changes, `region_activated` tells which region was clicked or chosen by keyboard."""

    region_activated = Signal(object)  # ChartRegion: clicked, or Enter on it
    region_context = Signal(object)  # ChartRegion: right-clicked, or the menu key on it
    render_wanted = Signal()

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._image: ChartImage | None = None
        self._pixmap: QPixmap | None = None
        self._message = ""
        self._current = -1  # the region chosen by keyboard
        self._rows = 0  # bars lying one under another: each needs a line of text
        self.activated_at = QPoint()  # where (on the screen) a menu about the region should open
        self._cap_height()

    # -- what it shows ------------------------------------------------------------------------

    @property
    def image(self) -> ChartImage | None:
        return self._image

    def set_image(self, image: ChartImage, picture: QImage | None = None) -> None:
        """Show `image`; `picture` is its PNG already decoded (on a worker), if it was."""
        if picture is not None and not picture.isNull():
            pixmap = QPixmap.fromImage(picture)
        else:
            pixmap = QPixmap()
            pixmap.loadFromData(image.png, "PNG")
        self._image, self._pixmap, self._message = image, pixmap, ""
        if self._current >= len(image.regions):
            self._current = -1
        self.setAccessibleDescription("; ".join(r.tip for r in image.regions))
        self.update()

    def set_message(self, text: str) -> None:
        """Words instead of a chart ('No indicator chosen'); the last image is dropped."""
        self._image, self._pixmap, self._message, self._current = None, None, text, -1
        self.setAccessibleDescription(text)
        self.update()

    def wanted_size(self) -> QSize:
        """The size to draw for, in device pixels."""
        ratio = self.devicePixelRatioF()
        return QSize(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))

    def set_rows(self, rows: int) -> None:
        """A chart of `rows` horizontal bars: tall enough for a name beside each one."""
        if rows != self._rows:
            self._rows = rows
            self._cap_height()
            self.updateGeometry()

    def _cap_height(self) -> None:
        """A chart of a few columns gains nothing from more height than this (in a grid row
        made tall by a long list of results beside it, it would only stretch); a list of rows
        takes what it needs."""
        if self._rows:
            self.setMaximumHeight(16_777_215)  # QWIDGETSIZE_MAX
        else:
            self.setMaximumHeight(self.fontMetrics().lineSpacing() * (MIN_HEIGHT_LINES + 10))

    def minimumSizeHint(self) -> QSize:
        line = self.fontMetrics().lineSpacing()
        return QSize(line * 14, max(line * MIN_HEIGHT_LINES, round(line * (self._rows * 1.4 + 4))))

    def sizeHint(self) -> QSize:
        line = self.fontMetrics().lineSpacing()
        return QSize(line * 30, max(line * (MIN_HEIGHT_LINES + 3), round(line * (self._rows * 1.4 + 4))))

    # -- regions ------------------------------------------------------------------------------

    def region_at(self, pos: QPoint) -> ChartRegion | None:
        if self._image is None or self.width() <= 0 or self.height() <= 0:
            return None
        x = pos.x() * self._image.width_px / self.width()
        y = pos.y() * self._image.height_px / self.height()
        return self._image.region_at(x, y)

    def region_rect(self, region: ChartRegion) -> QRectF:
        """Where a region is on the widget (logical pixels)."""
        assert self._image is not None
        sx = self.width() / self._image.width_px
        sy = self.height() / self._image.height_px
        return QRectF(region.x * sx, region.y * sy, region.w * sx, region.h * sy)

    def activate(self, region: ChartRegion, at: QPoint | None = None) -> None:
        self.activated_at = at if at is not None else self._below(region)
        self.region_activated.emit(region)

    def _below(self, region: ChartRegion) -> QPoint:
        rect = self.region_rect(region)
        return self.mapToGlobal(rect.center().toPoint())

    # -- Qt overrides -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        del event
        painter = QPainter(self)
        if self._pixmap is not None and not self._pixmap.isNull():
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(self.rect(), self._pixmap)
            if self.hasFocus() and self._image is not None:
                pen = QPen(self.palette().color(QPalette.ColorRole.Highlight))
                pen.setWidth(2)
                if 0 <= self._current < len(self._image.regions):
                    pen.setStyle(Qt.PenStyle.DashLine)
                    painter.setPen(pen)
                    painter.drawRect(
                        self.region_rect(self._image.regions[self._current]).adjusted(1, 1, -1, -1)
                    )
                else:  # focused, no bar chosen yet: the arrow keys choose one
                    painter.setPen(pen)
                    painter.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        else:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message
            )
        painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            region = self.region_at(event.pos())
            if region is not None and region.tip:
                QToolTip.showText(event.globalPos(), region.tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        over = self.region_at(event.position().toPoint()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            region = self.region_at(event.position().toPoint())
            if region is not None and self._image is not None:
                self._current = self._image.regions.index(region)
                self.update()
                self.activate(region, event.globalPosition().toPoint())
                return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        regions = self._image.regions if self._image is not None else ()
        key = event.key()
        if regions and key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Up):
            step = 1 if key in (Qt.Key.Key_Right, Qt.Key.Key_Down) else -1
            self._current = (self._current + step) % len(regions) if self._current >= 0 else 0
            self.update()
            rect = self.region_rect(regions[self._current])
            QToolTip.showText(self.mapToGlobal(rect.center().toPoint()), regions[self._current].tip, self)
            return
        if (
            regions
            and 0 <= self._current < len(regions)
            and key
            in (
                Qt.Key.Key_Return,
                Qt.Key.Key_Enter,
                Qt.Key.Key_Space,
            )
        ):
            self.activate(regions[self._current])
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        regions = self._image.regions if self._image is not None else ()
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            region = self.region_at(event.pos())
            at = event.globalPos()
        else:  # the menu key: the bar the arrow keys chose
            region = regions[self._current] if 0 <= self._current < len(regions) else None
            at = self._below(region) if region is not None else event.globalPos()
        if region is None:
            event.ignore()
            return
        self.activated_at = at
        self.region_context.emit(region)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.render_wanted.emit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._cap_height()
            self.updateGeometry()
            self.render_wanted.emit()

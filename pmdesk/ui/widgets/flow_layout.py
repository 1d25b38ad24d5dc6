# SPDX-License-Identifier: GPL-3.0-or-later
"""A layout that lines its widgets up left to right and wraps them onto the next line when the
row is too narrow (after Qt's Flow Layout example).

A row of buttons in a QHBoxLayout makes its screen at least as wide as all the buttons together;
at View ▸ Zoom 150 % that alone pushed the window past a 1280-pixel screen. Wrapped, the row
asks only for its widest button.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QStyle, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        # heightForWidth by width, until the layout is invalidated (as QBoxLayout keeps its own):
        # a busy indicator shown beside the IPTT's pickers asked for it some 200 times (issue #11 §2).
        self._heights: dict[int, int] = {}
        if parent is None:
            self.setContentsMargins(QMargins(0, 0, 0, 0))

    def __del__(self) -> None:
        while self.takeAt(0) is not None:
            pass

    # -- QLayout ----------------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)
        self._heights.clear()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        self._heights.clear()
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def invalidate(self) -> None:
        self._heights.clear()
        super().invalidate()

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self._arrange(QRect(0, 0, width, 0), move=False)
        return height

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        # One line, as wide as all the items: what the row would like when there is room.
        margins = self.contentsMargins()
        width = sum(item.sizeHint().width() for item in self._items if not item.isEmpty())
        width += self._gap(Qt.Orientation.Horizontal) * max(0, self._visible_count() - 1)
        height = max((item.sizeHint().height() for item in self._items if not item.isEmpty()), default=0)
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:
        # The widest single item: anything narrower wraps.
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # -- arranging --------------------------------------------------------------------------

    def _visible_count(self) -> int:
        return sum(1 for item in self._items if not item.isEmpty())

    def _gap(self, orientation: Qt.Orientation) -> int:
        if self._spacing >= 0:
            return self._spacing
        parent = self.parentWidget()
        if parent is None:
            return 6
        pixel_metric = (
            QStyle.PixelMetric.PM_LayoutHorizontalSpacing
            if orientation == Qt.Orientation.Horizontal
            else QStyle.PixelMetric.PM_LayoutVerticalSpacing
        )
        gap = parent.style().pixelMetric(pixel_metric, None, parent)
        if gap >= 0:
            return gap
        return parent.style().layoutSpacing(
            QSizePolicy.ControlType.PushButton, QSizePolicy.ControlType.PushButton, orientation
        )

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Place the items (or, with move False, only measure); returns the height they take."""
        margins = self.contentsMargins()
        area = rect.marginsRemoved(margins)
        x, y, line_height = area.x(), area.y(), 0
        across, down = self._gap(Qt.Orientation.Horizontal), self._gap(Qt.Orientation.Vertical)
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y = area.x(), y + line_height + down  # wrap
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + across
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + margins.bottom()

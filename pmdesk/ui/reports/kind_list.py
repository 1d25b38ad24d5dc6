# SPDX-License-Identifier: GPL-3.0-or-later
"""The Reports screen's list of report kinds: each its label in bold over a one-line summary, as
wide as the longest label at any zoom; Enter goes on to the kind's options."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from pmdesk.ui.reports.report_kinds import ReportKind

SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1


class KindDelegate(QStyledItemDelegate):
    """A kind as two lines: its label in bold, its summary below."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        self.initStyleOption(option, index)
        label = option.text
        summary = str(index.data(SUMMARY_ROLE) or "")
        option.text = ""
        style = option.widget.style() if option.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = option.palette.ColorRole.HighlightedText if selected else option.palette.ColorRole.Text
        painter.save()
        painter.setPen(option.palette.color(role))
        rect = option.rect.adjusted(6, 3, -6, -3)
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        line = painter.fontMetrics().height()
        painter.drawText(QRect(rect.x(), rect.y(), rect.width(), line), Qt.AlignmentFlag.AlignLeft, label)
        painter.setFont(option.font)
        shown = painter.fontMetrics().elidedText(summary, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(
            QRect(rect.x(), rect.y() + line, rect.width(), painter.fontMetrics().height()),
            Qt.AlignmentFlag.AlignLeft,
            shown,
        )
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        height = option.fontMetrics.height()
        return QSize(200, 2 * height + 12)


class KindList(QListWidget):
    entered = Signal()  # Enter on a kind: go on to its options

    def __init__(self, kinds: Sequence[ReportKind], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels = [kind.label for kind in kinds]
        self.setItemDelegate(KindDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Kind of report")
        for kind in kinds:
            item = QListWidgetItem(kind.label, self)
            item.setData(SUMMARY_ROLE, kind.summary)
            item.setToolTip(kind.description)
        self._fit()

    def _fit(self) -> None:
        """As wide as the longest label in bold (the summaries are cut to fit), so the options keep
        the rest of the screen."""
        bold = QFont(self.font())
        bold.setBold(True)
        widest = max((QFontMetrics(bold).horizontalAdvance(label) for label in self._labels), default=100)
        self.setFixedWidth(widest + 2 * self.frameWidth() + 16 + self.verticalScrollBar().sizeHint().width())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # View ▸ Zoom
            self._fit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit()
            return
        super().keyPressEvent(event)

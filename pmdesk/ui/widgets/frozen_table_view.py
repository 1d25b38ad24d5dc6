# SPDX-License-Identifier: GPL-3.0-or-later
"""A QTableView whose first column (or first few) stays in place while the others scroll sideways.

After Qt's "Frozen Column" example: a second view over the same model shows only the frozen
columns and sits on top of the main view's left edge; the two share selection, row heights and
the vertical scroll position. Wide tables (an IPTT with twelve quarters has 46 columns) stay
readable because the indicator names never scroll out of sight.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QResizeEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)


def fit_to_lines(text: str, font: QFont, width: int, lines: int) -> str:
    """`text` wrapped at `width` and cut to `lines` lines, the last ending in "…" if cut."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    starts: list[int] = []
    layout.beginLayout()
    while len(starts) <= lines:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        starts.append(line.textStart())
    layout.endLayout()
    if len(starts) <= lines:
        return text
    kept = [text[a:b].rstrip() for a, b in pairwise(starts[:lines])]
    rest = text[starts[lines - 1] :].strip()
    last = QFontMetrics(font).elidedText(rest, Qt.TextElideMode.ElideRight, width)
    return "\n".join([*kept, last])


def elide_path(text: str, font: QFont, width: int, separator: str) -> str:
    """`text`, a path such as "Hills district › Mlima Juu primary school", in `width` pixels: whole
    if it fits, else only its last part ("Mlima Juu primary school"), shortened at the end if
    need be. A half-shown district beside each school read worse than none; the rows are in
    the order of the site tree, and the tooltip gives the whole path."""
    metrics = QFontMetrics(font)
    if metrics.horizontalAdvance(text) <= width:
        return text
    leaf = text.rpartition(separator)[2]
    return metrics.elidedText(leaf, Qt.TextElideMode.ElideRight, width)


class WrappedTextDelegate(QStyledItemDelegate):
    """Paints a wrapped text that is taller than its cell as the lines that fit, the last one
    ending in "…" (Qt's own drawing showed half of the next line under it); with a
    `path_separator`, a path cut to one line keeps its last part (the school, not the district)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path_separator: str | None = None

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        if opt.text:
            text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
            margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, opt.widget) + 1
            width = text_rect.width() - 2 * margin
            if opt.features & QStyleOptionViewItem.ViewItemFeature.WrapText:
                lines = max(1, text_rect.height() // QFontMetrics(opt.font).lineSpacing())
                opt.text = fit_to_lines(opt.text, opt.font, width, lines)
            elif self.path_separator:
                opt.text = elide_path(opt.text, opt.font, width, self.path_separator)
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)


def _line_height(font: QFont) -> int:
    """The height the style gives a one-line (or empty) text cell in `font`."""
    return _wrapped_height("", font, 100)


def _wrapped_height(text: str, font: QFont, width: int) -> int:
    """The height of `text` wrapped at word boundaries in `width` pixels, as QCommonStyle lays out
    an item view's text for its size hint: the lines' heights summed, rounded up."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    height = 0.0
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        height += line.height()
    layout.endLayout()
    return math.ceil(height)


class CoveredCellDelegate(QStyledItemDelegate):
    """Paints nothing: the main view's frozen columns lie under the frozen view, which paints
    them; painting them twice (a sparkline, a wrapped name) was a third of the table's paint."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        return


class FrozenColumnTableView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frozen_columns: tuple[int, ...] = ()
        self._heights_known: dict[tuple[str, str, int], int] = {}  # fit_rows: a text's height
        self._frozen = QTableView(self)
        self._frozen.setObjectName("frozenColumn")
        self._frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._frozen.verticalHeader().hide()
        self._frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._frozen.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._frozen.setWordWrap(True)
        self._names = WrappedTextDelegate(self._frozen)
        self._covered = CoveredCellDelegate(self)
        self._frozen.setItemDelegate(self._names)
        # A thin rule on the right shows where the frozen part ends.
        self._frozen.setStyleSheet(
            "QTableView#frozenColumn { border: none; border-right: 1px solid palette(mid); }"
        )
        self.viewport().stackUnder(self._frozen)
        self.set_frozen_columns((0,))
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.horizontalHeader().sectionResized.connect(self._on_section_resized)
        self.verticalHeader().sectionResized.connect(self._on_row_resized)
        self._frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(self._frozen.verticalScrollBar().setValue)
        # Mouse wheel over the frozen part must scroll the whole table.
        self._frozen.viewport().installEventFilter(self)

    @property
    def frozen_view(self) -> QTableView:
        return self._frozen

    def set_frozen_columns(self, columns: Sequence[int]) -> None:
        """Freeze these model columns, in this order, at the left (column 0 must be the first):
        a column shown beside the first stays in sight however far the table scrolls."""
        assert columns and columns[0] == 0
        for column in self._frozen_columns:
            self.setItemDelegateForColumn(column, None)  # type: ignore[arg-type]
        self._frozen_columns = tuple(columns)
        for column in self._frozen_columns:
            self.setItemDelegateForColumn(column, self._covered)
        self._sync_columns()

    def set_path_separator(self, separator: str | None) -> None:
        """The frozen texts are paths ("district › school"): cut to one line, they keep the
        last part whole and shorten the start."""
        self._names.path_separator = separator

    def frozen_width(self) -> int:
        """How wide the frozen part is, in pixels."""
        return sum(self.columnWidth(c) for c in self._frozen_columns if not self.isColumnHidden(c))

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self._frozen.setModel(model)
        self._frozen.setSelectionModel(self.selectionModel())
        if model is not None:
            model.modelReset.connect(self._sync_columns)
            model.columnsInserted.connect(self._sync_columns)
            model.columnsRemoved.connect(self._sync_columns)
        self._sync_columns()

    def setSelectionBehavior(self, behavior: QAbstractItemView.SelectionBehavior) -> None:
        super().setSelectionBehavior(behavior)
        self._frozen.setSelectionBehavior(behavior)

    def setSpan(self, row: int, column: int, row_span: int, column_span: int) -> None:
        super().setSpan(row, column, row_span, column_span)
        if column == 0:
            self._frozen.setSpan(row, 0, row_span, 1)

    def clearSpans(self) -> None:
        super().clearSpans()
        self._frozen.clearSpans()

    def fit_rows(self, padding: int = 0, max_lines: int = 0) -> None:
        """Size each row to the wrapped text of the frozen columns (indicator names can be long),
        plus `padding` pixels so that lines of text do not touch the grid; with `max_lines`, no
        row is taller than that many lines (the last one ends in "…", the tooltip has it all).

        The heights are those QTableView.resizeRowsToContents gives text cells (the style's text
        layout: lines wrapped at word boundaries in the column's width, their heights summed), from
        each cell's text and font alone: Qt asked the delegate of every frozen cell for a dozen
        roles, some 40 ms on an IPTT of 150 indicators (issue #11 §2); a text measured once is
        remembered for its font and width. With one line a row there is nothing to measure."""
        model = self._frozen.model()
        if model is None:
            return
        one_line = max_lines == 1
        # Unwrapped, one line is elided as a whole; wrapped, Qt elides the last line shown.
        self._frozen.setWordWrap(not one_line)
        metrics = self._frozen.fontMetrics()
        # A line of text and the cell's margins, as the style gives a one-line cell.
        cap = metrics.height() + 2 + metrics.lineSpacing() * (max_lines - 1) if max_lines > 0 else 0
        heights = self._text_heights(model, one_line)
        for row, height in enumerate(heights):
            if cap:
                height = min(height, cap)
            height += padding
            # Both views, explicitly: an unchanged height emits no sectionResized to sync from.
            self._frozen.setRowHeight(row, height)
            self.setRowHeight(row, height)

    def _text_heights(self, model: QAbstractItemModel, one_line: bool) -> list[int]:
        """Each row's height from the texts of its frozen columns, as the style lays them out."""
        view = self._frozen
        base = view.font()
        rows = model.rowCount()
        # As resizeRowsToContents: a grid line under the text, and never lower than the header's
        # least section or the height of its (hidden) row heading.
        grid = 1 if view.showGrid() else 0
        header = view.verticalHeader()
        least = max(header.minimumSectionSize(), header.sectionSizeHint(0) if rows else 0)
        line_height = max(least, _line_height(base) + grid)
        if one_line:
            return [line_height] * rows
        style = view.style()
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        columns = [c for c in self._frozen_columns if c < model.columnCount() and not view.isColumnHidden(c)]
        widths = {c: view.columnWidth(c) - grid - 2 * margin for c in columns}
        display, font_role = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.FontRole
        index, data = model.index, model.data
        known = self._heights_known
        heights: list[int] = []
        for row in range(rows):
            tallest = line_height
            for column in columns:
                cell = index(row, column)
                text = data(cell, display)
                if not text:
                    continue
                font = data(cell, font_role)
                # As the delegate does: what the cell's font leaves unset comes from the view's.
                font = font.resolve(base) if isinstance(font, QFont) else base
                key = (str(text), font.key(), widths[column])
                height = known.get(key)
                if height is None:
                    height = known[key] = _wrapped_height(key[0], font, key[2])
                tallest = max(tallest, height + grid)
            heights.append(tallest)
        if len(known) > 20_000:  # texts of tables long gone
            known.clear()
        return heights

    # -- keeping the two views in step -----------------------------------------------------

    def _sync_columns(self) -> None:
        model = self.model()
        if model is None:
            return
        frozen = [c for c in self._frozen_columns if c < model.columnCount()]
        for column in range(model.columnCount()):
            self._frozen.setColumnHidden(column, column not in frozen)
        # The frozen columns first, in both views: the main view's hide under the frozen one.
        for header in (self.horizontalHeader(), self._frozen.horizontalHeader()):
            for visual, column in enumerate(frozen):
                if header.visualIndex(column) != visual:
                    header.moveSection(header.visualIndex(column), visual)
        for column in frozen:
            self._frozen.setColumnWidth(column, self.columnWidth(column))
        self._update_geometry()

    def _on_section_resized(self, column: int, _old: int, new: int) -> None:
        if column in self._frozen_columns:
            self._frozen.setColumnWidth(column, new)
            self._update_geometry()

    def _on_row_resized(self, row: int, _old: int, new: int) -> None:
        self._frozen.setRowHeight(row, new)

    def _update_geometry(self) -> None:
        left = self.verticalHeader().width() if self.verticalHeader().isVisible() else 0
        self._frozen.setGeometry(
            left + self.frameWidth(),
            self.frameWidth(),
            self.frozen_width(),
            self.viewport().height() + self.horizontalHeader().height(),
        )
        self._frozen.horizontalHeader().setFixedHeight(self.horizontalHeader().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_geometry()

    def updateGeometries(self) -> None:  # the header height changes with the font
        super().updateGeometries()
        self._update_geometry()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            # The frozen view has a style sheet, and such widgets miss application font changes.
            self._frozen.setFont(self.font())
            self._frozen.horizontalHeader().setFont(self.horizontalHeader().font())

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        current = super().moveCursor(action, modifiers)
        # Moving left must not leave the current cell hidden under the frozen columns.
        frozen = self.frozen_width()
        if (
            action == QAbstractItemView.CursorAction.MoveLeft
            and current.column() not in self._frozen_columns
            and self.visualRect(current).topLeft().x() < frozen
        ):
            value = self.horizontalScrollBar().value() + self.visualRect(current).topLeft().x() - frozen
            self.horizontalScrollBar().setValue(value)
        return current

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if index.column() not in self._frozen_columns:
            super().scrollTo(index, hint)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._frozen.viewport() and event.type() == QEvent.Type.Wheel:
            self.wheelEvent(event)  # type: ignore[arg-type]
            return True
        return super().eventFilter(watched, event)

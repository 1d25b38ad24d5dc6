# SPDX-License-Identifier: GPL-3.0-or-later
"""A QTableView whose first column stays in place while the other columns scroll sideways.

After Qt's "Frozen Column" example: a second view over the same model shows only column 0
and sits on top of the main view's left edge; the two share selection, row heights and the
vertical scroll position. Wide tables (an IPTT with twelve quarters has 46 columns) stay
readable because the indicator names never scroll out of sight.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


class FrozenColumnTableView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frozen = QTableView(self)
        self._frozen.setObjectName("frozenColumn")
        self._frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._frozen.verticalHeader().hide()
        self._frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._frozen.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._frozen.setWordWrap(True)
        # A thin rule on the right shows where the frozen part ends.
        self._frozen.setStyleSheet(
            "QTableView#frozenColumn { border: none; border-right: 1px solid palette(mid); }"
        )
        self.viewport().stackUnder(self._frozen)
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

    def fit_rows(self, padding: int = 0) -> None:
        """Size each row to the wrapped text of the frozen column (indicator names can be long),
        plus `padding` pixels so that lines of text do not touch the grid."""
        model = self._frozen.model()
        if model is None:
            return
        self._frozen.resizeRowsToContents()
        for row in range(model.rowCount()):
            height = self._frozen.rowHeight(row) + padding
            # Both views, explicitly: an unchanged height emits no sectionResized to sync from.
            self._frozen.setRowHeight(row, height)
            self.setRowHeight(row, height)

    # -- keeping the two views in step -----------------------------------------------------

    def _sync_columns(self) -> None:
        model = self.model()
        if model is None:
            return
        for column in range(model.columnCount()):
            self._frozen.setColumnHidden(column, column != 0)
        self._frozen.setColumnWidth(0, self.columnWidth(0))
        self._update_geometry()

    def _on_section_resized(self, column: int, _old: int, new: int) -> None:
        if column == 0:
            self._frozen.setColumnWidth(0, new)
            self._update_geometry()

    def _on_row_resized(self, row: int, _old: int, new: int) -> None:
        self._frozen.setRowHeight(row, new)

    def _update_geometry(self) -> None:
        left = self.verticalHeader().width() if self.verticalHeader().isVisible() else 0
        self._frozen.setGeometry(
            left + self.frameWidth(),
            self.frameWidth(),
            self.columnWidth(0),
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
        # Moving left must not leave the current cell hidden under the frozen column.
        if (
            action == QAbstractItemView.CursorAction.MoveLeft
            and current.column() > 0
            and self.visualRect(current).topLeft().x() < self._frozen.columnWidth(0)
        ):
            value = (
                self.horizontalScrollBar().value()
                + self.visualRect(current).topLeft().x()
                - self._frozen.columnWidth(0)
            )
            self.horizontalScrollBar().setValue(value)
        return current

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if index.column() > 0:
            super().scrollTo(index, hint)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._frozen.viewport() and event.type() == QEvent.Type.Wheel:
            self.wheelEvent(event)  # type: ignore[arg-type]
            return True
        return super().eventFilter(watched, event)

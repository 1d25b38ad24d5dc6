# SPDX-License-Identifier: GPL-3.0-or-later
"""The targets grid as a spreadsheet: typing replaces, Enter moves down, Tab right, Delete clears."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from pmdesk.ui.targets.targets_table_model import FIRST_PERIOD_COL, HAS_HISTORY_ROLE, TargetsTableModel
from pmdesk.ui.unsaved import NOT_SAVED_FRAME
from pmdesk.ui.widgets.frozen_table_view import FrozenColumnTableView

_Index = QModelIndex | QPersistentModelIndex

# Where the cursor goes after the editor commits: (rows, columns).
DOWN = (1, 0)
RIGHT = (0, 1)
LEFT = (0, -1)

MARKER_COLOUR = "#c05a00"  # a dark orange corner, readable on white and on the grey read-only cells


class TargetCellDelegate(QStyledItemDelegate):
    """A right-aligned line editor whose Enter/Tab/Shift+Tab commit and then move the cursor
    (Qt's own Tab opens an editor on the next cell; a spreadsheet does not), and a small corner
    marker on targets that were changed before."""

    move_requested = Signal(object)  # DOWN, RIGHT or LEFT, after the editor committed

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        return editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QLineEdit) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            move = {
                Qt.Key.Key_Return: DOWN,
                Qt.Key.Key_Enter: DOWN,
                Qt.Key.Key_Tab: RIGHT,
                Qt.Key.Key_Backtab: LEFT,
            }.get(Qt.Key(event.key()))
            if move is not None:
                self.commitData.emit(watched)
                self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.NoHint)
                self.move_requested.emit(move)
                return True
        return super().eventFilter(watched, event)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        super().paint(painter, option, index)
        model = index.model()
        if isinstance(model, TargetsTableModel) and model.unsaved_at(index.row(), index.column()):
            # A frame as well as the stripes: it stays visible under the selection.
            painter.save()
            painter.setPen(QPen(QColor(NOT_SAVED_FRAME), 2, Qt.PenStyle.DashLine))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))  # type: ignore[attr-defined]
            painter.restore()
        if index.data(HAS_HISTORY_ROLE):
            rect = option.rect  # type: ignore[attr-defined]
            size = max(5, option.fontMetrics.height() // 3)  # type: ignore[attr-defined]
            corner = QPolygonF(
                [
                    QPointF(rect.right() - size, rect.top()),
                    QPointF(rect.right() + 1, rect.top()),
                    QPointF(rect.right() + 1, rect.top() + size),
                ]
            )
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(MARKER_COLOUR))
            painter.drawPolygon(corner)
            painter.restore()


class TargetsTableView(FrozenColumnTableView):
    """Keyboard of a spreadsheet over a TargetsTableModel: the cursor skips result headings,
    Enter moves down, typing on a cell that takes no target says why instead of searching."""

    paste_requested = Signal()
    copy_requested = Signal()
    clear_requested = Signal()
    refused = Signal(str)  # the user typed where no target can go: why

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cell_delegate = TargetCellDelegate(self)
        self.setItemDelegate(self.cell_delegate)
        self.cell_delegate.move_requested.connect(self._on_move_requested)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(True)
        # Actions rather than key handling, so that they also appear in the context menu with
        # their shortcuts; WidgetShortcut keeps them away from the cell editor.
        self.copy_action = self._action("&Copy", [QKeySequence.StandardKey.Copy], self.copy_requested.emit)
        self.paste_action = self._action(
            "&Paste targets", [QKeySequence.StandardKey.Paste], self.paste_requested.emit
        )
        self.clear_action = self._action(
            "C&lear targets…",
            [QKeySequence(Qt.Key.Key_Delete), QKeySequence(Qt.Key.Key_Backspace)],
            self.clear_requested.emit,
        )
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _action(
        self, text: str, keys: list[QKeySequence | QKeySequence.StandardKey], slot: Callable[[], None]
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def targets_model(self) -> TargetsTableModel | None:
        model = self.model()
        return model if isinstance(model, TargetsTableModel) else None

    # -- cursor -----------------------------------------------------------------------------

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        model = self.targets_model()
        current = self.currentIndex()
        Action = QAbstractItemView.CursorAction
        if model is not None and current.isValid() and action in (Action.MoveUp, Action.MoveDown):
            # Qt would stop on a heading, whose span also loses the column the user was in.
            step = 1 if action == Action.MoveDown else -1
            row = self._next_indicator_row(model, current.row(), step)
            return model.index(row, current.column()) if row >= 0 else current
        if model is not None and current.isValid() and action in (Action.MoveNext, Action.MovePrevious):
            # Tab past the end of a row goes on at the first period of the next indicator (and
            # Shift+Tab back to the last period of the previous one), never to names or headings.
            forward = action == Action.MoveNext
            last = model.columnCount() - 1
            if (current.column() < last) if forward else (current.column() > FIRST_PERIOD_COL):
                return model.index(current.row(), current.column() + (1 if forward else -1))
            row = self._next_indicator_row(model, current.row(), 1 if forward else -1)
            column = FIRST_PERIOD_COL if forward else model.lop_column - 1
            return model.index(row, column) if row >= 0 else current
        index = super().moveCursor(action, modifiers)
        if model is not None and index.isValid() and model.is_result_row(index.row()):
            step = -1 if action == Action.MovePageUp else 1
            row = self._next_indicator_row(model, index.row(), step)
            column = current.column() if current.isValid() else FIRST_PERIOD_COL
            return model.index(row, column) if row >= 0 else current
        return index

    @staticmethod
    def _next_indicator_row(model: TargetsTableModel, row: int, step: int) -> int:
        row += step
        while 0 <= row < model.rowCount() and model.is_result_row(row):
            row += step
        return row if 0 <= row < model.rowCount() else -1

    def _on_move_requested(self, move: tuple[int, int]) -> None:
        if not self.currentIndex().isValid():
            return
        Action = QAbstractItemView.CursorAction
        action = {DOWN: Action.MoveDown, RIGHT: Action.MoveNext, LEFT: Action.MovePrevious}[move]
        self.go_to(self.moveCursor(action, Qt.KeyboardModifier.NoModifier))

    def go_to(self, index: QModelIndex) -> None:
        """Make `index` the current and only selected cell. QAbstractItemView.setCurrentIndex
        would read the keyboard: with Shift still down after Shift+Tab it extends the selection."""
        if not index.isValid():
            return
        self.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.scrollTo(index)

    # -- keys -------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() == QAbstractItemView.State.EditingState:
            super().keyPressEvent(event)
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self._on_move_requested(DOWN)
            return
        model = self.targets_model()
        current = self.currentIndex()
        text = event.text()
        typing = (
            bool(text)
            and text.isprintable()
            and not (
                event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            )
        )
        if (
            typing
            and model is not None
            and current.isValid()
            and not model.is_editable(current.row(), current.column())
        ):
            # Qt would jump to an item starting with that letter, which looks like a lost keystroke.
            self.refused.emit(
                f"{model.cell_name(current.row(), current.column())}: "
                f"{model.read_only_reason(current.row(), current.column())}"
            )
            return
        super().keyPressEvent(event)

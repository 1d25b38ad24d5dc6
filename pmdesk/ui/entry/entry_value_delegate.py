# SPDX-License-Identifier: GPL-3.0-or-later
"""Editors of the data-entry grid: a line for numbers and comments, a few lines for texts.

Enter and Tab commit at once (not through Qt's queued commit), so the grid knows whether the
value was saved before it moves the cursor; Shift+Enter starts a new line in a text.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QLineEdit,
    QPlainTextEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from pmdesk.domain.enums import Measure
from pmdesk.ui.entry.entry_cells import COL_CELL, COL_VALUE
from pmdesk.ui.entry.entry_table_model import EntryTableModel
from pmdesk.ui.unsaved import NOT_SAVED_FRAME

_Index = QModelIndex | QPersistentModelIndex
TEXT_EDITOR_LINES = 5
ERROR_FRAME = "#b00020"


class EntryValueDelegate(QStyledItemDelegate):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last_commit_ok = True  # whether the last commit was saved (read by the view)

    def _is_text(self, index: _Index) -> bool:
        model = index.model()
        if not isinstance(model, EntryTableModel) or index.column() != COL_VALUE:
            return False
        row = model.row_at(index.row())
        return row is not None and row.measure is Measure.QUALITATIVE

    def initStyleOption(self, option: QStyleOptionViewItem, index: _Index) -> None:
        super().initStyleOption(option, index)
        if index.column() == COL_CELL:  # an option label wraps over the height its row is given
            option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        super().paint(painter, option, index)
        model = index.model()
        if not isinstance(model, EntryTableModel):
            return
        # A frame as well as the colour: it stays visible under the selection.
        if model.error_at(index.row(), index.column()):
            pen = QPen(QColor(ERROR_FRAME), 2)
        elif model.unsaved_at(index.row()) is not None and index.data(Qt.ItemDataRole.BackgroundRole):
            pen = QPen(QColor(NOT_SAVED_FRAME), 2, Qt.PenStyle.DashLine)
        else:
            return
        painter.save()
        painter.setPen(pen)
        painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
        painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        if self._is_text(index):
            editor = QPlainTextEdit(parent)
            editor.setObjectName("entryTextEditor")
            editor.setToolTip("Enter saves · Shift+Enter starts a new line · Escape cancels")
            return editor
        line = QLineEdit(parent)
        line.setObjectName("entryLineEditor")
        line.setFrame(False)
        line.setAlignment(Qt.AlignmentFlag(index.data(Qt.ItemDataRole.TextAlignmentRole) or 0))
        return line

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        text = index.data(Qt.ItemDataRole.EditRole) or ""
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(str(text))
            editor.selectAll()  # typing replaces, as in a line editor
        elif isinstance(editor, QLineEdit):
            editor.setText(str(text))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        if isinstance(editor, QPlainTextEdit):
            text = editor.toPlainText()
        elif isinstance(editor, QLineEdit):
            text = editor.text()
        else:
            return
        self.last_commit_ok = bool(model.setData(index, text, Qt.ItemDataRole.EditRole))

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: _Index) -> None:
        rect = option.rect
        if isinstance(editor, QPlainTextEdit):
            # A text needs room: several lines, and at least a comfortable width.
            lines = editor.fontMetrics().lineSpacing() * TEXT_EDITOR_LINES + 12
            rect = rect.adjusted(0, 0, max(0, editor.fontMetrics().averageCharWidth() * 48 - rect.width()), 0)
            rect.setHeight(max(rect.height(), lines))
        editor.setGeometry(rect)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(watched, QWidget) or event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        assert isinstance(event, QKeyEvent)
        key, modifiers = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if isinstance(watched, QPlainTextEdit) and modifiers & (
                Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier
            ):
                watched.insertPlainText("\n")
                return True
            self.commitData.emit(watched)
            self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.SubmitModelCache)
            return True
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            self.commitData.emit(watched)
            hint = (
                QAbstractItemDelegate.EndEditHint.EditPreviousItem
                if key == Qt.Key.Key_Backtab or modifiers & Qt.KeyboardModifier.ShiftModifier
                else QAbstractItemDelegate.EndEditHint.EditNextItem
            )
            self.closeEditor.emit(watched, hint)
            return True
        return super().eventFilter(watched, event)

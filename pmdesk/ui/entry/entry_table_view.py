# SPDX-License-Identifier: GPL-3.0-or-later
"""The data-entry grid's view: keyboard first, as in a spreadsheet.

Typing replaces the selected cell; Enter saves and moves down to the next cell that takes a
value, Tab moves right (Shift+Tab left), Escape cancels; Delete clears; Ctrl+Z / Ctrl+Y undo and
redo; Ctrl+V pastes a block, Ctrl+C copies the cell.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QResizeEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from pmdesk.ui.entry.entry_cells import (
    COL_CELL,
    COL_COMMENT,
    COL_DENOMINATOR,
    COL_INDICATOR,
    COL_NUMERATOR,
    COL_STATUS,
    COL_TARGET,
    COL_VALUE,
    COL_WARNINGS,
    ENTRY_COLUMNS,
)
from pmdesk.ui.entry.entry_rows import RowKind
from pmdesk.ui.entry.entry_table_model import EntryTableModel
from pmdesk.ui.entry.entry_value_delegate import EntryValueDelegate
from pmdesk.ui.widgets.frozen_table_view import FrozenColumnTableView

# Column widths in average characters; the Comment column takes what is left.
COLUMN_CHARS = {
    COL_INDICATOR: 24,
    COL_CELL: 12,  # widened to the longest option label
    COL_VALUE: 10,
    COL_NUMERATOR: 11,
    COL_DENOMINATOR: 13,
    COL_TARGET: 8,
    COL_STATUS: 14,
    COL_WARNINGS: 16,
}
# On a small screen these give way first, down to these widths, before the grid scrolls sideways.
NARROWEST_CHARS = {COL_INDICATOR: 15, COL_WARNINGS: 10, COL_CELL: 16}
COMMENT_CHARS = 10
CONTEXT_ROWS = 2  # rows kept in view below the current one
MAX_LABEL_LINES = 2  # an option label or an indicator name wraps over at most this many lines
HEIGHTS_DELAY_MS = 30  # row heights are fitted again once a run of resizes has paused
CursorMemo = tuple[tuple[int, int] | None, int, int]  # (cell key, row, column)

_OWN_KEYS = (
    QKeySequence.StandardKey.Undo,
    QKeySequence.StandardKey.Redo,
    QKeySequence.StandardKey.Paste,
    QKeySequence.StandardKey.Copy,
    QKeySequence.StandardKey.Delete,
)


class EntryTableView(FrozenColumnTableView):
    paste_requested = Signal(str)  # the clipboard's text, to paste at the current cell
    clear_requested = Signal()  # Delete on the current cell
    read_only_typed = Signal()  # a character typed on a cell that takes no input

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(True)
        self.delegate = EntryValueDelegate(self)
        self.setItemDelegate(self.delegate)
        self.undo_stack: QUndoStack | None = None
        self._tab_start: tuple[int, int] | None = None  # (row, column) where a run of Tabs began
        self._widths_set = False
        self._fitting = False  # our own column resizing, not the user's
        self._user_widths = False  # the user resized a column: keep their widths
        self.horizontalHeader().sectionResized.connect(self._on_column_resized)
        # Row heights are fitted once per load, and again (once) after resizes and zooms: every
        # fit measures the grid's labels, so the many resizes of a first show must not each do it.
        self._heights_key: tuple[object, ...] | None = None  # what the last fit was made for
        self._heights_timer = QTimer(self, singleShot=True, interval=HEIGHTS_DELAY_MS)
        self._heights_timer.timeout.connect(self._fit_row_heights_if_changed)

    # -- layout -----------------------------------------------------------------------------

    def lay_out(self) -> None:
        """After new rows: result titles across the row, indicator names over their cells,
        numerator and denominator only when there are percent indicators."""
        model = self.entry_model()
        if model is None:
            return
        self.clearSpans()
        last = model.columnCount() - 1
        for row in model.result_rows():
            self.setSpan(row, COL_CELL, 1, last)
        for first, count in model.indicator_spans():
            self.setSpan(first, COL_INDICATOR, count, 1)  # a long name wraps over its cells
        has_percent = model.has_percent()
        self._fitting = True
        try:
            self.setColumnHidden(COL_NUMERATOR, not has_percent)
            self.setColumnHidden(COL_DENOMINATOR, not has_percent)
        finally:
            self._fitting = False
        if not self._widths_set or not self._user_widths:
            self.fit_widths()
        else:
            self._fit_cell_column()
        self.fit_row_heights()  # new rows: now, once

    def fit_widths(self) -> None:
        """Widths for the current font and width (again after View ▸ Zoom): every column in
        sight on a 1024-pixel screen if it can be done, the Indicator column giving way first."""
        chars = self.fontMetrics().averageCharWidth()
        widths = {column: chars * n + 12 for column, n in COLUMN_CHARS.items()}
        widths[COL_CELL] = self._cell_width(widths[COL_CELL])
        comment = chars * COMMENT_CHARS + 12
        shown = [c for c in widths if not self.isColumnHidden(c)]
        excess = sum(widths[c] for c in shown) + comment - self.viewport().width()
        for column, narrowest in NARROWEST_CHARS.items():
            if excess > 0:
                give = max(min(excess, widths[column] - (chars * narrowest + 12)), 0)
                widths[column] -= give
                excess -= give
        if excess < 0:  # room to spare: longer indicator names before a wider Comment column
            widths[COL_INDICATOR] += min(-excess // 2, chars * 14)
        self._fitting = True
        try:
            for column, width in widths.items():
                self.setColumnWidth(column, width)
            # The stretched last column never gets narrower than the width last set on it.
            self.setColumnWidth(COL_COMMENT, comment)
        finally:
            self._fitting = False
        self._widths_set = True
        self.horizontalScrollBar().setValue(0)
        self._heights_timer.start()  # once the resizing pauses, and only if the widths changed

    def fit_row_heights(self) -> None:
        """Rows tall enough for their labels to wrap, not be cut ("Female · 18 a…", issue #7 §2):
        an option label over up to MAX_LABEL_LINES lines, an indicator's name over its rows, the
        last of them taller when they are too few. Measured from the text and the font alone, so
        a grid of 800 rows still lays out at once; only a text wider than its column is wrapped
        to be measured, and each different text once."""
        self._heights_timer.stop()
        model = self.entry_model()
        if model is None:
            self._heights_key = None
            return
        base = self.verticalHeader().defaultSectionSize()
        cell_width = self.columnWidth(COL_CELL)
        name_width = self.columnWidth(COL_INDICATOR)
        self._heights_key = (
            id(model.grid),
            model.rowCount(),
            base,
            self.font().key(),
            cell_width,
            name_width,
        )
        font = QFont(self.font())
        font.setBold(True)  # names and totals may be bold: a bold measure fits both
        metrics = QFontMetrics(font)
        line = metrics.lineSpacing()
        margin = metrics.averageCharWidth() + 8  # the cell's margins and grid line
        measured: dict[tuple[str, int], int] = {}

        def lines(text: object, width: int) -> int:
            if not text:
                return 1
            key = (str(text), width)
            found = measured.get(key)
            if found is None:
                room = max(width - margin, 1)
                if metrics.horizontalAdvance(key[0]) <= room:
                    found = 1  # fits on one line: nothing to wrap
                else:
                    flags = int(Qt.TextFlag.TextWordWrap)
                    rect = metrics.boundingRect(0, 0, room, 1_000_000, flags, key[0])
                    found = max(1, min(MAX_LABEL_LINES, -(-rect.height() // line)))
                measured[key] = found
            return found

        display = Qt.ItemDataRole.DisplayRole
        heights: list[int] = []
        for row in range(model.rowCount()):
            entry = model.row_at(row)
            if entry is None or entry.kind is not RowKind.CELL:
                heights.append(base)
                continue
            heights.append(
                base + (lines(model.data(model.index(row, COL_CELL), display), cell_width) - 1) * line
            )
        for row in range(model.rowCount()):
            entry = model.row_at(row)
            if entry is None or entry.kind is not RowKind.CELL or not entry.is_first:
                continue
            last = min(row + max(entry.span, 1), len(heights)) - 1
            name = model.data(model.index(row, COL_INDICATOR), display)
            needed = base + (lines(name, name_width) - 1) * line
            have = sum(heights[row : last + 1])
            if needed > have:
                heights[last] += needed - have
        for row, height in enumerate(heights):
            if self.rowHeight(row) != height:
                self.setRowHeight(row, height)

    def _fit_row_heights_if_changed(self) -> None:
        model = self.entry_model()
        key = (
            id(model.grid) if model is not None else None,
            model.rowCount() if model is not None else 0,
            self.verticalHeader().defaultSectionSize(),
            self.font().key(),
            self.columnWidth(COL_CELL),
            self.columnWidth(COL_INDICATOR),
        )
        if key != self._heights_key:
            self.fit_row_heights()

    def reset_widths(self) -> None:
        """Forget the user's column widths (after View ▸ Zoom, say) and fit again."""
        self._user_widths = False
        self.fit_widths()

    def _on_column_resized(self, column: int, _old: int, _new: int) -> None:
        if not self._fitting and column != COL_COMMENT:  # the last column stretches by itself
            self._user_widths = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._widths_set and not self._user_widths:
            self.fit_widths()

    def _fit_cell_column(self) -> None:
        """Widen the Cell column for long option labels ('Female · 18 and over'), never narrow it."""
        wanted = self._cell_width(self.columnWidth(COL_CELL))
        if wanted > self.columnWidth(COL_CELL):
            self._fitting = True
            try:
                self.setColumnWidth(COL_CELL, wanted)
            finally:
                self._fitting = False

    def _cell_width(self, least: int) -> int:
        model = self.entry_model()
        grid = model.grid if model is not None else None
        if grid is None:
            return least
        longest = max((len(c.label) for i in grid.indicators for c in (*i.combos, *i.stray)), default=0)
        chars = self.fontMetrics().averageCharWidth()
        return max(least, chars * min(longest + 2, 32) + 12)

    # -- the cursor across reloads ----------------------------------------------------------

    def cursor_memo(self) -> CursorMemo:
        model = self.entry_model()
        current = self.currentIndex()
        entry = model.row_at(current.row()) if model is not None and current.isValid() else None
        key = entry.key if entry is not None and entry.kind is RowKind.CELL else None
        return key, current.row(), current.column()

    def restore_cursor(self, memo: CursorMemo | None) -> None:
        """The same cell (indicator and options) as before the reload, else the same row, else
        the first cell taking input."""
        model = self.entry_model()
        if model is None:
            return
        if memo is not None:
            key, row, column = memo
            found = model.row_of(key) if key is not None else -1
            if found >= 0:
                self.move_to(found, column)
                return
            if row >= 0 and model.row_at(row) is not None:
                self.move_to(row, column)
                return
        first = self.next_editable(0, -1)
        if first is not None:
            self.move_to(*first)

    def select_first_input(self, row: int) -> None:
        """The first cell taking input among the rows of the indicator starting at `row`."""
        model = self.entry_model()
        if model is None:
            return
        entry = model.row_at(row)
        span = entry.span if entry is not None else 1
        for r in range(row, row + span):
            for column in (*ENTRY_COLUMNS, COL_COMMENT):
                if model.is_editable(r, column):
                    self.move_to(r, column)
                    return
        self.move_to(row, COL_VALUE)

    def entry_model(self) -> EntryTableModel | None:
        model = self.model()
        return model if isinstance(model, EntryTableModel) else None

    # -- moving -----------------------------------------------------------------------------

    def move_to(self, row: int, column: int) -> None:
        model = self.model()
        if model is None or not (0 <= row < model.rowCount() and 0 <= column < model.columnCount()):
            return
        index = model.index(row, column)
        self.setCurrentIndex(index)
        self.scrollTo(index)

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        super().scrollTo(index, hint)
        if index.isValid() and index.column() > 0 and hint == QAbstractItemView.ScrollHint.EnsureVisible:
            self._keep_context_below(index.row())

    def _keep_context_below(self, row: int) -> None:
        """Scroll so that CONTEXT_ROWS rows show below the current one (issue #7 §2): a cursor on
        the bottom edge hides the next indicator, and with it what Enter will do."""
        model = self.model()
        if model is None:
            return
        last = min(row + CONTEXT_ROWS, model.rowCount() - 1)
        if last <= row:
            return
        bottom = self.rowViewportPosition(last) + self.rowHeight(last)
        overflow = bottom - self.viewport().height()
        if overflow > 0:
            # Never so far that the current row's top leaves the view (very tall wrapped rows).
            room = max(self.rowViewportPosition(row), 0)
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + min(overflow, room))

    def first_empty_input(self) -> tuple[int, int] | None:
        """The first cell taking input that has no value yet (else the first taking input)."""
        model = self.entry_model()
        if model is None:
            return None
        found = self.next_editable(0, -1)
        first = found
        while found is not None:
            entry = model.row_at(found[0])
            if entry is not None and entry.value is None and found[1] in ENTRY_COLUMNS:
                return found
            found = self.next_editable(*found)
        return first

    def next_editable(self, row: int, column: int, forward: bool = True) -> tuple[int, int] | None:
        """The next cell in reading order (or the previous one) that takes input."""
        model = self.entry_model()
        if model is None:
            return None
        columns = model.columnCount()
        position = row * columns + column
        last = model.rowCount() * columns
        step = 1 if forward else -1
        position += step
        while 0 <= position < last:
            r, c = divmod(position, columns)
            if not self.isColumnHidden(c) and model.is_editable(r, c):
                return r, c
            position += step
        return None

    def cell_below(self, row: int, column: int) -> tuple[int, int] | None:
        """The next cell down that takes input in `column`; from a value column, the value
        column of the next indicator of another measure will do (Value ↔ Numerator)."""
        model = self.entry_model()
        if model is None:
            return None
        for r in range(row + 1, model.rowCount()):
            if model.is_editable(r, column):
                return r, column
            if column in ENTRY_COLUMNS:
                for c in ENTRY_COLUMNS:
                    if model.is_editable(r, c):
                        return r, c
        return None

    def enter_pressed(self) -> None:
        """After Enter: the missing half of a ratio if one is waiting, else the cell below
        (below where a run of Tabs began, as in a spreadsheet)."""
        model = self.entry_model()
        current = self.currentIndex()
        if model is None or not current.isValid():
            return
        row, column = current.row(), current.column()
        pending = model.pending_of(row)
        if pending:
            missing = COL_DENOMINATOR if COL_DENOMINATOR not in pending else COL_NUMERATOR
            if model.is_editable(row, missing):
                self.move_to(row, missing)
                return
        if self._tab_start is not None and self._tab_start[0] == row:
            column = self._tab_start[1]
        self._tab_start = None
        target = self.cell_below(row, column)
        if target is not None:
            self.move_to(*target)

    def moveCursor(
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        current = self.currentIndex()
        if action in (QAbstractItemView.CursorAction.MoveNext, QAbstractItemView.CursorAction.MovePrevious):
            if not current.isValid():
                return current
            if self._tab_start is None or self._tab_start[0] != current.row():
                self._tab_start = (current.row(), current.column())
            found = self.next_editable(
                current.row(), current.column(), action == QAbstractItemView.CursorAction.MoveNext
            )
            model = self.model()
            return model.index(*found) if found is not None and model is not None else current
        self._tab_start = None
        return super().moveCursor(action, modifiers)

    # -- editing ----------------------------------------------------------------------------

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        saved = self.delegate.last_commit_ok
        self.delegate.last_commit_ok = True
        # Qt would open an editor on the next cell; we only move there (typing starts editing).
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        current = self.currentIndex()
        if not saved or not current.isValid():
            return  # stay on a refused cell, so that it can be corrected
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self.enter_pressed()
        elif hint in (
            QAbstractItemDelegate.EndEditHint.EditNextItem,
            QAbstractItemDelegate.EndEditHint.EditPreviousItem,
        ):
            forward = hint == QAbstractItemDelegate.EndEditHint.EditNextItem
            if self._tab_start is None or self._tab_start[0] != current.row():
                self._tab_start = (current.row(), current.column())
            found = self.next_editable(current.row(), current.column(), forward)
            if found is not None:
                self.move_to(*found)

    def commit_open_editor(self) -> None:
        """Save what is being typed (before the grid is reloaded, say): never lose an entry."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.indexWidget(self.currentIndex())
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def open_editor(self, *, empty: bool = False) -> bool:
        """Edit the current cell (F2), optionally starting from an empty editor (Backspace)."""
        current = self.currentIndex()
        if not current.isValid() or not (current.flags() & Qt.ItemFlag.ItemIsEditable):
            return False
        self.edit(current)
        editor = self.indexWidget(current)
        if empty and isinstance(editor, QLineEdit | QPlainTextEdit):
            editor.clear()
        return editor is not None

    # -- keys -------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        # The grid's own Ctrl+Z, Ctrl+V, Delete … win over window shortcuts with the same keys,
        # as a line edit's do; the shell's Edit menu acts on the same undo stack anyway.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and self.state() != QAbstractItemView.State.EditingState
            and isinstance(event, QKeyEvent)
            and (any(event.matches(k) for k in _OWN_KEYS) or _is_ctrl_y(event))
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.state() == QAbstractItemView.State.EditingState:
            super().keyPressEvent(event)
            return
        key = event.key()
        if event.matches(QKeySequence.StandardKey.Undo):
            if self.undo_stack is not None:
                self.undo_stack.undo()
        elif event.matches(QKeySequence.StandardKey.Redo) or _is_ctrl_y(event):
            if self.undo_stack is not None:
                self.undo_stack.redo()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste_requested.emit(QGuiApplication.clipboard().text())
        elif event.matches(QKeySequence.StandardKey.Copy):
            current = self.currentIndex()
            if current.isValid():
                QGuiApplication.clipboard().setText(str(current.data(Qt.ItemDataRole.EditRole) or ""))
        elif key in (Qt.Key.Key_Delete,) or event.matches(QKeySequence.StandardKey.Delete):
            self.clear_requested.emit()
        elif key == Qt.Key.Key_Backspace and not event.modifiers():
            self.open_editor(empty=True)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.enter_pressed()
        elif self._is_typing(event) and not (self.currentIndex().flags() & Qt.ItemFlag.ItemIsEditable):
            # Say why nothing happens (rather than Qt's jump to a row starting with that letter).
            self.read_only_typed.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    @staticmethod
    def _is_typing(event: QKeyEvent) -> bool:
        text = event.text()
        command = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        return bool(text) and text.isprintable() and not (event.modifiers() & command)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._tab_start = None
        super().mousePressEvent(event)


def _is_ctrl_y(event: QKeyEvent) -> bool:
    return event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier

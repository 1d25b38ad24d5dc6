# SPDX-License-Identifier: GPL-3.0-or-later
"""Folds a screen's legend and hints away when its table would otherwise show too few rows.

At 1024 × 600 and View ▸ Zoom 150 % the IPTT once showed a sliver of one row under its title,
pickers, legend and hints (issue #7 §2). When the screen is short, the notes hide and a small
checkable button brings them back on demand; on a tall screen the notes show and the button hides.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QToolButton, QWidget

MIN_ROWS = 8  # rows of its table every screen keeps in sight


def lines_per_row(screen: QWidget, overhead_lines: float, most: int = 4) -> int:
    """How many lines of wrapped text a row of `screen`'s table may take (from `most` down to one)
    so that MIN_ROWS rows fit its height, when its bands, the table's header and scroll bar take
    about `overhead_lines` lines of text. At 1024 × 600 and Zoom 150 % that is one line: a
    longer name ends in "…" and its tooltip has it all."""
    line = screen.fontMetrics().height()
    room = screen.height() - overhead_lines * line
    for lines in range(most, 1, -1):
        # A line of text, the cell's margin and the padding the screens give rows.
        if MIN_ROWS * (lines * line + 1 + line // 3) <= room:
            return lines
    return 1


def typical_row_height(view: QAbstractItemView) -> int:
    """The height of a row of `view`: the mean of its first rows, or what an empty one would take."""
    if isinstance(view, QTableView):
        model = view.model()
        heights = [view.rowHeight(r) for r in range(min(model.rowCount(), MIN_ROWS))] if model else []
        heights = [h for h in heights if h > 0]
        if heights:
            return round(sum(heights) / len(heights))
        return view.verticalHeader().defaultSectionSize()
    model = view.model()
    if model is not None and model.rowCount():
        height = view.sizeHintForIndex(model.index(0, 0)).height()
        if height > 0:
            return height
    return view.fontMetrics().height() + 6


class NotesFold(QObject):
    """Shows `notes` while the table keeps `min_rows` rows in sight with them; otherwise hides
    them and shows `button`, which shows them again while it is checked. Each of `labels` (a label
    and a short text) shows the short text while folded; its long text is then its tooltip."""

    def __init__(
        self,
        screen: QWidget,
        view: QAbstractItemView,
        notes: Sequence[QWidget],
        button: QToolButton | None,
        labels: Sequence[tuple[QLabel, str]] = (),
        min_rows: int = MIN_ROWS,
    ) -> None:
        super().__init__(screen)
        self._screen = screen
        self._view = view
        self._notes = tuple(notes)
        self._button = button
        self._labels = [(label, label.text(), short) for label, short in labels]
        self._min_rows = min_rows
        self.is_folded = False
        if button is not None:
            button.setCheckable(True)
            button.toggled.connect(self._apply)
            button.hide()
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.update)
        screen.installEventFilter(self)

    def update_soon(self) -> None:
        """Decide again once the layout has settled (after new rows or a new font)."""
        self._timer.start()

    def update(self) -> None:
        view = self._view
        if not view.isVisible():
            return
        layout = self._screen.layout()
        spacing = max(layout.spacing(), 0) if layout is not None else 6
        margins = layout.contentsMargins() if layout is not None else None
        width = self._screen.width() - (margins.left() + margins.right() if margins else 0)
        shown = self._notes
        notes_height = sum(_height_for(n, width) + spacing for n in shown)
        room = view.viewport().height()
        if not self.is_folded or self._is_checked():
            room += sum(n.height() + spacing for n in shown if n.isVisible())
        for label, long, short in self._labels:  # above or below the view, not beside it
            short_height = _height_for_text(label, short)
            notes_height += _height_for_text(label, long) - short_height
            if not self.is_folded:
                room += label.height() - short_height
        rows = typical_row_height(view)
        folded = room - notes_height < self._min_rows * rows
        if folded != self.is_folded:
            self.is_folded = folded
            if not folded and self._button is not None:
                self._button.setChecked(False)  # folded again later: folded, until asked
            self._apply()

    def _is_checked(self) -> bool:
        return self._button is not None and self._button.isChecked()

    def _apply(self, _checked: bool = False) -> None:
        show_notes = not self.is_folded or self._is_checked()
        for note in self._notes:
            note.setVisible(show_notes)
        if self._button is not None:
            self._button.setVisible(self.is_folded)
        for label, long, short in self._labels:
            label.setText(short if self.is_folded else long)
            label.setToolTip(long if self.is_folded else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._screen and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.update_soon()
        return super().eventFilter(watched, event)


def _height_for_text(label: QLabel, text: str) -> int:
    """How tall `label` would be with `text` at its present width."""
    width = max(label.width(), 1)
    if not label.wordWrap():
        return label.sizeHint().height()
    rect = label.fontMetrics().boundingRect(
        0, 0, width, 100_000, int(Qt.TextFlag.TextWordWrap), text.replace("&", "")
    )
    return rect.height() + label.contentsMargins().top() + label.contentsMargins().bottom()


def _height_for(widget: QWidget, width: int) -> int:
    if widget.hasHeightForWidth():
        return widget.heightForWidth(width)
    layout = widget.layout()
    if layout is not None and layout.hasHeightForWidth():
        return layout.totalHeightForWidth(width)
    return widget.sizeHint().height()

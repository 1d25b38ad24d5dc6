# SPDX-License-Identifier: GPL-3.0-or-later
"""View ▸ Go to screen… (Ctrl+K): the window's screens in a small list filtered as one types; Enter
opens the one highlighted, Escape closes. Ctrl+1 … Ctrl+9 reach the first nine screens only; this
reaches all of them, with the sidebar hidden too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

SHORTCUT = "Ctrl+K"


@dataclass(frozen=True)
class ScreenEntry:
    """A screen as the switcher lists it."""

    name: str  # what Navigation.screen calls it
    title: str  # as the sidebar shows it
    shortcut: str = ""  # its own keys in the platform's words ("Ctrl+5"), or ""


def matching(entries: Sequence[ScreenEntry], typed: str) -> list[ScreenEntry]:
    """The entries whose title matches `typed`, best first: the title starts with it, then a word
    of it does, then it holds it, then it holds its letters in order ("lsn" finds "Lessons");
    sidebar order within each. Case and surrounding spaces do not count; nothing typed: all."""
    wanted = " ".join(typed.lower().split())
    if not wanted:
        return list(entries)
    ranked: list[tuple[int, int, ScreenEntry]] = []
    for position, entry in enumerate(entries):
        rank = _rank(entry.title.lower(), wanted)
        if rank is not None:
            ranked.append((rank, position, entry))
    return [entry for _, _, entry in sorted(ranked, key=lambda r: (r[0], r[1]))]


def _rank(title: str, wanted: str) -> int | None:
    if title.startswith(wanted):
        return 0
    words = title.replace("&", " ").split()
    if any(" ".join(words[i:]).startswith(wanted) for i in range(1, len(words))):
        return 1
    if wanted in title:
        return 2
    letters = iter(title)
    if all(char in letters for char in wanted.replace(" ", "")):
        return 3
    return None


class GoToScreenPopup(QFrame):
    """A popup over the window: a search field and the screens that match it."""

    chosen = Signal(str)  # the name of the screen to open; the popup has closed already

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFrameShadow(QFrame.Shadow.Raised)
        self._entries: list[ScreenEntry] = []
        self._items: list[QTreeWidgetItem] = []  # the rows shown, best match first
        self._current = ""
        title = QLabel("<b>Go to screen</b>", self)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Type part of a screen's name")
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self._fill)
        self.edit.installEventFilter(self)
        self.list = QTreeWidget(self)
        self.list.setColumnCount(2)
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing always goes to the field
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # As roomy as the sidebar's rows, which these stand for.
        self.list.setStyleSheet("QTreeWidget::item { padding: 3px 6px; }")
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.list.itemClicked.connect(lambda item, _column: self._choose(item))
        self.none_label = QLabel("", self)
        self.none_label.setWordWrap(True)
        self.none_label.hide()
        self.hint = QLabel("↑ ↓ choose · Enter opens · Esc closes", self)
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self.edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.none_label)
        layout.addWidget(self.hint)

    def open_over(self, window: QWidget, entries: Sequence[ScreenEntry], current: str = "") -> None:
        """Show the popup near the top of `window`, listing `entries` with `current` (the screen on
        view) highlighted until something is typed."""
        self._entries = list(entries)
        self._current = current
        self.edit.blockSignals(True)
        self.edit.clear()
        self.edit.blockSignals(False)
        self._fill("")
        self._fit(window)
        self.show()
        self.raise_()
        self.activateWindow()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def shown_titles(self) -> list[str]:
        return [item.text(0) for item in self._items]

    def highlighted(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(0, Qt.ItemDataRole.UserRole)) if item is not None else None

    def _fill(self, typed: str) -> None:
        self.list.clear()
        found = matching(self._entries, typed)
        self._items = []
        for entry in found:
            item = QTreeWidgetItem([entry.title, entry.shortcut])
            item.setData(0, Qt.ItemDataRole.UserRole, entry.name)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setForeground(1, self.palette().placeholderText())
            self._items.append(item)
        self.list.addTopLevelItems(self._items)
        wanted = self._current if not typed.strip() else (found[0].name if found else "")
        rows = [row for row, entry in enumerate(found) if entry.name == wanted] or [0]
        if self._items:
            self.list.setCurrentItem(self._items[rows[0]])
        self.none_label.setText(f"No screen is called “{typed.strip()}”." if not found else "")
        self.none_label.setVisible(not found)

    def _fit(self, window: QWidget) -> None:
        metrics = self.fontMetrics()
        em = metrics.horizontalAdvance("M")
        widest = max((metrics.horizontalAdvance(e.title) for e in self._entries), default=10 * em)
        keys = max((metrics.horizontalAdvance(e.shortcut) for e in self._entries), default=0)
        margins = self._layout.contentsMargins()
        width = (
            max(
                widest + keys + 5 * em,  # the row's padding, a gap between the columns, the frames
                metrics.horizontalAdvance(self.hint.text()) + em,
                22 * em,
            )
            + margins.left()
            + margins.right()
        )
        # Every screen in sight without scrolling: the switcher lists them all before one types.
        self.list.ensurePolished()
        rows = max(len(self._entries), 1)
        row_height = max(self.list.sizeHintForRow(0), metrics.height() + 6)
        self.list.setFixedHeight(rows * row_height + 2 * self.list.frameWidth())
        self.setFixedWidth(width)
        self.adjustSize()
        top_left = window.mapToGlobal(
            QPoint((window.width() - self.width()) // 2, max(window.height() // 12, 8))
        )
        screen = window.screen().availableGeometry() if window.screen() is not None else None
        if screen is not None:
            top_left.setX(max(screen.left(), min(top_left.x(), screen.right() - self.width())))
            top_left.setY(max(screen.top(), min(top_left.y(), screen.bottom() - self.height())))
        self.move(top_left)

    def _choose(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        name = str(item.data(0, Qt.ItemDataRole.UserRole))
        # Closed first: the focus the opened screen takes must not go back to a popup going away.
        self.close()
        self.chosen.emit(name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose(self.list.currentItem())
                return True
            if key == Qt.Key.Key_Escape:
                self.close()
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                QApplication.sendEvent(self.list, event)
                return True
        return super().eventFilter(watched, event)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Edit ▸ Find: a bar under the current screen; Enter finds the next match, Escape closes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget


class FindBar(QWidget):
    find_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find an indicator, site, result … (Enter: next)")
        self.edit.setClearButtonEnabled(True)
        self.edit.returnPressed.connect(self._on_next)
        self.status = QLabel("", self)
        next_button = QPushButton("Find &next", self)
        next_button.clicked.connect(self._on_next)
        close_button = QPushButton("Close", self)
        close_button.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        label = QLabel("Fi&nd:", self)
        label.setBuddy(self.edit)
        layout.addWidget(label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(next_button)
        layout.addWidget(self.status)
        layout.addWidget(close_button)

    def open(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def set_found(self, found: bool) -> None:
        self.status.setText("" if found else "Not found")

    def _on_next(self) -> None:
        text = self.edit.text().strip()
        if text:
            self.find_requested.emit(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

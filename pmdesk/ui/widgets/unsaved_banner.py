# SPDX-License-Identifier: GPL-3.0-or-later
"""The bar above a grid that says how many typed values are not saved yet, why, and retries."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from pmdesk.ui.unsaved import (
    NOT_SAVED_COLOUR,
    NOT_SAVED_FRAME,
    RETRY_SHORTCUT,
    PendingWrites,
    not_saved_icon,
    retry_hint,
    values_not_saved,
)

MAX_LISTED = 15  # in the tooltip; the cells themselves are marked


class UnsavedBanner(QFrame):
    """Hidden while nothing waits. Owns the Retry now action, which the screen adds to itself so
    that its shortcut works wherever the focus is on that screen."""

    def __init__(self, pending: PendingWrites, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending = pending
        self.setObjectName("unsavedBanner")
        self.setStyleSheet(
            f"QFrame#unsavedBanner {{ background: {NOT_SAVED_COLOUR}; border: 1px solid {NOT_SAVED_FRAME};"
            " border-radius: 3px; }"
            " QFrame#unsavedBanner QLabel { color: #1a1a1a; background: transparent; }"
        )
        self.setAccessibleName("Values not saved")
        icon = QLabel(self)
        size = self.fontMetrics().height() + 4
        icon.setPixmap(not_saved_icon().pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label = QLabel("", self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.retry_button = QPushButton("&Retry now", self)
        self.retry_button.setToolTip(f"Try to save them now ({RETRY_SHORTCUT})")
        self.retry_button.clicked.connect(self.retry)
        self.retry_action = QAction("Retry saving", self)
        self.retry_action.setShortcut(QKeySequence(RETRY_SHORTCUT))
        self.retry_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retry_action.triggered.connect(self.retry)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 5, 6, 5)
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignVCenter)
        pending.changed.connect(self.update_text)
        self.update_text()

    def install_shortcut(self, owner: QWidget) -> None:
        owner.addAction(self.retry_action)

    @property
    def text(self) -> str:
        return self.label.text()

    def retry(self) -> None:
        if len(self._pending):
            self._pending.retry_now()

    def update_text(self) -> None:
        pending = self._pending
        count = len(pending)
        self.setVisible(count > 0)
        if not count:
            self.label.setText("")
            return
        owner = self.parentWidget()
        if owner is not None:
            self.setFont(owner.font())  # a widget with a style sheet misses View ▸ Zoom
        kept = "it stays" if count == 1 else "they stay"
        self.label.setText(
            f"<b>{html.escape(values_not_saved(count))}</b>; {kept} on screen, marked “Not saved”.<br>"
            f"{html.escape(pending.reason)}<br>{html.escape(retry_hint(pending.is_transient))}"
        )
        listed = [w.description for w in pending.writes()[:MAX_LISTED]]
        more = count - len(listed)
        self.setToolTip("\n".join(listed) + (f"\n… and {more} more" if more > 0 else ""))

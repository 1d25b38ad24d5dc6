# SPDX-License-Identifier: GPL-3.0-or-later
"""Input the database could not take yet (locked, disk full): kept in order, retried, counted, so
that nothing typed is lost; and how a cell holding such input looks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMessageBox, QWidget

from pmdesk.domain.errors import PmdeskError, StorageError

log = logging.getLogger(__name__)

# Waits between automatic attempts while another program holds the database. Each attempt may
# itself wait for the lock (BUSY_TIMEOUT_MS) on the UI thread, so they space out quickly.
RETRY_DELAYS_MS = (1_000, 2_000, 4_000, 8_000, 16_000, 30_000)

NOT_SAVED_COLOUR = "#ffd88a"  # amber: neither the red of a refusal nor a status tint
NOT_SAVED_STRIPE = "#e0a43a"
NOT_SAVED_FRAME = "#9a5b00"
RETRY_SHORTCUT = "Ctrl+S"


@dataclass
class PendingWrite:
    """One piece of input waiting to be saved: how to save it, and what it is, in words."""

    key: Hashable  # one per place that takes input: a later input there replaces this one
    write: Callable[[], object]  # saves it; raises StorageError while the cause lasts
    description: str  # "1.1 · Female, N01 2025Q1: 12"
    error: StorageError  # why the last attempt failed
    payload: object = None  # what the owner needs to show the result


class PendingWrites(QObject):
    """The writes that failed for a reason outside PMDesk, oldest first, one per key.

    A transient cause (another program's lock) is retried by a timer with growing waits; any
    other (a full disk) when asked (`retry_now`), or when another save has just gone through
    (`retry_soon`), since that shows the cause is gone."""

    changed = Signal()  # the count, the reason or the next attempt changed
    saved = Signal(object, object)  # (PendingWrite, what its write returned)
    refused = Signal(object, object)  # (PendingWrite, the error): refused for another reason now

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writes: dict[Hashable, PendingWrite] = {}
        self._error: StorageError | None = None
        self._failed_attempts = 0
        self._retrying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer)

    # -- what is waiting --------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._writes)

    def __contains__(self, key: object) -> bool:
        return key in self._writes

    def get(self, key: Hashable) -> PendingWrite | None:
        return self._writes.get(key)

    def writes(self) -> list[PendingWrite]:
        """Oldest first."""
        return list(self._writes.values())

    @property
    def reason(self) -> str:
        """Why the last attempt failed, in the storage layer's plain words ('' when none waits)."""
        return str(self._error) if self._writes and self._error is not None else ""

    @property
    def is_transient(self) -> bool:
        return bool(self._writes) and self._error is not None and self._error.is_transient

    @property
    def is_retrying_by_itself(self) -> bool:
        return self._timer.isActive()

    # -- changing the queue -----------------------------------------------------------------

    def enqueue(
        self,
        key: Hashable,
        write: Callable[[], object],
        description: str,
        error: StorageError,
        payload: object = None,
    ) -> None:
        """Keep a write that failed with `error`; it replaces (and goes after) any at `key`."""
        self._writes.pop(key, None)
        self._writes[key] = PendingWrite(key, write, description, error, payload)
        self._error = error
        self._schedule()
        self.changed.emit()

    def discard(self, key: Hashable) -> PendingWrite | None:
        """Forget the write at `key` (a newer input there was saved, or the user dropped it)."""
        item = self._writes.pop(key, None)
        if item is not None:
            self._after_change()
        return item

    def clear(self) -> None:
        """Forget every write (the user chose to lose them)."""
        if self._writes:
            self._writes.clear()
            self._after_change()

    # -- retrying ---------------------------------------------------------------------------

    def retry_now(self) -> bool:
        """Try the writes in order, stopping at the first that still fails for the same kind of
        reason (the others would only wait for it too). True when none is left."""
        if self._retrying:
            return not self._writes
        self._retrying = True
        self._timer.stop()
        failed = False
        try:
            for item in list(self._writes.values()):
                if self._writes.get(item.key) is not item:
                    continue  # replaced or dropped by a slot of an earlier write's signal
                try:
                    result = item.write()
                except StorageError as exc:
                    item.error = exc
                    self._error = exc
                    failed = True
                    break
                except Exception as exc:  # a refusal, or a bug: either way it must not loop forever
                    if not isinstance(exc, PmdeskError):
                        log.exception("retrying %s failed", item.description)
                    self._drop(item)
                    self.refused.emit(item, exc)
                    continue
                self._drop(item)
                self.saved.emit(item, result)
        finally:
            self._retrying = False
        if failed:
            self._failed_attempts += 1
        else:
            self._failed_attempts = 0
        self._schedule()
        self.changed.emit()
        return not self._writes

    def retry_soon(self) -> None:
        """Try again once control is back in the event loop (after a save that went through)."""
        if self._writes and not self._retrying:
            self._timer.start(0)

    def _on_timer(self) -> None:
        self.retry_now()

    def _drop(self, item: PendingWrite) -> None:
        if self._writes.get(item.key) is item:
            del self._writes[item.key]

    def _after_change(self) -> None:
        if not self._writes:
            self._failed_attempts = 0
            self._timer.stop()
        self.changed.emit()

    def _schedule(self) -> None:
        if not self._writes:
            self._timer.stop()
            return
        if self.is_transient:
            if not self._timer.isActive():
                delay = RETRY_DELAYS_MS[min(self._failed_attempts, len(RETRY_DELAYS_MS) - 1)]
                self._timer.start(delay)
        else:
            self._timer.stop()  # a full disk does not empty itself: the user retries


# -- words --------------------------------------------------------------------------------


def values_not_saved(count: int) -> str:
    return (
        "1 value you typed is not saved yet" if count == 1 else f"{count} values you typed are not saved yet"
    )


def retry_hint(is_transient: bool) -> str:
    if is_transient:
        return f"PMDesk tries again by itself; Retry now ({RETRY_SHORTCUT}) tries at once."
    return f"Once the cause is fixed, press Retry now ({RETRY_SHORTCUT})."


def cell_tooltip(reason: str, typed: str, is_transient: bool) -> list[str]:
    """The lines a cell holding unsaved input adds to its tooltip."""
    lines = [f"Not saved yet: {reason}" if reason else "Not saved yet."]
    if typed:
        lines.append(f"You typed: {typed}")
    lines.append(retry_hint(is_transient))
    return lines


def storage_failure_text(error: StorageError, button: str = "OK") -> str:
    """What a dialog says when its save failed for a reason outside PMDesk."""
    return f"{error}\n\nEverything you typed is still here: press {button} to try again."


# -- asking before input is lost ------------------------------------------------------------


class UnsavedChoice(Enum):
    RETRY = "retry"
    DISCARD = "discard"
    CANCEL = "cancel"


def ask_about_unsaved(parent: QWidget | None, count: int, reason: str, leaving: str) -> UnsavedChoice:
    """Ask what to do with input not saved yet before `leaving` ('Close', 'Open another database').
    Tests replace this function."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Values not saved")
    box.setText(f"{values_not_saved(count).capitalize()}.")
    box.setInformativeText(reason or "The database did not take them.")
    retry = box.addButton("&Retry", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(f"{leaving} &anyway (they are lost)", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(retry)
    box.exec()
    clicked = box.clickedButton()
    if clicked is retry:
        return UnsavedChoice.RETRY
    if clicked is discard:
        return UnsavedChoice.DISCARD
    return UnsavedChoice.CANCEL


# -- how a cell holding unsaved input looks -------------------------------------------------

_brush: QBrush | None = None
_icon: QIcon | None = None


def not_saved_brush() -> QBrush:
    """Amber with diagonal stripes: unlike any status tint, and still seen by the colour-blind;
    the Status column says 'Not saved' and an icon marks the cell as well."""
    global _brush
    if _brush is None:
        tile = QPixmap(12, 12)
        tile.fill(QColor(NOT_SAVED_COLOUR))
        painter = QPainter(tile)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(NOT_SAVED_STRIPE), 1.2))
        painter.drawLine(QPointF(-1, 13), QPointF(13, -1))
        painter.drawLine(QPointF(-1, 1), QPointF(1, -1))
        painter.drawLine(QPointF(11, 13), QPointF(13, 11))
        painter.end()
        _brush = QBrush(tile)
    return _brush


def not_saved_icon() -> QIcon:
    """A small amber triangle with '!', drawn rather than taken from a theme that may lack it."""
    global _icon
    if _icon is None:
        pixmap = QPixmap(32, 32)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(NOT_SAVED_FRAME), 2.5))
        painter.setBrush(QColor("#f5b83d"))
        painter.drawPolygon([QPointF(16, 3), QPointF(30, 29), QPointF(2, 29)])
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#1a1a1a"))
        painter.drawRoundedRect(QRectF(14.2, 10, 3.6, 11), 1.5, 1.5)
        painter.drawEllipse(QRectF(14, 23, 4, 4))
        painter.end()
        _icon = QIcon(pixmap)
    return _icon

# SPDX-License-Identifier: GPL-3.0-or-later
"""Live minutes are saved continuously without typing ever waiting for the database: the widgets
take every keystroke, `ContinuousSave` hands the latest text of a field to `MinutesWriter` half a
second after the last keystroke (at most a second after the first unsaved one), and the writer's
own thread writes it, in order, through the services. A failed write (a lock, a full disk) stays
queued, is reported with its reason, and is tried again."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from pmdesk.domain.errors import PmdeskError, StorageError

log = logging.getLogger(__name__)

QUIET_S = 0.5  # a field is saved once typing in it paused this long …
LATEST_S = 1.0  # … or once it has held unsaved text this long, however fast the typing
TICK_MS = 100
RETRY_DELAYS_S = (1.0, 2.0, 4.0, 8.0, 15.0)


@dataclass
class _Write:
    write: Callable[[], object]
    description: str


class MinutesWriter(QObject):
    """One thread that writes, oldest first, the latest write queued for each key (a field, a
    decision …). Its signals reach the UI thread; it never touches a widget."""

    saved = Signal(object, object)  # key, what the write returned
    failed = Signal(object, object)  # key, StorageError: kept and tried again
    refused = Signal(object, object)  # key, the error: dropped (the minutes were finalised …)
    idle = Signal()  # nothing is waiting any more

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._queue: dict[Hashable, _Write] = {}
        self._busy = False
        self._stopping = False
        self._retry_at = 0.0
        self._failures = 0
        self.last_error: StorageError | None = None
        self._thread = threading.Thread(target=self._run, name="pmdesk-minutes-writer", daemon=True)
        self._thread.start()

    # -- the UI thread's side ---------------------------------------------------------------

    def submit(self, key: Hashable, write: Callable[[], object], description: str) -> None:
        """Queue `write` (replacing a write still queued at `key`); returns at once."""
        with self._cond:
            self._queue.pop(key, None)
            self._queue[key] = _Write(write, description)
            self._cond.notify_all()

    def retry_now(self) -> None:
        with self._cond:
            self._retry_at = 0.0
            self._cond.notify_all()

    def is_waiting(self, key: Hashable) -> bool:
        with self._cond:
            return key in self._queue

    @property
    def pending(self) -> list[str]:
        """What is not written yet, in words, oldest first."""
        with self._cond:
            return [w.description for w in self._queue.values()]

    @property
    def is_failing(self) -> bool:
        with self._cond:
            return bool(self._queue) and self._failures > 0

    def flush(self, timeout: float) -> bool:
        """Wait until everything queued is written (or `timeout` s); True when nothing is left.
        For closing the window and for finalising, never while typing."""
        deadline = time.monotonic() + timeout
        self.retry_now()
        with self._cond:
            while self._queue or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def stop(self, timeout: float = 5.0) -> None:
        self.request_stop()
        self._thread.join(timeout)

    def request_stop(self) -> None:
        """Let the thread end after the write under way (plain Python: safe once Qt's object is gone)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def discard(self) -> None:
        """Forget what is queued (the user chose to lose it)."""
        with self._cond:
            self._queue.clear()
            self._cond.notify_all()

    # -- the writer's thread ----------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and (not self._queue or time.monotonic() < self._retry_at):
                    wait = max(0.05, self._retry_at - time.monotonic()) if self._queue else None
                    self._cond.wait(wait)
                if self._stopping:
                    return
                key, item = next(iter(self._queue.items()))
                self._busy = True
            try:
                result = item.write()
            except StorageError as exc:
                with self._cond:
                    self._busy = False
                    self._failures += 1
                    self.last_error = exc
                    delay = RETRY_DELAYS_S[min(self._failures, len(RETRY_DELAYS_S)) - 1]
                    self._retry_at = time.monotonic() + delay
                    self._cond.notify_all()
                log.info("minutes not saved yet (%s): %s", item.description, exc)
                self.failed.emit(key, exc)
                continue
            except Exception as exc:  # a refusal (final minutes) or a bug: never retried forever
                if not isinstance(exc, PmdeskError):
                    log.exception("saving %s failed", item.description)
                self._done(key, item)
                self.refused.emit(key, exc)
            else:
                self._done(key, item)
                self.saved.emit(key, result)
            with self._cond:
                empty = not self._queue
            if empty:
                self.idle.emit()

    def _done(self, key: Hashable, item: _Write) -> None:
        with self._cond:
            if self._queue.get(key) is item:  # else a newer write came meanwhile: keep it
                del self._queue[key]
            self._busy = False
            self._failures = 0
            self._retry_at = 0.0
            self.last_error = None
            self._cond.notify_all()


class ContinuousSave(QObject):
    """Decides when each field's text goes to the writer: `touched(key)` on every keystroke
    costs a dictionary update; a timer, running only while something is unsaved, submits."""

    submitted = Signal(object)  # key

    def __init__(self, writer: MinutesWriter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._writer = writer
        self._fields: dict[Hashable, tuple[Callable[[], str], Callable[[str], object], str]] = {}
        self._dirty: dict[Hashable, tuple[float, float]] = {}  # key: (first unsaved, last keystroke)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)

    def watch(
        self, key: Hashable, text: Callable[[], str], save: Callable[[str], object], description: str
    ) -> None:
        """`text()` reads the field on the UI thread; `save(text)` runs on the writer's thread."""
        self._fields[key] = (text, save, description)

    def touched(self, key: Hashable) -> None:
        now = time.monotonic()
        first = self._dirty.get(key, (now, now))[0]
        self._dirty[key] = (first, now)
        if not self._timer.isActive():
            self._timer.start()

    def has_unsubmitted(self) -> bool:
        return bool(self._dirty)

    def submit_all(self) -> None:
        """Hand every unsaved field to the writer now (moving on, finalising, closing)."""
        for key in list(self._dirty):
            self._submit(key)

    def _on_tick(self) -> None:
        now = time.monotonic()
        for key, (first, last) in list(self._dirty.items()):
            if now - last >= QUIET_S or now - first >= LATEST_S:
                self._submit(key)
        if not self._dirty:
            self._timer.stop()

    def _submit(self, key: Hashable) -> None:
        self._dirty.pop(key, None)
        field = self._fields.get(key)
        if field is None:
            return
        text_of, save, description = field
        text = text_of()
        self._writer.submit(key, lambda: save(text), description)
        self.submitted.emit(key)

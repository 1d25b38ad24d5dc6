# SPDX-License-Identifier: GPL-3.0-or-later
"""One way for a screen to load what it shows (issue #8 §3): run the load off the UI thread, show
busy only when it takes a while, keep only the latest answer, and say plainly why it failed.

Before this, the IPTT and Completeness screens each hand-wrote the same machinery (a request
counter, a job, a busy timer, cancel, "is this still the latest?", a failure message)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.workers import Job, Workers

log = logging.getLogger(__name__)

BUSY_DELAY_MS = 150  # a quick load appears without a busy indicator flickering


class Loader(QObject):
    """Loads for one screen. `load(fn, *args)` cancels the load under way and starts `fn` on a
    worker; only the answer of the latest load is delivered (`loaded`), or a plain message
    (`failed`). `busy_changed(True)` comes once a load has run for BUSY_DELAY_MS, and
    `busy_changed(False)` when it ends, is cancelled or replaced."""

    loaded = Signal(object)  # what the latest load returned
    failed = Signal(str)  # why the latest load failed, in words a user can act on
    busy_changed = Signal(bool)

    def __init__(
        self,
        workers: Workers,
        what: str,
        parent: QObject | None = None,
        *,
        busy_delay_ms: int = BUSY_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._workers = workers
        self._what = what  # "The IPTT", "The overview" … for the failure message
        self._job: Job | None = None
        self._busy = False
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(busy_delay_ms)
        self._busy_timer.timeout.connect(lambda: self._set_busy(self._job is not None))

    @property
    def is_loading(self) -> bool:
        return self._job is not None

    def load(self, fn: Callable[..., Any], *args: Any, name: str = "", **kwargs: Any) -> None:
        self.cancel()
        job = Job(fn, *args, name=name or self._what, **kwargs)
        # Bound to this job: an answer from a job that was replaced is dropped, even if it was
        # already queued when the new one started.
        job.finished.connect(lambda result, job=job: self._on_finished(job, result))
        job.failed.connect(lambda error, job=job: self._on_failed(job, error))
        self._job = self._workers.start(job)
        self._busy_timer.start()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self._busy_timer.stop()
        self._set_busy(False)

    def _is_current(self, job: Job) -> bool:
        """Whether `job`'s answer is still wanted. A cancelled job's answer may already have been
        queued, and a screen may be deleted (its database closed, a backup restored) while a load
        it started is still running: that loader is gone, and so is its answer's use."""
        if not isValid(self):
            job.cancel()
            return False
        return job is self._job and not job.is_cancelled

    def _on_finished(self, job: Job, result: object) -> None:
        if not self._is_current(job):
            return
        self._job = None
        self.cancel()
        self.loaded.emit(result)

    def _on_failed(self, job: Job, error: BaseException) -> None:
        if not self._is_current(job):
            return
        self._job = None
        self.cancel()
        self.failed.emit(failure_message(self._what, error))

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)


def failure_message(what: str, error: BaseException) -> str:
    """A refusal says itself; anything else is a fault, logged where the job ran, and the user
    gets a sentence, never an exception name."""
    if isinstance(error, PmdeskError):
        return str(error)
    return f"{what} could not be loaded: an unexpected problem stopped it. The details are in the log file."

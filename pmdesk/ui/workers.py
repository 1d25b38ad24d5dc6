# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs slow jobs (IPTT, imports, reports) on a thread pool so the window never freezes.

A job is a plain function: it never touches widgets and opens its own database sessions (the
services already do, per call). It reports through the `finished`, `failed` and `progress`
signals of its Job, which Qt delivers on the UI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

from pmdesk.domain.errors import PmdeskError

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]


class JobCancelled(Exception):
    """Raised inside a job by its progress callback once the job was cancelled."""


class JobSignals(QObject):
    finished = Signal(object)  # the function's return value
    failed = Signal(object)  # the exception it raised
    progress = Signal(int, int, str)  # done, total, message
    ended = Signal()  # after finished or failed, or after a cancelled job stopped


class Job:
    """One call of `fn(*args, **kwargs)` off the UI thread.

    With `reports_progress=True` the function also receives `progress=callable(done, total,
    message)`; once the job is cancelled that callable raises JobCancelled, so a long job stops
    at its next report. A cancelled job emits neither `finished` nor `failed`, which is how a
    screen drops results it no longer wants.
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        *args: Any,
        name: str = "",
        reports_progress: bool = False,
        **kwargs: Any,
    ) -> None:
        self.name = name or getattr(fn, "__qualname__", "job")
        self.signals = JobSignals()  # created on the UI thread, so its receivers run there
        self.finished = self.signals.finished
        self.failed = self.signals.failed
        self.progress = self.signals.progress
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._reports_progress = reports_progress
        self._cancelled = threading.Event()

    @property
    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def _report(self, done: int, total: int, message: str = "") -> None:
        if self._cancelled.is_set():
            raise JobCancelled(self.name)
        self.signals.progress.emit(done, total, message)

    def run(self) -> None:
        """Runs on a pool thread: call the function, then emit exactly one outcome."""
        try:
            kwargs = dict(self._kwargs)
            if self._reports_progress:
                kwargs["progress"] = self._report
            result = self._fn(*self._args, **kwargs)
        except JobCancelled:
            log.info("job %s cancelled", self.name)
        except PmdeskError as exc:  # a message for the user, not a bug
            log.info("job %s refused: %s", self.name, exc)
            if not self._cancelled.is_set():
                self.signals.failed.emit(exc)
        except Exception as exc:
            log.exception("job %s failed", self.name)
            if not self._cancelled.is_set():
                self.signals.failed.emit(exc)
        else:
            if not self._cancelled.is_set():
                self.signals.finished.emit(result)
        finally:
            self.signals.ended.emit()


class Workers(QObject):
    """The pool jobs run on. app.py owns one and hands it to the screens."""

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        # Jobs are kept here until they end (by the id of their signal object): their signals
        # must outlive the pool thread.
        self._running: dict[int, Job] = {}

    def start(self, job: Job) -> Job:
        self._running[id(job.signals)] = job
        # A bound method, not a lambda holding the job: no reference cycle, so the job is freed
        # here on the UI thread and not whenever (and wherever) the cyclic collector runs.
        job.signals.ended.connect(self._on_job_ended)
        self._pool.start(job.run)
        return job

    def _on_job_ended(self) -> None:
        signals = self.sender()
        if self._running.pop(id(signals), None) is not None:
            # Its finished/failed were delivered before `ended`; nothing else is queued from it.
            signals.deleteLater()

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Job:
        """Shorthand for start(Job(fn, *args, **kwargs)); connect to the returned job's signals
        right away — they are only delivered once control returns to the event loop."""
        return self.start(Job(fn, *args, **kwargs))

    @property
    def active_count(self) -> int:
        return len(self._running)

    def cancel_all(self) -> None:
        for job in list(self._running.values()):
            job.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every job has returned (before closing the database, say)."""
        return self._pool.waitForDone(msecs)

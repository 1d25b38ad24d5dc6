# SPDX-License-Identifier: GPL-3.0-or-later
"""A progress dialog with Cancel for one Job: imports and exports never freeze the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from pmdesk.ui.workers import Job, Workers

# Jobs that end this quickly never show a dialog at all: no flicker for small files.
SHOW_AFTER_MS = 400


class JobProgress(QProgressDialog):
    """Runs `job` on `workers` and shows its progress; Cancel cancels the job.

    A cancelled job emits neither finished nor failed (see workers.Job), so the callbacks only
    run for a job that completed; the dialog closes itself when the job ends either way.
    """

    def __init__(
        self,
        parent: QWidget | None,
        workers: Workers,
        job: Job,
        title: str,
        on_finished: Callable[[Any], None],
        on_failed: Callable[[BaseException], None],
        cancellable: bool = True,
    ) -> None:
        super().__init__(title, "Cancel", 0, 0, parent)
        if not cancellable:
            # A job that cannot stop between its progress reports must not offer a Cancel that
            # would only hide the dialog while the work goes on.
            self.setCancelButton(None)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumDuration(SHOW_AFTER_MS)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.setMinimumWidth(420)
        self.job = job
        self.was_cancelled = False
        job.progress.connect(self._on_progress)
        job.finished.connect(on_finished)
        job.failed.connect(on_failed)
        job.signals.ended.connect(self._on_ended)
        self.canceled.connect(self._on_cancel_clicked)
        workers.start(job)

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.setMaximum(total)
            self.setValue(min(done, total))
        if message:
            self.setLabelText(message)

    def _on_cancel_clicked(self) -> None:
        self.was_cancelled = True
        self.setLabelText("Cancelling … nothing will be changed.")
        self.job.cancel()

    def _on_ended(self) -> None:
        self.reset()
        self.hide()
        self.deleteLater()


def run_with_progress(
    parent: QWidget | None,
    workers: Workers,
    fn: Callable[..., Any],
    *args: Any,
    title: str,
    on_finished: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    reports_progress: bool = True,
) -> JobProgress:
    """Start `fn(*args, progress=…)` off the UI thread behind a progress dialog; Cancel is offered
    only when the function reports progress, because that is where a job stops (and rolls back)."""
    job = Job(fn, *args, name=title, reports_progress=reports_progress)
    return JobProgress(parent, workers, job, title, on_finished, on_failed, cancellable=reports_progress)

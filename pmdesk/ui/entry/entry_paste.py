# SPDX-License-Identifier: GPL-3.0-or-later
"""Pasting a block into the data-entry grid: a few cells at once, a big block as a job with
progress and Cancel (each cell is one service write of a few milliseconds)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from pmdesk.ui.entry.entry_writes import PastePlan, PasteResult, write_all
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pmdesk.ui.entry.entry_editing import EntryEditing
    from pmdesk.ui.entry.entry_writes import Outcome
    from pmdesk.ui.workers import Workers

SYNC_LIMIT = 24  # cells written while the user waits; more are written by a job


class EntryPaster(QObject):
    finished = Signal(object)  # PasteResult, once the block is written (or the user cancelled)

    def __init__(self, editing: EntryEditing, workers: Workers, parent: QWidget) -> None:
        super().__init__(parent)
        self._editing = editing
        self._workers = workers
        self._parent = parent
        self.sync_limit = SYNC_LIMIT
        self._job: Job | None = None
        self._plan: PastePlan | None = None
        self._stop = threading.Event()
        self._dialog: QProgressDialog | None = None

    @property
    def is_busy(self) -> bool:
        return self._job is not None

    def paste(self, row: int, column: int, text: str) -> None:
        if self.is_busy:
            return
        plan = self._editing.plan_paste(row, column, text)
        if len(plan.writes) <= self.sync_limit:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                outcomes = write_all(self._editing.writer, plan.writes)
            finally:
                QApplication.restoreOverrideCursor()
            self.finished.emit(self._editing.finish_paste(plan, outcomes))
            return
        self._plan = plan
        self._stop = threading.Event()
        total = len(plan.writes)
        dialog = QProgressDialog(f"Pasting {total} values…", "Cancel", 0, total, self._parent)
        dialog.setWindowTitle("Paste")
        # Window-modal: nothing else is typed into the grid while its cells are being written.
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)  # at once: until it shows, the grid would take input
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        dialog.setValue(0)
        dialog.show()
        self._dialog = dialog
        job = Job(
            write_all, self._editing.writer, plan.writes, self._stop, name="paste", reports_progress=True
        )
        job.progress.connect(self._on_progress)
        job.finished.connect(self._on_done)
        job.failed.connect(self._on_failed)
        self._job = self._workers.start(job)

    def cancel(self) -> None:
        """Stop after the cell being written; what was written stays, shown and undoable."""
        self._stop.set()

    def _on_progress(self, done: int, total: int, label: str) -> None:
        dialog = self._dialog
        if dialog is None or self.sender() is not self._job_signals():
            return
        dialog.setLabelText(f"Pasting {total} values… {label}")
        # Last: a modal progress dialog processes events here, which may end the paste.
        dialog.setValue(done)

    def _on_done(self, outcomes: Sequence[Outcome]) -> None:
        if self.sender() is not self._job_signals() or self._plan is None:
            return
        plan = self._end()
        self.finished.emit(self._editing.finish_paste(plan, outcomes))

    def _on_failed(self, error: BaseException) -> None:
        if self.sender() is not self._job_signals():
            return
        self._end()
        # Some cells may be written: the screen reads the grid again to show them.
        self.finished.emit(PasteResult(problems=[f"The paste stopped: {error}"], failed=True))

    def _job_signals(self) -> QObject | None:
        return self._job.signals if self._job is not None else None

    def _end(self) -> PastePlan:
        plan = self._plan or PastePlan()
        self._job = None
        self._plan = None
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None
            self._parent.window().activateWindow()  # back to typing in the grid
        return plan

# SPDX-License-Identifier: GPL-3.0-or-later
"""Minutes PDF… on the Meetings screen: asks where to save, writes the minutes in a worker behind a
progress dialog, then opens the file with the system's PDF viewer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from pmdesk.ui.report_files import open_with_system_viewer as open_file  # tests replace it
from pmdesk.ui.report_files import pages_text, safe_file_name, with_suffix, write_failure
from pmdesk.ui.widgets.job_progress import JobProgress, run_with_progress

if TYPE_CHECKING:
    from pmdesk.reports.reporter import ReportFile
    from pmdesk.services.meetings import MeetingSummary
    from pmdesk.ui.context import UiContext


def ask_pdf_path(parent: QWidget, suggested: str) -> str:
    """Where to save the minutes; "" when the user cancels (tests replace this)."""
    chosen, _ = QFileDialog.getSaveFileName(parent, "Save the minutes as PDF", suggested, "PDF (*.pdf)")
    return chosen


def suggested_name(meeting: MeetingSummary) -> str:
    """'DEMO-WASH minutes 2026-10-27 2026 Q2 quarterly review.pdf', safe on every system."""
    return (
        safe_file_name(f"{meeting.programme_code} minutes {meeting.held_on.isoformat()} {meeting.title}")
        + ".pdf"
    )


def failure_text(error: BaseException, path: Path) -> str:
    return f"The minutes could not be written. {write_failure(error, path)}"


class MinutesPdf(QObject):
    """Writes one meeting's minutes at a time; `said` carries what the screen should tell the user."""

    said = Signal(str, bool)  # message, is an error
    running_changed = Signal(bool)

    def __init__(self, context: UiContext, widget: QWidget) -> None:
        super().__init__(widget)
        self._context = context
        self._widget = widget
        self._folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self.progress: JobProgress | None = None
        self.last_written: ReportFile | None = None

    @property
    def is_running(self) -> bool:
        return self.progress is not None

    def ask_and_write(self, meeting: MeetingSummary) -> bool:
        """False when a job is running or the user cancelled the file dialog."""
        if self.is_running:
            return False
        chosen = ask_pdf_path(self._widget, str(Path(self._folder) / suggested_name(meeting)))
        if not chosen:
            return False
        path = with_suffix(Path(chosen), "pdf")
        self._folder = str(path.parent)
        self.write(meeting, path)
        return True

    def write(self, meeting: MeetingSummary, path: Path) -> None:
        self.progress = run_with_progress(
            self._widget,
            self._context.workers,
            self._context.services.reports.minutes,
            meeting.uuid,
            path,
            title=f"Writing the minutes of {meeting.title}",
            on_finished=self._on_finished,
            on_failed=lambda error: self._on_failed(error, path),
        )
        self.progress.job.signals.ended.connect(self._on_ended)
        self.running_changed.emit(True)

    def _on_finished(self, report: ReportFile) -> None:
        self.last_written = report
        pages = pages_text(report.pages)
        if open_file(report.path):
            self.said.emit(f"Minutes saved to {report.path} ({pages}) and opened.", False)
        else:
            self.said.emit(
                f"Minutes saved to {report.path} ({pages}); no PDF viewer could open them here.", False
            )

    def _on_failed(self, error: BaseException, path: Path) -> None:
        self.said.emit(failure_text(error, path), True)

    def _on_ended(self) -> None:
        self.progress = None
        self.running_changed.emit(False)

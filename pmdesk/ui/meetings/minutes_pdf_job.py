# SPDX-License-Identifier: GPL-3.0-or-later
"""Minutes PDF… on the Meetings screen: asks where to save, writes the minutes in a worker behind a
progress dialog, then opens the file with the system's PDF viewer."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from pmdesk.ui.report_files import OneReportAtATime, pages_text, safe_file_name, write_failure
from pmdesk.ui.report_files import open_with_system_viewer as open_file  # tests replace it

if TYPE_CHECKING:
    from pmdesk.reports.reporter import ReportFile
    from pmdesk.services.meetings import MeetingSummary


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


class MinutesPdf(OneReportAtATime):
    """Writes one meeting's minutes at a time."""

    def ask_and_write(self, meeting: MeetingSummary) -> bool:
        """False when a job is running or the user cancelled the file dialog."""
        if self.is_running:
            return False
        path = self._choose_path(ask_pdf_path, suggested_name(meeting))
        if path is None:
            return False
        self.write(meeting, path)
        return True

    def write(self, meeting: MeetingSummary, path: Path) -> None:
        self._run(
            self._context.services.reports.minutes,
            meeting.uuid,
            path,
            title=f"Writing the minutes of {meeting.title}",
            path=path,
            failure=failure_text,
        )

    def _written(self, report: ReportFile) -> None:
        pages = pages_text(report.pages)
        if open_file(report.path):
            self.said.emit(f"Minutes saved to {report.path} ({pages}) and opened.", False)
        else:
            self.said.emit(
                f"Minutes saved to {report.path} ({pages}); no PDF viewer could open them here.", False
            )

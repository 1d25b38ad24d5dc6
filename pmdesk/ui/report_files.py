# SPDX-License-Identifier: GPL-3.0-or-later
"""What every screen that writes a report file shares (the Reports screen, the IPTT's PDF / Print,
the Meetings screen's Minutes PDF…): a file name safe on every system, the kind's extension, the
system viewer, and the words for pages and for a failure — never an exception's name."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.widgets.job_progress import JobProgress, run_with_progress

if TYPE_CHECKING:
    from pmdesk.reports.reporter import ReportFile
    from pmdesk.ui.context import UiContext

UNEXPECTED = "An unexpected problem stopped it. Details are in the log file."


def safe_file_name(name: str, limit: int = 120) -> str:
    """`name` without the characters Windows refuses in a file name, nor a leading or trailing dot
    or space, at most `limit` characters."""
    cleaned = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "-", name)
    return re.sub(r"\s+", " ", cleaned)[:limit].strip(" .") or "report"


def with_suffix(path: Path, suffix: str) -> Path:
    """The path the user typed, with the kind's extension added if it was left out."""
    ending = f".{suffix}"
    return path if path.suffix.lower() == ending else path.with_name(path.name + ending)


def open_with_system_viewer(path: Path) -> bool:
    """Open `path` with the program the system uses for its kind; False when none could."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def pages_text(pages: int) -> str:
    return f"{pages} page{'' if pages == 1 else 's'}"


def write_failure(error: BaseException, path: Path) -> str:
    """Why a report file could not be made, in words a user can act on."""
    if isinstance(error, PmdeskError):
        return str(error)
    if isinstance(error, OSError):
        reason = (error.strerror or "it could not be written").rstrip(".")
        return (
            f"{path.name} could not be saved in {path.parent}: {reason}. Is the folder there, and may "
            "you write in it? Is the file open in another program? Choose another place, or close it."
        )
    return UNEXPECTED


class OneReportAtATime(QObject):
    """A screen's button that writes one report file at a time behind a progress dialog (the IPTT's
    PDF / Print, Meetings' Minutes PDF…). Subclasses say what to call and what to tell the user;
    `said` carries it (message, is an error)."""

    said = Signal(str, bool)
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

    def _choose_path(self, ask: Callable[[QWidget, str], str], suggested: str) -> Path | None:
        """Where the user wants the PDF (with its extension), remembered for the next one; None
        when they cancelled."""
        chosen = ask(self._widget, str(Path(self._folder) / suggested))
        if not chosen:
            return None
        path = with_suffix(Path(chosen), "pdf")
        self._folder = str(path.parent)
        return path

    def _run(
        self,
        fn: Callable[..., ReportFile],
        *args: object,
        title: str,
        path: Path,
        failure: Callable[[BaseException, Path], str],
    ) -> None:
        self.progress = run_with_progress(
            self._widget,
            self._context.workers,
            fn,
            *args,
            title=title,
            on_finished=self._finished,
            on_failed=lambda error: self.said.emit(failure(error, path), True),
        )
        self.progress.job.signals.ended.connect(self._on_ended)
        self.running_changed.emit(True)

    def _finished(self, report: ReportFile) -> None:
        self.last_written = report
        self._written(report)

    def _written(self, report: ReportFile) -> None:
        """Open the file and say so (each subclass in its words)."""
        raise NotImplementedError

    def _on_ended(self) -> None:
        self.progress = None
        self.running_changed.emit(False)

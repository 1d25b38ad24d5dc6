# SPDX-License-Identifier: GPL-3.0-or-later
"""IPTT export to Excel and CSV from the IPTT screen: file dialog, worker, progress and Cancel;
the export jobs themselves are pmdesk.services.exports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from pmdesk.domain.errors import PmdeskError
from pmdesk.services.exports import (
    ExportKind,
    default_file_name,
    export_iptt_csv,
    export_iptt_excel,
    with_suffix,
)
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from pmdesk.services.iptt import IpttTable
    from pmdesk.ui.context import UiContext

SHOW_PROGRESS_AFTER_MS = 300  # a quick export never flashes a dialog

FILE_FILTERS = {ExportKind.EXCEL: "Excel workbook (*.xlsx)", ExportKind.CSV: "CSV, UTF-8 (*.csv)"}
DIALOG_TITLES = {ExportKind.EXCEL: "Export the IPTT to Excel", ExportKind.CSV: "Export the IPTT as CSV"}

# The jobs live in pmdesk.services.exports, where the CLI runs them too.
export_excel = export_iptt_excel
export_csv = export_iptt_csv


def failure_message(error: BaseException, path: Path | None) -> str:
    if isinstance(error, PmdeskError):
        return str(error)
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return (
            f"The file could not be written:\n{path}\n\n{reason}.\n\n"
            "Is it open in another program, or is the folder read-only? Close it or choose another place."
        )
    return f"The export failed ({type(error).__name__}: {error}). Details are in the log file."


class IpttExporter(QObject):
    """Asks where to save, runs the export job behind a progress dialog and reports the outcome."""

    exported = Signal(str)  # the path written
    failed = Signal(str)  # the message to show
    cancelled = Signal()
    running_changed = Signal(bool)

    def __init__(self, context: UiContext, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self._context = context
        self._widget = parent_widget
        self._job: Job | None = None
        self._path: Path | None = None
        self._delivered = False  # finished or failed arrived (possibly just before a Cancel)
        self.progress_dialog: QProgressDialog | None = None
        self._folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)

    @property
    def is_running(self) -> bool:
        return self._job is not None

    def ask_and_export(self, kind: ExportKind, table: IpttTable) -> bool:
        """Ask for a file name, then export; False if the user cancelled the file dialog."""
        suggested = str(Path(self._folder) / default_file_name(table, kind))
        chosen, _ = QFileDialog.getSaveFileName(
            self._widget, DIALOG_TITLES[kind], suggested, FILE_FILTERS[kind]
        )
        if not chosen:
            return False
        path = with_suffix(Path(chosen), kind)
        self._folder = str(path.parent)
        self.export(kind, table, path)
        return True

    def export(self, kind: ExportKind, table: IpttTable, path: Path) -> None:
        if self._job is not None:
            return
        services = self._context.services
        fn: Callable[..., Path]
        args: tuple[object, ...]
        if kind is ExportKind.EXCEL:
            fn, args = export_excel, (services.programmes, services.history, table, path)
        else:
            fn, args = export_csv, (table, path)
        job = Job(fn, *args, name=f"iptt export {kind.value}", reports_progress=True)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.progress.connect(self._on_progress)
        job.signals.ended.connect(self._on_ended)
        self._path = path
        self._delivered = False
        dialog = QProgressDialog(f"Exporting to {path.name}…", "Cancel", 0, 0, self._widget)
        dialog.setWindowTitle(DIALOG_TITLES[kind])
        # Not modal: a modal QProgressDialog spins the event loop inside setValue, and the job's
        # end could then be handled in the middle of a progress update. The export buttons stay
        # disabled until the job ends, and the table being written is a frozen copy.
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumWidth(420)
        dialog.setMinimumDuration(SHOW_PROGRESS_AFTER_MS)
        dialog.setValue(0)  # starts the show-after timer with the duration above (else Qt's 4 s)
        dialog.canceled.connect(self.cancel)
        self.progress_dialog = dialog
        self._job = self._context.workers.start(job)
        self.running_changed.emit(True)

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            if self.progress_dialog is not None:
                self.progress_dialog.setLabelText("Cancelling…")

    def _on_progress(self, done: int, total: int, message: str) -> None:
        dialog = self.progress_dialog
        if dialog is None or self._job is None or self._job.is_cancelled:
            return
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        if message:
            dialog.setLabelText(message)

    def _on_finished(self, path: Path) -> None:
        self._delivered = True
        self.exported.emit(str(path))

    def _on_failed(self, error: BaseException) -> None:
        self._delivered = True
        self.failed.emit(failure_message(error, self._path))

    def _on_ended(self) -> None:
        job, self._job = self._job, None
        if self.progress_dialog is not None:
            self.progress_dialog.reset()
            self.progress_dialog.hide()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None
        self.running_changed.emit(False)
        if job is not None and job.is_cancelled and not self._delivered:
            self.cancelled.emit()

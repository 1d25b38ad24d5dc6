# SPDX-License-Identifier: GPL-3.0-or-later
"""File ▸ Import and Export: pick a file, run the service off the UI thread, report the outcome."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from pmdesk.domain.errors import PmdeskError, ValidationError
from pmdesk.ui.context import UiContext
from pmdesk.ui.formatting import counted
from pmdesk.ui.widgets.job_progress import JobProgress, run_with_progress

_LAST_FOLDER = "files/last_folder"
MAX_PROBLEMS_SHOWN = 12


def show_error(parent: QWidget | None, title: str, error: BaseException) -> None:
    """A refusal in words; a long list of problems goes to the details, first ones shown."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    if isinstance(error, ValidationError) and len(error.problems) > 1:
        head = f"{error.source}: " if error.source else ""
        shown = "\n".join(f"• {p}" for p in error.problems[:MAX_PROBLEMS_SHOWN])
        more = len(error.problems) - MAX_PROBLEMS_SHOWN
        box.setText(f"{head}{counted(len(error.problems), 'problem')}; nothing was changed.")
        box.setInformativeText(shown + (f"\n… and {more} more (see details)" if more > 0 else ""))
        box.setDetailedText("\n".join(str(p) for p in error.problems))
    elif isinstance(error, PmdeskError):
        box.setText(str(error))
        if isinstance(error, ValidationError):
            box.setInformativeText("Nothing was changed.")
    else:
        box.setText(f"Unexpected error: {type(error).__name__}: {error}")
        box.setInformativeText("Nothing was changed. The details are in the log file.")
    box.exec()


class FileActions(QObject):
    """The import and export flows of the File menu and the welcome page."""

    programme_imported = Signal(str)  # the code of the programme a package or logframe created
    status_message = Signal(str)

    def __init__(self, parent: QWidget, settings: QSettings) -> None:
        super().__init__(parent)
        self._parent = parent
        self._settings = settings
        self.context: UiContext | None = None
        self.running: JobProgress | None = None

    # -- file dialogs (tests replace these) ---------------------------------------------------

    def ask_open_path(self, title: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self._parent, title, self._folder(), filters)
        return self._remember(path)

    def ask_save_path(self, title: str, suggested: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self._parent, title, str(Path(self._folder()) / suggested), filters
        )
        return self._remember(path)

    def _folder(self) -> str:
        return str(self._settings.value(_LAST_FOLDER, str(Path.home()), type=str))

    def _remember(self, path: str) -> Path | None:
        if not path:
            return None
        self._settings.setValue(_LAST_FOLDER, str(Path(path).parent))
        return Path(path)

    # -- imports ------------------------------------------------------------------------------

    def import_package(self) -> None:
        path = self.ask_open_path("Import a programme package", "Programme package (*.json);;All files (*)")
        if path is None or self.context is None:
            return
        services = self.context.services
        self._run(
            services.packages.import_file,
            path,
            title=f"Importing {path.name}",
            done=lambda summary: self._on_programme_created(summary, path),
        )

    def import_logframe(self) -> None:
        path = self.ask_open_path("Import an Excel logframe", "Excel workbook (*.xlsx);;All files (*)")
        if path is None or self.context is None:
            return
        services = self.context.services
        self._run(
            services.logframe.import_workbook,
            path,
            title=f"Importing {path.name}",
            done=lambda summary: self._on_programme_created(summary, path),
        )

    def import_values(self) -> None:
        path = self.ask_open_path("Import data values", "Data values (*.csv *.json);;All files (*)")
        if path is None or self.context is None:
            return
        context = self.context

        def done(summary: Any) -> None:
            context.signals.announce("values")
            QMessageBox.information(
                self._parent,
                "Data values imported",
                f"{path.name}: {summary.created} new, {summary.replaced} replaced, "
                f"{summary.unchanged} unchanged; {summary.warnings} carry a warning to review.",
            )

        self._run(context.services.values.import_file, path, title=f"Importing {path.name}", done=done)

    def _on_programme_created(self, summary: Any, path: Path) -> None:
        assert self.context is not None
        self.context.signals.announce("programmes")
        counts = ", ".join(f"{n} {kind}" for kind, n in summary.counts.items() if n)
        self.status_message.emit(f"Imported {summary.programme_code} from {path.name}: {counts}")
        self.programme_imported.emit(summary.programme_code)

    # -- exports ------------------------------------------------------------------------------

    def export_package(self, programme_code: str | None) -> None:
        if programme_code is None or self.context is None:
            return
        path = self.ask_save_path(
            "Export the programme package", f"{programme_code}.json", "Programme package (*.json)"
        )
        if path is None:
            return
        self._run(
            self.context.services.packages.export_file,
            programme_code,
            path,
            title=f"Exporting {programme_code}",
            done=lambda _: self._saved(path),
        )

    def export_values(self, programme_code: str | None) -> None:
        if programme_code is None or self.context is None:
            return
        path = self.ask_save_path(
            "Export data values", f"{programme_code}-values.csv", "CSV (*.csv);;JSON (*.json)"
        )
        if path is None:
            return
        self._run(
            self.context.services.values.export_file,
            programme_code,
            path,
            title=f"Exporting values of {programme_code}",
            done=lambda _: self._saved(path),
        )

    def write_logframe_template(self) -> None:
        path = self.ask_save_path(
            "Save the Excel logframe template", "pmdesk-logframe-template.xlsx", "Excel workbook (*.xlsx)"
        )
        if path is None or self.context is None:
            return
        from pmdesk.services.logframe_excel import write_template

        self._run(write_template, path, title="Writing the template", done=lambda _: self._saved(path))

    def _saved(self, path: Path) -> None:
        self.status_message.emit(f"Saved {path}")

    # -- running ------------------------------------------------------------------------------

    def _run(self, fn: Callable[..., Any], *args: Any, title: str, done: Callable[[Any], None]) -> None:
        assert self.context is not None
        self.running = run_with_progress(
            self._parent,
            self.context.workers,
            fn,
            *args,
            title=title,
            on_finished=done,
            on_failed=lambda error: show_error(self._parent, title, error),
            reports_progress=_takes_progress(fn),
        )


def _takes_progress(fn: Callable[..., Any]) -> bool:
    """Services that can report progress (and so be cancelled mid-way) take a `progress` keyword."""
    import inspect

    try:
        return "progress" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False

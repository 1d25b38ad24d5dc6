# SPDX-License-Identifier: GPL-3.0-or-later
"""Reports (issue #10 §6): every printable file of the current programme from one screen — the
kind on the left, its options on the right, Create… asks where to save, the file is made in a
worker with progress and Cancel, then opened with the system viewer. The same calls as the CLI's
`pmdesk report / minutes / pirs / form / iptt --format xlsx`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.report_files import UNEXPECTED, open_with_system_viewer, with_suffix, write_failure
from pmdesk.ui.reports.kind_list import KindList
from pmdesk.ui.reports.report_kinds import (
    Option,
    ReportChoices,
    ReportKind,
    ReportRequest,
    available_kinds,
    load_choices,
)
from pmdesk.ui.reports.report_options import ReportOptions
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.widgets.elided_label import ElidedLabel
from pmdesk.ui.workers import Job

if TYPE_CHECKING:
    from pmdesk.reports.reporter import ReportFile
    from pmdesk.ui.context import UiContext
    from pmdesk.ui.signals import DataChange

FOLDER_SETTING = "reports/folder"  # the last folder a report was saved in
SaveAsker = Callable[[QWidget, str, str, str], str]  # parent, title, suggested path, filter → path or ""
Opener = Callable[[Path], bool]


def ask_save_path(parent: QWidget, title: str, suggested: str, file_filter: str) -> str:
    chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return chosen


class ReportsScreen(Screen):
    title = "Reports"
    name = "reports"

    choices_loaded = Signal()
    report_ended = Signal()  # a report was saved, failed or cancelled: the outcome is on screen

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        # Replaceable in tests: the save dialog, the system viewer and the file manager.
        self.ask_save_path: SaveAsker = ask_save_path
        self.open_file: Opener = open_with_system_viewer
        self.show_folder: Opener = open_with_system_viewer
        self.kinds: list[ReportKind] = available_kinds(self.services.reports)
        self.choices: ReportChoices | None = None
        self.last_file: Path | None = None
        self._load_job: Job | None = None
        self._job: Job | None = None
        self._path: Path | None = None
        self._delivered = False
        self._folder = ""
        self._build()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        heading = QLabel("Reports", self)
        font = QFont(self.font())
        font.setBold(True)
        if font.pointSizeF() > 0:
            font.setPointSizeF(font.pointSizeF() * 1.3)
        heading.setFont(font)
        self.programme_label = ElidedLabel("", self, Qt.TextElideMode.ElideRight)

        self.kind_list = KindList(self.kinds, self)
        self.kind_list.currentRowChanged.connect(self._on_kind_changed)
        self.kind_list.entered.connect(self.focus_options)

        self.kind_title = QLabel("", self)
        self.kind_title.setFont(font)
        self.kind_description = QLabel("", self)
        self.kind_description.setWordWrap(True)
        self.options = ReportOptions(self)
        self.options.changed.connect(self._update_proposal)

        self.file_label = ElidedLabel("", self)
        self.folder_label = ElidedLabel("", self)
        self.create_button = QPushButton("&Create…", self)
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_report)
        self.hint_label = QLabel("", self)
        self.hint_label.setWordWrap(True)

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setRange(0, 0)
        self.progress_label = ElidedLabel("", self, Qt.TextElideMode.ElideRight)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.progress_row = QWidget(self)
        progress_layout = QVBoxLayout(self.progress_row)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        progress_line = QHBoxLayout()
        progress_line.addWidget(self.progress_bar, 1)
        progress_line.addWidget(self.cancel_button)
        progress_layout.addWidget(self.progress_label)
        progress_layout.addLayout(progress_line)
        self.progress_row.hide()

        self.result_label = QLabel("", self)
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("&Open", self)
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_last_file)
        self.folder_button = QPushButton("Show in &folder", self)
        self.folder_button.setAutoDefault(False)
        self.folder_button.clicked.connect(self.show_last_folder)
        result_buttons = QHBoxLayout()
        result_buttons.addWidget(self.open_button)
        result_buttons.addWidget(self.folder_button)
        result_buttons.addStretch(1)
        self.open_button.hide()
        self.folder_button.hide()

        create_line = QVBoxLayout()
        create_line.setSpacing(2)
        create_line.addWidget(self.file_label)
        create_line.addWidget(self.folder_label)
        create_button_line = QHBoxLayout()
        create_button_line.addWidget(self.create_button)
        create_button_line.addStretch(1)
        create_line.addSpacing(4)
        create_line.addLayout(create_button_line)

        options = QWidget(self)
        options_layout = QVBoxLayout(options)
        options_layout.addWidget(self.kind_title)
        options_layout.addWidget(self.kind_description)
        options_layout.addWidget(self.options)
        options_layout.addLayout(create_line)
        options_layout.addWidget(self.hint_label)
        options_layout.addWidget(self.progress_row)
        options_layout.addWidget(self.result_label)
        options_layout.addLayout(result_buttons)
        options_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(options)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        body = QHBoxLayout()
        body.addWidget(self.kind_list)
        body.addWidget(scroll, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.programme_label)
        layout.addLayout(body, 1)
        if self.kinds:
            self.kind_list.setCurrentRow(0)
        self._update_proposal()

    def focus_options(self) -> None:
        """Put the focus on the chosen kind's first option, else on Create…."""
        kind = self.current_kind()
        first = self.options.first_input(kind) if kind else None
        (first or self.create_button).setFocus(Qt.FocusReason.TabFocusReason)

    # -- Screen -----------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        """A report is being made."""
        return self._job is not None

    def on_data_changed(self, change: DataChange) -> None:
        if change.concerns(self.programme_code):
            self.refresh_when_shown()

    def refresh(self) -> None:
        if self._load_job is not None:
            self._load_job.cancel()
            self._load_job = None
        code = self.programme_code
        if code is None:
            self.choices = None
            self.programme_label.set_full_text("Choose a programme to make its reports.")
            self.options.fill(None)
            return
        job = Job(load_choices, self.services, code, name="report choices")
        job.finished.connect(self._on_choices_loaded)
        job.failed.connect(self._on_choices_failed)
        self._load_job = self.context.workers.start(job)
        self._update_proposal()

    def _is_current_load(self) -> bool:
        return self._load_job is not None and self.sender() is self._load_job.signals

    def _on_choices_loaded(self, choices: ReportChoices) -> None:
        if not self._is_current_load() or choices.programme_code != self.programme_code:
            return
        self._load_job = None
        self.choices = choices
        self.programme_label.set_full_text(f"{choices.programme_code} — {choices.programme_name}")
        self.options.fill(choices)
        self.choices_loaded.emit()

    def _on_choices_failed(self, error: BaseException) -> None:
        if not self._is_current_load():
            return
        self._load_job = None
        self.choices = None
        self.options.fill(None)
        self.programme_label.set_full_text(
            str(error) if isinstance(error, PmdeskError) else "The programme could not be read. " + UNEXPECTED
        )
        self.choices_loaded.emit()

    # -- the pickers ------------------------------------------------------------------------

    def current_kind(self) -> ReportKind | None:
        row = self.kind_list.currentRow()
        return self.kinds[row] if 0 <= row < len(self.kinds) else None

    def select_kind(self, key: str) -> bool:
        for row, kind in enumerate(self.kinds):
            if kind.key == key:
                self.kind_list.setCurrentRow(row)
                return True
        return False

    def _on_kind_changed(self, _row: int) -> None:
        kind = self.current_kind()
        self.kind_title.setText(kind.label if kind else "")
        self.kind_description.setText(kind.description if kind else "No report can be made.")
        self.options.show_for(kind)
        self._update_proposal()

    def current_request(self) -> ReportRequest | None:
        """The options chosen, or None while the programme's choices are not read yet."""
        choices = self.choices
        if choices is None or choices.programme_code != self.programme_code:
            return None
        return self.options.request(choices)

    def _missing(self, kind: ReportKind, request: ReportRequest | None) -> str:
        """Why Create cannot run yet ('' when it can)."""
        if self.programme_code is None:
            return "Choose a programme first."
        if request is None:
            return "Reading the programme…"
        if Option.MEETING in kind.options and request.meeting_uuid is None:
            return "This programme has no meeting yet: plan one on the Meetings screen."
        if Option.INDICATORS in kind.options and request.indicator_codes == ():
            return "Tick at least one indicator."
        if Option.SITE in kind.options and request.site_code is None:
            return "This programme has no site yet: add one on the Sites & people screen."
        if Option.PERIOD in kind.options and request.period is None:
            return "This programme has no reporting period."
        if not self.choices or not self.choices.indicators:
            return "This programme has no indicator yet: add them on the Framework screen."
        return ""

    def _update_proposal(self) -> None:
        kind = self.current_kind()
        request = self.current_request()
        missing = self._missing(kind, request) if kind else "No report can be made."
        if kind is not None and request is not None:
            self.file_label.set_full_text(f"File: {kind.file_name(request)}")
            self.folder_label.set_full_text(f"In: {self.folder()}")
        else:
            self.file_label.set_full_text("")
            self.folder_label.set_full_text("")
        self.hint_label.setText(missing)
        self.hint_label.setVisible(bool(missing))
        self.create_button.setEnabled(not missing and self._job is None)

    # -- making a report --------------------------------------------------------------------

    def folder(self) -> str:
        """The folder proposed: the last one a report was saved in, else Documents."""
        if not self._folder and self.settings is not None:
            self._folder = str(self.settings.value(FOLDER_SETTING, "", type=str))
        if not self._folder:
            self._folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return self._folder

    def _remember_folder(self, folder: Path) -> None:
        self._folder = str(folder)
        if self.settings is not None:
            self.settings.setValue(FOLDER_SETTING, self._folder)

    def create_report(self) -> None:
        """Create…: ask where to save, then make the report in a worker."""
        kind, request = self.current_kind(), self.current_request()
        if kind is None or request is None or self._missing(kind, request) or self._job is not None:
            return
        suggested = str(Path(self.folder()) / kind.file_name(request))
        chosen = self.ask_save_path(self, f"Save the {kind.label}", suggested, kind.file_filter)
        if not chosen:
            return
        path = with_suffix(Path(chosen), kind.suffix)
        self._remember_folder(path.parent)
        self.start(kind, request, path)

    def start(self, kind: ReportKind, request: ReportRequest, path: Path) -> None:
        """Make `kind` with `request` into `path` off the UI thread."""
        job = Job(kind.make, self.services, request, path, name=f"report {kind.key}", reports_progress=True)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        job.progress.connect(self._on_progress)
        job.signals.ended.connect(self._on_ended)
        self._path = path
        self._delivered = False
        self.progress_bar.setRange(0, 0)
        self.progress_label.set_full_text(f"Creating {path.name}…")
        self.cancel_button.setEnabled(True)
        self.progress_row.show()
        self.result_label.setText("")
        self.open_button.hide()
        self.folder_button.hide()
        self._job = self.context.workers.start(job)
        self._update_proposal()

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.set_full_text("Cancelling…")

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if self._job is None or self._job.is_cancelled:
            return
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
        else:
            self.progress_bar.setRange(0, 0)
        if message:
            self.progress_label.set_full_text(message)

    def _on_finished(self, report: ReportFile) -> None:
        self._delivered = True
        self.last_file = Path(report.path)
        pages = f" ({report.pages} page{'s' if report.pages != 1 else ''})" if report.pages else ""
        text = f"Saved {self.last_file.name}{pages} in {self.last_file.parent}."
        if not self.open_file(self.last_file):
            text += " No program to open it was found: open it from its folder."
        self.result_label.setText(text)
        self.open_button.show()
        self.folder_button.show()
        self.status_message.emit(f"Saved {self.last_file}{pages}")

    def _on_failed(self, error: BaseException) -> None:
        self._delivered = True
        path = self._path or Path("report")
        self.result_label.setText(f"The report was not made. {write_failure(error, path)}")

    def _on_ended(self) -> None:
        job, self._job = self._job, None
        self.progress_row.hide()
        if job is not None and job.is_cancelled and not self._delivered:
            self.result_label.setText("Cancelled: nothing was written.")
        self._update_proposal()
        self.report_ended.emit()

    def open_last_file(self) -> None:
        if self.last_file is not None and not self.open_file(self.last_file):
            self.result_label.setText(f"No program to open {self.last_file.name} was found.")

    def show_last_folder(self) -> None:
        if self.last_file is not None:
            self.show_folder(self.last_file.parent)

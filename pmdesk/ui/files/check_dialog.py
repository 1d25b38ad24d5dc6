# SPDX-License-Identifier: GPL-3.0-or-later
"""File ▸ Check database…: the integrity check on a worker, its verdict in plain words, and, when the
totals the IPTT reads differ from the values, the repair that sums them again (issue #11)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.errors import PmdeskError
from pmdesk.services.integrity import REPAIR_HINT
from pmdesk.ui.workers import Job, Workers

if TYPE_CHECKING:
    from pmdesk.services.integrity import IntegrityReport, IntegrityService, SummaryRepair

# In the dialog, the way to repair is its own button.
HINT_HERE = "press “Sum the values again” below"

# How the check's table counts are said: in the order shown, with a plural noun.
COUNTED = (
    ("programme", "programme", "programmes"),
    ("indicator", "indicator", "indicators"),
    ("site", "site", "sites"),
    ("target", "target", "targets"),
    ("data_value", "data value", "data values"),
    ("history", "history entry", "history entries"),
)

REPAIR_NOTE = (
    "The totals the IPTT, the Dashboard and Completeness read are kept beside the values so that they "
    "open quickly. They are only derived from the values: summing them again changes no value, and "
    "a verified backup of the file is made first."
)

WHAT_IS_CHECKED = (
    "The check reads the whole file: SQLite's own test for damage; the data PMDesk would never "
    "write (values and targets for periods that do not exist, at sites of another programme, "
    "percents without a denominator, references to rows that are gone, results or sites that are "
    "their own parents); and whether the totals the IPTT, the Dashboard and Completeness read "
    "still equal the values. It changes nothing."
)


def counts_sentence(counts: dict[str, int]) -> str:
    """{"programme": 1, "data_value": 1675, …} → "1 programme, …, 1,675 data values"."""
    parts = [
        f"{counts[key]:,} {one if counts[key] == 1 else many}" for key, one, many in COUNTED if key in counts
    ]
    return ", ".join(parts)


class CheckDatabaseDialog(QDialog):
    """Checks as soon as it is shown; says what it found; offers "Sum the values again" when a
    programme's value summary differs from its values, and "Check again"."""

    repaired = Signal(tuple)  # the codes of the programmes whose values were summed again

    def __init__(
        self, integrity: IntegrityService, workers: Workers, database_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._integrity = integrity
        self._workers = workers
        self._database_name = database_name
        self._job: Job | None = None
        self.report: IntegrityReport | None = None
        self.setWindowTitle("Check database")
        self.setMinimumWidth(560)

        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        heading_font = QFont(self.heading.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.25)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(False)
        self.problems = QTextBrowser(self)
        self.problems.setOpenLinks(False)
        self.repair_note = QLabel(REPAIR_NOTE, self)
        self.repair_note.setWordWrap(True)
        self.what_is_checked = QLabel(WHAT_IS_CHECKED, self)
        self.what_is_checked.setWordWrap(True)

        self.buttons = QDialogButtonBox(self)
        self.repair_button = QPushButton("&Sum the values again", self)
        self.repair_button.setToolTip("Sum the values again where the totals differ from them")
        self.repair_button.clicked.connect(self._on_repair_clicked)
        self.again_button = QPushButton("Check &again", self)
        self.again_button.clicked.connect(self.start_check)
        self.close_button = QPushButton("Cancel", self)
        self.close_button.clicked.connect(self.reject)
        self.buttons.addButton(self.repair_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.again_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.RejectRole)

        for label in (self.heading, self.detail, self.what_is_checked, self.repair_note):
            label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.heading)
        self._layout.addWidget(self.detail)
        self._layout.addWidget(self.progress)
        self._layout.addSpacing(8)
        self._layout.addWidget(self.what_is_checked)
        self._layout.addWidget(self.problems, 1)
        # Takes the room the list leaves when there is none: the words stay at the top.
        self._layout.addStretch(1)
        self._spacer_index = self._layout.count() - 1
        self._layout.addWidget(self.repair_note)
        self._layout.addWidget(self.buttons)
        self.resize(760, 460)

    # -- running ------------------------------------------------------------------------------

    def start_check(self) -> None:
        """Check on a worker; the dialog shows progress until the verdict."""
        self._working(f"Checking {self._database_name} …", "Starting")
        job = Job(self._integrity.check, name="check the database", reports_progress=True)
        job.finished.connect(self._on_checked)
        self._run(job)

    def _on_repair_clicked(self) -> None:
        if self.report is None or not self.report.stale_summaries:
            return
        codes = self.report.stale_summaries
        self._working(f"Summing the values of {', '.join(codes)} again …", "Backing up the database")
        job = Job(self._integrity.repair_summary, codes, name="sum the values again", reports_progress=True)
        job.finished.connect(self._on_repaired)
        self._run(job)

    def _run(self, job: Job) -> None:
        if self._job is not None:
            self._job.cancel()
        self._job = job
        job.progress.connect(lambda done, total, message, j=job: self._on_progress(j, done, total, message))
        job.failed.connect(lambda error, j=job: self._on_failed(j, error))
        self._workers.start(job)

    def _working(self, heading: str, detail: str) -> None:
        self.heading.setText(heading)
        self.detail.setText(detail)
        self.progress.setRange(0, 0)
        self.progress.show()
        self._show_problems(False)
        self.repair_note.hide()
        self.repair_button.hide()
        self.again_button.setEnabled(False)
        self.close_button.setText("Cancel")

    def _on_progress(self, job: Job, done: int, total: int, message: str) -> None:
        if job is not self._job:
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self.detail.setText(f"{message} …")

    def _done(self) -> None:
        self._job = None
        self.progress.hide()
        self.again_button.setEnabled(True)
        self.close_button.setText("Close")

    # -- verdicts -----------------------------------------------------------------------------

    def _on_checked(self, report: IntegrityReport) -> None:
        self._done()
        self.show_report(report)

    def _on_repaired(self, repair: SummaryRepair) -> None:
        self._done()
        if repair.rebuilt:
            self.repaired.emit(repair.rebuilt)
        said = (
            f"The values of {', '.join(repair.rebuilt)} were summed again"
            + (f" (a verified backup is in {repair.backup.parent.name})" if repair.backup else "")
            + ". No value was changed."
            if repair.rebuilt
            else "There was nothing to sum again."
        )
        self.show_report(repair.report, before=said)

    def show_report(self, report: IntegrityReport, before: str = "") -> None:
        self.report = report
        counted = counts_sentence(report.counts)
        lead = f"{before} " if before else ""
        if report.ok:
            self.heading.setText(f"No problems found in {self._database_name}")
            self.detail.setText(f"{lead}Checked: {counted}." if counted else f"{lead}Every check passed.")
            self._show_problems(False)
        else:
            n = len(report.problems)
            self.heading.setText(f"{n} problem{'s' if n != 1 else ''} found in {self._database_name}")
            self.detail.setText(f"{lead}Checked: {counted}." if counted else lead.strip())
            items = "".join(
                f"<li style='margin-bottom: 6px'>{html.escape(problem.replace(REPAIR_HINT, HINT_HERE))}</li>"
                for problem in report.problems
            )
            self.problems.setHtml(f"<ul>{items}</ul>")
            self._show_problems(True)
        stale = bool(report.stale_summaries)
        self.repair_button.setVisible(stale)
        self.repair_note.setVisible(stale)
        if stale:
            self.repair_button.setDefault(True)
            self.repair_button.setFocus()
        else:
            self.close_button.setDefault(True)

    def _on_failed(self, job: Job, error: object) -> None:
        if job is not self._job:
            return
        self._done()
        self.heading.setText("The check could not finish")
        if isinstance(error, PmdeskError):
            self.detail.setText(str(error))
        else:
            self.detail.setText("Something went wrong; the details were written to PMDesk's log file.")
        self._show_problems(False)
        self.repair_note.hide()
        self.repair_button.hide()

    def _show_problems(self, shown: bool) -> None:
        self.problems.setVisible(shown)
        self.what_is_checked.setVisible(not shown)
        self._layout.setStretch(self._spacer_index, 0 if shown else 1)

    # -- closing ------------------------------------------------------------------------------

    def reject(self) -> None:
        """Cancel or Close (or Esc): a running check is abandoned, its verdict dropped."""
        if self._job is not None:
            self._job.cancel()
            self._job = None
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        super().closeEvent(event)

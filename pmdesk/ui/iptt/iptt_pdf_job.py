# SPDX-License-Identifier: GPL-3.0-or-later
"""Save as PDF… and Print… on the IPTT screen: the IPTT as shown (as of, site, approved only and
the filters) written by pmdesk/reports/iptt_pdf.py in a worker behind a progress dialog, then opened
with the system's PDF viewer. Print… writes the same PDF to a temporary folder and opens it, to be
printed from the viewer: PMDesk does not drive printers itself."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QWidget

from pmdesk.ui.report_files import OneReportAtATime, pages_text, safe_file_name, write_failure
from pmdesk.ui.report_files import open_with_system_viewer as open_file  # tests replace it

if TYPE_CHECKING:
    from pmdesk.domain.iptt_filter import IpttFilter
    from pmdesk.reports.pdf_document import Progress
    from pmdesk.reports.reporter import ReportFile


@dataclass(frozen=True)
class IpttPrintRequest:
    """What is on screen: the programme, the period shown, the site subtree, approved only, the filter."""

    programme_code: str
    as_of: str | None
    site_code: str | None
    approved_only: bool
    shown: IpttFilter


def ask_pdf_path(parent: QWidget, suggested: str) -> str:
    """Where to save; "" when the user cancels (tests replace this)."""
    chosen, _ = QFileDialog.getSaveFileName(parent, "Save the IPTT as PDF", suggested, "PDF (*.pdf)")
    return chosen


def suggested_name(request: IpttPrintRequest) -> str:
    """'WASH-01 IPTT 2026Q2 N01 filtered.pdf', safe on every system."""
    parts = [request.programme_code, "IPTT", request.as_of or "", request.site_code or ""]
    if request.shown.is_active:
        parts.append("filtered")
    return safe_file_name(" ".join(p for p in parts if p)) + ".pdf"


def failure_text(error: BaseException, path: Path) -> str:
    return f"The IPTT could not be written. {write_failure(error, path)}"


class IpttPdf(OneReportAtATime):
    """One PDF of the IPTT at a time: saved where the user says, or opened to print."""

    _printing = False

    def ask_and_save(self, request: IpttPrintRequest) -> bool:
        """Save as PDF…: False when a job is running or the user cancelled the file dialog."""
        if self.is_running:
            return False
        path = self._choose_path(ask_pdf_path, suggested_name(request))
        if path is None:
            return False
        self.write(request, path, printing=False)
        return True

    def print_(self, request: IpttPrintRequest) -> bool:
        """Print…: the PDF in a temporary folder, opened in the viewer to print from there."""
        if self.is_running:
            return False
        folder = Path(tempfile.mkdtemp(prefix="pmdesk-print-"))
        stamp = datetime.now().strftime("%H%M%S")
        self.write(request, folder / suggested_name(request).replace(".pdf", f" {stamp}.pdf"), printing=True)
        return True

    def write(self, request: IpttPrintRequest, path: Path, printing: bool = False) -> None:
        self._printing = printing
        self._run(
            _write,
            self._context.services.reports.iptt,
            request,
            path,
            title="Preparing the IPTT for printing" if printing else f"Saving the IPTT as {path.name}",
            path=path,
            failure=failure_text,
        )

    def _written(self, report: ReportFile) -> None:
        pages = pages_text(report.pages)
        opened = open_file(report.path)
        if self._printing:
            if opened:
                self.said.emit(f"The IPTT ({pages}) is open in the PDF viewer: print it from there.", False)
            else:
                self.said.emit(
                    f"The IPTT ({pages}) was saved to {report.path} for printing, but no PDF viewer "
                    "could open it here.",
                    True,
                )
        elif opened:
            self.said.emit(f"Saved the IPTT to {report.path} ({pages}) and opened it.", False)
        else:
            self.said.emit(
                f"Saved the IPTT to {report.path} ({pages}); no PDF viewer could open it here.", False
            )


def _write(
    iptt_report: Callable[..., ReportFile],
    request: IpttPrintRequest,
    path: Path,
    progress: Progress | None = None,
) -> ReportFile:
    """The job (on a pool thread): Reports.iptt over what the screen shows."""
    return iptt_report(
        request.programme_code,
        path,
        as_of=request.as_of,
        site_code=request.site_code,
        approved_only=request.approved_only,
        shown=request.shown,
        progress=progress,
    )

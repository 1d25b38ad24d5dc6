# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT screen's export buttons (Excel, CSV, Save as PDF…, Print…): enabled once a table is
shown and while no export runs; the outcome told in one sentence (`told`), a failure also in a
message box."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMenu, QMessageBox, QPushButton, QToolButton, QWidget

from pmdesk.ui.iptt.iptt_export import ExportKind, IpttExporter
from pmdesk.ui.iptt.iptt_pdf_job import IpttPdf, IpttPrintRequest

if TYPE_CHECKING:
    from pmdesk.services.iptt import IpttTable
    from pmdesk.ui.context import UiContext


class IpttExportActions(QObject):
    """Buttons on `parent` that export the table `current_table()` returns (None: nothing shown);
    the PDF buttons print what `current_request()` describes (the filters included)."""

    told = Signal(str)

    def __init__(
        self,
        context: UiContext,
        parent: QWidget,
        current_table: Callable[[], IpttTable | None],
        current_request: Callable[[], IpttPrintRequest | None],
    ) -> None:
        super().__init__(parent)
        self._widget = parent
        self._current_table = current_table
        self._current_request = current_request
        self.pdf = IpttPdf(context, parent)
        self.pdf.said.connect(self._on_pdf_said)
        self.pdf.running_changed.connect(self.update)
        self.exporter = IpttExporter(context, parent)
        self.exporter.exported.connect(self._on_exported)
        self.exporter.failed.connect(self._on_failed)
        self.exporter.cancelled.connect(self._on_cancelled)
        self.exporter.running_changed.connect(self.update)

        self.excel_button = QPushButton("Export to E&xcel…", parent)
        self.excel_button.setToolTip("Save this IPTT, as shown, as an Excel workbook with its change log")
        self.excel_button.clicked.connect(lambda: self._export(ExportKind.EXCEL))
        self.csv_button = QPushButton("Export &CSV…", parent)
        self.csv_button.setToolTip(
            "Save this IPTT, as shown, as a CSV file: one row per indicator and period"
        )
        self.csv_button.clicked.connect(lambda: self._export(ExportKind.CSV))
        # One button for both, so the band of pickers keeps its lines on a small screen.
        self.pdf_button = QToolButton(parent)
        self.pdf_button.setText("P&DF / Print")
        self.pdf_button.setToolTip(
            "Save this IPTT as shown as a PDF, or open it as a PDF to print it (Alt+D)"
        )
        self.pdf_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.pdf_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        menu = QMenu(parent)
        self.save_pdf_action = menu.addAction("&Save as PDF…")
        self.save_pdf_action.setToolTip(
            "Save this IPTT as shown (period, site, approved only and the filters) as a landscape PDF, "
            "then open it"
        )
        self.save_pdf_action.triggered.connect(self._save_pdf)
        self.print_action = menu.addAction("&Print… (opens the PDF to print from your viewer)")
        self.print_action.setToolTip(
            "Open this IPTT as shown as a PDF in the system's viewer, to print it there"
        )
        self.print_action.triggered.connect(self._print)
        menu.setToolTipsVisible(True)
        self.pdf_button.setMenu(menu)
        self.update()

    @property
    def buttons(self) -> tuple[QPushButton | QToolButton, ...]:
        return (self.excel_button, self.csv_button, self.pdf_button)

    def update(self, _running: bool = False) -> None:
        shown = self._current_table() is not None
        ready = shown and not self.exporter.is_running and not self.pdf.is_running
        for button in self.buttons:
            button.setEnabled(ready)
        tip = "" if shown else " (once the IPTT is shown)"
        self.excel_button.setStatusTip(f"Save this IPTT as an Excel workbook{tip}")
        self.csv_button.setStatusTip(f"Save this IPTT as a CSV file{tip}")
        self.pdf_button.setStatusTip(f"Save or print this IPTT as a PDF{tip}")

    def _export(self, kind: ExportKind) -> None:
        table = self._current_table()
        if table is not None:
            self.exporter.ask_and_export(kind, table)

    def _save_pdf(self) -> None:
        request = self._current_request()
        if request is not None:
            self.pdf.ask_and_save(request)

    def _print(self) -> None:
        request = self._current_request()
        if request is not None:
            self.pdf.print_(request)

    def _on_pdf_said(self, message: str, _is_error: bool) -> None:
        self.told.emit(message)  # on the screen and in the status bar; nothing was half-written

    def _on_exported(self, path: str) -> None:
        self.told.emit(f"Exported the IPTT to {path}")

    def _on_cancelled(self) -> None:
        self.told.emit("Export cancelled: no file was written.")

    def _on_failed(self, message: str) -> None:
        self.told.emit("The export failed.")
        QMessageBox.warning(self._widget, "Export failed", message)

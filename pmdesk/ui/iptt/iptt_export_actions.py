# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT screen's export buttons: enabled once a table is shown and while no export runs; the
outcome told in one sentence (`told`), a failure also in a message box."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from pmdesk.ui.iptt.iptt_export import ExportKind, IpttExporter

if TYPE_CHECKING:
    from pmdesk.services.iptt import IpttTable
    from pmdesk.ui.context import UiContext


class IpttExportActions(QObject):
    """Buttons on `parent` that export the table `current_table()` returns (None: nothing shown)."""

    told = Signal(str)

    def __init__(
        self, context: UiContext, parent: QWidget, current_table: Callable[[], IpttTable | None]
    ) -> None:
        super().__init__(parent)
        self._widget = parent
        self._current_table = current_table
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
        self.update()

    @property
    def buttons(self) -> tuple[QPushButton, ...]:
        return (self.excel_button, self.csv_button)

    def update(self, _running: bool = False) -> None:
        shown = self._current_table() is not None
        ready = shown and not self.exporter.is_running
        for button in self.buttons:
            button.setEnabled(ready)
        tip = "" if shown else " (once the IPTT is shown)"
        self.excel_button.setStatusTip(f"Save this IPTT as an Excel workbook{tip}")
        self.csv_button.setStatusTip(f"Save this IPTT as a CSV file{tip}")

    def _export(self, kind: ExportKind) -> None:
        table = self._current_table()
        if table is not None:
            self.exporter.ask_and_export(kind, table)

    def _on_exported(self, path: str) -> None:
        self.told.emit(f"Exported the IPTT to {path}")

    def _on_cancelled(self) -> None:
        self.told.emit("Export cancelled: no file was written.")

    def _on_failed(self, message: str) -> None:
        self.told.emit("The export failed.")
        QMessageBox.warning(self._widget, "Export failed", message)

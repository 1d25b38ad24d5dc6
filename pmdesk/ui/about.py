# SPDX-License-Identifier: GPL-3.0-or-later
"""Help ▸ About PMDesk: version, licence, and where the database and the log file are."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from pmdesk import __version__


def show_about(parent: QWidget, database_path: Path, log_path: Path | None) -> None:
    log = f"<p>Log file: {html.escape(str(log_path))}</p>" if log_path else ""
    QMessageBox.about(
        parent,
        "About PMDesk",
        f"<h3>PMDesk {html.escape(__version__)}</h3>"
        "<p>Offline-first programme performance management: indicators, targets, actuals, "
        "the IPTT, reviews and reports.</p>"
        "<p>Licence: GNU GPL, version 3 or later.</p>"
        f"<p>Database: {html.escape(str(database_path))}</p>{log}",
    )

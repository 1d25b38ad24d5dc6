# SPDX-License-Identifier: GPL-3.0-or-later
"""File ▸ Import log, and the data-entry History panel naming the import that set a value."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pmdesk.storage.database import Database
from pmdesk.ui.context import Services
from pmdesk.ui.entry.entry_history_model import COL_CHANGE
from pmdesk.ui.entry.entry_history_panel import EntryHistoryPanel
from pmdesk.ui.entry.entry_rows import RowKind, build_rows
from pmdesk.ui.files.import_log_dialog import ImportLogDialog
from pmdesk.ui.files.import_log_table_model import COL_FILE, COL_PROGRAMME, COL_SHA
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.workers import Workers
from tests.ui.programme_factory import Built

HEADER = "programme,indicator,period,site,options,value,numerator,denominator,comment"


def import_csv(services: Services, path: Path, *rows: str) -> str:
    """Import `rows` from a CSV file at `path`; its SHA-256."""
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    services.values.import_file(path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_file_import_log_lists_the_imports_of_the_programme(
    qtbot: QtBot,
    db: Database,
    services: Services,
    small: Built,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    first = import_csv(services, tmp_path / "march.csv", f"{small.code},1.1,2025Q3,S1,,650,,,")
    second = import_csv(services, tmp_path / "recount.csv", f"{small.code},1.1,2025Q3,S1,,640,,,")
    window = MainWindow(db.path, workers, signals, settings)
    qtbot.addWidget(window)
    window.show()
    window.attach(services)
    qtbot.waitUntil(lambda: window.programme_combo.count() > 0, timeout=10_000)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.menus.import_log_action in file_menu.actions()  # type: ignore[union-attr]

    window.menus.import_log_action.trigger()
    dialog = window.import_log_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowModality() == Qt.WindowModality.WindowModal  # open(): no import meanwhile
    model = dialog.model
    assert [model.data(model.index(r, COL_FILE)) for r in range(model.rowCount())] == [
        "recount.csv",
        "march.csv",
    ]
    assert model.data(model.index(0, COL_SHA)) == second[:12] + "…"
    assert dialog.table.isColumnHidden(COL_PROGRAMME)  # one programme: no need to say which
    assert small.code in dialog.heading.text()
    # The newest is selected and shown in full: the whole SHA-256, the counts.
    assert second in dialog.details.text()
    assert "0 new, 1 replaced, 0 unchanged" in dialog.details.text()
    dialog.table.selectRow(1)
    assert first in dialog.details.text() and "1 new" in dialog.details.text()
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == first

    dialog.every_programme.setChecked(True)
    assert not dialog.table.isColumnHidden(COL_PROGRAMME)
    assert model.rowCount() == 2
    dialog.reject()


def test_an_empty_log_says_where_imports_come_from(qtbot: QtBot, services: Services, small: Built) -> None:
    dialog = ImportLogDialog(services.history.imports, small.code)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 0
    assert "File ▸ Import" in dialog.empty_label.text() and dialog.empty_label.isVisible()
    assert not dialog.copy_button.isEnabled()
    dialog.grab()  # lays out and paints without complaint


def test_the_history_panel_names_the_import_that_set_the_value(
    qtbot: QtBot, services: Services, small: Built, tmp_path: Path
) -> None:
    sha = import_csv(services, tmp_path / "recount.csv", f"{small.code},1.1,2025Q1,S1,,650,,,")
    panel = EntryHistoryPanel(services.history)
    qtbot.addWidget(panel)
    panel.show()
    grid = services.entry_grid.grid(small.code, "S1", "2025Q1")
    rows = {r.indicator.code: r for r in build_rows(grid) if r.kind is RowKind.CELL and r.indicator}

    panel.show_cell(rows["1.1"], grid)
    assert "Imported by tester, " in panel.details.text()
    assert f"from <b>recount.csv</b>, SHA-256 {sha[:12]}…" in panel.details.text()
    change = panel.model.data(panel.model.index(0, COL_CHANGE))
    assert change.splitlines()[0] == "Value: 600 → 650"
    assert change.splitlines()[2] == "import of recount.csv"

    panel.show_cell(rows["2.1"], grid)  # entered by hand
    assert "Entered by tester" in panel.details.text() and "Imported" not in panel.details.text()
    QApplication.processEvents()

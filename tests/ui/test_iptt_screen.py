# SPDX-License-Identifier: GPL-3.0-or-later
"""IpttScreen: pickers through the worker, approved-only, the per-site drill-down, Excel and CSV export."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.errors import NotFoundError
from pmdesk.ui.context import UiContext
from pmdesk.ui.iptt import iptt_export
from pmdesk.ui.iptt.iptt_export import ExportKind, default_file_name, export_csv
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.iptt.iptt_site_dialog import IpttSiteDialog
from pmdesk.ui.iptt.iptt_site_table_model import COL_SITE, COL_STATUS, COL_TO_DATE, FIGURES_ROLE
from pmdesk.ui.iptt.iptt_table_model import COL_INDICATOR, COL_TO_DATE_ACTUAL
from pmdesk.ui.iptt.iptt_table_model import COL_STATUS as IPTT_STATUS
from pmdesk.ui.signals import Navigation
from pmdesk.ui.workers import JobCancelled
from tests.ui.programme_factory import Built

DISPLAY = Qt.ItemDataRole.DisplayRole


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext) -> IpttScreen:
    widget = IpttScreen(context)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for exports (the test database lives in tmp_path)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def loaded(qtbot: QtBot, screen: IpttScreen, small: Built) -> IpttScreen:
    with qtbot.waitSignal(screen.table_loaded, timeout=10_000):
        screen.set_programme(small.code)
    return screen


def figure(screen: IpttScreen, indicator: str, column: int) -> str:
    row = screen.model.indicator_row_of(indicator)
    return screen.model.data(screen.model.index(row, column), DISPLAY)


def pick(qtbot: QtBot, screen: IpttScreen, combo_name: str, code: str | None) -> None:
    combo = getattr(screen, combo_name)
    index = combo.findData(code) if code is not None else 0
    assert index >= 0, code
    with qtbot.waitSignal(screen.table_loaded, timeout=10_000):
        combo.setCurrentIndex(index)


def double_click(qtbot: QtBot, widget: QWidget, pos: QPoint) -> None:
    # QTest's double click is only the second click; an item view wants the first one too.
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def save_as(monkeypatch: pytest.MonkeyPatch, path: Path | None) -> list[str]:
    """Answer the save dialog with `path` (None: the user cancels); returns the suggested names."""
    suggested: list[str] = []

    def fake(_parent: object, _title: str, directory: str, _filter: str) -> tuple[str, str]:
        suggested.append(directory)
        return (str(path) if path else "", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return suggested


def open_sites(qtbot: QtBot, screen: IpttScreen, opener: Callable[[], object]) -> IpttSiteDialog:
    opener()
    dialog = screen.site_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=10_000)
    return dialog


def site_figures(dialog: IpttSiteDialog, row: int, column: int) -> Any:
    return dialog.model.data(dialog.model.index(row, column), FIGURES_ROLE)


# -- the screen --------------------------------------------------------------------------------


def test_a_screen_built_from_the_context(loaded: IpttScreen, small: Built) -> None:
    assert (IpttScreen.name, IpttScreen.title) == ("iptt", "IPTT")
    assert loaded.programme_code == small.code
    assert loaded.title_label.text() == "Clean water for Zinder"
    assert "as of 2025 Q2" in loaded.subtitle_label.text() and "all data" in loaded.subtitle_label.text()
    assert figure(loaded, "1.1", COL_TO_DATE_ACTUAL) == "1,800"
    assert loaded.excel_button.isEnabled() and loaded.csv_button.isEnabled()


def test_export_needs_a_table(screen: IpttScreen) -> None:
    assert not screen.excel_button.isEnabled() and not screen.csv_button.isEnabled()


def test_pickers_change_the_figures_and_the_last_choice_wins(qtbot: QtBot, loaded: IpttScreen) -> None:
    pick(qtbot, loaded, "site_combo", "S2")
    assert figure(loaded, "1.1", COL_TO_DATE_ACTUAL) == "800"
    assert figure(loaded, "1.1", IPTT_STATUS) == "At risk"
    pick(qtbot, loaded, "as_of_combo", "2025Q1")
    assert figure(loaded, "1.1", COL_TO_DATE_ACTUAL) == "500"
    loaded.site_combo.setCurrentIndex(loaded.site_combo.findData("S1"))
    loaded.site_combo.setCurrentIndex(0)
    loaded.as_of_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: not loaded.is_busy, timeout=10_000)
    qtbot.wait(100)  # anything stale still queued would arrive now
    table = loaded.model.table
    assert table is not None and (table.site_code, table.as_of) == (None, "2025Q2")


def test_approved_data_only_changes_the_figures(
    qtbot: QtBot, loaded: IpttScreen, context: UiContext, small: Built
) -> None:
    entry = context.services.entry
    entry.submit(small.code, "S1", "2025Q1")
    entry.approve(small.code, "S1", "2025Q1")
    with qtbot.waitSignal(loaded.table_loaded, timeout=10_000):
        qtbot.mouseClick(loaded.approved_check, Qt.MouseButton.LeftButton)
    assert loaded.approved_check.isChecked()
    table = loaded.model.table
    assert table is not None and table.approved_only
    assert figure(loaded, "1.1", COL_TO_DATE_ACTUAL) == "600"  # only Mirriah's approved Q1
    assert "as of 2025 Q1" in loaded.subtitle_label.text()  # the latest period with approved data
    assert "approved data only" in loaded.subtitle_label.text()
    with qtbot.waitSignal(loaded.table_loaded, timeout=10_000):
        loaded.approved_check.setChecked(False)
    assert figure(loaded, "1.1", COL_TO_DATE_ACTUAL) == "1,800"


def test_a_failure_is_shown_not_swallowed(
    qtbot: QtBot, loaded: IpttScreen, context: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(context.services.iptt, "table", broken)
    with qtbot.waitSignal(loaded.load_failed, timeout=10_000):
        loaded.refresh()
    # A fault is logged, not shown: the user reads a sentence, never an exception.
    assert loaded.error_text == (
        "The IPTT could not be loaded: an unexpected problem stopped it. The details are in the log file."
    )
    assert loaded.model.rowCount() == 0 and not loaded.excel_button.isEnabled()
    monkeypatch.undo()
    with qtbot.waitSignal(loaded.table_loaded, timeout=10_000):
        loaded.refresh()
    assert loaded.error_text == ""


def test_data_changes_refresh_but_people_do_not(
    qtbot: QtBot, loaded: IpttScreen, context: UiContext, small: Built
) -> None:
    context.signals.announce("people", small.code)
    assert not loaded.is_busy
    with qtbot.waitSignal(loaded.table_loaded, timeout=10_000):
        context.signals.announce("values", small.code)


def test_navigate_and_find_select_an_indicator(qtbot: QtBot, screen: IpttScreen, small: Built) -> None:
    screen.set_programme(small.code)
    screen.navigate(Navigation("iptt", small.code, indicator_code="2.1"))  # still loading
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0 and not screen.is_busy, timeout=10_000)
    assert screen.table_view.currentIndex().row() == screen.model.indicator_row_of("2.1")
    assert screen.find_text("litres")
    assert screen.table_view.currentIndex().row() == screen.model.indicator_row_of("2.3")
    assert screen.find_text("1.1")
    assert not screen.find_text("no such indicator")


# -- values by site ----------------------------------------------------------------------------


def test_double_click_shows_site_figures_that_add_up(qtbot: QtBot, loaded: IpttScreen) -> None:
    view = loaded.table_view
    row = loaded.model.indicator_row_of("1.1")
    index = loaded.model.index(row, COL_TO_DATE_ACTUAL)
    view.scrollTo(index)
    dialog = open_sites(
        qtbot, loaded, lambda: double_click(qtbot, view.viewport(), view.visualRect(index).center())
    )
    model = dialog.model
    assert dialog.windowTitle() == "1.1 — values by site"
    assert [model.data(model.index(r, COL_SITE), DISPLAY) for r in range(model.rowCount())] == [
        "Zinder › Mirriah",
        "Zinder › Magaria",
        "Total: Whole programme",
    ]
    assert model.data(model.index(0, COL_TO_DATE), DISPLAY) == "1,000 / 1,000 · 100%"
    assert model.data(model.index(1, COL_STATUS), DISPLAY) == "At risk"
    assert model.data(model.index(2, COL_TO_DATE), DISPLAY) == "1,800 / 2,000 · 90%"
    # Every period and the figure to date: the sites add up to the IPTT's own figure.
    for column in range(COL_TO_DATE, model.columnCount()):
        if column == COL_STATUS:
            continue
        sites = sum(site_figures(dialog, r, column)[0] for r in (0, 1))
        assert sites == site_figures(dialog, 2, column)[0]
    assert figure(loaded, "1.1", COL_TO_DATE_ACTUAL) == "1,800"
    dialog.close()


def test_enter_on_the_frozen_name_opens_the_dialog_for_the_subtree(qtbot: QtBot, loaded: IpttScreen) -> None:
    pick(qtbot, loaded, "site_combo", "S1")
    view = loaded.table_view
    view.setFocus()
    view.setCurrentIndex(loaded.model.index(loaded.model.indicator_row_of("1.2"), COL_INDICATOR))
    dialog = open_sites(qtbot, loaded, lambda: qtbot.keyClick(view, Qt.Key.Key_Return))
    model = dialog.model
    assert [model.data(model.index(r, COL_SITE), DISPLAY) for r in range(model.rowCount())] == [
        "Zinder › Mirriah",
        "Total: Mirriah",
    ]
    assert site_figures(dialog, 0, COL_TO_DATE)[0] == 75.0  # 45 ÷ 60
    assert "Percentages do not add up" in dialog.subtitle_label.text()
    dialog.close()


def test_result_rows_open_nothing(qtbot: QtBot, loaded: IpttScreen) -> None:
    view = loaded.table_view
    view.setFocus()
    view.setCurrentIndex(loaded.model.index(0, COL_INDICATOR))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert loaded.site_dialog is None


def test_qualitative_texts_by_site(qtbot: QtBot, loaded: IpttScreen) -> None:
    dialog = open_sites(qtbot, loaded, lambda: loaded.open_site_figures("2.2"))
    model = dialog.model
    assert model.data(model.index(0, 4), DISPLAY) == "Committee meets monthly"
    assert model.data(model.index(1, 4), DISPLAY) == "Committee not yet formed"
    assert dialog.table_view.isColumnHidden(COL_TO_DATE)
    dialog.close()


def test_a_drill_down_failure_is_shown(
    qtbot: QtBot, loaded: IpttScreen, context: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(*_args: object, **_kwargs: object) -> None:
        raise NotFoundError("programme WASH-T has no indicator '1.1'")

    monkeypatch.setattr(context.services.iptt, "by_site", gone)
    loaded.open_site_figures("1.1")
    dialog = loaded.site_dialog
    assert dialog is not None
    with qtbot.waitSignal(dialog.load_failed, timeout=10_000):
        pass
    assert "no indicator" in dialog.status_label.text()
    dialog.close()


# -- export ------------------------------------------------------------------------------------


def test_excel_export_writes_a_workbook(
    qtbot: QtBot, loaded: IpttScreen, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    target = out / "iptt"
    suggested = save_as(monkeypatch, target)
    with qtbot.waitSignal(loaded.exporter.exported, timeout=20_000) as done:
        qtbot.mouseClick(loaded.excel_button, Qt.MouseButton.LeftButton)
    written = out / "iptt.xlsx"  # the extension is added when left out
    assert done.args == [str(written)]
    assert suggested[0].endswith("IPTT WASH-T 2025Q2.xlsx")
    workbook = load_workbook(written, read_only=True)
    cells = [str(c) for row in workbook["IPTT"].iter_rows(values_only=True) for c in row if c is not None]
    workbook.close()
    assert any("Clean water for Zinder" in c for c in cells)
    assert {"1.1", "1.2", "2.1", "2.2", "2.3"} <= set(cells)
    assert str(written) in loaded.status_label.text()
    assert [p.name for p in out.iterdir()] == ["iptt.xlsx"]
    qtbot.waitUntil(lambda: loaded.excel_button.isEnabled())


def test_csv_export_is_utf8_with_a_bom(
    qtbot: QtBot, loaded: IpttScreen, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = out / "iptt.csv"
    save_as(monkeypatch, target)
    messages: list[str] = []
    loaded.status_message.connect(messages.append)
    with qtbot.waitSignal(loaded.exporter.exported, timeout=10_000):
        qtbot.mouseClick(loaded.csv_button, Qt.MouseButton.LeftButton)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"))))
    q2 = next(r for r in rows if r["indicator"] == "1.1" and r["period"] == "2025Q2")
    assert (q2["programme"], q2["actual"], q2["to_date_actual"]) == ("WASH-T", "700", "1800")
    assert messages == [f"Exported the IPTT to {target}"]


def test_cancelling_the_save_dialog_writes_nothing(
    qtbot: QtBot, loaded: IpttScreen, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_as(monkeypatch, None)
    qtbot.mouseClick(loaded.csv_button, Qt.MouseButton.LeftButton)
    assert not loaded.exporter.is_running
    assert list(out.glob("*.csv")) == []


def test_a_failed_export_shows_a_message(
    qtbot: QtBot, loaded: IpttScreen, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_as(monkeypatch, out / "missing folder" / "iptt.csv")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, _t, text: shown.append(text)))
    with qtbot.waitSignal(loaded.exporter.failed, timeout=10_000):
        qtbot.mouseClick(loaded.csv_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1 and "could not be written" in shown[0] and "missing folder" in shown[0]
    assert loaded.status_label.text() == "The export failed."
    assert not (out / "missing folder").exists()


def test_cancel_leaves_no_partial_file(
    qtbot: QtBot, loaded: IpttScreen, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmdesk.formats import iptt_workbook

    real = iptt_workbook.write_iptt_workbook
    started, release = threading.Event(), threading.Event()

    def slow(table: Any, path: Path, history: Any, progress: Callable[[int, int], None]) -> None:
        def gated(done: int, total: int) -> None:
            started.set()
            release.wait(10)  # holds the job mid-workbook until the test has pressed Cancel
            progress(done, total)

        real(table, path, history, gated)

    monkeypatch.setattr(iptt_workbook, "write_iptt_workbook", slow)
    target = out / "iptt.xlsx"
    save_as(monkeypatch, target)
    cancelled: list[bool] = []
    loaded.exporter.cancelled.connect(lambda: cancelled.append(True))
    qtbot.mouseClick(loaded.excel_button, Qt.MouseButton.LeftButton)
    assert not loaded.excel_button.isEnabled()  # one export at a time
    qtbot.waitUntil(started.is_set, timeout=10_000)
    dialog = loaded.exporter.progress_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible, timeout=5_000)  # a slow export shows its progress
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=10_000)
    assert list(out.iterdir()) == []
    assert loaded.status_label.text() == "Export cancelled: no file was written."
    assert loaded.excel_button.isEnabled()


def test_export_job_cancelled_at_the_last_moment_leaves_nothing(
    small: Built, context: UiContext, out: Path
) -> None:
    table = context.services.iptt.table(small.code)
    calls: list[str] = []

    def progress(_done: int, _total: int, message: str) -> None:
        calls.append(message)
        if message == "Saving…":
            raise JobCancelled("export")

    with pytest.raises(JobCancelled):
        export_csv(table, out / "late.csv", progress)
    assert list(out.iterdir()) == []
    with pytest.raises(JobCancelled):
        iptt_export.export_excel(
            context.services.programmes, context.services.history, table, out / "late.xlsx", progress
        )
    assert list(out.iterdir()) == []


def test_default_file_names(small: Built, context: UiContext) -> None:
    table = context.services.iptt.table(small.code, site_code="S1", approved_only=True)
    assert default_file_name(table, ExportKind.CSV) == "IPTT WASH-T no data S1 approved.csv"
    table = context.services.iptt.table(small.code, as_of="2025Q3")
    assert default_file_name(table, ExportKind.EXCEL) == "IPTT WASH-T 2025Q3.xlsx"

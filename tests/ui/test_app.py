# SPDX-License-Identifier: GPL-3.0-or-later
"""run_gui: a locked or unreadable database gives a message and exit code 1; a normal run shows the
programme, logs to the data directory and releases the database on quit; uncaught errors are shown."""

from __future__ import annotations

import logging
import logging.handlers
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

import pmdesk.app
from pmdesk.app import ErrorReporter, run_gui
from pmdesk.storage.database import Database, open_database
from pmdesk.ui.main_window import MainWindow
from tests.benchmarks.bench_startup import HEAVY, PMDESK_WINDOW, run
from tests.ui.programme_factory import build_small_programme

Shown = list[tuple[str, str]]


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Shown:
    """QMessageBox.critical records its message instead of blocking the test."""
    messages: Shown = []

    def critical(
        _parent: Any, title: str, text: str, *_args: Any, **_kwargs: Any
    ) -> QMessageBox.StandardButton:
        messages.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", staticmethod(critical))
    return messages


@pytest.fixture
def fresh_log_handler() -> Iterator[None]:
    """setup_logging adds its file handler only once per process; let run_gui add its own here."""
    root = logging.getLogger()
    kept = [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    for handler in kept:
        root.removeHandler(handler)
    yield
    for handler in [h for h in root.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]:
        root.removeHandler(handler)
        handler.close()
    for handler in kept:
        root.addHandler(handler)


@pytest.fixture
def small_file(db: Database, db_path: Path) -> Path:
    """A database file holding the small programme, closed, for run_gui to open."""
    build_small_programme(db)
    db.close()
    return db_path


@pytest.fixture
def guard(qapp: QApplication) -> Iterator[Callable[[], None]]:
    """Ends a hung event loop with exit code 99 instead of hanging the test run."""
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: QApplication.exit(99))

    def start() -> None:
        timer.start(30_000)

    yield start
    timer.stop()


def once_iptt_on_screen(then: Callable[[MainWindow], None]) -> None:
    """Calls `then` with the window run_gui opens, once its IPTT has been computed and shown."""

    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible() and widget.iptt_screen is not None:
                screen = widget.iptt_screen
                if screen.model.rowCount() and not screen.is_busy:
                    then(widget)
                    return
        QTimer.singleShot(50, poll)

    QTimer.singleShot(0, poll)


def test_a_database_open_in_another_pmdesk_is_refused(
    db: Database, db_path: Path, tmp_path: Path, shown: Shown, guard: Callable[[], None]
) -> None:
    guard()
    assert run_gui(db_path, data_dir=tmp_path / "data") == 1
    assert len(shown) == 1
    title, text = shown[0]
    assert title == "PMDesk — cannot open the database"
    assert "already open in another PMDesk" in text


def test_an_unreadable_file_is_refused_with_a_clear_message(
    tmp_path: Path,
    guard: Callable[[], None],
    fresh_log_handler: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database " * 200)
    asked: list[str] = []

    def quit_without_a_backup(box: QMessageBox) -> None:
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "Quit").click()

    monkeypatch.setattr(pmdesk.app, "ask_user", quit_without_a_backup)
    guard()
    assert run_gui(broken, data_dir=tmp_path / "data") == 1
    assert len(asked) == 1
    text = asked[0]
    assert text.startswith(f"{broken} cannot be opened: it is not a PMDesk database, or it is damaged")
    assert "There is no sound backup" in text
    assert "cannot open" in (tmp_path / "data" / "logs" / "pmdesk.log").read_text(encoding="utf-8")


def test_a_normal_run_shows_the_programme_and_releases_the_database(
    small_file: Path, tmp_path: Path, shown: Shown, guard: Callable[[], None], fresh_log_handler: None
) -> None:
    db_path = small_file
    seen: dict[str, object] = {}

    def look_and_close(window: MainWindow) -> None:
        assert window.iptt_screen is not None
        seen["title"] = window.iptt_screen.title_label.text()
        seen["hook"] = sys.excepthook
        # Closing the last window quits the app. No QApplication.exit() besides: Qt posts that
        # quit as an event, which would linger and end a later test's loop.
        window.close()

    once_iptt_on_screen(look_and_close)
    guard()
    previous_hook = sys.excepthook
    assert run_gui(db_path, data_dir=tmp_path / "data") == 0
    assert seen["title"] == "Clean water for Zinder"
    assert isinstance(seen["hook"], ErrorReporter)
    assert sys.excepthook is previous_hook
    assert shown == []
    assert (tmp_path / "data" / "window.ini").exists()
    log = (tmp_path / "data" / "logs" / "pmdesk.log").read_text(encoding="utf-8")
    assert f"window on {db_path}" in log
    again = open_database(db_path)  # raises DatabaseInUseError if the window kept its lock
    again.close()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows has no catchable SIGTERM to send oneself")
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_termination_signal_closes_the_window_cleanly(
    number: signal.Signals,
    small_file: Path,
    tmp_path: Path,
    shown: Shown,
    guard: Callable[[], None],
    fresh_log_handler: None,
) -> None:
    """`kill`, a shutdown or Ctrl+C in the terminal: state saved, database released, exit code 0,
    and the handlers that were there before put back."""
    db_path = small_file
    sent: list[bool] = []

    def signal_it(_window: MainWindow) -> None:
        os.kill(os.getpid(), number)
        sent.append(True)

    once_iptt_on_screen(signal_it)
    guard()
    before = signal.getsignal(number)
    assert run_gui(db_path, data_dir=tmp_path / "data") == 0
    assert sent and shown == []
    assert signal.getsignal(number) is before
    assert (tmp_path / "data" / "window.ini").exists()
    log = (tmp_path / "data" / "logs" / "pmdesk.log").read_text(encoding="utf-8")
    assert f"closing on signal {number.name}" in log and "PMDesk window closed" in log
    again = open_database(db_path)
    again.close()


def test_an_uncaught_exception_is_logged_and_shown(
    qtbot: QtBot,
    tmp_path: Path,
    shown: Shown,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    log_path = tmp_path / "logs" / "pmdesk.log"
    monkeypatch.setattr(sys, "excepthook", ErrorReporter(log_path))

    def broken_slot() -> None:
        raise ValueError("the numbers do not add up")

    with caplog.at_level(logging.CRITICAL, logger="pmdesk.app"):
        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: bool(shown))
    title, text = shown[0]
    assert title == "PMDesk — unexpected error"
    # A bug's name and wording mean nothing to the user (and may hold SQL): the log has them.
    assert "ValueError" not in text and "the numbers do not add up" not in text
    assert "could not finish what it was doing" in text and str(log_path) in text
    records = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert records and records[0].exc_info is not None and records[0].exc_info[0] is ValueError


def test_an_error_while_the_message_is_up_is_logged_only(
    qapp: QApplication, tmp_path: Path, shown: Shown, caplog: pytest.LogCaptureFixture
) -> None:
    reporter = ErrorReporter(tmp_path / "pmdesk.log")
    reporter._showing = True
    try:
        raise RuntimeError("second")
    except RuntimeError as exc:
        with caplog.at_level(logging.CRITICAL, logger="pmdesk.app"):
            reporter(RuntimeError, exc, exc.__traceback__)
    assert shown == []
    assert any("uncaught exception" in r.getMessage() for r in caplog.records)


# Shows the Reports screen once the IPTT is on screen (just before the window closes) and says
# which heavy libraries are loaded then.
SHOW_REPORTS = """
attach_then_reports = MainWindow.attach
def attach_and_show_reports(self, services):
    attach_then_reports(self, services)
    def on_table(_code):
        self.show_screen("reports")
        shown = self.current_screen().name
        print("heavy_at_reports", loaded() if shown == "reports" else "not-shown:" + shown, flush=True)
    self.screens_built.connect(lambda: self.iptt_screen.table_loaded.connect(on_table))
MainWindow.attach = attach_and_show_reports
"""


def test_start_up_defers_the_heavy_libraries(small_file: Path, tmp_path: Path) -> None:
    """The real start (pmdesk.cli.main in a fresh process): nothing heavy before the window is up,
    and no report, chart or spreadsheet library, no JSON Schema validator, nor Alembic on an
    up-to-date file, at all — not even once the Reports screen is shown: matplotlib, reportlab
    and openpyxl wait until a report is made."""
    db_path = small_file
    code = PMDESK_WINDOW.format(heavy=HEAVY)
    start = code.index("from pmdesk.cli import main")
    code = code[:start] + SHOW_REPORTS + code[start:]
    marks, notes = run(code, str(db_path), str(tmp_path / "data"))
    assert marks["shown"] < marks["database"] < marks["iptt"]
    assert notes["heavy_at_shown"] == "-"
    assert set(notes["heavy_at_iptt"].split(",")) == {"sqlalchemy"}
    assert set(notes["heavy_at_reports"].split(",")) == {"sqlalchemy"}


def test_a_failure_while_building_the_window_is_shown(
    db_path: Path, tmp_path: Path, shown: Shown, monkeypatch: pytest.MonkeyPatch, guard: Callable[[], None]
) -> None:
    def broken_init(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("no screen at all")

    monkeypatch.setattr(MainWindow, "__init__", broken_init)
    guard()
    assert run_gui(db_path, data_dir=tmp_path / "data") == 1
    assert len(shown) == 1
    assert shown[0][0] == "PMDesk — unexpected error"
    assert "RuntimeError" not in shown[0][1] and "log file" in shown[0][1]

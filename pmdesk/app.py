# SPDX-License-Identifier: GPL-3.0-or-later
"""Composition root of the desktop app: logging, error reporting, database, services, main window.

Start-up order matters for speed: the window appears first (Qt only), and the database layer
(SQLAlchemy, the ORM models, and Alembic only if a migration is due) is imported and opened on
a worker thread while the window is already on screen.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QMessageLogContext, QSettings, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from pmdesk import __version__, config
from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.context import Services
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.workers import Job, Workers

if TYPE_CHECKING:
    from pmdesk.storage.database import Database

log = logging.getLogger("pmdesk.app")

APP_NAME = "PMDesk"
ORGANISATION = "PMDesk"
# Window state lives beside the data (not in the registry), so --data-dir keeps setups apart.
SETTINGS_FILE = "window.ini"


class ErrorReporter:
    """The sys.excepthook of the GUI: logs every uncaught exception and tells the user.

    Qt keeps running after an exception in a slot, so without this an error would only show
    on a console nobody watches. One message at a time: an error raised while the message is
    up is logged only.
    """

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self._showing = False
        self.shown = 0

    def message(self, exc_type: type[BaseException], exc: BaseException) -> str:
        detail = str(exc) if isinstance(exc, PmdeskError) else f"{exc_type.__name__}: {exc}"
        return (
            "PMDesk ran into an unexpected problem and could not finish what it was doing.\n\n"
            f"{detail}\n\n"
            "Changes that were already saved are safe. The details were written to the log file:\n"
            f"{self.log_path}"
        )

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
        traceback.print_exception(exc_type, exc, tb)  # for whoever started PMDesk in a terminal
        if self._showing or QApplication.instance() is None:
            return
        self._showing = True
        try:
            self.shown += 1
            QMessageBox.critical(
                cast(QWidget, QApplication.activeWindow()),
                "PMDesk — unexpected error",
                self.message(exc_type, exc),
            )
        except Exception:
            log.exception("the error message could not be shown")
        finally:
            self._showing = False


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    log.critical(
        "uncaught exception in thread %s",
        args.thread.name if args.thread else "?",
        exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
    )


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def application() -> QApplication:
    """The QApplication, created with PMDesk's names if there is none yet."""
    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(ORGANISATION)
    QApplication.setApplicationVersion(__version__)
    existing = QApplication.instance()
    if existing is not None:
        return cast(QApplication, existing)
    return QApplication(sys.argv[:1])


def open_services(db_path: Path, opened: list[Database]) -> Services:
    """The job that opens the database: runs on a worker thread, so the slow imports and any
    migration happen while the window is already on screen. Appends the Database to `opened`
    at once, so that it is closed even if the window is gone before this returns."""
    from pmdesk.storage.database import open_database

    database = open_database(db_path)
    opened.append(database)
    log.info("opened %s (schema up to date, device %s)", database.path, database.device_uuid)
    return build_services(database)


def open_failure_message(error: BaseException, db_path: Path, log_path: Path) -> str:
    if isinstance(error, PmdeskError):
        return str(error)
    return (
        f"PMDesk could not open the database\n{db_path}\n\n{type(error).__name__}: {error}\n\n"
        f"The details were written to the log file:\n{log_path}"
    )


def run_gui(db_path: Path, data_dir: Path | None = None) -> int:
    """Open the main window on a database file; returns the exit code (1: it could not be opened)."""
    data = config.data_dir(data_dir)
    # The command line may have set up logging with --debug already; keep that level.
    log_path = config.setup_logging(data, debug=logging.getLogger().getEffectiveLevel() <= logging.DEBUG)
    log.info("PMDesk %s: window on %s", __version__, db_path)
    app = application()
    previous_hook, previous_thread_hook = sys.excepthook, threading.excepthook
    reporter = ErrorReporter(log_path)
    sys.excepthook = reporter
    threading.excepthook = _log_thread_exception
    previous_handler = qInstallMessageHandler(_qt_message)
    workers = Workers()
    signals = AppSignals()
    opened: list[Database] = []
    window: MainWindow | None = None
    try:
        settings = QSettings(str(data / SETTINGS_FILE), QSettings.Format.IniFormat)
        window = MainWindow(Path(db_path), workers, signals, settings, log_path)
        window.show()
        shown = window

        def on_open_failed(error: BaseException) -> None:
            log.error("cannot open %s: %s", db_path, error)
            QMessageBox.critical(
                shown,
                "PMDesk — cannot open the database",
                open_failure_message(error, Path(db_path), log_path),
            )
            app.exit(1)

        job = Job(open_services, Path(db_path), opened, name="open database")
        job.finished.connect(window.attach)
        job.failed.connect(on_open_failed)
        # One event-loop turn later: importing the database layer holds the GIL for long
        # stretches, and the window should be painted before that starts.
        QTimer.singleShot(0, lambda: workers.start(job))
        return app.exec()
    except Exception as exc:
        # A failure before the event loop runs (building the window): shown, not just printed
        # to a console that a desktop shortcut does not have.
        reporter(type(exc), exc, exc.__traceback__)
        return 1
    finally:
        # Running jobs use the database: let them return before it is closed.
        workers.cancel_all()
        workers.wait()
        for database in opened:
            database.close()
        if window is not None:
            window.hide()
            window.deleteLater()
        qInstallMessageHandler(previous_handler)
        sys.excepthook, threading.excepthook = previous_hook, previous_thread_hook
        log.info("PMDesk window closed")


def build_services(database: Database) -> Services:
    """The services over an open database (imports the service layer on first use)."""
    from pmdesk.services.actor import Actor
    from pmdesk.services.completeness import CompletenessService
    from pmdesk.services.data_entry import DataEntryService
    from pmdesk.services.entry_grid import EntryGridService
    from pmdesk.services.framework import FrameworkService
    from pmdesk.services.history import HistoryService
    from pmdesk.services.iptt import IpttService
    from pmdesk.services.logframe_excel import LogframeImporter
    from pmdesk.services.packages import PackageService
    from pmdesk.services.programmes import ProgrammeService
    from pmdesk.services.sites import SiteService
    from pmdesk.services.targets import TargetService
    from pmdesk.services.values_io import ValuesService

    sessions = database.sessions
    actor = Actor(database.actor, database.device_uuid)
    return Services(
        database_path=database.path,
        programmes=ProgrammeService(sessions, actor),
        framework=FrameworkService(sessions, actor),
        sites=SiteService(sessions, actor),
        targets=TargetService(sessions, actor),
        entry=DataEntryService(sessions, actor),
        entry_grid=EntryGridService(sessions),
        completeness=CompletenessService(sessions),
        iptt=IpttService(sessions),
        history=HistoryService(sessions),
        packages=PackageService(sessions, actor, database.path),
        values=ValuesService(sessions, actor, database.path),
        logframe=LogframeImporter(sessions, actor, database.path),
    )

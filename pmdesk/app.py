# SPDX-License-Identifier: GPL-3.0-or-later
"""Composition root of the desktop app: logging, error reporting, database, services, main window.

Start-up order matters for speed: the window appears first (Qt only), and the database layer
(SQLAlchemy, the ORM models, and Alembic only if a migration is due) is imported and opened on
a worker thread while the window is already on screen.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import FrameType, TracebackType
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QMessageLogContext, QSettings, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from pmdesk import __version__, config
from pmdesk.domain.errors import DatabaseDamagedError, PmdeskError, StorageError
from pmdesk.ui.collector import UiThreadCollector
from pmdesk.ui.context import Services
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.workers import Job, Workers

if TYPE_CHECKING:
    from pmdesk.services.backups import BackupSummary, RestoreSummary
    from pmdesk.storage.database import Database

log = logging.getLogger("pmdesk.app")

# What signal.signal takes and gives back: a function, SIG_DFL / SIG_IGN, or None.
SignalHandler = Callable[[int, FrameType | None], Any] | int | None

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
        # A PMDesk error is written for the user; anything else is a bug, whose name and wording
        # mean nothing to them (and may hold SQL): those go to the log only.
        detail = f"{exc}\n\n" if isinstance(exc, PmdeskError) else ""
        return (
            "PMDesk ran into an unexpected problem and could not finish what it was doing.\n\n"
            f"{detail}"
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


def open_services(db_path: Path, opened: list[Database], with_demo: bool = False) -> Services:
    """The job that opens the database: runs on a worker thread, so the slow imports and any
    migration happen while the window is already on screen. Appends the Database to `opened`
    at once, so that it is closed even if the window is gone before this returns. With
    `with_demo`, the demo programme is added first if the database does not have it."""
    from pmdesk.storage.database import open_database

    # A file in a read-only place is shown read-only rather than refused: the user can still
    # read it, and copy it somewhere else.
    database = open_database(db_path, read_only_if_needed=True, actor=config.person_override())
    database.gate.main_thread_wait = 0.3  # a keystroke's save never waits long for the check
    opened.append(database)
    log.info("opened %s (schema up to date, device %s)", database.path, database.device_uuid)
    services = build_services(database)
    # The screens' modules too, here on the worker: the UI thread then only makes their widgets.
    from pmdesk.ui.screen_list import screen_kinds

    screen_kinds()
    if with_demo:
        from pmdesk.services.actor import Actor
        from pmdesk.services.demo import DEMO_CODE, DemoService

        if DEMO_CODE not in {p.code for p in services.programmes.list_programmes()}:
            DemoService(
                database.sessions, Actor(database.actor, database.device_uuid), database.path
            ).create_demo()
    return services


def open_failure_message(error: BaseException, db_path: Path, log_path: Path) -> str:
    if isinstance(error, PmdeskError):
        return str(error)
    return (
        f"PMDesk could not open the database\n{db_path}\n\n"
        f"The details were written to the log file:\n{log_path}"
    )


def ask_user(box: QMessageBox) -> None:
    """Show a question and wait for the answer (tests replace this to answer it themselves)."""
    box.exec()


def wait_for_check(database: Database, progress: Callable[[int, int, str], None]) -> StorageError | None:
    """The job that waits for the check of the file made at open (see WriteGate): its refusal,
    or None when the file is sound and writable. Stops when the job is cancelled."""
    while not database.gate.is_decided:
        progress(0, 0, "Checking the file")  # raises JobCancelled once the job is cancelled
        database.gate.verdict(0.2)
    return database.gate.verdict(0)


def restore_job(database: Path, backup: Path) -> RestoreSummary:
    from pmdesk.services.backups import restore

    return restore(database, backup)


class DatabaseOpener:
    """Opens databases into the one main window: at start, then File ▸ Open/New and the demo,
    and restores a backup in place of the open one.

    A first failure offers to restore a backup or open another database, else ends the app
    (there is nothing to show); a later one says why and goes back to the database that was
    open. A file found damaged after it opened stays open read-only, and a backup is offered.
    """

    def __init__(
        self, window: MainWindow, workers: Workers, opened: list[Database], log_path: Path, data: Path
    ) -> None:
        self._window = window
        self._workers = workers
        self._opened = opened
        self._log_path = log_path
        self._data = data
        self.current: Path | None = None  # the database that last opened
        window.database_requested.connect(lambda path: self.open(Path(str(path))))
        window.demo_requested.connect(lambda: self.open(config.demo_db_path(data), with_demo=True))
        window.restore_requested.connect(lambda path: self.restore(Path(str(path))))

    def _close_current(self, next_path: Path) -> None:
        if self._opened:
            self._window.detach(next_path)
            self._workers.wait()  # cancelled jobs still hold sessions until they return
            while self._opened:
                self._opened.pop().close()

    def open(self, path: Path, with_demo: bool = False) -> None:
        self._close_current(path)
        # The programme names first, through plain sqlite3 (a few milliseconds): the picker lists
        # them while SQLAlchemy, the models and the services load on the worker (issue #11 §5).
        from pmdesk.services.programme_peek import peek_programmes

        self._window.show_programmes_early(peek_programmes(path))
        job = Job(open_services, path, self._opened, with_demo, name="open database")
        job.finished.connect(lambda services: self._on_opened(path, services))
        job.failed.connect(lambda error: self._on_failed(path, error))
        self._workers.start(job)

    def restore(self, backup: Path) -> None:
        """Close the database, put `backup` in its place (the old file kept), open it again."""
        database = self.current if self.current is not None else self._window.database_path
        self._close_current(database)
        job = Job(restore_job, database, backup, name="restore backup")
        job.finished.connect(lambda summary: self._on_restored(summary))
        job.failed.connect(lambda error: self._on_restore_failed(database, error))
        self._workers.start(job)

    def _on_restored(self, summary: RestoreSummary) -> None:
        kept = "\n".join(str(p) for p in summary.kept) or "(there was no file to replace)"
        self._window.show_status_message(f"Restored {summary.database.name} from {summary.backup.name}")
        self.open(summary.database)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Backup restored",
            f"{summary.database} now holds the backup {summary.backup.name} (checked before and "
            f"after).\n\nThe file it replaced is kept as:\n{kept}",
            QMessageBox.StandardButton.Ok,
            self._window,
        )
        ask_user(box)

    def _on_restore_failed(self, database: Path, error: BaseException) -> None:
        log.error("cannot restore %s: %s", database, error)
        detail = str(error) if isinstance(error, PmdeskError) else "an unexpected problem stopped it"
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "PMDesk — backup not restored",
            f"The backup was not restored: {detail}.\n\n{database} is as it was.",
            QMessageBox.StandardButton.Ok,
            self._window,
        )
        ask_user(box)
        self.open(database)

    def _on_opened(self, path: Path, services: Services) -> None:
        self.current = path
        self._window.attach(services)
        if self._opened:
            database = self._opened[-1]
            job = Job(wait_for_check, database, name="check the file", reports_progress=True)
            job.finished.connect(lambda refusal: self._on_checked(path, refusal, database))
            self._workers.start(job)

    def _on_checked(self, path: Path, refusal: StorageError | None, database: Database) -> None:
        if path != self.current:
            return
        if refusal is None:
            # The first time this database is opened here, ask who is working: not when this run
            # names the person (PMDESK_PERSON), nor on a file that cannot keep the answer.
            if not database.person_name and config.person_override() is None:
                self._window.status_bar.person_button.choose(first_time=True)
            return
        self._window.show_read_only(str(refusal))
        if isinstance(refusal, DatabaseDamagedError):
            self._offer_backup(path, str(refusal), first=False)  # declined: it stays read-only

    def _on_failed(self, path: Path, error: BaseException) -> None:
        log.error("cannot open %s: %s", path, error)
        message = open_failure_message(error, path, self._log_path)
        first = self.current is None
        if isinstance(error, DatabaseDamagedError):
            self._offer_backup(path, message, first=first, declined=lambda: self._after_failure(first))
            return
        title = "PMDesk — cannot open the database"
        if first:
            QMessageBox.critical(self._window, title, message)
        else:
            QMessageBox.warning(self._window, title, message)
        self._after_failure(first)

    def _after_failure(self, first: bool) -> None:
        """A database did not open: at start there is nothing to show, so the app ends; later
        the database that was open is opened again."""
        if first:
            cast(QApplication, QApplication.instance()).exit(1)
            return
        assert self.current is not None
        self.open(self.current)

    def _offer_backup(
        self, path: Path, message: str, *, first: bool, declined: Callable[[], None] | None = None
    ) -> None:
        """Offer the newest sound backup of a damaged `path`, or another database; `declined` is
        called when the user wants neither. The backups are looked for on a worker: each one
        tried gets a full integrity check, seconds on a large file."""
        from pmdesk.services.backups import latest_verified_backup

        self._window.show_status_message("Looking for a sound backup …")
        job = Job(latest_verified_backup, path, name="find a sound backup")
        job.finished.connect(lambda backup: self._ask_about_backup(path, message, backup, first, declined))
        # A backup folder that cannot be read is no backup: the user can still open another file.
        job.failed.connect(lambda _error: self._ask_about_backup(path, message, None, first, declined))
        self._workers.start(job)

    def _ask_about_backup(
        self,
        path: Path,
        message: str,
        backup: BackupSummary | None,
        first: bool,
        declined: Callable[[], None] | None,
    ) -> None:
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("PMDesk — the database is damaged")
        restore = None
        if backup is not None:
            when = backup.created.strftime("%Y-%m-%d %H:%M")
            box.setText(
                f"{message}\n\nThe newest sound backup was made on {when}. Restoring it puts it in "
                "place of the damaged file, which is kept beside it."
            )
            restore = box.addButton(f"Restore the backup of {when}", QMessageBox.ButtonRole.AcceptRole)
        else:
            box.setText(f"{message}\n\nThere is no sound backup of it beside it.")
        other = box.addButton("Open another database…", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Quit" if first else "Keep it read-only", QMessageBox.ButtonRole.RejectRole)
        ask_user(box)
        clicked = box.clickedButton()
        if restore is not None and clicked is restore and backup is not None:
            self.current = path
            self.restore(backup.path)
            return
        if clicked is other:
            chosen = self._window.databases.choose_database_file()
            if chosen is not None:
                self.open(chosen)
                return
        if declined is not None:
            declined()


def run_gui(db_path: Path, data_dir: Path | None = None, with_demo: bool = False) -> int:
    """Open the main window on a database file; returns the exit code (1: it could not be opened).

    With `with_demo` the demo programme is added to the database first if it is not there.
    """
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
    collector = UiThreadCollector()
    collector.start()
    opened: list[Database] = []
    window: MainWindow | None = None
    previous_signal_handlers: dict[signal.Signals, SignalHandler] = {}
    try:
        settings = QSettings(str(data / SETTINGS_FILE), QSettings.Format.IniFormat)
        window = MainWindow(Path(db_path), workers, signals, settings, log_path)
        window.gradual_screens = True  # a screen a turn when a database opens (issue #11)
        window.screens_built.connect(collector.freeze_survivors)
        window.show()
        previous_signal_handlers = _close_on_termination(window)

        opener = DatabaseOpener(window, workers, opened, log_path, data)
        # One event-loop turn later: importing the database layer holds the GIL for long
        # stretches, and the window should be painted before that starts.
        QTimer.singleShot(0, lambda: opener.open(Path(db_path), with_demo=with_demo))
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
        collector.stop()
        for number, handler in previous_signal_handlers.items():
            signal.signal(number, handler)
        qInstallMessageHandler(previous_handler)
        sys.excepthook, threading.excepthook = previous_hook, previous_thread_hook
        log.info("PMDesk window closed")


def _close_on_termination(window: MainWindow) -> dict[signal.Signals, SignalHandler]:
    """Ctrl+C in the terminal (SIGINT) and `kill` or a system shutdown (SIGTERM) close the window
    as its close button does: state saved, jobs stopped, the database closed cleanly, exit code 0.
    Returns the handlers they replace."""

    def close(number: int, _frame: FrameType | None) -> None:
        log.info("closing on signal %s", signal.Signals(number).name)
        QTimer.singleShot(0, window.close)

    previous = {number: signal.signal(number, close) for number in (signal.SIGINT, signal.SIGTERM)}
    # Python runs a signal handler only when it next runs bytecode, and an idle Qt event loop runs
    # none: a timer lets it in four times a second.
    heartbeat = QTimer(window)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(250)
    return previous


def build_services(database: Database) -> Services:
    """The services over an open database (imports the service layer on first use)."""
    from pmdesk.reports.reporter import Reports
    from pmdesk.services.actions import ActionService
    from pmdesk.services.actor import Actor
    from pmdesk.services.alerts import AlertService
    from pmdesk.services.completeness import CompletenessService
    from pmdesk.services.dashboard import DashboardService
    from pmdesk.services.data_entry import DataEntryService
    from pmdesk.services.entry_grid import EntryGridService
    from pmdesk.services.framework import FrameworkService
    from pmdesk.services.history import HistoryService
    from pmdesk.services.integrity import IntegrityService
    from pmdesk.services.iptt import IpttService
    from pmdesk.services.learning import LearningService
    from pmdesk.services.logframe_excel import LogframeImporter
    from pmdesk.services.meetings import MeetingService
    from pmdesk.services.packages import PackageService
    from pmdesk.services.programmes import ProgrammeService
    from pmdesk.services.scorecards import ScorecardService
    from pmdesk.services.sites import SiteService
    from pmdesk.services.targets import TargetService
    from pmdesk.services.traceability import TraceabilityService
    from pmdesk.services.values_io import ValuesService
    from pmdesk.services.variance import VarianceService
    from pmdesk.services.working_person import WorkingPersonService

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
        person=WorkingPersonService(sessions, actor),
        alerts=AlertService(sessions, actor),
        meetings=MeetingService(sessions, actor),
        actions=ActionService(sessions, actor),
        traceability=TraceabilityService(sessions, ActionService(sessions, actor), IpttService(sessions)),
        scorecards=ScorecardService(sessions, ActionService(sessions, actor), IpttService(sessions)),
        learning=LearningService(sessions, actor),
        dashboard=DashboardService(
            IpttService(sessions),
            CompletenessService(sessions),
            AlertService(sessions, actor),
            ActionService(sessions, actor),
            ProgrammeService(sessions, actor),
        ),
        variance=VarianceService(sessions, actor),
        reports=Reports(sessions, actor),
        integrity=IntegrityService(sessions, database.path),
    )

# SPDX-License-Identifier: GPL-3.0-or-later
"""The Reports screen: each kind of report made end to end on the small programme (the file is
there and opens), progress and Cancel, plain messages for failures, the file opened for the user,
the folder remembered."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from pmdesk.domain.errors import PmdeskError
from pmdesk.reports.reporter import ReportFile
from pmdesk.services.meetings import MeetingData
from pmdesk.storage.database import Database
from pmdesk.ui.context import Services, UiContext
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.report_files import UNEXPECTED, safe_file_name, with_suffix
from pmdesk.ui.reports.report_kinds import (
    KINDS,
    Option,
    ReportKind,
    ReportRequest,
    available_kinds,
)
from pmdesk.ui.reports.reports_screen import FOLDER_SETTING, ReportsScreen
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.workers import Workers
from tests.ui.programme_factory import Built

ProgressFn = Callable[[int, int, str], None]
TIMEOUT = 60_000  # a donor report with charts takes seconds on a busy machine


class Recorder:
    """Stands in for the save dialog, the system viewer and the file manager."""

    def __init__(self, answer: Path | None) -> None:
        self.answer = answer
        self.asked: list[str] = []
        self.opened: list[Path] = []
        self.folders: list[Path] = []

    def ask(self, _parent: object, _title: str, suggested: str, _filter: str) -> str:
        self.asked.append(suggested)
        return "" if self.answer is None else str(self.answer)

    def open(self, path: Path) -> bool:
        self.opened.append(path)
        return True

    def show(self, path: Path) -> bool:
        self.folders.append(path)
        return True


@pytest.fixture
def report_settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


def make_screen(
    qtbot: QtBot, context: UiContext, code: str, settings: QSettings, recorder: Recorder
) -> ReportsScreen:
    screen = ReportsScreen(context)
    qtbot.addWidget(screen)
    screen.settings = settings
    screen.ask_save_path = recorder.ask
    screen.open_file = recorder.open
    screen.show_folder = recorder.show
    screen.resize(1000, 700)
    screen.show()
    with qtbot.waitSignal(screen.choices_loaded, timeout=TIMEOUT):
        screen.set_programme(code)
    return screen


def create(qtbot: QtBot, screen: ReportsScreen) -> None:
    with qtbot.waitSignal(screen.report_ended, timeout=TIMEOUT):
        screen.create_button.click()


def replace_kind(screen: ReportsScreen, key: str, make: Callable[..., ReportFile]) -> None:
    """The kind `key` made by `make` instead (the list's row stays where it is)."""
    screen.kinds = [dataclasses.replace(k, make=make) if k.key == key else k for k in screen.kinds]


def temporary_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".")]


@pytest.fixture
def meeting(services: Services, small: Built) -> str:
    detail = services.meetings.create(
        small.code, MeetingData("review", "Q2 réview <b>R&D</b>", date(2025, 7, 10))
    )
    return detail.meeting.uuid


@pytest.mark.parametrize("key", [kind.key for kind in KINDS])
def test_each_kind_makes_its_file_and_opens_it(
    qtbot: QtBot,
    context: UiContext,
    small: Built,
    meeting: str,
    report_settings: QSettings,
    tmp_path: Path,
    key: str,
) -> None:
    kind = next(k for k in KINDS if k.key == key)
    if not kind.is_available(context.services.reports):
        pytest.skip(f"Reports.{kind.method} is not there yet")
    out = tmp_path / "out"
    out.mkdir()
    recorder = Recorder(out / "chosen")  # no extension typed: the kind's is added
    screen = make_screen(qtbot, context, small.code, report_settings, recorder)
    assert screen.select_kind(key)
    assert screen.create_button.isEnabled(), screen.hint_label.text()
    progress: list[str] = []

    def watch() -> None:
        if screen._job is not None:
            screen._job.progress.connect(lambda _d, _t, message: progress.append(message))

    screen.create_button.clicked.connect(watch)
    create(qtbot, screen)

    path = out / f"chosen.{kind.suffix}"
    assert path.is_file()
    assert recorder.opened == [path]
    assert screen.last_file == path
    assert progress, "no progress was reported"
    assert not screen.progress_row.isVisibleTo(screen)
    assert screen.open_button.isVisibleTo(screen) and screen.folder_button.isVisibleTo(screen)
    assert temporary_files(out) == []
    text = screen.result_label.text()
    assert text.startswith(f"Saved chosen.{kind.suffix}")
    if kind.suffix == "pdf":
        pages = len(PdfReader(path).pages)
        assert pages >= 1
        assert f"({pages} page" in text
    else:
        workbook = load_workbook(path, read_only=True)
        assert workbook.sheetnames
        workbook.close()
    # The suggested name is the kind's proposal in Documents (nothing remembered yet); the folder
    # chosen is remembered for next time.
    assert Path(recorder.asked[0]).name == screen.file_label.full_text().removeprefix("File: ")
    assert report_settings.value(FOLDER_SETTING) == str(out)


def test_a_kind_is_listed_only_once_reports_can_make_it(
    qtbot: QtBot, context: UiContext, small: Built, report_settings: QSettings
) -> None:
    # Without any Reports method only the IPTT workbook (made by the export service) is offered.
    assert [k.key for k in available_kinds(object())] == ["iptt_workbook"]
    screen = make_screen(qtbot, context, small.code, report_settings, Recorder(None))
    shown = [screen.kind_list.item(row).text() for row in range(screen.kind_list.count())]
    assert shown == [k.label for k in KINDS if k.is_available(context.services.reports)]


def test_the_options_follow_the_kind_and_the_keyboard(
    qtbot: QtBot, context: UiContext, small: Built, report_settings: QSettings
) -> None:
    screen = make_screen(qtbot, context, small.code, report_settings, Recorder(None))
    screen.kind_list.setFocus()
    for row, kind in enumerate(screen.kinds):
        if row:
            qtbot.keyClick(screen.kind_list, Qt.Key.Key_Down)
        assert screen.current_kind() is kind
        assert screen.kind_title.text() == kind.label
        for option in Option:
            assert screen.options.is_shown(option) == (option in kind.options), (kind.key, option)
    # Enter goes on to the kind's first option.
    screen.select_kind("iptt_workbook")
    qtbot.keyClick(screen.kind_list, Qt.Key.Key_Return)
    assert screen.options.as_of_combo.hasFocus()


def test_the_proposed_name_follows_the_options_and_the_folder_is_remembered(
    qtbot: QtBot, context: UiContext, small: Built, report_settings: QSettings, tmp_path: Path
) -> None:
    report_settings.setValue(FOLDER_SETTING, str(tmp_path))
    screen = make_screen(qtbot, context, small.code, report_settings, Recorder(None))
    screen.select_kind("iptt_workbook")
    # As the IPTT: the latest complete period first, then every period.
    assert screen.options.as_of_combo.itemText(0) == "Latest complete period (2025 Q2)"
    assert [screen.options.as_of_combo.itemText(i) for i in range(1, 5)] == [
        "2025 Q1",
        "2025 Q2",
        "2025 Q3",
        "2025 Q4",
    ]
    assert screen.file_label.full_text() == "File: IPTT WASH-T 2025 Q2.xlsx"
    assert screen.folder_label.full_text() == f"In: {tmp_path}"
    screen.options.as_of_combo.setCurrentIndex(screen.options.as_of_combo.findData("2025Q1"))
    assert screen.file_label.full_text() == "File: IPTT WASH-T 2025 Q1.xlsx"
    request = screen.current_request()
    assert request is not None and request.as_of == "2025Q1"
    # Create… with the dialog cancelled makes nothing.
    screen.create_button.click()
    assert screen._job is None and screen.result_label.text() == ""


def test_paper_form_and_reference_sheet_options(
    qtbot: QtBot, context: UiContext, small: Built, report_settings: QSettings
) -> None:
    screen = make_screen(qtbot, context, small.code, report_settings, Recorder(None))
    choices = screen.choices
    assert choices is not None
    # A paper round collects the period after the latest complete one, at a site that reports.
    assert screen.options.period_combo.currentData() == "2025Q3"
    assert screen.options.site_combo.currentData() == "S1"
    screen.options.prefilled_check.setChecked(True)
    request = screen.current_request()
    assert request is not None
    assert (request.site_code, request.period, request.prefilled) == ("S1", "2025Q3", True)
    form = next(k for k in KINDS if k.key == "paper_form")
    assert form.file_name(request) == "WASH-T form S1 2025 Q3 pre-filled.pdf"
    # Every indicator ticked means all of them; unticking narrows; none at all cannot be made.
    assert request.indicator_codes is None
    screen.options.indicator_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    narrowed = screen.current_request()
    assert narrowed is not None and narrowed.indicator_codes == ("1.2", "2.1", "2.2", "2.3")
    if screen.select_kind("reference_sheets"):
        screen.options.none_button.click()
        assert not screen.create_button.isEnabled()
        assert screen.hint_label.text() == "Tick at least one indicator."
        screen.options.all_button.click()
        assert screen.create_button.isEnabled()


def test_minutes_without_a_meeting_say_where_to_plan_one(
    qtbot: QtBot, context: UiContext, small: Built, report_settings: QSettings
) -> None:
    screen = make_screen(qtbot, context, small.code, report_settings, Recorder(None))
    if not screen.select_kind("minutes"):
        pytest.skip("Reports.minutes is not there yet")
    assert not screen.create_button.isEnabled()
    assert "no meeting yet" in screen.hint_label.text()


def test_no_programme_no_report(qtbot: QtBot, context: UiContext, report_settings: QSettings) -> None:
    screen = ReportsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.set_programme(None)
    assert not screen.create_button.isEnabled()
    assert screen.hint_label.text() == "Choose a programme first."


def held_make(kind: ReportKind, cancelled: threading.Event) -> Callable[..., ReportFile]:
    """`kind`'s own call, holding after each progress report until the test has pressed Cancel."""

    def make(services: Services, request: ReportRequest, path: Path, progress: ProgressFn) -> ReportFile:
        def report(done: int, total: int, message: str) -> None:
            progress(done, total, message)  # raises once the job is cancelled
            cancelled.wait(10)

        return kind.make(services, request, path, report)

    return make


def test_cancel_leaves_no_half_file_and_the_earlier_one_in_place(
    qtbot: QtBot, context: UiContext, small: Built, report_settings: QSettings, tmp_path: Path
) -> None:
    path = tmp_path / "iptt.xlsx"
    path.write_bytes(b"the earlier file")
    recorder = Recorder(path)
    screen = make_screen(qtbot, context, small.code, report_settings, recorder)
    screen.select_kind("iptt_workbook")
    cancelled = threading.Event()
    workbook = next(k for k in KINDS if k.key == "iptt_workbook")
    replace_kind(screen, "iptt_workbook", held_make(workbook, cancelled))

    def press_cancel() -> None:
        assert screen.progress_row.isVisibleTo(screen) and screen.cancel_button.isEnabled()
        assert not screen.create_button.isEnabled()  # one report at a time
        screen.cancel_button.click()
        cancelled.set()

    screen.create_button.clicked.connect(
        lambda: screen._job.progress.connect(lambda *_: press_cancel()) if screen._job else None
    )
    create(qtbot, screen)
    assert screen.result_label.text() == "Cancelled: nothing was written."
    assert path.read_bytes() == b"the earlier file"
    assert temporary_files(tmp_path) == []
    assert recorder.opened == []
    assert screen.create_button.isEnabled()


def test_a_folder_that_is_not_there_gives_a_plain_message(
    qtbot: QtBot, context: UiContext, small: Built, report_settings: QSettings, tmp_path: Path
) -> None:
    recorder = Recorder(tmp_path / "gone" / "iptt.xlsx")
    screen = make_screen(qtbot, context, small.code, report_settings, recorder)
    screen.select_kind("iptt_workbook")
    create(qtbot, screen)
    text = screen.result_label.text()
    assert text.startswith("The report was not made. iptt.xlsx could not be saved in ")
    assert "No such file or directory" in text
    assert "Error" not in text and "Errno" not in text
    assert recorder.opened == []
    assert not screen.open_button.isVisibleTo(screen)


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            PmdeskError("The database is locked by another program."),
            "The database is locked by another program.",
        ),
        (RuntimeError("list index out of range"), UNEXPECTED),
    ],
)
def test_a_failure_is_worded_plainly_and_leaves_the_earlier_file(
    qtbot: QtBot,
    context: UiContext,
    small: Built,
    report_settings: QSettings,
    tmp_path: Path,
    error: Exception,
    shown: str,
) -> None:
    path = tmp_path / "iptt.xlsx"
    path.write_bytes(b"the earlier file")
    screen = make_screen(qtbot, context, small.code, report_settings, Recorder(path))
    screen.select_kind("iptt_workbook")
    workbook = next(k for k in KINDS if k.key == "iptt_workbook")

    def failing(services: Services, request: ReportRequest, p: Path, progress: ProgressFn) -> ReportFile:
        def report(done: int, total: int, message: str) -> None:
            progress(done, total, message)
            if message == "Saving…":  # inside the atomic write, the new file complete beside
                raise error

        return workbook.make(services, request, p, report)

    replace_kind(screen, "iptt_workbook", failing)
    create(qtbot, screen)
    assert screen.result_label.text() == f"The report was not made. {shown}"
    assert "RuntimeError" not in screen.result_label.text()
    assert path.read_bytes() == b"the earlier file"
    assert temporary_files(tmp_path) == []


def test_open_and_show_in_folder_use_the_system(
    qtbot: QtBot, context: UiContext, small: Built, report_settings: QSettings, tmp_path: Path
) -> None:
    recorder = Recorder(tmp_path / "iptt.xlsx")
    screen = make_screen(qtbot, context, small.code, report_settings, recorder)
    screen.select_kind("iptt_workbook")
    create(qtbot, screen)
    assert recorder.opened == [tmp_path / "iptt.xlsx"]
    screen.open_button.click()
    screen.folder_button.click()
    assert recorder.opened == [tmp_path / "iptt.xlsx"] * 2
    assert recorder.folders == [tmp_path]
    # A later screen proposes the folder last used.
    again = make_screen(qtbot, context, small.code, report_settings, Recorder(None))
    assert again.folder_label.full_text() == f"In: {tmp_path}"


def test_the_kind_table_needs_no_more_than_an_entry(tmp_path: Path) -> None:
    """What each kind asks for is named by its options; every option has a row on the screen."""
    assert {option for kind in KINDS for option in kind.options} <= set(Option)
    assert len({kind.key for kind in KINDS}) == len(KINDS)
    request = ReportRequest("A/B:C", as_of_label="2025 Q2")
    donor = next(k for k in KINDS if k.key == "donor_report")
    assert donor.file_name(request) == "A-B-C donor report 2025 Q2.pdf"


def test_the_window_lists_reports_last_and_hands_it_its_settings(
    qtbot: QtBot,
    db: Database,
    services: Services,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
    small: Built,
    tmp_path: Path,
) -> None:
    settings.setValue(FOLDER_SETTING, str(tmp_path))
    window = MainWindow(db.path, workers, signals, settings, log_path=Path("pmdesk.log"))
    qtbot.addWidget(window)
    window.show()
    window.attach(services)
    assert window.screens[-1].name == "reports"
    screen = window.screen_named("reports")
    assert isinstance(screen, ReportsScreen)
    assert screen.settings is settings
    with qtbot.waitSignal(screen.choices_loaded, timeout=TIMEOUT):
        window.show_screen("reports")
    assert screen.programme_code == small.code
    assert screen.folder_label.full_text() == f"In: {tmp_path}"
    workers.wait(10_000)


def test_a_meeting_planned_elsewhere_can_be_printed_at_once(
    qtbot: QtBot,
    context: UiContext,
    services: Services,
    signals: AppSignals,
    small: Built,
    report_settings: QSettings,
) -> None:
    screen = make_screen(qtbot, context, small.code, report_settings, Recorder(None))
    assert screen.options.meeting_combo.count() == 0
    detail = services.meetings.create(small.code, MeetingData("review", "Q3 review", date(2025, 10, 9)))
    with qtbot.waitSignal(screen.choices_loaded, timeout=TIMEOUT):
        signals.announce("meetings", small.code)
    assert screen.options.meeting_combo.itemText(0) == "2025-10-09 — Q3 review (draft)"
    assert screen.options.meeting_combo.currentData() == detail.meeting.uuid
    if screen.select_kind("minutes"):
        assert screen.create_button.isEnabled()
        assert screen.file_label.full_text() == "File: WASH-T minutes 2025-10-09 Q3 review.pdf"


def test_file_names_are_safe_and_keep_the_extension_typed(tmp_path: Path) -> None:
    assert safe_file_name('Q2 <b>R&D</b>: "a/b" ') == "Q2 -b-R&D--b-- -a-b-"
    assert safe_file_name(" . ") == "report"
    assert with_suffix(tmp_path / "x", "pdf") == tmp_path / "x.pdf"
    assert with_suffix(tmp_path / "x.PDF", "pdf") == tmp_path / "x.PDF"
    assert with_suffix(tmp_path / "x.pdf", "xlsx") == tmp_path / "x.pdf.xlsx"

# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end: a programme built from nothing through the screens, a quarter entered, approved,
seen in the IPTT, and all of it found again after closing and reopening the database."""

from __future__ import annotations

import gc
import traceback
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDateTimeEdit,
    QDialogButtonBox,
    QMessageBox,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from pmdesk.app import build_services
from pmdesk.domain.enums import TIER_TEMPLATES, Cumulation, Frequency, Measure, ValueStatus
from pmdesk.services.framework_records import OptionData
from pmdesk.storage.database import Database, open_database
from pmdesk.ui.context import Services
from pmdesk.ui.entry.data_entry_screen import DataEntryScreen
from pmdesk.ui.entry.entry_cells import COL_DENOMINATOR, COL_NUMERATOR, COL_STATUS, COL_VALUE
from pmdesk.ui.framework.disaggregation_dialog import DisaggregationEditDialog, DisaggregationsDialog
from pmdesk.ui.framework.framework_screen import FrameworkScreen
from pmdesk.ui.framework.framework_tree_model import INDICATOR, RESULT, NodeKey
from pmdesk.ui.framework.indicator_dialog import IndicatorDialog
from pmdesk.ui.framework.result_dialog import ResultDialog
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.iptt.iptt_table_model import (
    COL_LOP_ACTUAL,
    COL_LOP_TARGET,
    COL_TO_DATE_ACTUAL,
    COL_TO_DATE_PCT,
    COL_TO_DATE_TARGET,
)
from pmdesk.ui.iptt.iptt_table_model import (
    COL_STATUS as IPTT_STATUS,
)
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.programmes.programme_dialog import ProgrammeDialog
from pmdesk.ui.programmes.programmes_screen import ProgrammesScreen
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import AppSignals, Navigation
from pmdesk.ui.sites.site_dialog import SiteDialog
from pmdesk.ui.sites.sites_screen import SitesScreen
from pmdesk.ui.targets.targets_screen import TargetsScreen
from pmdesk.ui.workers import Workers
from tests.ui.entry_waiting import wait_for_grid

S = TypeVar("S", bound=Screen)

CODE = "EDU-TH"
NAME = "Girls' education in Tahoua"
Q1, Q2 = "2026Q1", "2026Q2"
ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
WAIT = 10_000  # ms: generous, every wait ends as soon as its condition holds

# What the user types, and what the IPTT must then say (as of 2026 Q1, whole programme).
TARGETS = {("1.1", Q1): 100.0, ("1.1", Q2): 150.0, ("1.2", Q1): 50.0, ("1.2", Q2): 60.0}
FEMALE, MALE, NUMERATOR, DENOMINATOR = 40.0, 50.0, 30.0, 50.0
# (target to date, actual to date, % met to date, status, LoP target, LoP actual)
IPTT_BEFORE = {  # no data yet: not "as of" any quarter, so the targets of every quarter count
    "1.1": ("250", "", "", "No data", "250", ""),
    "1.2": ("60%", "", "", "No data", "60%", ""),
}
# One school of two reported: the figures say so (DESIGN.md §3a).
IPTT_AFTER = {
    "1.1": ("100", "90", "90%", "On track · partial (1 of 2 sites)", "250", "90"),  # 40 + 50 of 100: ≥ 85 %
    "1.2": (
        "50%",
        "60%",
        "120%",
        "Exceeding · partial (1 of 2 sites) · unexplained",  # a variance explanation is due
        "60%",
        "60%",
    ),  # 30 ÷ 50 = 60 % of 50 %
}
IPTT_COLUMNS = (
    COL_TO_DATE_TARGET,
    COL_TO_DATE_ACTUAL,
    COL_TO_DATE_PCT,
    IPTT_STATUS,
    COL_LOP_TARGET,
    COL_LOP_ACTUAL,
)


# -- the app, opened and closed as run_gui does --------------------------------------------


@dataclass
class App:
    window: MainWindow
    database: Database
    workers: Workers
    signals: AppSignals
    services: Services
    is_open: bool = True

    def screen(self, kind: type[S]) -> S:
        screen = self.window.screen_named(kind.name)
        assert isinstance(screen, kind), kind.name
        return screen

    def show(self, kind: type[S]) -> S:
        """The screen, brought up as a click in the sidebar would (hidden screens load when shown)."""
        self.window.show_screen(kind.name)
        return self.screen(kind)


@dataclass
class Apps:
    """Every app the test opened, so that a failing test still releases the database."""

    opened: list[App] = field(default_factory=list)


@pytest.fixture
def apps() -> Iterator[Apps]:
    held = Apps()
    yield held
    for app in held.opened:
        if app.is_open:
            if shiboken6.isValid(app.window):
                app.window.close()
                app.window.deleteLater()
            app.workers.cancel_all()
            app.workers.wait(WAIT)
            app.database.close()


def open_app(qtbot: QtBot, apps: Apps, path: Path, settings: QSettings, log: Path) -> App:
    database = open_database(path, actor="amina")
    workers, signals = Workers(), AppSignals()
    # Not handed to qtbot.addWidget: the test closes and deletes the window itself, as quitting
    # does, and the `apps` fixture does so if the test fails first.
    window = MainWindow(database.path, workers, signals, settings, log_path=log)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    services = build_services(database)
    app = App(window, database, workers, signals, services)
    apps.opened.append(app)
    with qtbot.waitSignal(window.programmes_loaded, timeout=WAIT):
        window.attach(services)
    return app


def close_app(qtbot: QtBot, app: App) -> None:
    """What quitting does: close the window, let running jobs return, close the database."""
    window = app.window
    assert window.close()
    app.workers.cancel_all()
    assert app.workers.wait(WAIT)
    app.database.close()
    app.is_open = False
    gone: list[object] = []
    window.destroyed.connect(lambda *_: gone.append(True))
    window.deleteLater()
    qtbot.waitUntil(lambda: bool(gone), timeout=WAIT)


# -- driving the UI ---------------------------------------------------------------------------


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shortcuts only reach the active window; a closed dialog does not always hand it back."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def type_into(widget: QWidget, text: str) -> None:
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)


def type_date(edit: QDateTimeEdit, digits: str) -> None:
    """As after Tab into the field: the year is selected, and each full part moves on to the next."""
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.YearSection)
    QTest.keyClicks(edit, digits)


def press(widget: QWidget, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    """A key with a modifier, released afterwards as a finger would be (QTest leaves it down
    in Qt's keyboard state, which would turn later keys and clicks into modified ones)."""
    QTest.keyClick(widget, key, modifier)
    for flag, modifier_key in (
        (Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_Control),
        (Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_Shift),
        (Qt.KeyboardModifier.AltModifier, Qt.Key.Key_Alt),
    ):
        if modifier & flag:
            QTest.keyRelease(widget, modifier_key)


def press_mnemonic(qtbot: QtBot, parent: QWidget, key: Qt.Key) -> QPushButton:
    """Alt+letter of a button of `parent`: Qt clicks it after its short press animation."""
    button = next(
        b
        for b in parent.findChildren(QPushButton)
        if b.isVisible() and QKeySequence.mnemonic(b.text()) == QKeySequence(ALT | key)
    )
    with qtbot.waitSignal(button.clicked, timeout=WAIT):
        press(focused(), key, ALT)
    return button


@dataclass
class Modal:
    """A dialog that blocks in exec(): `handler` fills it from inside its event loop, once it is
    shown; the dialog must have closed by the end (a save may finish on a worker first)."""

    kind: type[QWidget]
    handler: Callable[[QWidget], None]
    qtbot: QtBot
    seen: bool = False
    errors: list[BaseException] = field(default_factory=list)

    def arm(self, tries: int = 500) -> Modal:
        QTimer.singleShot(0, lambda: self._poll(tries))
        return self

    def _poll(self, left: int) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, self.kind) and widget.isVisible():
            self.seen = True
            # The offscreen platform does not activate new windows by itself; keys typed into an
            # inactive dialog would go to the shortcuts of the window behind it.
            widget.activateWindow()
            QApplication.processEvents()
            try:
                self.handler(widget)
                self.qtbot.waitUntil(lambda: not widget.isVisible(), timeout=WAIT)
            except Exception as exc:
                # Kept as text for check(): the traceback's frames hold widgets, and a reference
                # cycle through them would be freed by the collector on any thread.
                self.errors.append(AssertionError("".join(traceback.format_exception(exc))))
            finally:
                if widget.isVisible():  # never leave the test hanging in exec()
                    widget.close()
                    self.errors.append(AssertionError(f"{self.kind.__name__} was left open"))
        elif left > 0:
            QTimer.singleShot(10, lambda: self._poll(left - 1))
        else:
            self.errors.append(AssertionError(f"no {self.kind.__name__} appeared"))

    def check(self) -> None:
        if self.errors:
            raise self.errors[0]
        assert self.seen, f"no {self.kind.__name__} appeared"


def when_modal(qtbot: QtBot, kind: type[QWidget], handler: Callable[[QWidget], None]) -> Modal:
    return Modal(kind, handler, qtbot).arm()


def show_by_keyboard(qtbot: QtBot, app: App, screen: Screen) -> None:
    """Ctrl+<its place in the sidebar>, as View ▸ lists the screens."""
    activate(qtbot, app.window)
    number = app.window.screens.index(screen) + 1
    press(focused(), getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
    assert app.window.current_screen() is screen


def ok_button(dialog: QWidget) -> QPushButton:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    button = box.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    return button


# -- reading what the screens show ------------------------------------------------------------


def iptt_figures(screen: IpttScreen) -> dict[str, tuple[str, ...]]:
    model = screen.model
    found = {}
    for code in ("1.1", "1.2"):
        row = model.indicator_row_of(code)
        assert row >= 0, code
        found[code] = tuple(str(model.data(model.index(row, c)) or "") for c in IPTT_COLUMNS)
    return found


def framework_keys(screen: FrameworkScreen) -> list[NodeKey | None]:
    return [screen.model.key_at(index) for index in screen.model.walk()]


def target_cells(screen: TargetsScreen) -> dict[tuple[str, str], str]:
    model = screen.model
    return {
        (code, period): str(model.index(model.row_of(code), model.column_of(period)).data() or "")
        for code, period in TARGETS
    }


def entry_rows(screen: DataEntryScreen) -> dict[str, int]:
    """The rows of the grid by what the user reads in them: 'Female', 'Male', 'ratio'."""
    model = screen.model
    first = model.first_row_of("1.1")
    ratio = model.first_row_of("1.2")
    assert first >= 0 and ratio >= 0
    labels = [model.row_at(first + i).label for i in range(3)]  # type: ignore[union-attr]
    assert labels == ["1.1 · Female", "1.1 · Male", "1.1 · Total"], labels
    return {"Female": first, "Male": first + 1, "Total": first + 2, "ratio": ratio}


def stored_values(services: Services, site: str = "TH02") -> dict[tuple[str, str], tuple[object, ...]]:
    return {
        (v.indicator_code, ",".join(v.options.values())): (v.value, v.numerator, v.denominator, v.status)
        for v in services.entry.values_for(CODE, site, Q1)
    }


EXPECTED_VALUES = {
    ("1.1", "F"): (FEMALE, None, None, ValueStatus.APPROVED),
    ("1.1", "M"): (MALE, None, None, ValueStatus.APPROVED),
    ("1.2", ""): (None, NUMERATOR, DENOMINATOR, ValueStatus.APPROVED),
}
EXPECTED_FRAMEWORK = [
    NodeKey(RESULT, "G1"),
    NodeKey(RESULT, "O1"),
    NodeKey(INDICATOR, "1.1"),
    NodeKey(INDICATOR, "1.2"),
]


# -- the steps --------------------------------------------------------------------------------


def create_programme(qtbot: QtBot, app: App) -> None:
    window = app.window
    assert window.pages.currentWidget() is window.welcome  # an empty database welcomes
    assert window.programme_model.rowCount() == 0

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, ProgrammeDialog)
        assert widget.windowTitle() == "New programme"
        type_into(widget.code_edit, CODE)
        type_into(widget.name_edit, NAME)
        type_into(widget.donor_edit, "Sahel Learning Fund")
        type_date(widget.start_edit, "20260101")
        type_date(widget.end_edit, "20271231")
        assert widget.frequency() is Frequency.QUARTERLY  # the default, kept
        assert widget.tiers_editor is not None
        widget.tiers_editor.template_combo.setFocus()
        QTest.keyClicks(widget.tiers_editor.template_combo, "L")  # Logframe
        assert widget.tiers_editor.tiers() == list(TIER_TEMPLATES["logframe"])
        QTest.keyClick(widget.name_edit, Qt.Key.Key_Return)  # Enter is OK; the save runs on a worker

    activate(qtbot, window)
    modal = when_modal(qtbot, ProgrammeDialog, fill)
    qtbot.mouseClick(window.welcome.buttons["create"], Qt.MouseButton.LeftButton)
    modal.check()
    # The shell selects the new programme and moves on to its framework.
    qtbot.waitUntil(lambda: window.current_programme_code() == CODE, timeout=WAIT)
    assert window.pages.currentWidget() is window.workspace
    assert window.current_screen() is app.screen(FrameworkScreen)
    created = app.services.programmes.get(CODE)
    assert (created.name, created.donor) == (NAME, "Sahel Learning Fund")
    assert (created.start, created.end, created.frequency) == (
        date(2026, 1, 1),
        date(2027, 12, 31),
        Frequency.QUARTERLY,
    )
    assert created.tiers == TIER_TEMPLATES["logframe"]


def framework_idle(screen: FrameworkScreen) -> bool:
    return not screen.is_busy and screen.snapshot is not None and screen.snapshot.programme_code == CODE


def add_result(qtbot: QtBot, app: App, key: Qt.Key, code: str, title: str) -> None:
    """Ctrl+Shift+R (a result) or Ctrl+Shift+B (a result below the selected one)."""
    screen = app.screen(FrameworkScreen)

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, ResultDialog)
        QTest.keyClicks(widget.focusWidget(), code)  # the cursor starts in Code
        QTest.keyClick(widget.focusWidget(), Qt.Key.Key_Tab)
        QTest.keyClicks(widget.focusWidget(), title)
        QTest.keyClick(widget.focusWidget(), Qt.Key.Key_Return)

    activate(qtbot, app.window)
    screen.tree_view.setFocus()
    modal = when_modal(qtbot, ResultDialog, fill)
    press(screen.tree_view, key, CTRL_SHIFT)
    modal.check()
    qtbot.waitUntil(lambda: framework_idle(screen) and screen.current_key() == NodeKey(RESULT, code))


def add_sex_disaggregation(qtbot: QtBot, app: App) -> None:
    screen = app.screen(FrameworkScreen)

    def type_cell(view: QAbstractItemView, text: str) -> None:
        editor = QApplication.focusWidget()
        assert editor is not None and view.state() == QAbstractItemView.State.EditingState
        QTest.keyClicks(editor, text)
        QTest.keyClick(editor, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState)

    def fill_sex(widget: QWidget) -> None:
        assert isinstance(widget, DisaggregationEditDialog)
        QTest.keyClicks(widget.code_edit, "SEX")
        QTest.keyClick(widget.code_edit, Qt.Key.Key_Tab)
        QTest.keyClicks(focused(), "Sex")
        for code, name in (("F", "Female"), ("M", "Male")):
            qtbot.mouseClick(widget.add_option_button, Qt.MouseButton.LeftButton)  # opens its code cell
            type_cell(widget.options_view, code)
            view = widget.options_view
            view.setCurrentIndex(widget.option_model.index(widget.option_model.rowCount() - 1, 1))
            QTest.keyClick(view, Qt.Key.Key_F2)
            type_cell(view, name)
        assert widget.option_model.options() == [OptionData("F", "Female"), OptionData("M", "Male")]
        qtbot.mouseClick(ok_button(widget), Qt.MouseButton.LeftButton)

    def add(widget: QWidget) -> None:
        assert isinstance(widget, DisaggregationsDialog)
        assert widget.model.rowCount() == 0
        inner = when_modal(qtbot, DisaggregationEditDialog, fill_sex)
        qtbot.mouseClick(widget.add_button, Qt.MouseButton.LeftButton)
        inner.check()
        assert widget.model.data(widget.model.index(0, 2)) == "Female, Male"
        QTest.keyClick(widget.view, Qt.Key.Key_Escape)  # Close

    activate(qtbot, app.window)
    screen.tree_view.setFocus()
    modal = when_modal(qtbot, DisaggregationsDialog, add)
    press(screen.tree_view, Qt.Key.Key_D, CTRL_SHIFT)
    modal.check()
    qtbot.waitUntil(
        lambda: framework_idle(screen) and [d.code for d in screen.snapshot.disaggregations] == ["SEX"],  # type: ignore[union-attr]
        timeout=WAIT,
    )


def add_indicator(qtbot: QtBot, app: App, code: str, name: str, measure: Measure, by_sex: bool) -> None:
    screen = app.screen(FrameworkScreen)

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, IndicatorDialog)
        assert widget.result_combo.currentData() == "O1"
        QTest.keyClicks(widget.code_edit, code)
        type_into(widget.name_edit, name)
        widget.tabs.setCurrentIndex(1)  # Measurement
        widget.measure_combo.setFocus()
        while widget.measure_combo.currentData() != measure:
            QTest.keyClick(widget.measure_combo, Qt.Key.Key_Down)
        type_into(widget.unit_edit, "pupils" if measure is Measure.NUMBER else "% of pupils")
        widget.cumulation_buttons[Cumulation.PERIODIC].setFocus()
        QTest.keyClick(widget.cumulation_buttons[Cumulation.PERIODIC], Qt.Key.Key_Space)
        if by_sex:
            widget.disaggregation_view.setFocus()
            QTest.keyClick(widget.disaggregation_view, Qt.Key.Key_Space)  # ticks Sex
        assert widget.disaggregation_model.chosen() == (("SEX",) if by_sex else ())
        QTest.keyClick(widget.unit_edit, Qt.Key.Key_Return)  # Enter is OK

    activate(qtbot, app.window)
    screen.tree_view.setFocus()
    modal = when_modal(qtbot, IndicatorDialog, fill)
    press(screen.tree_view, Qt.Key.Key_I, CTRL_SHIFT)
    modal.check()
    qtbot.waitUntil(
        lambda: framework_idle(screen) and screen.current_key() == NodeKey(INDICATOR, code), timeout=WAIT
    )


def add_sites(qtbot: QtBot, app: App) -> None:
    screen = app.screen(SitesScreen)
    show_by_keyboard(qtbot, app, screen)
    assert screen.site_model.codes() == []

    def fill(code: str, name: str, under: str | None) -> None:
        dialog = screen.dialog
        assert isinstance(dialog, SiteDialog)
        qtbot.waitExposed(dialog)
        assert dialog.parent_code() == under
        type_into(dialog.code_edit, code)
        type_into(dialog.name_edit, name)
        with qtbot.waitSignal(app.signals.data_changed, timeout=WAIT):
            QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
        assert screen.selected_site_code() == code

    qtbot.mouseClick(screen.add_site_button, Qt.MouseButton.LeftButton)  # nothing selected: top level
    fill("TH", "Tahoua district", None)
    activate(qtbot, app.window)
    screen.tree.setFocus()
    QTest.keyClick(screen.tree, Qt.Key.Key_Insert)  # Add below the district
    fill("TH01", "Konni school", "TH")
    qtbot.mouseClick(screen.add_site_button, Qt.MouseButton.LeftButton)  # beside Konni: below the district
    fill("TH02", "Madaoua school", "TH")
    assert screen.site_model.codes() == ["TH", "TH01", "TH02"]
    sites = {s.code: s for s in app.services.sites.list_sites(CODE)}
    assert {c: (s.name, s.parent_code) for c, s in sites.items()} == {
        "TH": ("Tahoua district", None),
        "TH01": ("Konni school", "TH"),
        "TH02": ("Madaoua school", "TH"),
    }


def set_targets(qtbot: QtBot, app: App) -> None:
    screen = app.screen(TargetsScreen)
    show_by_keyboard(qtbot, app, screen)
    qtbot.waitUntil(
        lambda: not screen.is_busy and screen.model.rowCount() > 0, timeout=WAIT
    )  # a worker reads
    assert screen.level_combo.currentText() == "Programme level"
    model, view = screen.model, screen.table_view
    assert target_cells(screen) == {cell: "" for cell in TARGETS}

    def type_cell(text: str, end: Qt.Key) -> None:
        for char in text:  # the first key opens the cell editor, the rest go into it
            QTest.keyClicks(focused(), char)
        assert view.state() == QAbstractItemView.State.EditingState
        QTest.keyClick(focused(), end)

    for code in ("1.1", "1.2"):
        view.setFocus()
        view.go_to(model.index(model.row_of(code), model.column_of(Q1)))
        type_cell(f"{TARGETS[(code, Q1)]:g}", Qt.Key.Key_Tab)  # Tab: saved, on to Q2
        type_cell(f"{TARGETS[(code, Q2)]:g}", Qt.Key.Key_Return)

    def saved() -> dict[tuple[str, str], float]:
        return {(t.indicator_code, t.period): t.value for t in app.services.targets.list_targets(CODE)}

    qtbot.waitUntil(lambda: saved() == TARGETS, timeout=WAIT)
    assert target_cells(screen) == {
        ("1.1", Q1): "100",
        ("1.1", Q2): "150",
        ("1.2", Q1): "50%",
        ("1.2", Q2): "60%",
    }
    assert "saved" in screen.message_text


def show_iptt(qtbot: QtBot, app: App, expected: Mapping[str, tuple[str, ...]]) -> IpttScreen:
    screen = app.screen(IpttScreen)
    show_by_keyboard(qtbot, app, screen)
    # The figures arrive from a worker; a change announced meanwhile computes them once more.
    try:
        qtbot.waitUntil(
            lambda: (
                not screen.is_busy and screen.model.table is not None and iptt_figures(screen) == expected
            ),
            timeout=WAIT,
        )
    except Exception:
        assert screen.model.table is not None and iptt_figures(screen) == expected  # says what differs
        raise
    return screen


def enter_values(qtbot: QtBot, app: App) -> DataEntryScreen:
    screen = app.screen(DataEntryScreen)
    show_by_keyboard(qtbot, app, screen)
    qtbot.waitUntil(lambda: screen.model.grid is not None, timeout=WAIT)
    bar = screen.place_bar

    # The site by keyboard: Alt+I, then Down past Konni to Madaoua (the district cannot be chosen).
    press(focused(), Qt.Key.Key_I, ALT)
    assert focused() is bar.site_combo
    assert bar.site_code == "TH01"  # the first site that reports
    QTest.keyClick(bar.site_combo, Qt.Key.Key_Down)
    assert bar.site_code == "TH02"
    # The first quarter: Home in the period picker (the default is the latest quarter ended).
    press(focused(), Qt.Key.Key_P, ALT)
    assert focused() is bar.period_combo
    QTest.keyClick(bar.period_combo, Qt.Key.Key_Home)
    wait_for_grid(screen)  # read on a worker
    grid = screen.model.grid
    assert grid is not None and (grid.site_code, grid.period) == ("TH02", Q1)
    assert screen.heading.text() == "Madaoua school · 2026 Q1"

    rows = entry_rows(screen)
    view = screen.view
    view.move_to(rows["Female"], COL_VALUE)
    view.setFocus()

    def type_cell(text: str) -> None:
        QTest.keyClicks(view, text[0])  # the first key opens the editor
        editor = focused()
        assert editor is not view, "typing did not open an editor"
        QTest.keyClicks(editor, text[1:])
        QTest.keyClick(editor, Qt.Key.Key_Return)

    type_cell(f"{FEMALE:g}")
    assert view.currentIndex().row() == rows["Male"]  # Enter saved and moved down
    type_cell(f"{MALE:g}")
    # Enter skips the computed total and goes on to the percent indicator's numerator.
    assert (view.currentIndex().row(), view.currentIndex().column()) == (rows["ratio"], COL_NUMERATOR)
    type_cell(f"{NUMERATOR:g}")
    assert view.currentIndex().column() == COL_DENOMINATOR  # half a ratio waits for its other half
    type_cell(f"{DENOMINATOR:g}")

    model = screen.model
    assert model.index(rows["Total"], COL_VALUE).data() == "90"  # the total follows
    assert model.index(rows["ratio"], COL_VALUE).data() == "60%"
    assert stored_values(app.services) == {
        key: (*figures[:3], ValueStatus.DRAFT) for key, figures in EXPECTED_VALUES.items()
    }
    return screen


def submit_and_approve(qtbot: QtBot, app: App, screen: DataEntryScreen) -> None:
    workflow = screen.workflow
    assert workflow.submit_button.isEnabled() and not workflow.approve_button.isEnabled()
    screen.view.setFocus()
    press_mnemonic(qtbot, screen, Qt.Key.Key_S)  # &Submit
    wait_for_grid(screen)
    assert {v[3] for v in stored_values(app.services).values()} == {ValueStatus.SUBMITTED}
    assert screen.status_label.text() == "Submitted 3 values of Madaoua school · 2026 Q1"

    asked: list[str] = []

    def approve(widget: QWidget) -> None:
        assert isinstance(widget, QMessageBox)
        asked.append(widget.text())
        yes = next(b for b in widget.buttons() if b.text() == "Approve")
        assert widget.defaultButton() is yes
        QTest.keyClick(widget, Qt.Key.Key_Return)  # the default button: Approve

    activate(qtbot, app.window)
    screen.view.setFocus()
    modal = when_modal(qtbot, QMessageBox, approve)
    press_mnemonic(qtbot, screen, Qt.Key.Key_A)  # &Approve…
    modal.check()
    wait_for_grid(screen)
    assert asked and asked[0].startswith("Approve 3 values of Madaoua school · 2026 Q1?")
    assert stored_values(app.services) == EXPECTED_VALUES
    rows = entry_rows(screen)
    assert screen.model.index(rows["Female"], COL_STATUS).data() == "Approved"
    assert workflow.reopen_button.isEnabled() and not workflow.submit_button.isEnabled()


# -- the tests --------------------------------------------------------------------------------


def test_a_closed_programme_dialog_is_freed_at_once_on_the_ui_thread(
    qtbot: QtBot, services: Services, workers: Workers
) -> None:
    """exec() hands a dialog to Python: with its last reference it is deleted. In a reference
    cycle that happens whenever the cyclic collector runs, on whichever thread, and a dialog
    deleted on a worker thread crashed the app after a programme was created."""
    parent = QWidget()
    qtbot.addWidget(parent)
    gc.disable()  # only reference counting may free it here
    try:
        dialog = ProgrammeDialog(services.programmes, workers, parent=parent)
        QTimer.singleShot(0, dialog.reject)
        dialog.exec()
        freed = weakref.ref(dialog)
        del dialog
        assert freed() is None, "the closed dialog is kept by a reference cycle"
    finally:
        gc.enable()


def test_a_programme_from_nothing_to_an_approved_quarter_survives_reopening(
    qtbot: QtBot, apps: Apps, tmp_path: Path, settings: QSettings
) -> None:
    path, log = tmp_path / "programmes.sqlite", tmp_path / "pmdesk.log"
    app = open_app(qtbot, apps, path, settings, log)

    # 1. Programme: from the welcome page, by keyboard.
    create_programme(qtbot, app)

    # 2. Framework: Goal, Outcome below it, the SEX disaggregation, a number and a percent indicator.
    framework = app.screen(FrameworkScreen)
    qtbot.waitUntil(lambda: framework_idle(framework), timeout=WAIT)
    assert framework.model.rowCount() == 0
    add_result(qtbot, app, Qt.Key.Key_R, "G1", "Girls learn in Tahoua")
    add_result(qtbot, app, Qt.Key.Key_B, "O1", "More girls stay in school")
    add_sex_disaggregation(qtbot, app)
    add_indicator(qtbot, app, "1.1", "Pupils enrolled", Measure.NUMBER, by_sex=True)
    add_indicator(qtbot, app, "1.2", "Pupils passing the exam", Measure.PERCENT, by_sex=False)
    assert framework_keys(framework) == EXPECTED_FRAMEWORK
    results = {r.code: (r.title, r.tier, r.parent_code) for r in app.services.framework.list_results(CODE)}
    assert results == {
        "G1": ("Girls learn in Tahoua", "Goal", None),
        "O1": ("More girls stay in school", "Outcome", "G1"),
    }
    indicators = {i.data.code: i.data for i in app.services.framework.list_indicators(CODE)}
    assert (indicators["1.1"].measure, indicators["1.1"].disaggregations) == (Measure.NUMBER, ("SEX",))
    assert (indicators["1.2"].measure, indicators["1.2"].disaggregations) == (Measure.PERCENT, ())
    assert {i.cumulation for i in indicators.values()} == {Cumulation.PERIODIC}

    # 3. Sites: a district and two schools below it.
    add_sites(qtbot, app)

    # 4. Targets: programme level, two quarters, typed into the grid.
    set_targets(qtbot, app)

    # 5. The IPTT knows the targets but has no data yet.
    show_iptt(qtbot, app, IPTT_BEFORE)

    # 6. Data entry: Madaoua school, 2026 Q1, typed by keyboard; submitted, approved.
    entry = enter_values(qtbot, app)
    submit_and_approve(qtbot, app, entry)

    # 7. The IPTT now shows the quarter; approved data only gives the same figures.
    iptt = show_iptt(qtbot, app, IPTT_AFTER)
    assert "as of 2026 Q1" in iptt.subtitle_label.text()
    with qtbot.waitSignal(iptt.table_loaded, timeout=WAIT):
        qtbot.mouseClick(iptt.approved_check, Qt.MouseButton.LeftButton)
    assert iptt_figures(iptt) == IPTT_AFTER
    with qtbot.waitSignal(iptt.table_loaded, timeout=WAIT):
        qtbot.mouseClick(iptt.approved_check, Qt.MouseButton.LeftButton)

    # 8. Quit, then open the same file again.
    close_app(qtbot, app)
    again = open_app(qtbot, apps, path, settings, log)
    window = again.window
    qtbot.waitUntil(lambda: window.current_programme_code() == CODE, timeout=WAIT)
    assert window.pages.currentWidget() is window.workspace
    assert window.programme_combo.currentText() == NAME
    assert window.current_screen() is again.screen(IpttScreen)  # where the user left off
    assert "2 indicators · 3 sites · 3 data values" in window.status_bar.programme_label.text()

    # Through the services: everything as it was.
    services = again.services
    programme = services.programmes.get(CODE)
    assert (programme.name, programme.start, programme.end, programme.frequency, programme.tiers) == (
        NAME,
        date(2026, 1, 1),
        date(2027, 12, 31),
        Frequency.QUARTERLY,
        TIER_TEMPLATES["logframe"],
    )
    assert {i.data.code: i.data for i in services.framework.list_indicators(CODE)} == indicators
    sex = services.framework.list_disaggregations(CODE)
    assert [(d.code, d.options) for d in sex] == [
        ("SEX", (OptionData("F", "Female"), OptionData("M", "Male")))
    ]
    assert [(s.code, s.parent_code) for s in services.sites.list_sites(CODE)] == [
        ("TH", None),
        ("TH01", "TH"),
        ("TH02", "TH"),
    ]
    assert {(t.indicator_code, t.period): t.value for t in services.targets.list_targets(CODE)} == TARGETS
    assert stored_values(services) == EXPECTED_VALUES

    # Through the screens: the same figures, framework, sites, targets and grid.
    iptt = again.show(IpttScreen)
    qtbot.waitUntil(lambda: not iptt.is_busy and iptt.model.table is not None, timeout=WAIT)
    assert iptt_figures(iptt) == IPTT_AFTER
    programmes = again.show(ProgrammesScreen)
    qtbot.waitUntil(lambda: programmes.model.rowCount() == 1, timeout=WAIT)
    framework = again.show(FrameworkScreen)
    qtbot.waitUntil(lambda: framework_idle(framework), timeout=WAIT)
    assert framework_keys(framework) == EXPECTED_FRAMEWORK
    sites = again.show(SitesScreen)
    assert sites.site_model.codes() == ["TH", "TH01", "TH02"]
    targets = again.show(TargetsScreen)
    qtbot.waitUntil(lambda: not targets.is_busy and targets.model.rowCount() > 0, timeout=WAIT)
    assert target_cells(targets) == {
        ("1.1", Q1): "100",
        ("1.1", Q2): "150",
        ("1.2", Q1): "50%",
        ("1.2", Q2): "60%",
    }
    entry = again.screen(DataEntryScreen)
    again.signals.navigate(Navigation("entry", CODE, site_code="TH02", period=Q1))
    assert window.current_screen() is entry
    wait_for_grid(entry)
    grid = entry.model.grid
    assert grid is not None and (grid.site_code, grid.period) == ("TH02", Q1)
    rows = entry_rows(entry)
    model = entry.model
    shown = {
        name: (model.index(row, COL_VALUE).data(), model.index(row, COL_STATUS).data())
        for name, row in rows.items()
    }
    assert shown == {
        "Female": ("40", "Approved"),
        "Male": ("50", "Approved"),
        "Total": ("90", ""),
        "ratio": ("60%", "Approved"),
    }
    close_app(qtbot, again)

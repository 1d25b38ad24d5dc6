# SPDX-License-Identifier: GPL-3.0-or-later
"""Small screens (issue #7 §2): at 1024 × 600, even at View ▸ Zoom 150 %, every table screen of the
demo shows at least eight rows of its table, and the IPTT's Status is in sight without scrolling."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QApplication, QTableView, QTreeView
from pytestqt.qtbot import QtBot

from pmdesk.screenshots import wait_until_idle, zoom_step
from pmdesk.services.actor import Actor
from pmdesk.services.demo import DEMO_CODE, DemoService
from pmdesk.storage.database import Database
from pmdesk.ui.completeness.completeness_screen import CompletenessScreen
from pmdesk.ui.entry.data_entry_screen import DataEntryScreen
from pmdesk.ui.entry.entry_cells import COL_CELL
from pmdesk.ui.entry.entry_rows import RowKind
from pmdesk.ui.framework.framework_screen import FrameworkScreen
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.iptt.iptt_table_model import COL_STATUS
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.programmes.programmes_screen import ProgrammesScreen
from pmdesk.ui.signals import AppSignals, Navigation
from pmdesk.ui.sites.sites_screen import SitesScreen
from pmdesk.ui.targets.targets_screen import TargetsScreen
from pmdesk.ui.widgets.frozen_table_view import elide_path, fit_to_lines
from pmdesk.ui.workers import Workers
from tests.ui.conftest import make_services

SMALL_SCREEN = (1024, 600)
MIN_ROWS = 8
ENTRY_SITE = "HIL-01"  # a school: a site that reports

WindowFactory = Callable[[int], MainWindow]


@pytest.fixture
def demo(db: Database) -> Database:
    DemoService(db.sessions, Actor(db.actor, db.device_uuid), db.path).create_demo()
    return db


@pytest.fixture
def make_window(
    qtbot: QtBot, demo: Database, workers: Workers, signals: AppSignals, settings: QSettings
) -> Iterator[WindowFactory]:
    """A main window of 1024 × 600 on the demo programme at View ▸ Zoom `percent`."""
    base_font = QApplication.font()

    def make(percent: int) -> MainWindow:
        settings.setValue("view/zoom", zoom_step(percent))  # as a zoom saved at the last start
        window = MainWindow(demo.path, workers, signals, settings, log_path=Path("pmdesk.log"))
        qtbot.addWidget(window)
        window.resize(*SMALL_SCREEN)
        window.show()
        window.attach(make_services(demo))
        wait_until_idle(workers)
        assert window.select_programme(DEMO_CODE)
        wait_until_idle(workers)
        return window

    yield make
    QApplication.setFont(base_font)


def show(window: MainWindow, workers: Workers, name: str) -> None:
    window.show_screen(name)
    screen = window.current_screen()
    if name == "entry" and screen is not None:
        screen.navigate(Navigation("entry", DEMO_CODE, site_code=ENTRY_SITE))
    wait_until_idle(workers)


def rows_in_sight(view: QAbstractItemView) -> int:
    """How many rows the viewport shows whole, as laid out (rows of wrapped text are taller);
    past the last row, as many more as would fit at the last row's height (the demo has one
    programme, and a short list must not fail a screen that has room)."""
    height = view.viewport().height()
    rows, bottom, last = 0, 0, 0
    if isinstance(view, QTreeView):
        index = view.indexAt(view.viewport().rect().topLeft())
        while index.isValid():
            rect = view.visualRect(index)
            last = rect.height()
            if rect.bottom() >= height:
                return rows
            rows, bottom = rows + 1, rect.bottom() + 1
            index = view.indexBelow(index)
    else:
        assert isinstance(view, QTableView)
        last = view.verticalHeader().defaultSectionSize()
        for row in range(view.model().rowCount()):
            top = view.rowViewportPosition(row)
            if view.isRowHidden(row) or top < 0:
                continue  # scrolled out at the top
            last = view.rowHeight(row)
            if top + last > height:
                return rows
            rows, bottom = rows + 1, top + last
    assert last > 0
    return rows + (height - bottom) // last


def table_of(window: MainWindow, name: str) -> QAbstractItemView:
    screen = window.screen_named(name)
    if isinstance(screen, ProgrammesScreen):
        return screen.table
    if isinstance(screen, FrameworkScreen):
        return screen.tree_view
    if isinstance(screen, SitesScreen):
        return screen.tree
    if isinstance(screen, (TargetsScreen, CompletenessScreen, IpttScreen)):
        return screen.table_view
    if isinstance(screen, DataEntryScreen):
        return screen.view
    raise AssertionError(name)


TABLE_SCREENS = ("programmes", "framework", "sites", "targets", "entry", "completeness", "iptt")


@pytest.mark.parametrize("name", TABLE_SCREENS)
def test_every_table_screen_shows_eight_rows_at_150_percent(
    make_window: WindowFactory, workers: Workers, name: str
) -> None:
    window = make_window(150)
    show(window, workers, name)
    view = table_of(window, name)
    assert view.isVisible()
    assert rows_in_sight(view) >= MIN_ROWS, (name, view.viewport().height())
    if name == "sites":
        screen = window.current_screen()
        assert isinstance(screen, SitesScreen)
        assert rows_in_sight(screen.people_table) >= MIN_ROWS


def test_the_iptt_by_site_view_shows_eight_rows_at_150_percent(
    qtbot: QtBot, make_window: WindowFactory, workers: Workers
) -> None:
    window = make_window(150)
    show(window, workers, "iptt")
    screen = window.iptt_screen
    assert screen is not None
    dialog = screen.open_site_figures("G.2")
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=20_000)
    wait_until_idle(workers)
    assert dialog.height() <= SMALL_SCREEN[1]
    assert rows_in_sight(dialog.table_view) >= MIN_ROWS
    dialog.close()


def test_the_iptt_status_is_in_sight_without_scrolling_at_100_percent(
    make_window: WindowFactory, workers: Workers
) -> None:
    window = make_window(100)
    show(window, workers, "iptt")
    view = table_of(window, "iptt")
    assert isinstance(view, QTableView)
    assert view.horizontalScrollBar().value() == 0
    left = view.columnViewportPosition(COL_STATUS)
    assert left >= 0 and left + view.columnWidth(COL_STATUS) <= view.viewport().width()
    # In the part that never scrolls: still in sight when the periods are scrolled to.
    view.horizontalScrollBar().setValue(view.horizontalScrollBar().maximum())
    frozen = view.frozen_view  # type: ignore[attr-defined]
    assert not frozen.isColumnHidden(COL_STATUS)
    assert frozen.columnViewportPosition(COL_STATUS) + frozen.columnWidth(COL_STATUS) <= frozen.width()


def test_a_short_screen_folds_the_legend_behind_a_button(
    qtbot: QtBot, make_window: WindowFactory, workers: Workers
) -> None:
    window = make_window(150)
    show(window, workers, "iptt")
    screen = window.iptt_screen
    assert screen is not None
    qtbot.waitUntil(lambda: screen.legend_button.isVisible())
    assert screen.legend.isHidden() and screen.hint_label.isHidden()
    rows = rows_in_sight(screen.table_view)
    screen.legend_button.click()  # on demand, at the cost of rows
    assert screen.legend.isVisible() and screen.hint_label.isVisible()
    screen.legend_button.click()
    assert screen.legend.isHidden()
    qtbot.waitUntil(lambda: rows_in_sight(screen.table_view) == rows)
    # A tall window has room for both.
    window.resize(1280, 1000)
    qtbot.waitUntil(lambda: screen.legend.isVisible() and not screen.legend_button.isVisible())


def test_completeness_opens_on_whole_columns_with_the_latest_ended_period(
    make_window: WindowFactory, workers: Workers
) -> None:
    window = make_window(150)
    show(window, workers, "completeness")
    screen = window.current_screen()
    assert isinstance(screen, CompletenessScreen)
    view = screen.table_view
    current = view.currentIndex()
    assert current.isValid()
    header = view.horizontalHeader()
    frozen = view.frozen_width()
    left = view.columnViewportPosition(current.column())
    assert frozen <= left and left + view.columnWidth(current.column()) <= view.viewport().width()
    first = header.logicalIndexAt(frozen + 1)  # the first column right of the site names
    assert view.columnViewportPosition(first) == frozen  # whole, not "tted 27"


def test_data_entry_wraps_option_labels_instead_of_cutting_them(
    make_window: WindowFactory, workers: Workers
) -> None:
    window = make_window(150)
    show(window, workers, "entry")
    screen = window.current_screen()
    assert isinstance(screen, DataEntryScreen)
    view, model = screen.view, screen.model
    metrics = view.fontMetrics()
    wrapped = 0
    for row in range(model.rowCount()):
        entry = model.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL:
            continue  # a result's title runs across the row
        text = model.data(model.index(row, COL_CELL))
        if text and metrics.horizontalAdvance(str(text)) > view.columnWidth(COL_CELL) - 12:
            assert view.rowHeight(row) >= 2 * metrics.lineSpacing(), text  # room for two lines
            wrapped += 1
    assert wrapped  # "Female · 18 and over" at this zoom


def test_the_unsaved_banner_does_not_move_the_grid(make_window: WindowFactory, workers: Workers) -> None:
    window = make_window(100)
    show(window, workers, "entry")
    screen = window.current_screen()
    assert isinstance(screen, DataEntryScreen)
    top = screen.view.mapTo(screen, screen.view.rect().topLeft()).y()
    screen.unsaved_banner.show()
    screen.unsaved_banner.label.setText("<b>1 value not saved</b><br>The database is locked.<br>Retrying…")
    QApplication.processEvents()
    screen.layout().activate()
    assert screen.view.mapTo(screen, screen.view.rect().topLeft()).y() == top
    screen.unsaved_banner.hide()


def test_a_path_cut_to_one_line_keeps_the_school(qapp: QApplication) -> None:
    font = QApplication.font()
    metrics = QFontMetrics(font)
    path = "Hills district › Mlima Juu primary school"
    assert elide_path(path, font, metrics.horizontalAdvance(path) + 1, " › ") == path
    school = "Mlima Juu primary school"
    assert elide_path(path, font, metrics.horizontalAdvance(school) + 1, " › ") == school
    short = elide_path(path, font, metrics.horizontalAdvance("Mlima Juu"), " › ")
    assert short.startswith("Mlima") and short.endswith("…")


def test_a_long_name_is_cut_to_the_lines_its_row_has(qapp: QApplication) -> None:
    font = QApplication.font()
    name = "1.1  People gaining access to a basic drinking water service at school"
    width = QFontMetrics(font).horizontalAdvance("People gaining access")
    two = fit_to_lines(name, font, width, 2).split("\n")
    assert len(two) == 2 and two[0].startswith("1.1") and two[1].endswith("…")
    assert fit_to_lines(name, font, 10_000, 2) == name

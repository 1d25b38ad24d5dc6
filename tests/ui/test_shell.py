# SPDX-License-Identifier: GPL-3.0-or-later
"""The shell: sidebar of screens, programme picker, welcome page, menus, navigation, databases."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from pmdesk.services.demo import demo_package
from pmdesk.storage.database import Database
from pmdesk.ui.context import Services
from pmdesk.ui.files.database_commands import recent_databases
from pmdesk.ui.formatting import counted
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals, Navigation
from pmdesk.ui.widgets.welcome_page import WelcomePage
from pmdesk.ui.workers import Workers
from tests.ui.programme_factory import Built, build_small_programme

WindowFactory = Callable[[Services], MainWindow]
SCREENS = [
    "programmes",
    "framework",
    "sites",
    "targets",
    "entry",
    "completeness",
    "iptt",
    "dashboard",
    "alerts",
    "actions",
    "scorecards",
    "learning",
    "meetings",
    "reports",
]


@pytest.fixture
def make_window(
    qtbot: QtBot, db: Database, workers: Workers, signals: AppSignals, settings: QSettings
) -> WindowFactory:
    def make(services: Services) -> MainWindow:
        window = MainWindow(db.path, workers, signals, settings, log_path=Path("pmdesk.log"))
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        window.attach(services)
        return window

    return make


def loaded(qtbot: QtBot, window: MainWindow, count: int) -> None:
    qtbot.waitUntil(lambda: window.programme_model.rowCount() == count, timeout=10_000)


def test_the_sidebar_lists_every_screen_in_working_order(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built
) -> None:
    window = make_window(services)
    loaded(qtbot, window, 1)
    assert [s.name for s in window.screens] == SCREENS
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [s.title for s in window.screens]
    assert window.current_screen() is window.screen_named("iptt")  # the default first screen
    assert all(s.programme_code == "WASH-T" for s in window.screens)
    window.nav.setCurrentRow(1)
    assert window.current_screen() is window.screen_named("framework")


def test_the_view_menu_shows_each_screen_title_whole_and_the_status_bar_counts_in_words(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built
) -> None:
    window = make_window(services)
    loaded(qtbot, window, 1)
    # QAction takes a lone "&" for a shortcut marker: "Framework & indicators" lost it.
    shown = [action.iconText() for action in window.menus.screen_actions]  # the text as the menu shows it
    assert shown == [s.title for s in window.screens]
    assert "Framework & indicators" in shown
    status = window.status_bar.programme_label.text()
    assert "5 indicators" in status and "4 sites" in status


def test_the_zoom_figure_keeps_apart_from_the_database_path(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built
) -> None:
    window = make_window(services)
    loaded(qtbot, window, 1)
    window.zoom_in()
    window.zoom_in()
    qtbot.waitUntil(lambda: window.status_bar.zoom_label.isVisible())
    path_ends = window.status_bar.database_label.geometry().right()
    zoom_text_starts = (
        window.status_bar.zoom_label.geometry().left() + window.status_bar.zoom_label.contentsRect().left()
    )
    assert zoom_text_starts - path_ends >= window.status_bar.zoom_label.fontMetrics().horizontalAdvance("  ")
    window.reset_zoom()


def test_counts_agree_with_their_nouns() -> None:
    assert counted(1, "programme") == "1 programme"
    assert counted(2, "programme") == "2 programmes"
    assert counted(0, "data value") == "0 data values"
    assert counted(1, "person", "people") == "1 person"
    assert counted(3, "person", "people") == "3 people"


def test_ctrl_number_switches_screens(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built
) -> None:
    window = make_window(services)
    loaded(qtbot, window, 1)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() is window.screen_named("entry")
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() is window.screen_named("targets")


def test_the_programme_picker_sets_every_screens_programme(
    qtbot: QtBot, make_window: WindowFactory, services: Services, db: Database
) -> None:
    build_small_programme(db)
    build_small_programme(db, code="WASH-U", name="Second programme")
    window = make_window(services)
    loaded(qtbot, window, 2)
    first = window.current_programme_code()
    other = "WASH-U" if first == "WASH-T" else "WASH-T"
    window.programme_combo.setCurrentIndex(window.programme_model.row_of(other))
    assert window.current_programme_code() == other
    assert {s.programme_code for s in window.screens} == {other}
    assert other in window.status_bar.programme_label.text()


def test_navigation_requests_switch_programme_and_screen(
    qtbot: QtBot, make_window: WindowFactory, services: Services, db: Database, signals: AppSignals
) -> None:
    build_small_programme(db)
    build_small_programme(db, code="WASH-U", name="Second programme")
    window = make_window(services)
    loaded(qtbot, window, 2)
    signals.navigate(Navigation("entry", "WASH-U", site_code="S1", period="2025Q2"))
    assert window.current_programme_code() == "WASH-U"
    assert window.current_screen() is window.screen_named("entry")


def test_an_empty_database_welcomes_with_working_buttons(
    qtbot: QtBot, make_window: WindowFactory, services: Services, tmp_path: Path
) -> None:
    window = make_window(services)
    with qtbot.waitSignal(window.programmes_loaded, timeout=10_000) as done:
        pass
    assert done.args == [0]
    assert window.pages.currentWidget() is window.welcome
    assert set(window.welcome.buttons) == {"create", "demo", "package", "logframe", "template", "open"}
    with qtbot.waitSignal(window.demo_requested, timeout=1_000):
        window.welcome.buttons["demo"].click()

    package = tmp_path / "demo.json"
    package.write_text(json.dumps(demo_package()), encoding="utf-8")
    window.files.ask_open_path = lambda *_: package  # type: ignore[method-assign]
    window.welcome.buttons["package"].click()
    loaded(qtbot, window, 1)
    qtbot.waitUntil(lambda: window.current_programme_code() == "DEMO-WASH", timeout=10_000)
    assert window.pages.currentWidget() is window.workspace
    assert window.current_screen() is window.screen_named("framework")  # next: look at what arrived


def test_the_welcome_page_shows_every_description_whole_at_a_large_zoom(qtbot: QtBot) -> None:
    base_font = QApplication.font()
    zoomed = QApplication.font()
    zoomed.setPointSizeF(base_font.pointSizeF() * 1.5)
    QApplication.setFont(zoomed)
    try:
        page = WelcomePage()
        qtbot.addWidget(page)
        page.resize(1024 - 24, 500)
        page.show()
        hints = [label for label in page.findChildren(QLabel) if label.wordWrap()]
        assert len(hints) >= 6
        qtbot.waitUntil(lambda: all(h.height() >= h.heightForWidth(h.width()) for h in hints))
        assert any(h.heightForWidth(h.width()) > h.fontMetrics().height() * 1.5 for h in hints)  # wrapped
    finally:
        QApplication.setFont(base_font)


def test_a_refused_import_says_why_and_changes_nothing(
    qtbot: QtBot,
    make_window: WindowFactory,
    services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(services)
    loaded(qtbot, window, 0)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "pmdesk.programme/1", "programme": {}}', encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(
        "pmdesk.ui.files.file_actions.show_error",
        lambda _parent, title, error: shown.append(f"{title}: {error}"),
    )
    window.files.ask_open_path = lambda *_: bad  # type: ignore[method-assign]
    window.menus.import_package_action.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "bad.json" in shown[0] and "$.programme" in shown[0]
    assert services.programmes.list_programmes() == []


def test_exports_write_the_programme_package(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built, tmp_path: Path
) -> None:
    window = make_window(services)
    loaded(qtbot, window, 1)
    target = tmp_path / "out.json"
    window.files.ask_save_path = lambda *_: target  # type: ignore[method-assign]
    window.menus.export_package_action.trigger()
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert json.loads(target.read_text(encoding="utf-8"))["programme"]["code"] == "WASH-T"


def test_the_database_is_remembered_among_recent_ones(
    qtbot: QtBot, make_window: WindowFactory, services: Services, settings: QSettings, db: Database
) -> None:
    make_window(services)
    assert recent_databases(settings)[0] == str(db.path)


def test_detach_forgets_the_screens_of_the_closed_database(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built, tmp_path: Path
) -> None:
    window = make_window(services)
    loaded(qtbot, window, 1)
    window.detach(tmp_path / "other.sqlite")
    assert window.screens == [] and window.nav.count() == 0
    assert window.pages.currentWidget() is window.opening_label
    assert "other.sqlite" in window.windowTitle()


def test_find_asks_the_current_screen(
    qtbot: QtBot,
    make_window: WindowFactory,
    services: Services,
    small: Built,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(services)
    loaded(qtbot, window, 1)
    asked: list[str] = []
    screen = window.current_screen()
    assert screen is not None
    monkeypatch.setattr(screen, "find_text", lambda text: asked.append(text) or False)
    window.menus.find_action.trigger()
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "1.1")
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert asked == ["1.1"]
    assert window.find_bar.status.text() == "Not found"

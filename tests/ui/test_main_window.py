# SPDX-License-Identifier: GPL-3.0-or-later
"""MainWindow with the IPTT screen: IPTT through the worker, pickers, zoom, state, restart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableView
from pytestqt.qtbot import QtBot

from pmdesk.services.lookups import combo_id_for, programme_by_code, site_by_code
from pmdesk.services.value_summary import mark_changed
from pmdesk.storage.database import Database, open_database
from pmdesk.storage.models import DataValueRow, IndicatorRow
from pmdesk.ui.context import Services
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.iptt.iptt_table_model import (
    COL_STATUS,
    COL_TO_DATE_ACTUAL,
    COL_TO_DATE_TARGET,
    FIRST_PERIOD_COL,
)
from pmdesk.ui.main_window import MainWindow
from pmdesk.ui.signals import AppSignals
from pmdesk.ui.targets.targets_screen import TargetsScreen
from pmdesk.ui.workers import Workers
from tests.ui.conftest import make_services
from tests.ui.programme_factory import Built

WindowFactory = Callable[[Services], MainWindow]


@pytest.fixture
def make_window(
    qtbot: QtBot, db: Database, workers: Workers, signals: AppSignals, settings: QSettings
) -> WindowFactory:
    def make(services: Services) -> MainWindow:
        window = MainWindow(db.path, workers, signals, settings, log_path=Path("pmdesk.log"))
        qtbot.addWidget(window)
        window.show()
        window.attach(services)
        return window

    return make


def screen_of(window: MainWindow) -> IpttScreen:
    assert window.iptt_screen is not None
    return window.iptt_screen


def wait_for_table(qtbot: QtBot, window: MainWindow) -> IpttScreen:
    screen = screen_of(window)
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0 and not screen.is_busy, timeout=10_000)
    return screen


def figure(screen: IpttScreen, indicator: str, column: int) -> str:
    row = screen.model.indicator_row_of(indicator)
    return screen.model.data(screen.model.index(row, column), Qt.ItemDataRole.DisplayRole)


def pick(qtbot: QtBot, screen: IpttScreen, combo_name: str, code: str | None) -> None:
    combo = getattr(screen, combo_name)
    index = combo.findData(code) if code is not None else 0
    assert index >= 0, code
    with qtbot.waitSignal(screen.table_loaded, timeout=10_000):
        combo.setCurrentIndex(index)


def test_the_site_picker_changes_the_figures(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built
) -> None:
    window = make_window(services)  # a reference: qtbot only holds widgets weakly
    screen = wait_for_table(qtbot, window)
    sites = [screen.site_combo.itemText(i) for i in range(screen.site_combo.count())]
    assert sites == [
        "Whole programme",
        "Niger",
        "\u2003Zinder",
        "\u2003\u2003Mirriah",
        "\u2003\u2003Magaria",
    ]  # by code

    pick(qtbot, screen, "site_combo", "S1")
    assert figure(screen, "1.1", COL_TO_DATE_ACTUAL) == "1,000"
    assert figure(screen, "1.1", COL_STATUS) == "On track"
    assert "Mirriah" in screen.subtitle_label.text()

    pick(qtbot, screen, "site_combo", "S2")
    assert figure(screen, "1.1", COL_TO_DATE_ACTUAL) == "800"
    assert figure(screen, "1.1", COL_STATUS) == "At risk"

    pick(qtbot, screen, "site_combo", None)
    assert figure(screen, "1.1", COL_TO_DATE_ACTUAL) == "1,800"


def test_the_as_of_picker_cuts_the_periods(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built
) -> None:
    window = make_window(services)  # a reference: qtbot only holds widgets weakly
    screen = wait_for_table(qtbot, window)
    pick(qtbot, screen, "as_of_combo", "2025Q1")
    assert figure(screen, "1.1", COL_TO_DATE_ACTUAL) == "1,100"
    assert figure(screen, "1.1", COL_TO_DATE_TARGET) == "1,000"
    assert screen.model.columnCount() == FIRST_PERIOD_COL + 3
    assert screen.as_of_combo.itemText(0).startswith("Latest complete period")


def test_the_last_choice_wins_when_jobs_overlap(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built
) -> None:
    window = make_window(services)  # a reference: qtbot only holds widgets weakly
    screen = wait_for_table(qtbot, window)
    # Three requests in a row: earlier results must never replace the last one.
    screen.site_combo.setCurrentIndex(screen.site_combo.findData("S1"))
    screen.site_combo.setCurrentIndex(screen.site_combo.findData("S2"))
    screen.as_of_combo.setCurrentIndex(screen.as_of_combo.findData("2025Q1"))
    qtbot.waitUntil(lambda: not screen.is_busy, timeout=10_000)
    qtbot.wait(100)  # anything stale still queued would arrive now
    table = screen.model.table
    assert table is not None and (table.site_code, table.as_of) == ("S2", "2025Q1")
    assert figure(screen, "1.1", COL_TO_DATE_ACTUAL) == "500"


def test_a_failing_computation_is_shown_not_swallowed(
    qtbot: QtBot,
    make_window: WindowFactory,
    services: Services,
    small: Built,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window(services)  # a reference: qtbot only holds widgets weakly
    screen = wait_for_table(qtbot, window)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services.iptt, "table", broken)
    with qtbot.waitSignal(screen.load_failed, timeout=10_000) as failed:
        screen.refresh()
    assert failed.args[0].startswith("The IPTT could not be loaded: an unexpected problem stopped it.")
    assert "disk on fire" not in screen.error_text and "RuntimeError" not in screen.error_text
    assert screen.error_text == failed.args[0]
    assert not screen.is_busy
    assert screen.model.rowCount() == 0  # no stale figures under the message

    monkeypatch.undo()
    with qtbot.waitSignal(screen.table_loaded, timeout=10_000):
        window.menus.reload_action.trigger()
    assert screen.error_text == ""
    assert figure(screen, "1.1", COL_TO_DATE_ACTUAL) == "1,800"


def test_zoom_shortcuts_scale_the_application_font(
    qtbot: QtBot, make_window: WindowFactory, services: Services
) -> None:
    window = make_window(services)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    base = QApplication.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pointSizeF() == pytest.approx(base * 1.1)
    assert window.status_bar.zoom_label.text() == "Zoom 110%"
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pointSizeF() == pytest.approx(base * 0.9)
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pointSizeF() == pytest.approx(base)
    assert window.status_bar.zoom_label.isHidden()


def test_zoom_reaches_the_sidebar_and_the_screens(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built
) -> None:
    window = make_window(services)
    wait_for_table(qtbot, window)
    base = window.nav.font().pointSizeF()
    narrow = window.nav.width()
    window.zoom_in()
    window.zoom_in()  # 125 %
    zoomed = pytest.approx(base * 1.25)
    # The sidebar has a style sheet, and such widgets miss a new application font by themselves.
    qtbot.waitUntil(lambda: window.nav.font().pointSizeF() == zoomed)
    assert window.nav.width() > narrow  # widened to its longer titles
    screen = screen_of(window)
    qtbot.waitUntil(lambda: screen.table_view.horizontalHeader().font().pointSizeF() == zoomed)
    window.reset_zoom()
    qtbot.waitUntil(lambda: window.nav.font().pointSizeF() == pytest.approx(base))


def test_hidden_screens_load_when_first_shown_and_after_changes(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built, signals: AppSignals
) -> None:
    """Only the screen on view reads the database: the others wait until they are shown."""
    window = make_window(services)
    wait_for_table(qtbot, window)
    targets = window.screen_named("targets")
    completeness = window.screen_named("completeness")
    assert isinstance(targets, TargetsScreen) and completeness is not None
    assert targets.programme_code == small.code
    assert targets.model.rowCount() == 0  # not read while hidden
    window.show_screen("targets")
    qtbot.waitUntil(lambda: targets.model.rowCount() > 0)
    rows = targets.model.rowCount()
    # A change while hidden is read when the screen is next shown, once.
    window.show_screen("iptt")
    refreshed: list[str] = []
    targets.refresh = lambda: refreshed.append("targets")  # type: ignore[method-assign]
    signals.announce("targets", small.code)
    signals.announce("targets", small.code)
    assert refreshed == []
    window.show_screen("targets")
    assert refreshed == ["targets"] and rows > 0
    del targets.refresh
    assert not completeness.isVisible()


def test_zoom_stops_at_the_ends(qtbot: QtBot, make_window: WindowFactory, services: Services) -> None:
    window = make_window(services)
    for _ in range(20):
        window.zoom_in()
    assert window.zoom_factor == 2.5
    for _ in range(20):
        window.zoom_out()
    assert window.zoom_factor == 0.8


def test_the_sidebar_hides_for_room_and_stays_hidden_after_a_restart(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built
) -> None:
    first = make_window(services)
    wait_for_table(qtbot, first)
    first.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is first)
    first.nav.setFocus()
    stack_width = first.stack.width()
    qtbot.keyClick(first, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert first.nav.isHidden() and not first.menus.sidebar_action.isChecked()
    qtbot.waitUntil(lambda: first.stack.width() > stack_width)
    assert not first.nav.hasFocus()
    # Every screen is still reached without it.
    qtbot.keyClick(first, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert first.current_screen() is first.screens[0]
    first.close()
    second = make_window(services)
    assert second.nav.isHidden() and not second.menus.sidebar_action.isChecked()
    second.menus.sidebar_action.trigger()
    assert not second.nav.isHidden() and second.menus.sidebar_action.isChecked()


def test_at_150_percent_every_screen_fits_a_1024_pixel_screen(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built, settings: QSettings
) -> None:
    """A projector or a small laptop at View ▸ Zoom 150 %: no screen may force the window wider
    than 1024 pixels (a row of buttons once pushed it past 1280)."""
    base_font = QApplication.font()
    settings.setValue("view/zoom", 5)  # ZOOM_STEPS[5] == 1.5
    try:
        window = make_window(services)
        assert window.zoom_factor == 1.5
        wait_for_table(qtbot, window)
        widest = {screen.name: screen.minimumSizeHint().width() for screen in window.screens}
        # Beside the sidebar and the margins around it.
        room = 1024 - window.nav.sizeHint().width() - 40
        assert max(widest.values()) <= room, widest
        # In a 1024 × 600 window the status legends fold away behind a button (the rows need the
        # room); shown, they wrap onto a second line instead of clipping.
        window.resize(1024, 600)
        for name in ("iptt", "completeness"):
            window.show_screen(name)
            screen = window.current_screen()
            button = getattr(screen, "legend_button")  # noqa: B009 - both screens have one
            qtbot.waitUntil(button.isVisible)
            button.click()
            legend = getattr(screen, "legend")  # noqa: B009 - both screens have one
            assert legend.isVisible(), name
            chips = [chip for chip in legend.findChildren(QLabel) if not chip.isHidden()]
            assert len(chips) >= 5, name
            qtbot.waitUntil(lambda chips=chips: all(c.width() >= c.sizeHint().width() for c in chips))
            assert len({chip.y() for chip in chips}) > 1, name  # two lines at this size
    finally:
        QApplication.setFont(base_font)


def test_a_data_change_refreshes_the_iptt_and_the_list(
    qtbot: QtBot,
    make_window: WindowFactory,
    services: Services,
    small: Built,
    db: Database,
    signals: AppSignals,
) -> None:
    window = make_window(services)
    screen = wait_for_table(qtbot, window)
    with db.sessions.begin() as session:
        programme = programme_by_code(session, small.code)
        indicator = session.query(IndicatorRow).filter_by(programme_id=programme.id, code="1.1").one()
        site_id = site_by_code(session, programme, "ZR").id
        session.add(
            DataValueRow(
                indicator_id=indicator.id,
                period="2025Q2",
                site_id=site_id,
                combo_id=combo_id_for(session, []),
                value=200.0,
            )
        )
        # As every writer of values does in its transaction (another process, a bundle, …).
        mark_changed(session, programme.id, [(indicator.id, "2025Q2", site_id)])
    with qtbot.waitSignal(screen.table_loaded, timeout=10_000):
        signals.announce("values", small.code)
    assert figure(screen, "1.1", COL_TO_DATE_ACTUAL) == "2,000"
    qtbot.waitUntil(lambda: "12 data values" in window.status_bar.programme_label.text(), timeout=10_000)


def test_window_state_is_saved_and_restored(
    qtbot: QtBot, db: Database, workers: Workers, signals: AppSignals, settings: QSettings
) -> None:
    first = MainWindow(db.path, workers, signals, settings)
    qtbot.addWidget(first)
    first.resize(640, 480)  # within the 800 × 600 offscreen screen
    first.show()
    first.zoom_in()
    first.close()
    QApplication.setFont(first._base_font)
    second = MainWindow(db.path, workers, signals, settings)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (640, 480)
    assert second.zoom_factor == 1.1
    assert second.status_bar.zoom_label.text() == "Zoom 110%" and not second.status_bar.zoom_label.isHidden()


def test_a_saved_zoom_reaches_every_widget_of_the_next_start(
    qtbot: QtBot, make_window: WindowFactory, services: Services, small: Built, settings: QSettings
) -> None:
    base = QApplication.font().pointSizeF()
    first = make_window(services)
    first.zoom_in()
    first.zoom_in()
    first.close()
    QApplication.setFont(first._base_font)
    # Started again: the zoom is applied before the event loop runs, when Qt tells no existing
    # widget of a new font; the screens and their table headers must still be made with it.
    second = make_window(services)
    wait_for_table(qtbot, second)
    zoomed = pytest.approx(base * 1.25)
    assert second.font().pointSizeF() == zoomed
    headers = [view.horizontalHeader() for view in second.findChildren(QTableView)]
    assert headers and all(header.font().pointSizeF() == zoomed for header in headers)


def test_data_and_selection_survive_a_restart(
    qtbot: QtBot,
    db: Database,
    db_path: Path,
    services: Services,
    small: Built,
    workers: Workers,
    signals: AppSignals,
    settings: QSettings,
) -> None:
    first = MainWindow(db.path, workers, signals, settings)
    qtbot.addWidget(first)
    first.show()
    first.attach(services)
    screen = wait_for_table(qtbot, first)
    before = [figure(screen, code, COL_TO_DATE_ACTUAL) for code in ("1.1", "1.2", "2.3")]
    pick(qtbot, screen, "site_combo", "S1")
    first.close()
    workers.wait(10_000)
    db.close()

    reopened = open_database(db_path, actor="tester")
    try:
        second = MainWindow(reopened.path, workers, signals, settings)
        qtbot.addWidget(second)
        second.show()
        second.attach(make_services(reopened))
        again = wait_for_table(qtbot, second)
        assert second.current_programme_code() == "WASH-T"
        assert again.title_label.text() == "Clean water for Zinder"
        assert [figure(again, code, COL_TO_DATE_ACTUAL) for code in ("1.1", "1.2", "2.3")] == before
        assert before == ["1,800", "66%", "12,345.68"]
        second.close()
        workers.wait(10_000)
    finally:
        reopened.close()

# SPDX-License-Identifier: GPL-3.0-or-later
"""CompletenessScreen: the overview through a worker, states, rates, filter, navigation to data entry."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import Frequency
from pmdesk.domain.errors import NotFoundError
from pmdesk.services.completeness import ReportState
from pmdesk.services.programmes import ProgrammeData
from pmdesk.storage.database import Database
from pmdesk.ui.completeness.completeness_screen import CompletenessScreen
from pmdesk.ui.completeness.completeness_table_model import FIRST_PERIOD_COL, STATE_ROLE
from pmdesk.ui.context import UiContext
from pmdesk.ui.signals import Navigation
from tests.unit.builders import services, small_programme

CODE = "WASH-01"
F = {"SEX": "F"}
Q1, Q2, Q3 = FIRST_PERIOD_COL, FIRST_PERIOD_COL + 1, FIRST_PERIOD_COL + 2


@pytest.fixture
def programme(db: Database, context: UiContext) -> str:
    """N01: Q1 approved, Q2 submitted; N02: Q1 draft, Q2 returned; nothing in Q3 and Q4."""
    small_programme(db, CODE)
    entry = context.services.entry
    for site, period in (("N01", "2025Q1"), ("N01", "2025Q2"), ("N02", "2025Q1"), ("N02", "2025Q2")):
        entry.set_value(CODE, "1.1", period, site, F, value=10)
        entry.set_value(CODE, "2.1", period, site, numerator=1, denominator=2)
    entry.submit(CODE, "N01", "2025Q1")
    entry.approve(CODE, "N01", "2025Q1")
    entry.submit(CODE, "N01", "2025Q2")
    entry.submit(CODE, "N02", "2025Q2")
    entry.return_values(CODE, "N02", "2025Q2", "the female count looks doubled")
    return CODE


@pytest.fixture
def screen(qtbot: QtBot, context: UiContext) -> CompletenessScreen:
    widget = CompletenessScreen(context)
    widget.today = date(2025, 8, 1)  # Q1 and Q2 have ended, Q3 and Q4 have not
    qtbot.addWidget(widget)
    widget.resize(1100, 600)
    widget.show()
    return widget


def load(qtbot: QtBot, screen: CompletenessScreen, code: str | None = CODE) -> None:
    with qtbot.waitSignal(screen.overview_loaded, timeout=10_000):
        screen.set_programme(code)


def shown(
    screen: CompletenessScreen, site: str, column: int, role: int = Qt.ItemDataRole.DisplayRole
) -> object:
    model = screen.model
    return model.data(model.index(model.row_of(site), column), role)


def double_click(qtbot: QtBot, widget: QWidget, pos: QPoint) -> None:
    # QTest's double click is only the second click; an item view wants the first one too.
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def index_of(screen: CompletenessScreen, site: str, period: str) -> QModelIndex:
    return screen.model.index(screen.model.row_of(site), screen.model.column_of(period))


def test_screen_identity(screen: CompletenessScreen) -> None:
    assert (CompletenessScreen.name, CompletenessScreen.title) == ("completeness", "Completeness")
    assert screen.model.rowCount() == 0 and not screen.is_busy


def test_sites_by_periods_with_states_and_rates(
    qtbot: QtBot, screen: CompletenessScreen, programme: str
) -> None:
    load(qtbot, screen)
    model = screen.model
    assert [model.line_at(r).path for r in range(model.rowCount())] == [  # type: ignore[union-attr]
        "North district › Kibera school",
        "North district › Mathare school",
    ]
    assert model.columnCount() == 1 + 4
    assert shown(screen, "N01", Q1) == "✓ Approved 2"
    assert shown(screen, "N01", Q2) == "↑ Submitted 2"
    assert shown(screen, "N02", Q1) == "✎ Draft 2"
    assert shown(screen, "N02", Q2) == "↩ Returned 2"
    assert shown(screen, "N02", Q3) == "Not due"
    assert shown(screen, "N02", Q2, STATE_ROLE) is ReportState.RETURNED
    assert model.headerData(Q1, Qt.Orientation.Horizontal) == "2025 Q1\n1/2 · 50%"
    assert model.headerData(Q2, Qt.Orientation.Horizontal) == "2025 Q2\n1/2 · 50%"
    subtitle = screen.subtitle_label.text()
    assert (
        "2 reporting sites" in subtitle
        and "latest ended period 2025 Q2: 1 of 2 submitted or approved" in subtitle
    )
    # The cursor starts on the latest period that has ended: the one reports are due for.
    assert screen.table_view.currentIndex().column() == Q2
    assert screen.stack.currentWidget() is screen.table_view


def test_double_click_opens_that_site_and_period_in_data_entry(
    qtbot: QtBot, screen: CompletenessScreen, programme: str, context: UiContext
) -> None:
    load(qtbot, screen)
    view = screen.table_view
    index = index_of(screen, "N02", "2025Q1")
    view.scrollTo(index)
    with qtbot.waitSignal(context.signals.navigation_requested, timeout=2_000) as asked:
        double_click(qtbot, view.viewport(), view.visualRect(index).center())
    assert asked.args == [Navigation("entry", CODE, site_code="N02", period="2025Q1")]


def test_enter_opens_the_current_cell(
    qtbot: QtBot, screen: CompletenessScreen, programme: str, context: UiContext
) -> None:
    load(qtbot, screen)
    view = screen.table_view
    view.setFocus()
    view.setCurrentIndex(index_of(screen, "N01", "2025Q1"))
    qtbot.keyClick(view, Qt.Key.Key_Down)  # arrows move as in any table
    with qtbot.waitSignal(context.signals.navigation_requested, timeout=2_000) as asked:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert asked.args == [Navigation("entry", CODE, site_code="N02", period="2025Q1")]


def test_filter_shows_who_still_has_to_report(
    qtbot: QtBot, screen: CompletenessScreen, programme: str, context: UiContext
) -> None:
    load(qtbot, screen)
    combo = screen.filter_combo
    assert [combo.itemText(i) for i in range(combo.count())][:3] == [
        "All reporting sites",
        "Still to report for 2025 Q1",
        "Still to report for 2025 Q2",
    ]
    combo.setCurrentIndex(combo.findData("2025Q1"))
    assert screen.model.rowCount() == 1 and screen.model.line_at(0).site.code == "N02"  # type: ignore[union-attr]
    assert screen.filter_count_label.text() == "1 of 2 sites still to report for 2025 Q1"
    assert screen.table_view.currentIndex().column() == Q1

    # Mathare submits: after the announcement, nobody is left for Q1.
    context.services.entry.submit(CODE, "N02", "2025Q1")
    with qtbot.waitSignal(screen.overview_loaded, timeout=10_000):
        context.signals.announce("values", CODE)
    assert screen.model.rowCount() == 0
    assert screen.stack.currentWidget() is screen.empty_label
    assert "Every reporting site has submitted" in screen.empty_label.text()
    assert combo.currentData() == "2025Q1"  # the choice survives the refresh

    combo.setCurrentIndex(0)
    assert screen.model.rowCount() == 2
    assert screen.stack.currentWidget() is screen.table_view
    assert shown(screen, "N02", Q1) == "↑ Submitted 2"


def test_changes_that_cannot_move_a_state_do_not_reload(
    qtbot: QtBot, screen: CompletenessScreen, programme: str, context: UiContext
) -> None:
    load(qtbot, screen)
    context.signals.announce("people", CODE)
    context.signals.announce("targets", CODE)
    context.signals.announce("values", "OTHER")
    assert not screen.is_busy
    context.signals.announce("sites", CODE)
    assert screen.is_busy
    qtbot.waitUntil(lambda: not screen.is_busy, timeout=10_000)


def test_the_last_programme_wins_when_loads_overlap(
    qtbot: QtBot, screen: CompletenessScreen, programme: str, db: Database
) -> None:
    small_programme(db, "WASH-02")
    screen.set_programme(CODE)
    screen.set_programme("WASH-02")
    qtbot.waitUntil(lambda: not screen.is_busy, timeout=10_000)
    qtbot.wait(100)  # anything stale still queued would arrive now
    overview = screen.model.overview
    assert overview is not None and overview.programme_code == "WASH-02"
    assert shown(screen, "N01", Q1) == "○ Not started"


def test_a_failure_is_shown_with_no_stale_states(
    qtbot: QtBot,
    screen: CompletenessScreen,
    programme: str,
    context: UiContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load(qtbot, screen)

    def broken(code: str) -> None:
        raise NotFoundError(f"programme {code} was deleted meanwhile")

    monkeypatch.setattr(context.services.completeness, "overview", broken)
    with qtbot.waitSignal(screen.load_failed, timeout=10_000) as failed:
        screen.refresh()
    assert failed.args == ["programme WASH-01 was deleted meanwhile"]
    assert screen.error_text == "programme WASH-01 was deleted meanwhile"
    assert screen.model.rowCount() == 0 and not screen.is_busy
    monkeypatch.undo()
    with qtbot.waitSignal(screen.overview_loaded, timeout=10_000):
        screen.refresh()
    assert screen.error_text == ""
    assert screen.model.rowCount() == 2


def test_a_programme_without_sites_says_so(qtbot: QtBot, screen: CompletenessScreen, db: Database) -> None:
    services(db).programmes.create(
        ProgrammeData("EMPTY", "No sites yet", date(2025, 1, 1), date(2025, 12, 31), Frequency.QUARTERLY)
    )
    load(qtbot, screen, "EMPTY")
    assert screen.stack.currentWidget() is screen.empty_label
    assert "no sites yet" in screen.empty_label.text()
    screen.set_programme(None)
    assert screen.model.rowCount() == 0 and "Choose a programme" in screen.empty_label.text()


def test_navigate_and_find_select_a_site(qtbot: QtBot, screen: CompletenessScreen, programme: str) -> None:
    screen.set_programme(CODE)
    screen.navigate(Navigation("completeness", CODE, site_code="N02", period="2025Q1"))  # still loading
    qtbot.waitUntil(lambda: not screen.is_busy and screen.model.rowCount() > 0, timeout=10_000)
    assert screen.table_view.currentIndex() == index_of(screen, "N02", "2025Q1")
    assert screen.find_text("kibera")
    assert screen.table_view.currentIndex() == index_of(screen, "N01", "2025Q1")
    assert screen.find_text("N02")
    assert screen.table_view.currentIndex().row() == screen.model.row_of("N02")
    assert not screen.find_text("Nairobi")

# SPDX-License-Identifier: GPL-3.0-or-later
"""Variance explanations on the IPTT: which rows need one and lack it, the count missing, the
Explain variance… button and context-menu entry, and the IPTT screen showing all of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from pmdesk.domain.iptt_table import IpttRow, IpttTable
from pmdesk.ui.context import UiContext
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.iptt.iptt_table_model import COL_STATUS, UNEXPLAINED
from pmdesk.ui.iptt.iptt_variance import WHOLE_PROGRAMME_ONLY, IpttVariance, VarianceMarks
from pmdesk.ui.signals import ChangeKind, DataChange, Navigation
from tests.ui.programme_factory import CODE, Built

# The small programme as of 2025Q2: 2.1 off track (15 %), 2.3 exceeding (123.46 %), 1.1 and 1.2 on track.


def _row(table: IpttTable, code: str) -> IpttRow:
    return next(r for r in table.rows if r.code == code)


@pytest.fixture
def table(small: Built, context: UiContext) -> IpttTable:
    return context.services.iptt.table(CODE)


class Host:
    """A stand-in for the screen: a widget and the row it has selected."""

    def __init__(self, qtbot: QtBot, context: UiContext) -> None:
        self.widget = QWidget()
        qtbot.addWidget(self.widget)
        self.row: IpttRow | None = None
        self.variance = IpttVariance(context, self.widget, lambda: self.row)


def test_marks_name_the_rows_needing_an_explanation_and_the_count_says_how_many(
    qtbot: QtBot, context: UiContext, table: IpttTable
) -> None:
    host = Host(qtbot, context)
    with qtbot.waitSignal(host.variance.marks_changed) as sent:
        host.variance.set_table(table)
    marks = sent.args[0]
    assert isinstance(marks, VarianceMarks)
    assert (marks.period, marks.missing) == ("2025Q2", frozenset({"2.1", "2.3"}))
    assert host.variance.count_label.text() == "2 explanations missing"
    assert not host.variance.count_label.isHidden()
    tip = marks.tooltip("2.1")
    assert tip is not None and tip.startswith("No variance explanation for 2025Q2")
    assert marks.tooltip("1.1") is None
    assert not host.variance.button.isEnabled()  # no indicator selected
    host.row = _row(table, "1.1")
    host.variance.update_enabled()
    assert host.variance.button.isEnabled() and host.variance.action.isEnabled()


def test_explaining_a_row_saves_updates_the_count_and_tells_the_other_screens(
    qtbot: QtBot, context: UiContext, table: IpttTable
) -> None:
    host = Host(qtbot, context)
    host.variance.set_table(table)
    host.row = _row(table, "2.1")
    host.variance.update_enabled()
    changes: list[DataChange] = []
    context.signals.data_changed.connect(changes.append)
    told: list[str] = []
    host.variance.told.connect(told.append)

    qtbot.mouseClick(host.variance.button, Qt.MouseButton.LeftButton)
    dialog = host.variance.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.text_edit, "The pumps arrived a quarter late.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert told == ["Saved the variance explanation of 2.1 for 2025Q2"]
    assert host.variance.marks.missing == frozenset({"2.3"})
    assert host.variance.count_label.text() == "1 explanation missing"
    tip = host.variance.marks.tooltip("2.1")
    assert tip is not None and "The pumps arrived a quarter late." in tip and "(tester)" in tip
    assert [(c.kind, c.programme_code) for c in changes] == [(ChangeKind.EXPLANATIONS, CODE)]

    # Emptied: removed, and missing again.
    host.variance.explain_selected()
    again = host.variance.dialog
    assert again is not None and again.text_edit.toPlainText() == "The pumps arrived a quarter late."
    again.text_edit.clear()
    qtbot.mouseClick(again.ok_button, Qt.MouseButton.LeftButton)
    assert told[-1] == "Removed the variance explanation of 2.1 for 2025Q2 (History keeps what it said)"
    assert host.variance.count_label.text() == "2 explanations missing"


def test_every_variance_explained_is_said_too(qtbot: QtBot, context: UiContext, table: IpttTable) -> None:
    for code in ("2.1", "2.3"):
        context.services.variance.set(CODE, code, "2025Q2", f"Why {code}")
    host = Host(qtbot, context)
    host.variance.set_table(table)
    assert host.variance.count_label.text() == "Every variance explained"


def test_a_sites_iptt_offers_no_explanation(qtbot: QtBot, context: UiContext, small: Built) -> None:
    site_table = context.services.iptt.table(CODE, site_code="S1")
    host = Host(qtbot, context)
    host.variance.set_table(site_table)
    host.row = _row(site_table, "1.1")
    host.variance.update_enabled()
    assert not host.variance.button.isEnabled()
    assert host.variance.button.toolTip() == WHOLE_PROGRAMME_ONLY
    assert host.variance.count_label.isHidden() and host.variance.marks.missing == frozenset()
    told: list[str] = []
    host.variance.told.connect(told.append)
    assert host.variance.explain_selected() is None
    assert told == [WHOLE_PROGRAMME_ONLY]


def test_screenshot_of_the_dialog(qtbot: QtBot, context: UiContext, table: IpttTable, tmp_path: Path) -> None:
    host = Host(qtbot, context)
    host.variance.set_table(table)
    host.row = _row(table, "2.3")
    dialog = host.variance.explain_selected()
    assert dialog is not None
    assert dialog.height() <= 600 and dialog.width() <= 1024  # fits the smallest screen
    assert not dialog.grab().isNull()


# -- the IPTT screen --------------------------------------------------------------------------------


@pytest.fixture
def loaded(qtbot: QtBot, context: UiContext, small: Built) -> IpttScreen:
    screen = IpttScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    with qtbot.waitSignal(screen.table_loaded, timeout=10_000):
        screen.set_programme(small.code)
    return screen


def _status(screen: IpttScreen, code: str, role: int = Qt.ItemDataRole.DisplayRole) -> str:
    model = screen.model
    return str(model.data(model.index(model.indicator_row_of(code), COL_STATUS), role))


def test_the_iptt_marks_unexplained_rows_and_explains_the_selected_one(
    qtbot: QtBot, loaded: IpttScreen
) -> None:
    assert loaded.variance.count_label.text() == "2 explanations missing"
    assert loaded.variance.count_label.isVisible()
    # (Both rest on a period only one of the two schools reported: partial, and due all the same.)
    assert _status(loaded, "2.1") == f"Off track · partial (1 of 2 sites) · {UNEXPLAINED}"
    assert _status(loaded, "2.3") == f"Exceeding · partial (1 of 2 sites) · {UNEXPLAINED}"
    assert _status(loaded, "1.1") == "On track"
    assert "No variance explanation for 2025Q2" in _status(loaded, "2.1", Qt.ItemDataRole.ToolTipRole)
    assert not loaded.explain_button.isEnabled()  # nothing selected yet

    loaded.navigate(Navigation("iptt", CODE, indicator_code="2.1"))
    assert loaded.explain_button.isEnabled()
    qtbot.mouseClick(loaded.explain_button, Qt.MouseButton.LeftButton)
    dialog = loaded.variance.dialog
    assert dialog is not None and dialog.isVisible() and "2.1" in dialog.windowTitle()
    qtbot.keyClicks(dialog.text_edit, "The pumps arrived a quarter late.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert _status(loaded, "2.1") == "Off track · partial (1 of 2 sites)"
    assert "The pumps arrived a quarter late." in _status(loaded, "2.1", Qt.ItemDataRole.ToolTipRole)
    assert loaded.variance.count_label.text() == "1 explanation missing"
    assert loaded.status_label.text() == "Saved the variance explanation of 2.1 for 2025Q2"
    assert not loaded.is_busy  # the figures were not computed again


def test_right_click_on_an_indicator_offers_explain_variance(qtbot: QtBot, loaded: IpttScreen) -> None:
    view = loaded.table_view.frozen_view  # the status column never scrolls
    index = loaded.model.index(loaded.model.indicator_row_of("2.3"), COL_STATUS)
    menu = loaded.variance.context_menu(view, view.visualRect(index).center())
    assert menu is not None
    assert [(a.text(), a.isEnabled()) for a in menu.actions()] == [("Explain variance…", True)]
    menu.close()
    menu.actions()[0].trigger()
    dialog = loaded.variance.dialog
    assert dialog is not None and "2.3" in dialog.windowTitle()
    dialog.reject()
    result = loaded.model.index(loaded.model.result_rows()[0], COL_STATUS)
    assert loaded.variance.context_menu(view, view.visualRect(result).center()) is None


def test_explanations_written_elsewhere_move_the_marks_without_recomputing(
    qtbot: QtBot, loaded: IpttScreen, context: UiContext
) -> None:
    context.services.variance.set(CODE, "2.3", "2025Q2", "Two schools joined.")
    context.signals.announce(ChangeKind.EXPLANATIONS, CODE)
    assert not loaded.is_busy
    assert loaded.variance.count_label.text() == "1 explanation missing"
    assert _status(loaded, "2.3") == "Exceeding · partial (1 of 2 sites)"


def test_a_sites_iptt_hides_the_count_and_offers_no_explanation(qtbot: QtBot, loaded: IpttScreen) -> None:
    combo = loaded.site_combo
    with qtbot.waitSignal(loaded.table_loaded, timeout=10_000):
        combo.setCurrentIndex(combo.findData("S1"))
    assert loaded.variance.count_label.isHidden()
    assert UNEXPLAINED not in _status(loaded, "2.1")
    loaded.navigate(Navigation("iptt", CODE, indicator_code="2.1"))
    assert not loaded.explain_button.isEnabled()

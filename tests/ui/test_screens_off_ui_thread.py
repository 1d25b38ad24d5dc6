# SPDX-License-Identifier: GPL-3.0-or-later
"""No screen holds the UI thread for its reading (issue #11 §2): the service calls that can take
long on a million values run on a worker, and the screen shows what they return."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QTableView
from pytestqt.qtbot import QtBot

from pmdesk.ui.completeness.completeness_screen import CompletenessScreen
from pmdesk.ui.context import UiContext
from pmdesk.ui.entry.data_entry_screen import DataEntryScreen
from pmdesk.ui.framework.framework_screen import FrameworkScreen
from pmdesk.ui.iptt import iptt_load
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.iptt.iptt_table_model import COL_TREND, COL_UNIT
from pmdesk.ui.meetings.meetings_screen import MeetingsScreen
from pmdesk.ui.signals import Navigation
from pmdesk.ui.targets.targets_screen import TargetsScreen
from pmdesk.ui.targets.targets_table_model import FIRST_PERIOD_COL
from tests.ui.programme_factory import Built


def record_threads(target: object, name: str, threads: list[str]) -> None:
    """Wrap `target.name` so that each call records the thread it ran on."""
    original: Callable[..., Any] = getattr(target, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return original(*args, **kwargs)

    setattr(target, name, wrapped)


UI_THREAD = threading.main_thread().name


def test_a_review_meeting_proposes_its_agenda_on_a_worker(
    qtbot: QtBot, context: UiContext, small: Built
) -> None:
    screen = MeetingsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1024, 600)
    screen.set_programme(small.code)
    screen.show()
    threads: list[str] = []
    record_threads(screen.meetings, "create", threads)
    screen.new_meeting()
    dialog = screen.dialog
    assert dialog is not None
    dialog.kind.setCurrentIndex(dialog.kind.findData("review"))
    dialog.title_edit.setText("Q2 review")
    dialog.held_on.setDate(date(2025, 7, 10))
    dialog.buttons.accepted.emit()
    assert dialog.is_saving  # the form waits, Cancel too, while the agenda is proposed
    assert not dialog.buttons.isEnabled() and not dialog.title_edit.isEnabled()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Proposing the agenda …"  # what the wait is for
    dialog.reject()  # Esc while saving: ignored
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: screen.dialog is None, timeout=10_000)
    assert threads and UI_THREAD not in threads
    assert QApplication.overrideCursor() is None
    assert screen.detail is not None and screen.detail.meeting.title == "Q2 review"
    assert screen.agenda_model.rowCount() >= 1  # the proposed agenda


def test_a_meeting_the_service_refuses_keeps_the_dialog_open(
    qtbot: QtBot, context: UiContext, small: Built
) -> None:
    screen = MeetingsScreen(context)
    qtbot.addWidget(screen)
    screen.set_programme(small.code)
    screen.show()
    screen.new_meeting()
    dialog = screen.dialog
    assert dialog is not None
    dialog.title_edit.setText("   ")  # a meeting needs a title
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: not dialog.is_saving, timeout=10_000)
    assert dialog.isVisible() and screen.dialog is dialog
    assert dialog.error_label.isVisibleTo(dialog) and "title" in dialog.error_label.text().casefold()
    assert dialog.buttons.isEnabled() and dialog.title_edit.isEnabled()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "Create meeting"
    assert QApplication.overrideCursor() is None
    dialog.reject()
    qtbot.waitUntil(lambda: screen.dialog is None)


def test_the_targets_are_read_on_a_worker(qtbot: QtBot, context: UiContext, small: Built) -> None:
    threads: list[str] = []
    for service, method in (
        (context.services.targets, "list_targets"),
        (context.services.framework, "list_indicators"),
        (context.services.programmes, "get"),
        (context.services.history, "with_history"),
    ):
        record_threads(service, method, threads)
    screen = TargetsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1100, 700)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.set_programme(small.code)
        assert screen.is_busy  # asked for, not read yet
    assert len(threads) == 4 and UI_THREAD not in threads
    assert screen.model.rowCount() > 0 and screen.stack.currentWidget() is screen.table_view
    assert screen.title_label.full_text() == f"Targets — {small.name}"
    # Another level: read on a worker too, and the picker keeps it.
    threads.clear()
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.level_combo.setCurrentIndex(screen.level_combo.findData("S1"))
    assert threads and UI_THREAD not in threads
    assert screen.site_code == "S1" and screen.model.site_code == "S1"


def test_navigating_to_a_target_waits_for_the_grid(qtbot: QtBot, context: UiContext, small: Built) -> None:
    screen = TargetsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1100, 700)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.set_programme(small.code)
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.navigate(
            Navigation("targets", small.code, site_code="S1", indicator_code="2.3", period="2025Q3")
        )
    qtbot.waitUntil(lambda: screen.table_view.currentIndex().isValid())
    index = screen.table_view.currentIndex()
    assert screen.site_code == "S1"
    assert screen.model.indicator_at(index.row()).code == "2.3"  # type: ignore[union-attr]
    assert screen.model.period_at(index.column()).code == "2025Q3"  # type: ignore[union-attr]


def test_a_failed_read_of_the_targets_is_said_in_words(
    qtbot: QtBot, context: UiContext, small: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("no such column: target.secret_sql")

    monkeypatch.setattr(context.services.targets, "list_targets", broken)
    screen = TargetsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    screen.set_programme(small.code)
    qtbot.waitUntil(lambda: not screen.is_busy, timeout=10_000)
    assert screen.stack.currentWidget() is screen.empty_label
    text = screen.empty_label.text()
    assert "could not be loaded" in text and "RuntimeError" not in text and "secret_sql" not in text


def test_the_framework_is_read_by_the_loading_helper(qtbot: QtBot, context: UiContext, small: Built) -> None:
    threads: list[str] = []
    record_threads(context.services.framework, "list_indicators", threads)
    record_threads(context.services.programmes, "get", threads)
    screen = FrameworkScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.set_programme(small.code)
        assert screen.is_busy and screen.loader.is_loading
    assert len(threads) == 2 and UI_THREAD not in threads
    assert screen.model.rowCount() > 0 and not screen.is_busy


def test_a_failed_read_of_the_framework_is_said_in_words(
    qtbot: QtBot, context: UiContext, small: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("indicator.secret_column")

    monkeypatch.setattr(context.services.framework, "list_indicators", broken)
    screen = FrameworkScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.load_failed, timeout=10_000) as failed:
        screen.set_programme(small.code)
    message = str(failed.args[0])
    assert "could not be loaded" in message
    assert "KeyError" not in message and "secret_column" not in message


def _bold_width(view: QTableView, text: str) -> int:
    bold = QFont(view.font())
    bold.setBold(True)
    return QFontMetrics(bold).horizontalAdvance(text)


def test_the_targets_columns_are_as_wide_as_their_longest_texts(
    qtbot: QtBot, context: UiContext, small: Built
) -> None:
    screen = TargetsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.set_programme(small.code)
    model, view = screen.model, screen.table_view
    for column in range(FIRST_PERIOD_COL, model.columnCount()):
        texts = model.column_texts(column)
        cells = [model.index(r, column).data() for r in range(model.rowCount()) if model.indicator_at(r)]
        assert texts == cells  # the same texts as the cells show, without an index each
        longest = max((t for t in texts if t), key=len, default="")
        assert view.columnWidth(column) > _bold_width(view, longest)


def test_the_completeness_columns_are_as_wide_as_their_longest_texts(
    qtbot: QtBot, context: UiContext, small: Built
) -> None:
    screen = CompletenessScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    screen.set_programme(small.code)
    model, view = screen.model, screen.table_view
    qtbot.waitUntil(lambda: model.rowCount() > 0 and not screen.loader.is_loading, timeout=10_000)
    for column in range(model.columnCount()):
        texts = model.column_texts(column)
        assert texts == [model.index(r, column).data() for r in range(model.rowCount())]
        longest = max(texts, key=len)
        assert view.columnWidth(column) > _bold_width(view, longest)


def test_the_iptt_columns_are_as_wide_as_their_longest_texts_formatted_on_a_worker(
    qtbot: QtBot, context: UiContext, small: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    monkeypatch.setattr(iptt_load, "figure_texts", iptt_load.figure_texts)  # put back afterwards
    record_threads(iptt_load, "figure_texts", threads)
    screen = IpttScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    with qtbot.waitSignal(screen.table_loaded, timeout=10_000):
        screen.set_programme(small.code)
    assert threads and UI_THREAD not in threads  # the figures' texts: formatted by the load job
    model, view = screen.model, screen.table_view
    widest = view.fontMetrics().averageCharWidth() * 18  # the screen caps a figure column at this
    rows = [r for r in range(model.rowCount()) if not model.is_result_row(r)]
    for column in range(COL_UNIT + 1, model.columnCount()):
        cells = [model.index(r, column).data() for r in rows]  # what the cells show
        candidates = model.column_texts(column)
        assert candidates and set(candidates) <= {line for text in cells for line in text.split("\n")}
        longest = max(cells, key=len)
        assert longest in candidates
        assert view.columnWidth(column) > min(_bold_width(view, longest), widest - 1)
    assert model.column_texts(COL_TREND) == []  # a drawing, sized from the font


def test_the_data_entry_grid_is_read_on_a_worker(qtbot: QtBot, context: UiContext, small: Built) -> None:
    threads: list[str] = []
    record_threads(context.services.entry_grid, "grid", threads)
    screen = DataEntryScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.set_programme(small.code)
        assert screen.is_busy and screen.model.grid is None  # asked for, not read yet
    assert threads and UI_THREAD not in threads
    assert screen.model.grid is not None and screen.model.rowCount() > 0
    assert screen.stack.currentWidget() is screen.splitter
    # Another site and period, and an indicator in it: found once its grid is read.
    threads.clear()
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.navigate(
            Navigation("entry", small.code, site_code="S1", period="2025Q3", indicator_code="2.3")
        )
        assert screen.is_busy
    assert threads and UI_THREAD not in threads
    grid = screen.model.grid
    assert grid is not None and (grid.site_code, grid.period) == ("S1", "2025Q3")
    first = screen.model.first_row_of("2.3")
    row = screen.view.currentIndex().row()
    entry = screen.model.row_at(first)
    assert first >= 0 and entry is not None and first <= row < first + max(entry.span, 1)


def test_a_failed_read_of_the_data_entry_grid_is_said_in_words(
    qtbot: QtBot, context: UiContext, small: Built, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("no such column: data_value.secret_sql")

    monkeypatch.setattr(context.services.entry_grid, "grid", broken)
    screen = DataEntryScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=10_000):
        screen.set_programme(small.code)
    text = screen.message_label.text()
    assert screen.message_label.isVisibleTo(screen) and screen.model.grid is None
    assert "could not be loaded" in text and "RuntimeError" not in text and "secret_sql" not in text

# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT screen's filters (status, tier, result), its sparklines and Save as PDF… / Print… of
what is shown (issue #10 §2)."""

from __future__ import annotations

import time
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import Status
from pmdesk.domain.status_look import STATUS_STRONG
from pmdesk.ui.context import UiContext
from pmdesk.ui.iptt import iptt_pdf_job
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.iptt.iptt_sparkline import TREND_ROLE, SparklineDelegate, Trend
from pmdesk.ui.iptt.iptt_table_model import COL_INDICATOR, COL_TREND, IpttTableModel
from pmdesk.ui.widgets.frozen_table_view import CoveredCellDelegate, FrozenColumnTableView
from tests.ui.programme_factory import Built, build_small_programme
from tests.unit.iptt_synthetic import synthetic_iptt

TOOLTIP = Qt.ItemDataRole.ToolTipRole


@pytest.fixture
def loaded(qtbot: QtBot, context: UiContext, small: Built) -> IpttScreen:
    screen = IpttScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    with qtbot.waitSignal(screen.table_loaded, timeout=10_000):
        screen.set_programme(small.code)
    return screen


def shown(screen: IpttScreen) -> list[str]:
    """The table's rows as shown: result codes in brackets, then indicator codes."""
    out = []
    for row in range(screen.model.rowCount()):
        line = screen.model.line_at(row)
        assert line is not None
        out.append(f"[{line.result.code}]" if line.result is not None else line.indicator.code)  # type: ignore[union-attr]
    return out


def test_a_status_filter_keeps_the_results_above_and_says_how_many(loaded: IpttScreen) -> None:
    assert shown(loaded) == ["[G1]", "[O1]", "1.1", "1.2", "[OP1]", "2.1", "2.2", "2.3"]
    assert loaded.filters.summary.isHidden()
    loaded.filters.status_actions[Status.OFF_TRACK].trigger()
    assert shown(loaded) == ["[G1]", "[O1]", "[OP1]", "2.1"]
    assert not loaded.filters.summary.isHidden()
    assert loaded.filters.count_label.text() == "Showing 1 of 5 indicators"
    assert "1 of 5 indicators shown (status: Off track)" in loaded.subtitle_label.text()
    # Several statuses at once.
    loaded.filters.status_actions[Status.EXCEEDING].trigger()
    assert shown(loaded) == ["[G1]", "[O1]", "[OP1]", "2.1", "2.3"]
    assert loaded.filters.count_label.text() == "Showing 2 of 5 indicators"
    assert loaded.filters.count_label.toolTip() == "Filtered by status: Exceeding, Off track"
    # The result rows still span the table as one shaded band.
    assert loaded.table_view.columnSpan(0, 1) == loaded.model.columnCount() - 1
    loaded.filters.clear_button.click()
    assert shown(loaded) == ["[G1]", "[O1]", "1.1", "1.2", "[OP1]", "2.1", "2.2", "2.3"]
    assert loaded.filters.summary.isHidden()
    assert not any(a.isChecked() for a in loaded.filters.status_actions.values())


def test_tier_and_result_filters(loaded: IpttScreen) -> None:
    assert list(loaded.filters.tier_actions) == ["Goal", "Outcome", "Output"]
    loaded.filters.tier_actions["Outcome"].trigger()
    assert shown(loaded) == ["[G1]", "[O1]", "1.1", "1.2"]
    loaded.filters.tier_actions["Outcome"].trigger()  # off again
    assert len(shown(loaded)) == 8
    table = loaded.model.table
    assert table is not None
    ids = {r.code: r.id for r in table.results}
    loaded.filters.result_actions[ids["OP1"]].trigger()
    assert shown(loaded) == ["[G1]", "[O1]", "[OP1]", "2.1", "2.2", "2.3"]
    loaded.filters.result_actions[ids["O1"]].trigger()  # a result and its children
    assert shown(loaded) == ["[G1]", "[O1]", "1.1", "1.2", "[OP1]", "2.1", "2.2", "2.3"]
    assert "result: Outcome O1: Improved access to safe water and below" in loaded.subtitle_label.text()
    loaded.filters.result_actions[None].trigger()
    assert loaded.filters.summary.isHidden()


def test_filtering_does_not_recompute_and_keeps_the_selection(
    loaded: IpttScreen, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    original = loaded.services.iptt.table

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loaded.services.iptt, "table", counted)
    loaded.table_view.setCurrentIndex(loaded.model.index(loaded.model.indicator_row_of("2.1"), COL_INDICATOR))
    loaded.filters.status_actions[Status.OFF_TRACK].trigger()
    assert not loaded.is_busy and calls == []
    current = loaded.model.line_at(loaded.table_view.currentIndex().row())
    assert current is not None and current.indicator is not None and current.indicator.code == "2.1"


def test_the_filter_is_remembered_per_programme(qtbot: QtBot, loaded: IpttScreen, db: object) -> None:
    other = build_small_programme(db, code="WASH-2", name="Second programme")  # type: ignore[arg-type]
    loaded.filters.status_actions[Status.OFF_TRACK].trigger()
    with qtbot.waitSignal(loaded.table_loaded, timeout=10_000):
        loaded.set_programme(other.code)
    assert len(shown(loaded)) == 8 and loaded.filters.summary.isHidden()
    with qtbot.waitSignal(loaded.table_loaded, timeout=10_000):
        loaded.set_programme("WASH-T")
    assert shown(loaded) == ["[G1]", "[O1]", "[OP1]", "2.1"]
    assert loaded.filters.status_actions[Status.OFF_TRACK].isChecked()


def test_the_filter_button_is_reached_by_keyboard(loaded: IpttScreen) -> None:
    button = loaded.filters.button
    assert "&l" in button.text().lower()  # Alt+L
    assert button.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert [a.text() for a in button.menu().actions() if a.text()][:3] == ["&Status", "&Tier", "&Result"]


def test_each_indicator_row_has_a_trend_with_its_numbers(loaded: IpttScreen) -> None:
    model = loaded.model
    row = model.indicator_row_of("1.1")
    trend = model.data(model.index(row, COL_TREND), TREND_ROLE)
    assert isinstance(trend, Trend)
    assert trend.actuals == (1100.0, 700.0) and trend.targets == (1000.0, 1000.0)
    tip = model.data(model.index(row, COL_TREND), TOOLTIP)
    assert "2025 Q1: actual 1,100, target 1,000 (110% met)" in tip
    assert "2025 Q2: actual 700, target 1,000 (70% met)" in tip
    qualitative = model.indicator_row_of("2.2")
    assert model.data(model.index(qualitative, COL_TREND), TREND_ROLE) is None
    assert "no trend" in model.data(model.index(qualitative, COL_TREND), TOOLTIP)
    assert model.data(model.index(0, COL_TREND), TREND_ROLE) is None  # a result row
    # In the part that never scrolls, drawn by the sparkline delegate of the frozen view; the main
    # view's column lies under it and paints nothing.
    view = loaded.table_view
    assert isinstance(view.frozen_view.itemDelegateForColumn(COL_TREND), SparklineDelegate)
    assert isinstance(view.itemDelegateForColumn(COL_TREND), CoveredCellDelegate)
    assert not view.frozen_view.isColumnHidden(COL_TREND)
    assert view.columnWidth(COL_TREND) >= view.fontMetrics().averageCharWidth() * 8


def _paint_cell(view: FrozenColumnTableView, index: QModelIndex, size: tuple[int, int]) -> QImage:
    image = QImage(size[0], size[1], QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, size[0], size[1])
    delegate = view.frozen_view.itemDelegateForColumn(COL_TREND)
    delegate.paint(painter, option, index)
    painter.end()
    return image


def _colours(image: QImage) -> set[str]:
    return {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())}


def test_the_sparkline_is_drawn_in_the_status_colour_and_follows_the_size(loaded: IpttScreen) -> None:
    model = loaded.model
    index = model.index(model.indicator_row_of("2.1"), COL_TREND)  # off track
    for size in ((80, 24), (160, 48)):  # 100 % and 200 %
        image = _paint_cell(loaded.table_view, index, size)
        assert STATUS_STRONG[Status.OFF_TRACK].lower() in _colours(image)


def test_a_hundred_sparklines_paint_well_under_100_ms(qtbot: QtBot) -> None:
    model = IpttTableModel()
    model.set_table(synthetic_iptt(indicators=100, periods=12))
    view = FrozenColumnTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = SparklineDelegate(view)
    view.setItemDelegateForColumn(COL_TREND, delegate)
    rows = [r for r in range(model.rowCount()) if not model.is_result_row(r)]
    assert len(rows) == 100
    image = QImage(90, 26, QImage.Format.Format_ARGB32)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = QRect(0, 0, 90, 26)
    painter = QPainter(image)
    runs = []
    # The UI thread's own CPU time, the best of three: the machine is shared with other work,
    # and what is measured is the paint.
    for _ in range(3):
        started = time.thread_time()
        for row in rows:
            delegate.paint(painter, option, model.index(row, COL_TREND))
        runs.append(time.thread_time() - started)
    painter.end()
    elapsed = min(runs)
    assert elapsed < 0.1, f"{elapsed * 1000:.0f} ms for 100 sparklines"


def test_the_whole_table_of_a_hundred_indicators_paints_under_100_ms(qtbot: QtBot) -> None:
    """What the UI thread does when the IPTT screen is shown: paint the table in sight, both views."""
    model = IpttTableModel()
    model.set_table(synthetic_iptt(indicators=100, periods=12))
    view = FrozenColumnTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.set_frozen_columns((COL_INDICATOR, COL_TREND, 10))
    delegate = SparklineDelegate(view)
    view.setItemDelegateForColumn(COL_TREND, delegate)
    view.frozen_view.setItemDelegateForColumn(COL_TREND, delegate)
    view.resize(1280, 800)
    view.show()
    qtbot.waitExposed(view)
    runs = []
    for _ in range(3):  # CPU time of this (the UI) thread, as above
        started = time.thread_time()
        view.grab()
        runs.append(time.thread_time() - started)
    assert min(runs) < 0.1, f"{min(runs) * 1000:.0f} ms"


@pytest.fixture
def pdf_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, list[Path]]:
    calls: dict[str, list[Path]] = {"opened": []}
    target = tmp_path / "printed" / "iptt.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(iptt_pdf_job, "ask_pdf_path", lambda _parent, _suggested: str(target.with_suffix("")))

    def opened(path: Path) -> bool:
        calls["opened"].append(path)
        return True

    monkeypatch.setattr(iptt_pdf_job, "open_file", opened)
    return calls


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(path).pages)


def test_save_as_pdf_writes_only_the_filtered_indicators(
    qtbot: QtBot, loaded: IpttScreen, pdf_calls: dict[str, list[Path]]
) -> None:
    loaded.filters.status_actions[Status.OFF_TRACK].trigger()
    loaded.filters.status_actions[Status.EXCEEDING].trigger()
    with qtbot.waitSignal(loaded.status_message, timeout=30_000) as told:
        loaded.exports.save_pdf_action.trigger()
    assert pdf_calls["opened"], told.args
    path = pdf_calls["opened"][0]
    assert path.suffix == ".pdf" and path.exists()
    assert "Saved the IPTT to" in told.args[0] and "opened it" in told.args[0]
    text = _pdf_text(path)
    assert "As shown: status: Exceeding, Off track" in text
    assert "2.1 Water points built" in text and "2.3 Litres of water distributed" in text
    assert "1.1 People with access" not in text and "2.2 Water committee" not in text
    assert "2 of 5 indicators" in text and "Clean water for Zinder" in text
    qtbot.waitUntil(lambda: loaded.exports.pdf_button.isEnabled())


def test_print_opens_the_pdf_of_the_screen_for_printing(
    qtbot: QtBot, loaded: IpttScreen, pdf_calls: dict[str, list[Path]]
) -> None:
    loaded.site_combo.setCurrentIndex(loaded.site_combo.findData("ZR"))
    qtbot.waitUntil(
        lambda: (
            not loaded.is_busy and loaded.model.table is not None and loaded.model.table.site_code == "ZR"
        ),
        timeout=10_000,
    )
    with qtbot.waitSignal(loaded.status_message, timeout=30_000) as told:
        loaded.exports.print_action.trigger()
    assert "print it from there" in told.args[0]
    path = pdf_calls["opened"][0]
    assert path.exists() and "pmdesk-print-" in str(path.parent)
    text = _pdf_text(path)
    assert "Zinder and the sites below it" in text
    assert all(code in text for code in ("1.1", "1.2", "2.1", "2.2", "2.3"))


def test_the_status_menu_stays_open_to_tick_several(qtbot: QtBot, loaded: IpttScreen) -> None:
    menu = loaded.filters.status_menu
    menu.popup(loaded.mapToGlobal(loaded.rect().center()))
    qtbot.waitUntil(menu.isVisible)
    for status in (Status.OFF_TRACK, Status.AT_RISK):
        menu.setActiveAction(loaded.filters.status_actions[status])
        qtbot.keyClick(menu, Qt.Key.Key_Space)
        assert menu.isVisible()  # still open for the next one
    assert loaded.model.filter.statuses == {Status.OFF_TRACK, Status.AT_RISK}
    qtbot.keyClick(menu, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not menu.isVisible())

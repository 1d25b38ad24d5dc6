# SPDX-License-Identifier: GPL-3.0-or-later
"""What keeps the IPTT's first showing short on the UI thread (issue #11 §2): the rows fitted from
their texts as Qt would fit them, every cell's text and status and the variance marks computed by
the load job, and the frozen columns painted once."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetrics
from pytestqt.qtbot import QtBot

from pmdesk.domain.enums import Status
from pmdesk.ui.context import UiContext
from pmdesk.ui.formatting import display_locale
from pmdesk.ui.iptt import iptt_load, iptt_table_model
from pmdesk.ui.iptt.iptt_screen import IpttScreen
from pmdesk.ui.iptt.iptt_table_model import (
    COL_INDICATOR,
    COL_STATUS,
    COL_TREND,
    STATUS_ROLE,
    IpttTableModel,
    display_text,
)
from pmdesk.ui.widgets.frozen_table_view import CoveredCellDelegate, FrozenColumnTableView
from tests.ui.programme_factory import Built
from tests.ui.test_screens_off_ui_thread import UI_THREAD, record_threads
from tests.unit.iptt_synthetic import synthetic_iptt


def _heights(view: FrozenColumnTableView) -> list[int]:
    return [view.frozen_view.rowHeight(r) for r in range(view.model().rowCount())]


def test_rows_are_as_tall_as_qts_own_fit_from_their_texts_alone(qtbot: QtBot) -> None:
    """fit_rows lays out the frozen texts itself (names wrapped at word boundaries, bold result
    titles, the grid line) instead of asking each cell's delegate: the same heights as
    resizeRowsToContents, at every width and at a larger font."""
    model = IpttTableModel()
    model.set_table(synthetic_iptt(indicators=40, periods=4))
    view = FrozenColumnTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.set_frozen_columns((COL_INDICATOR, COL_TREND, COL_STATUS))
    view.resize(900, 600)
    view.show()
    # The main view's (hidden) row headings keep rows at least a line of their font tall; let
    # them be lower, so that the heights compared are the frozen view's own.
    view.verticalHeader().setMinimumSectionSize(1)
    seen: set[int] = set()
    for point_size in (9, 14):
        font = QFont(view.font())
        font.setPointSize(point_size)
        view.setFont(font)
        for width in range(50, 330, 7):
            view.setColumnWidth(COL_INDICATOR, width)
            view.fit_rows()
            ours = _heights(view)
            view.frozen_view.setWordWrap(True)
            view.frozen_view.resizeRowsToContents()
            assert ours == _heights(view), f"{point_size} pt, {width} px"
            seen.update(ours)
    assert len(seen) > 3  # names of one, two, three … lines, at two sizes
    # One line a row: nothing measured, every row as tall as one line of text.
    view.fit_rows(max_lines=1)
    assert len(set(_heights(view))) == 1
    assert not view.frozen_view.wordWrap()


def test_the_main_view_leaves_the_frozen_columns_to_the_frozen_view(qtbot: QtBot) -> None:
    view = FrozenColumnTableView()
    qtbot.addWidget(view)
    view.set_frozen_columns((0, 2))
    assert isinstance(view.itemDelegateForColumn(0), CoveredCellDelegate)
    assert isinstance(view.itemDelegateForColumn(2), CoveredCellDelegate)
    assert view.itemDelegateForColumn(1) is None
    view.set_frozen_columns((0,))  # column 2 scrolls again: painted by the main view
    assert view.itemDelegateForColumn(2) is None


def test_the_load_job_computes_the_cells_and_the_variance_marks(
    qtbot: QtBot, context: UiContext, small: Built
) -> None:
    threads: list[str] = []
    record_threads(iptt_load, "table_cells", threads)
    queries: list[str] = []
    record_threads(context.services.variance, "required", queries)
    record_threads(context.services.variance, "of_period", queries)
    screen = IpttScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    with qtbot.waitSignal(screen.table_loaded, timeout=10_000):
        screen.set_programme(small.code)
    assert threads and UI_THREAD not in threads
    # The variance marks: read by the job too, none on the UI thread.
    assert queries and UI_THREAD not in queries
    model = screen.model
    table = model.table
    assert table is not None
    locale = display_locale()
    missing = screen.variance.marks.missing
    for r in range(model.rowCount()):
        line = model.line_at(r)
        if line is None or line.indicator is None:
            continue
        row = line.indicator
        for column in range(model.columnCount()):
            if column == COL_TREND:
                continue
            shown = model.index(r, column).data()
            assert shown == display_text(row, column, locale, unexplained=row.code in missing)
            status = model.index(r, column).data(STATUS_ROLE)  # the Status's value, through Qt
            expected = iptt_table_model.cell_status(row, column, table.thresholds)
            assert status == (expected.value if isinstance(expected, Status) else None)
    # The status column fits its words (it wraps, never elides, a longer partial note).
    view = screen.table_view
    bold = QFont(view.font())
    bold.setBold(True)
    widths = [
        QFontMetrics(bold).horizontalAdvance(str(model.index(r, COL_STATUS).data()))
        for r in range(model.rowCount())
        if not model.is_result_row(r)
    ]
    room = view.fontMetrics().averageCharWidth() * 28
    assert view.columnWidth(COL_STATUS) >= min(max(widths), room)

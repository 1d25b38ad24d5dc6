# SPDX-License-Identifier: GPL-3.0-or-later
"""What the Dashboard screen runs on workers (its two chart jobs) and the small layout pieces it
is built from."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.reports.chart_types import ChartImage
from pmdesk.reports.dashboard_charts import ChartSize, render_dashboard
from pmdesk.ui.widgets.elided_label import ElidedLabel

if TYPE_CHECKING:
    from pmdesk.services.dashboard import Dashboard, DashboardService, SiteComparison


@dataclass(frozen=True)
class ChartsDrawn:
    serial: int
    images: dict[str, ChartImage]
    # Decoded on the worker too: a tall chart of 80 sites took 20 ms to decode on the UI thread.
    pictures: dict[str, QImage]


@dataclass(frozen=True)
class FocusDrawn:
    serial: int
    sites: SiteComparison
    images: dict[str, ChartImage]
    pictures: dict[str, QImage]


def decoded(images: dict[str, ChartImage]) -> dict[str, QImage]:
    """Each PNG as a QImage (which, unlike a QPixmap, may be made on any thread)."""
    return {name: QImage.fromData(image.png) for name, image in images.items()}


def draw_charts(
    board: Dashboard,
    sizes: dict[str, ChartSize],
    dpi: float,
    focus: str | None,
    sites: SiteComparison | None,
    serial: int,
) -> ChartsDrawn:
    """The job: every chart of `sizes`, on a pool thread; touches no widget."""
    images = render_dashboard(board, sizes, dpi, focus, sites)
    return ChartsDrawn(serial, images, decoded(images))


def draw_focus(
    service: DashboardService,
    board: Dashboard,
    focus: str,
    sizes: dict[str, ChartSize],
    dpi: float,
    serial: int,
) -> FocusDrawn:
    """The job when another indicator is chosen: its sites, then its two charts."""
    sites = service.site_comparison(board.programme_code, focus, board.as_of)
    images = render_dashboard(board, sizes, dpi, focus, sites)
    return FocusDrawn(serial, sites, images, decoded(images))


REPORTING_TITLE = "Reporting rate: values present, and reports submitted or approved"
#: What the reporting rate chart shows: its heading's tooltip.
REPORTING_HELP = (
    "Bars: the values present, as the IPTT counts them — a period is complete when every site "
    "expected to report has a value for each indicator with data, whatever the value's status. "
    "Hatched bars: some indicators are partly reported.\n"
    "Line: the sites whose report for the period is submitted or approved, as on the Completeness "
    "screen. Drafts count as present but not as submitted.\n"
    "Click a period to see its reports on the Completeness screen; right-click for the IPTT."
)


def period_menu(
    parent: QWidget, label: str, on_reports: Callable[[], None], on_iptt: Callable[[], None]
) -> QMenu:
    """A period of the reporting rate: its reports (Completeness) or the IPTT as of it."""
    menu = QMenu(parent)
    menu.addAction(f"Reports of {label} (Completeness)").triggered.connect(on_reports)
    menu.addAction(f"The IPTT as of {label}").triggered.connect(on_iptt)
    return menu


def pair(first: QWidget, second: QWidget, parent: QWidget) -> QWidget:
    """A label and its picker, side by side, wrapping as one."""
    widget = QWidget(parent)
    row = QHBoxLayout(widget)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(first)
    row.addWidget(second)
    return widget


def heading(text: str, parent: QWidget) -> ElidedLabel:
    label = ElidedLabel(text, parent, Qt.TextElideMode.ElideRight)
    bold(label)
    return label


def bold(label: QLabel) -> None:
    font = label.font()
    font.setBold(True)
    label.setFont(font)


def box(title: QLabel, body: QWidget, parent: QWidget, placeholder: QLabel | None = None) -> QWidget:
    """A heading over a chart or table (and the words shown instead of an empty table)."""
    widget = QWidget(parent)
    column = QVBoxLayout(widget)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(4)
    column.addWidget(title)
    column.addWidget(body, 1)
    if placeholder is not None:
        placeholder.setParent(widget)
        placeholder.hide()
        column.addWidget(placeholder)
    title.setBuddy(body)
    return widget


def list_table(model: QAbstractItemModel, wide_column: int, parent: QWidget) -> QTableView:
    """A read-only list whose `wide_column` (a name or title) takes the room left, shortened with
    '…' (its tooltip says it whole), so the table fits the width without scrolling sideways; Tab
    leaves it for the next one."""
    view = QTableView(parent)
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.setWordWrap(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(wide_column, QHeaderView.ResizeMode.Stretch)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    return view


MAX_TABLE_ROWS = 8  # a longer list scrolls inside its table


def show_table(view: QTableView, placeholder: QLabel, rows: int) -> None:
    """The table as high as its rows (up to MAX_TABLE_ROWS), or the placeholder when it has none."""
    view.setVisible(rows > 0)
    placeholder.setVisible(rows == 0)
    height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
    height += view.verticalHeader().defaultSectionSize() * min(max(rows, 1), MAX_TABLE_ROWS)
    view.setFixedHeight(height + 2)

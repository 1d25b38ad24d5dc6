# SPDX-License-Identifier: GPL-3.0-or-later
"""The Dashboard of a programme (issue #10 §1): as of a period, the indicators by status as tiles
and a chart, % met by result, one indicator's target and actual over time and across sites, the
reporting rate per period (values present, beside reports submitted), open alerts and overdue actions.

Figures load on a worker (DashboardService, through the Loader); the charts are drawn on another
(pmdesk/reports, matplotlib off-screen) at the size and zoom they are shown at, again whenever a
chart is resized or the zoom changes, so the UI thread never draws a chart. Clicking a bar, a tile
or a row opens its evidence: the IPTT on the indicator, the Completeness of a period, the action in
the tracker."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontInfo, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import Status
from pmdesk.domain.iptt import partial_note
from pmdesk.reports.chart_palette import FONT_PT, STATUS_LABELS
from pmdesk.reports.chart_types import ChartRegion
from pmdesk.reports.dashboard_charts import (
    REPORTING,
    RESULTS,
    SITES,
    STATUS,
    TREND,
    ChartSize,
)
from pmdesk.ui.dashboard.chart_view import ChartView
from pmdesk.ui.dashboard.dashboard_models import OpenAlertsModel, OverdueActionsModel
from pmdesk.ui.dashboard.dashboard_parts import (
    REPORTING_HELP,
    REPORTING_TITLE,
    ChartsDrawn,
    FocusDrawn,
    bold,
    box,
    draw_charts,
    draw_focus,
    heading,
    list_table,
    pair,
    period_menu,
    show_table,
)
from pmdesk.ui.dashboard.status_tiles import StatusTiles
from pmdesk.ui.formatting import counted
from pmdesk.ui.iptt.status_style import STATUS_STYLES, TEXT_ON_COLOUR
from pmdesk.ui.loading import Loader
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import Navigation
from pmdesk.ui.widgets.elided_label import ElidedLabel
from pmdesk.ui.widgets.flow_layout import FlowLayout

if TYPE_CHECKING:
    from pmdesk.services.dashboard import Dashboard, SiteComparison
    from pmdesk.ui.context import UiContext

TITLE = "Dashboard"
LATEST_COMPLETE = "Latest complete period"
RENDER_DELAY_MS = 120  # resizing and zooming settle before the charts are drawn again
# Chart text a little smaller than the window's, as printed charts are beside their body text.
CHART_TEXT_SCALE = 0.92


class DashboardScreen(Screen):
    title = TITLE
    name = "dashboard"

    dashboard_loaded = Signal(str)  # programme code, once the figures are on screen
    charts_drawn = Signal()  # every chart shown is drawn for its present size

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.board: Dashboard | None = None
        self._sites: SiteComparison | None = None
        self._focus: str | None = None  # the indicator chosen; None: the dashboard's default
        self._as_of: str | None = None  # the period chosen; None: the latest complete one
        self._pending: Navigation | None = None
        self._serial = 0
        self.loader = Loader(context.workers, "The dashboard", self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self.loader.busy_changed.connect(self._on_busy_changed)
        self.chart_loader = Loader(context.workers, "The charts", self)
        self.chart_loader.loaded.connect(self._on_charts_drawn)
        self.chart_loader.failed.connect(self._on_charts_failed)
        self.focus_loader = Loader(context.workers, "The indicator's charts", self)
        self.focus_loader.loaded.connect(self._on_focus_drawn)
        self.focus_loader.failed.connect(self._on_charts_failed)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_DELAY_MS)
        self._render_timer.timeout.connect(self._draw_charts)
        self.alerts_model = OpenAlertsModel(self)
        self.actions_model = OverdueActionsModel(self)
        self._build()

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = ElidedLabel(TITLE, self, Qt.TextElideMode.ElideRight)
        self.title_label.setObjectName("screenTitle")
        self.summary_label = QLabel("", self)
        self.summary_label.setWordWrap(True)

        self.as_of_combo = QComboBox(self)
        self.as_of_combo.setToolTip("Show figures up to and including this period")
        self.as_of_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.as_of_combo.addItem(LATEST_COMPLETE, None)
        self.as_of_combo.currentIndexChanged.connect(self._on_as_of_changed)
        as_of_label = QLabel("&As of:", self)
        as_of_label.setBuddy(self.as_of_combo)
        self.indicator_combo = QComboBox(self)
        self.indicator_combo.setToolTip("The indicator whose target and actual, and sites, the charts show")
        self.indicator_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.indicator_combo.setMinimumContentsLength(24)
        self.indicator_combo.currentIndexChanged.connect(self._on_indicator_changed)
        indicator_label = QLabel("&Indicator:", self)
        indicator_label.setBuddy(self.indicator_combo)
        self.busy_label = QLabel("Loading…", self)
        self.busy_label.hide()
        pickers = FlowLayout(spacing=16)
        pickers.addWidget(pair(as_of_label, self.as_of_combo, self))
        pickers.addWidget(pair(indicator_label, self.indicator_combo, self))
        pickers.addWidget(self.busy_label)

        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(
            f"background: {STATUS_STYLES[Status.OFF_TRACK].background}; color: {TEXT_ON_COLOUR};"
            " padding: 6px; border-radius: 3px;"
        )
        self.error_label.hide()

        self.status_tiles = StatusTiles(self)
        self.status_tiles.chosen.connect(self.show_status_menu)
        self.tiles = self.status_tiles.tiles

        self.status_view = ChartView("Indicators by status", self)
        self.results_view = ChartView("% met by result", self)
        self.trend_view = ChartView("Target and actual over the periods", self)
        self.sites_view = ChartView("The indicator across sites", self)
        self.reporting_view = ChartView("Reporting rate per period", self)
        self.views: dict[str, ChartView] = {
            STATUS: self.status_view,
            RESULTS: self.results_view,
            TREND: self.trend_view,
            SITES: self.sites_view,
            REPORTING: self.reporting_view,
        }
        for view in self.views.values():
            view.render_wanted.connect(self._schedule_render)
            view.region_activated.connect(
                lambda region, v=view: self._on_region_activated(region, v.activated_at)
            )
            view.region_context.connect(
                lambda region, v=view: self._on_region_context(region, v.activated_at)
            )
            view.set_message("Loading…")

        self.alerts_view = list_table(self.alerts_model, 0, self)  # the indicator stretches
        self.actions_view = list_table(self.actions_model, 1, self)  # the title
        for table in (self.alerts_view, self.actions_view):
            table.doubleClicked.connect(lambda index, t=table: self._on_row_chosen(t, index))
            table.installEventFilter(self)
        self.alerts_empty = QLabel("No open alert.", self)
        self.actions_empty = QLabel("No overdue action.", self)

        self.trend_title = ElidedLabel("Target and actual", self, Qt.TextElideMode.ElideRight)
        self.sites_title = ElidedLabel("Across sites", self, Qt.TextElideMode.ElideRight)
        self.alerts_title = QLabel("Open alerts", self)
        self.actions_title = QLabel("Overdue actions", self)

        # The summary and tiles scroll with the charts: at 150 % on a 600-pixel screen, kept
        # above them they left the charts a strip 190 pixels high.
        content = QWidget(self)
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.summary_label)
        column.addWidget(self.status_tiles)
        grid = QGridLayout()
        column.addLayout(grid, 1)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(10)
        grid.addWidget(box(heading("Indicators by status", content), self.status_view, content), 0, 0)
        grid.addWidget(
            box(heading("% met by result (its own indicators)", content), self.results_view, content), 0, 1
        )
        grid.addWidget(box(self.trend_title, self.trend_view, content), 1, 0)
        self.reporting_title = heading(REPORTING_TITLE, content)
        self.reporting_title.set_full_text(REPORTING_TITLE, f"{REPORTING_TITLE}.\n{REPORTING_HELP}")
        grid.addWidget(box(self.reporting_title, self.reporting_view, content), 1, 1)
        # The whole width: a programme may have dozens of sites, each a line with its name.
        grid.addWidget(box(self.sites_title, self.sites_view, content), 2, 0, 1, 2)
        grid.addWidget(box(self.alerts_title, self.alerts_view, content, self.alerts_empty), 3, 0, 1, 2)
        grid.addWidget(box(self.actions_title, self.actions_view, content, self.actions_empty), 4, 0, 1, 2)
        for title in (self.trend_title, self.sites_title, self.alerts_title, self.actions_title):
            bold(title)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(pickers)
        layout.addWidget(self.error_label)
        layout.addWidget(self.scroll_area, 1)

        # Tab: pickers, tiles, then the charts and tables in reading order.
        chain: list[QWidget] = [self.as_of_combo, self.indicator_combo, *self.tiles.values()]
        chain += [self.status_view, self.results_view, self.trend_view, self.reporting_view, self.sites_view]
        chain += [self.alerts_view, self.actions_view]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # -- Screen -----------------------------------------------------------------------------

    def set_programme(self, code: str | None) -> None:
        if code != self.programme_code:
            self._focus = None
            self._as_of = None
            self.board = None
            self._fill_as_of(None)
        super().set_programme(code)

    def refresh(self) -> None:
        if self.programme_code is None:
            self.loader.cancel()
            self.summary_label.setText("Choose or create a programme to see its dashboard.")
            for view in self.views.values():
                view.set_message("")
            return
        self.error_label.hide()
        self.loader.load(
            self.services.dashboard.overview, self.programme_code, self._as_of, self._focus, name="dashboard"
        )

    def navigate(self, target: Navigation) -> None:
        """Show the period (as of) and indicator named."""
        changed = False
        if target.period and target.period != self._as_of:
            self._as_of = target.period
            changed = True
        if target.indicator_code and target.indicator_code != self._focus:
            self._focus = target.indicator_code
            changed = True
        if changed:
            self.refresh()

    def find_text(self, text: str) -> bool:
        """Show the next indicator whose code or name contains `text` in the charts."""
        needle = text.strip().casefold()
        count = self.indicator_combo.count()
        if not needle or not count:
            return False
        start = self.indicator_combo.currentIndex() + 1
        for offset in range(count):
            index = (start + offset) % count
            if needle in self.indicator_combo.itemText(index).casefold():
                self.indicator_combo.setCurrentIndex(index)
                return True
        return False

    # -- loading ----------------------------------------------------------------------------

    def _on_loaded(self, board: object) -> None:
        from pmdesk.services.dashboard import Dashboard

        if not isinstance(board, Dashboard) or board.programme_code != self.programme_code:
            return
        self.board = board
        self._sites = board.sites
        self._focus = board.focus
        self._fill_as_of(board)
        self._fill_indicators(board)
        self.status_tiles.show_counts(board)
        self._fill_summary(board)
        self.alerts_model.set_rows(board.alerts)
        self.actions_model.as_of = board.today
        self.actions_model.set_rows(board.overdue)
        show_table(self.alerts_view, self.alerts_empty, len(board.alerts))
        show_table(self.actions_view, self.actions_empty, len(board.overdue))
        self.alerts_title.setText(f"Open alerts ({len(board.alerts)})")
        self.actions_title.setText(f"Overdue actions ({len(board.overdue)})")
        self._update_focus_titles()
        self.results_view.set_rows(len(board.results))
        self.sites_view.set_rows(len(board.sites.sites) if board.sites else 0)
        self._draw_charts()
        self.dashboard_loaded.emit(board.programme_code)

    def _on_failed(self, message: str) -> None:
        if self._as_of is not None:
            # The period chosen may be gone (the programme's dates changed while the screen was
            # open): the latest complete one instead, once.
            self._as_of = None
            self.refresh()
            return
        self.board = None
        self.error_label.setText(message)
        self.error_label.show()
        for view in self.views.values():
            view.set_message("Not available: see the message above.")

    def _on_busy_changed(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)

    def _fill_as_of(self, board: Dashboard | None) -> None:
        combo = self.as_of_combo
        combo.blockSignals(True)
        combo.clear()
        latest = board.period_label(board.default_as_of) if board and board.default_as_of else ""
        combo.addItem(f"{LATEST_COMPLETE} ({latest})" if latest else LATEST_COMPLETE, None)
        for period in board.periods if board else ():
            text = period.label()
            reported = board.partial_periods.get(period.code) if board else None
            if board and reported is not None:
                text += f" (partial: {reported} of {board.sites_expected} sites)"
            combo.addItem(text, period.code)
        index = combo.findData(self._as_of) if self._as_of else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _fill_indicators(self, board: Dashboard) -> None:
        combo = self.indicator_combo
        combo.blockSignals(True)
        combo.clear()
        for indicator in board.indicators:
            if not indicator.is_qualitative:
                combo.addItem(f"{indicator.code} {indicator.name}", indicator.code)
        index = combo.findData(self._focus) if self._focus else -1
        combo.setCurrentIndex(index if index >= 0 else (0 if combo.count() else -1))
        combo.blockSignals(False)

    def _fill_summary(self, board: Dashboard) -> None:
        parts = [f"{board.programme_code} — {board.programme_name}"]
        if board.as_of is None:
            parts.append("no data yet")
        else:
            as_of = board.period_label(board.as_of)
            if board.as_of in board.partial_periods:
                as_of += f" ({partial_note(board.partial_periods[board.as_of], board.sites_expected)})"
            parts.append(f"as of {as_of}")
        counted_indicators = sum(t.count for t in board.statuses)
        parts.append(counted(counted_indicators, "indicator") + " with a status")
        if board.qualitative:
            parts.append(f"{board.qualitative} qualitative (no status)")
        partial = sum(t.partial for t in board.statuses)
        if partial:
            parts.append(f"{partial} resting on a partly reported period")
        self.summary_label.setText(" · ".join(parts))

    def _update_focus_titles(self) -> None:
        board = self.board
        trend = board.indicator(self._focus) if board and self._focus else None
        name = f"{trend.code} {trend.name}" if trend else "no indicator"
        self.trend_title.set_full_text(f"Target and actual: {name}")
        self.sites_title.set_full_text(f"Across sites, to date: {name}")

    # -- charts -----------------------------------------------------------------------------

    def chart_dpi(self) -> float:
        """The dpi at which a chart's text is the size of the window's text (so it follows zoom),
        in device pixels."""
        pixels = QFontInfo(self.font()).pixelSize()
        return max(40.0, pixels * 72 / FONT_PT * CHART_TEXT_SCALE * self.devicePixelRatioF())

    def _schedule_render(self) -> None:
        if self.board is not None:
            self._render_timer.start()

    def _sizes(self, names: tuple[str, ...]) -> dict[str, ChartSize]:
        sizes = {}
        for name in names:
            size = self.views[name].wanted_size()
            if size.width() >= 40 and size.height() >= 40:
                sizes[name] = ChartSize(size.width(), size.height())
        return sizes

    def _draw_charts(self) -> None:
        self._render_timer.stop()
        board = self.board
        if board is None:
            return
        names: tuple[str, ...] = (STATUS, RESULTS, TREND, REPORTING)
        if self._sites is not None and self._sites.indicator_code == self._focus:
            names += (SITES,)
        sizes = self._sizes(names)
        if not sizes:
            return
        self._serial += 1
        self.chart_loader.load(
            draw_charts, board, sizes, self.chart_dpi(), self._focus, self._sites, self._serial, name="charts"
        )
        if self._focus is None:
            self.trend_view.set_message("No indicator with figures yet.")
            self.sites_view.set_message("No indicator with figures yet.")

    def _on_charts_drawn(self, drawn: object) -> None:
        if not isinstance(drawn, ChartsDrawn):
            return
        for name, image in drawn.images.items():
            self.views[name].set_image(image, drawn.pictures.get(name))
        self.charts_drawn.emit()

    def _on_focus_drawn(self, drawn: object) -> None:
        if not isinstance(drawn, FocusDrawn) or drawn.sites.indicator_code != self._focus:
            return
        self._sites = drawn.sites
        self.sites_view.set_rows(len(drawn.sites.sites))
        for name, image in drawn.images.items():
            self.views[name].set_image(image, drawn.pictures.get(name))
        self.charts_drawn.emit()

    def _on_charts_failed(self, message: str) -> None:
        for view in self.views.values():
            if view.image is None:
                view.set_message(message)
        self.error_label.setText(message)
        self.error_label.show()

    def _on_as_of_changed(self, _index: int) -> None:
        value = self.as_of_combo.currentData()
        self._as_of = value if isinstance(value, str) else None
        self.refresh()

    def _on_indicator_changed(self, _index: int) -> None:
        value = self.indicator_combo.currentData()
        if not isinstance(value, str) or value == self._focus or self.board is None:
            return
        self._focus = value
        self._update_focus_titles()
        sizes = self._sizes((TREND, SITES))
        if sizes:
            self._serial += 1
            self.focus_loader.load(
                draw_focus,
                self.services.dashboard,
                self.board,
                value,
                sizes,
                self.chart_dpi(),
                self._serial,
                name="focus",
            )

    # -- going to the evidence ----------------------------------------------------------------

    def _on_region_activated(self, region: object, at: QPoint | None = None) -> None:
        if not isinstance(region, ChartRegion) or self.programme_code is None:
            return
        key = region.key
        if key.kind == "status" and key.status:
            self.show_status_menu(Status(key.status), at)
        elif key.kind == "result" and key.result_code:
            self.show_result_menu(key.result_code, at)
        elif key.kind == "period" and key.indicator_code:
            self._go(
                Navigation("iptt", self.programme_code, period=key.period, indicator_code=key.indicator_code)
            )
        elif key.kind == "period":
            self._go(Navigation("completeness", self.programme_code, period=key.period))
        elif key.kind == "site" and key.indicator_code:
            self._go(
                Navigation(
                    "iptt", self.programme_code, site_code=key.site_code, indicator_code=key.indicator_code
                )
            )

    def _on_region_context(self, region: object, at: QPoint) -> None:
        """A bar of one indicator: the IPTT, or its traceability (the alerts, decisions and
        actions about it, #7); a status or result: its indicators, as a click does."""
        if not isinstance(region, ChartRegion) or self.programme_code is None:
            return
        key, code = region.key, self.programme_code
        if key.kind == "period" and key.indicator_code is None and key.period:
            self._period_menu(key.period, at)
            return
        if key.indicator_code is None:
            self._on_region_activated(region, at)
            return
        indicator = key.indicator_code
        menu = QMenu(self)
        iptt = menu.addAction(f"Open {indicator} in the IPTT")
        iptt.triggered.connect(
            lambda: self._go(
                Navigation("iptt", code, site_code=key.site_code, period=key.period, indicator_code=indicator)
            )
        )
        trace = menu.addAction(f"Alerts, decisions and actions about {indicator}…")
        trace.triggered.connect(lambda: self._go(Navigation("actions", code, indicator_code=indicator)))
        self.menu = menu
        menu.popup(at)

    def _period_menu(self, period: str, at: QPoint) -> None:
        code, label = self.programme_code, self.board.period_label(period) if self.board else period
        self.menu = period_menu(
            self,
            label,
            lambda: self._go(Navigation("completeness", code, period=period)),
            lambda: self._go(Navigation("iptt", code, period=period)),
        )
        self.menu.popup(at)

    def show_status_menu(self, status: Status, at: QPoint | None = None) -> QMenu | None:
        board = self.board
        tally = next((t for t in board.statuses if t.status is status), None) if board else None
        if tally is None or not tally.indicator_codes:
            return None
        if at is None:
            tile = self.tiles[status]
            at = tile.mapToGlobal(QPoint(0, tile.height()))
        return self._indicator_menu(
            f"{STATUS_LABELS.get(status.value, status.value)}: open in the IPTT", tally.indicator_codes, at
        )

    def show_result_menu(self, result_code: str, at: QPoint | None = None) -> QMenu | None:
        board = self.board
        result = next((r for r in board.results if r.result_code == result_code), None) if board else None
        if result is None:
            return None
        return self._indicator_menu(
            f"{result.result_code} {result.title}: open in the IPTT",
            result.indicator_codes,
            at if at is not None else self.results_view.mapToGlobal(QPoint(0, 0)),
        )

    def _indicator_menu(self, heading: str, codes: tuple[str, ...], at: QPoint) -> QMenu:
        """A menu of indicators at `at` (where the click was, or under the bar or tile chosen by
        keyboard); choosing one opens it in the IPTT. Kept as `self.menu` for tests."""
        assert self.board is not None and self.programme_code is not None
        menu = QMenu(self)
        title = menu.addAction(heading)
        title.setEnabled(False)
        menu.addSeparator()
        code = self.programme_code
        for indicator_code in codes:
            indicator = self.board.indicator(indicator_code)
            text = f"{indicator_code} {indicator.name}" if indicator else indicator_code
            if indicator and indicator.is_partial:
                text += " (partial)"
            action = QAction(text.replace("&", "&&"), menu)
            action.triggered.connect(
                lambda _checked=False, c=indicator_code: self._go(Navigation("iptt", code, indicator_code=c))
            )
            menu.addAction(action)
        self.menu = menu
        menu.popup(at)
        return menu

    def _on_row_chosen(self, view: QTableView, index: QModelIndex) -> None:
        if not index.isValid() or self.programme_code is None:
            return
        if view is self.alerts_view:
            alert = self.alerts_model.row_at(index.row())
            if alert is not None:
                self._go(Navigation("iptt", alert.programme_code, indicator_code=alert.indicator_code))
        else:
            action = self.actions_model.row_at(index.row())
            if action is not None:
                self._go(Navigation("actions", action.programme_code, record_uuid=action.uuid))

    def _go(self, target: Navigation) -> None:
        self.context.signals.navigate(target)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched in (self.alerts_view, self.actions_view)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and isinstance(watched, QTableView)
            and watched.currentIndex().isValid()
        ):
            self._on_row_chosen(watched, watched.currentIndex())
            return True
        return super().eventFilter(watched, event)

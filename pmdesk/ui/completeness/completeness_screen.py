# SPDX-License-Identifier: GPL-3.0-or-later
"""Reporting completeness: whose report for which period is submitted or approved, and who still has
to send it (as DHIS2 shows it). The IPTT and the Dashboard's values present count any value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.ui.completeness.completeness_table_model import (
    COL_SITE,
    FIRST_PERIOD_COL,
    MUTED_TEXT,
    NOT_DUE_LABEL,
    PATH_SEPARATOR,
    SITE_CODE_ROLE,
    STATE_MEANINGS,
    STATE_STYLES,
    TEXT_ON_COLOUR,
    CompletenessTableModel,
)
from pmdesk.ui.loading import Loader
from pmdesk.ui.screens.base import Screen
from pmdesk.ui.signals import ChangeKind, DataChange, Navigation
from pmdesk.ui.widgets.column_fit import fit_columns_to_text
from pmdesk.ui.widgets.elided_label import ElidedLabel
from pmdesk.ui.widgets.flow_layout import FlowLayout
from pmdesk.ui.widgets.frozen_table_view import FrozenColumnTableView
from pmdesk.ui.widgets.notes_fold import NotesFold, lines_per_row

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.completeness import Completeness, CompletenessService
    from pmdesk.services.sites import SiteInfo, SiteService
    from pmdesk.ui.context import UiContext

TITLE = "Reporting completeness: reports submitted or approved"
ALL_SITES = "All reporting sites"
ERROR_BACKGROUND = "#f6b6c4"
CURSOR_COLOUR = "#3a3a3a"
# The changes that can move a report's state or the list of sites.
RELEVANT_CHANGES = frozenset(
    {ChangeKind.PROGRAMMES, ChangeKind.FRAMEWORK, ChangeKind.SITES, ChangeKind.VALUES}
)


@dataclass(frozen=True)
class CompletenessLoad:
    programme_code: str
    overview: Completeness
    sites: tuple[SiteInfo, ...]  # the whole site tree, for the districts' names


def load_completeness(
    completeness: CompletenessService, sites: SiteService, programme_code: str
) -> CompletenessLoad:
    """The job: runs on a pool thread and touches no widget."""
    overview = completeness.overview(programme_code)
    return CompletenessLoad(programme_code, overview, tuple(sites.list_sites(programme_code)))


class CompletenessScreen(Screen):
    """Reporting sites × periods, each report's state by colour and text, the reporting rate of
    each period in its header. Double-click or Enter opens the site and period in data entry."""

    title = "Completeness"
    name = "completeness"

    overview_loaded = Signal(str)  # programme code, once the overview is on screen
    load_failed = Signal(str)  # the message shown

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.loader = Loader(context.workers, "The completeness overview", self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self.loader.busy_changed.connect(self._show_busy)
        self._pending: Navigation | None = None  # asked for before the overview arrived
        self.today = date.today()  # which periods have ended; tests set it
        self.model = CompletenessTableModel(self)
        self._build()
        self._show_message("Choose a programme to see who has reported.")

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        # One band for the title and the picker; the title is shortened on a small screen.
        self.title_label = ElidedLabel(TITLE, self, Qt.TextElideMode.ElideRight)
        self.title_label.setObjectName("screenTitle")
        self.subtitle_label = QLabel("", self)
        self.subtitle_label.setWordWrap(True)

        self.filter_combo = QComboBox(self)
        self.filter_combo.setToolTip("Show every reporting site, or only those still to report for a period")
        self.filter_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.filter_combo.addItem(ALL_SITES, None)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_changed)
        filter_label = QLabel("&Show:", self)
        filter_label.setBuddy(self.filter_combo)
        self.filter_count_label = QLabel("", self)

        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)  # indeterminate
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(90)
        self.busy_label = QLabel("Counting reports…", self)
        self.busy_bar.hide()
        self.busy_label.hide()

        self.legend_button = QToolButton(self)
        self.legend_button.setText("Le&gend")
        self.legend_button.setToolTip(
            "Show what the colours mean and the hints under the table (folded away while the screen is short)"
        )
        self.legend_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        controls = QHBoxLayout()
        controls.addWidget(self.title_label, 1)
        controls.addSpacing(12)
        controls.addWidget(filter_label)
        controls.addWidget(self.filter_combo)
        controls.addSpacing(12)
        controls.addWidget(self.filter_count_label)
        controls.addSpacing(12)
        controls.addWidget(self.busy_bar)
        controls.addWidget(self.busy_label)
        controls.addWidget(self.legend_button)

        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(
            f"background: {ERROR_BACKGROUND}; color: {TEXT_ON_COLOUR}; padding: 6px; border-radius: 3px;"
        )
        self.error_label.hide()

        self.table_view = FrozenColumnTableView(self)
        self.table_view.setModel(self.model)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.verticalHeader().hide()
        self.table_view.setWordWrap(False)
        self.table_view.setAlternatingRowColors(False)  # the state colours carry the meaning
        # A dark cursor that no state colour can be mistaken for (the usual blue looks "submitted").
        palette = self.table_view.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Highlight, QColor(CURSOR_COLOUR))
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        self.table_view.setPalette(palette)
        self.table_view.frozen_view.setPalette(palette)
        # A site path shortened to one line keeps the school's name, not the district's.
        self.table_view.set_path_separator(PATH_SEPARATOR)
        self.table_view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table_view.doubleClicked.connect(self._on_cell_chosen)
        self.table_view.frozen_view.doubleClicked.connect(self._on_cell_chosen)
        # Enter by hand rather than `activated`: styles that activate on a single click would
        # otherwise leave the screen whenever a cell is clicked to read its tooltip.
        self.table_view.installEventFilter(self)

        self.empty_label = QLabel("", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table_view)
        self.stack.addWidget(self.empty_label)

        self.legend = QWidget(self)
        # Chips wrap onto a second line rather than clip on a small screen or at a large zoom.
        legend_layout = FlowLayout(self.legend, spacing=6)
        legend_layout.setContentsMargins(0, 0, 0, 0)
        self._legend_chips: list[QLabel] = []
        for state, style in STATE_STYLES.items():
            chip = self._chip(f"{style.symbol} {style.label}", f"background: {style.background};")
            chip.setToolTip(f"{style.label}: {STATE_MEANINGS[state]}")
            legend_layout.addWidget(chip)
        not_due = self._chip(NOT_DUE_LABEL, f"color: {MUTED_TEXT}; border: 1px solid palette(mid);")
        not_due.setToolTip("The period has not ended yet and nothing was entered: nobody is late.")
        legend_layout.addWidget(not_due)
        self.hint_label = QLabel(
            "Double-click a cell or press Enter to open that site and period in data entry.", self
        )
        self.hint_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.subtitle_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.hint_label)
        self.notes = NotesFold(
            self, self.table_view, (self.subtitle_label, self.legend, self.hint_label), self.legend_button
        )
        self._row_lines = 0
        self._apply_fonts()

    def _chip(self, text: str, style: str) -> QLabel:
        chip = QLabel(text, self.legend)
        colour = "" if "color:" in style else f"color: {TEXT_ON_COLOUR};"
        chip.setStyleSheet(f"{style} {colour} padding: 2px 8px; border-radius: 3px;")
        chip.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._legend_chips.append(chip)
        return chip

    def _apply_fonts(self) -> None:
        # Derived from the screen's font, so the title follows View ▸ Zoom.
        title = QFont(self.font())
        if title.pointSizeF() > 0:
            title.setPointSizeF(title.pointSizeF() * 1.3)
        else:  # a font sized in pixels
            title.setPixelSize(round(title.pixelSize() * 1.3))
        title.setBold(True)
        self.title_label.setFont(title)
        # Widgets with a style sheet do not pick up a new application font by themselves.
        for widget in (*self._legend_chips, self.error_label):
            widget.setFont(self.font())

    # -- public -----------------------------------------------------------------------------

    @property
    def is_busy(self) -> bool:
        return self.loader.is_loading

    @property
    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def set_programme(self, code: str | None) -> None:
        if code != self.programme_code:
            self.model.set_overview(None)
            self._refill_filter(())
            self.subtitle_label.setText("")
            self.filter_count_label.setText("")
        self.programme_code = code
        if code is None:
            self._cancel()
            self._show_message("Choose a programme to see who has reported.")
            return
        self.refresh_when_shown()

    def refresh(self) -> None:
        if self.programme_code is None:
            return
        self.loader.load(
            load_completeness,
            self.services.completeness,
            self.services.sites,
            self.programme_code,
            name="completeness",
        )

    def on_data_changed(self, change: DataChange) -> None:
        if change.kind in RELEVANT_CHANGES:
            super().on_data_changed(change)

    def navigate(self, target: Navigation) -> None:
        """Select the site and period named (after the overview has arrived, if it is on its way)."""
        if self.loader.is_loading:
            self._pending = target
            return
        self._select(target.site_code, target.period)

    def find_text(self, text: str) -> bool:
        """Select the next site whose name, district or code contains `text`."""
        needle = text.strip().casefold()
        rows = self.model.rowCount()
        if not needle or not rows:
            return False
        current = self.table_view.currentIndex()
        start = current.row() + 1 if current.isValid() else 0
        for offset in range(rows):
            row = (start + offset) % rows
            line = self.model.line_at(row)
            if line is not None and needle in f"{line.full_path} {line.site.code}".casefold():
                column = current.column() if current.isValid() else self._default_column()
                self._set_current(row, column)
                return True
        return False

    # -- loading ----------------------------------------------------------------------------

    def _cancel(self) -> None:
        self.loader.cancel()

    def _show_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.busy_label.setVisible(busy)

    def _on_loaded(self, load: CompletenessLoad) -> None:
        self.error_label.hide()
        # After a refresh the same site and period stay selected.
        current = self.table_view.currentIndex()
        site = current.data(SITE_CODE_ROLE)
        period = self.model.period_at(current.column())
        self.model.set_overview(load.overview, load.sites, self.today)
        self._refill_filter(load.overview.periods)
        self._show_overview()
        pending, self._pending = self._pending, None
        if pending is not None:
            self._select(pending.site_code, pending.period)
        else:
            self._select(site if isinstance(site, str) else None, period.code if period else None)
        self.overview_loaded.emit(load.programme_code)

    def _on_failed(self, message: str) -> None:
        self.model.set_overview(None)  # old states under this message would be read as the answer
        self._refill_filter(())
        self.error_label.setText(message)
        self.error_label.show()
        self._set_subtitle("")
        self._show_message("")
        self.load_failed.emit(message)

    # -- showing ----------------------------------------------------------------------------

    def _set_subtitle(self, text: str) -> None:
        # The subtitle folds away on a short screen; the title's tooltip still has it.
        self.subtitle_label.setText(text)
        self.title_label.set_full_text(self.title_label.full_text(), "\n".join(filter(None, (TITLE, text))))

    def _show_message(self, text: str) -> None:
        self.empty_label.setText(text)
        self.stack.setCurrentWidget(self.empty_label)

    def _show_overview(self) -> None:
        overview = self.model.overview
        assert overview is not None
        self._set_subtitle(self._summary(overview))
        if not overview.sites:
            self._show_message(
                "This programme has no sites yet.\nOnce its sites are set up, their reports are tracked here."
            )
        elif not overview.periods:
            self._show_message("This programme has no reporting periods: check its dates and frequency.")
        else:
            self._apply_filter()

    def _summary(self, overview: Completeness) -> str:
        parts = [
            overview.programme_code,
            f"{len(overview.sites)} reporting sites",
            f"{len(overview.periods)} periods",
        ]
        ended = [p for p in overview.periods if self.model.has_ended(p)]
        if ended and overview.sites:
            last = ended[-1]
            done, total = self.model.reported(last.code)
            parts.append(f"latest ended period {last.label()}: {done} of {total} submitted or approved")
        return " · ".join(parts)

    def _apply_filter(self) -> None:
        period = self.model.filter_period
        if period is None:
            self.filter_count_label.setText("")
        else:
            label = next((p.label() for p in self.model.periods if p.code == period), period)
            still = self.model.rowCount()
            self.filter_count_label.setText(
                f"{still} of {self.model.site_count} sites still to report for {label}"
            )
            if not still:
                self._show_message(f"Every reporting site has submitted or approved its report for {label}.")
                return
        self.stack.setCurrentWidget(self.table_view)
        self._fit_columns()

    def _fit_columns(self) -> None:
        view = self.table_view
        metrics = view.fontMetrics()
        chars = metrics.averageCharWidth()
        fit_columns_to_text(view, range(self.model.columnCount()))
        # Every period equally wide, so the grid reads as a calendar.
        periods = range(FIRST_PERIOD_COL, self.model.columnCount())
        width = max((view.columnWidth(c) for c in periods), default=0) + chars * 2
        for column in periods:
            view.setColumnWidth(column, width)
        site_width = min(
            view.columnWidth(COL_SITE) + chars * 2, max(view.viewport().width() // 3, chars * 24)
        )
        view.setColumnWidth(COL_SITE, site_width)
        # The title band and the two-line header take about five lines of text.
        self._row_lines = lines_per_row(self, 5)
        view.fit_rows(padding=metrics.height() // 3, max_lines=self._row_lines)
        self.notes.update_soon()

    def _refill_filter(self, periods: tuple[Period, ...]) -> None:
        current = self.filter_combo.currentData()
        self.filter_combo.blockSignals(True)
        self.filter_combo.clear()
        self.filter_combo.addItem(ALL_SITES, None)
        for period in periods:
            self.filter_combo.addItem(f"Still to report for {period.label()}", period.code)
        index = self.filter_combo.findData(current) if current is not None else 0
        self.filter_combo.setCurrentIndex(max(index, 0))
        self.filter_combo.blockSignals(False)
        self.model.set_filter(self.filter_combo.currentData())

    def _on_filter_changed(self, _index: int) -> None:
        period = self.filter_combo.currentData()
        self.model.set_filter(period if isinstance(period, str) else None)
        if self.model.overview is not None and self.model.overview.sites and self.model.periods:
            self._apply_filter()
            self._select(None, self.model.filter_period)

    # -- selection and navigation -----------------------------------------------------------

    def _default_column(self) -> int:
        """The latest period that has ended (else the first): the one reports are due for."""
        periods = self.model.periods
        ended = [i for i, p in enumerate(periods) if self.model.has_ended(p)]
        return FIRST_PERIOD_COL + (ended[-1] if ended else 0)

    def _select(self, site_code: str | None, period: str | None) -> None:
        if not self.model.rowCount():
            return
        row = self.model.row_of(site_code) if site_code else -1
        column = self.model.column_of(period) if period else -1
        self._set_current(max(row, 0), column if column >= 0 else self._default_column())

    def _set_current(self, row: int, column: int) -> None:
        view = self.table_view
        index = self.model.index(row, column)
        view.setCurrentIndex(index)
        # The scroll range is otherwise updated later, after new columns are laid out.
        view.updateGeometries()
        view.scrollTo(index)
        self._show_whole_columns(column)

    def _show_whole_columns(self, column: int) -> None:
        """Scroll sideways so that `column` is in view and the first period beside the site
        names is whole (a half column read "tted 27" for "Submitted 27")."""
        view = self.table_view
        header = view.horizontalHeader()
        bar = view.horizontalScrollBar()
        frozen = view.frozen_width()
        room = view.viewport().width() - frozen
        right = header.sectionPosition(column) + header.sectionSize(column)
        start = header.visualIndex(COL_SITE) + 1
        for visual in range(start, header.visualIndex(column) + 1):
            left = header.sectionPosition(header.logicalIndex(visual))
            if right - left <= room:
                bar.setValue(min(max(left - frozen, 0), bar.maximum()))
                return

    def _on_cell_chosen(self, index: QModelIndex) -> None:
        line = self.model.line_at(index.row())
        if line is None or self.programme_code is None:
            return
        period = self.model.period_at(index.column())
        # The site column opens the period the list is filtered on, if any.
        code = period.code if period is not None else self.model.filter_period
        self.context.signals.navigate(
            Navigation("entry", self.programme_code, site_code=line.site.code, period=code)
        )

    # -- events -----------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table_view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.table_view.currentIndex().isValid()
        ):
            self._on_cell_chosen(self.table_view.currentIndex())
            return True
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.model.rowCount() and lines_per_row(self, 5) != self._row_lines:
            QTimer.singleShot(0, self, self._fit_columns)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
            if self.model.rowCount():
                # Sized for the old font; `self` as context: not run once the screen is gone.
                QTimer.singleShot(0, self, self._fit_columns)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The IPTT of one programme: as-of period and site pickers over a read-only, colour-coded table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.enums import Status
from pmdesk.domain.errors import PmdeskError
from pmdesk.domain.iptt import Thresholds
from pmdesk.ui.models.iptt_table_model import (
    COL_INDICATOR,
    COL_UNIT,
    STATUS_STYLES,
    TEXT_ON_COLOUR,
    IpttTableModel,
    band_explanation,
)
from pmdesk.ui.signals import AppSignals, DataChange
from pmdesk.ui.widgets.frozen_table_view import FrozenColumnTableView
from pmdesk.ui.workers import Job, Workers

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.iptt import IpttService, IpttTable
    from pmdesk.services.programmes import ProgrammeService
    from pmdesk.services.sites import SiteInfo, SiteService

WHOLE_PROGRAMME = "Whole programme"
LATEST_WITH_DATA = "Latest with data"
BUSY_DELAY_MS = 150  # a quick table appears without the busy indicator flickering


@dataclass(frozen=True)
class IpttRequest:
    programme_code: str
    as_of: str | None
    site_code: str | None
    serial: int  # a reload of the same choice after a data change is a new request


@dataclass(frozen=True)
class IpttLoad:
    request: IpttRequest
    table: IpttTable
    periods: tuple[Period, ...]  # all reporting periods, for the as-of picker
    sites: tuple[SiteInfo, ...]


def load_iptt(
    iptt: IpttService, programmes: ProgrammeService, sites: SiteService, request: IpttRequest
) -> IpttLoad:
    """The job: runs on a pool thread, touches no widget; each service call opens its own session."""
    table = iptt.table(request.programme_code, as_of=request.as_of, site_code=request.site_code)
    periods = tuple(programmes.periods(request.programme_code))
    site_list = tuple(sites.list_sites(request.programme_code))
    return IpttLoad(request, table, periods, site_list)


class IpttScreen(QWidget):
    table_loaded = Signal(str)  # programme code, once new figures are on screen
    load_failed = Signal(str)  # the message shown

    def __init__(
        self,
        iptt: IpttService,
        programmes: ProgrammeService,
        sites: SiteService,
        workers: Workers,
        signals: AppSignals | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._iptt = iptt
        self._programmes = programmes
        self._sites = sites
        self._workers = workers
        self._programme: str | None = None
        self._serial = 0
        self._request: IpttRequest | None = None
        self._job: Job | None = None
        self._periods: tuple[Period, ...] = ()
        self._site_list: tuple[SiteInfo, ...] = ()
        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._on_busy_delay_elapsed)
        self.model = IpttTableModel(self)
        self._build()
        if signals is not None:
            signals.data_changed.connect(self._on_data_changed)

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title_label = QLabel("", self)
        self.title_label.setObjectName("screenTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle_label = QLabel("", self)
        self.subtitle_label.setWordWrap(True)

        self.as_of_combo = QComboBox(self)
        self.as_of_combo.setToolTip("Show figures up to and including this period")
        self.as_of_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.site_combo = QComboBox(self)
        self.site_combo.setToolTip("Actuals and targets of this site and every site below it")
        self.site_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.site_combo.setMaximumWidth(420)
        as_of_label = QLabel("&As of:", self)
        as_of_label.setBuddy(self.as_of_combo)
        site_label = QLabel("&Site:", self)
        site_label.setBuddy(self.site_combo)
        self.as_of_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.site_combo.currentIndexChanged.connect(self._on_filter_changed)

        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)  # indeterminate
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(90)
        self.busy_label = QLabel("Computing…", self)
        self.busy_bar.hide()
        self.busy_label.hide()

        controls = QHBoxLayout()
        controls.addWidget(as_of_label)
        controls.addWidget(self.as_of_combo)
        controls.addSpacing(16)
        controls.addWidget(site_label)
        controls.addWidget(self.site_combo, 1)
        controls.addSpacing(16)
        controls.addWidget(self.busy_bar)
        controls.addWidget(self.busy_label)
        controls.addStretch(1)

        self.error_label = QLabel("", self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(
            f"background: {STATUS_STYLES[Status.OFF_TRACK].background}; color: {TEXT_ON_COLOUR};"
            " padding: 6px; border-radius: 3px;"
        )
        self.error_label.hide()

        self.table_view = FrozenColumnTableView(self)
        self.table_view.setModel(self.model)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table_view.verticalHeader().hide()
        self.table_view.setWordWrap(False)  # only the frozen indicator column wraps
        self.table_view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table_view.setAlternatingRowColors(False)  # status colours carry the meaning

        self.empty_label = QLabel("", self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table_view)
        self.stack.addWidget(self.empty_label)

        self.legend = QWidget(self)
        legend_layout = QHBoxLayout(self.legend)
        legend_layout.setContentsMargins(0, 0, 0, 0)
        legend_layout.setSpacing(6)
        self._legend_chips: dict[Status, QLabel] = {}
        for status in (Status.EXCEEDING, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA):
            chip = QLabel(STATUS_STYLES[status].label, self.legend)
            chip.setStyleSheet(
                f"background: {STATUS_STYLES[status].background}; color: {TEXT_ON_COLOUR};"
                " padding: 2px 8px; border-radius: 3px;"
            )
            chip.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
            chip.setMinimumWidth(1)  # at a high zoom on a small screen, clip rather than widen the window
            legend_layout.addWidget(chip)
            self._legend_chips[status] = chip
        legend_layout.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.subtitle_label)
        layout.addLayout(controls)
        layout.addWidget(self.error_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.legend)
        self._apply_fonts()
        self._set_legend_thresholds(None)

    def _apply_fonts(self) -> None:
        # Derived from the screen's font, so the title follows View ▸ Zoom.
        title = QFont(self.font())
        if title.pointSizeF() > 0:
            title.setPointSizeF(title.pointSizeF() * 1.45)
        else:  # a font sized in pixels
            title.setPixelSize(round(title.pixelSize() * 1.45))
        title.setBold(True)
        self.title_label.setFont(title)
        # Widgets with a style sheet do not pick up a new application font by themselves.
        for chip in self._legend_chips.values():
            chip.setFont(self.font())
        self.error_label.setFont(self.font())

    def _set_legend_thresholds(self, thresholds: Thresholds | None) -> None:
        t = thresholds or Thresholds()
        words = {
            Status.EXCEEDING: f"> {t.exceeding:g}%",
            Status.ON_TRACK: f"{t.on_track:g}–{t.exceeding:g}%",
            Status.AT_RISK: f"{t.at_risk:g}–{t.on_track:g}%",
            Status.OFF_TRACK: f"< {t.at_risk:g}%",
            Status.NO_DATA: "",
        }
        tip = band_explanation(t)
        for status, chip in self._legend_chips.items():
            chip.setText(f"{STATUS_STYLES[status].label} {words[status]}".strip())
            chip.setToolTip(tip)

    # -- public -----------------------------------------------------------------------------

    @property
    def programme_code(self) -> str | None:
        return self._programme

    @property
    def is_busy(self) -> bool:
        return self._job is not None

    @property
    def error_text(self) -> str:
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def show_programme(self, code: str | None) -> None:
        """Show the IPTT of another programme (None: nothing), as of its latest period with data."""
        if code == self._programme and self._request is not None:
            return
        self._programme = code
        self._periods = ()
        self._site_list = ()
        self._reset_pickers()
        self.model.set_table(None)
        self.table_view.clearSpans()
        self.error_label.hide()
        if code is None:
            self._cancel()
            self.title_label.setText("")
            self.subtitle_label.setText("")
            return
        self.title_label.setText(code)
        self.subtitle_label.setText("Computing the IPTT…")
        self._load(None, None)

    def refresh(self) -> None:
        """Recompute with the current choices (after the data changed)."""
        if self._programme is not None:
            self._load(self._combo_value(self.as_of_combo), self._combo_value(self.site_combo))

    # -- loading ----------------------------------------------------------------------------

    def _load(self, as_of: str | None, site_code: str | None) -> None:
        assert self._programme is not None
        self._cancel()
        self._serial += 1
        self._request = IpttRequest(self._programme, as_of, site_code, self._serial)
        job = Job(load_iptt, self._iptt, self._programmes, self._sites, self._request, name="iptt")
        job.finished.connect(self._on_loaded)
        job.failed.connect(self._on_failed)
        self._job = self._workers.start(job)
        self._busy_timer.start()

    def _cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self._busy_timer.stop()
        self.busy_bar.hide()
        self.busy_label.hide()

    def _on_busy_delay_elapsed(self) -> None:
        if self._job is not None:
            self.busy_bar.show()
            self.busy_label.show()

    def _is_current(self) -> bool:
        # A job that ended before it was cancelled may still deliver; only the latest counts.
        return self._job is not None and self.sender() is self._job.signals

    def _on_loaded(self, load: IpttLoad) -> None:
        if not self._is_current() or load.request != self._request:
            return
        self._cancel()
        self.error_label.hide()
        self._fill_pickers(load)
        self.model.set_table(load.table)
        self._show_table(load.table)
        self.table_loaded.emit(load.request.programme_code)

    def _on_failed(self, error: BaseException) -> None:
        if not self._is_current():
            return
        self._cancel()
        if isinstance(error, PmdeskError):
            message = str(error)
        else:
            message = f"The IPTT could not be computed ({type(error).__name__}: {error}). Details are in the log file."
        # Figures of an earlier choice under this message would be read as the answer.
        self.model.set_table(None)
        self.table_view.clearSpans()
        self.error_label.setText(message)
        self.error_label.show()
        self.subtitle_label.setText("")
        self.load_failed.emit(message)

    def _show_table(self, table: IpttTable) -> None:
        self.title_label.setText(table.programme_name)
        as_of = next((p.label() for p in table.periods if p.code == table.as_of), None)
        parts = [
            table.programme_code,
            f"as of {as_of}" if as_of else "no data yet",
            table.site_name or WHOLE_PROGRAMME,
            f"{len(table.rows)} indicators",
            "figures rounded for display (at most 2 decimals); hover over a cell for details",
        ]
        self.subtitle_label.setText(" · ".join(parts))
        self._set_legend_thresholds(table.thresholds)
        if not table.rows and not table.results:
            self.empty_label.setText(
                "This programme has no results or indicators yet.\n"
                "Once its results framework is set up, its IPTT appears here."
            )
            self.stack.setCurrentWidget(self.empty_label)
            return
        self.stack.setCurrentWidget(self.table_view)
        self.table_view.clearSpans()
        columns = self.model.columnCount()
        for row in self.model.result_rows():
            if columns > 2:
                # The title lives in the frozen column; the span makes the rest one shaded band.
                self.table_view.setSpan(row, 1, 1, columns - 1)
        self._fit_columns()

    def _fit_columns(self) -> None:
        view = self.table_view
        metrics = view.fontMetrics()
        view.horizontalHeader().setMinimumSectionSize(metrics.horizontalAdvance("0000"))
        view.resizeColumnsToContents()
        # Room for ~40 characters of an indicator name, but never more than a third of the view
        # on a small screen; longer names wrap onto more lines.
        chars = metrics.averageCharWidth()
        indicator_width = min(chars * 40 + 16, max(view.viewport().width() // 3, chars * 24))
        view.setColumnWidth(COL_INDICATOR, indicator_width)
        view.setColumnWidth(COL_UNIT, min(view.columnWidth(COL_UNIT), chars * 16))
        widest = chars * 18  # qualitative texts are elided; the tooltip has them in full
        for column in range(COL_UNIT + 1, self.model.columnCount()):
            if view.columnWidth(column) > widest:
                view.setColumnWidth(column, widest)
        view.fit_rows(padding=metrics.height() // 3)

    # -- pickers ----------------------------------------------------------------------------

    @staticmethod
    def _combo_value(combo: QComboBox) -> str | None:
        value = combo.currentData()
        return value if isinstance(value, str) else None

    def _reset_pickers(self) -> None:
        for combo, label in ((self.as_of_combo, LATEST_WITH_DATA), (self.site_combo, WHOLE_PROGRAMME)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(label, None)
            combo.blockSignals(False)

    def _fill_pickers(self, load: IpttLoad) -> None:
        if load.periods != self._periods:
            self._periods = load.periods
            self._refill(
                self.as_of_combo, LATEST_WITH_DATA, [(p.label(), p.code, p.code) for p in load.periods]
            )
        if load.sites != self._site_list:
            self._site_list = load.sites
            # Em spaces show the hierarchy without tree widgets; the code is in the tooltip.
            self._refill(
                self.site_combo,
                WHOLE_PROGRAMME,
                [("\u2003" * s.depth + s.name, s.code, f"{s.code} — {s.name}") for s in load.sites],
            )
        latest = next((p.label() for p in load.periods if p.code == load.table.as_of), None)
        latest_text = (
            f"{LATEST_WITH_DATA} ({latest})" if latest and load.request.as_of is None else LATEST_WITH_DATA
        )
        self.as_of_combo.setItemText(0, latest_text)

    @staticmethod
    def _refill(combo: QComboBox, first: str, items: list[tuple[str, str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(first, None)
        for text, code, tip in items:
            combo.addItem(text, code)
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _on_filter_changed(self, _index: int) -> None:
        if self._programme is not None:
            self.refresh()

    # -- events -----------------------------------------------------------------------------

    def _on_data_changed(self, change: DataChange) -> None:
        if self._programme is not None and change.concerns(self._programme):
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._apply_fonts()
            if self.model.rowCount():
                # Rows and columns were sized for the old font; `self` as context: not run once gone.
                QTimer.singleShot(0, self, self._fit_columns)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The read-only reference sheet (PIRS) of an indicator, or the details of a result, beside the tree."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QTextBrowser, QWidget

from pmdesk.domain.enums import Cumulation, Direction, Measure
from pmdesk.ui.formatting import format_count, format_number
from pmdesk.ui.framework.framework_tree_model import MEASURE_LABELS, result_label

if TYPE_CHECKING:
    from pmdesk.services.framework_records import DisaggregationInfo, IndicatorInfo, ResultInfo
    from pmdesk.services.sites import PersonInfo

MUTED = "#5a5a5a"
NOT_SET = f'<span style="color:{MUTED}">not set</span>'

CUMULATION_TEXT = {
    Cumulation.PERIODIC: "Periodic: each period's values stand alone; the LoP actual is their sum",
    Cumulation.CUMULATIVE: "Cumulative: values are increments; each period shows the sum from the start",
    Cumulation.RUNNING_TOTAL: "Running total: values are already totals; the latest one is the LoP actual",
}
DIRECTION_TEXT = {
    Direction.INCREASE: "Increase is better",
    Direction.DECREASE: "Decrease is better",
    Direction.NONE: "No direction",
}


class ReferenceSheetView(QTextBrowser):
    """Selectable, scrollable text; it never edits anything (Edit… does). Labels sit beside their
    values when there is room, above them when the sheet is narrow (a small laptop screen)."""

    NARROW_CHARS = 60  # below this many average characters across, labels go above values

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setReadOnly(True)
        self._render: Callable[[bool], str] = lambda narrow: ""
        self._is_narrow = False

    @property
    def is_narrow(self) -> bool:
        return self.viewport().width() < self.fontMetrics().averageCharWidth() * self.NARROW_CHARS

    def _show(self, render: Callable[[bool], str]) -> None:
        self._render = render
        self._is_narrow = self.is_narrow
        self.setHtml(render(self._is_narrow))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.is_narrow != self._is_narrow:
            self._show(self._render)

    def show_indicator(
        self,
        indicator: IndicatorInfo,
        result: ResultInfo | None,
        disaggregations: Mapping[str, DisaggregationInfo],
        people: Mapping[str, PersonInfo],
    ) -> None:
        self._show(lambda narrow: indicator_sheet_html(indicator, result, disaggregations, people, narrow))

    def show_result(
        self,
        result: ResultInfo,
        above: ResultInfo | None,
        indicators: Sequence[IndicatorInfo],
        below: Sequence[ResultInfo],
    ) -> None:
        self._show(lambda narrow: result_sheet_html(result, above, indicators, below, narrow))

    def show_message(self, title: str, text: str) -> None:
        self._show(lambda narrow: f"<h3>{_e(title)}</h3><p>{_lines(text)}</p>")


def indicator_sheet_html(
    indicator: IndicatorInfo,
    result: ResultInfo | None,
    disaggregations: Mapping[str, DisaggregationInfo],
    people: Mapping[str, PersonInfo],
    narrow: bool = False,
) -> str:
    d = indicator.data
    measure = Measure(d.measure)
    is_percent = measure == Measure.PERCENT
    of = f"Indicator of {_e(result_label(result))}" if result else f"Indicator of result {_e(d.result_code)}"
    if d.disaggregations:
        disagg = "<br>".join(_disaggregation(code, disaggregations) for code in d.disaggregations)
    else:
        disagg = "None (one total per site and period)"
    cumulation = _e(CUMULATION_TEXT.get(Cumulation(d.cumulation), str(d.cumulation)))
    if is_percent:
        cumulation += "<br>" + _muted("Percent indicators always behave as running totals.")
    if d.baseline_value is not None:
        baseline = _e(format_number(d.baseline_value, percent=is_percent))
        if d.baseline_date:
            baseline += f" on {d.baseline_date.isoformat()}"
    else:
        baseline = NOT_SET
    if d.lop_target is not None:
        lop = _e(format_number(d.lop_target, percent=is_percent))
    elif measure == Measure.QUALITATIVE:
        lop = NOT_SET
    elif is_percent or d.cumulation != Cumulation.PERIODIC:
        lop = _muted("derived: the last period's target")
    else:
        lop = _muted("derived: the sum of the period targets")
    person = people.get(d.responsible_code) if d.responsible_code else None
    if person is not None:
        responsible = _e(person.name) + (f", {_e(person.role)}" if person.role else "")
        if person.organisation:
            responsible += f" ({_e(person.organisation)})"
        if person.email:
            responsible += f"<br>{_e(person.email)}"
    else:
        responsible = _e(d.responsible_code) if d.responsible_code else NOT_SET
    sections = [
        (
            "Definition",
            [("Definition", _text(d.definition)), ("Rationale", _text(d.rationale))],
        ),
        (
            "Measurement",
            [
                ("Measure", _e(MEASURE_LABELS.get(measure, str(measure)))),
                ("Unit", _text(d.unit)),
                *(
                    ()
                    if measure == Measure.QUALITATIVE
                    else [("Decimals", "allowed" if d.allows_decimals else "whole numbers only")]
                ),
                ("Direction", _e(DIRECTION_TEXT.get(Direction(d.direction), str(d.direction)))),
                ("Cumulation", cumulation),
                ("Disaggregations", disagg),
            ],
        ),
        (
            "Baseline and target",
            [
                ("Baseline", baseline),
                ("Baseline note", _text(d.baseline_note)),
                ("LoP target", lop),
            ],
        ),
        (
            "Data collection",
            [
                ("Data source", _text(d.data_source)),
                ("Collection method", _text(d.collection_method)),
                ("Frequency", _text(d.frequency)),
                ("Responsible", responsible),
                ("Means of verification", _text(d.means_of_verification)),
                ("Data values", format_count(indicator.value_count)),
            ],
        ),
    ]
    heading = f"<h2>{_e(d.code)} {_e(d.name)}</h2><p style='color:{MUTED}'>{of}</p>"
    return heading + _sections(sections, narrow)


def result_sheet_html(
    result: ResultInfo,
    above: ResultInfo | None,
    indicators: Sequence[IndicatorInfo],
    below: Sequence[ResultInfo],
    narrow: bool = False,
) -> str:
    if indicators:
        measured = "<br>".join(f"{_e(i.data.code)} {_e(i.data.name)}" for i in indicators)
    else:
        measured = _muted("none yet (Add indicator… adds one)")
    rows = [
        ("Code", _e(result.code)),
        ("Tier", _e(result.tier)),
        ("Title", _e(result.title)),
        ("Description", _text(result.description)),
        ("Above it", _e(result_label(above)) if above else _muted("nothing: a top-level result")),
        ("Indicators", measured),
        ("Results below", "<br>".join(_e(result_label(r)) for r in below) if below else _muted("none")),
    ]
    return f"<h2>{_e(result_label(result))}</h2>" + _sections([("Result", rows)], narrow)


def _sections(sections: Sequence[tuple[str, Sequence[tuple[str, str]]]], narrow: bool) -> str:
    """Headed groups of label/value rows: one table, so every value starts at the same place; or,
    when narrow, each label above its value."""
    if narrow:
        return "".join(
            f"<h3 style='margin-top:14px'>{_e(title)}</h3>"
            + "".join(
                f"<p style='margin:6px 0 0 0; color:{MUTED}'>{_e(label)}</p>"
                f"<p style='margin:1px 0 0 10px'>{value}</p>"
                for label, value in rows
            )
            for title, rows in sections
        )
    body = "".join(
        f"<tr><td colspan='2' style='padding:14px 0 4px 0'><h3 style='margin:0'>{_e(title)}</h3></td></tr>"
        + "".join(
            f"<tr><td style='color:{MUTED}; padding:3px 12px 3px 0; white-space:nowrap' valign='top'>"
            f"{_e(label)}</td><td style='padding:3px 0' valign='top'>{value}</td></tr>"
            for label, value in rows
        )
        for title, rows in sections
    )
    return f"<table width='100%' cellspacing='0'>{body}</table>"


def _disaggregation(code: str, disaggregations: Mapping[str, DisaggregationInfo]) -> str:
    info = disaggregations.get(code)
    if info is None:
        return _e(code)
    options = ", ".join(o.name for o in info.options)
    return f"{_e(info.name)}: {_e(options)}"


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _lines(text: str) -> str:
    return _e(text).replace("\n", "<br>")


def _text(text: str) -> str:
    return _lines(text) if text.strip() else NOT_SET


def _muted(text: str) -> str:
    return f"<span style='color:{MUTED}'>{_e(text)}</span>"

# SPDX-License-Identifier: GPL-3.0-or-later
"""The evidence beside an agenda item in live minutes, as large rich text: the indicator's status
and its recent targets and actuals, its alerts, the actions about it, what the item follows up."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from pmdesk.domain.enums import Measure, Status
from pmdesk.services.meeting_evidence import IndicatorPanel, ItemEvidence
from pmdesk.ui.formatting import format_number

STATUS_WORDS = {
    Status.EXCEEDING: ("Exceeding", "#1f6f3f"),
    Status.ON_TRACK: ("On track", "#1f6f3f"),
    Status.AT_RISK: ("At risk", "#8a5a00"),
    Status.OFF_TRACK: ("Off track", "#a3231a"),
    Status.NO_TARGET: ("No target", "#444444"),
    Status.NO_DATA: ("No data", "#444444"),
}


def indicator_html(panel: IndicatorPanel, *, named: bool = False) -> str:
    """`named`: the item's title already names the indicator."""
    word, colour = STATUS_WORDS.get(panel.status, (panel.status.value, "#444444"))
    percent = panel.measure is Measure.PERCENT
    met = f" — {format_number(panel.pct_met)} % of target" if panel.pct_met is not None else ""
    partial = " (partly reported)" if panel.partial else ""
    parts = [] if named else [f"<p><b>{html.escape(panel.code)}</b> {html.escape(panel.name)}</p>"]
    parts.append(
        f"<p><b style='color:{colour}'>{word}</b>{met} as of {html.escape(panel.as_of_label)}{partial}</p>"
    )
    if panel.measure is Measure.QUALITATIVE:
        for line in panel.recent:
            if line.text:
                parts.append(f"<p><b>{html.escape(line.label)}</b>: {html.escape(line.text)}</p>")
        return "".join(parts)
    if panel.unit and not percent:
        parts.append(f"<p>In {html.escape(panel.unit)}</p>")
    rows = [
        "<tr><th align='left'>Period</th><th align='right'>Target</th>"
        "<th align='right'>Actual</th><th align='right'>% met</th></tr>"
    ]
    for line in panel.recent:
        mark = " *" if line.is_partial else ""
        rows.append(
            "<tr>"
            f"<td>{html.escape(line.label)}{mark}</td>"
            f"<td align='right'>{_number(line.target, percent)}</td>"
            f"<td align='right'>{_number(line.actual, percent)}</td>"
            f"<td align='right'>{_number(line.pct_met, True)}</td>"
            "</tr>"
        )
    parts.append("<table cellspacing='0' cellpadding='4' width='100%'>" + "".join(rows) + "</table>")
    if any(line.is_partial for line in panel.recent):
        parts.append("<p><small>* partly reported: not every site has reported</small></p>")
    return "".join(parts)


def _number(value: float | None, percent: bool) -> str:
    return "—" if value is None else format_number(value) + (" %" if percent else "")


def evidence_html(evidence: ItemEvidence | None, reason: str, *, named: bool = False) -> str:
    parts = []
    if reason:
        parts.append(f"<p><i>{html.escape(reason)}</i></p>")
    if evidence is None:
        parts.append("<p>Loading the evidence…</p>")
        return "".join(parts)
    if evidence.subject:
        parts.append(f"<p>{html.escape(evidence.subject)}</p>")
    if evidence.indicator is not None:
        parts.append(indicator_html(evidence.indicator, named=named))
    if evidence.alerts:
        parts.append("<p><b>Alerts</b></p><ul>")
        parts.extend(f"<li>{html.escape(a)}</li>" for a in evidence.alerts)
        parts.append("</ul>")
    if evidence.actions:
        parts.append("<p><b>Actions</b></p><ul>")
        parts.extend(f"<li>{html.escape(a)}</li>" for a in evidence.actions)
        parts.append("</ul>")
    if len(parts) == (1 if reason else 0):
        parts.append("<p>No figures for this item.</p>")
    return "".join(parts)


class EvidenceView(QScrollArea):
    """A scrolling panel of evidence; the text wraps, nothing is cut off at the side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(self)
        inner.setObjectName("evidence")
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(12, 8, 12, 8)
        self.label = QLabel("", inner)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label)
        layout.addStretch(1)
        self.setWidget(inner)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_evidence(self, evidence: ItemEvidence | None, reason: str, *, named: bool = False) -> None:
        self.label.setText(evidence_html(evidence, reason, named=named))

    @property
    def text(self) -> str:
        return self.label.text()

# SPDX-License-Identifier: GPL-3.0-or-later
"""One page of live minutes: an agenda item's title, its notes and decisions on the left, its
evidence on the right; or, last, the meeting's general notes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pmdesk.domain.meetings import AgendaKind
from pmdesk.services.meeting_evidence import ItemEvidence
from pmdesk.services.meetings import AgendaItemInfo
from pmdesk.ui.meetings.evidence_view import EvidenceView
from pmdesk.ui.unsaved import NOT_SAVED_COLOUR, NOT_SAVED_FRAME

NOT_SAVED_STYLE = f"QPlainTextEdit {{ background: {NOT_SAVED_COLOUR}; border: 2px solid {NOT_SAVED_FRAME}; }}"
GENERAL_TITLE = "General notes and any other business"


class DecisionEdit(QPlainTextEdit):
    """A decision as typed: two lines high, wraps, Tab moves on."""

    def __init__(self, uuid: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.uuid = uuid
        self.setTabChangesFocus(True)
        self.setPlaceholderText("Type the decision")
        self.setAccessibleName("Decision")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.fit_height()

    def fit_height(self) -> None:
        self.setFixedHeight(int(self.fontMetrics().lineSpacing() * 2.4) + 12)


class ItemPage(QWidget):
    """`item` None: the page of the meeting's general notes."""

    notes_edited = Signal()
    decision_edited = Signal(str)  # uuid

    def __init__(self, item: AgendaItemInfo | None, notes: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.decision_edits: list[DecisionEdit] = []
        self.title_label = QLabel(item.title if item is not None else GENERAL_TITLE, self)
        self.title_label.setObjectName("itemTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notes = QPlainTextEdit(notes, self)
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("Notes")
        self.notes.setPlaceholderText(
            "Type the minutes of this item: what was said, by whom" if item else "Type the general notes"
        )
        self.notes.textChanged.connect(self.notes_edited)
        self.decisions_label = QLabel("Decisions — none yet (Ctrl+D adds one)", self)
        self.decisions_label.setObjectName("decisionsLabel")
        self._decisions_box = QWidget(self)
        self._decisions_layout = QVBoxLayout(self._decisions_box)
        self._decisions_layout.setContentsMargins(0, 0, 0, 0)
        self._decisions_layout.addStretch(1)
        self.decisions_area = QScrollArea(self)
        self.decisions_area.setWidgetResizable(True)
        self.decisions_area.setFrameShape(QFrame.Shape.NoFrame)
        self.decisions_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.decisions_area.setWidget(self._decisions_box)
        self.decisions_area.hide()
        self.evidence = EvidenceView(self)
        self.evidence.setObjectName("evidencePanel")

        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.title_label)
        left.addWidget(self.notes, 1)
        left.addWidget(self.decisions_label)
        left.addWidget(self.decisions_area)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 3)
        layout.addWidget(self.evidence, 2)

    def show_meeting(self, lines: list[str]) -> None:
        """The general page's right side: who is there and where (HTML lines)."""
        intro = "<p>Anything said outside the agenda items, and decisions that belong to no item.</p>"
        self.evidence.label.setText(intro + "".join(f"<p>{line}</p>" for line in lines))

    @property
    def item_id(self) -> int | None:
        return self.item.id if self.item is not None else None

    def show_evidence(self, evidence: ItemEvidence | None) -> None:
        if self.item is not None:
            # An indicator's status line says what its reason says: once is enough.
            said = (
                evidence is not None
                and evidence.indicator is not None
                and self.item.kind is AgendaKind.INDICATOR
            )
            named = self.item.kind in (AgendaKind.INDICATOR, AgendaKind.ALERT)
            self.evidence.show_evidence(evidence, "" if said else self.item.reason, named=named)

    def add_decision(self, uuid: str, text: str = "") -> DecisionEdit:
        edit = DecisionEdit(uuid, text, self._decisions_box)
        edit.setFont(self.notes.font())
        edit.fit_height()
        edit.textChanged.connect(lambda: self.decision_edited.emit(uuid))
        edit.setReadOnly(self.notes.isReadOnly())
        self._decisions_layout.insertWidget(len(self.decision_edits), edit)
        self.decision_edits.append(edit)
        self.decisions_area.show()
        count = len(self.decision_edits)
        self.decisions_label.setText(f"Decisions ({count}) — Ctrl+D adds one")
        self._fit_area()
        return edit

    def decision(self, uuid: str) -> DecisionEdit | None:
        return next((e for e in self.decision_edits if e.uuid == uuid), None)

    def set_read_only(self, read_only: bool) -> None:
        self.notes.setReadOnly(read_only)
        for edit in self.decision_edits:
            edit.setReadOnly(read_only)

    def refit(self) -> None:
        for edit in self.decision_edits:
            edit.setFont(self.notes.font())
            edit.fit_height()
        self._fit_area()

    def _fit_area(self) -> None:
        # Up to two decisions in sight; more scroll, so the notes keep most of the page.
        if self.decision_edits:
            height = self.decision_edits[0].height() + self._decisions_layout.spacing()
            self.decisions_area.setFixedHeight(min(len(self.decision_edits), 2) * height)

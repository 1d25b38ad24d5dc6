# SPDX-License-Identifier: GPL-3.0-or-later
"""Submit, approve, return and reopen the values of one site and period (DESIGN.md §5)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from pmdesk.domain.enums import ValueStatus
from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.services.value_info import warning_label, warning_text
from pmdesk.ui.entry import entry_dialogs
from pmdesk.ui.unsaved import storage_failure_text

if TYPE_CHECKING:
    from pmdesk.services.data_entry import DataEntryService
    from pmdesk.services.value_info import ValueInfo
    from pmdesk.ui.entry.entry_writes import GridPlace


CONFIRMED_UNEXPLAINED = "submitted with its warning unexplained, confirmed at Submit"


def _values(n: int) -> str:
    return f"{n} value" if n == 1 else f"{n} values"


class EntryWorkflowBar(QWidget):
    moved = Signal(str)  # values changed status: what happened, in words
    refused = Signal(str)  # the service refused: why

    def __init__(self, service: DataEntryService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.place: GridPlace | None = None
        self.place_label = ""
        self.before_action: Callable[[], None] = lambda: None  # saves an edit in progress
        self._counts: Mapping[ValueStatus, int] = {}
        self.submit_button = QPushButton("&Submit", self)
        self.approve_button = QPushButton("&Approve…", self)
        self.return_button = QPushButton("Re&turn…", self)
        self.reopen_button = QPushButton("Re&open…", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.submit_button, self.approve_button, self.return_button, self.reopen_button):
            layout.addWidget(button)
        self.submit_button.clicked.connect(self.submit)
        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(self.return_values)
        self.reopen_button.clicked.connect(self.reopen)
        self.set_counts({})

    def set_counts(self, counts: Mapping[ValueStatus, int]) -> None:
        """How many values of the site and period are in each status: which steps make sense."""
        self._counts = dict(counts)
        drafts = counts.get(ValueStatus.DRAFT, 0) + counts.get(ValueStatus.RETURNED, 0)
        submitted = counts.get(ValueStatus.SUBMITTED, 0)
        approved = counts.get(ValueStatus.APPROVED, 0)
        self.submit_button.setEnabled(drafts > 0)
        self.submit_button.setToolTip(
            f"Submit {_values(drafts)} (draft or returned) for approval"
            if drafts
            else "Nothing to submit: no draft or returned value here"
        )
        self.approve_button.setEnabled(submitted > 0)
        self.approve_button.setToolTip(
            f"Approve {_values(submitted)}: approved values are locked"
            if submitted
            else "Nothing to approve: no submitted value here"
        )
        self.return_button.setEnabled(submitted > 0)
        self.return_button.setToolTip(
            f"Send {_values(submitted)} back to the site with a reason"
            if submitted
            else "Nothing to return: no submitted value here"
        )
        self.reopen_button.setEnabled(approved > 0)
        self.reopen_button.setToolTip(
            f"Unlock {_values(approved)} for editing; a reason is required and kept"
            if approved
            else "Nothing to reopen: no approved value here"
        )

    # -- steps ------------------------------------------------------------------------------

    def submit(self) -> None:
        self.before_action()
        place = self.place
        if place is None:
            return
        try:
            flagged = self._service.unexplained_warnings(place.programme_code, place.site_code, place.period)
        except PmdeskError as exc:
            self.refused.emit(str(exc))
            return
        confirmation = ""
        if flagged:
            if not entry_dialogs.confirm(
                self,
                "Warnings without a comment",
                f"{_values(len(flagged))} of {self.place_label} "
                f"{'has a warning' if len(flagged) == 1 else 'have warnings'} nobody has explained:\n\n"
                + _warning_lines(flagged)
                + "\n\nCancel, then add a comment to each (Ctrl+M on the cell), or submit them "
                "as they are: your confirmation is kept in their history.",
                "Submit &anyway",
                is_yes_default=False,
            ):
                self.refused.emit(
                    f"Not submitted: {_values(len(flagged))} with a warning need a comment (Ctrl+M)"
                )
                return
            confirmation = CONFIRMED_UNEXPLAINED
        self._run(
            "Submitted",
            lambda p: self._service.submit(
                p.programme_code, p.site_code, p.period, unexplained_confirmed=confirmation
            ),
        )

    def approve(self) -> None:
        n = self._counts.get(ValueStatus.SUBMITTED, 0)
        place = self.place
        refusal = (
            self._service.approval_refusal(place.programme_code, place.site_code, place.period)
            if place is not None
            else None
        )
        if refusal is not None:  # said before asking, not after the user confirmed
            self.refused.emit(refusal)
            return
        submitters = (
            sorted(
                {
                    v.submitted_by
                    for v in self._service.values_for(place.programme_code, place.site_code, place.period)
                    if v.status is ValueStatus.SUBMITTED and v.submitted_by
                }
            )
            if place is not None
            else []
        )
        by = f"\n\nSubmitted by {', '.join(submitters)}." if submitters else ""
        flagged = (
            self._service.unexplained_warnings(
                place.programme_code, place.site_code, place.period, (ValueStatus.SUBMITTED,)
            )
            if place is not None
            else []
        )
        warned = (
            f"\n\n{_values(len(flagged))} {'carries' if len(flagged) == 1 else 'carry'} a warning nobody "
            "explained:\n" + _warning_lines(flagged)
            if flagged
            else ""
        )
        if not entry_dialogs.confirm(
            self,
            "Approve values",
            f"Approve {_values(n)} of {self.place_label}?{by}{warned}\n\n"
            "Approved values are locked: editing them later needs reopening with a reason.",
            "Approve",
        ):
            return
        self._run("Approved", lambda p: self._service.approve(p.programme_code, p.site_code, p.period))

    def return_values(self) -> None:
        n = self._counts.get(ValueStatus.SUBMITTED, 0)
        self._run_with_reason(
            "Returned",
            "Return values",
            f"Return {_values(n)} of {self.place_label} to the site. Say what needs fixing; "
            "the reason is shown on each value.",
            "Re&turn",
            lambda p, reason: self._service.return_values(p.programme_code, p.site_code, p.period, reason),
        )

    def reopen(self) -> None:
        n = self._counts.get(ValueStatus.APPROVED, 0)
        self._run_with_reason(
            "Reopened",
            "Reopen approved values",
            f"Reopen {_values(n)} of {self.place_label} for editing. They become drafts and must be "
            "submitted and approved again; the reason is kept in their history.",
            "Re&open",
            lambda p, reason: self._service.reopen(p.programme_code, p.site_code, p.period, reason),
        )

    def _run_with_reason(
        self, verb: str, title: str, message: str, ok_text: str, step: Callable[[GridPlace, str], int]
    ) -> None:
        """Ask the reason, then take the step; when the database does not take it (locked, disk
        full), ask again with the reason typed and why, so that it need not be typed again."""
        reason = entry_dialogs.ask_reason(self, title, message, ok_text)
        while reason:
            failure = self._run(verb, partial(_with_reason, step, reason), asks_again=True)
            if not isinstance(failure, StorageError):
                return
            problem = storage_failure_text(failure, f"“{ok_text.replace('&', '')}”")
            reason = entry_dialogs.ask_reason(self, title, message, ok_text, text=reason, problem=problem)

    def _run(
        self, verb: str, step: Callable[[GridPlace], int], *, asks_again: bool = False
    ) -> PmdeskError | None:
        """Take a step on the place shown; the error that stopped it, if any (told to the user,
        unless `asks_again` and the database did not take it: the caller shows it)."""
        self.before_action()
        if self.place is None:
            return None
        try:
            count = step(self.place)
        except PmdeskError as exc:
            if asks_again and isinstance(exc, StorageError):
                return exc
            self.refused.emit(str(exc))
            return exc
        self.moved.emit(f"{verb} {_values(count)} of {self.place_label}")
        return None


def _warning_lines(values: Sequence[ValueInfo], most: int = 12) -> str:
    lines = [f"• {warning_label(v)}: {warning_text(v)}" for v in values[:most]]
    if len(values) > most:
        lines.append(f"… and {len(values) - most} more")
    return "\n".join(lines)


def _with_reason(step: Callable[[GridPlace, str], int], reason: str, place: GridPlace) -> int:
    return step(place, reason)

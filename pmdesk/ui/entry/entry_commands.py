# SPDX-License-Identifier: GPL-3.0-or-later
"""Undo and redo of data-entry edits: one QUndoCommand per saved cell, written through the service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoCommand

from pmdesk.domain.errors import PmdeskError

if TYPE_CHECKING:
    from pmdesk.services.data_entry import DataEntryService
    from pmdesk.services.value_info import ValueInfo


@dataclass(frozen=True)
class CellRef:
    """Where a value lives, by codes, so that a command still finds it after a reload."""

    programme_code: str
    site_code: str
    period: str
    indicator_code: str
    options: tuple[tuple[str, str], ...]  # (disaggregation, option) pairs; () for the total
    key: tuple[int, int]  # (indicator id, combo id) in the grid
    label: str  # "1.1 · Female"


@dataclass(frozen=True)
class CellContent:
    """What a cell holds: as typed (text) for a new value, as stored (numbers) for an old one."""

    value: object = None
    numerator: object = None
    denominator: object = None
    text: object = None
    comment: str = ""

    @classmethod
    def of(cls, info: ValueInfo | None) -> CellContent | None:
        if info is None:
            return None
        return cls(info.value, info.numerator, info.denominator, info.text, info.comment)

    def with_comment(self, comment: str) -> CellContent:
        return replace(self, comment=comment.strip())

    def same_value(self, other: CellContent) -> bool:
        """Do both hold the same figures or text (comments aside)? '12' and 12.0 are the same."""
        return all(
            _same(a, b)
            for a, b in (
                (self.value, other.value),
                (self.numerator, other.numerator),
                (self.denominator, other.denominator),
                (self.text, other.text),
            )
        )


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    try:
        return float(a) == float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


class EntryWriter:
    """Writes a cell's content through DataEntryService: set, comment only, or clear."""

    def __init__(self, service: DataEntryService) -> None:
        self._service = service

    def write(self, ref: CellRef, old: CellContent | None, new: CellContent | None) -> ValueInfo | None:
        """Make the cell hold `new` (None: no value); raises PmdeskError, changing nothing, if refused."""
        options = dict(ref.options)
        if new is None:
            self._service.clear_value(
                ref.programme_code, ref.indicator_code, ref.period, ref.site_code, options
            )
            return None
        if old is not None and old.same_value(new):
            # The comment alone: set_value would also turn a submitted value back into a draft.
            return self._service.set_comment(
                ref.programme_code, ref.indicator_code, ref.period, ref.site_code, options, new.comment
            )
        return self._service.set_value(
            ref.programme_code,
            ref.indicator_code,
            ref.period,
            ref.site_code,
            options,
            value=new.value,
            numerator=new.numerator,
            denominator=new.denominator,
            text=new.text,
            comment=new.comment,
        )


Applied = Callable[[CellRef, "ValueInfo | None", str], None]  # (cell, what it holds now, "Undid"/"Redid")
Failed = Callable[[CellRef, PmdeskError], None]


class CellEditCommand(QUndoCommand):
    """One saved edit. It is pushed after the first write succeeded, so its first redo() (which
    QUndoStack.push calls) does nothing; later undo/redo write through the service again."""

    def __init__(
        self,
        writer: EntryWriter,
        ref: CellRef,
        old: CellContent | None,
        new: CellContent | None,
        applied: Applied,
        failed: Failed,
        text: str,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(text, parent)
        self.ref = ref
        self.old = old
        self.new = new
        self._writer = writer
        self._applied = applied
        self._failed = failed
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False  # the edit itself was the first redo
            return
        self._write(self.old, self.new, "Redid")

    def undo(self) -> None:
        self._write(self.new, self.old, "Undid")

    def _write(self, current: CellContent | None, wanted: CellContent | None, verb: str) -> None:
        try:
            info = self._writer.write(self.ref, current, wanted)
        except PmdeskError as exc:
            # The cell changed since (approved, say): this step can no longer be taken back.
            self.setObsolete(True)
            self._failed(self.ref, exc)
            return
        self._applied(self.ref, info, verb)

# SPDX-License-Identifier: GPL-3.0-or-later
"""A write of the data-entry grid as plain data: the place and cell, what it holds before and after,
as typed; a block pasted from a spreadsheet read and planned; writing a list of them through the
service, a refused cell apart; how an outcome is worded. Touches no widget: a job may use it."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Union

from pmdesk.domain.enums import Measure
from pmdesk.domain.errors import PmdeskError, StorageError, ValidationError
from pmdesk.domain.numbers import read_number
from pmdesk.domain.value_checks import WARNING_TEXT
from pmdesk.ui.entry.entry_cells import (
    COL_COMMENT,
    COL_DENOMINATOR,
    COL_NUMERATOR,
    COL_VALUE,
    UnsavedInput,
    raw_number,
)
from pmdesk.ui.entry.entry_commands import CellContent, CellRef, EntryWriter
from pmdesk.ui.formatting import display_locale
from pmdesk.ui.unsaved import PendingWrite

if TYPE_CHECKING:
    from pmdesk.services.value_info import ValueInfo
    from pmdesk.ui.entry.entry_rows import EntryRow

MAX_PASTE_CELLS = 20_000  # a whole sheet pasted by mistake is refused rather than half-written


@dataclass(frozen=True)
class GridPlace:
    programme_code: str
    site_code: str
    period: str


@dataclass(frozen=True)
class PlannedWrite:
    """One cell to write: where, what it holds now, what it will hold, as typed."""

    key: tuple[int, int]  # (indicator id, combo id) in the grid
    column: int  # where a refusal is marked
    ref: CellRef
    old: CellContent | None
    new: CellContent | None
    typed: str


Outcome = Union["ValueInfo", None, PmdeskError]  # what a write gave: the value, cleared, refused


@dataclass
class PastePlan:
    writes: list[PlannedWrite] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    ignored_lines: int = 0
    ignored_cells: int = 0


@dataclass
class PasteResult:
    saved: int = 0
    problems: list[str] = field(default_factory=list)
    ignored_lines: int = 0
    ignored_cells: int = 0
    cancelled: int = 0  # writes left out because the user cancelled
    failed: bool = False  # the writing stopped on an unexpected error
    held: int = 0  # kept on screen, not saved yet: the database did not take them


def write_all(
    writer: EntryWriter,
    writes: Sequence[PlannedWrite],
    stop: threading.Event | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Outcome]:
    """Write each cell through the service, in order, until done or `stop` is set; a refused
    cell does not stop the others. Once the database itself fails (locked, disk full), the rest
    are not tried: each would wait for the lock, or fail the same way; they get the same error,
    to be kept and retried. Touches no widget: it may run as a job."""
    outcomes: list[Outcome] = []
    blocked: StorageError | None = None
    for done, write in enumerate(writes, start=1):
        if stop is not None and stop.is_set():
            break
        if blocked is not None:
            outcomes.append(blocked)
        else:
            try:
                outcomes.append(writer.write(write.ref, write.old, write.new))
            except StorageError as exc:
                blocked = exc
                outcomes.append(exc)
            except PmdeskError as exc:
                outcomes.append(exc)
        if progress is not None:
            progress(done, len(writes), write.ref.label)
    return outcomes


def parse_block(text: str) -> list[list[str]]:
    """A block copied from a spreadsheet: tab-separated cells, one line per row; a cell holding
    line breaks arrives quoted, as Excel and LibreOffice put it on the clipboard."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text:
        return []
    if '"' not in text:
        return [line.split("\t") for line in text.split("\n")]
    return [row for row in csv.reader(io.StringIO(text), dialect="excel-tab")]


def message_of(exc: PmdeskError) -> str:
    """The message without the cell's location, which the screen names in its own words."""
    if isinstance(exc, ValidationError) and len(exc.problems) == 1:
        return exc.problems[0].message
    return str(exc)


_NUMBER_FIELDS = {
    Measure.NUMBER: {COL_VALUE: "value"},
    Measure.PERCENT: {COL_NUMERATOR: "numerator", COL_DENOMINATOR: "denominator"},
}


def read_numbers(
    measure: Measure | None, fields: dict[int, str]
) -> tuple[dict[int, str], tuple[int, str] | None]:
    """`fields` with each typed figure read in the user's locale ('1 200' → '1200'), or the first
    column refused with its message; the service then checks the plain figure like any other."""
    names = _NUMBER_FIELDS.get(measure, {}) if measure is not None else {}
    locale = display_locale()
    read = dict(fields)
    for column, text in fields.items():
        if column not in names or not text.strip():
            continue
        try:
            number = read_number(
                text,
                names[column],
                group_separator=locale.groupSeparator(),
                decimal_separator=locale.decimalPoint(),
            )
        except ValueError as exc:
            return fields, (column, str(exc))
        read[column] = raw_number(number)
    return read, None


def place_key(place: GridPlace) -> tuple[str, str, str]:
    return (place.programme_code, place.site_code, place.period)


def waiting_key(ref: CellRef) -> tuple[str, str, str, tuple[int, int]]:
    """Where input waits: one write per cell of a site and period."""
    return (ref.programme_code, ref.site_code, ref.period, ref.key)


def as_text(value: object) -> str:
    """A figure as typed ('12') or as stored (12.0 → '12')."""
    if value is None:
        return ""
    if isinstance(value, float):
        return raw_number(value)
    return str(value)


def unsaved_input(write: PlannedWrite, item: PendingWrite) -> UnsavedInput:
    new = write.new
    common = {"typed": write.typed, "reason": str(item.error), "is_transient": item.error.is_transient}
    if new is None:
        return UnsavedInput(clears=True, **common)  # type: ignore[arg-type]
    return UnsavedInput(
        value=as_text(new.text if new.text is not None else new.value),
        numerator=as_text(new.numerator),
        denominator=as_text(new.denominator),
        comment=new.comment,
        **common,  # type: ignore[arg-type]
    )


def paste_start(columns: list[int], column: int) -> int:
    """Where in a row's input columns a pasted line starts, given the current column."""
    if column in columns:
        return columns.index(column)
    return 0 if column != COL_COMMENT else len(columns) - 1


def cell_ref(place: GridPlace, entry: EntryRow) -> CellRef:
    assert entry.indicator is not None and entry.combo is not None
    return CellRef(
        place.programme_code,
        place.site_code,
        place.period,
        entry.indicator.code,
        tuple(entry.combo.options.items()),
        entry.key,
        entry.label,
    )


def verb_of(old: CellContent | None, new: CellContent | None) -> str:
    if new is None:
        return "Clear"
    if old is not None and old.same_value(new):
        return "Comment on"
    return "Enter" if old is None else "Change"


def saved_text(verb: str, ref: CellRef, info: ValueInfo | None) -> str:
    """'Saved 1.1 · Female at 14:02:05', and any warning the value carries."""
    text = f"{verb} {ref.label} at {datetime.now().strftime('%H:%M:%S')}"
    if info is not None and info.is_flagged:
        warnings = "; ".join(WARNING_TEXT.get(w, w) for w in info.warnings)
        text += f" — warning: {warnings}; add a comment to explain it (Ctrl+M)"
    return text

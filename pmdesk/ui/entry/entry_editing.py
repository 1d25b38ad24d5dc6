# SPDX-License-Identifier: GPL-3.0-or-later
"""What happens to what the user types in the data-entry grid: saved through DataEntryService at
once, shown as saved only once the service returned, refused cells marked, undoable; input the
database could not take (locked, disk full) kept on screen as not saved, and retried. The writes
themselves, as plain data, are in entry_writes.py."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from pmdesk.domain.enums import Measure
from pmdesk.domain.errors import PmdeskError, StorageError
from pmdesk.ui.entry.entry_cells import (
    COL_COMMENT,
    COL_DENOMINATOR,
    COL_NUMERATOR,
    COL_VALUE,
    ENTRY_COLUMNS,
    half_ratio_text,
)
from pmdesk.ui.entry.entry_commands import CellContent, CellEditCommand, CellRef, EntryWriter
from pmdesk.ui.entry.entry_rows import RowKind
from pmdesk.ui.entry.entry_table_model import EntryTableModel
from pmdesk.ui.entry.entry_writes import (
    MAX_PASTE_CELLS,
    GridPlace,
    Outcome,
    PastePlan,
    PasteResult,
    PlannedWrite,
    as_text,
    cell_ref,
    message_of,
    parse_block,
    paste_start,
    place_key,
    read_numbers,
    saved_text,
    unsaved_input,
    verb_of,
    waiting_key,
    write_all,
)
from pmdesk.ui.unsaved import PendingWrite, PendingWrites

if TYPE_CHECKING:
    from pmdesk.services.data_entry import DataEntryService
    from pmdesk.services.value_info import ValueInfo
    from pmdesk.ui.entry.entry_rows import EntryRow


class EntryEditing(QObject):
    saved = Signal(str)  # a line for the status bar, once the service returned
    refused = Signal(str)  # why an input or an undo was not saved
    changed = Signal()  # something was written: tell the other screens
    cell_elsewhere = Signal(object)  # CellRef: an undo or redo touched a cell not on screen
    cell_touched = Signal(object)  # CellRef: an undo or redo touched this cell on screen

    def __init__(
        self, service: DataEntryService, model: EntryTableModel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._writer = EntryWriter(service)
        self._model = model
        self.stack = QUndoStack(self)
        self.place: GridPlace | None = None
        # Input the database did not take, of every site, period and programme: it stays until
        # saved or dropped by the user, whatever the grid shows meanwhile.
        self.unsaved = PendingWrites(self)
        self.unsaved.saved.connect(self._on_retry_saved)
        self.unsaved.refused.connect(self._on_retry_refused)
        self.unsaved.changed.connect(self.show_unsaved)
        model.set_edit_handler(self.commit)

    # -- one cell ---------------------------------------------------------------------------

    def commit(self, row: int, column: int, text: str) -> bool:
        """Save what was typed in one cell; False (and the cell marked) if it was refused."""
        entry = self._model.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL or self.place is None:
            return False
        return self._save(row, entry, {column: text.strip()}, text)

    def clear(self, row: int, column: int) -> bool:
        """Delete: the value (from a value column) or the comment (from the Comment column)."""
        entry = self._model.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL or self.place is None:
            return False
        if column not in (*ENTRY_COLUMNS, COL_COMMENT):
            return False
        if column in ENTRY_COLUMNS and self._model.pending_of(row):
            for half in (COL_NUMERATOR, COL_DENOMINATOR):
                self._model.set_pending(row, half, None)
            return True
        waiting = self._waiting(entry)
        if waiting is not None and column in ENTRY_COLUMNS:
            # Delete empties the cell: what was typed there goes, and so does any saved value.
            self._drop_waiting(entry)
            if entry.value is None:
                self.saved.emit(f"{entry.label}: the value typed there, not saved, is dropped")
                return True
        if entry.value is None and waiting is None:
            return False
        if entry.is_locked:
            self.refused.emit(f"{entry.label}: {self._model.read_only_reason(row, column)}")
            return False
        if column == COL_COMMENT:
            return self._save(row, entry, {COL_COMMENT: ""}, "")
        if entry.value is None:
            return True
        # A value that blocks another (a total beside values per option) may be cleared: that is
        # the way out the message suggests.
        target = COL_NUMERATOR if entry.measure is Measure.PERCENT else COL_VALUE
        return self._save(row, entry, {target: ""}, "")

    def set_comment(self, row: int, comment: str) -> bool:
        entry = self._model.row_at(row)
        if entry is None or entry.kind is not RowKind.CELL or self.place is None:
            return False
        reason = self._model.read_only_reason(row, COL_COMMENT)
        if reason:
            self.refused.emit(f"{entry.label}: {reason}")
            return False
        return self._save(row, entry, {COL_COMMENT: comment.strip()}, comment)

    # -- a block from a spreadsheet ----------------------------------------------------------

    def plan_paste(self, row: int, column: int, text: str) -> PastePlan:
        """What pasting `text` at (row, column) would write: cells downward (skipping computed
        totals) and rightward; cells that cannot take it are marked and reported."""
        plan = PastePlan()
        block = parse_block(text)
        if not block or self.place is None:
            return plan
        if sum(len(line) for line in block) > MAX_PASTE_CELLS:
            plan.problems.append(f"The block has more than {MAX_PASTE_CELLS:,} cells; nothing was pasted")
            return plan
        rows = self._paste_rows(row)
        for n, line in enumerate(block):
            if n >= len(rows):
                plan.ignored_lines += 1
                continue
            target = rows[n]
            columns = self._model.input_columns(target)
            columns = columns[paste_start(columns, column) :]
            fields: dict[int, str] = {}
            for i, cell in enumerate(line):
                if i >= len(columns):
                    plan.ignored_cells += sum(1 for c in line[i:] if c.strip())
                    break
                if cell.strip():  # an empty cell in the block leaves the grid's cell as it is
                    fields[columns[i]] = cell.strip()
            entry = self._model.row_at(target)
            if fields and entry is not None:
                planned = self._paste_row(target, entry, fields)
                if isinstance(planned, str):
                    plan.problems.append(planned)
                elif planned is not None:
                    plan.writes.append(planned)
        return plan

    def finish_paste(self, plan: PastePlan, outcomes: Sequence[Outcome]) -> PasteResult:
        """Show what the writes of a paste did, as one undo step; writes left out (the user
        cancelled) are counted as such."""
        result = PasteResult(
            problems=list(plan.problems),
            ignored_lines=plan.ignored_lines,
            ignored_cells=plan.ignored_cells,
            cancelled=len(plan.writes) - len(outcomes),
        )
        commands = []
        for write, outcome in zip(plan.writes, outcomes):
            if isinstance(outcome, StorageError):
                self._hold(write, outcome)
                result.held += 1
                continue
            done = self._apply(write, outcome)
            if isinstance(done, str):
                result.problems.append(done)
            else:
                commands.append(done)
        result.saved = len(commands)
        if commands:
            self.stack.beginMacro(f"Paste {len(commands)} values")
            for command in commands:
                self.stack.push(command)
            self.stack.endMacro()
            self.changed.emit()
            self.unsaved.retry_soon()
        return result

    def paste(self, row: int, column: int, text: str) -> PasteResult:
        """Plan, write and show a paste at once (small blocks; the screen runs big ones as a job)."""
        plan = self.plan_paste(row, column, text)
        return self.finish_paste(plan, write_all(self._writer, plan.writes))

    @property
    def writer(self) -> EntryWriter:
        return self._writer

    def _paste_rows(self, row: int) -> list[int]:
        first = self._model.row_at(row)
        rows = [row] if first is not None and first.kind is RowKind.CELL else []
        for r in range(row + 1, self._model.rowCount()):
            entry = self._model.row_at(r)
            if entry is not None and entry.is_entry_row:
                rows.append(r)
        return rows

    def _paste_row(self, row: int, entry: EntryRow, fields: dict[int, str]) -> PlannedWrite | str | None:
        for column in fields:
            reason = self._model.read_only_reason(row, column)
            if reason and not (column == COL_COMMENT and entry.value is None and len(fields) > 1):
                return f"{entry.label}: {reason}"
        comment = fields.pop(COL_COMMENT, None)
        if fields and comment is not None:
            fields[COL_COMMENT] = comment
        elif comment is not None:
            fields = {COL_COMMENT: comment}
        planned = self._prepare(row, entry, fields, "\t".join(fields.values()), pasting=True)
        if planned is _PENDING:
            missing = "denominator" if COL_DENOMINATOR not in self._model.pending_of(row) else "numerator"
            return f"{entry.label}: {half_ratio_text(missing)}"
        return planned  # type: ignore[return-value]

    # -- saving -----------------------------------------------------------------------------

    def _save(self, row: int, entry: EntryRow, fields: dict[int, str], typed: str) -> bool:
        """Save one cell's input now; False (the cell marked, `refused` emitted) if refused."""
        planned = self._prepare(row, entry, fields, typed, pasting=False)
        if isinstance(planned, str):
            self.refused.emit(planned)
            return False
        if not isinstance(planned, PlannedWrite):
            return True  # nothing to write, or half a ratio kept until the other half comes
        outcome = write_all(self._writer, [planned])[0]
        if isinstance(outcome, StorageError):
            self._hold(planned, outcome)
            # True: the input is kept (not the user's to fix), so the cursor moves on as usual.
            self.saved.emit(
                f"{planned.ref.label}: not saved yet — kept on screen (see the bar above the grid)"
            )
            return True
        done = self._apply(planned, outcome)
        if isinstance(done, str):
            self.refused.emit(done)
            return False
        self.stack.push(done)
        info = self._model.row_at(self._model.row_of(planned.key))
        self.saved.emit(
            saved_text(
                "Saved" if planned.new is not None else "Cleared", planned.ref, info.value if info else None
            )
        )
        self.changed.emit()
        self.unsaved.retry_soon()  # the database took this one: the cause has gone
        return True

    def _prepare(
        self, row: int, entry: EntryRow, fields: dict[int, str], typed: str, *, pasting: bool
    ) -> PlannedWrite | str | _Pending | None:
        """The write that turns `fields` ({column: text}; '' clears) into the cell's new content;
        None when there is nothing to write, a message when refused (the cell is marked)."""
        old = CellContent.of(entry.value)
        waiting = self._waiting(entry)
        # What the cell shows: input not saved yet, else the saved value. A comment or half a
        # ratio typed now completes that.
        shown = waiting.new if waiting is not None else old
        column = next(iter(fields))
        fields, refusal = read_numbers(entry.measure, fields)
        if refusal is not None:
            self._model.set_error(row, refusal[0], refusal[1], typed)
            return f"{entry.label}: {refusal[1]}"
        if set(fields) == {COL_COMMENT}:
            if shown is None:
                message = "enter a value first: a comment belongs to a value"
                self._model.set_error(row, column, message, typed)
                return f"{entry.label}: {message}"
            new: CellContent | None = shown.with_comment(fields[COL_COMMENT])
        else:
            comment = fields.get(COL_COMMENT, shown.comment if shown is not None else "")
            proposed = self._content(row, entry, fields, comment, shown, quiet=pasting)
            if isinstance(proposed, _Pending):
                return proposed
            new = proposed
        if new is None and old is None:
            self._model.clear_error(row, column)
            self._drop_waiting(entry)
            return None
        if new is not None and old is not None and old.same_value(new) and old.comment == new.comment:
            self._model.clear_error(row, column)
            self._drop_waiting(entry)  # typed back what is saved: what waited is replaced by it
            return None  # typed what was there: nothing to save, no undo step
        assert self.place is not None
        return PlannedWrite(entry.key, column, cell_ref(self.place, entry), old, new, typed)

    def _apply(self, write: PlannedWrite, outcome: Outcome) -> CellEditCommand | str:
        """Show the outcome of a write: the saved value, or the refusal on the cell."""
        if isinstance(outcome, PmdeskError):
            # A newer input replaces what waited in the cell, even when it is refused.
            self.unsaved.discard(waiting_key(write.ref))
            self._model.set_unsaved(write.key, None)
            row = self._model.row_of(write.key)
            self._model.set_error(row, write.column, message_of(outcome), write.typed)
            return f"{write.ref.label}: {message_of(outcome)} — not saved"
        self.unsaved.discard(waiting_key(write.ref))
        self._model.apply_value(write.key, outcome)
        return self._command(write)

    def _command(self, write: PlannedWrite) -> CellEditCommand:
        verb = verb_of(write.old, write.new)
        return CellEditCommand(
            self._writer,
            write.ref,
            write.old,
            write.new,
            self._on_applied,
            self._on_failed,
            f"{verb} {write.ref.label}",
        )

    def _content(
        self,
        row: int,
        entry: EntryRow,
        fields: dict[int, str],
        comment: str,
        shown: CellContent | None,
        *,
        quiet: bool,
    ) -> CellContent | _Pending | None:
        """The new content (None: clear the value), or _PENDING when half a ratio is missing;
        the half not typed now is the one the cell shows (`shown`)."""
        measure = entry.measure
        if measure is Measure.PERCENT:
            halves = {c: t for c, t in fields.items() if c in (COL_NUMERATOR, COL_DENOMINATOR)}
            if any(not t for t in halves.values()):
                for c in halves:
                    self._model.set_pending(row, c, None)
                return None  # emptying a half of a saved ratio clears the value
            pending = self._model.pending_of(row)
            numerator = halves.get(COL_NUMERATOR) or pending.get(COL_NUMERATOR)
            denominator = halves.get(COL_DENOMINATOR) or pending.get(COL_DENOMINATOR)
            if shown is not None:
                numerator = numerator or as_text(shown.numerator) or None
                denominator = denominator or as_text(shown.denominator) or None
            if numerator is None or denominator is None:
                for c, t in halves.items():
                    self._model.set_pending(row, c, t)
                    self._model.clear_error(row, c)
                if not quiet:
                    missing = "denominator" if denominator is None else "numerator"
                    self.saved.emit(f"{entry.label}: {half_ratio_text(missing)}")
                return _PENDING
            return CellContent(numerator=numerator, denominator=denominator, comment=comment)
        text = fields.get(COL_VALUE, "")
        if not text.strip():
            return None
        if measure is Measure.QUALITATIVE:
            return CellContent(text=text, comment=comment)
        return CellContent(value=text.strip(), comment=comment)

    # -- input the database did not take ----------------------------------------------------

    def _hold(self, write: PlannedWrite, error: StorageError) -> None:
        """Keep a write the database refused for now, shown in its cell as not saved."""
        ref = write.ref
        where = f"{ref.site_code} {ref.period}"
        typed = write.typed.replace("\t", " ").strip() or "(cleared)"
        self.unsaved.enqueue(
            waiting_key(ref),
            partial(self._writer.write, ref, write.old, write.new),
            f"{ref.label}, {where}: {typed}",
            error,
            write,
        )

    def show_unsaved(self) -> None:
        """Mark the cells of the grid on screen that hold input not saved yet (after a reload,
        or when the reason changed)."""
        for item in self.unsaved.writes():
            write = item.payload
            assert isinstance(write, PlannedWrite)
            if self._is_here(write.ref):
                self._model.set_unsaved(write.key, unsaved_input(write, item))

    def _waiting(self, entry: EntryRow) -> PlannedWrite | None:
        if self.place is None or entry.kind is not RowKind.CELL:
            return None
        item = self.unsaved.get((*place_key(self.place), entry.key))
        return item.payload if item is not None else None  # type: ignore[return-value]

    def _drop_waiting(self, entry: EntryRow) -> None:
        if self.place is not None and self.unsaved.discard((*place_key(self.place), entry.key)):
            self._model.set_unsaved(entry.key, None)

    def _is_here(self, ref: CellRef) -> bool:
        place = self.place
        return place is not None and (ref.programme_code, ref.site_code, ref.period) == place_key(place)

    def _on_retry_saved(self, item: PendingWrite, info: ValueInfo | None) -> None:
        write = item.payload
        assert isinstance(write, PlannedWrite)
        if self._is_here(write.ref):
            self._model.apply_value(write.key, info)
        if self.place is not None and write.ref.programme_code == self.place.programme_code:
            # The undo step of the input, now that it is saved; another programme's input has
            # none, since this stack holds only the programme on screen.
            self.stack.push(self._command(write))
        self.saved.emit(saved_text("Saved" if write.new is not None else "Cleared", write.ref, info))
        self.changed.emit()

    def _on_retry_refused(self, item: PendingWrite, error: Exception) -> None:
        write = item.payload
        assert isinstance(write, PlannedWrite)
        message = (
            message_of(error)
            if isinstance(error, PmdeskError)
            else f"unexpected error ({type(error).__name__}); the details are in the log file"
        )
        if self._is_here(write.ref):
            self._model.set_unsaved(write.key, None)
            self._model.set_error(self._model.row_of(write.key), write.column, message, write.typed)
        self.refused.emit(f"{write.ref.label}: {message} — not saved")

    # -- undo and redo ----------------------------------------------------------------------

    def _on_applied(self, ref: CellRef, info: ValueInfo | None, verb: str) -> None:
        if self.place is not None and (ref.site_code, ref.period) == (
            self.place.site_code,
            self.place.period,
        ):
            self._model.apply_value(ref.key, info)
            self.cell_touched.emit(ref)
        else:
            self.cell_elsewhere.emit(ref)
        self.saved.emit(saved_text(verb, ref, info))
        self.changed.emit()

    def _on_failed(self, ref: CellRef, exc: PmdeskError) -> None:
        self.refused.emit(f"Could not take back the change to {ref.label}: {message_of(exc)}")


class _Pending:
    """Marker: half a ratio was typed and is kept until the other half arrives."""


_PENDING = _Pending()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading the data-entry grid off the UI thread (issue #11 §2): one read at a time, only the
latest answer shown, a value written during a read reads again, and what waits for the grid
(navigation to a cell, Ctrl+5) runs once it is there."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from pmdesk.domain.errors import PmdeskError
from pmdesk.ui.loading import Loader

if TYPE_CHECKING:
    from pmdesk.services.entry_grid import EntryGrid, EntryGridService
    from pmdesk.ui.entry.entry_table_view import CursorMemo
    from pmdesk.ui.workers import Workers


# A grid read records the option combinations it shows for the first time, so it may write. A
# replaced read is not stopped (only its answer is dropped): without this lock it and the read
# that replaced it would both wait on SQLite's write lock, and the later one could give up.
_ONE_READ_AT_A_TIME = threading.Lock()


def read_grid(service: EntryGridService, code: str, site: str, period: str) -> EntryGrid | PmdeskError:
    """The load job, on a pool thread: a refusal comes back as the answer, for the screen to say
    (a grid that could not be read again stays as it was)."""
    with _ONE_READ_AT_A_TIME:
        try:
            return service.grid(code, site, period)
        except PmdeskError as exc:
            return exc


@dataclass(frozen=True)
class GridRequest:
    """The grid asked for, and how the cursor lands in it once it is read."""

    code: str
    site: str
    period: str
    memo: CursorMemo | None  # the cursor to come back to
    is_new_place: bool  # another site or period: start at the top
    is_other_site: bool  # another site: start at its first empty cell


class EntryGridReads(QObject):
    """The read under way, the writes made meanwhile and the actions waiting for the grid."""

    # (EntryGrid | PmdeskError, GridRequest | None, list of waiting actions): the latest read is done
    answered = Signal(object, object, object)
    failed = Signal(str)  # the latest read failed, in words; nothing waits any more

    def __init__(self, workers: Workers, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loader = Loader(workers, "The values", self)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_failed)
        self._service: EntryGridService | None = None
        self._request: GridRequest | None = None
        self._writes = 0  # values written from the screen: one during a read makes it read again
        self._writes_at_request = 0
        self._after_load: list[Callable[[], None]] = []

    @property
    def is_loading(self) -> bool:
        return self.loader.is_loading

    @property
    def pending(self) -> GridRequest | None:
        """The grid being read, if a read is under way."""
        return self._request if self.loader.is_loading else None

    def read(self, service: EntryGridService, request: GridRequest) -> None:
        self._service = service
        self._request = request
        self._read()

    def _read(self) -> None:
        assert self._service is not None and self._request is not None
        self._writes_at_request = self._writes
        request = self._request
        self.loader.load(
            read_grid, self._service, request.code, request.site, request.period, name="entry grid"
        )

    def note_write(self) -> None:
        self._writes += 1

    def when_loaded(self, action: Callable[[], None]) -> None:
        """Now, or once the grid under way is read (a cell is found in the grid it is in)."""
        if self.loader.is_loading:
            self._after_load.append(action)
        else:
            action()

    def cancel(self) -> None:
        """Nothing to read any more: the answer under way is dropped, and what waited for it."""
        self.loader.cancel()
        self._request = None
        self._after_load.clear()

    def _on_failed(self, message: str) -> None:
        self._request = None
        self._after_load.clear()
        self.failed.emit(message)

    def _on_loaded(self, result: EntryGrid | PmdeskError) -> None:
        if self._request is not None and self._writes != self._writes_at_request:
            # A value was saved in the grid on screen while this one was read: it may not show it.
            self._read()
            return
        request, self._request = self._request, None
        waiting, self._after_load = self._after_load, []
        self.answered.emit(result, request, waiting)

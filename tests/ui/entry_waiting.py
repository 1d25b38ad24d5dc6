# SPDX-License-Identifier: GPL-3.0-or-later
"""The data-entry grid is read on a worker (issue #11 §2): tests wait for it as a user would."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtTest import QTest

if TYPE_CHECKING:
    from pmdesk.ui.entry.data_entry_screen import DataEntryScreen

TIMEOUT_SECONDS = 10.0


def wait_for_grid(screen: DataEntryScreen) -> None:
    """Until the grid asked for last is read and shown (at once if none is being read)."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while screen.is_busy:
        assert time.monotonic() < deadline, "the grid was not read in time"
        QTest.qWait(5)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Python's cyclic garbage collector, run on the UI thread only.

Python collects cycles in whichever thread happens to allocate when a threshold is crossed, a
worker's included. Garbage that holds a Qt widget (a dialog in a reference cycle, say) is then
deleted off the UI thread, and Qt crashes a while later. With automatic collection off and a
timer collecting on the UI thread, widgets always die where they were made.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class UiThreadCollector(QObject):
    """While started: automatic collection off, the same generational thresholds checked on a
    timer of the UI thread. `stop` puts automatic collection back as it was."""

    def __init__(self, interval_ms: int = 500, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = True  # what `start` found, for `stop` to put back
        self.collections = [0, 0, 0]  # per generation, for tests and the log
        self._frozen = False

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._frozen:  # what was set aside is collectable again, as before `start`
            self._frozen = False
            gc.unfreeze()
        self.collect_due()
        if self._was_enabled:
            gc.enable()

    def freeze_survivors(self) -> None:
        """Set aside from collection every object alive now (call once the window is set up):
        the modules, Qt's wrappers and the ORM's metadata live as long as the process, and a
        full collection scanning them all held the UI thread 60–80 ms (issue #11 §2). Later
        collections scan only what came since. Objects set aside are still freed when their
        last reference goes; only a cycle among them would stay."""
        if not self._frozen:
            self._frozen = True
            gc.freeze()

    def collect_due(self) -> None:
        """Collect the oldest generation whose count passed its threshold, as gc itself would."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                self.collections[generation] += 1
                return

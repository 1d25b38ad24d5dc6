# SPDX-License-Identifier: GPL-3.0-or-later
"""The one app-wide signal that tells screens the data changed, so they never call each other."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True)
class DataChange:
    """What changed: a kind ("programmes", "values", "targets", "framework", "sites" …) and,
    when it concerns one programme, its code (None: possibly every programme)."""

    kind: str
    programme_code: str | None = None

    def concerns(self, programme_code: str | None) -> bool:
        return self.programme_code is None or self.programme_code == programme_code


@dataclass(frozen=True)
class Navigation:
    """A request to show something: a screen (by its `name`), for a programme, optionally a site,
    period or indicator. Screens ask the shell; they never reach into each other."""

    screen: str
    programme_code: str | None = None
    site_code: str | None = None
    period: str | None = None
    indicator_code: str | None = None
    record_uuid: str | None = None  # one record the screen shows: an alert, a meeting, an action …


class AppSignals(QObject):
    """Created once by app.py and handed to the screens that emit or listen."""

    data_changed = Signal(object)  # DataChange
    navigation_requested = Signal(object)  # Navigation

    def navigate(self, target: Navigation) -> None:
        self.navigation_requested.emit(target)

    def announce(self, kind: str, programme_code: str | None = None) -> None:
        self.data_changed.emit(DataChange(kind, programme_code))

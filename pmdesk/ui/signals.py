# SPDX-License-Identifier: GPL-3.0-or-later
"""The one app-wide signal that tells screens the data changed, so they never call each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import QObject, Signal


class ChangeKind(StrEnum):
    """What kind of data a notice is about. A StrEnum, so a notice compares equal to the word
    ("values") it replaced; an unknown word is refused when the notice is made, not ignored."""

    PROGRAMMES = "programmes"
    FRAMEWORK = "framework"
    SITES = "sites"
    PEOPLE = "people"
    TARGETS = "targets"
    VALUES = "values"
    ALERTS = "alerts"
    MEETINGS = "meetings"
    ACTIONS = "actions"
    LESSONS = "lessons"
    FEEDBACK = "feedback"
    EXPLANATIONS = "explanations"  # variance explanations


@dataclass(frozen=True)
class DataChange:
    """A notice that data changed: its kind, the programme it concerns (None: possibly every
    programme) and its origin, the object that made the change (like Anki's initiator of an
    operation): a screen reacts to other screens' changes and leaves its own alone, without flags."""

    kind: ChangeKind
    programme_code: str | None = None
    origin: object | None = field(default=None, compare=False)

    def concerns(self, programme_code: str | None) -> bool:
        return self.programme_code is None or self.programme_code == programme_code

    def made_by(self, origin: object) -> bool:
        return self.origin is not None and self.origin is origin


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

    def announce(
        self, kind: ChangeKind | str, programme_code: str | None = None, origin: object | None = None
    ) -> None:
        """Tell every screen that data of `kind` changed; `origin` is who changed it (a screen
        passes itself, so that it can recognise its own notice)."""
        self.data_changed.emit(DataChange(ChangeKind(kind), programme_code, origin))

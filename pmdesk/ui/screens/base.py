# SPDX-License-Identifier: GPL-3.0-or-later
"""What every page of the main window offers the shell: a title, the current programme, undo, find,
and the input it holds that is not saved yet."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QShowEvent, QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QWidget

from pmdesk.ui.context import UiContext
from pmdesk.ui.signals import DataChange, Navigation


class Screen(QWidget):
    """A page in the sidebar. Subclasses set `title`, build their layout in code and override
    `set_programme` and `refresh`; they listen to the app-wide data_changed signal through
    `on_data_changed` and never call another screen."""

    status_message = Signal(str)  # a passing note for the window's status bar ("Saved …")

    title = ""  # shown in the sidebar
    name = ""  # what Navigation.screen calls it: "programmes", "framework", "sites", "targets", "entry",
    # "completeness", "iptt"

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.services = context.services
        self.programme_code: str | None = None
        # The window's state file (a folder last used, say), handed over by the shell; None alone.
        self.settings: QSettings | None = None
        self._refresh_pending = False
        context.signals.data_changed.connect(self._on_data_changed)

    def set_programme(self, code: str | None) -> None:
        """The shell's current programme changed (None: there is none)."""
        self.programme_code = code
        self.refresh_when_shown()

    def refresh(self) -> None:
        """Read what the screen shows from the services again."""

    def refresh_when_shown(self) -> None:
        """Refresh now if the screen is on view, else the next time it is shown. Hidden screens
        do no work: on a programme of 150 indicators and a million values, the screens behind
        the IPTT once held the UI thread for a second and slowed its computation threefold."""
        if self.isVisible():
            self._refresh_pending = False
            self.refresh()
        else:
            self._refresh_pending = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._refresh_pending:
            self._refresh_pending = False
            self.refresh()

    def on_data_changed(self, change: DataChange) -> None:
        """React to a change made elsewhere; by default refresh when it concerns this programme
        (when next shown, if it is hidden)."""
        if change.concerns(self.programme_code):
            self.refresh_when_shown()

    def navigate(self, target: Navigation) -> None:
        """Show what `target` names (a site, period, indicator); the shell has already set the
        programme and raised this screen."""
        del target

    def focus_first(self) -> None:
        """Put the keyboard focus where work here starts; the shell calls it when the screen is
        shown by its Ctrl+number or Go to screen…. By default: the screen's first list, table or
        tree, where the arrow keys move through what it shows (not a filter or a button a few
        Tabs before it); a screen without one, its first widget that takes Tab."""
        takers: list[QWidget] = []
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if (
                self.isAncestorOf(widget)
                and widget.isVisible()
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                takers.append(widget)
            widget = widget.nextInFocusChain()
        views = [w for w in takers if isinstance(w, QAbstractItemView)]
        first = views[0] if views else takers[0] if takers else None
        if first is not None:
            first.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def undo_stack(self) -> QUndoStack | None:
        """The screen's undo stack, for Edit ▸ Undo/Redo (None: nothing to undo here)."""
        return None

    def find_text(self, text: str) -> bool:
        """Edit ▸ Find: select the next item matching `text`; False if there is none."""
        del text
        return False

    def commit_open_editor(self) -> None:
        """Take what is being typed in a cell as typed (the screen is about to go away)."""

    def unsaved_count(self) -> int:
        """How many inputs typed here the database has not taken yet (locked, disk full)."""
        return 0

    def unsaved_reason(self) -> str:
        """Why they are not saved, in plain words ('' when nothing waits)."""
        return ""

    def retry_unsaved(self) -> bool:
        """Try to save them now; True when none is left."""
        return True

    def discard_unsaved(self) -> None:
        """Forget them: the user chose to lose them (closing the window anyway)."""

    def _on_data_changed(self, change: object) -> None:
        if isinstance(change, DataChange):
            self.on_data_changed(change)

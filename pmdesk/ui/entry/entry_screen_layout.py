# SPDX-License-Identifier: GPL-3.0-or-later
"""The widgets of the data-entry screen and where they sit: the place bar and the tools above the
grid, the grid beside the history panel (or the empty message in its place), and under it the
unsaved-values banner, the problem bar and the status line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pmdesk.ui.entry.entry_history_panel import EntryHistoryPanel
from pmdesk.ui.entry.entry_place_bar import EntryPlaceBar
from pmdesk.ui.entry.entry_style import ERROR_COLOUR, TEXT_ON_COLOUR
from pmdesk.ui.entry.entry_table_view import EntryTableView
from pmdesk.ui.entry.entry_workflow import EntryWorkflowBar
from pmdesk.ui.widgets.elided_label import ElidedLabel
from pmdesk.ui.widgets.notes_fold import NotesFold
from pmdesk.ui.widgets.unsaved_banner import UnsavedBanner

if TYPE_CHECKING:
    from pmdesk.ui.entry.data_entry_screen import DataEntryScreen

START_HINT = "Type to enter a value · Enter saves and moves down · Tab moves right · Ctrl+Z undoes"


def build_layout(screen: DataEntryScreen) -> None:
    """Makes the screen's widgets (its model and editing are made first) and lays them out."""
    screen.heading = QLabel("", screen)
    screen.summary_label = ElidedLabel("", screen, Qt.TextElideMode.ElideRight)
    screen.place_bar = EntryPlaceBar(screen)
    screen.workflow = EntryWorkflowBar(screen.services.entry, screen)
    screen.comment_button = QPushButton("&Comment…", screen)
    screen.comment_button.setToolTip(
        "Comment on the selected value (Ctrl+M); a comment clears its warning flag"
    )
    screen.history_button = QToolButton(screen)
    screen.history_button.setText("Histor&y")
    screen.history_button.setCheckable(True)
    screen.history_button.setChecked(True)
    screen.history_button.setToolTip("Show or hide the selected cell's details and history")
    tools = QHBoxLayout()
    tools.setContentsMargins(0, 0, 0, 0)
    tools.addWidget(screen.workflow)
    tools.addSpacing(12)
    tools.addWidget(screen.comment_button)
    tools.addSpacing(12)
    tools.addWidget(screen.summary_label, 1)  # beside the buttons: the heading folds away
    tools.addWidget(screen.history_button)

    screen.message_label = QLabel("", screen)
    screen.message_label.setWordWrap(True)
    screen.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    screen.message_label.setStyleSheet(
        f"background: {ERROR_COLOUR}; color: {TEXT_ON_COLOUR}; padding: 5px; border-radius: 3px;"
    )
    screen.message_label.setAccessibleName("Problem")
    screen.message_label.hide()
    screen.unsaved_banner = UnsavedBanner(screen.editing.unsaved, screen)
    screen.unsaved_banner.install_shortcut(screen)

    screen.view = EntryTableView(screen)
    screen.view.setModel(screen.model)
    screen.view.undo_stack = screen.editing.stack
    screen.view.verticalHeader().hide()
    for header in (screen.view.verticalHeader(), screen.view.frozen_view.verticalHeader()):
        # One height for every row: nothing to measure, so 800 rows lay out at once.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    screen.view.horizontalHeader().setStretchLastSection(True)
    screen.view.setWordWrap(False)  # but option labels wrap (the delegate) and so do names
    screen.view.setAccessibleName("Values of the selected site and period")
    screen.history_panel = EntryHistoryPanel(screen.services.history, screen)
    screen.splitter = QSplitter(Qt.Orientation.Horizontal, screen)
    screen.splitter.addWidget(screen.view)
    screen.splitter.addWidget(screen.history_panel)
    screen.splitter.setStretchFactor(0, 1)
    screen.splitter.setStretchFactor(1, 0)
    screen.splitter.setChildrenCollapsible(False)

    screen.empty_label = QLabel("", screen)
    screen.empty_label.setWordWrap(True)
    screen.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    screen.empty_button = QPushButton("", screen)
    empty = QWidget(screen)
    empty_layout = QVBoxLayout(empty)
    empty_layout.addStretch(1)
    empty_layout.addWidget(screen.empty_label)
    empty_layout.addWidget(screen.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
    empty_layout.addStretch(2)
    screen.stack = QStackedWidget(screen)
    screen.stack.addWidget(screen.splitter)
    screen.stack.addWidget(empty)
    screen.empty_page = empty

    screen.status_label = QLabel(START_HINT, screen)
    screen.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    screen.status_label.setWordWrap(True)  # read whole on a small screen or at a large zoom
    screen.status_label.setAccessibleName("Last saved")

    layout = QVBoxLayout(screen)
    layout.setContentsMargins(6, 6, 6, 4)
    layout.setSpacing(4)
    screen.controls = QWidget(screen)
    controls = QVBoxLayout(screen.controls)
    controls.setContentsMargins(0, 0, 0, 0)
    controls.setSpacing(4)
    controls.addWidget(screen.place_bar)
    controls.addLayout(tools)
    layout.addWidget(screen.heading)
    layout.addWidget(screen.controls)
    layout.addWidget(screen.stack, 1)
    # Under the grid, beside the status line: a message or the unsaved-values banner that
    # comes and goes does not move the rows the user is typing in (issue #7 §2).
    layout.addWidget(screen.unsaved_banner)
    layout.addWidget(screen.message_label)
    layout.addWidget(screen.status_label)
    # On a short screen the heading goes: the pickers say the same, and the rows need the room.
    screen.heading_fold = NotesFold(screen, screen.view, (screen.heading,), None)

    apply_fonts(screen)


def apply_fonts(screen: DataEntryScreen) -> None:
    """The heading a size up, and rows as tall as the font needs (again after a zoom)."""
    heading = QFont(screen.font())
    heading.setBold(True)
    if heading.pointSizeF() > 0:
        heading.setPointSizeF(heading.pointSizeF() * 1.2)
    screen.heading.setFont(heading)
    screen.message_label.setFont(screen.font())  # a widget with a style sheet misses font changes
    metrics = screen.view.fontMetrics()
    height = metrics.height() + max(8, metrics.height() // 2)
    for header in (screen.view.verticalHeader(), screen.view.frozen_view.verticalHeader()):
        header.setDefaultSectionSize(height)

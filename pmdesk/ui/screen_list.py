# SPDX-License-Identifier: GPL-3.0-or-later
"""The screens of the sidebar, in the order work flows: set up, enter, check, report."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from pmdesk.ui.context import UiContext
    from pmdesk.ui.screens.base import Screen


def build_screens(context: UiContext, parent: QWidget) -> list[Screen]:
    """The sidebar, in the order work flows: set up, enter, check, report."""
    return [kind(context, parent) for kind in screen_kinds()]


def screen_kinds() -> tuple[type[Screen], ...]:
    """The screens' classes, in sidebar order. Importing their modules is most of the time the
    window takes to build its screens (some 100 modules): app.py calls this on the worker that
    opens the database, so that the UI thread only makes the widgets (issue #11 §2 and §5)."""
    from pmdesk.ui.actions.actions_screen import ActionsScreen
    from pmdesk.ui.actions.scorecards_screen import ScorecardsScreen
    from pmdesk.ui.alerts.alerts_screen import AlertsScreen
    from pmdesk.ui.completeness.completeness_screen import CompletenessScreen
    from pmdesk.ui.dashboard.dashboard_screen import DashboardScreen
    from pmdesk.ui.entry.data_entry_screen import DataEntryScreen
    from pmdesk.ui.framework.framework_screen import FrameworkScreen
    from pmdesk.ui.iptt.iptt_screen import IpttScreen
    from pmdesk.ui.learning.learning_screen import LearningScreen
    from pmdesk.ui.meetings.meetings_screen import MeetingsScreen
    from pmdesk.ui.programmes.programmes_screen import ProgrammesScreen
    from pmdesk.ui.reports.reports_screen import ReportsScreen
    from pmdesk.ui.sites.sites_screen import SitesScreen
    from pmdesk.ui.targets.targets_screen import TargetsScreen

    return (
        ProgrammesScreen,
        FrameworkScreen,
        SitesScreen,
        TargetsScreen,
        DataEntryScreen,
        CompletenessScreen,
        IpttScreen,
        DashboardScreen,
        AlertsScreen,
        ActionsScreen,
        ScorecardsScreen,
        LearningScreen,
        MeetingsScreen,
        ReportsScreen,
    )

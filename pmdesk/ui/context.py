# SPDX-License-Identifier: GPL-3.0-or-later
"""Everything a screen needs, handed over by app.py: the services, the app-wide signals, the workers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmdesk.reports.reporter import Reports
    from pmdesk.services.actions import ActionService
    from pmdesk.services.alerts import AlertService
    from pmdesk.services.completeness import CompletenessService
    from pmdesk.services.dashboard import DashboardService
    from pmdesk.services.data_entry import DataEntryService
    from pmdesk.services.entry_grid import EntryGridService
    from pmdesk.services.framework import FrameworkService
    from pmdesk.services.history import HistoryService
    from pmdesk.services.integrity import IntegrityService
    from pmdesk.services.iptt import IpttService
    from pmdesk.services.learning import LearningService
    from pmdesk.services.logframe_excel import LogframeImporter
    from pmdesk.services.meetings import MeetingService
    from pmdesk.services.packages import PackageService
    from pmdesk.services.programmes import ProgrammeService
    from pmdesk.services.scorecards import ScorecardService
    from pmdesk.services.sites import SiteService
    from pmdesk.services.targets import TargetService
    from pmdesk.services.traceability import TraceabilityService
    from pmdesk.services.values_io import ValuesService
    from pmdesk.services.variance import VarianceService
    from pmdesk.services.working_person import WorkingPersonService
    from pmdesk.ui.signals import AppSignals
    from pmdesk.ui.workers import Workers


@dataclass(frozen=True)
class Services:
    """The services of one open database; app.py builds it once the database is open."""

    database_path: Path
    programmes: ProgrammeService
    framework: FrameworkService
    sites: SiteService
    targets: TargetService
    entry: DataEntryService
    entry_grid: EntryGridService
    completeness: CompletenessService
    iptt: IpttService
    history: HistoryService
    packages: PackageService
    values: ValuesService
    logframe: LogframeImporter
    person: WorkingPersonService  # who is working: named in History and on every value
    alerts: AlertService
    meetings: MeetingService
    actions: ActionService
    traceability: TraceabilityService
    scorecards: ScorecardService
    learning: LearningService
    dashboard: DashboardService  # what the Dashboard shows, read from the services above
    variance: VarianceService  # variance explanations: why an indicator is off track or exceeding
    reports: Reports  # every PDF: donor report, minutes, reference sheets, paper forms
    integrity: IntegrityService  # File ▸ Check database…: the check, and the value summary's repair


@dataclass(frozen=True)
class UiContext:
    """Handed to every screen: no screen finds a service or another screen by itself."""

    services: Services
    signals: AppSignals
    workers: Workers

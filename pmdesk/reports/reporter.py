# SPDX-License-Identifier: GPL-3.0-or-later
"""Every printable file PMDesk makes, reached the same way from a button and from the command line.

`Reports` is built once per open database (app.py for the window, the CLI per command). Each kind of
report is a module of this package with a function that reads through `ReportSources` (the services,
which own the transactions) and lays out a PDF with `pdf_document`; `Reports` only names them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session, sessionmaker

    from pmdesk.domain.iptt_filter import IpttFilter
    from pmdesk.reports.pdf_document import Progress
    from pmdesk.services.actions import ActionService
    from pmdesk.services.actor import Actor
    from pmdesk.services.alerts import AlertService
    from pmdesk.services.completeness import CompletenessService
    from pmdesk.services.disaggregation import DisaggregationService
    from pmdesk.services.entry_grid import EntryGridService
    from pmdesk.services.framework import FrameworkService
    from pmdesk.services.iptt import IpttService
    from pmdesk.services.learning import LearningService
    from pmdesk.services.meetings import MeetingService
    from pmdesk.services.programmes import ProgrammeService
    from pmdesk.services.sites import SiteService
    from pmdesk.services.targets import TargetService
    from pmdesk.services.variance import VarianceService


@dataclass(frozen=True)
class ReportFile:
    """A report written: where, how many pages, and what it is called on its cover."""

    path: Path
    pages: int
    title: str


class ReportSources:
    """The services reports read from, made on first use over one database."""

    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self.sessions = sessions
        self.actor = actor

    @cached_property
    def programmes(self) -> ProgrammeService:
        from pmdesk.services.programmes import ProgrammeService

        return ProgrammeService(self.sessions, self.actor)

    @cached_property
    def framework(self) -> FrameworkService:
        from pmdesk.services.framework import FrameworkService

        return FrameworkService(self.sessions, self.actor)

    @cached_property
    def sites(self) -> SiteService:
        from pmdesk.services.sites import SiteService

        return SiteService(self.sessions, self.actor)

    @cached_property
    def targets(self) -> TargetService:
        from pmdesk.services.targets import TargetService

        return TargetService(self.sessions, self.actor)

    @cached_property
    def iptt(self) -> IpttService:
        from pmdesk.services.iptt import IpttService

        return IpttService(self.sessions)

    @cached_property
    def completeness(self) -> CompletenessService:
        from pmdesk.services.completeness import CompletenessService

        return CompletenessService(self.sessions)

    @cached_property
    def entry_grid(self) -> EntryGridService:
        from pmdesk.services.entry_grid import EntryGridService

        return EntryGridService(self.sessions)

    @cached_property
    def alerts(self) -> AlertService:
        from pmdesk.services.alerts import AlertService

        return AlertService(self.sessions, self.actor)

    @cached_property
    def meetings(self) -> MeetingService:
        from pmdesk.services.meetings import MeetingService

        return MeetingService(self.sessions, self.actor)

    @cached_property
    def actions(self) -> ActionService:
        from pmdesk.services.actions import ActionService

        return ActionService(self.sessions, self.actor)

    @cached_property
    def learning(self) -> LearningService:
        from pmdesk.services.learning import LearningService

        return LearningService(self.sessions, self.actor)

    @cached_property
    def variance(self) -> VarianceService:
        from pmdesk.services.variance import VarianceService

        return VarianceService(self.sessions, self.actor, self.iptt)

    @cached_property
    def disaggregation(self) -> DisaggregationService:
        from pmdesk.services.disaggregation import DisaggregationService

        return DisaggregationService(self.sessions)


class Reports:
    """The reports of one open database. Each method writes one file atomically and returns a
    ReportFile; `progress(done, total, message)` is called as the work goes and may raise to cancel."""

    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self.sources = ReportSources(sessions, actor)

    def minutes(self, meeting_uuid: str, path: Path, progress: Progress | None = None) -> ReportFile:
        """A meeting's minutes: attendees, agenda, notes, decisions, action items, amendments."""
        from pmdesk.reports.minutes_pdf import write_minutes

        return write_minutes(self.sources, meeting_uuid, path, progress)

    def reference_sheets(
        self,
        programme_code: str,
        path: Path,
        indicator_codes: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> ReportFile:
        """Indicator reference sheets (PIRS): one page per indicator, every field, baseline, targets."""
        from pmdesk.reports.reference_sheets_pdf import write_reference_sheets

        return write_reference_sheets(self.sources, programme_code, path, indicator_codes, progress)

    def paper_form(
        self,
        programme_code: str,
        site_code: str,
        period: str,
        path: Path,
        prefilled: bool = False,
        progress: Progress | None = None,
    ) -> ReportFile:
        """The data-entry grid of a site (each site below it, if it has any) and period as a form to
        fill in by hand, blank or with last period's values shown small beside each box."""
        from pmdesk.reports.paper_form_pdf import write_paper_form

        return write_paper_form(self.sources, programme_code, site_code, period, path, prefilled, progress)

    def iptt(
        self,
        programme_code: str,
        path: Path,
        *,
        as_of: str | None = None,
        site_code: str | None = None,
        approved_only: bool = False,
        shown: IpttFilter | None = None,
        progress: Progress | None = None,
    ) -> ReportFile:
        """The IPTT as on the screen (as of, site subtree, approved only) on landscape pages, with
        only the indicators the filter `shown` lets through and a line naming it."""
        from pmdesk.reports.iptt_pdf import write_iptt_report

        return write_iptt_report(
            self.sources,
            programme_code,
            path,
            as_of=as_of,
            site_code=site_code,
            approved_only=approved_only,
            shown=shown,
            progress=progress,
        )

    def donor_report(
        self, programme_code: str, as_of: str | None, path: Path, progress: Progress | None = None
    ) -> ReportFile:
        """The donor report of a programme as of a period (None: the latest complete one): cover,
        contents, status summary with completeness, the IPTT, one section per indicator, alerts,
        the meetings' decisions and actions, lessons and feedback."""
        from pmdesk.reports.donor_report import write_donor_report

        return write_donor_report(self.sources, programme_code, as_of, path, progress)

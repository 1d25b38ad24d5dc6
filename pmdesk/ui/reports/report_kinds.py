# SPDX-License-Identifier: GPL-3.0-or-later
"""The kinds of report the Reports screen offers: a small table of label, description, the options
each needs, the file name it proposes and the call that makes it (the same calls as the CLI's).

A kind whose `Reports` method is not there is not offered, so adding one is one entry here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.domain.errors import PmdeskError
from pmdesk.reports.reporter import ReportFile
from pmdesk.ui.report_files import safe_file_name

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.meetings import MeetingSummary
    from pmdesk.services.sites import SiteInfo
    from pmdesk.ui.context import Services

ProgressFn = Callable[[int, int, str], None]


class Option(StrEnum):
    """An option a kind asks for; each is one row of the screen's form."""

    AS_OF = "as_of"
    MEETING = "meeting"
    INDICATORS = "indicators"
    SITE = "site"
    PERIOD = "period"
    PREFILLED = "prefilled"


@dataclass(frozen=True)
class ReportChoices:
    """What the pickers offer for one programme, read off the UI thread."""

    programme_code: str
    programme_name: str
    periods: tuple[Period, ...]
    latest_complete: str | None  # the IPTT's default as-of period: every expected site reported
    meetings: tuple[MeetingSummary, ...]  # latest first
    indicators: tuple[tuple[str, str], ...]  # (code, name) in the framework's order
    sites: tuple[SiteInfo, ...]

    def period_label(self, code: str | None) -> str:
        return next((p.label() for p in self.periods if p.code == code), code or "")


def load_choices(services: Services, programme_code: str) -> ReportChoices:
    """The job behind the screen's pickers: runs on a pool thread and touches no widget."""
    programme = services.programmes.get(programme_code)
    periods = tuple(services.programmes.periods(programme_code))
    meetings = tuple(services.meetings.list_meetings(programme_code))
    indicators = tuple(
        (info.data.code, info.data.name) for info in services.framework.list_indicators(programme_code)
    )
    sites = tuple(services.sites.list_sites(programme_code))
    latest = services.iptt.table(programme_code).default_as_of if indicators and periods else None
    return ReportChoices(programme.code, programme.name, periods, latest, meetings, indicators, sites)


@dataclass(frozen=True)
class ReportRequest:
    """The options chosen for one report; labels are kept for the proposed file name."""

    programme_code: str
    as_of: str | None = None  # None: the latest complete period
    as_of_label: str = ""
    meeting_uuid: str | None = None
    meeting_label: str = ""
    indicator_codes: tuple[str, ...] | None = None  # None: every indicator
    site_code: str | None = None
    period: str | None = None
    period_label: str = ""
    prefilled: bool = False


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: str
    summary: str  # one short line under the label in the list
    description: str  # what it holds, beside its options
    options: tuple[Option, ...]
    suffix: str  # "pdf", "xlsx"
    method: str | None  # the Reports method it calls; None when it needs none
    name: Callable[[ReportRequest], str]  # the proposed file name, without its suffix
    make: Callable[[Services, ReportRequest, Path, ProgressFn], ReportFile]

    def is_available(self, reports: Any) -> bool:
        return self.method is None or callable(getattr(reports, self.method, None))

    def file_name(self, request: ReportRequest) -> str:
        return safe_file_name(self.name(request)) + f".{self.suffix}"

    @property
    def file_filter(self) -> str:
        return "Excel workbook (*.xlsx)" if self.suffix == "xlsx" else "PDF document (*.pdf)"


# -- the calls: each runs on a pool thread ------------------------------------------------------


def _donor_report(services: Services, request: ReportRequest, path: Path, progress: ProgressFn) -> ReportFile:
    return services.reports.donor_report(request.programme_code, request.as_of, path, progress=progress)


def _iptt_pdf(services: Services, request: ReportRequest, path: Path, progress: ProgressFn) -> ReportFile:
    return services.reports.iptt(request.programme_code, path, as_of=request.as_of, progress=progress)


def _minutes(services: Services, request: ReportRequest, path: Path, progress: ProgressFn) -> ReportFile:
    if request.meeting_uuid is None:
        raise PmdeskError("Choose the meeting whose minutes to print.")
    return services.reports.minutes(request.meeting_uuid, path, progress=progress)


def _reference_sheets(
    services: Services, request: ReportRequest, path: Path, progress: ProgressFn
) -> ReportFile:
    return services.reports.reference_sheets(
        request.programme_code, path, indicator_codes=request.indicator_codes, progress=progress
    )


def _paper_form(services: Services, request: ReportRequest, path: Path, progress: ProgressFn) -> ReportFile:
    if request.site_code is None or request.period is None:
        raise PmdeskError("Choose the site and the period of the form.")
    return services.reports.paper_form(
        request.programme_code,
        request.site_code,
        request.period,
        path,
        prefilled=request.prefilled,
        progress=progress,
    )


def _iptt_workbook(
    services: Services, request: ReportRequest, path: Path, progress: ProgressFn
) -> ReportFile:
    from pmdesk.services.exports import export_iptt_excel

    progress(0, 0, "Computing the IPTT…")
    table = services.iptt.table(request.programme_code, as_of=request.as_of)
    export_iptt_excel(services.programmes, services.history, table, path, progress)
    return ReportFile(path, 0, f"IPTT {request.programme_code}")


KINDS: tuple[ReportKind, ...] = (
    ReportKind(
        "donor_report",
        "Donor report",
        "For the donor, as of a period",
        (
            "As of a period: cover, contents, status summary with reporting completeness, the IPTT, "
            "a section per indicator with its chart and variance explanation, alerts, the meetings' "
            "decisions and actions, lessons and feedback."
        ),
        (Option.AS_OF,),
        "pdf",
        "donor_report",
        lambda r: f"{r.programme_code} donor report {r.as_of_label}",
        _donor_report,
    ),
    ReportKind(
        "iptt_pdf",
        "IPTT (PDF)",
        "The IPTT on landscape pages",
        "The whole programme's IPTT as of a period on landscape pages, its header on every page, "
        "each status in colour and in words.",
        (Option.AS_OF,),
        "pdf",
        "iptt",
        lambda r: f"IPTT {r.programme_code} {r.as_of_label}",
        _iptt_pdf,
    ),
    ReportKind(
        "iptt_workbook",
        "IPTT (Excel)",
        "The IPTT as an Excel workbook",
        "The IPTT as of a period as an Excel workbook, with its change log.",
        (Option.AS_OF,),
        "xlsx",
        None,
        lambda r: f"IPTT {r.programme_code} {r.as_of_label}",
        _iptt_workbook,
    ),
    ReportKind(
        "minutes",
        "Meeting minutes",
        "The record of one meeting",
        "Attendees, agenda, notes, decisions, actions with owners and due dates, amendments.",
        (Option.MEETING,),
        "pdf",
        "minutes",
        lambda r: f"{r.programme_code} minutes {r.meeting_label}",
        _minutes,
    ),
    ReportKind(
        "reference_sheets",
        "Indicator reference sheets",
        "One page per indicator (PIRS)",
        "One page per indicator: every field of its reference sheet, baseline, targets, data source.",
        (Option.INDICATORS,),
        "pdf",
        "reference_sheets",
        lambda r: f"{r.programme_code} indicator reference sheets",
        _reference_sheets,
    ),
    ReportKind(
        "paper_form",
        "Paper data-collection form",
        "Print, fill in by hand, key in later",
        (
            "The data-entry grid of a site and period as a form to fill in by hand, blank or with "
            "last period's values, in the order the values are keyed in later."
        ),
        (Option.SITE, Option.PERIOD, Option.PREFILLED),
        "pdf",
        "paper_form",
        lambda r: (
            f"{r.programme_code} form {r.site_code} {r.period_label}" + (" pre-filled" if r.prefilled else "")
        ),
        _paper_form,
    ),
)


def available_kinds(reports: Any) -> list[ReportKind]:
    """The kinds this build of PMDesk can make, in the order the screen lists them."""
    return [kind for kind in KINDS if kind.is_available(reports)]

# SPDX-License-Identifier: GPL-3.0-or-later
"""Reporting completeness: for each site and period, how far its report has got (as DHIS2 shows it).
Its reporting rate counts reports submitted or approved; the IPTT's complete periods (DESIGN §3a)
count any value present, drafts included (IpttTable.reporting): the Dashboard shows both, named."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.periods import Period
from pmdesk.services import value_summary
from pmdesk.services.lookups import programme_by_code, programme_periods
from pmdesk.services.sites import SiteInfo, site_tree
from pmdesk.storage.models import DataValueRow, IndicatorRow


class ReportState(StrEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


@dataclass(frozen=True)
class ReportCell:
    state: ReportState
    values: int  # data values entered
    by_status: dict[str, int]


@dataclass(frozen=True)
class Completeness:
    programme_code: str
    sites: tuple[SiteInfo, ...]  # the reporting sites: those with no site below them
    periods: tuple[Period, ...]
    cells: dict[tuple[str, str], ReportCell]  # by (site code, period code)

    def cell(self, site_code: str, period: str) -> ReportCell:
        return self.cells.get((site_code, period), ReportCell(ReportState.NOT_STARTED, 0, {}))

    def reporting_rate(self, period: str) -> float | None:
        """Share of reporting sites (in %) whose report for the period is submitted or approved."""
        if not self.sites:
            return None
        done = sum(
            1
            for s in self.sites
            if self.cell(s.code, period).state in (ReportState.SUBMITTED, ReportState.APPROVED)
        )
        return 100.0 * done / len(self.sites)


def state_of(by_status: dict[str, int]) -> ReportState:
    """One state for a report from the statuses of its values: the one that needs action first."""
    if not by_status:
        return ReportState.NOT_STARTED
    if by_status.get("returned"):
        return ReportState.RETURNED
    if by_status.get("draft"):
        return ReportState.DRAFT
    if by_status.get("submitted"):
        return ReportState.SUBMITTED
    return ReportState.APPROVED


class CompletenessService:
    def __init__(self, sessions: sessionmaker[Session], *, use_summary: bool = True) -> None:
        """`use_summary` False counts the raw values every time (the tests' reference)."""
        self._sessions = sessions
        self._use_summary = use_summary

    def overview(self, programme_code: str) -> Completeness:
        """Sites × periods: the value summary's counts per site, period and status, or, when it is
        not up to date in this snapshot, one GROUP BY over the programme's values."""
        if self._use_summary:
            value_summary.refresh_if_needed(self._sessions)
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            tree = site_tree(session, programme.id)
            parents = {s.parent_code for s in tree if s.parent_code}
            codes = {s.id: s.code for s in tree}
            counts: dict[tuple[str, str], dict[str, int]] = {}
            if self._use_summary and value_summary.is_fresh(session):
                rows = value_summary.site_status_counts(session, programme.id)
            else:
                rows = _raw_counts(session, programme.id)
            for site_id, period, status, n in rows:
                counts.setdefault((codes[site_id], period), {})[status] = n
            reporting = tuple(s for s in tree if s.code not in parents or any(k[0] == s.code for k in counts))
            cells = {
                key: ReportCell(state_of(by_status), sum(by_status.values()), by_status)
                for key, by_status in counts.items()
            }
            return Completeness(
                programme.code, reporting, tuple(programme_periods(session, programme)), cells
            )


def _raw_counts(session: Session, programme_id: int) -> list[tuple[int, str, str, int]]:
    rows = session.execute(
        select(DataValueRow.site_id, DataValueRow.period, DataValueRow.status, func.count())
        .where(
            DataValueRow.indicator_id.in_(
                select(IndicatorRow.id).where(IndicatorRow.programme_id == programme_id).scalar_subquery()
            )
        )
        .group_by(DataValueRow.site_id, DataValueRow.period, DataValueRow.status)
    )
    return [(site_id, period, status, n) for site_id, period, status, n in rows]

# SPDX-License-Identifier: GPL-3.0-or-later
"""Reporting completeness: for each site and period, how far its report has got (as DHIS2 shows it)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.periods import Period
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
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def overview(self, programme_code: str) -> Completeness:
        """Sites × periods with one GROUP BY over the programme's values."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            tree = site_tree(session, programme.id)
            parents = {s.parent_code for s in tree if s.parent_code}
            codes = {s.id: s.code for s in tree}
            counts: dict[tuple[str, str], dict[str, int]] = {}
            rows = session.execute(
                select(DataValueRow.site_id, DataValueRow.period, DataValueRow.status, func.count())
                .where(
                    DataValueRow.indicator_id.in_(
                        select(IndicatorRow.id)
                        .where(IndicatorRow.programme_id == programme.id)
                        .scalar_subquery()
                    )
                )
                .group_by(DataValueRow.site_id, DataValueRow.period, DataValueRow.status)
            ).all()
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

# SPDX-License-Identifier: GPL-3.0-or-later
"""What the donor report shows, gathered from the services as plain data: the programme, its IPTT as
of a period (computed once, for every section), reporting completeness, variance explanations, the
breakdown by option, alerts, the meetings held since the as-of period began with their decisions and
actions, lessons and feedback. donor_report.py lays it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pmdesk.domain.iptt_table import IpttTable
    from pmdesk.domain.periods import Period
    from pmdesk.reports.reporter import ReportSources
    from pmdesk.services.actions import ActionInfo
    from pmdesk.services.alert_records import AlertInfo
    from pmdesk.services.completeness import Completeness
    from pmdesk.services.disaggregation import IndicatorBreakdown
    from pmdesk.services.framework_records import IndicatorData
    from pmdesk.services.learning import FeedbackInfo, LessonInfo
    from pmdesk.services.meetings import MeetingDetail
    from pmdesk.services.programmes import ProgrammeSummary
    from pmdesk.services.variance import ExplanationInfo, RequiredExplanation


@dataclass(frozen=True)
class DonorReportData:
    programme: ProgrammeSummary
    table: IpttTable  # the whole programme, as of `as_of`
    as_of: Period | None  # None: nothing reported yet
    completeness: Completeness
    required: tuple[RequiredExplanation, ...]  # off track or exceeding: an explanation is due
    explanations: dict[str, ExplanationInfo]  # of the as-of period, by indicator code
    breakdowns: dict[str, IndicatorBreakdown]  # by indicator code (disaggregated ones only)
    indicators: dict[str, IndicatorData]  # the reference-sheet fields, by code
    alerts: tuple[AlertInfo, ...]  # whose streak ends at or before the as-of period
    window: tuple[date, date]  # meetings, lessons and feedback dated within it
    meetings: tuple[MeetingDetail, ...]  # held in the window, oldest first
    actions: tuple[ActionInfo, ...]  # decided in those meetings
    other_actions: tuple[ActionInfo, ...]  # from alerts, lessons or none: open, or closed in the window
    lessons: tuple[LessonInfo, ...]
    feedback: tuple[FeedbackInfo, ...]
    today: date

    @property
    def missing(self) -> tuple[RequiredExplanation, ...]:
        return tuple(r for r in self.required if r.is_missing)

    def period_label(self, code: str) -> str:
        for period in self.completeness.periods:
            if period.code == code:
                return period.label()
        return code


def gather(
    sources: ReportSources, programme_code: str, as_of: str | None, today: date | None = None
) -> DonorReportData:
    """Everything the report shows, read through the services (each call its own transaction).
    `as_of` None: the IPTT's default, the latest complete period (DESIGN.md §3a)."""
    from pmdesk.services.actions import ActionFilter

    today = today or date.today()
    programme = sources.programmes.get(programme_code)
    table = sources.iptt.table(programme_code, as_of)
    completeness = sources.completeness.overview(programme_code)
    period = next((p for p in completeness.periods if p.code == table.as_of), None)
    required = tuple(sources.variance.required(programme_code, table=table)) if table.as_of else ()
    explanations = {
        e.indicator_code: e
        for e in (sources.variance.explanations(programme_code, table.as_of) if table.as_of else [])
        if e.period == table.as_of
    }
    breakdowns = sources.disaggregation.breakdown(table)
    indicators = {i.data.code: i.data for i in sources.framework.list_indicators(programme_code)}

    order = {p.code: n for n, p in enumerate(completeness.periods)}
    last = order.get(table.as_of or "", -1)
    alerts = tuple(
        a for a in sources.alerts.list(programme_code) if a.periods and order.get(a.periods[-1], 0) <= last
    )
    # The meetings that review the as-of period are held after it ends: the window runs from its
    # start to the day the report is made.
    start = period.start if period else programme.start
    window = (start, max(today, start))
    meetings = tuple(
        sources.meetings.get(m.id)
        for m in sorted(sources.meetings.list_meetings(programme_code), key=lambda m: (m.held_on, m.id))
        if window[0] <= m.held_on <= window[1]
    )
    meeting_uuids = {m.meeting.uuid for m in meetings}
    every_action = sources.actions.list(ActionFilter(programme_code=programme_code))
    actions = tuple(a for a in every_action if a.meeting_uuid in meeting_uuids)
    # Actions from alerts, lessons or nowhere, still open or closed in the window: what else is
    # being done about the figures.
    other_actions = tuple(
        a
        for a in every_action
        if a.meeting_uuid not in meeting_uuids
        and (a.closed_at is None or window[0] <= a.closed_at.date() <= window[1])
        and (a.status.value in ("open", "in_progress") or a.closed_at is not None)
    )
    lessons = tuple(
        sorted(
            (x for x in sources.learning.lessons(programme_code) if window[0] <= x.recorded_on <= window[1]),
            key=lambda x: x.recorded_on,
        )
    )
    feedback = tuple(
        sorted(
            (x for x in sources.learning.feedback(programme_code) if window[0] <= x.received_on <= window[1]),
            key=lambda x: x.received_on,
        )
    )
    return DonorReportData(
        programme,
        table,
        period,
        completeness,
        required,
        explanations,
        breakdowns,
        indicators,
        alerts,
        window,
        meetings,
        actions,
        other_actions,
        lessons,
        feedback,
        today,
    )

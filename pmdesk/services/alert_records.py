# SPDX-License-Identifier: GPL-3.0-or-later
"""What the alert service returns (triggers, alerts, an evaluation's summary, as frozen
dataclasses) and how they are read from their rows; the history line every change of an alert writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmdesk.domain.errors import ValidationError
from pmdesk.domain.triggers import Scope, make_rule, normal_comparison, scope_problem
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.lookups import programme_periods
from pmdesk.storage.loop_models import AlertRow
from pmdesk.storage.models import IndicatorRow, ProgrammeRow, ResultRow, SiteRow, TriggerRow


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"


STATUS_FILTERS = ("open", "acknowledged", "all")


@dataclass(frozen=True)
class TriggerData:
    """A trigger as typed: one indicator, or every indicator of one result, or (neither) of the
    programme. `threshold` as typed ('70', '85 %', 'off_track') or a number."""

    code: str
    metric: str
    comparison: str
    threshold: str | float
    consecutive_periods: int = 1
    scope: str = Scope.PROGRAMME.value
    indicator_code: str | None = None
    result_code: str | None = None
    response: str = ""


@dataclass(frozen=True)
class TriggerInfo:
    uuid: str
    data: TriggerData  # as stored: comparison and threshold in their plain form
    description: str  # the condition in words, or why it cannot be evaluated
    subject: str  # "indicator 2.3", "every indicator of result O1", "every indicator"
    is_valid: bool  # False: written by something else than this service, and skipped

    @property
    def code(self) -> str:
        return self.data.code


@dataclass(frozen=True)
class AlertInfo:
    uuid: str
    programme_code: str
    trigger_uuid: str
    trigger_code: str
    indicator_code: str
    indicator_name: str  # '' when the indicator has been deleted since
    site_code: str | None  # None: the programme total
    site_name: str
    periods: tuple[str, ...]  # the streak's period codes, in order
    period_labels: tuple[str, ...]  # as screens write them: '2026 Q1'
    figures: tuple[str, ...]  # the metric in each of those periods, as shown
    message: str
    holds: bool  # False: values changed since, and the streak no longer holds
    status: AlertStatus
    raised_at: datetime
    acknowledged_by: str
    acknowledged_at: datetime | None
    acknowledgement: str  # the note

    @property
    def is_open(self) -> bool:
        return self.status is AlertStatus.OPEN


@dataclass(frozen=True)
class EvaluationSummary:
    programme_code: str
    triggers: int  # evaluated
    raised: int  # new alerts
    extended: int  # alerts whose streak grew (or shrank, still N long)
    no_longer_holding: int
    holding_again: int
    open_alerts: int  # open and holding, after the evaluation
    skipped: tuple[str, ...] = ()  # triggers that cannot be evaluated, and why

    @property
    def changed(self) -> bool:
        return bool(self.raised or self.extended or self.no_longer_holding or self.holding_again)


class ProgrammeNames:
    """Codes and names of a programme's indicators, results, sites and triggers, read once."""

    def __init__(self, session: Session, programme: ProgrammeRow) -> None:
        pid = programme.id
        indicators = session.execute(
            select(IndicatorRow.id, IndicatorRow.uuid, IndicatorRow.code, IndicatorRow.name).where(
                IndicatorRow.programme_id == pid
            )
        ).all()
        sites = session.execute(
            select(SiteRow.uuid, SiteRow.code, SiteRow.name).where(SiteRow.programme_id == pid)
        ).all()
        self.indicator_codes = {i.id: i.code for i in indicators}
        self.results = dict(
            session.execute(select(ResultRow.id, ResultRow.code).where(ResultRow.programme_id == pid)).all()
        )
        self._indicators_by_uuid = {i.uuid: (i.code, i.name) for i in indicators}
        self._sites_by_uuid = {s.uuid: (s.code, s.name) for s in sites}
        self._triggers = dict(
            session.execute(
                select(TriggerRow.uuid, TriggerRow.code).where(TriggerRow.programme_id == pid)
            ).all()
        )

    def trigger(self, uuid: str) -> str:
        return str(self._triggers.get(uuid, ""))

    def indicator(self, uuid: str) -> str:
        return str(self._indicators_by_uuid.get(uuid, ("", ""))[0])

    def indicator_name(self, uuid: str) -> str:
        return str(self._indicators_by_uuid.get(uuid, ("", ""))[1])

    def site(self, uuid: str) -> str:
        return str(self._sites_by_uuid.get(uuid, ("", ""))[0]) if uuid else ""

    def site_name(self, uuid: str) -> str:
        return str(self._sites_by_uuid.get(uuid, ("", ""))[1]) if uuid else ""


def period_labels(session: Session, programme: ProgrammeRow) -> dict[str, str]:
    return {p.code: p.label() for p in programme_periods(session, programme)}


def trigger_info(row: TriggerRow, names: ProgrammeNames) -> TriggerInfo:
    indicator = names.indicator_codes.get(row.indicator_id) if row.indicator_id is not None else None
    result = names.results.get(row.result_id) if row.result_id is not None else None
    data = TriggerData(
        row.code,
        row.metric,
        row.comparison,
        row.threshold,
        row.consecutive_periods,
        row.scope,
        indicator,
        result,
        row.response,
    )
    try:
        rule = make_rule(
            row.metric, normal_comparison(row.comparison), row.threshold, row.consecutive_periods
        )
        description, valid = rule.describe(), scope_problem(row.scope) is None
    except ValidationError as exc:
        description, valid = f"cannot be evaluated: {exc}", False
    if indicator is not None:
        subject = f"indicator {indicator}"
    elif result is not None:
        subject = f"every indicator of result {result}"
    else:
        subject = "every indicator"
    if row.scope == Scope.SITE:
        subject += ", each site"
    return TriggerInfo(row.uuid, data, description, subject, valid)


def alert_info(
    row: AlertRow, programme: ProgrammeRow, labels: Mapping[str, str], names: ProgrammeNames
) -> AlertInfo:
    periods = tuple(p for p in row.periods.split(",") if p)
    figures = tuple(row.figures.split("; ")) if row.figures else ()
    return AlertInfo(
        row.uuid,
        programme.code,
        row.trigger_uuid,
        row.trigger_code,
        row.indicator_code,
        names.indicator_name(row.indicator_uuid),
        row.site_code or None,
        names.site_name(row.site_uuid),
        periods,
        tuple(labels.get(p, p) for p in periods),
        figures,
        row.message,
        row.holds,
        AlertStatus(row.status),
        row.raised_at,
        row.acknowledged_by,
        row.acknowledged_at,
        row.acknowledgement,
    )


def log_alert(
    session: Session, actor: Actor, row: AlertRow, programme_id: int, field: str, old: object, new: object
) -> None:
    """One line of History for a change of an alert: raised, its periods, whether it holds, its status."""
    where = f" at {row.site_code}" if row.site_code else ""
    history.record(
        session,
        actor,
        entity="alert",
        entity_uuid=row.uuid,
        field=field,
        old=old,
        new=new,
        label=f"{row.trigger_code} on {row.indicator_code}{where} from {row.first_period}",
        programme_id=programme_id,
    )

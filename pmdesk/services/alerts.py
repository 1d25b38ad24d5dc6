# SPDX-License-Identifier: GPL-3.0-or-later
"""Triggers and their alerts (DESIGN.md §4): the triggers of a programme, checked by the rules of
domain/triggers.py; evaluation over the IPTT's figures; alerts listed and acknowledged, never deleted."""

from __future__ import annotations

import builtins
import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.codes import check_code
from pmdesk.domain.enums import Direction, Measure
from pmdesk.domain.errors import ConflictError, NotFoundError, Problem, ValidationError
from pmdesk.domain.iptt import Thresholds
from pmdesk.domain.iptt_table import IpttRow
from pmdesk.domain.periods import Period
from pmdesk.domain.triggers import (
    Metric,
    Reading,
    Scope,
    Streak,
    TriggerRule,
    figure_text,
    make_rule,
    normal_comparison,
    period_figure,
    rule_problems,
    scope_problem,
    streaks,
    subject_problem,
    threshold_text,
)
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.iptt import IpttService
from pmdesk.services.lookups import programme_by_code, programme_periods
from pmdesk.storage.loop_models import AlertRow
from pmdesk.storage.models import IndicatorRow, ProgrammeRow, ResultRow, SiteRow, TriggerRow, utcnow


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


@dataclass(frozen=True)
class _Found:
    """A streak as evaluation found it, with what the alert says about it."""

    streak: Streak
    figures: tuple[str, ...]
    message: str


_AlertKey = tuple[str, str, str]  # trigger uuid, indicator uuid, site uuid ('' for the total)


class AlertService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor
        self._iptt = IpttService(sessions)
        # The figures are read before the alerts are written; two evaluations at once (the GUI's
        # after a change and the alerts screen's) must not write an older reading over a newer one.
        self._evaluating = threading.Lock()

    # -- triggers ---------------------------------------------------------------------------

    def list_triggers(self, programme_code: str) -> tuple[TriggerInfo, ...]:
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            rows = session.scalars(
                select(TriggerRow).where(TriggerRow.programme_id == programme.id).order_by(TriggerRow.code)
            )
            names = _Names(session, programme)
            return tuple(_trigger_info(row, names) for row in rows)

    def save_trigger(
        self, programme_code: str, data: TriggerData, original_code: str | None = None
    ) -> TriggerInfo:
        """Add a trigger, or change the one called `original_code`. Raises ValidationError naming
        every field in the wrong; the next evaluation applies the new rule to existing alerts
        (a streak that no longer holds is kept, marked so)."""
        problems = check_code(data.code, "trigger")
        problems += rule_problems(data.metric, data.comparison, data.threshold, data.consecutive_periods)
        if (why := scope_problem(data.scope)) is not None:
            problems.append(Problem("trigger", why, "scope"))
        indicator_code = (data.indicator_code or "").strip() or None
        result_code = (data.result_code or "").strip() or None
        if (why := subject_problem(indicator_code, result_code)) is not None:
            problems.append(Problem("trigger", why, "indicator"))
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            indicator = result = None
            if indicator_code is not None:
                indicator = session.scalars(
                    select(IndicatorRow).where(
                        IndicatorRow.programme_id == programme.id, IndicatorRow.code == indicator_code
                    )
                ).first()
                if indicator is None:
                    problems.append(
                        Problem(
                            "trigger",
                            f"programme {programme.code} has no indicator '{indicator_code}'",
                            "indicator",
                        )
                    )
                elif indicator.measure == Measure.QUALITATIVE:
                    problems.append(
                        Problem(
                            "trigger",
                            f"indicator {indicator_code} is qualitative: it has no figure to compare",
                            "indicator",
                        )
                    )
            if result_code is not None:
                result = session.scalars(
                    select(ResultRow).where(
                        ResultRow.programme_id == programme.id, ResultRow.code == result_code
                    )
                ).first()
                if result is None:
                    problems.append(
                        Problem(
                            "trigger", f"programme {programme.code} has no result '{result_code}'", "result"
                        )
                    )
            existing = {
                row.code: row
                for row in session.scalars(select(TriggerRow).where(TriggerRow.programme_id == programme.id))
            }
            row = None
            if original_code is not None:
                row = existing.get(original_code)
                if row is None:
                    raise NotFoundError(f"programme {programme.code} has no trigger '{original_code}'")
            if data.code in existing and existing[data.code] is not row:
                problems.append(
                    Problem(
                        "trigger", f"programme {programme.code} already has a trigger '{data.code}'", "code"
                    )
                )
            if problems:
                raise ValidationError(problems)
            rule = make_rule(data.metric, data.comparison, data.threshold, data.consecutive_periods)
            fields = {
                "code": data.code,
                "indicator_id": indicator.id if indicator is not None else None,
                "result_id": result.id if result is not None else None,
                "metric": rule.metric.value,
                "comparison": rule.comparison,
                "threshold": threshold_text(rule.threshold),
                "consecutive_periods": rule.consecutive_periods,
                "scope": data.scope,
                "response": data.response.strip(),
            }
            if row is None:
                row = TriggerRow(programme_id=programme.id, **fields)
                session.add(row)
                session.flush()
                self._log(session, row, programme, "created", None, rule.describe())
            else:
                for name, value in fields.items():
                    old = getattr(row, name)
                    if old != value:
                        self._log(session, row, programme, name, old, value)
                        setattr(row, name, value)
                session.flush()
            return _trigger_info(row, _Names(session, programme))

    def delete_trigger(self, programme_code: str, code: str) -> None:
        """Delete a trigger; its alerts stay, as evidence of what it raised."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = session.scalars(
                select(TriggerRow).where(TriggerRow.programme_id == programme.id, TriggerRow.code == code)
            ).first()
            if row is None:
                raise NotFoundError(f"programme {programme.code} has no trigger '{code}'")
            self._log(session, row, programme, "deleted", row.code, None)
            session.delete(row)

    # -- alerts -----------------------------------------------------------------------------

    def evaluate(self, programme_code: str) -> EvaluationSummary:
        """Apply every trigger of the programme to its figures now: a new streak raises an alert, a
        longer one updates its alert, a streak that no longer holds is marked so (never deleted).
        Running it again without a change in the data changes nothing."""
        with self._evaluating:
            found, evaluated, skipped = self._streaks(programme_code)
            return self._write(programme_code, found, evaluated, skipped)

    def evaluate_all(self) -> tuple[EvaluationSummary, ...]:
        """`evaluate` every programme that has triggers (after an import that may touch several)."""
        with self._sessions() as session:
            codes = builtins.list(
                session.scalars(
                    select(ProgrammeRow.code)
                    .where(ProgrammeRow.id.in_(select(TriggerRow.programme_id)))
                    .order_by(ProgrammeRow.code)
                )
            )
        return tuple(self.evaluate(code) for code in codes)

    def list(self, programme_code: str, status: str = "all") -> tuple[AlertInfo, ...]:
        """The programme's alerts: open first, then those holding, newest first; `status` is
        'open', 'acknowledged' or 'all'."""
        if status not in STATUS_FILTERS:
            raise ValidationError(
                [Problem("alerts", f"'{status}' is not open, acknowledged or all", "status")]
            )
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            query = select(AlertRow).where(AlertRow.programme_id == programme.id)
            if status != "all":
                query = query.where(AlertRow.status == status)
            rows = builtins.list(session.scalars(query))
            rows.sort(
                key=lambda r: (r.status != AlertStatus.OPEN, not r.holds, -r.raised_at.timestamp(), -r.id)
            )
            labels = _period_labels(session, programme)
            names = _Names(session, programme)
            return tuple(_alert_info(r, programme, labels, names) for r in rows)

    def acknowledge(self, alert_uuid: str, note: str) -> AlertInfo:
        """Record who acknowledged the alert, when, and their note (required: what is being done)."""
        if not note.strip():
            raise ValidationError([Problem("alert", "say in a note what is being done about it", "note")])
        with self._sessions.begin() as session:
            row = session.scalars(select(AlertRow).where(AlertRow.uuid == alert_uuid)).first()
            if row is None:
                raise NotFoundError("that alert no longer exists")
            programme = session.get(ProgrammeRow, row.programme_id)
            assert programme is not None
            if row.status == AlertStatus.ACKNOWLEDGED:
                raise ConflictError(
                    f"this alert was already acknowledged by {row.acknowledged_by}"
                    + (f" on {row.acknowledged_at:%Y-%m-%d}" if row.acknowledged_at else "")
                )
            row.status = AlertStatus.ACKNOWLEDGED.value
            row.acknowledged_by = self._actor.name
            row.acknowledged_at = utcnow()
            row.acknowledgement = note.strip()
            history.record(
                session,
                self._actor,
                entity="alert",
                entity_uuid=row.uuid,
                field="status",
                old=AlertStatus.OPEN.value,
                new=AlertStatus.ACKNOWLEDGED.value,
                label=_alert_label(row),
                programme_id=programme.id,
            )
            session.flush()
            return _alert_info(row, programme, _period_labels(session, programme), _Names(session, programme))

    # -- evaluation -------------------------------------------------------------------------

    def _streaks(
        self, programme_code: str
    ) -> tuple[dict[_AlertKey, builtins.list[_Found]], set[str], builtins.list[str]]:
        """Read: every trigger's streaks per indicator (and site), through the IPTT's figures."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            codes = [p.code for p in programme_periods(session, programme)]
            triggers = builtins.list(
                session.scalars(
                    select(TriggerRow)
                    .where(TriggerRow.programme_id == programme.id)
                    .order_by(TriggerRow.code)
                )
            )
            indicators = builtins.list(
                session.scalars(
                    select(IndicatorRow)
                    .where(IndicatorRow.programme_id == programme.id)
                    .order_by(IndicatorRow.sort_order, IndicatorRow.id)
                )
            )
            parents = dict(
                session.execute(
                    select(ResultRow.id, ResultRow.parent_id).where(ResultRow.programme_id == programme.id)
                ).all()
            )
            site_uuids = dict(
                session.execute(
                    select(SiteRow.code, SiteRow.uuid).where(SiteRow.programme_id == programme.id)
                ).all()
            )
            rules: dict[str, tuple[TriggerRow, TriggerRule, builtins.list[IndicatorRow]]] = {}
            skipped: builtins.list[str] = []
            for trigger in triggers:
                try:
                    rule = make_rule(
                        trigger.metric, trigger.comparison, trigger.threshold, trigger.consecutive_periods
                    )
                except ValidationError as exc:
                    skipped.append(f"trigger {trigger.code}: {exc}")
                    continue
                subject = [
                    i
                    for i in indicators
                    if i.measure != Measure.QUALITATIVE and _is_subject(trigger, i, parents)
                ]
                rules[trigger.uuid] = (trigger, rule, subject)
            programme_name = programme.code
        as_of = codes[-1] if codes else None
        found: dict[_AlertKey, builtins.list[_Found]] = {}
        if not rules:
            return found, set(rules), skipped
        table = self._iptt.table(programme_name, as_of=as_of)
        totals = {row.indicator_id: row for row in table.rows}
        by_site: dict[str, Sequence[tuple[str, str, IpttRow]]] = {}
        for trigger, rule, subject in rules.values():
            for ind in subject:
                if trigger.scope == Scope.SITE:
                    if ind.code not in by_site:
                        by_site[ind.code] = [
                            (site.code, site.name, row)
                            for site, row in self._iptt.by_site(programme_name, ind.code, as_of=as_of)
                        ]
                    places = by_site[ind.code]
                else:
                    total = totals.get(ind.id)
                    places = [("", "", total)] if total is not None else []
                for site_code, site_name, row in places:
                    readings = _readings(rule.metric, row, table.thresholds)
                    key = (trigger.uuid, ind.uuid, site_uuids.get(site_code, "") if site_code else "")
                    found[key] = [
                        _Found(
                            streak,
                            _figure_texts(rule.metric, streak, row.measure),
                            _message(trigger, rule, row, site_name, streak, table.periods),
                        )
                        for streak in streaks(rule, readings)
                    ]
        return found, set(rules), skipped

    def _write(
        self,
        programme_code: str,
        found: Mapping[_AlertKey, Sequence[_Found]],
        evaluated: set[str],
        skipped: Sequence[str],
    ) -> EvaluationSummary:
        """Write: upsert one alert per streak, in one transaction."""
        raised = extended = lost = again = 0
        # Without triggers there is nothing to write: a read, which also works on a read-only file.
        with self._sessions.begin() if evaluated else self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            alerts = builtins.list(
                session.scalars(
                    select(AlertRow)
                    .where(AlertRow.programme_id == programme.id, AlertRow.trigger_uuid.in_(evaluated))
                    .order_by(AlertRow.id)
                )
            )
            by_key: dict[_AlertKey, builtins.list[AlertRow]] = defaultdict(builtins.list)
            for row in alerts:
                by_key[(row.trigger_uuid, row.indicator_uuid, row.site_uuid)].append(row)
            names = _Codes(session, programme)
            matched: set[int] = set()
            for key, items in found.items():
                mine = by_key[key]
                for item in items:
                    alert = _match(item.streak, mine, matched)
                    periods = ",".join(item.streak.periods)
                    figures = "; ".join(item.figures)
                    if alert is None:
                        alert = AlertRow(
                            programme_id=programme.id,
                            trigger_uuid=key[0],
                            trigger_code=names.trigger(key[0]),
                            indicator_uuid=key[1],
                            indicator_code=names.indicator(key[1]),
                            site_uuid=key[2],
                            site_code=names.site(key[2]),
                            first_period=item.streak.first_period,
                            periods=periods,
                            figures=figures,
                            message=item.message,
                            holds=True,
                        )
                        session.add(alert)
                        session.flush()
                        mine.append(alert)
                        matched.add(alert.id)
                        raised += 1
                        self._log_alert(session, alert, programme, "raised", None, periods)
                        continue
                    matched.add(alert.id)
                    if not alert.holds:
                        alert.holds = True
                        again += 1
                        self._log_alert(session, alert, programme, "holds", "no", "yes")
                    if alert.periods != periods:
                        self._log_alert(session, alert, programme, "periods", alert.periods, periods)
                        alert.periods = periods
                        alert.first_period = item.streak.first_period
                        extended += 1
                    if alert.figures != figures:
                        alert.figures = figures
                    if alert.message != item.message:
                        alert.message = item.message
                    # Codes renamed since: the alert names the trigger and indicator as they are.
                    for attribute, code in (
                        ("trigger_code", names.trigger(key[0])),
                        ("indicator_code", names.indicator(key[1])),
                        ("site_code", names.site(key[2])),
                    ):
                        if code and getattr(alert, attribute) != code:
                            setattr(alert, attribute, code)
            for row in alerts:
                if row.id not in matched and row.holds:
                    row.holds = False
                    lost += 1
                    self._log_alert(session, row, programme, "holds", "yes", "no")
            session.flush()
            open_count = sum(
                1
                for alert in session.scalars(
                    select(AlertRow).where(
                        AlertRow.programme_id == programme.id,
                        AlertRow.status == AlertStatus.OPEN.value,
                        AlertRow.holds.is_(True),
                    )
                )
            )
            return EvaluationSummary(
                programme.code, len(evaluated), raised, extended, lost, again, open_count, tuple(skipped)
            )

    def _log(
        self, session: Session, row: TriggerRow, programme: ProgrammeRow, field: str, old: object, new: object
    ) -> None:
        history.record(
            session,
            self._actor,
            entity="trigger",
            entity_uuid=row.uuid,
            field=field,
            old=old,
            new=new,
            label=row.code,
            programme_id=programme.id,
        )

    def _log_alert(
        self, session: Session, row: AlertRow, programme: ProgrammeRow, field: str, old: object, new: object
    ) -> None:
        history.record(
            session,
            self._actor,
            entity="alert",
            entity_uuid=row.uuid,
            field=field,
            old=old,
            new=new,
            label=_alert_label(row),
            programme_id=programme.id,
        )


# -- helpers ---------------------------------------------------------------------------------------


def _is_subject(trigger: TriggerRow, indicator: IndicatorRow, parents: Mapping[int, int | None]) -> bool:
    """Whether the trigger looks at this indicator: the one it names, those of its result and of
    the results below it, or (naming neither) every indicator of the programme."""
    if trigger.indicator_id is not None:
        return indicator.id == trigger.indicator_id
    if trigger.result_id is None:
        return True
    current: int | None = indicator.result_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        if current == trigger.result_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False


def _readings(metric: Metric, row: IpttRow, thresholds: Thresholds) -> builtins.list[Reading]:
    direction = Direction(row.direction)
    return [
        Reading(
            p.period,
            period_figure(metric, p.actual, p.target, p.pct_met, direction, thresholds),
            is_complete=not p.is_partial,
        )
        for p in row.figures.periods
    ]


def _figure_texts(metric: Metric, streak: Streak, measure: Measure) -> tuple[str, ...]:
    return tuple(figure_text(metric, f, is_percent=measure is Measure.PERCENT) for f in streak.figures)


def _message(
    trigger: TriggerRow,
    rule: TriggerRule,
    row: IpttRow,
    site_name: str,
    streak: Streak,
    periods: Sequence[Period],
) -> str:
    labels = {p.code: p.label() for p in periods}
    where = f" at {site_name}" if site_name else ""
    held = ", ".join(labels.get(p, p) for p in streak.periods)
    text = f"{row.code} {row.name}{where}: {rule.describe()} — held in {held}."
    if trigger.response:
        text += f" Response: {trigger.response}"
    return text


def _match(streak: Streak, alerts: Sequence[AlertRow], matched: set[int]) -> AlertRow | None:
    """The alert of this streak: the one starting where it starts, else one that overlaps it (the
    streak grew backwards after an earlier value was corrected), else none (a new streak)."""
    for alert in alerts:
        if alert.id not in matched and alert.first_period == streak.first_period:
            return alert
    periods = set(streak.periods)
    for alert in alerts:
        # Taking another alert's first period would raise that streak twice.
        clash = any(a.first_period == streak.first_period for a in alerts if a is not alert)
        if alert.id not in matched and periods & set(alert.periods.split(",")) and not clash:
            return alert
    return None


def _alert_label(row: AlertRow) -> str:
    where = f" at {row.site_code}" if row.site_code else ""
    return f"{row.trigger_code} on {row.indicator_code}{where} from {row.first_period}"


def _period_labels(session: Session, programme: ProgrammeRow) -> dict[str, str]:
    return {p.code: p.label() for p in programme_periods(session, programme)}


class _Names:
    """Codes and names of a programme's indicators, results and sites, read once."""

    def __init__(self, session: Session, programme: ProgrammeRow) -> None:
        pid = programme.id
        self.indicators = dict(
            session.execute(
                select(IndicatorRow.id, IndicatorRow.code).where(IndicatorRow.programme_id == pid)
            ).all()
        )
        self.indicator_by_uuid = dict(
            session.execute(
                select(IndicatorRow.uuid, IndicatorRow.name).where(IndicatorRow.programme_id == pid)
            ).all()
        )
        self.results = dict(
            session.execute(select(ResultRow.id, ResultRow.code).where(ResultRow.programme_id == pid)).all()
        )
        self.sites = dict(
            session.execute(select(SiteRow.uuid, SiteRow.name).where(SiteRow.programme_id == pid)).all()
        )


class _Codes:
    """The current codes of triggers, indicators and sites by UUID, for the alerts being written."""

    def __init__(self, session: Session, programme: ProgrammeRow) -> None:
        pid = programme.id
        self._triggers = dict(
            session.execute(
                select(TriggerRow.uuid, TriggerRow.code).where(TriggerRow.programme_id == pid)
            ).all()
        )
        self._indicators = dict(
            session.execute(
                select(IndicatorRow.uuid, IndicatorRow.code).where(IndicatorRow.programme_id == pid)
            ).all()
        )
        self._sites = dict(
            session.execute(select(SiteRow.uuid, SiteRow.code).where(SiteRow.programme_id == pid)).all()
        )

    def trigger(self, uuid: str) -> str:
        return str(self._triggers.get(uuid, ""))

    def indicator(self, uuid: str) -> str:
        return str(self._indicators.get(uuid, ""))

    def site(self, uuid: str) -> str:
        return str(self._sites.get(uuid, "")) if uuid else ""


def _trigger_info(row: TriggerRow, names: _Names) -> TriggerInfo:
    indicator = names.indicators.get(row.indicator_id) if row.indicator_id is not None else None
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


def _alert_info(
    row: AlertRow, programme: ProgrammeRow, labels: Mapping[str, str], names: _Names
) -> AlertInfo:
    periods = tuple(p for p in row.periods.split(",") if p)
    figures = tuple(row.figures.split("; ")) if row.figures else ()
    return AlertInfo(
        row.uuid,
        programme.code,
        row.trigger_uuid,
        row.trigger_code,
        row.indicator_code,
        str(names.indicator_by_uuid.get(row.indicator_uuid, "")),
        row.site_code or None,
        str(names.sites.get(row.site_uuid, "")) if row.site_uuid else "",
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

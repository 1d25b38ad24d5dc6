# SPDX-License-Identifier: GPL-3.0-or-later
"""Triggers evaluated over the IPTT's figures (DESIGN.md §4): one alert per streak, raised, updated or
marked no longer holding, never deleted. It reads first and writes only when an alert changes, so
the evaluation that runs after every change of data and at start takes no write lock for nothing."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import Direction, Measure
from pmdesk.domain.errors import ValidationError
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
    period_figure,
    streaks,
)
from pmdesk.services.actor import Actor
from pmdesk.services.alert_records import AlertStatus, EvaluationSummary, ProgrammeNames, log_alert
from pmdesk.services.iptt import IpttService
from pmdesk.services.lookups import programme_by_code, programme_periods
from pmdesk.storage.loop_models import AlertRow
from pmdesk.storage.models import IndicatorRow, ProgrammeRow, ResultRow, SiteRow, TriggerRow

_AlertKey = tuple[str, str, str]  # trigger uuid, indicator uuid, site uuid ('' for the total)


@dataclass(frozen=True)
class _Found:
    """A streak as evaluation found it, with what the alert says about it."""

    streak: Streak
    figures: tuple[str, ...]
    message: str

    @property
    def periods(self) -> str:
        return ",".join(self.streak.periods)

    @property
    def figures_text(self) -> str:
        return "; ".join(self.figures)


@dataclass(frozen=True)
class _Plan:
    """What an evaluation changes in the alerts as they are: each streak with its alert (None: a
    new alert) and the attributes of that alert to change; the holding alerts whose streak is gone."""

    streaks: tuple[tuple[_AlertKey, _Found, AlertRow | None, dict[str, object]], ...]
    lost: tuple[AlertRow, ...]

    @property
    def is_empty(self) -> bool:
        return not self.lost and all(
            alert is not None and not changes for _, _, alert, changes in self.streaks
        )


class AlertEvaluator:
    """Applies a programme's triggers to its figures; AlertService.evaluate runs it."""

    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor
        self._iptt = IpttService(sessions)
        # The figures are read before the alerts are written; two evaluations at once (the GUI's
        # after a change and the alerts screen's) must not write an older reading over a newer one.
        self._evaluating = threading.Lock()

    def evaluate(self, programme_code: str) -> EvaluationSummary:
        with self._evaluating:
            found, evaluated, skipped = self._streaks(programme_code)
            # Read first: most evaluations find what the last one found, and then write nothing
            # (which also works on a read-only file, or beside an import holding the write lock).
            with self._sessions() as session:
                programme = programme_by_code(session, programme_code)
                plan = _plan(session, programme, found, evaluated)
                if plan.is_empty:
                    return _summary(session, programme, evaluated, skipped)
            with self._sessions.begin() as session:
                programme = programme_by_code(session, programme_code)
                # Planned again on the alerts as they are now that the write lock is held.
                plan = _plan(session, programme, found, evaluated)
                counts = self._write(session, programme, plan)
                session.flush()
                return _summary(session, programme, evaluated, skipped, *counts)

    def _streaks(self, programme_code: str) -> tuple[dict[_AlertKey, list[_Found]], set[str], list[str]]:
        """Read: every trigger's streaks per indicator (and site), through the IPTT's figures."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            codes = [p.code for p in programme_periods(session, programme)]
            triggers = list(
                session.scalars(
                    select(TriggerRow)
                    .where(TriggerRow.programme_id == programme.id)
                    .order_by(TriggerRow.code)
                )
            )
            indicators = list(
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
            rules: dict[str, tuple[TriggerRow, TriggerRule, list[IndicatorRow]]] = {}
            skipped: list[str] = []
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
        found: dict[_AlertKey, list[_Found]] = {}
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

    def _write(self, session: Session, programme: ProgrammeRow, plan: _Plan) -> tuple[int, int, int, int]:
        """Write the plan: a new alert per new streak, the changes of the others (raised, extended,
        no longer holding, holding again)."""
        raised = extended = lost = again = 0
        names = ProgrammeNames(session, programme)
        for key, item, alert, changes in plan.streaks:
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
                    periods=item.periods,
                    figures=item.figures_text,
                    message=item.message,
                    holds=True,
                )
                session.add(alert)
                session.flush()
                raised += 1
                self._log(session, alert, programme, "raised", None, item.periods)
                continue
            if "holds" in changes:
                again += 1
                self._log(session, alert, programme, "holds", "no", "yes")
            if "periods" in changes:
                extended += 1
                self._log(session, alert, programme, "periods", alert.periods, changes["periods"])
            for attribute, value in changes.items():
                setattr(alert, attribute, value)
        for row in plan.lost:
            row.holds = False
            lost += 1
            self._log(session, row, programme, "holds", "yes", "no")
        return raised, extended, lost, again

    def _log(
        self, session: Session, row: AlertRow, programme: ProgrammeRow, field: str, old: object, new: object
    ) -> None:
        log_alert(session, self._actor, row, programme.id, field, old, new)


def _plan(
    session: Session,
    programme: ProgrammeRow,
    found: Mapping[_AlertKey, Sequence[_Found]],
    evaluated: set[str],
) -> _Plan:
    """Each streak matched to its alert (one alert per streak) and what would change in it."""
    alerts = list(
        session.scalars(
            select(AlertRow)
            .where(AlertRow.programme_id == programme.id, AlertRow.trigger_uuid.in_(evaluated))
            .order_by(AlertRow.id)
        )
    )
    by_key: dict[_AlertKey, list[AlertRow]] = defaultdict(list)
    for row in alerts:
        by_key[(row.trigger_uuid, row.indicator_uuid, row.site_uuid)].append(row)
    names = ProgrammeNames(session, programme)
    matched: set[int] = set()
    planned: list[tuple[_AlertKey, _Found, AlertRow | None, dict[str, object]]] = []
    for key, items in found.items():
        for item in items:
            # A new streak cannot take an alert of another: the streaks of one key are disjoint.
            alert = _match(item.streak, by_key[key], matched)
            if alert is None:
                planned.append((key, item, None, {}))
                continue
            matched.add(alert.id)
            planned.append((key, item, alert, _changes(alert, key, item, names)))
    lost = tuple(row for row in alerts if row.id not in matched and row.holds)
    return _Plan(tuple(planned), lost)


def _changes(alert: AlertRow, key: _AlertKey, item: _Found, names: ProgrammeNames) -> dict[str, object]:
    """The attributes of an existing alert that its streak changes, in the order they are logged."""
    changes: dict[str, object] = {}
    if not alert.holds:
        changes["holds"] = True
    if alert.periods != item.periods:
        changes["periods"] = item.periods
        changes["first_period"] = item.streak.first_period
    if alert.figures != item.figures_text:
        changes["figures"] = item.figures_text
    if alert.message != item.message:
        changes["message"] = item.message
    # Codes renamed since: the alert names the trigger and indicator as they are.
    for attribute, code in (
        ("trigger_code", names.trigger(key[0])),
        ("indicator_code", names.indicator(key[1])),
        ("site_code", names.site(key[2])),
    ):
        if code and getattr(alert, attribute) != code:
            changes[attribute] = code
    return changes


def _summary(
    session: Session,
    programme: ProgrammeRow,
    evaluated: set[str],
    skipped: Sequence[str],
    raised: int = 0,
    extended: int = 0,
    lost: int = 0,
    again: int = 0,
) -> EvaluationSummary:
    open_count = session.scalar(
        select(func.count())
        .select_from(AlertRow)
        .where(
            AlertRow.programme_id == programme.id,
            AlertRow.status == AlertStatus.OPEN.value,
            AlertRow.holds.is_(True),
        )
    )
    return EvaluationSummary(
        programme.code, len(evaluated), raised, extended, lost, again, int(open_count or 0), tuple(skipped)
    )


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


def _readings(metric: Metric, row: IpttRow, thresholds: Thresholds) -> list[Reading]:
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

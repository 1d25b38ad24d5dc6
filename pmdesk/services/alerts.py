# SPDX-License-Identifier: GPL-3.0-or-later
"""Triggers and their alerts (DESIGN.md §4): the triggers of a programme, checked by the rules of
domain/triggers.py; evaluation over the IPTT's figures (alert_evaluation.py); alerts listed and
acknowledged, never deleted. What it returns is in alert_records.py."""

from __future__ import annotations

import builtins

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.codes import check_code
from pmdesk.domain.enums import Measure
from pmdesk.domain.errors import ConflictError, NotFoundError, Problem, ValidationError
from pmdesk.domain.triggers import make_rule, rule_problems, scope_problem, subject_problem, threshold_text
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.alert_evaluation import AlertEvaluator
from pmdesk.services.alert_records import (
    STATUS_FILTERS,
    AlertInfo,
    AlertStatus,
    EvaluationSummary,
    ProgrammeNames,
    TriggerData,
    TriggerInfo,
    alert_info,
    log_alert,
    period_labels,
    trigger_info,
)
from pmdesk.services.lookups import programme_by_code
from pmdesk.storage.loop_models import AlertRow
from pmdesk.storage.models import IndicatorRow, ProgrammeRow, ResultRow, TriggerRow, utcnow


class AlertService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor
        self._evaluator = AlertEvaluator(sessions, actor)

    # -- triggers ---------------------------------------------------------------------------

    def list_triggers(self, programme_code: str) -> tuple[TriggerInfo, ...]:
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            rows = session.scalars(
                select(TriggerRow).where(TriggerRow.programme_id == programme.id).order_by(TriggerRow.code)
            )
            names = ProgrammeNames(session, programme)
            return tuple(trigger_info(row, names) for row in rows)

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
            return trigger_info(row, ProgrammeNames(session, programme))

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
        return self._evaluator.evaluate(programme_code)

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
            labels = period_labels(session, programme)
            names = ProgrammeNames(session, programme)
            return tuple(alert_info(r, programme, labels, names) for r in rows)

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
            log_alert(session, self._actor, row, programme.id, "status", AlertStatus.OPEN.value, row.status)
            session.flush()
            return alert_info(
                row, programme, period_labels(session, programme), ProgrammeNames(session, programme)
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

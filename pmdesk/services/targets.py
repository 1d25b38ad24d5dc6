# SPDX-License-Identifier: GPL-3.0-or-later
"""Targets per indicator and period, programme-level or per site; changes need a reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.domain.framework_rules import target_problem
from pmdesk.domain.value_checks import parse_number
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.cells import CellError, CellResolver
from pmdesk.services.history import Reason
from pmdesk.services.lookups import programme_by_code
from pmdesk.storage.models import IndicatorRow, SiteRow, TargetRow


@dataclass(frozen=True)
class TargetInfo:
    uuid: str
    indicator_code: str
    period: str
    site_code: str | None
    value: float


@dataclass(frozen=True)
class TargetChange:
    """One cell of a batch of target changes (a paste); `value` None clears the target."""

    indicator_code: str
    period: str
    value: object


class TargetService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor

    def list_targets(self, programme_code: str, site_code: str | None = None) -> list[TargetInfo]:
        """Programme-level targets, or those of one site."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            stmt = (
                select(TargetRow, IndicatorRow.code, SiteRow.code)
                .join(IndicatorRow, IndicatorRow.id == TargetRow.indicator_id)
                .outerjoin(SiteRow, SiteRow.id == TargetRow.site_id)
                .where(IndicatorRow.programme_id == programme.id)
            )
            stmt = (
                stmt.where(SiteRow.code == site_code)
                if site_code
                else stmt.where(TargetRow.site_id.is_(None))
            )
            return [
                TargetInfo(t.uuid, ind, t.period, site, t.value)
                for t, ind, site in session.execute(stmt.order_by(IndicatorRow.sort_order, TargetRow.period))
            ]

    def set_target(
        self,
        programme_code: str,
        indicator_code: str,
        period: str,
        value: object,
        *,
        site_code: str | None = None,
        reason: Reason | None = None,
    ) -> TargetInfo:
        """Set a target. Changing one already set needs a reason (DESIGN.md §5), kept in History."""
        where = _where(indicator_code, period, site_code)
        number, problem = _number(where, value)
        if problem is not None:
            raise ValidationError([problem])
        with self._sessions.begin() as session:
            row, indicator_id, site_id = self._find(
                session, programme_code, indicator_code, period, site_code, where
            )
            if row is None:
                row = TargetRow(indicator_id=indicator_id, period=period, site_id=site_id, value=number)
                session.add(row)
                session.flush()
            elif row.value != number:
                if reason is None:
                    raise ValidationError([Problem(where, "changing a target needs a reason", "reason")])
                self._log(session, row, where, row.value, number, reason)
                row.value = number
            return TargetInfo(row.uuid, indicator_code, period, site_code, row.value)

    def clear_target(
        self,
        programme_code: str,
        indicator_code: str,
        period: str,
        *,
        site_code: str | None = None,
        reason: Reason,
    ) -> bool:
        """Remove a target (with a reason, kept in History); False if there was none."""
        where = _where(indicator_code, period, site_code)
        with self._sessions.begin() as session:
            row, _, _ = self._find(session, programme_code, indicator_code, period, site_code, where)
            if row is None:
                return False
            self._log(session, row, where, row.value, None, reason)
            session.delete(row)
            return True

    def apply_targets(
        self,
        programme_code: str,
        changes: Sequence[TargetChange],
        *,
        site_code: str | None = None,
        reason: Reason | None = None,
    ) -> list[TargetInfo | None]:
        """Set or clear several targets in one transaction: all of them, or none.

        Raises one ValidationError listing the problems of every change (not a number, negative,
        unknown indicator or period, a saved target changed or cleared without `reason`). Returns
        the saved target of each change, None for a cleared one.
        """
        problems: list[Problem] = []
        numbers: list[float | None] = []
        for change in changes:
            where = _where(change.indicator_code, change.period, site_code)
            number, problem = (None, None) if change.value is None else _number(where, change.value)
            numbers.append(number)
            if problem is not None:
                problems.append(problem)
        if problems:
            raise ValidationError(problems)
        out: list[TargetInfo | None] = []
        with self._sessions.begin() as session:
            for change, number in zip(changes, numbers):
                where = _where(change.indicator_code, change.period, site_code)
                try:
                    row, indicator_id, site_id = self._find(
                        session, programme_code, change.indicator_code, change.period, site_code, where
                    )
                except ValidationError as exc:
                    problems.extend(exc.problems)
                    continue
                if number is None:
                    if row is not None:
                        if reason is None:
                            problems.append(Problem(where, "clearing a target needs a reason", "reason"))
                            continue
                        self._log(session, row, where, row.value, None, reason)
                        session.delete(row)
                    out.append(None)
                    continue
                if row is None:
                    row = TargetRow(
                        indicator_id=indicator_id, period=change.period, site_id=site_id, value=number
                    )
                    session.add(row)
                    session.flush()
                elif row.value != number:
                    if reason is None:
                        problems.append(Problem(where, "changing a target needs a reason", "reason"))
                        continue
                    self._log(session, row, where, row.value, number, reason)
                    row.value = number
                out.append(TargetInfo(row.uuid, change.indicator_code, change.period, site_code, row.value))
            if problems:
                raise ValidationError(problems)  # rolls the whole batch back
        return out

    def _find(
        self,
        session: Session,
        programme_code: str,
        indicator_code: str,
        period: str,
        site_code: str | None,
        where: str,
    ) -> tuple[TargetRow | None, int, int | None]:
        resolver = CellResolver(session, programme_by_code(session, programme_code))
        try:
            indicator_id = resolver.indicator(indicator_code).id
            resolver.check_period(period)
            site_id = resolver.site(site_code) if site_code else None
        except CellError as exc:
            raise ValidationError([Problem(where, str(exc), exc.field)]) from None
        stmt = select(TargetRow).where(TargetRow.indicator_id == indicator_id, TargetRow.period == period)
        stmt = (
            stmt.where(TargetRow.site_id == site_id) if site_id else stmt.where(TargetRow.site_id.is_(None))
        )
        return session.scalars(stmt).first(), indicator_id, site_id

    def _log(
        self, session: Session, row: TargetRow, where: str, old: object, new: object, reason: Reason
    ) -> None:
        programme_id = session.scalar(
            select(IndicatorRow.programme_id).where(IndicatorRow.id == row.indicator_id)
        )
        history.record(
            session,
            self._actor,
            entity="target",
            entity_uuid=row.uuid,
            field="value",
            old=old,
            new=new,
            label=where,
            programme_id=programme_id,
            reason=reason,
        )


def _where(indicator_code: str, period: str, site_code: str | None) -> str:
    return f"target {indicator_code} · {site_code or 'programme'} · {period}"


def _number(where: str, value: object) -> tuple[float, Problem | None]:
    """The target as a float, or the problem with it (not a number, negative)."""
    try:
        number = parse_number(value, "target")
    except ValueError as exc:
        return 0.0, Problem(where, str(exc), "value")
    why = target_problem(number)
    return number, None if why is None else Problem(where, why, "value")

# SPDX-License-Identifier: GPL-3.0-or-later
"""Data entry for one cell at a time, and the submit / approve / return / reopen workflow."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.approval import approval_refusal
from pmdesk.domain.enums import Measure, ValueStatus
from pmdesk.domain.errors import LockedError, Problem, ValidationError
from pmdesk.domain.iptt import ratio_percent
from pmdesk.domain.value_checks import check_blocking
from pmdesk.domain.value_rules import (
    is_locked,
    judged_on_site_total,
    locked_message,
    mix_clash,
    mix_message,
    status_after_change,
    value_warnings,
)
from pmdesk.services import history, value_summary
from pmdesk.services.actor import Actor
from pmdesk.services.cells import Cell, CellError, CellResolver
from pmdesk.services.lookups import combo_id_for, programme_by_code
from pmdesk.services.value_info import UnexplainedWarnings, ValueInfo, value_info
from pmdesk.storage.models import DataValueRow, TargetRow, utcnow


def value_label(cell: Cell) -> str:
    return f"{cell.indicator.code} · {cell.site_code} · {cell.period}"


def _shown(row: DataValueRow) -> object:
    """A value as History keeps it: the number, 'n/d' for a ratio, or the text."""
    if row.numerator is not None or row.denominator is not None:
        return f"{history.as_text(row.numerator)}/{history.as_text(row.denominator)}"
    return row.value if row.text is None else row.text


class DataEntryService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor

    # -- one cell ---------------------------------------------------------------------------

    def set_value(
        self,
        programme_code: str,
        indicator_code: str,
        period: str,
        site_code: str,
        options: Mapping[str, str] | None = None,
        *,
        value: object = None,
        numerator: object = None,
        denominator: object = None,
        text: object = None,
        comment: str | None = None,
    ) -> ValueInfo:
        """Save one value. Errors (ValidationError, LockedError) save nothing; warnings are kept
        on the value and never block it."""
        with self._sessions.begin() as session:
            resolver, cell = self._resolve(
                session, programme_code, indicator_code, period, site_code, options
            )
            try:
                checked = check_blocking(
                    cell.indicator.measure,
                    value,
                    numerator,
                    denominator,
                    text,
                    allows_decimals=cell.indicator.allows_decimals,
                    indicator=cell.indicator.code,
                    unit=cell.indicator.unit,
                )
            except ValueError as exc:
                raise ValidationError([Problem(value_label(cell), str(exc))]) from None
            self._refuse_mixing(session, cell)
            row = self._row(session, cell)
            if row is not None:
                self._refuse_locked(row, cell)
            comparable = (
                checked.value
                if cell.indicator.measure is Measure.NUMBER
                else ratio_percent(checked.numerator, checked.denominator)
            )
            site_total = None
            if judged_on_site_total(cell.indicator.measure, cell.is_total) and checked.value is not None:
                site_total = self._site_total(session, cell, exclude=row) + checked.value
            warnings = value_warnings(
                comparable,
                self._target_of(session, cell),
                history=self._history_of(session, cell),
                site_total=site_total,
            )
            if row is None:
                row = DataValueRow(
                    indicator_id=cell.indicator.id,
                    period=cell.period,
                    site_id=cell.site_id,
                    combo_id=cell.combo_id,
                    entered_by=self._actor.name,
                    device_uuid=self._actor.device_uuid,
                )
                session.add(row)
            else:
                old = _shown(row)
                new_row = DataValueRow(
                    value=checked.value,
                    numerator=checked.numerator,
                    denominator=checked.denominator,
                    text=checked.text,
                )
                if old != _shown(new_row):
                    history.record(
                        session,
                        self._actor,
                        entity="data_value",
                        entity_uuid=row.uuid,
                        field="value",
                        old=old,
                        new=_shown(new_row),
                        label=value_label(cell),
                        programme_id=resolver.programme.id,
                    )
                row.status = status_after_change(row.status)
                row.entered_by = self._actor.name
                row.entered_at = utcnow()
                row.device_uuid = self._actor.device_uuid
            row.value, row.numerator, row.denominator, row.text = (
                checked.value,
                checked.numerator,
                checked.denominator,
                checked.text,
            )
            row.warnings = ",".join(warnings)
            if comment is not None:
                self._set_comment(session, row, cell, comment, resolver.programme.id)
            value_summary.mark_changed(
                session, resolver.programme.id, [(cell.indicator.id, cell.period, cell.site_id)]
            )
            session.flush()
            return value_info(row, resolver)

    def clear_value(
        self,
        programme_code: str,
        indicator_code: str,
        period: str,
        site_code: str,
        options: Mapping[str, str] | None = None,
    ) -> bool:
        """Delete a cell's value (kept in History). Returns False if the cell was empty."""
        with self._sessions.begin() as session:
            resolver, cell = self._resolve(
                session, programme_code, indicator_code, period, site_code, options
            )
            row = self._row(session, cell)
            if row is None:
                return False
            self._refuse_locked(row, cell)
            history.record(
                session,
                self._actor,
                entity="data_value",
                entity_uuid=row.uuid,
                field="value",
                old=_shown(row),
                new=None,
                label=value_label(cell),
                programme_id=resolver.programme.id,
            )
            session.delete(row)
            value_summary.mark_changed(
                session, resolver.programme.id, [(cell.indicator.id, cell.period, cell.site_id)]
            )
            return True

    def set_comment(
        self,
        programme_code: str,
        indicator_code: str,
        period: str,
        site_code: str,
        options: Mapping[str, str] | None,
        comment: str,
    ) -> ValueInfo:
        with self._sessions.begin() as session:
            resolver, cell = self._resolve(
                session, programme_code, indicator_code, period, site_code, options
            )
            row = self._row(session, cell)
            if row is None:
                raise ValidationError([Problem(value_label(cell), "there is no value to comment on")])
            self._refuse_locked(row, cell)
            self._set_comment(session, row, cell, comment, resolver.programme.id)
            session.flush()
            return value_info(row, resolver)

    def values_for(self, programme_code: str, site_code: str, period: str) -> list[ValueInfo]:
        """Every value of one site and period."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            resolver = CellResolver(session, programme)
            site_id = self._checked(resolver.site, site_code)
            rows = session.scalars(
                select(DataValueRow).where(
                    DataValueRow.site_id == site_id,
                    DataValueRow.period == period,
                    DataValueRow.indicator_id.in_(resolver.indicator_codes),
                )
            )
            return [value_info(r, resolver) for r in rows]

    # -- workflow ---------------------------------------------------------------------------

    def unexplained_warnings(
        self,
        programme_code: str,
        site_code: str,
        period: str,
        statuses: Sequence[ValueStatus] = (ValueStatus.DRAFT, ValueStatus.RETURNED),
    ) -> list[ValueInfo]:
        """Values of a site and period in `statuses` whose warnings nobody has commented on."""
        return [
            v
            for v in self.values_for(programme_code, site_code, period)
            if v.is_flagged and v.status in statuses
        ]

    def submit(
        self, programme_code: str, site_code: str, period: str, *, unexplained_confirmed: str = ""
    ) -> int:
        """Draft and returned values of a site and period become submitted; returns how many.

        Raises UnexplainedWarnings (nothing submitted) while a value to submit carries a warning
        without a comment, unless `unexplained_confirmed` says who confirmed submitting them
        anyway; that confirmation is kept in each such value's history.
        """
        flagged = self.unexplained_warnings(programme_code, site_code, period)
        if flagged and not unexplained_confirmed.strip():
            raise UnexplainedWarnings(flagged)
        return self._move(
            programme_code,
            site_code,
            period,
            None,
            (ValueStatus.DRAFT, ValueStatus.RETURNED),
            ValueStatus.SUBMITTED,
            "",
            confirmations={v.uuid: unexplained_confirmed.strip() for v in flagged},
        )

    def approve(
        self, programme_code: str, site_code: str, period: str, indicator_codes: Sequence[str] | None = None
    ) -> int:
        """Submitted values become approved (locked)."""
        return self._move(
            programme_code,
            site_code,
            period,
            indicator_codes,
            (ValueStatus.SUBMITTED,),
            ValueStatus.APPROVED,
            "",
        )

    def approval_refusal(self, programme_code: str, site_code: str, period: str) -> str | None:
        """Why the person working may not approve the submitted values of a site and period (the
        programme wants approval by someone other than the submitter), or None when they may;
        the Approve dialog says it before asking, and `approve` refuses with the same words."""
        with self._sessions() as session:
            if not programme_by_code(session, programme_code).approval_by_other:
                return None
        submitted = [
            v.submitted_by
            for v in self.values_for(programme_code, site_code, period)
            if v.status is ValueStatus.SUBMITTED
        ]
        return approval_refusal(submitted, self._actor.name, by_other_required=True)

    def return_values(
        self,
        programme_code: str,
        site_code: str,
        period: str,
        reason: str,
        indicator_codes: Sequence[str] | None = None,
    ) -> int:
        """Submitted values go back to the site with a reason."""
        return self._move(
            programme_code,
            site_code,
            period,
            indicator_codes,
            (ValueStatus.SUBMITTED,),
            ValueStatus.RETURNED,
            self._needs(reason),
        )

    def reopen(
        self,
        programme_code: str,
        site_code: str,
        period: str,
        reason: str,
        indicator_codes: Sequence[str] | None = None,
    ) -> int:
        """Approved values become editable drafts again; the reason is kept."""
        return self._move(
            programme_code,
            site_code,
            period,
            indicator_codes,
            (ValueStatus.APPROVED,),
            ValueStatus.DRAFT,
            self._needs(reason),
        )

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _needs(reason: str) -> str:
        if not reason or not reason.strip():
            raise ValidationError("a reason is required")
        return reason.strip()

    @staticmethod
    def _checked(lookup, code):  # type: ignore[no-untyped-def]
        try:
            return lookup(code)
        except CellError as exc:
            raise ValidationError([Problem("", str(exc), exc.field)]) from None

    def _resolve(
        self,
        session: Session,
        programme_code: str,
        indicator_code: str,
        period: str,
        site_code: str,
        options: Mapping[str, str] | None,
    ) -> tuple[CellResolver, Cell]:
        programme = programme_by_code(session, programme_code)
        resolver = CellResolver(session, programme)
        try:
            cell = resolver.cell(indicator_code, period, site_code, options)
        except CellError as exc:
            raise ValidationError(
                [Problem(f"{indicator_code} · {site_code} · {period}", str(exc), exc.field)]
            ) from None
        return resolver, cell

    @staticmethod
    def _row(session: Session, cell: Cell) -> DataValueRow | None:
        return session.scalars(
            select(DataValueRow).where(
                DataValueRow.indicator_id == cell.indicator.id,
                DataValueRow.period == cell.period,
                DataValueRow.site_id == cell.site_id,
                DataValueRow.combo_id == cell.combo_id,
            )
        ).first()

    @staticmethod
    def _refuse_locked(row: DataValueRow, cell: Cell) -> None:
        if is_locked(row.status):
            raise LockedError(locked_message(value_label(cell)))

    @staticmethod
    def _refuse_mixing(session: Session, cell: Cell) -> None:
        same_place = select(func.count()).where(
            DataValueRow.indicator_id == cell.indicator.id,
            DataValueRow.period == cell.period,
            DataValueRow.site_id == cell.site_id,
        )
        total_id = cell.combo_id if cell.is_total else combo_id_for(session, ())
        has_total = bool(session.scalar(same_place.where(DataValueRow.combo_id == total_id)))
        has_options = bool(session.scalar(same_place.where(DataValueRow.combo_id != total_id)))
        clash = mix_clash(cell.is_total, has_total, has_options)
        if clash is not None:
            raise ValidationError([Problem(value_label(cell), mix_message(clash, "entering"))])

    def _set_comment(
        self, session: Session, row: DataValueRow, cell: Cell, comment: str, programme_id: int
    ) -> None:
        comment = comment.strip()
        if comment != row.comment:
            if row.id is not None:
                history.record(
                    session,
                    self._actor,
                    entity="data_value",
                    entity_uuid=row.uuid,
                    field="comment",
                    old=row.comment or None,
                    new=comment or None,
                    label=value_label(cell),
                    programme_id=programme_id,
                )
            row.comment = comment

    @staticmethod
    def _history_of(session: Session, cell: Cell) -> list[float]:
        """The same cell's values in the site's other periods (the site's own history)."""
        if cell.indicator.measure is Measure.PERCENT:
            rows = session.execute(
                select(DataValueRow.numerator, DataValueRow.denominator).where(
                    DataValueRow.indicator_id == cell.indicator.id,
                    DataValueRow.site_id == cell.site_id,
                    DataValueRow.combo_id == cell.combo_id,
                    DataValueRow.period != cell.period,
                )
            )
            return [p for n, d in rows if (p := ratio_percent(n, d)) is not None]
        return [
            v
            for v in session.scalars(
                select(DataValueRow.value).where(
                    DataValueRow.indicator_id == cell.indicator.id,
                    DataValueRow.site_id == cell.site_id,
                    DataValueRow.combo_id == cell.combo_id,
                    DataValueRow.period != cell.period,
                )
            )
            if v is not None
        ]

    @staticmethod
    def _target_of(session: Session, cell: Cell) -> float | None:
        """The site's own target for the period, else the programme-level one."""
        rows = dict(
            session.execute(
                select(TargetRow.site_id, TargetRow.value).where(
                    TargetRow.indicator_id == cell.indicator.id,
                    TargetRow.period == cell.period,
                    (TargetRow.site_id == cell.site_id) | TargetRow.site_id.is_(None),
                )
            ).all()
        )
        return rows.get(cell.site_id, rows.get(None))

    @staticmethod
    def _site_total(session: Session, cell: Cell, exclude: DataValueRow | None) -> float:
        stmt = select(func.coalesce(func.sum(DataValueRow.value), 0.0)).where(
            DataValueRow.indicator_id == cell.indicator.id,
            DataValueRow.period == cell.period,
            DataValueRow.site_id == cell.site_id,
        )
        if exclude is not None:
            stmt = stmt.where(DataValueRow.id != exclude.id)
        return float(session.scalar(stmt) or 0.0)

    def _move(
        self,
        programme_code: str,
        site_code: str,
        period: str,
        indicator_codes: Sequence[str] | None,
        from_states: tuple[ValueStatus, ...],
        to_state: ValueStatus,
        reason: str,
        confirmations: Mapping[str, str] | None = None,
    ) -> int:
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            resolver = CellResolver(session, programme)
            site_id = self._checked(resolver.site, site_code)
            self._checked(resolver.check_period, period)
            ids = (
                [self._checked(resolver.indicator, c).id for c in indicator_codes]
                if indicator_codes is not None
                else list(resolver.indicator_codes)
            )
            rows = session.scalars(
                select(DataValueRow).where(
                    DataValueRow.site_id == site_id,
                    DataValueRow.period == period,
                    DataValueRow.indicator_id.in_(ids),
                    DataValueRow.status.in_([s.value for s in from_states]),
                )
            ).all()
            if to_state is ValueStatus.APPROVED:
                refusal = approval_refusal(
                    (r.submitted_by for r in rows),
                    self._actor.name,
                    by_other_required=programme.approval_by_other,
                )
                if refusal is not None:
                    raise ValidationError(refusal)
            for row in rows:
                history.record(
                    session,
                    self._actor,
                    entity="data_value",
                    entity_uuid=row.uuid,
                    field="status",
                    old=row.status,
                    new=to_state.value,
                    label=f"{resolver.indicator_codes[row.indicator_id]} · {site_code} · {period}",
                    programme_id=programme.id,
                    reason=None,
                )
                if reason:
                    history.record(
                        session,
                        self._actor,
                        entity="data_value",
                        entity_uuid=row.uuid,
                        field="status_reason",
                        old=row.status_reason or None,
                        new=reason,
                        label=f"{resolver.indicator_codes[row.indicator_id]} · {site_code} · {period}",
                        programme_id=programme.id,
                    )
                confirmed = (confirmations or {}).get(row.uuid)
                if confirmed and row.warnings:
                    history.record(
                        session,
                        self._actor,
                        entity="data_value",
                        entity_uuid=row.uuid,
                        field="warnings_confirmed",
                        old=row.warnings,
                        new=confirmed,
                        label=f"{resolver.indicator_codes[row.indicator_id]} · {site_code} · {period}",
                        programme_id=programme.id,
                    )
                row.status = to_state.value
                row.status_reason = reason
                if to_state is ValueStatus.SUBMITTED:
                    row.submitted_by = self._actor.name
            value_summary.mark_changed(
                session, programme.id, [(r.indicator_id, period, site_id) for r in rows]
            )
            return len(rows)

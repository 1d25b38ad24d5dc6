# SPDX-License-Identifier: GPL-3.0-or-later
"""Variance explanations (issue #10 §3): why an indicator is off track or exceeding its target as of
a reporting period, written per indicator and period for the whole programme; which ones the IPTT's
statuses require and which of those are missing. Every change goes to History."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import Status
from pmdesk.domain.errors import NotFoundError, Problem, ValidationError
from pmdesk.domain.iptt_table import IpttTable
from pmdesk.domain.variance import normalise, requires_explanation, text_problem
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.iptt import IpttService
from pmdesk.services.lookups import indicator_by_code, programme_by_code, programme_periods
from pmdesk.storage.models import IndicatorRow, ProgrammeRow, utcnow
from pmdesk.storage.variance_models import VarianceExplanationRow

ENTITY = "variance_explanation"


@dataclass(frozen=True)
class ExplanationInfo:
    """One saved explanation. `written_by` and `written_at`: who last wrote it, when (UTC)."""

    uuid: str
    programme_code: str
    indicator_code: str
    indicator_name: str
    period: str
    text: str
    written_by: str
    written_at: datetime


@dataclass(frozen=True)
class RequiredExplanation:
    """An indicator whose to-date status as of `period` needs an explanation (domain/variance.py),
    with the IPTT's figures it explains, and the explanation if there is one."""

    indicator_code: str
    indicator_name: str
    result_code: str
    unit: str
    period: str  # the as-of period of the IPTT
    status: Status
    partial: bool  # the status rests on a partly reported period
    target: float | None  # to date
    actual: float | None  # to date
    pct_met: float | None  # to date
    explanation: ExplanationInfo | None

    @property
    def is_missing(self) -> bool:
        return self.explanation is None


class VarianceService:
    """Variance explanations of a programme's indicators, one per indicator and reporting period.

    What the donor report and the IPTT screen call:

    - `explanations(code, as_of)`: every saved explanation up to a period, in framework order.
    - `required(code, as_of)`: the indicators whose to-date status as of `as_of` (default: the
      IPTT's, the latest complete period) is off track or exceeding, partial or not, each with its
      figures and its explanation for that period or None.
    - `missing(code, as_of)`: those of `required` without an explanation, to be listed as missing.
    - `of_period(code, period)`: the explanations written for one period, needed or not.
    - `orphaned(code)`: explanations for periods the programme no longer has (its dates or
      frequency changed since): kept, never deleted, listed apart from `explanations`.

    Statuses come from IpttService (the same table the IPTT screen shows, never recomputed here);
    pass the `table` already computed to skip computing it again. An explanation is of the
    programme's figures: a table of a site subtree is refused.
    """

    def __init__(
        self, sessions: sessionmaker[Session], actor: Actor, iptt: IpttService | None = None
    ) -> None:
        self._sessions = sessions
        self._actor = actor
        self._iptt = iptt or IpttService(sessions)

    # -- writing ------------------------------------------------------------------------------

    def set(self, programme_code: str, indicator_code: str, period: str, text: str) -> ExplanationInfo | None:
        """Save the explanation of an indicator for a period; empty text removes it (returns None).

        The text is trimmed (domain/variance.normalise). ValidationError when it is too long or the
        period is not one of the programme's reporting periods (an explanation for a period the
        programme no longer has can only be removed); NotFoundError for an unknown programme or
        indicator. Saving the same text again changes nothing; every change (new,
        changed, removed) is one History row with the old and new text.
        """
        cleaned = normalise(text)
        where = f"variance explanation {indicator_code} · {period}"
        if (why := text_problem(cleaned)) is not None:
            raise ValidationError([Problem(where, why, "text")])
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            indicator = indicator_by_code(session, programme, indicator_code)
            row = session.scalars(
                select(VarianceExplanationRow).where(
                    VarianceExplanationRow.indicator_id == indicator.id,
                    VarianceExplanationRow.period == period,
                )
            ).first()
            if cleaned is not None or row is None:
                _check_period(session, programme, period, where)
            old = row.text if row is not None else None
            if old == cleaned:
                return _info(programme, indicator, row) if row is not None else None
            if row is None:
                row = VarianceExplanationRow(indicator_id=indicator.id, period=period, text="")
                session.add(row)
            if cleaned is None:
                session.delete(row)
            else:
                row.text = cleaned
                row.written_by = self._actor.name
                row.written_at = utcnow()
            session.flush()
            history.record(
                session, self._actor, entity=ENTITY, entity_uuid=row.uuid, field="text", old=old,
                new=cleaned, label=f"{indicator.code} · {period}", programme_id=programme.id,
            )  # fmt: skip
            return None if cleaned is None else _info(programme, indicator, row)

    def clear(self, programme_code: str, indicator_code: str, period: str) -> bool:
        """Remove an explanation (kept in History); False if there was none."""
        had = self.get(programme_code, indicator_code, period) is not None
        self.set(programme_code, indicator_code, period, "")
        return had

    # -- reading ------------------------------------------------------------------------------

    def get(self, programme_code: str, indicator_code: str, period: str) -> ExplanationInfo | None:
        """The explanation of one indicator for one period, or None."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            indicator = indicator_by_code(session, programme, indicator_code)
            row = session.scalars(
                select(VarianceExplanationRow).where(
                    VarianceExplanationRow.indicator_id == indicator.id,
                    VarianceExplanationRow.period == period,
                )
            ).first()
            return None if row is None else _info(programme, indicator, row)

    def explanations(self, programme_code: str, as_of: str | None = None) -> list[ExplanationInfo]:
        """The programme's explanations for its reporting periods up to `as_of` (None: all), by
        indicator in the framework's order (as the IPTT lists them), then by period. Those for
        periods the programme no longer has are `orphaned`'s."""
        return self._listed(programme_code, as_of, orphaned=False)

    def orphaned(self, programme_code: str, indicator_code: str | None = None) -> list[ExplanationInfo]:
        """The explanations (of one indicator, or all) for periods the programme no longer has —
        its dates or frequency changed after they were written — in the framework's order, then
        by period code. Kept and shown, never deleted silently; `clear` removes one."""
        found = self._listed(programme_code, None, orphaned=True)
        return [e for e in found if indicator_code is None or e.indicator_code == indicator_code]

    def _listed(self, programme_code: str, as_of: str | None, *, orphaned: bool) -> list[ExplanationInfo]:
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            order = {p.code: i for i, p in enumerate(programme_periods(session, programme))}
            if as_of is not None and as_of not in order:
                raise NotFoundError(f"'{as_of}' is not a reporting period of {programme.code}")
            rows = session.execute(
                select(VarianceExplanationRow, IndicatorRow)
                .join(IndicatorRow, IndicatorRow.id == VarianceExplanationRow.indicator_id)
                .where(IndicatorRow.programme_id == programme.id)
            ).all()
            infos = [
                ((order.get(row.period, len(order)), row.period), _info(programme, ind, row))
                for row, ind in rows
                if (row.period not in order) == orphaned
                and (as_of is None or order[row.period] <= order[as_of])
            ]
        framework = self._framework_order(programme_code) if infos else {}
        infos.sort(key=lambda t: (framework.get(t[1].indicator_code, len(framework)), t[0]))
        return [info for _, info in infos]

    def required(
        self,
        programme_code: str,
        as_of: str | None = None,
        *,
        approved_only: bool = False,
        table: IpttTable | None = None,
    ) -> list[RequiredExplanation]:
        """The indicators whose to-date status as of `as_of` needs an explanation, in the IPTT's
        order, each with its explanation for that period or None. `as_of` None: the IPTT's default
        (the latest complete period). `table`: the programme's IPTT, already computed."""
        if table is None:
            table = self._iptt.table(programme_code, as_of, approved_only=approved_only)
        elif table.site_code is not None:
            raise ValueError("variance explanations are of the programme's figures, not a site's")
        elif table.programme_code != programme_code:
            raise ValueError(f"the IPTT given is of {table.programme_code}, not {programme_code}")
        period = table.as_of
        if period is None:
            return []
        saved = {e.indicator_code: e for e in self.of_period(programme_code, period)}
        out = []
        for row in table.rows:
            to_date = row.figures.to_date
            if not requires_explanation(to_date.status, to_date.partial):
                continue
            out.append(
                RequiredExplanation(
                    row.code,
                    row.name,
                    row.result_code,
                    row.unit,
                    period,
                    to_date.status,
                    to_date.partial,
                    to_date.target,
                    to_date.actual,
                    to_date.pct_met,
                    saved.get(row.code),
                )
            )
        return out

    def missing(
        self,
        programme_code: str,
        as_of: str | None = None,
        *,
        approved_only: bool = False,
        table: IpttTable | None = None,
    ) -> list[RequiredExplanation]:
        """Those of `required` that have no explanation: listed as missing, never hidden."""
        return [
            r
            for r in self.required(programme_code, as_of, approved_only=approved_only, table=table)
            if r.is_missing
        ]

    def of_period(self, programme_code: str, period: str) -> list[ExplanationInfo]:
        """The explanations written for one period, whatever the indicators' statuses, in the IPTT's
        order."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            rows = session.execute(
                select(VarianceExplanationRow, IndicatorRow)
                .join(IndicatorRow, IndicatorRow.id == VarianceExplanationRow.indicator_id)
                .where(IndicatorRow.programme_id == programme.id, VarianceExplanationRow.period == period)
            ).all()
            infos = [_info(programme, ind, row) for row, ind in rows]
        framework = self._framework_order(programme_code) if len(infos) > 1 else {}
        return sorted(infos, key=lambda e: framework.get(e.indicator_code, len(framework)))

    # -- inside ---------------------------------------------------------------------------------

    def _framework_order(self, programme_code: str) -> dict[str, int]:
        """Indicator code → its place in the IPTT: by result, depth first, then indicator order."""
        # The IPTT's own ordering of results, so both list indicators alike.
        from pmdesk.services.iptt import _framework_order

        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            results = {r.id: i for i, r in enumerate(_framework_order(session, programme.id))}
            indicators = session.execute(
                select(
                    IndicatorRow.code, IndicatorRow.result_id, IndicatorRow.sort_order, IndicatorRow.id
                ).where(IndicatorRow.programme_id == programme.id)
            ).all()
        ordered = sorted(indicators, key=lambda i: (results.get(i[1], len(results)), i[2], i[3]))
        return {code: n for n, (code, *_) in enumerate(ordered)}


def _check_period(session: Session, programme: ProgrammeRow, period: str, where: str) -> None:
    codes = [p.code for p in programme_periods(session, programme)]
    if period not in codes:
        span = f" ({codes[0]} … {codes[-1]})" if codes else ""
        raise ValidationError(
            [Problem(where, f"'{period}' is not a reporting period of {programme.code}{span}", "period")]
        )


def _info(programme: ProgrammeRow, indicator: IndicatorRow, row: VarianceExplanationRow) -> ExplanationInfo:
    return ExplanationInfo(
        row.uuid,
        programme.code,
        indicator.code,
        indicator.name,
        row.period,
        row.text,
        row.written_by,
        row.written_at,
    )

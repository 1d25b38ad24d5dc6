# SPDX-License-Identifier: GPL-3.0-or-later
"""Programmes: create, edit, list, delete; their tiers and custom periods."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.codes import check_code
from pmdesk.domain.enums import TIER_TEMPLATES, Frequency
from pmdesk.domain.errors import ConflictError, PeriodsDroppedError, Problem, ValidationError
from pmdesk.domain.iptt import Thresholds
from pmdesk.domain.periods import (
    FISCAL_START_MONTHS,
    CustomPeriod,
    Period,
    PeriodError,
    validate_custom_periods,
)
from pmdesk.services import history, value_summary
from pmdesk.services.actor import Actor
from pmdesk.services.lookups import programme_by_code, programme_periods, thresholds_of
from pmdesk.storage.models import (
    CustomPeriodRow,
    DataValueRow,
    IndicatorRow,
    ProgrammeRow,
    ResultRow,
    SiteRow,
    TargetRow,
    TierRow,
)
from pmdesk.storage.variance_models import VarianceExplanationRow


@dataclass(frozen=True)
class ProgrammeData:
    """What a user types to create or edit a programme."""

    code: str
    name: str
    start: date
    end: date
    frequency: Frequency = Frequency.QUARTERLY
    donor: str = ""
    description: str = ""
    fiscal_year_start_month: int = 1
    thresholds: Thresholds = field(default_factory=Thresholds)
    approval_by_other: bool = False  # submitted values are approved by someone else

    def problems(self) -> list[Problem]:
        found = check_code(self.code, "programme")
        if not self.name.strip():
            found.append(Problem("programme", "a name is required", "name"))
        if self.end < self.start:
            found.append(Problem("programme", f"ends ({self.end}) before it starts ({self.start})", "end"))
        if self.fiscal_year_start_month not in FISCAL_START_MONTHS:
            found.append(
                Problem(
                    "programme",
                    "fiscal year must start in January, April, July or October",
                    "fiscal_year_start_month",
                )
            )
        found += [Problem("programme", p, "thresholds") for p in self.thresholds.problems()]
        return found


@dataclass(frozen=True)
class ProgrammeSummary:
    id: int
    uuid: str
    code: str
    name: str
    donor: str
    description: str
    start: date
    end: date
    frequency: Frequency
    fiscal_year_start_month: int
    thresholds: Thresholds
    tiers: tuple[str, ...]
    indicator_count: int
    site_count: int
    value_count: int
    approval_by_other: bool = False

    @property
    def data(self) -> ProgrammeData:
        return ProgrammeData(
            self.code,
            self.name,
            self.start,
            self.end,
            self.frequency,
            self.donor,
            self.description,
            self.fiscal_year_start_month,
            self.thresholds,
            self.approval_by_other,
        )


class ProgrammeService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor

    def list_programmes(self) -> list[ProgrammeSummary]:
        with self._sessions() as session:
            rows = session.scalars(select(ProgrammeRow).order_by(ProgrammeRow.code)).all()
            return [_summary(session, r) for r in rows]

    def get(self, code: str) -> ProgrammeSummary:
        with self._sessions() as session:
            return _summary(session, programme_by_code(session, code))

    def periods(self, code: str) -> list[Period]:
        """The programme's reporting periods, in order."""
        with self._sessions() as session:
            return programme_periods(session, programme_by_code(session, code))

    def create(
        self,
        data: ProgrammeData,
        tiers: Sequence[str] = TIER_TEMPLATES["logframe"],
        custom_periods: Sequence[CustomPeriod] = (),
    ) -> ProgrammeSummary:
        problems = data.problems() + _tier_problems(tiers) + _custom_problems(data, custom_periods)
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            if session.scalar(select(ProgrammeRow.id).where(ProgrammeRow.code == data.code)):
                raise ConflictError(f"a programme with code '{data.code}' already exists")
            row = ProgrammeRow(code=data.code)
            _apply(row, data)
            session.add(row)
            session.flush()
            for level, name in enumerate(tiers):
                session.add(TierRow(programme_id=row.id, level=level, name=name.strip()))
            for item in custom_periods:
                session.add(
                    CustomPeriodRow(programme_id=row.id, code=item.code, start=item.start, end=item.end)
                )
            session.flush()
            return _summary(session, row)

    def update(
        self,
        code: str,
        data: ProgrammeData,
        custom_periods: Sequence[CustomPeriod] | None = None,
        *,
        keep_outside: bool = False,
    ) -> ProgrammeSummary:
        """Edit a programme; its code may change. Refuses dates that would orphan entered data.

        `custom_periods`, when given, replaces the programme's custom periods (matched by code, so
        a period that keeps its code keeps its identity); None leaves them as they are.
        PeriodsDroppedError, saving nothing, when periods the edit drops have targets or variance
        explanations, unless `keep_outside` (the user confirmed): they are kept, never deleted,
        and the explanations stay listed as for periods the programme no longer has.
        """
        problems = data.problems()
        if custom_periods is not None:
            problems += _custom_problems(data, custom_periods)
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            row = programme_by_code(session, code)
            if data.code != code and session.scalar(
                select(ProgrammeRow.id).where(ProgrammeRow.code == data.code)
            ):
                raise ConflictError(f"a programme with code '{data.code}' already exists")
            before = {f: getattr(row, f) for f in _FIELDS}
            try:
                had = {p.code for p in programme_periods(session, row)}
            except PeriodError:
                had = set()
            _apply(row, data)
            if custom_periods is not None:
                _replace_custom_periods(session, self._actor, row, custom_periods)
            session.flush()
            try:
                periods = programme_periods(session, row)
            except PeriodError as exc:
                raise ValidationError([Problem("programme", str(exc))]) from None
            if not periods and data.frequency is Frequency.CUSTOM:
                raise ValidationError(
                    [Problem("custom periods", "a programme with custom frequency needs custom periods")]
                )
            kept = {p.code for p in periods}
            orphaned = session.scalars(
                select(DataValueRow.period)
                .join(IndicatorRow, IndicatorRow.id == DataValueRow.indicator_id)
                .where(IndicatorRow.programme_id == row.id, DataValueRow.period.not_in(kept))
                .distinct()
            ).all()
            if orphaned:
                raise ValidationError(
                    [
                        Problem(
                            "programme",
                            "data exists for periods the new dates or frequency would drop: "
                            + ", ".join(sorted(orphaned)[:10]),
                        )
                    ]
                )
            if not keep_outside and (dropped := had - kept):
                _refuse_dropping(session, row, sorted(dropped))
            for name, old in before.items():
                new = getattr(row, name)
                if old != new:
                    history.record(
                        session,
                        self._actor,
                        entity="programme",
                        entity_uuid=row.uuid,
                        field=name,
                        old=old,
                        new=new,
                        label=row.code,
                        programme_id=row.id,
                    )
            return _summary(session, row)

    def rename_tiers(self, code: str, names: Sequence[str]) -> ProgrammeSummary:
        """Rename tiers in place, or add tiers at the bottom; a tier in use is never removed."""
        problems = _tier_problems(names)
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            programme = programme_by_code(session, code)
            tiers = session.scalars(
                select(TierRow).where(TierRow.programme_id == programme.id).order_by(TierRow.level)
            ).all()
            for tier in tiers[len(names) :]:
                if session.scalar(select(func.count()).where(ResultRow.tier_id == tier.id)):
                    raise ConflictError(f"tier '{tier.name}' has results; move them before removing it")
                session.delete(tier)
            session.flush()
            # Rename through temporary names so that swapping two names does not trip the unique index.
            for tier in tiers[: len(names)]:
                tier.name = f"\x00{tier.level}"
            session.flush()
            for level, name in enumerate(names):
                if level < len(tiers):
                    tiers[level].name = name.strip()
                else:
                    session.add(TierRow(programme_id=programme.id, level=level, name=name.strip()))
            session.flush()
            return _summary(session, programme)

    def delete(self, code: str, *, with_data: bool = False) -> None:
        """Delete a programme. Refuses when it has data values unless `with_data` is set (the UI
        asks the user first); History keeps what was there."""
        with self._sessions.begin() as session:
            row = programme_by_code(session, code)
            values = _value_count(session, row.id)
            if values and not with_data:
                raise ConflictError(
                    f"programme {code} has {values} data values; confirm deleting them with the programme"
                )
            history.record(
                session,
                self._actor,
                entity="programme",
                entity_uuid=row.uuid,
                field="deleted",
                old=f"{row.code} ({values} values)",
                new=None,
                label=row.code,
                programme_id=row.id,
            )
            # Results and sites point at themselves; clear those links so the cascade can run.
            session.execute(update(ResultRow).where(ResultRow.programme_id == row.id).values(parent_id=None))
            session.execute(update(SiteRow).where(SiteRow.programme_id == row.id).values(parent_id=None))
            ids = select(IndicatorRow.id).where(IndicatorRow.programme_id == row.id).scalar_subquery()
            session.execute(delete(DataValueRow).where(DataValueRow.indicator_id.in_(ids)))
            value_summary.mark_programme(session, row.id)  # its sums go with it
            session.delete(row)


_FIELDS = (
    "code",
    "name",
    "donor",
    "description",
    "start",
    "end",
    "frequency",
    "fiscal_year_start_month",
    "threshold_exceeding",
    "threshold_on_track",
    "threshold_at_risk",
    "approval_by_other",
)


def _apply(row: ProgrammeRow, data: ProgrammeData) -> None:
    row.code = data.code
    row.name = data.name.strip()
    row.donor = data.donor.strip()
    row.description = data.description
    row.start = data.start
    row.end = data.end
    row.frequency = Frequency(data.frequency).value
    row.fiscal_year_start_month = data.fiscal_year_start_month
    row.threshold_exceeding = data.thresholds.exceeding
    row.threshold_on_track = data.thresholds.on_track
    row.threshold_at_risk = data.thresholds.at_risk
    row.approval_by_other = data.approval_by_other


def _replace_custom_periods(
    session: Session, actor: Actor, row: ProgrammeRow, periods: Sequence[CustomPeriod]
) -> None:
    existing = {
        c.code: c
        for c in session.scalars(select(CustomPeriodRow).where(CustomPeriodRow.programme_id == row.id))
    }
    old = _periods_text(CustomPeriod(c.code, c.start, c.end) for c in existing.values())
    wanted = {p.code: p for p in periods}
    for gone in set(existing) - set(wanted):
        session.delete(existing.pop(gone))
    session.flush()
    for item in periods:
        current = existing.get(item.code)
        if current is None:
            session.add(CustomPeriodRow(programme_id=row.id, code=item.code, start=item.start, end=item.end))
        elif (current.start, current.end) != (item.start, item.end):
            current.start, current.end = item.start, item.end
    new = _periods_text(periods)
    if old != new:
        history.record(
            session,
            actor,
            entity="programme",
            entity_uuid=row.uuid,
            field="custom_periods",
            old=old,
            new=new,
            label=row.code,
            programme_id=row.id,
        )


def _refuse_dropping(session: Session, row: ProgrammeRow, dropped: list[str]) -> None:
    """PeriodsDroppedError when targets or variance explanations refer to the `dropped` periods."""
    indicators = select(IndicatorRow.id).where(IndicatorRow.programme_id == row.id).scalar_subquery()
    referred: set[str] = set()
    counts = []
    for table in (TargetRow, VarianceExplanationRow):
        by_period = session.execute(
            select(table.period, func.count())
            .where(table.indicator_id.in_(indicators), table.period.in_(dropped))
            .group_by(table.period)
        ).all()
        counts.append(sum(n for _, n in by_period))
        referred |= {period for period, _ in by_period}
    targets, explanations = counts
    if not referred:
        return
    periods = tuple(p for p in dropped if p in referred)
    things = " and ".join(
        words
        for n, words in (
            (targets, f"{targets} target{'' if targets == 1 else 's'}"),
            (explanations, f"{explanations} variance explanation{'' if explanations == 1 else 's'}"),
        )
        if n
    )
    shown = ", ".join(periods[:10]) + (" …" if len(periods) > 10 else "")
    refer = "refers" if targets + explanations == 1 else "refer"
    raise PeriodsDroppedError(
        f"The new dates or frequency drop {len(periods)} period{'' if len(periods) == 1 else 's'} "
        f"({shown}) that {things} {refer} to. Saving keeps them, never deletes them: the IPTT's "
        "variance dialog and 'pmdesk explain' list such explanations as for periods the programme "
        "no longer has, and changing the dates back brings them back.",
        periods,
        targets,
        explanations,
    )


def _periods_text(periods: Iterable[CustomPeriod]) -> str:
    ordered = sorted(periods, key=lambda p: (p.start, p.end, p.code))
    return ", ".join(f"{p.code} {p.start}–{p.end}" for p in ordered)


def _tier_problems(tiers: Sequence[str]) -> list[Problem]:
    names = [t.strip() for t in tiers]
    if not names:
        return [Problem("tiers", "at least one tier is required")]
    if any(not n for n in names):
        return [Problem("tiers", "tier names must not be empty")]
    if len(set(names)) != len(names):
        return [Problem("tiers", "tier names must be different")]
    return []


def _custom_problems(data: ProgrammeData, periods: Sequence[CustomPeriod]) -> list[Problem]:
    found = [Problem("custom periods", p) for p in validate_custom_periods(periods)]
    if data.frequency is Frequency.CUSTOM and not periods:
        found.append(Problem("custom periods", "a programme with custom frequency needs custom periods"))
    return found


def _value_count(session: Session, programme_id: int) -> int:
    """From the value summary when it is up to date in this snapshot, else counted."""
    counted = value_summary.value_count(session, programme_id)
    if counted is not None:
        return counted
    return (
        session.scalar(
            select(func.count())
            .select_from(DataValueRow)
            .join(IndicatorRow, IndicatorRow.id == DataValueRow.indicator_id)
            .where(IndicatorRow.programme_id == programme_id)
        )
        or 0
    )


def _summary(session: Session, row: ProgrammeRow) -> ProgrammeSummary:
    tiers = session.scalars(
        select(TierRow.name).where(TierRow.programme_id == row.id).order_by(TierRow.level)
    ).all()
    indicators = session.scalar(select(func.count()).where(IndicatorRow.programme_id == row.id)) or 0
    sites = session.scalar(select(func.count()).where(SiteRow.programme_id == row.id)) or 0
    return ProgrammeSummary(
        row.id,
        row.uuid,
        row.code,
        row.name,
        row.donor,
        row.description,
        row.start,
        row.end,
        Frequency(row.frequency),
        row.fiscal_year_start_month,
        thresholds_of(row),
        tuple(tiers),
        indicators,
        sites,
        _value_count(session, row.id),
        row.approval_by_other,
    )

# SPDX-License-Identifier: GPL-3.0-or-later
"""What the data-entry grid shows for one site and period: indicators by result, their cells, values."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import Direction, Measure
from pmdesk.domain.errors import NotFoundError
from pmdesk.services.cells import CellResolver, IndicatorFacts
from pmdesk.services.iptt import ResultInfo, _framework_order
from pmdesk.services.lookups import MissingComboError, combo_id_for, programme_by_code
from pmdesk.services.value_info import ValueInfo, value_info
from pmdesk.storage.models import (
    DataValueRow,
    DisaggregationRow,
    IndicatorRow,
    OptionRow,
    SiteRow,
    TargetRow,
)


@dataclass(frozen=True)
class ComboInfo:
    """One cell of an indicator: a combination of options, or the undisaggregated total."""

    combo_id: int
    options: dict[str, str]  # {disaggregation code: option code}; empty for the total
    label: str  # "Female · Under 18", or "Total"

    @property
    def is_total(self) -> bool:
        return not self.options


@dataclass(frozen=True)
class GridIndicator:
    id: int
    code: str
    name: str
    result_id: int
    measure: Measure
    direction: Direction
    unit: str
    disaggregations: tuple[str, ...]
    combos: tuple[ComboInfo, ...]  # the cross product of its options, in option order
    total: ComboInfo
    target: float | None  # the site's own target for the period, else the programme's
    values: dict[int, ValueInfo] = field(default_factory=dict)  # by combo id
    stray: tuple[ComboInfo, ...] = ()  # cells with values that the current disaggregations no longer make

    @property
    def has_total(self) -> bool:
        return self.total.combo_id in self.values

    @property
    def has_options(self) -> bool:
        return any(cid != self.total.combo_id for cid in self.values)


@dataclass(frozen=True)
class EntryGrid:
    programme_code: str
    site_code: str
    site_name: str
    period: str
    period_label: str
    previous_period: str | None
    next_period: str | None
    results: tuple[ResultInfo, ...]
    indicators: tuple[GridIndicator, ...]  # framework order

    def indicators_of(self, result_id: int) -> list[GridIndicator]:
        return [i for i in self.indicators if i.result_id == result_id]


class EntryGridService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def grid(self, programme_code: str, site_code: str, period: str) -> EntryGrid:
        """Everything the grid needs for one site and period, in two queries over the values.

        A read, so that the grid shows while an import writes; only the first time a grid shows an
        option combo not stored yet is it read again in a write transaction that stores it.
        """
        try:
            with self._sessions() as session:
                return self._grid(session, programme_code, site_code, period, create=False)
        except MissingComboError:
            with self._sessions.begin() as session:
                return self._grid(session, programme_code, site_code, period, create=True)

    def _grid(
        self, session: Session, programme_code: str, site_code: str, period: str, *, create: bool
    ) -> EntryGrid:
        programme = programme_by_code(session, programme_code)
        resolver = CellResolver(session, programme)
        site_id = resolver.sites.get(site_code)
        if site_id is None:
            raise NotFoundError(f"programme {programme_code} has no site '{site_code}'")
        if period not in resolver.periods:
            raise NotFoundError(f"'{period}' is not a reporting period of {programme_code}")
        codes = list(resolver.periods)
        index = codes.index(period)
        results = _framework_order(session, programme.id)
        order = {r.id: i for i, r in enumerate(results)}
        labels = _option_labels(session, programme.id)
        total_id = combo_id_for(session, (), create=create)
        targets = _targets(session, programme.id, site_id, period)
        values: dict[int, dict[int, ValueInfo]] = {}
        for row in session.scalars(
            select(DataValueRow).where(
                DataValueRow.site_id == site_id,
                DataValueRow.period == period,
                DataValueRow.indicator_id.in_(resolver.indicator_codes),
            )
        ):
            values.setdefault(row.indicator_id, {})[row.combo_id] = value_info(row, resolver)
        rows = session.scalars(select(IndicatorRow).where(IndicatorRow.programme_id == programme.id)).all()
        indicators = []
        for ind in sorted(rows, key=lambda i: (order.get(i.result_id, len(order)), i.sort_order, i.id)):
            facts = resolver.indicators[ind.code]
            combos = (
                tuple(
                    _combo(resolver, facts, labels, dict(zip(facts.disaggregations, choice)), create)
                    for choice in itertools.product(*(resolver.options[d] for d in facts.disaggregations))
                )
                if facts.disaggregations
                else ()
            )
            mine = values.get(ind.id, {})
            known = {c.combo_id for c in combos} | {total_id}
            stray = tuple(
                ComboInfo(cid, v.options, _label(labels, v.options) + " (no longer used)")
                for cid, v in mine.items()
                if cid not in known
            )
            indicators.append(
                GridIndicator(
                    ind.id,
                    ind.code,
                    ind.name,
                    ind.result_id,
                    Measure(ind.measure),
                    Direction(ind.direction),
                    ind.unit,
                    facts.disaggregations,
                    combos,
                    ComboInfo(total_id, {}, "Total"),
                    targets.get(ind.id),
                    mine,
                    stray,
                )
            )
        site_name = session.scalar(select(SiteRow.name).where(SiteRow.id == site_id)) or site_code
        return EntryGrid(
            programme.code,
            site_code,
            site_name,
            period,
            resolver.periods[period].label(),
            codes[index - 1] if index > 0 else None,
            codes[index + 1] if index + 1 < len(codes) else None,
            tuple(results),
            tuple(indicators),
        )


def _option_labels(session: Session, programme_id: int) -> dict[tuple[str, str], str]:
    rows = session.execute(
        select(DisaggregationRow.code, OptionRow.code, OptionRow.name)
        .join(OptionRow, OptionRow.disaggregation_id == DisaggregationRow.id)
        .where(DisaggregationRow.programme_id == programme_id)
    ).all()
    return {(d, o): name for d, o, name in rows}


def _label(labels: dict[tuple[str, str], str], options: dict[str, str]) -> str:
    return " · ".join(labels.get((d, o), o) for d, o in options.items()) or "Total"


def _combo(
    resolver: CellResolver,
    facts: IndicatorFacts,
    labels: dict[tuple[str, str], str],
    options: dict[str, str],
    create: bool,
) -> ComboInfo:
    combo_id, _ = resolver.combo(facts, options, create=create)
    return ComboInfo(combo_id, options, _label(labels, options))


def _targets(session: Session, programme_id: int, site_id: int, period: str) -> dict[int, float]:
    rows = session.execute(
        select(TargetRow.indicator_id, TargetRow.site_id, TargetRow.value)
        .join(IndicatorRow, IndicatorRow.id == TargetRow.indicator_id)
        .where(
            IndicatorRow.programme_id == programme_id,
            TargetRow.period == period,
            (TargetRow.site_id == site_id) | TargetRow.site_id.is_(None),
        )
    ).all()
    out: dict[int, float] = {}
    for indicator_id, _site, value in sorted(rows, key=lambda r: r[1] is not None):
        out[indicator_id] = value  # the site's own target, sorted last, wins
    return out

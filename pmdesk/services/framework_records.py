# SPDX-License-Identifier: GPL-3.0-or-later
"""What the framework service takes and returns (results, indicators with their reference sheet,
disaggregations, as frozen dataclasses) and how they are read from their rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pmdesk.domain.enums import Cumulation, Direction, Measure
from pmdesk.domain.framework_rules import depth_first
from pmdesk.storage.models import (
    DataValueRow,
    DisaggregationRow,
    IndicatorDisaggregationRow,
    IndicatorRow,
    PersonRow,
    ProgrammeRow,
    ResultRow,
    TierRow,
)


@dataclass(frozen=True)
class ResultData:
    code: str
    title: str
    tier: str
    parent_code: str | None = None
    description: str = ""


@dataclass(frozen=True)
class ResultInfo:
    id: int
    uuid: str
    code: str
    title: str
    tier: str
    parent_code: str | None
    description: str
    depth: int


@dataclass(frozen=True)
class IndicatorData:
    """Every field of the indicator reference sheet (PIRS)."""

    code: str
    name: str
    result_code: str
    measure: Measure = Measure.NUMBER
    direction: Direction = Direction.INCREASE
    cumulation: Cumulation = Cumulation.PERIODIC
    unit: str = ""
    definition: str = ""
    disaggregations: tuple[str, ...] = ()
    baseline_value: float | None = None
    baseline_date: date | None = None
    baseline_note: str = ""
    lop_target: float | None = None
    data_source: str = ""
    collection_method: str = ""
    frequency: str = ""
    responsible_code: str | None = None
    means_of_verification: str = ""
    rationale: str = ""
    # A count (a number's value, a percent's numerator and denominator) may have a fraction.
    allows_decimals: bool = False


@dataclass(frozen=True)
class IndicatorInfo:
    id: int
    uuid: str
    data: IndicatorData
    value_count: int


@dataclass(frozen=True)
class OptionData:
    code: str
    name: str


@dataclass(frozen=True)
class DisaggregationInfo:
    id: int
    uuid: str
    code: str
    name: str
    options: tuple[OptionData, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class IndicatorSaved:
    """The saved indicator and, when its disaggregations changed over existing data, what that means."""

    indicator: IndicatorInfo
    notice: str = ""


def results_of(session: Session, programme: ProgrammeRow) -> list[ResultInfo]:
    tiers = dict(
        session.execute(select(TierRow.id, TierRow.name).where(TierRow.programme_id == programme.id)).all()
    )
    rows = session.scalars(
        select(ResultRow)
        .where(ResultRow.programme_id == programme.id)
        .order_by(ResultRow.sort_order, ResultRow.id)
    ).all()
    by_id = {r.id: r for r in rows}
    out: list[ResultInfo] = []
    for r, depth in depth_first(rows, lambda r: r.id, lambda r: r.parent_id):
        parent = by_id.get(r.parent_id) if r.parent_id else None
        out.append(
            ResultInfo(
                r.id,
                r.uuid,
                r.code,
                r.title,
                tiers.get(r.tier_id, ""),
                parent.code if parent else None,
                r.description,
                depth,
            )
        )
    return out


def indicator_data(session: Session, row: IndicatorRow) -> IndicatorData:
    disaggs = session.scalars(
        select(DisaggregationRow.code)
        .join(
            IndicatorDisaggregationRow, IndicatorDisaggregationRow.disaggregation_id == DisaggregationRow.id
        )
        .where(IndicatorDisaggregationRow.indicator_id == row.id)
        .order_by(IndicatorDisaggregationRow.position)
    ).all()
    result_code = session.scalar(select(ResultRow.code).where(ResultRow.id == row.result_id)) or ""
    responsible = (
        session.scalar(select(PersonRow.code).where(PersonRow.id == row.responsible_id))
        if row.responsible_id
        else None
    )
    return _data_of(row, result_code, tuple(disaggs), responsible)


def _data_of(
    row: IndicatorRow, result_code: str, disaggregations: tuple[str, ...], responsible: str | None
) -> IndicatorData:
    return IndicatorData(
        row.code,
        row.name,
        result_code,
        Measure(row.measure),
        Direction(row.direction),
        Cumulation(row.cumulation),
        row.unit,
        row.definition,
        disaggregations,
        row.baseline_value,
        row.baseline_date,
        row.baseline_note,
        row.lop_target,
        row.data_source,
        row.collection_method,
        row.frequency,
        responsible,
        row.means_of_verification,
        row.rationale,
        row.allows_decimals,
    )


def indicator_info(session: Session, row: IndicatorRow) -> IndicatorInfo:
    values = session.scalar(select(func.count()).where(DataValueRow.indicator_id == row.id)) or 0
    return IndicatorInfo(row.id, row.uuid, indicator_data(session, row), values)


def indicator_infos(session: Session, programme_id: int, rows: Sequence[IndicatorRow]) -> list[IndicatorInfo]:
    """What indicator_info gives for each row, in four queries for the lot instead of four a row."""
    results = {
        id_: code
        for id_, code in session.execute(
            select(ResultRow.id, ResultRow.code).where(ResultRow.programme_id == programme_id)
        )
    }
    people = {
        id_: code
        for id_, code in session.execute(
            select(PersonRow.id, PersonRow.code).where(PersonRow.programme_id == programme_id)
        )
    }
    disaggregations: dict[int, list[str]] = {}
    links = (
        select(IndicatorDisaggregationRow.indicator_id, DisaggregationRow.code)
        .join(DisaggregationRow, IndicatorDisaggregationRow.disaggregation_id == DisaggregationRow.id)
        .where(DisaggregationRow.programme_id == programme_id)
        .order_by(IndicatorDisaggregationRow.indicator_id, IndicatorDisaggregationRow.position)
    )
    for indicator_id, code in session.execute(links):
        disaggregations.setdefault(indicator_id, []).append(code)
    counts = {
        indicator_id: count
        for indicator_id, count in session.execute(
            select(DataValueRow.indicator_id, func.count())
            .where(DataValueRow.indicator_id.in_([row.id for row in rows]))
            .group_by(DataValueRow.indicator_id)
        )
    }
    return [
        IndicatorInfo(
            row.id,
            row.uuid,
            _data_of(
                row,
                results.get(row.result_id, ""),
                tuple(disaggregations.get(row.id, ())),
                people.get(row.responsible_id) if row.responsible_id else None,
            ),
            counts.get(row.id, 0),
        )
        for row in rows
    ]


def disaggregation_info(row: DisaggregationRow) -> DisaggregationInfo:
    return DisaggregationInfo(
        row.id, row.uuid, row.code, row.name, tuple(OptionData(o.code, o.name) for o in row.options)
    )

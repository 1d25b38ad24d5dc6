# SPDX-License-Identifier: GPL-3.0-or-later
"""What saving an indicator checks against the database (its code, result, person and
disaggregations; decimals over existing values) and writes beside its own fields (its disaggregations)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, and_, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from pmdesk.domain.codes import check_code
from pmdesk.domain.enums import Cumulation, Direction, Measure
from pmdesk.domain.errors import NotFoundError, Problem
from pmdesk.domain.framework_rules import disaggregation_problem, planned_figure_problem, twice_listed
from pmdesk.services.framework_records import IndicatorData
from pmdesk.storage.models import (
    DataValueRow,
    DisaggregationRow,
    IndicatorDisaggregationRow,
    IndicatorRow,
    PersonRow,
    ProgrammeRow,
    ResultRow,
)


def indicator_problems(
    session: Session, programme: ProgrammeRow, data: IndicatorData, row: IndicatorRow | None
) -> tuple[list[Problem], int, int | None, list[int]]:
    """Every problem of `data` (the indicator as typed; `row` as stored, None when new), and the ids
    it names: its result, the person responsible, its disaggregations."""
    where = f"indicator {data.code}"
    problems = check_code(data.code, "indicator")
    if not data.name.strip():
        problems.append(Problem(where, "a name is required", "name"))
    for enum, value, name in (
        (Measure, data.measure, "measure"),
        (Direction, data.direction, "direction"),
        (Cumulation, data.cumulation, "cumulation"),
    ):
        try:
            enum(value)
        except ValueError:
            problems.append(Problem(where, f"'{value}' is not a {name}", name))
    clash = session.scalars(
        select(IndicatorRow).where(IndicatorRow.programme_id == programme.id, IndicatorRow.code == data.code)
    ).first()
    if clash is not None and clash is not row:
        problems.append(Problem(where, f"programme {programme.code} already has an indicator '{data.code}'"))
    result = result_by_code(session, programme, data.result_code, required=False)
    if result is None:
        problems.append(Problem(where, f"no result '{data.result_code}'", "result"))
    responsible_id = None
    if data.responsible_code:
        responsible_id = session.scalar(
            select(PersonRow.id).where(
                PersonRow.programme_id == programme.id, PersonRow.code == data.responsible_code
            )
        )
        if responsible_id is None:
            problems.append(Problem(where, f"no person '{data.responsible_code}'", "responsible"))
    disagg_ids = []
    for code in data.disaggregations:
        disagg_id = session.scalar(
            select(DisaggregationRow.id).where(
                DisaggregationRow.programme_id == programme.id, DisaggregationRow.code == code
            )
        )
        if disagg_id is None:
            problems.append(Problem(where, f"no disaggregation '{code}'", "disaggregations"))
        else:
            disagg_ids.append(disagg_id)
    if twice_listed(data.disaggregations):
        problems.append(Problem(where, "a disaggregation is listed twice", "disaggregations"))
    if (why := disaggregation_problem(data.measure, data.disaggregations)) is not None:
        problems.append(Problem(where, why, "disaggregations"))
    for name, number in (("baseline_value", data.baseline_value), ("lop_target", data.lop_target)):
        if (why := planned_figure_problem(number)) is not None:
            problems.append(Problem(where, why, name))
    return problems, result.id if result else 0, responsible_id, disagg_ids


def set_disaggregations(
    session: Session,
    row: IndicatorRow,
    ids: list[int],
    codes: Sequence[str],
    before: IndicatorData | None,
) -> str:
    session.execute(
        delete(IndicatorDisaggregationRow).where(IndicatorDisaggregationRow.indicator_id == row.id)
    )
    for position, disagg_id in enumerate(ids):
        session.add(
            IndicatorDisaggregationRow(indicator_id=row.id, disaggregation_id=disagg_id, position=position)
        )
    if before is None or tuple(before.disaggregations) == tuple(codes):
        return ""
    values = session.scalar(select(func.count()).where(DataValueRow.indicator_id == row.id)) or 0
    if not values:
        return ""
    return (
        f"{values} existing values keep their cells and still count in every total. Values entered "
        "per option of a disaggregation no longer used are shown as such; new entries use the new cells."
    )


def values_with_fractions(session: Session, indicator_id: int) -> int:
    """How many of an indicator's values have a count with a fraction."""
    fraction = [
        and_(column.is_not(None), column != cast(column, Integer))
        for column in (DataValueRow.value, DataValueRow.numerator, DataValueRow.denominator)
    ]
    query = select(func.count()).where(DataValueRow.indicator_id == indicator_id, or_(*fraction))
    return session.scalar(query) or 0


def result_by_code(
    session: Session, programme: ProgrammeRow, code: str | None, required: bool = True
) -> ResultRow:
    row = session.scalars(
        select(ResultRow).where(ResultRow.programme_id == programme.id, ResultRow.code == code)
    ).first()
    if row is None and required:
        raise NotFoundError(f"programme {programme.code} has no result '{code}'")
    return row  # type: ignore[return-value]

# SPDX-License-Identifier: GPL-3.0-or-later
"""The results framework: Results on Tiers, Indicators with their reference sheet, Disaggregations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import Integer, and_, cast, delete, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.codes import check_code
from pmdesk.domain.enums import Cumulation, Direction, Measure
from pmdesk.domain.errors import ConflictError, NotFoundError, Problem, ValidationError
from pmdesk.domain.framework_rules import (
    disaggregation_problem,
    is_below,
    planned_figure_problem,
    twice_listed,
)
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.history import Reason
from pmdesk.services.lookups import indicator_by_code, programme_by_code
from pmdesk.storage.models import (
    DataValueRow,
    DisaggregationRow,
    IndicatorDisaggregationRow,
    IndicatorRow,
    OptionComboRow,
    OptionRow,
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


class FrameworkService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor

    # -- results ----------------------------------------------------------------------------

    def list_results(self, programme_code: str) -> list[ResultInfo]:
        """Results depth first, each parent before its children."""
        with self._sessions() as session:
            return _results(session, programme_by_code(session, programme_code))

    def save_result(
        self, programme_code: str, data: ResultData, *, original_code: str | None = None
    ) -> ResultInfo:
        """Create a result, or update the one known as `original_code`."""
        problems = check_code(data.code, "result")
        if not data.title.strip():
            problems.append(Problem(f"result {data.code}", "a title is required", "title"))
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            tier = session.scalars(
                select(TierRow).where(TierRow.programme_id == programme.id, TierRow.name == data.tier)
            ).first()
            if tier is None:
                raise ValidationError(
                    [Problem(f"result {data.code}", f"'{data.tier}' is not a tier", "tier")]
                )
            existing = _result(session, programme, data.code, required=False)
            row = _result(session, programme, original_code) if original_code else None
            if existing is not None and existing is not row:
                raise ConflictError(f"programme {programme_code} already has a result '{data.code}'")
            parent = _result(session, programme, data.parent_code) if data.parent_code else None
            if row is None:
                order = (
                    session.scalar(select(func.count()).where(ResultRow.programme_id == programme.id)) or 0
                )
                row = ResultRow(programme_id=programme.id, sort_order=order)
                session.add(row)
            elif parent is not None and _is_below(session, parent, row.id):
                raise ValidationError(
                    [
                        Problem(
                            f"result {row.code}",
                            f"cannot move under {parent.code}, which is below it",
                            "parent",
                        )
                    ]
                )
            row.code, row.title, row.description = data.code, data.title.strip(), data.description
            row.tier_id, row.parent_id = tier.id, parent.id if parent else None
            session.flush()
            return next(r for r in _results(session, programme) if r.code == data.code)

    def move_result(self, programme_code: str, code: str, parent_code: str | None, position: int) -> None:
        """Re-parent a result and put it at `position` among its siblings (drag and drop)."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = _result(session, programme, code)
            parent = _result(session, programme, parent_code) if parent_code else None
            if parent is not None and _is_below(session, parent, row.id):
                raise ValidationError([Problem(f"result {code}", "cannot move under itself", "parent")])
            row.parent_id = parent.id if parent else None
            siblings = [
                r
                for r in session.scalars(
                    select(ResultRow)
                    .where(ResultRow.programme_id == programme.id, ResultRow.parent_id == row.parent_id)
                    .order_by(ResultRow.sort_order, ResultRow.id)
                )
                if r.id != row.id
            ]
            siblings.insert(max(0, min(position, len(siblings))), row)
            for index, sibling in enumerate(siblings):
                sibling.sort_order = index

    def delete_result(self, programme_code: str, code: str) -> None:
        """Delete a result with no indicators and no results below it."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = _result(session, programme, code)
            indicators = session.scalar(select(func.count()).where(IndicatorRow.result_id == row.id)) or 0
            children = session.scalar(select(func.count()).where(ResultRow.parent_id == row.id)) or 0
            if indicators or children:
                raise ConflictError(
                    f"result {code} has {indicators} indicators and {children} results below it; move them first"
                )
            session.delete(row)

    # -- indicators -------------------------------------------------------------------------

    def list_indicators(self, programme_code: str) -> list[IndicatorInfo]:
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            rows = session.scalars(
                select(IndicatorRow)
                .where(IndicatorRow.programme_id == programme.id)
                .order_by(IndicatorRow.sort_order, IndicatorRow.id)
            ).all()
            return _indicator_infos(session, programme.id, rows)

    def get_indicator(self, programme_code: str, code: str) -> IndicatorInfo:
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            return _indicator_info(session, indicator_by_code(session, programme, code))

    def save_indicator(
        self,
        programme_code: str,
        data: IndicatorData,
        *,
        original_code: str | None = None,
        reason: Reason | None = None,
    ) -> IndicatorSaved:
        """Create an indicator, or update the one known as `original_code`.

        Changing a baseline that was already set needs a `reason`. Every changed field of an existing
        indicator is recorded in History. Changing disaggregations never deletes values: existing
        values keep their cells and the returned notice says how totals are affected.
        """
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = indicator_by_code(session, programme, original_code) if original_code else None
            problems, result_id, responsible_id, disagg_ids = self._check_indicator(
                session, programme, data, row
            )
            if problems:
                raise ValidationError(problems)
            if row is None:
                order = (
                    session.scalar(select(func.count()).where(IndicatorRow.programme_id == programme.id)) or 0
                )
                row = IndicatorRow(programme_id=programme.id, sort_order=order)
                session.add(row)
                before: IndicatorData | None = None
            else:
                before = _indicator_data(session, row)
                baseline_changed = (before.baseline_value, before.baseline_date) != (
                    data.baseline_value,
                    data.baseline_date,
                )
                if baseline_changed and before.baseline_value is not None and reason is None:
                    raise ValidationError(
                        [
                            Problem(
                                f"indicator {before.code}", "changing a baseline needs a reason", "baseline"
                            )
                        ]
                    )
                values = session.scalar(select(func.count()).where(DataValueRow.indicator_id == row.id)) or 0
                if values and Measure(data.measure) != before.measure:
                    raise ConflictError(
                        f"indicator {before.code} has {values} values; its measure cannot change from "
                        f"{before.measure} to {data.measure}"
                    )
                if before.allows_decimals and not data.allows_decimals:
                    fractions = _values_with_fractions(session, row.id)
                    if fractions:
                        raise ConflictError(
                            f"indicator {before.code} has {fractions} values with decimals; correct"
                            " them before refusing decimals"
                        )
            row.result_id, row.responsible_id = result_id, responsible_id
            row.code, row.name, row.definition = data.code, data.name.strip(), data.definition
            row.measure, row.direction, row.cumulation = (
                Measure(data.measure).value,
                Direction(data.direction).value,
                Cumulation(data.cumulation).value,
            )
            row.unit, row.baseline_value, row.baseline_date = (
                data.unit,
                data.baseline_value,
                data.baseline_date,
            )
            row.baseline_note, row.lop_target, row.data_source = (
                data.baseline_note,
                data.lop_target,
                data.data_source,
            )
            row.collection_method, row.frequency = data.collection_method, data.frequency
            row.means_of_verification, row.rationale = data.means_of_verification, data.rationale
            row.allows_decimals = data.allows_decimals and Measure(data.measure) is not Measure.QUALITATIVE
            session.flush()
            notice = self._set_disaggregations(session, row, disagg_ids, data.disaggregations, before)
            if before is not None:
                after = _indicator_data(session, row)
                for f in fields(IndicatorData):
                    old, new = getattr(before, f.name), getattr(after, f.name)
                    if old != new:
                        is_baseline = f.name in ("baseline_value", "baseline_date")
                        history.record(
                            session,
                            self._actor,
                            entity="indicator",
                            entity_uuid=row.uuid,
                            field=f.name,
                            old=",".join(old) if isinstance(old, tuple) else old,
                            new=",".join(new) if isinstance(new, tuple) else new,
                            label=row.code,
                            programme_id=programme.id,
                            reason=reason if is_baseline else None,
                        )
            return IndicatorSaved(_indicator_info(session, row), notice)

    def move_indicator(self, programme_code: str, code: str, result_code: str, position: int) -> None:
        """Give an indicator to `result_code` and put it at `position` among that result's
        indicators (drag and drop, Ctrl+Up/Down). Its values, targets and history stay with it."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = indicator_by_code(session, programme, code)
            result = _result(session, programme, result_code)
            row.result_id = result.id
            # One order for the whole programme, renumbered from 0: screens and reports list a
            # result's indicators by it, and gaps or ties left by deletions disappear here.
            others = [
                r
                for r in session.scalars(
                    select(IndicatorRow)
                    .where(IndicatorRow.programme_id == programme.id)
                    .order_by(IndicatorRow.sort_order, IndicatorRow.id)
                )
                if r.id != row.id
            ]
            siblings = [i for i, r in enumerate(others) if r.result_id == result.id]
            position = max(0, min(position, len(siblings)))
            if position < len(siblings):
                at = siblings[position]
            else:
                at = siblings[-1] + 1 if siblings else len(others)
            others.insert(at, row)
            for index, indicator in enumerate(others):
                if indicator.sort_order != index:
                    indicator.sort_order = index

    def delete_indicator(self, programme_code: str, code: str, *, with_data: bool = False) -> None:
        """Delete an indicator; refuses if it has values unless `with_data` (the UI asks first)."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = indicator_by_code(session, programme, code)
            values = session.scalar(select(func.count()).where(DataValueRow.indicator_id == row.id)) or 0
            if values and not with_data:
                raise ConflictError(f"indicator {code} has {values} data values; confirm deleting them too")
            history.record(
                session,
                self._actor,
                entity="indicator",
                entity_uuid=row.uuid,
                field="deleted",
                old=f"{row.code} {row.name} ({values} values)",
                new=None,
                label=row.code,
                programme_id=programme.id,
            )
            session.execute(delete(DataValueRow).where(DataValueRow.indicator_id == row.id))
            session.delete(row)

    # -- disaggregations --------------------------------------------------------------------

    def list_disaggregations(self, programme_code: str) -> list[DisaggregationInfo]:
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            rows = session.scalars(
                select(DisaggregationRow)
                .where(DisaggregationRow.programme_id == programme.id)
                .order_by(DisaggregationRow.code)
            ).all()
            return [_disagg_info(r) for r in rows]

    def save_disaggregation(
        self, programme_code: str, code: str, name: str, options: Sequence[OptionData]
    ) -> DisaggregationInfo:
        """Create a disaggregation or update its name and options. Options are matched by code:
        new codes are added, names updated; an option that has data is never removed."""
        problems = check_code(code, "disaggregation")
        if not name.strip():
            problems.append(Problem(f"disaggregation {code}", "a name is required", "name"))
        codes = [o.code for o in options]
        if len(set(codes)) != len(codes):
            problems.append(Problem(f"disaggregation {code}", "option codes must be different", "options"))
        if not options:
            problems.append(Problem(f"disaggregation {code}", "at least one option is required", "options"))
        for option in options:
            problems += check_code(option.code, f"disaggregation {code} option")
        if problems:
            raise ValidationError(problems)
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = session.scalars(
                select(DisaggregationRow).where(
                    DisaggregationRow.programme_id == programme.id, DisaggregationRow.code == code
                )
            ).first()
            if row is None:
                row = DisaggregationRow(programme_id=programme.id, code=code, name=name.strip())
                session.add(row)
            row.name = name.strip()
            existing = {o.code: o for o in row.options}
            for gone in set(existing) - set(codes):
                if _option_in_use(session, existing[gone].id):
                    raise ConflictError(f"option {code}={gone} has data values; it is kept")
                row.options.remove(existing[gone])
            for index, option in enumerate(options):
                item = existing.get(option.code)
                if item is None:
                    item = OptionRow(code=option.code)
                    row.options.append(item)
                item.name, item.sort_order = option.name.strip() or option.code, index
            session.flush()
            return _disagg_info(row)

    # -- helpers ----------------------------------------------------------------------------

    def _check_indicator(
        self, session: Session, programme: ProgrammeRow, data: IndicatorData, row: IndicatorRow | None
    ) -> tuple[list[Problem], int, int | None, list[int]]:
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
            select(IndicatorRow).where(
                IndicatorRow.programme_id == programme.id, IndicatorRow.code == data.code
            )
        ).first()
        if clash is not None and clash is not row:
            problems.append(
                Problem(where, f"programme {programme.code} already has an indicator '{data.code}'")
            )
        result = _result(session, programme, data.result_code, required=False)
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

    @staticmethod
    def _set_disaggregations(
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
                IndicatorDisaggregationRow(
                    indicator_id=row.id, disaggregation_id=disagg_id, position=position
                )
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


def _result(session: Session, programme: ProgrammeRow, code: str | None, required: bool = True) -> ResultRow:
    row = session.scalars(
        select(ResultRow).where(ResultRow.programme_id == programme.id, ResultRow.code == code)
    ).first()
    if row is None and required:
        raise NotFoundError(f"programme {programme.code} has no result '{code}'")
    return row  # type: ignore[return-value]


def _is_below(session: Session, candidate: ResultRow, ancestor_id: int) -> bool:
    def parent_of(result_id: int) -> int | None:
        row = session.get(ResultRow, result_id)
        return row.parent_id if row is not None else None

    return is_below(parent_of, candidate.id, ancestor_id)


def _results(session: Session, programme: ProgrammeRow) -> list[ResultInfo]:
    tiers = dict(
        session.execute(select(TierRow.id, TierRow.name).where(TierRow.programme_id == programme.id)).all()
    )
    rows = session.scalars(
        select(ResultRow)
        .where(ResultRow.programme_id == programme.id)
        .order_by(ResultRow.sort_order, ResultRow.id)
    ).all()
    by_id = {r.id: r for r in rows}
    children: dict[int | None, list[ResultRow]] = {}
    for r in rows:
        children.setdefault(r.parent_id if r.parent_id in by_id else None, []).append(r)
    out: list[ResultInfo] = []
    seen: set[int] = set()
    stack: list[tuple[ResultRow, int]] = [(r, 0) for r in reversed(children.get(None, []))]
    while stack:
        r, depth = stack.pop()
        if r.id in seen:
            continue
        seen.add(r.id)
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
        stack.extend((c, depth + 1) for c in reversed(children.get(r.id, [])))
    return out


def _indicator_data(session: Session, row: IndicatorRow) -> IndicatorData:
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


def _values_with_fractions(session: Session, indicator_id: int) -> int:
    """How many of an indicator's values have a count with a fraction."""
    fraction = [
        and_(column.is_not(None), column != cast(column, Integer))
        for column in (DataValueRow.value, DataValueRow.numerator, DataValueRow.denominator)
    ]
    query = select(func.count()).where(DataValueRow.indicator_id == indicator_id, or_(*fraction))
    return session.scalar(query) or 0


def _indicator_info(session: Session, row: IndicatorRow) -> IndicatorInfo:
    values = session.scalar(select(func.count()).where(DataValueRow.indicator_id == row.id)) or 0
    return IndicatorInfo(row.id, row.uuid, _indicator_data(session, row), values)


def _indicator_infos(
    session: Session, programme_id: int, rows: Sequence[IndicatorRow]
) -> list[IndicatorInfo]:
    """What _indicator_info gives for each row, in four queries for the lot instead of four a row."""
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


def _disagg_info(row: DisaggregationRow) -> DisaggregationInfo:
    return DisaggregationInfo(
        row.id, row.uuid, row.code, row.name, tuple(OptionData(o.code, o.name) for o in row.options)
    )


def _option_in_use(session: Session, option_id: int) -> bool:
    # Combo keys are sorted option ids joined by ','; match the id as a whole element.
    combo_ids = [
        cid
        for cid, key in session.execute(select(OptionComboRow.id, OptionComboRow.key)).all()
        if str(option_id) in key.split(",")
    ]
    if not combo_ids:
        return False
    return bool(session.scalar(select(func.count()).where(DataValueRow.combo_id.in_(combo_ids))))

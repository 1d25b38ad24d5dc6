# SPDX-License-Identifier: GPL-3.0-or-later
"""The results framework: Results on Tiers, Indicators with their reference sheet, Disaggregations;
what it returns is in framework_records.py, what saving an indicator checks in indicator_writes.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.codes import check_code
from pmdesk.domain.enums import Cumulation, Direction, Measure
from pmdesk.domain.errors import ConflictError, Problem, ValidationError
from pmdesk.domain.framework_rules import is_below
from pmdesk.services import history, value_summary
from pmdesk.services.actor import Actor
from pmdesk.services.framework_records import (
    DisaggregationInfo,
    IndicatorData,
    IndicatorInfo,
    IndicatorSaved,
    OptionData,
    ResultData,
    ResultInfo,
    disaggregation_info,
    indicator_data,
    indicator_info,
    indicator_infos,
    results_of,
)
from pmdesk.services.history import Reason
from pmdesk.services.indicator_writes import (
    indicator_problems,
    result_by_code,
    set_disaggregations,
    values_with_fractions,
)
from pmdesk.services.lookups import indicator_by_code, programme_by_code
from pmdesk.storage.models import (
    DataValueRow,
    DisaggregationRow,
    IndicatorRow,
    OptionComboRow,
    OptionRow,
    ResultRow,
    TierRow,
)


class FrameworkService:
    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self._sessions = sessions
        self._actor = actor

    # -- results ----------------------------------------------------------------------------

    def list_results(self, programme_code: str) -> list[ResultInfo]:
        """Results depth first, each parent before its children."""
        with self._sessions() as session:
            return results_of(session, programme_by_code(session, programme_code))

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
            existing = result_by_code(session, programme, data.code, required=False)
            row = result_by_code(session, programme, original_code) if original_code else None
            if existing is not None and existing is not row:
                raise ConflictError(f"programme {programme_code} already has a result '{data.code}'")
            parent = result_by_code(session, programme, data.parent_code) if data.parent_code else None
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
            return next(r for r in results_of(session, programme) if r.code == data.code)

    def move_result(self, programme_code: str, code: str, parent_code: str | None, position: int) -> None:
        """Re-parent a result and put it at `position` among its siblings (drag and drop)."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = result_by_code(session, programme, code)
            parent = result_by_code(session, programme, parent_code) if parent_code else None
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
            row = result_by_code(session, programme, code)
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
            return indicator_infos(session, programme.id, rows)

    def get_indicator(self, programme_code: str, code: str) -> IndicatorInfo:
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            return indicator_info(session, indicator_by_code(session, programme, code))

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
            problems, result_id, responsible_id, disagg_ids = indicator_problems(
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
                before = indicator_data(session, row)
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
                    fractions = values_with_fractions(session, row.id)
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
            notice = set_disaggregations(session, row, disagg_ids, data.disaggregations, before)
            if before is not None:
                after = indicator_data(session, row)
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
            return IndicatorSaved(indicator_info(session, row), notice)

    def move_indicator(self, programme_code: str, code: str, result_code: str, position: int) -> None:
        """Give an indicator to `result_code` and put it at `position` among that result's
        indicators (drag and drop, Ctrl+Up/Down). Its values, targets and history stay with it."""
        with self._sessions.begin() as session:
            programme = programme_by_code(session, programme_code)
            row = indicator_by_code(session, programme, code)
            result = result_by_code(session, programme, result_code)
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
            if values:
                value_summary.mark_programme(session, programme.id)
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
            return [disaggregation_info(r) for r in rows]

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
            return disaggregation_info(row)


def _is_below(session: Session, candidate: ResultRow, ancestor_id: int) -> bool:
    def parent_of(result_id: int) -> int | None:
        row = session.get(ResultRow, result_id)
        return row.parent_id if row is not None else None

    return is_below(parent_of, candidate.id, ancestor_id)


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

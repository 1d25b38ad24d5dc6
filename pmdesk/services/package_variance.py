# SPDX-License-Identifier: GPL-3.0-or-later
"""A programme's variance explanations in a package (section `variance_explanations`): checked
before anything is written (indicator, reporting period, the text rules of domain/variance.py, one
per indicator and period), written in by the import, written out by the export. Records keep their
UUIDs, modification stamps and who wrote them when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmdesk.domain.errors import Problem
from pmdesk.domain.periods import CustomPeriod, PeriodError, parse_period
from pmdesk.domain.variance import normalise, text_problem
from pmdesk.formats.package_schema import parse_stamp, stamp_text
from pmdesk.formats.problems import ProblemList
from pmdesk.services import history
from pmdesk.services.actor import Actor
from pmdesk.services.lookups import programme_periods
from pmdesk.services.variance import ENTITY
from pmdesk.storage.models import IndicatorRow, ProgrammeRow, new_uuid, utcnow
from pmdesk.storage.variance_models import VarianceExplanationRow

SECTION = "variance_explanations"


def check_explanations(
    data: Mapping[str, Any],
    periods: Sequence[str] | None,
    custom: Mapping[str, CustomPeriod],
    problems: ProblemList,
) -> None:
    """Add to `problems` what is wrong with the package's explanations (its shape passed the
    schema). `periods`: the programme's reporting periods (None when its dates are wrong, which is
    reported elsewhere); `custom`: its custom periods."""
    indicators = {i["code"] for i in data.get("indicators", [])}
    code = data["programme"]["code"]
    seen: dict[tuple[str, str], int] = {}
    uuids: dict[str, int] = {}

    def add(path: str, message: str) -> None:
        problems.add(Problem(path, message))

    for i, item in enumerate(data.get(SECTION, [])):
        path = f"$.{SECTION}[{i}]"
        uuid = item.get("uuid")
        if uuid is not None:
            first = uuids.setdefault(uuid.lower(), i)
            if first != i:
                add(f"{path}.uuid", f"UUID {uuid} is already used by $.{SECTION}[{first}]")
        for stamp in ("modified_at", "written_at"):
            if item.get(stamp) is not None:
                try:
                    parse_stamp(item[stamp])
                except ValueError as exc:
                    add(f"{path}.{stamp}", f"'{item[stamp]}' is not a date and time: {exc}")
        indicator = item["indicator"]
        if indicator not in indicators:
            add(f"{path}.indicator", f"there is no indicator '{indicator}'")
        period: str | None = None
        try:
            period = parse_period(item["period"], custom).code
        except PeriodError as exc:
            add(f"{path}.period", str(exc))
        if period is not None and periods is not None and period not in periods:
            span = f" ({periods[0]} … {periods[-1]})" if periods else ""
            add(f"{path}.period", f"'{period}' is not a reporting period of {code}{span}")
            period = None
        text = normalise(item["text"])
        if text is None:
            add(f"{path}.text", "must not be blank: leave out an indicator and period without an explanation")
        elif (why := text_problem(text)) is not None:
            add(f"{path}.text", why)
        if period is not None:
            key = (indicator, period)
            if key in seen:
                add(
                    path,
                    f"indicator {indicator} already has an explanation for {period} (at {SECTION}[{seen[key]}])",
                )
            seen.setdefault(key, i)


def write_explanations(
    session: Session,
    actor: Actor,
    data: Mapping[str, Any],
    programme: ProgrammeRow,
    custom: Mapping[str, CustomPeriod],
    source: str,
) -> int:
    """Write a checked package's explanations into its new programme (caller's transaction); each
    is one History row. A UUID this database already holds (the same package imported under
    another code) gets a new one. Returns how many were written."""
    items = data.get(SECTION, [])
    if not items:
        return 0
    indicators = dict(
        session.execute(
            select(IndicatorRow.code, IndicatorRow.id).where(IndicatorRow.programme_id == programme.id)
        ).all()
    )
    given = [item["uuid"].lower() for item in items if item.get("uuid")]
    taken: set[str] = set()
    for start in range(0, len(given), 500):
        chunk = given[start : start + 500]
        taken.update(
            session.scalars(select(VarianceExplanationRow.uuid).where(VarianceExplanationRow.uuid.in_(chunk)))
        )
    now = utcnow()
    for item in items:
        uuid = item.get("uuid", "").lower()
        period = parse_period(item["period"], custom).code
        text = normalise(item["text"]) or ""
        row = VarianceExplanationRow(
            uuid=uuid if uuid and uuid not in taken else new_uuid(),
            modified_at=_stamp(item.get("modified_at"), now),
            indicator_id=indicators[item["indicator"]],
            period=period,
            text=text,
            written_by=item.get("written_by", ""),
            written_at=_stamp(item.get("written_at"), now),
        )
        session.add(row)
        session.flush()
        history.record(
            session, actor, entity=ENTITY, entity_uuid=row.uuid, field="text", old=None, new=text,
            label=f"{item['indicator']} · {period}", programme_id=programme.id,
        )  # fmt: skip
    return len(items)


def explanation_items(session: Session, programme: ProgrammeRow) -> list[dict[str, Any]]:
    """The programme's explanations as package items, by indicator (as the package lists them),
    then period."""
    order = {p.code: i for i, p in enumerate(programme_periods(session, programme))}
    rows = list(
        session.execute(
            select(VarianceExplanationRow, IndicatorRow.code, IndicatorRow.sort_order, IndicatorRow.id)
            .join(IndicatorRow, IndicatorRow.id == VarianceExplanationRow.indicator_id)
            .where(IndicatorRow.programme_id == programme.id)
        ).all()
    )
    rows.sort(key=lambda r: (r[2], r[3], order.get(r[0].period, len(order)), r[0].period))
    return [
        {
            "uuid": row.uuid,
            "modified_at": stamp_text(row.modified_at),
            "indicator": code,
            "period": row.period,
            "text": row.text,
            "written_by": row.written_by,
            "written_at": stamp_text(row.written_at),
        }
        for row, code, _, _ in rows
    ]


def _stamp(text: str | None, default: datetime) -> datetime:
    return parse_stamp(text) if text else default

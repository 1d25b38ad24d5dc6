# SPDX-License-Identifier: GPL-3.0-or-later
"""Finding rows by the codes users and files know them by, with NotFoundError messages."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmdesk.domain.enums import Frequency
from pmdesk.domain.errors import NotFoundError
from pmdesk.domain.iptt import Thresholds
from pmdesk.domain.periods import CustomPeriod, Period, reporting_periods
from pmdesk.storage.models import (
    CustomPeriodRow,
    IndicatorRow,
    OptionComboRow,
    ProgrammeRow,
    SiteRow,
)


def programme_by_code(session: Session, code: str) -> ProgrammeRow:
    row = session.scalars(select(ProgrammeRow).where(ProgrammeRow.code == code)).first()
    if row is None:
        raise NotFoundError(f"no programme with code '{code}'{did_you_mean_programme(session, code)}")
    return row


def did_you_mean_programme(session: Session, code: str) -> str:
    """'; did you mean DEMO-WASH?' when a programme's code differs from `code` only in case
    (or in spaces around it), else ''."""
    wanted = code.strip().casefold()
    matches = sorted(
        other
        for other in session.scalars(select(ProgrammeRow.code))
        if other.casefold() == wanted and other != code
    )
    if not matches:
        return ""
    return f"; did you mean {' or '.join(matches)}?"


def indicator_by_code(session: Session, programme: ProgrammeRow, code: str) -> IndicatorRow:
    row = session.scalars(
        select(IndicatorRow).where(IndicatorRow.programme_id == programme.id, IndicatorRow.code == code)
    ).first()
    if row is None:
        raise NotFoundError(f"programme {programme.code} has no indicator '{code}'")
    return row


def site_by_code(session: Session, programme: ProgrammeRow, code: str) -> SiteRow:
    row = session.scalars(
        select(SiteRow).where(SiteRow.programme_id == programme.id, SiteRow.code == code)
    ).first()
    if row is None:
        raise NotFoundError(f"programme {programme.code} has no site '{code}'")
    return row


def custom_periods(session: Session, programme_id: int) -> dict[str, CustomPeriod]:
    rows = session.scalars(select(CustomPeriodRow).where(CustomPeriodRow.programme_id == programme_id))
    return {r.code: CustomPeriod(r.code, r.start, r.end) for r in rows}


def programme_periods(session: Session, programme: ProgrammeRow) -> list[Period]:
    """The programme's reporting periods, in order."""
    return reporting_periods(
        Frequency(programme.frequency),
        programme.start,
        programme.end,
        programme.fiscal_year_start_month,
        custom_periods(session, programme.id).values(),
    )


def thresholds_of(programme: ProgrammeRow) -> Thresholds:
    return Thresholds(
        programme.threshold_exceeding, programme.threshold_on_track, programme.threshold_at_risk
    )


def subtree_site_ids(session: Session, programme_id: int, root_id: int) -> list[int]:
    """The site and all sites below it."""
    children: dict[int | None, list[int]] = {}
    for site_id, parent_id in session.execute(
        select(SiteRow.id, SiteRow.parent_id).where(SiteRow.programme_id == programme_id)
    ):
        children.setdefault(parent_id, []).append(site_id)
    found, stack = [], [root_id]
    while stack:
        current = stack.pop()
        if current in found:  # a cycle would otherwise loop forever
            continue
        found.append(current)
        stack.extend(children.get(current, ()))
    return found


def combo_key(option_ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in sorted(set(option_ids)))


class MissingComboError(LookupError):
    """An option combo is not in the database yet, and the caller is only reading."""


def combo_id_for(
    session: Session, option_ids: Iterable[int], cache: dict[str, int] | None = None, *, create: bool = True
) -> int:
    """The id of the option combo for these options ('' = undisaggregated total), created if new
    (with `create=False`, raises MissingComboError instead: a read must not write)."""
    key = combo_key(option_ids)
    if cache is not None and key in cache:
        return cache[key]
    combo_id = session.scalar(select(OptionComboRow.id).where(OptionComboRow.key == key))
    if combo_id is None:
        if not create:
            raise MissingComboError(key)
        row = OptionComboRow(key=key)
        session.add(row)
        session.flush()
        combo_id = row.id
    if cache is not None:
        cache[key] = combo_id
    return combo_id

# SPDX-License-Identifier: GPL-3.0-or-later
"""Checking a database file for damage and for data the services would never have written."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, func, or_, select, text
from sqlalchemy.orm import Session, aliased, sessionmaker

from pmdesk.domain.enums import Measure
from pmdesk.domain.errors import DatabaseDamagedError
from pmdesk.domain.periods import CustomPeriod, PeriodError, parse_period
from pmdesk.services import value_summary
from pmdesk.storage.backup import backup_database
from pmdesk.storage.models import (
    Base,
    CustomPeriodRow,
    DataValueRow,
    HistoryRow,
    IndicatorRow,
    ProgrammeRow,
    ResultRow,
    SiteRow,
    TargetRow,
    TierRow,
)
from pmdesk.storage.summary_models import PROGRAMME_NODE

# done, total, message: a GUI job's progress (raises to cancel), or nothing.
Progress = Callable[[int, int, str], None]

# A broken import can produce a million identical problems; the first few say what is wrong.
MAX_PROBLEMS_PER_CHECK = 50

COUNTED_TABLES: tuple[type[Base], ...] = (
    ProgrammeRow,
    IndicatorRow,
    SiteRow,
    TargetRow,
    DataValueRow,
    HistoryRow,
)


@dataclass(frozen=True)
class IntegrityReport:
    """The verdict of `IntegrityService.check`: problems as sentences, and rows per main table."""

    ok: bool
    problems: tuple[str, ...]
    counts: dict[str, int]
    # Codes of the programmes whose value summary differs from their values: what
    # `repair_summary` sums again (the problems above name them too).
    stale_summaries: tuple[str, ...] = ()


@dataclass(frozen=True)
class SummaryRepair:
    """What `IntegrityService.repair_summary` did, and the check made after it."""

    rebuilt: tuple[str, ...]  # codes of the programmes whose summary was summed again
    backup: Path | None  # the verified copy made before it
    report: IntegrityReport


REPAIR_HINT = "run 'pmdesk check --repair' (or File ▸ Check database…) to sum the values again"


class IntegrityService:
    """Runs SQLite's own checks and the domain's consistency rules over the whole file, and
    repairs the one kind of problem that is only derived data: the value summary."""

    def __init__(self, sessions: sessionmaker[Session], database_path: Path | None = None) -> None:
        self._sessions = sessions
        self._database_path = database_path  # where the backup before a repair is made from

    def check(self, progress: Progress | None = None) -> IntegrityReport:
        """Check everything in one read transaction (a consistent snapshot); changes nothing."""
        report = progress or _no_progress
        checks: tuple[Callable[[Session], Iterable[str]], ...] = (
            _sqlite_integrity,
            _foreign_keys,
            _data_value_periods,
            _target_periods,
            _data_value_sites,
            _target_sites,
            _percent_values,
            _numerator_over_denominator,
            _result_programmes,
            _indicator_programmes,
            _site_parent_programmes,
            _result_cycles,
            _site_cycles,
        )
        problems: list[str] = []
        # Autobegun: a read transaction, which runs beside the window and on a read-only file.
        with self._sessions() as session:
            report(0, 0, "Checking the file for damage")  # no step within SQLite's own check
            try:
                problems.extend(_capped(_sqlite_integrity(session)))
            except DatabaseDamagedError:
                problems.append("The database file is damaged: SQLite cannot read it through.")
            if problems:
                # Reading damaged pages fails part-way; the damage is the report.
                problems.append(
                    "The consistency checks were skipped because the file is damaged; restore its "
                    "latest backup (File ▸ Restore backup…, or 'pmdesk restore')."
                )
                return IntegrityReport(ok=False, problems=tuple(problems), counts={})
            programmes = session.execute(
                select(ProgrammeRow.id, ProgrammeRow.code).order_by(ProgrammeRow.code)
            ).all()
            steps = 2 + len(programmes)
            report(1, steps, "Checking the data")
            for check in checks[1:]:
                problems.extend(_capped(check(session)))
            stale: list[str] = []
            for done, (programme_id, code) in enumerate(programmes, start=2):
                report(done, steps, f"Comparing the sums of {code} with its values")
                for difference in value_summary.compare_with_values(session, [programme_id]):
                    stale.append(code)
                    problems.append(_summary_problem(session, code, difference))
            report(steps, steps, "Counting")
            counts = {
                model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in COUNTED_TABLES
            }
        return IntegrityReport(
            ok=not problems, problems=tuple(problems), counts=counts, stale_summaries=tuple(stale)
        )

    def repair_summary(
        self, programme_codes: Iterable[str], progress: Progress | None = None
    ) -> SummaryRepair:
        """Sum the values of these programmes again into their value summary, in one write
        transaction after a verified backup, then check the file again. Only the summary (derived
        data) is written; the values are read, never changed."""
        report = progress or _no_progress
        wanted = sorted(set(programme_codes))
        backup: Path | None = None
        rebuilt: tuple[str, ...] = ()
        if wanted:
            with self._sessions.begin() as session:
                found = session.execute(
                    select(ProgrammeRow.id, ProgrammeRow.code)
                    .where(ProgrammeRow.code.in_(wanted))
                    .order_by(ProgrammeRow.code)
                ).all()
                if found:
                    if self._database_path is not None:
                        # Inside the write transaction, so the copy is of the file as it was.
                        report(0, 3, "Backing up the database")
                        backup = backup_database(self._database_path, reason="before-summary-repair")
                    report(1, 3, "Summing the values again")
                    value_summary.rebuild_programmes(session, [programme_id for programme_id, _ in found])
                    rebuilt = tuple(code for _, code in found)
        report(2, 3, "Checking the database again")
        return SummaryRepair(rebuilt=rebuilt, backup=backup, report=self.check(progress))


def _no_progress(done: int, total: int, message: str) -> None:
    pass


def _summary_problem(session: Session, code: str, difference: value_summary.SummaryDifference) -> str:
    sites = {
        site_id: (site_code, name, parent_id)
        for site_id, site_code, name, parent_id in session.execute(
            select(SiteRow.id, SiteRow.code, SiteRow.name, SiteRow.parent_id)
        )
    }
    indicators = dict(
        session.execute(
            select(IndicatorRow.id, IndicatorRow.code).where(
                IndicatorRow.id.in_([ind for ind, _, _ in difference.cell_examples])
            )
        ).all()
    )

    def depth(node: int) -> int:
        seen: set[int] = set()
        while node in sites and node not in seen:
            seen.add(node)
            node = sites[node][2] or PROGRAMME_NODE
        return len(seen)

    def place(site_id: int) -> str:
        if site_id not in sites:
            return f"a deleted site (id {site_id})"
        site_code, name, _ = sites[site_id]
        return f"{name} ({site_code})" if name and name != site_code else site_code

    parts = []
    if difference.cells:
        examples = []
        for indicator_id, period, nodes in difference.cell_examples:
            deepest = max(nodes, key=depth)
            where = "for the whole programme" if deepest == PROGRAMME_NODE else f"at {place(deepest)}"
            examples.append(f"indicator {indicators.get(indicator_id, indicator_id)} in {period} {where}")
        more = " …" if difference.cells > len(examples) else ""
        parts.append(
            f"the totals the IPTT reads differ from the values for {_count(difference.cells, 'cell')} "
            f"({'; '.join(examples)}{more})"
        )
    if difference.site_periods:
        examples = [f"{place(site_id)} in {period}" for site_id, period in difference.site_examples]
        more = " …" if difference.site_periods > len(examples) else ""
        parts.append(
            "the value counts Completeness reads differ for "
            f"{_count(difference.site_periods, 'site and period', 'sites and periods')} "
            f"({'; '.join(examples)}{more})"
        )
    return f"Programme {code}: {', and '.join(parts)}; {REPAIR_HINT}."


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


def _capped(problems: Iterable[str]) -> Iterator[str]:
    extra = 0
    for index, problem in enumerate(problems):
        if index < MAX_PROBLEMS_PER_CHECK:
            yield problem
        else:
            extra += 1
    if extra:
        yield f"… and {extra} more problems like the one above."


def _sqlite_integrity(session: Session) -> Iterator[str]:
    findings = [
        line.strip()
        for (verdict,) in session.execute(text("PRAGMA integrity_check"))
        if verdict != "ok"
        for line in str(verdict).splitlines()
        if line.strip() and not line.startswith("***")
    ]
    if not findings:
        return
    # SQLite reports damage page by page; the count and a few examples say what a person needs.
    pages = [line.split(":")[0].removeprefix("Page ") for line in findings if line.startswith("Page ")]
    examples = "; ".join(findings[:3])
    if len(pages) > 1:
        # SQLite stops reporting after 100 findings.
        count = f"at least {len(pages)}" if len(findings) >= 100 else str(len(pages))
        shown = ", ".join(pages[:5]) + (" …" if len(pages) > 5 else "")
        yield f"The database file is damaged: {count} of its pages cannot be read (pages {shown})."
    elif len(findings) > 1:
        yield f"The database file is damaged: SQLite found {len(findings)} problems (for example {examples})."
    else:
        yield f"The database file is damaged: {examples}."


def _foreign_keys(session: Session) -> Iterator[str]:
    columns: dict[tuple[str, int], tuple[str, str]] = {}
    for table, rowid, parent, fk_id in session.execute(text("PRAGMA foreign_key_check")).all():
        if (table, fk_id) not in columns:
            # Table names come from SQLite itself, never from user input.
            for fk in session.execute(text(f'PRAGMA foreign_key_list("{table}")')):
                columns[(table, fk[0])] = (fk[3], fk[4] or "id")
        column, _ = columns.get((table, fk_id), ("?", "id"))
        missing = None
        if rowid is not None and column != "?":
            missing = session.execute(
                text(f'SELECT "{column}" FROM "{table}" WHERE rowid = :rowid'), {"rowid": rowid}
            ).scalar()
        yield (
            f"Row {rowid} of table {table} refers through {column} to {parent} {missing}, "
            "which does not exist."
        )


def _custom_periods(session: Session) -> dict[int, dict[str, CustomPeriod]]:
    custom: dict[int, dict[str, CustomPeriod]] = {}
    for row in session.scalars(select(CustomPeriodRow)):
        custom.setdefault(row.programme_id, {})[row.code] = CustomPeriod(row.code, row.start, row.end)
    return custom


def _period_problem(code: str, custom: dict[str, CustomPeriod]) -> str | None:
    try:
        period = parse_period(code, custom)
    except PeriodError:
        return "which is not a period code"
    if period.code != code:
        # Aggregation groups by the stored text, so '2026April' and '2026Apr' would count apart.
        return f"which should be written '{period.code}'"
    return None


def _data_value_periods(session: Session) -> Iterator[str]:
    custom = _custom_periods(session)
    pairs = session.execute(
        select(IndicatorRow.programme_id, DataValueRow.period)
        .join(IndicatorRow, DataValueRow.indicator_id == IndicatorRow.id)
        .distinct()
        .order_by(IndicatorRow.programme_id, DataValueRow.period)
    ).all()
    for programme_id, period in pairs:
        why = _period_problem(period, custom.get(programme_id, {}))
        if why is None:
            continue
        rows = session.execute(
            select(ProgrammeRow.code, IndicatorRow.code, SiteRow.code)
            .select_from(DataValueRow)
            .join(IndicatorRow, DataValueRow.indicator_id == IndicatorRow.id)
            .join(ProgrammeRow, IndicatorRow.programme_id == ProgrammeRow.id)
            .outerjoin(SiteRow, DataValueRow.site_id == SiteRow.id)
            .where(IndicatorRow.programme_id == programme_id, DataValueRow.period == period)
            .order_by(IndicatorRow.code, SiteRow.code)
        )
        for programme, indicator, site in rows:
            yield (
                f"Programme {programme}: the data value of indicator {indicator} at site {site} "
                f"is for period '{period}', {why}."
            )


def _target_periods(session: Session) -> Iterator[str]:
    custom = _custom_periods(session)
    rows = session.execute(
        select(
            IndicatorRow.programme_id, ProgrammeRow.code, IndicatorRow.code, SiteRow.code, TargetRow.period
        )
        .select_from(TargetRow)
        .join(IndicatorRow, TargetRow.indicator_id == IndicatorRow.id)
        .join(ProgrammeRow, IndicatorRow.programme_id == ProgrammeRow.id)
        .outerjoin(SiteRow, TargetRow.site_id == SiteRow.id)
        .order_by(ProgrammeRow.code, IndicatorRow.code, TargetRow.period)
    )
    for programme_id, programme, indicator, site, period in rows:
        why = _period_problem(period, custom.get(programme_id, {}))
        if why is not None:
            where = f" at site {site}" if site is not None else ""
            yield (
                f"Programme {programme}: the target of indicator {indicator}{where} "
                f"is for period '{period}', {why}."
            )


def _data_value_sites(session: Session) -> Iterator[str]:
    indicator_programme = aliased(ProgrammeRow)
    site_programme = aliased(ProgrammeRow)
    rows = session.execute(
        select(
            indicator_programme.code,
            IndicatorRow.code,
            DataValueRow.period,
            SiteRow.code,
            site_programme.code,
        )
        .select_from(DataValueRow)
        .join(IndicatorRow, DataValueRow.indicator_id == IndicatorRow.id)
        .join(SiteRow, DataValueRow.site_id == SiteRow.id)
        .join(indicator_programme, IndicatorRow.programme_id == indicator_programme.id)
        .join(site_programme, SiteRow.programme_id == site_programme.id)
        .where(IndicatorRow.programme_id != SiteRow.programme_id)
        .order_by(indicator_programme.code, IndicatorRow.code, DataValueRow.period, SiteRow.code)
    )
    for programme, indicator, period, site, other in rows:
        yield (
            f"Programme {programme}: the data value of indicator {indicator} for period {period} "
            f"is at site {site}, which belongs to programme {other}."
        )


def _target_sites(session: Session) -> Iterator[str]:
    indicator_programme = aliased(ProgrammeRow)
    site_programme = aliased(ProgrammeRow)
    rows = session.execute(
        select(
            indicator_programme.code, IndicatorRow.code, TargetRow.period, SiteRow.code, site_programme.code
        )
        .select_from(TargetRow)
        .join(IndicatorRow, TargetRow.indicator_id == IndicatorRow.id)
        .join(SiteRow, TargetRow.site_id == SiteRow.id)
        .join(indicator_programme, IndicatorRow.programme_id == indicator_programme.id)
        .join(site_programme, SiteRow.programme_id == site_programme.id)
        .where(IndicatorRow.programme_id != SiteRow.programme_id)
        .order_by(indicator_programme.code, IndicatorRow.code, TargetRow.period, SiteRow.code)
    )
    for programme, indicator, period, site, other in rows:
        yield (
            f"Programme {programme}: the target of indicator {indicator} for period {period} "
            f"is at site {site}, which belongs to programme {other}."
        )


def _value_cells(
    session: Session, *conditions: ColumnElement[bool]
) -> Iterator[tuple[str, str, str, str, DataValueRow]]:
    rows = session.execute(
        select(ProgrammeRow.code, IndicatorRow.code, DataValueRow.period, SiteRow.code, DataValueRow)
        .select_from(DataValueRow)
        .join(IndicatorRow, DataValueRow.indicator_id == IndicatorRow.id)
        .join(ProgrammeRow, IndicatorRow.programme_id == ProgrammeRow.id)
        .outerjoin(SiteRow, DataValueRow.site_id == SiteRow.id)
        .where(*conditions)
        .order_by(ProgrammeRow.code, IndicatorRow.code, DataValueRow.period, SiteRow.code)
    )
    for row in rows:
        programme, indicator, period, site, value = row
        yield programme, indicator, period, site, value


def _percent_values(session: Session) -> Iterator[str]:
    cells = _value_cells(
        session,
        IndicatorRow.measure == Measure.PERCENT.value,
        or_(DataValueRow.numerator.is_(None), DataValueRow.denominator.is_(None)),
    )
    for programme, indicator, period, site, value in cells:
        missing = " and ".join(
            name
            for name, number in (("numerator", value.numerator), ("denominator", value.denominator))
            if number is None
        )
        yield (
            f"Programme {programme}: percent indicator {indicator} has a value at site {site} "
            f"for period {period} without a {missing}."
        )


def _numerator_over_denominator(session: Session) -> Iterator[str]:
    cells = _value_cells(session, DataValueRow.numerator > DataValueRow.denominator)
    for programme, indicator, period, site, value in cells:
        yield (
            f"Programme {programme}: the value of indicator {indicator} at site {site} for period "
            f"{period} has a numerator ({value.numerator:g}) greater than its denominator "
            f"({value.denominator:g})."
        )


def _result_programmes(session: Session) -> Iterator[str]:
    parent = aliased(ResultRow)
    programme = aliased(ProgrammeRow)
    other = aliased(ProgrammeRow)
    rows = session.execute(
        select(programme.code, ResultRow.code, parent.code, other.code)
        .select_from(ResultRow)
        .join(parent, ResultRow.parent_id == parent.id)
        .join(programme, ResultRow.programme_id == programme.id)
        .join(other, parent.programme_id == other.id)
        .where(ResultRow.programme_id != parent.programme_id)
        .order_by(programme.code, ResultRow.code)
    )
    for programme_code, result, parent_code, other_code in rows:
        yield (
            f"Programme {programme_code}: result {result} has parent result {parent_code}, "
            f"which belongs to programme {other_code}."
        )
    tier_programme = aliased(ProgrammeRow)
    rows = session.execute(
        select(programme.code, ResultRow.code, TierRow.name, tier_programme.code)
        .select_from(ResultRow)
        .join(TierRow, ResultRow.tier_id == TierRow.id)
        .join(programme, ResultRow.programme_id == programme.id)
        .join(tier_programme, TierRow.programme_id == tier_programme.id)
        .where(ResultRow.programme_id != TierRow.programme_id)
        .order_by(programme.code, ResultRow.code)
    )
    for programme_code, result, tier, other_code in rows:
        yield (
            f"Programme {programme_code}: result {result} is on tier '{tier}', "
            f"which belongs to programme {other_code}."
        )


def _indicator_programmes(session: Session) -> Iterator[str]:
    programme = aliased(ProgrammeRow)
    other = aliased(ProgrammeRow)
    rows = session.execute(
        select(programme.code, IndicatorRow.code, ResultRow.code, other.code)
        .select_from(IndicatorRow)
        .join(ResultRow, IndicatorRow.result_id == ResultRow.id)
        .join(programme, IndicatorRow.programme_id == programme.id)
        .join(other, ResultRow.programme_id == other.id)
        .where(IndicatorRow.programme_id != ResultRow.programme_id)
        .order_by(programme.code, IndicatorRow.code)
    )
    for programme_code, indicator, result, other_code in rows:
        yield (
            f"Programme {programme_code}: indicator {indicator} belongs to result {result}, "
            f"which belongs to programme {other_code}."
        )


def _site_parent_programmes(session: Session) -> Iterator[str]:
    parent = aliased(SiteRow)
    programme = aliased(ProgrammeRow)
    other = aliased(ProgrammeRow)
    rows = session.execute(
        select(programme.code, SiteRow.code, parent.code, other.code)
        .select_from(SiteRow)
        .join(parent, SiteRow.parent_id == parent.id)
        .join(programme, SiteRow.programme_id == programme.id)
        .join(other, parent.programme_id == other.id)
        .where(SiteRow.programme_id != parent.programme_id)
        .order_by(programme.code, SiteRow.code)
    )
    for programme_code, site, parent_code, other_code in rows:
        yield (
            f"Programme {programme_code}: site {site} has parent site {parent_code}, "
            f"which belongs to programme {other_code}."
        )


def _cycles(parents: dict[int, int | None]) -> list[list[int]]:
    """Each cycle in a child → parent mapping once, as the ids along it from the smallest."""
    state: dict[int, int] = {}  # 1: on the path being walked, 2: known to reach a root or a cycle
    cycles: list[list[int]] = []
    for start in parents:
        path: list[int] = []
        node: int | None = start
        while node is not None and node in parents and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node) :]
            first = cycle.index(min(cycle))
            cycles.append(cycle[first:] + cycle[:first])
        for visited in path:
            state[visited] = 2
    return cycles


def _cycle_problems(session: Session, model: type[ResultRow] | type[SiteRow], noun: str) -> Iterator[str]:
    rows = session.execute(
        select(model.id, model.parent_id, model.code, ProgrammeRow.code).join(
            ProgrammeRow, model.programme_id == ProgrammeRow.id
        )
    ).all()
    parents = {row_id: parent_id for row_id, parent_id, _, _ in rows}
    codes = {row_id: code for row_id, _, code, _ in rows}
    programmes = {row_id: programme for row_id, _, _, programme in rows}
    for cycle in _cycles(parents):
        chain = " → ".join(codes[node] for node in [*cycle, cycle[0]])
        yield f"Programme {programmes[cycle[0]]}: the parents of {noun} go round in a loop: {chain}."


def _result_cycles(session: Session) -> Iterator[str]:
    return _cycle_problems(session, ResultRow, "results")


def _site_cycles(session: Session) -> Iterator[str]:
    return _cycle_problems(session, SiteRow, "sites")

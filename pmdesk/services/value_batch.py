# SPDX-License-Identifier: GPL-3.0-or-later
"""Writing many checked DataValues at once: shared by programme packages and values import.

The rules are those of single-cell data entry (pmdesk.services.data_entry): the same blocking
checks (pmdesk.domain.value_checks), the same refusal to mix totals with per-option values, the
same lock on approved values and the same warnings. Only the mechanics differ: a batch may hold a
million values, so everything is resolved through in-memory dictionaries, checked before anything
is written, and written with bulk INSERT / UPDATE statements instead of one ORM object per value.

A million values must import in a few times what SQLite itself needs to store them
(tests/benchmarks/bench_core.py), so the per-value work avoids what is cheap once but not a
million times: matching codes and checking figures already seen, frozen dataclasses, the ORM and
SQLAlchemy's parameter handling, and sorting a cell's history again for each of its periods.
"""

from __future__ import annotations

import gc
import itertools
import secrets
import threading
import time
from array import array
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from pmdesk.domain.enums import ValueStatus
from pmdesk.domain.value_rules import (
    is_locked,
    locked_message,
    mix_clash,
    mix_message,
    status_after_change,
)
from pmdesk.formats.problems import (
    Locate,
    ProblemList,
    ProgressFn,
    count_text,
    report,
)
from pmdesk.services import history, value_summary
from pmdesk.services.actor import Actor
from pmdesk.services.batch_check import (
    CheckedItem,
    value_label,
)
from pmdesk.services.cells import CellResolver
from pmdesk.services.lookups import combo_key
from pmdesk.services.value_batch_warnings import batch_warnings, stored_figure
from pmdesk.storage.models import (
    DataValueRow,
    DisaggregationRow,
    HistoryRow,
    OptionComboRow,
    OptionRow,
    ProgrammeRow,
    SiteRow,
    TargetRow,
    utcnow,
)

# Rows per bulk statement: memory stays flat and progress is reported between statements.
WRITE_CHUNK = 10_000
# SQLite's page cache while a batch is written, in KiB (PRAGMA cache_size takes it negated). The
# default 2 MiB cannot hold the pages of four indexes growing at once; with 64 MiB a million
# rows go in about twice as fast. Restored afterwards.
BULK_CACHE_KIB = 65_536


# Cells whose series a writer keeps between batches (a few hundred bytes each); past this it
# forgets them all and reads them again as batches need them.
MAX_KEPT_CELLS = 400_000

# The cycle collector's first threshold while a bulk import runs (Python's default is 700).
BULK_GC_THRESHOLD = 20_000
_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cycle collector runs rarely within: a bulk import makes and drops millions of
    rows, items and tuples, which the collector examined every 700 (a tenth of a million-value
    import's time), while reference counting frees them anyway. Restored at the end of the last
    of overlapping imports."""
    global _gc_users, _gc_saved
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(max(BULK_GC_THRESHOLD, _gc_saved[0]), *_gc_saved[1:])
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)


# -- writing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchCounts:
    created: int
    replaced: int
    unchanged: int
    warnings: int  # created or replaced values that carry a warning


# indicator id, period, site id, combo key: one cell. The key, not the combo id, because the combos
# of a batch may not exist yet when it is planned.
CellKey = tuple[int, str, int, str]


@dataclass(slots=True)
class StoredValue:
    id: int
    uuid: str
    value: float | None
    numerator: float | None
    denominator: float | None
    text: str | None
    comment: str
    status: str
    status_reason: str
    submitted_by: str


@dataclass
class _Plan:
    creates: list[CheckedItem] = field(default_factory=list)
    create_keys: list[CellKey] = field(default_factory=list)  # one per item of `creates`
    replaces: list[tuple[CheckedItem, CellKey, StoredValue]] = field(default_factory=list)
    unchanged: int = 0


def shown(
    value: float | None, numerator: float | None, denominator: float | None, text: str | None
) -> object:
    """A value as History keeps it (as data_entry does): the number, 'n/d' for a ratio, or the text."""
    if numerator is not None or denominator is not None:
        return f"{history.as_text(numerator)}/{history.as_text(denominator)}"
    return value if text is None else text


def ordered_uuids(count: int) -> Iterator[str]:
    """`count` new UUIDs in increasing order, in the layout of RFC 9562 version 7.

    Random (version 4) UUIDs scatter a batch's rows over the whole uuid index, one page each;
    these count up from a random start after the time and random bits, so a batch fills the index
    at one place. 74 random bits per batch and the time to the millisecond keep them apart from
    every other device's and batch's; the UNIQUE constraint refuses the batch if ever they meet.
    """
    millis = f"{time.time_ns() // 1_000_000 & 0xFFFF_FFFF_FFFF:012x}"
    # version 7, 12 random bits; variant 0b10, 14 random bits; then 48 bits counting up.
    prefix = f"{millis[:8]}-{millis[8:]}-7{secrets.randbits(12):03x}-{0x8000 | secrets.randbits(14):04x}-"
    start = secrets.randbelow(max(1, (1 << 48) - count))
    return (f"{prefix}{n:012x}" for n in range(start, start + count))


# Statuses as stored, by the requested status (None: a new value is a draft).
_STATUS_TEXT: dict[ValueStatus | None, str] = {None: ValueStatus.DRAFT.value} | {
    s: s.value for s in ValueStatus
}
_INSERT_COLUMNS = (
    "uuid",
    "modified_at",
    "indicator_id",
    "period",
    "site_id",
    "combo_id",
    "value",
    "numerator",
    "denominator",
    "text",
    "comment",
    "warnings",
    "status",
    "status_reason",
    "submitted_by",
    "entered_by",
    "entered_at",
    "device_uuid",
)
_UPDATE_COLUMNS = (
    "modified_at",
    "value",
    "numerator",
    "denominator",
    "text",
    "comment",
    "warnings",
    "status",
    "status_reason",
    "submitted_by",
    "entered_by",
    "entered_at",
    "device_uuid",
)
_SUBMITTED = ValueStatus.SUBMITTED.value


class ValueWriter:
    """Plans and writes a checked batch of values into one programme, in the caller's transaction.

    `plan` reads what the database already holds for the cells of the batch and adds the
    problems only the database can reveal (a locked value, a total mixed with per-option values
    already stored); `apply` then writes with bulk statements and records replacements in History.
    """

    def __init__(
        self, session: Session, actor: Actor, programme: ProgrammeRow, resolver: CellResolver | None = None
    ) -> None:
        self._session = session
        self._actor = actor
        self._programme = programme
        pid = programme.id
        resolver = resolver or CellResolver(session, programme)
        self._indicators: dict[str, int] = {code: facts.id for code, facts in resolver.indicators.items()}
        self._sites: dict[str, int] = dict(
            session.execute(select(SiteRow.code, SiteRow.id).where(SiteRow.programme_id == pid)).all()
        )
        self._options: dict[tuple[str, str], int] = {
            (d, o): i
            for d, o, i in session.execute(
                select(DisaggregationRow.code, OptionRow.code, OptionRow.id)
                .join(OptionRow, OptionRow.disaggregation_id == DisaggregationRow.id)
                .where(DisaggregationRow.programme_id == pid)
            ).all()
        }
        self._combos: dict[str, int] = dict(
            session.execute(select(OptionComboRow.key, OptionComboRow.id)).all()
        )
        self._plan: _Plan | None = None
        self._existing: dict[CellKey, StoredValue] = {}
        # Each cell's figures over all periods (what the outlier warning compares against), as
        # stored after the batches written so far: a streamed import, whatever its order, reads
        # each cell's history once rather than again for every chunk.
        self._series: dict[Hashable, array[float]] = {}
        # A streamed import applies chunk after chunk: it sets `defer_refresh` and rebuilds the
        # value summary once at the end when `summary_marked` says a chunk marked the programme
        # (rebuilding after every chunk would sum the programme fifty times).
        self.defer_refresh = False
        self.summary_marked = False

    @property
    def has_changes(self) -> bool:
        """Whether the planned batch creates or replaces anything."""
        return self._plan is not None and bool(self._plan.creates or self._plan.replaces)

    def cell_key(self, item: CheckedItem) -> CellKey:
        key = combo_key(self._options[pair] for pair in item.options)
        return (self._indicators[item.indicator], item.period, self._sites[item.site], key)

    def _cell_keys(self, items: Sequence[CheckedItem]) -> list[CellKey]:
        """cell_key of every item, each distinct set of options turned into a combo key once."""
        indicators, sites, options = self._indicators, self._sites, self._options
        combo_keys: dict[tuple[tuple[str, str], ...], str] = {}
        keys: list[CellKey] = []
        append = keys.append
        for item in items:
            key = combo_keys.get(item.options)
            if key is None:
                key = combo_keys[item.options] = combo_key(options[pair] for pair in item.options)
            append((indicators[item.indicator], item.period, sites[item.site], key))
        return keys

    def plan(
        self, items: Sequence[CheckedItem], locate: Locate, problems: ProblemList, *, is_new: bool = False
    ) -> None:
        """Sort the batch into new, replacing and unchanged values; add database-level problems.

        `is_new`: the programme was created in this transaction, so nothing is stored yet.
        """
        keys = self._cell_keys(items)
        self._existing = {}  # a streamed import plans chunk after chunk with one writer
        if not is_new:
            self._load_existing(keys)
        plan = _Plan()
        self._plan = plan
        if not self._existing:
            # Nothing stored at these cells' places: every value is new and none can clash.
            plan.creates, plan.create_keys = list(items), keys
            return
        stored_kinds: dict[tuple[int, str, int], set[bool]] = defaultdict(set)
        for key in self._existing:
            stored_kinds[key[:3]].add(key[3] == "")
        reported: set[tuple[int, str, int]] = set()
        for item, key in zip(items, keys):
            place = key[:3]
            kinds = stored_kinds.get(place)
            clash = kinds and mix_clash(item.is_total, True in kinds, False in kinds)
            if clash:
                if place in reported:
                    continue  # one message per place is enough
                reported.add(place)
                label = value_label(item.indicator, item.site, item.period)
                problems.add(locate(item.index, "options", f"{label} {mix_message(clash, 'importing')}"))
                continue
            old = self._existing.get(key)
            if old is None:
                plan.creates.append(item)
                plan.create_keys.append(key)
                continue
            c = item.checked
            changed = (
                shown(c.value, c.numerator, c.denominator, c.text)
                != shown(old.value, old.numerator, old.denominator, old.text)
                or (item.comment is not None and item.comment != old.comment)
                or (item.status is not None and item.status.value != old.status)
                or (item.status_reason is not None and item.status_reason != old.status_reason)
            )
            if not changed:
                plan.unchanged += 1
            elif is_locked(old.status):
                label = value_label(item.indicator, item.site, item.period, item.options)
                problems.add(locate(item.index, "", locked_message(label, "importing a new value")))
            else:
                plan.replaces.append((item, key, old))

    def _load_existing(self, keys: Sequence[CellKey]) -> None:
        """Every stored value at the batch's places (indicator, period, site), whatever its
        option combo: the values it may replace or clash with, and the site totals."""
        places = {k[:3] for k in keys}
        indicator_ids = sorted({k[0] for k in places})
        periods = sorted({k[1] for k in places})
        site_ids = sorted({k[2] for k in places})
        combo_keys = {v: k for k, v in self._combos.items()}
        # Narrowed in SQL to every combination of the places' indicators, periods and sites (the
        # unique index seeks each), then to the places themselves. A batch can name more of
        # each than SQLite accepts bound parameters: indicators go 500 at a time, periods and
        # sites are narrowed in Python when there are many.
        for chunk in _chunks(indicator_ids, 500):
            stmt = select(
                DataValueRow.id,
                DataValueRow.uuid,
                DataValueRow.indicator_id,
                DataValueRow.period,
                DataValueRow.site_id,
                DataValueRow.combo_id,
                DataValueRow.value,
                DataValueRow.numerator,
                DataValueRow.denominator,
                DataValueRow.text,
                DataValueRow.comment,
                DataValueRow.status,
                DataValueRow.status_reason,
                DataValueRow.submitted_by,
            ).where(DataValueRow.indicator_id.in_(chunk))
            if len(periods) <= 500:
                stmt = stmt.where(DataValueRow.period.in_(periods))
            if len(site_ids) <= 500:
                stmt = stmt.where(DataValueRow.site_id.in_(site_ids))
            rows = self._session.execute(stmt).all()
            for row_id, row_uuid, ind, period, site, combo, *figures in rows:
                if (ind, period, site) not in places:
                    continue
                key = (ind, period, site, combo_keys.get(combo, ""))
                self._existing[key] = StoredValue(row_id, row_uuid, *figures)

    def _cell(self, key: CellKey) -> Hashable:
        """A cell over all its periods (indicator, site, option combo), as the series are kept:
        one integer where the ids fit, which costs a fraction of a tuple."""
        return _cell_number(key[0], key[2], self._combos[key[3]])

    def _series_of(self, cells: Set[Hashable]) -> dict[Hashable, list[float]]:
        """{cell: its stored figures over all periods}, each a new list: from the writer's memory
        of the cells seen by earlier batches, the others read from the database."""
        kept = self._series
        if len(kept) + len(cells) > MAX_KEPT_CELLS:
            kept.clear()  # read again as needed: what the database holds is what counts
        missing = {cell for cell in cells if cell not in kept}
        if missing:
            found: dict[Hashable, list[float]] = {cell: [] for cell in missing}
            indicator_ids = sorted({_cell_parts(cell)[0] for cell in missing})
            site_ids = sorted({_cell_parts(cell)[1] for cell in missing})
            for chunk in _chunks(indicator_ids, 500):
                stmt = select(
                    DataValueRow.indicator_id,
                    DataValueRow.site_id,
                    DataValueRow.combo_id,
                    DataValueRow.value,
                    DataValueRow.numerator,
                    DataValueRow.denominator,
                ).where(DataValueRow.indicator_id.in_(chunk))
                if len(site_ids) <= 500:
                    stmt = stmt.where(DataValueRow.site_id.in_(site_ids))
                for ind, site, combo, value, numerator, denominator in self._session.execute(stmt):
                    figures = found.get(_cell_number(ind, site, combo))
                    if figures is not None:
                        figure = stored_figure(value, numerator, denominator)
                        if figure is not None:
                            figures.append(figure)
            for cell, figures in found.items():
                kept[cell] = array("d", figures)
        return {cell: list(kept[cell]) for cell in cells}

    def apply(self, progress: ProgressFn | None = None, *, at: datetime | None = None) -> BatchCounts:
        """Write the planned batch; call only when `plan` found no problems.

        `progress` is told how many values are written, every WRITE_CHUNK of them; if it raises,
        the caller's transaction (and so every row written so far) rolls back. `at` (default now)
        is stamped on every value written and History row: an import passes its log's time.
        """
        if self._plan is None:
            raise RuntimeError("plan() first")
        plan = self._plan
        session = self._session
        self._create_combos({key[3] for key in plan.create_keys})
        warnings = self._warnings(plan)
        total = len(plan.creates) + len(plan.replaces)
        message = f"Writing {count_text(total, 'value')}"
        report(progress, 0, total, message)
        # The driver's own connection, in the session's transaction: SQLAlchemy's handling of a
        # million parameter sets costs more than SQLite's storing them. Rows the ORM still holds
        # (a new programme's indicators and sites) go first, for the foreign keys.
        session.flush()
        driver = session.connection().connection.driver_connection
        assert driver is not None
        table = cast(Table, DataValueRow.__table__)
        dialect = session.get_bind().dialect
        to_text = table.c.entered_at.type.dialect_impl(dialect).bind_processor(dialect)
        now = at or utcnow()
        stamp = to_text(now) if to_text is not None else now  # as SQLAlchemy would store it
        (previous_cache,) = driver.execute("PRAGMA cache_size").fetchone()
        driver.execute(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
        try:
            done = self._insert(driver, plan, warnings, stamp, progress, total, message)
            changes = self._update(driver, plan, warnings, stamp, now, progress, done, total, message)
            cells = itertools.chain(
                ((k[0], k[1], k[2]) for k in plan.create_keys),
                ((k[0], k[1], k[2]) for _, k, _ in plan.replaces),
            )
            marked = value_summary.mark_changed(session, self._programme.id, cells)
            self.summary_marked = self.summary_marked or marked
            if marked and not self.defer_refresh:
                report(progress, total, total, "Summing the values for the IPTT")
                value_summary.refresh_in_writer(session)
        finally:
            driver.execute(f"PRAGMA cache_size={int(previous_cache)}")
        history_table = cast(Table, HistoryRow.__table__)
        for chunk in _chunks(changes, 50_000):
            session.execute(insert(history_table), chunk)
        return BatchCounts(len(plan.creates), len(plan.replaces), plan.unchanged, len(warnings))

    def _insert(
        self,
        driver: Any,
        plan: _Plan,
        warnings: Mapping[int, str],
        stamp: object,
        progress: ProgressFn | None,
        total: int,
        message: str,
    ) -> int:
        """INSERT the new values, WRITE_CHUNK rows per executemany; returns how many."""
        statement = (
            f"INSERT INTO data_value ({', '.join(_INSERT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(_INSERT_COLUMNS))})"
        )
        # In the order of the indexes that lead with the indicator (the cell's, the IPTT's): a file
        # sorted by period then writes each indicator's rows of a chunk at one place in them,
        # rather than each row on a page of its own. (Already in order, as an export is: no cost.)
        order = sorted(range(len(plan.create_keys)), key=plan.create_keys.__getitem__)
        creates = [plan.creates[i] for i in order]
        keys = [plan.create_keys[i] for i in order]
        uuids = ordered_uuids(len(creates))
        combos, statuses, warning_of = self._combos, _STATUS_TEXT, warnings.get
        submitted = ValueStatus.SUBMITTED
        actor, device = self._actor.name, self._actor.device_uuid
        done = 0
        for start in range(0, len(creates), WRITE_CHUNK):
            stop = start + WRITE_CHUNK
            rows = [
                (
                    next(uuids),
                    stamp,
                    key[0],
                    key[1],
                    key[2],
                    combos[key[3]],
                    c.value,
                    c.numerator,
                    c.denominator,
                    c.text,
                    item.comment or "",
                    warning_of(item.index, ""),
                    statuses[item.status],
                    item.status_reason or "",
                    # Who last submitted it, as data entry records it: a value that arrives
                    # submitted was submitted by whoever imports it.
                    actor if item.status is submitted else "",
                    actor,
                    stamp,
                    device,
                )
                for item, key in zip(creates[start:stop], keys[start:stop])
                for c in (item.checked,)
            ]
            driver.executemany(statement, rows)
            done += len(rows)
            report(progress, done, total, message)
        return done

    def _update(
        self,
        driver: Any,
        plan: _Plan,
        warnings: Mapping[int, str],
        stamp: object,
        now: object,
        progress: ProgressFn | None,
        done: int,
        total: int,
        message: str,
    ) -> list[dict[str, object]]:
        """UPDATE the replaced values; returns the History rows of what changed."""
        statement = (
            f"UPDATE data_value SET {', '.join(f'{name} = ?' for name in _UPDATE_COLUMNS)} WHERE id = ?"
        )
        actor, device = self._actor.name, self._actor.device_uuid
        changes: list[dict[str, object]] = []
        rows: list[tuple[object, ...]] = []
        for item, _key, old in plan.replaces:
            c = item.checked
            status = item.status.value if item.status is not None else status_after_change(old.status)
            comment = item.comment if item.comment is not None else old.comment
            reason = item.status_reason if item.status_reason is not None else old.status_reason
            # A value the file submits is submitted by the importer, unless it was submitted
            # already and keeps its submitter.
            submitter = old.submitted_by
            if status == _SUBMITTED and (old.status != _SUBMITTED or not submitter):
                submitter = actor
            label = value_label(item.indicator, item.site, item.period, item.options)
            before = shown(old.value, old.numerator, old.denominator, old.text)
            after = shown(c.value, c.numerator, c.denominator, c.text)
            for name, was, now_is in (
                ("value", before, after),
                ("comment", old.comment or None, comment or None),
                ("status", old.status, status),
                ("status_reason", old.status_reason or None, reason or None),
            ):
                if was != now_is:
                    changes.append(self._history(old.uuid, label, name, was, now_is, now))
            rows.append(
                (
                    stamp,
                    c.value,
                    c.numerator,
                    c.denominator,
                    c.text,
                    comment,
                    warnings.get(item.index, ""),
                    status,
                    reason,
                    submitter,
                    actor,
                    stamp,
                    device,
                    old.id,
                )
            )
            if len(rows) == WRITE_CHUNK:
                driver.executemany(statement, rows)
                done += len(rows)
                rows = []
                report(progress, done, total, message)
        if rows:
            driver.executemany(statement, rows)
            report(progress, done + len(rows), total, message)
        return changes

    def _history(
        self, entity_uuid: str, label: str, name: str, old: object, new: object, at: object
    ) -> dict[str, object]:
        # The row history.record() would add, as a dict for one bulk INSERT.
        return {
            "at": at,
            "actor": self._actor.name,
            "device_uuid": self._actor.device_uuid,
            "programme_id": self._programme.id,
            "entity": "data_value",
            "entity_uuid": entity_uuid,
            "label": label,
            "field": name,
            "old": history.as_text(old),
            "new": history.as_text(new),
            "reason": "",
            "reason_text": "",
        }

    def _create_combos(self, keys: Iterable[str]) -> None:
        missing = sorted({k for k in keys if k not in self._combos})
        if not missing:
            return
        for chunk in _chunks(missing, 500):
            self._session.execute(insert(OptionComboRow), [{"key": k} for k in chunk])
            self._combos.update(
                self._session.execute(
                    select(OptionComboRow.key, OptionComboRow.id).where(OptionComboRow.key.in_(chunk))
                ).all()
            )

    def _warnings(self, plan: _Plan) -> dict[int, str]:
        """The warnings data entry would give each new or replacing value, computed in memory:
        {item index: warnings as stored} for the values that carry any. Call after the batch's
        combos exist; the writer then remembers its cells' figures as they will be after the
        write, for the batches after it."""
        items = plan.creates + [item for item, _, _ in plan.replaces]
        keys = plan.create_keys + [key for _, key, _ in plan.replaces]
        if not items:
            return {}
        cell_of = self._cell
        cells = [cell_of(key) for key in keys]
        series = self._series_of(set(cells))
        for _, key, old in plan.replaces:
            figure = stored_figure(old.value, old.numerator, old.denominator)
            if figure is not None:
                series[cell_of(key)].remove(figure)  # the replaced figure leaves its cell's series
        replaced = {key for _, key, _ in plan.replaces}
        programme_targets, site_targets = self._targets({key[0] for key in keys})
        found = batch_warnings(
            items, keys, cells, series, self._existing, replaced, programme_targets, site_targets
        )
        kept = self._series
        for cell, figures in series.items():
            kept[cell] = array("d", figures)
        return found

    def _targets(
        self, indicator_ids: Iterable[int]
    ) -> tuple[dict[tuple[int, str], float], dict[tuple[int, str, int], float]]:
        """The period targets of these indicators: (programme level, by site)."""
        programme: dict[tuple[int, str], float] = {}
        by_site: dict[tuple[int, str, int], float] = {}
        for chunk in _chunks(sorted(indicator_ids), 500):
            rows = self._session.execute(
                select(TargetRow.indicator_id, TargetRow.period, TargetRow.site_id, TargetRow.value).where(
                    TargetRow.indicator_id.in_(chunk)
                )
            ).all()
            for ind, period, site, value in rows:
                if site is None:
                    programme[(ind, period)] = value
                else:
                    by_site[(ind, period, site)] = value
        return programme, by_site


_CELL_BITS = 32


def _cell_number(indicator_id: int, site_id: int, combo_id: int) -> Hashable:
    if site_id >> _CELL_BITS or combo_id >> _CELL_BITS:
        return (indicator_id, site_id, combo_id)
    return (indicator_id << _CELL_BITS | site_id) << _CELL_BITS | combo_id


def _cell_parts(cell: Hashable) -> tuple[int, int, int]:
    if isinstance(cell, tuple):
        return cell
    assert isinstance(cell, int)
    mask = (1 << _CELL_BITS) - 1
    return cell >> (2 * _CELL_BITS), cell >> _CELL_BITS & mask, cell & mask


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

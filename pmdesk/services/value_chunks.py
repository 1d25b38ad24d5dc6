# SPDX-License-Identifier: GPL-3.0-or-later
"""Value items checked, planned and written a chunk at a time, in one transaction: the path every
bulk import of values takes (values CSV and JSON files, and the values of a programme package).

Memory stays flat whatever the file's size, and progress and cancel come between chunks; the
caller's transaction still makes it all of a file or none of it.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.formats.problems import Locate, ProblemList, ProgressFn, json_locator, report
from pmdesk.formats.value_items import value_items_problems
from pmdesk.services import value_summary
from pmdesk.services.actor import Actor
from pmdesk.services.batch_check import Catalog, CheckedItem, check_items, value_label
from pmdesk.services.cells import CellResolver
from pmdesk.services.lookups import did_you_mean_programme
from pmdesk.services.value_batch import ValueWriter
from pmdesk.storage.models import ProgrammeRow

T = TypeVar("T")
# Values checked, planned and written at a time: memory stays flat whatever the file's size, and
# progress and cancel come between chunks. Still one transaction: all of a file, or none of it.
CHUNK_VALUES = 20_000


@dataclass(frozen=True)
class ValueGroup:
    """Values of one programme from a file (all of them, or one chunk), and how to name where
    each came from."""

    programme_code: str
    items: Sequence[Mapping[str, Any]]
    locate: Locate
    where: Problem  # where to report a programme that does not exist
    # Per item, the number its place in the file is named by (its CSV row, its index in
    # $.values), and that number as a location ("values.csv row 7", "$.values[7]").
    numbers: Sequence[int]
    place: Callable[[int], str]


@dataclass
class ImportTarget:
    """A programme a file writes into, and what has been written into it so far. Without a
    writer (and a programme), its values are only checked: a package whose definitions were
    refused."""

    programme: ProgrammeRow | None
    catalog: Catalog
    writer: ValueWriter | None
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    warnings: int = 0


class CellsSeen:
    """The cells given so far in a streamed import, to find one given twice in different chunks.

    Each cell is packed into one integer (dense numbers for its indicator, site, period and
    options) in a temporary table of the import's own connection, with the number of the place
    that gave it first: a million cells cost SQLite a few MB of its temporary file, not Python
    a hundred MB of dictionary. The table goes with the transaction.
    """

    _WIDTH = 16  # bits per dense number; a programme has far fewer indicators, sites, …

    def __init__(self, session: Session) -> None:
        driver = session.connection().connection.driver_connection
        assert driver is not None
        self._driver = driver
        driver.execute(
            "CREATE TEMP TABLE IF NOT EXISTS pmdesk_import_cell "
            "(cell INTEGER PRIMARY KEY, at INTEGER NOT NULL)"
        )
        driver.execute("DELETE FROM temp.pmdesk_import_cell")
        self._numbers: tuple[dict[object, int], ...] = ({}, {}, {}, {})

    def _number(self, part: int, thing: object) -> int:
        numbers = self._numbers[part]
        found = numbers.get(thing)
        if found is None:
            found = numbers[thing] = len(numbers)
            if found >= 1 << (self._WIDTH - (part == 0)):
                raise ValidationError("names too many different cells to be imported at once")
        return found

    def first_time(self, group: ValueGroup, items: Sequence[CheckedItem], problems: ProblemList) -> None:
        """Add a problem for each item whose cell an earlier chunk gave, and remember the rest."""
        if not items:
            return
        width = self._WIDTH
        number = self._number
        code = group.programme_code
        keys = [
            (
                (
                    (number(0, (code, item.indicator)) << width | number(1, (code, item.site))) << width
                    | number(2, item.period)
                )
                << width
            )
            | number(3, item.options)
            for item in items
        ]
        earlier = dict(
            self._driver.execute(
                "SELECT c.cell, c.at FROM json_each(?) AS j "
                "JOIN temp.pmdesk_import_cell AS c ON c.cell = j.value",
                (json.dumps(keys),),
            ).fetchall()
        )
        if earlier:
            for item, key in zip(items, keys):
                at = earlier.get(key)
                if at is not None:
                    label = value_label(item.indicator, item.site, item.period, item.options)
                    problems.add(
                        group.locate(item.index, "", f"{label} is given twice (also at {group.place(at)})")
                    )
        numbers = group.numbers
        self._driver.executemany(
            "INSERT OR IGNORE INTO temp.pmdesk_import_cell VALUES (?, ?)",
            zip(keys, (numbers[item.index] for item in items)),
        )

    def close(self) -> None:
        self._driver.execute("DROP TABLE IF EXISTS temp.pmdesk_import_cell")


class ChunkedImport:
    """Checks, plans and writes groups of value items, chunk after chunk, in the caller's
    transaction (`session`).

    `form` is where the caller collects the problems of the file's form (CSV cells, JSON shapes)
    as it reads the chunks: once it holds any, only the form is checked any further, and the
    caller reports those problems alone, as when a whole file was read before anything else.
    Any other problem (`problems`) stops the writing but not the checking, so every problem of
    the file is named; the caller then raises and its transaction rolls back.

    `backup`, when given, is called once, before the first write. Values are stamped `at`.
    """

    def __init__(
        self,
        session: Session,
        actor: Actor,
        form: ProblemList,
        *,
        progress: ProgressFn | None = None,
        at: datetime,
        backup: Callable[[], None] | None = None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.form = form
        self.problems = ProblemList()
        self.progress = progress
        self.at = at
        self._backup = backup
        self.targets: dict[str, ImportTarget | None] = {}
        self._missing: dict[str, tuple[Problem, int]] = {}  # programme code → (first place, values)
        self._seen = CellsSeen(session)

    def add(self, chunk: Iterable[ValueGroup]) -> None:
        """Check one chunk's groups and, while nothing is wrong, plan and write them."""
        progress, problems = self.progress, self.problems
        for group in chunk:
            code = group.programme_code
            if code not in self.targets:
                self.targets[code] = self._target(code)
            target = self.targets[code]
            if target is None:
                where, count = self._missing.get(code, (group.where, 0))
                self._missing[code] = (where, count + len(group.items))
                continue
            if self.form:
                continue  # only the file's form is reported now
            checked = check_items(target.catalog, group.items, group.locate, problems, progress)
            self._seen.first_time(group, checked, problems)
            writer = target.writer
            if problems or self._missing or writer is None:
                continue  # nothing more is written; the rest is only checked
            report(progress, 0, 0, f"Comparing with the values of {code}")
            writer.plan(checked, group.locate, problems)
            if problems:
                continue
            if self._backup is not None and writer.has_changes:
                # Before the first write of the transaction: the copy is of the file as it was.
                report(progress, 0, 0, "Backing up the database")
                self._backup()
                self._backup = None
            counts = writer.apply(progress, at=self.at)
            target.created += counts.created
            target.replaced += counts.replaced
            target.unchanged += counts.unchanged
            target.warnings += counts.warnings

    def name_missing(self) -> None:
        """Add a problem for each programme the groups named that does not exist."""
        for code, (where, count) in self._missing.items():
            message = f"there is no programme '{code}'" + did_you_mean_programme(self.session, code)
            if count > 1:
                message += f" ({count} values name it)"
            self.problems.add(Problem(where.location, message, where.field))

    def finish(self) -> list[ImportTarget]:
        """After the last chunk, when no problem was found: the value summary brought up to date
        once, and the programmes written into, with their counts."""
        self._seen.close()
        written = [t for t in self.targets.values() if t is not None and t.writer is not None]
        if any(t.writer.summary_marked for t in written if t.writer is not None):
            report(self.progress, 0, 0, "Summing the values for the IPTT")
            value_summary.refresh_in_writer(self.session)
        return written

    def _target(self, code: str) -> ImportTarget | None:
        session = self.session
        programme = session.scalars(select(ProgrammeRow).where(ProgrammeRow.code == code)).first()
        if programme is None:
            return None
        resolver = CellResolver(session, programme)
        return ImportTarget(
            programme,
            Catalog.from_resolver(resolver),
            deferred_writer(session, self.actor, programme, resolver),
        )


def deferred_writer(
    session: Session, actor: Actor, programme: ProgrammeRow, resolver: CellResolver | None = None
) -> ValueWriter:
    """A ValueWriter for chunk after chunk: the value summary is refreshed once, by `finish`."""
    writer = ValueWriter(session, actor, programme, resolver)
    writer.defer_refresh = True  # once, after the last chunk
    return writer


def json_group(
    programme_code: str,
    items: Sequence[Mapping[str, Any]],
    offset: int,
    shapes: ProblemList,
    progress: ProgressFn | None,
) -> ValueGroup:
    """The values `items`, found at $.values[offset] onwards, as a group; their shape problems
    (JSON types, unknown fields) go to `shapes`."""
    base = json_locator("$.values")

    def locate(index: int, field_name: str, message: str) -> Problem:
        return base(index + offset, field_name, message)

    value_items_problems(items, locate, shapes, progress)
    return ValueGroup(
        programme_code,
        items,
        locate,
        Problem("$.programme", ""),
        range(offset, offset + len(items)),
        "$.values[{}]".format,
    )


def batched(items: Iterable[T], size: int) -> Iterator[tuple[int, list[T]]]:
    """(offset of the first, up to `size` items) for the items, in order; one empty chunk for
    no items (an empty list still names its programme, which must exist)."""
    offset = 0
    iterator = iter(items)
    chunk = list(itertools.islice(iterator, size))
    while True:
        yield offset, chunk
        offset += len(chunk)
        chunk = list(itertools.islice(iterator, size))
        if not chunk:
            return

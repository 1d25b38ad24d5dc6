# SPDX-License-Identifier: GPL-3.0-or-later
"""Bulk DataValues in and out (DESIGN.md §8 `values import` / `values export`), as CSV or JSON.

The CSV file itself is pmdesk.formats.values_csv. An empty comment or status reason leaves the one
a replaced value has.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import ImportKind
from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.formats.files import read_limited, write_atomically
from pmdesk.formats.problems import (
    REPORT_EVERY,
    Locate,
    ProblemList,
    ProgressFn,
    describe,
    json_locator,
    report,
)
from pmdesk.formats.value_items import code_problem, value_items_problems
from pmdesk.formats.values_csv import (  # noqa: F401 (CSV_HEADER, EXPORT_HEADER re-exported)
    CSV_HEADER,
    EXPORT_HEADER,
    read_values_csv,
    values_csv,
)
from pmdesk.services.actor import Actor
from pmdesk.services.batch_check import Catalog, check_items
from pmdesk.services.cells import CellResolver
from pmdesk.services.import_log import Digest, ImportedFile, record_import
from pmdesk.services.lookups import did_you_mean_programme, programme_by_code
from pmdesk.services.package_export import value_items
from pmdesk.services.packages import MAX_FILE_BYTES, read_json_file
from pmdesk.services.value_batch import ValueWriter
from pmdesk.storage.backup import backup_database
from pmdesk.storage.models import ProgrammeRow, utcnow

JSON_KEYS = frozenset({"programme", "values"})


@dataclass(frozen=True)
class ValuesImportSummary:
    created: int
    replaced: int
    unchanged: int
    warnings: int  # created or replaced values that carry a warning


@dataclass(frozen=True)
class _Group:
    """The values of one programme in a file, and how to name where each came from."""

    programme_code: str
    items: Sequence[Mapping[str, Any]]
    locate: Locate
    where: Problem  # where to report a programme that does not exist


class ValuesService:
    """Imports and exports many DataValues at once, with the rules of single-cell data entry."""

    def __init__(
        self, sessions: sessionmaker[Session], actor: Actor, database_path: Path | None = None
    ) -> None:
        self._sessions = sessions
        self._actor = actor
        self._database_path = database_path

    # -- import ---------------------------------------------------------------------------------

    def import_items(
        self,
        programme_code: str,
        items: Sequence[Mapping[str, Any]],
        source: str = "values",
        *,
        progress: ProgressFn | None = None,
        origin: ImportedFile | None = None,
    ) -> ValuesImportSummary:
        """Import package-style value items into one programme: all of them, or none.

        A value for a cell that has one replaces it (recorded in History); an identical value is
        left alone and counted as unchanged. Raises ValidationError listing every problem
        (`$.values[3].period: …`), including approved values that would change.

        `progress(done, total, message)` is called at each phase and every few thousand values,
        inside the transaction; whatever it raises (the UI's JobCancelled) propagates and leaves
        the database as it was. `origin`, the file the items were read from, goes to the import
        log in the same transaction.
        """
        problems = ProblemList()
        locate = json_locator("$.values")
        value_items_problems(items, locate, problems, progress)
        if problems:
            raise ValidationError(problems.final(), source=source)
        group = _Group(programme_code, items, locate, Problem("$.programme", ""))
        return self._import([group], source, progress, origin)

    def import_file(self, path: Path, *, progress: ProgressFn | None = None) -> ValuesImportSummary:
        """Import a `.json` ({"programme": CODE, "values": [...]}) or `.csv` file of values."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".json"):
            raise ValidationError(f"{path.name}: values are imported from .csv or .json files")
        report(progress, 0, 0, f"Reading {path.name}")
        digest = hashlib.sha256()
        if suffix == ".csv":
            groups = _read_csv(path, digest)
            origin = ImportedFile(ImportKind.VALUES, path.name, digest.hexdigest())
            return self._import(groups, path.name, progress, origin)
        data = read_json_file(path, digest=digest)
        origin = ImportedFile(ImportKind.VALUES, path.name, digest.hexdigest())
        problems = _json_file_problems(data)
        if problems:
            raise ValidationError(problems, source=path.name)
        assert isinstance(data, dict)
        return self.import_items(
            data["programme"], data["values"], source=path.name, progress=progress, origin=origin
        )

    def _import(
        self,
        groups: Sequence[_Group],
        source: str,
        progress: ProgressFn | None = None,
        origin: ImportedFile | None = None,
    ) -> ValuesImportSummary:
        problems = ProblemList()
        with self._sessions.begin() as session:
            writers = []
            programmes = []
            for group in groups:
                programme = session.scalars(
                    select(ProgrammeRow).where(ProgrammeRow.code == group.programme_code)
                ).first()
                if programme is None:
                    message = f"there is no programme '{group.programme_code}'" + did_you_mean_programme(
                        session, group.programme_code
                    )
                    if len(group.items) > 1:
                        message += f" ({len(group.items)} values name it)"
                    problems.add(Problem(group.where.location, message, group.where.field))
                    continue
                resolver = CellResolver(session, programme)
                catalog = Catalog.from_resolver(resolver)
                checked = check_items(catalog, group.items, group.locate, problems, progress)
                writer = ValueWriter(session, self._actor, programme, resolver)
                report(progress, 0, 0, f"Comparing with the values of {programme.code}")
                writer.plan(checked, group.locate, problems)
                writers.append(writer)
                programmes.append(programme)
            if problems:
                raise ValidationError(problems.final(), source=source)
            if self._database_path is not None and any(w.has_changes for w in writers):
                report(progress, 0, 0, "Backing up the database")
                backup_database(self._database_path, reason="before-import")
            at = utcnow()
            counts = [w.apply(progress, at=at) for w in writers]
            if origin is not None:
                # One log row per programme the file wrote into, each with that programme's counts.
                for programme, c in zip(programmes, counts):
                    record_import(
                        session,
                        self._actor,
                        origin,
                        programme,
                        at,
                        created=c.created,
                        replaced=c.replaced,
                        unchanged=c.unchanged,
                        warnings=c.warnings,
                    )
        return ValuesImportSummary(
            sum(c.created for c in counts),
            sum(c.replaced for c in counts),
            sum(c.unchanged for c in counts),
            sum(c.warnings for c in counts),
        )

    # -- export ---------------------------------------------------------------------------------

    def export_values(
        self, programme_code: str, fmt: str = "csv", *, progress: ProgressFn | None = None
    ) -> str:
        """Every value of a programme as CSV (by the rules of pmdesk.formats.csv_safe) or as JSON,
        both in the `values import` format."""
        if fmt not in ("csv", "json"):
            raise ValidationError(f"'{fmt}' is not an export format: use csv or json")
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            code = programme.code
            items = value_items(session, programme, progress)
        if fmt == "json":
            return json.dumps({"programme": code, "values": items}, indent=1, ensure_ascii=False) + "\n"
        return values_csv(code, items, progress, REPORT_EVERY)

    def export_file(
        self,
        programme_code: str,
        path: Path,
        fmt: str | None = None,
        *,
        progress: ProgressFn | None = None,
    ) -> None:
        """Write the export atomically; the format follows the suffix unless given. CSV files
        start with a UTF-8 BOM so that spreadsheets read accents correctly. If `progress`
        raises, no file is written."""
        path = Path(path)
        fmt = fmt or path.suffix.lower().lstrip(".")
        text = self.export_values(programme_code, fmt, progress=progress)
        report(progress, 0, 0, f"Writing {path.name}")
        write_atomically(path, text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")


def _json_file_problems(data: object) -> list[Problem]:
    if not isinstance(data, dict):
        return [
            Problem("$", f'must be an object {{"programme": CODE, "values": [...]}}, not {describe(data)}')
        ]
    found = [Problem("$", f"'{key}' is required") for key in ("programme", "values") if key not in data]
    unknown = sorted(k for k in data if k not in JSON_KEYS)
    if unknown:
        found.append(Problem("$", "unknown field " + ", ".join(f"'{k}'" for k in unknown)))
    if "programme" in data and (why := code_problem(data["programme"])) is not None:
        found.append(Problem("$.programme", why))
    if "values" in data and not isinstance(data["values"], list):
        found.append(Problem("$.values", f"must be a list, not {describe(data['values'])}"))
    return found


def _read_csv(path: Path, digest: Digest | None = None) -> list[_Group]:
    """The rows of a values CSV grouped by programme, or ValidationError for a file that is not
    one (size, encoding, header, cell counts, options syntax). `digest` is fed the file's bytes."""
    name = path.name
    data = read_limited(path, MAX_FILE_BYTES, digest=digest)
    return [
        _Group(
            found.programme_code,
            found.items,
            _row_locator(name, found.rows),
            Problem(f"{name} row {found.rows[0]}", "", "programme"),
        )
        for found in read_values_csv(data, name)
    ]


def _row_locator(name: str, numbers: Sequence[int]) -> Locate:
    """Problems located as a spreadsheet user sees them: `values.csv row 7, field 'period'`."""

    def locate(index: int, field_name: str, message: str) -> Problem:
        return Problem(f"{name} row {numbers[index]}", message, field_name)

    return locate

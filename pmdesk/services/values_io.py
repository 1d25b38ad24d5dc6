# SPDX-License-Identifier: GPL-3.0-or-later
"""Bulk DataValues in and out (DESIGN.md §8 `values import` / `values export`), as CSV or JSON.

The CSV file itself is pmdesk.formats.values_csv. An empty comment or status reason leaves the one
a replaced value has.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import ImportKind
from pmdesk.domain.errors import Problem, ValidationError
from pmdesk.formats.files import Digest, open_to_read, write_atomically
from pmdesk.formats.json_stream import TopLevel, UnusualFile, top_level
from pmdesk.formats.json_stream import value_items as json_value_items
from pmdesk.formats.problems import (
    REPORT_EVERY,
    Locate,
    ProblemList,
    ProgressFn,
    describe,
    report,
)
from pmdesk.formats.value_items import code_problem
from pmdesk.formats.values_csv import (  # noqa: F401 (CSV_HEADER, EXPORT_HEADER re-exported)
    CSV_HEADER,
    EXPORT_HEADER,
    iter_values_csv,
    values_csv,
)
from pmdesk.services import value_chunks
from pmdesk.services.actor import Actor
from pmdesk.services.import_log import ImportedFile, record_import
from pmdesk.services.lookups import programme_by_code
from pmdesk.services.package_export import value_items
from pmdesk.services.packages import MAX_FILE_BYTES, read_json_file
from pmdesk.services.value_batch import fewer_collections
from pmdesk.services.value_chunks import ChunkedImport, ValueGroup, batched, json_group
from pmdesk.storage.backup import backup_database
from pmdesk.storage.models import utcnow

JSON_KEYS = frozenset({"programme", "values"})
# Values checked, planned and written at a time (value_chunks): memory stays flat whatever the
# file's size, and progress and cancel come between chunks. Still one transaction.
CHUNK_VALUES = value_chunks.CHUNK_VALUES


@dataclass(frozen=True)
class ValuesImportSummary:
    created: int
    replaced: int
    unchanged: int
    warnings: int  # created or replaced values that carry a warning


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
        shapes = ProblemList()

        def chunks() -> Iterator[list[ValueGroup]]:
            # One chunk at least: an empty list still names its programme, which must exist.
            for start in range(0, max(1, len(items)), CHUNK_VALUES):
                chunk = items[start : start + CHUNK_VALUES]
                yield [json_group(programme_code, chunk, start, shapes, progress)]

        return self._import(chunks(), source, (shapes, source), progress, lambda: origin)

    def import_file(self, path: Path, *, progress: ProgressFn | None = None) -> ValuesImportSummary:
        """Import a `.json` ({"programme": CODE, "values": [...]}) or `.csv` file of values."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".csv", ".json"):
            raise ValidationError(f"{path.name}: values are imported from .csv or .json files")
        report(progress, 0, 0, f"Reading {path.name}")
        digest = hashlib.sha256()
        if suffix == ".csv":
            with open_to_read(path, MAX_FILE_BYTES) as handle:
                form = ProblemList()
                return self._import(
                    _csv_chunks(handle, path.name, form, digest),
                    path.name,
                    (form, ""),
                    progress,
                    lambda: ImportedFile(ImportKind.VALUES, path.name, digest.hexdigest()),
                )
        with open_to_read(path, MAX_FILE_BYTES) as handle:
            try:
                top = top_level(handle)
            except UnusualFile:
                return self._import_json_whole(path, progress)
            problems = _json_file_problems(_as_parsed(top))
            if problems:
                raise ValidationError(problems, source=path.name)
            assert isinstance(top, TopLevel) and isinstance(top.programme, str)
            shapes = ProblemList()
            chunks = (
                [json_group(top.programme, chunk, offset, shapes, progress)]
                for offset, chunk in batched(json_value_items(handle, digest), CHUNK_VALUES)
            )
            try:
                return self._import(
                    chunks,
                    path.name,
                    (shapes, path.name),
                    progress,
                    lambda: ImportedFile(ImportKind.VALUES, path.name, digest.hexdigest()),
                )
            except UnusualFile:  # a key given twice in an item: json_safe names it
                pass
        return self._import_json_whole(path, progress)

    def _import_json_whole(self, path: Path, progress: ProgressFn | None) -> ValuesImportSummary:
        """A values JSON read whole by json_safe: for a file the streamed reading found unusual,
        so that its problems are named as for every JSON import."""
        digest = hashlib.sha256()
        data = read_json_file(path, max_bytes=MAX_FILE_BYTES, digest=digest)
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
        chunks: Iterable[list[ValueGroup]],
        source: str,
        checked_form: tuple[ProblemList, str],
        progress: ProgressFn | None = None,
        origin: Callable[[], ImportedFile | None] = lambda: None,
    ) -> ValuesImportSummary:
        """Check, plan and write `chunks` one after the other, in one transaction
        (value_chunks.ChunkedImport).

        `checked_form` is where the problems of the file's form (CSV cells, JSON shapes) are
        collected as the chunks are read, and the source they are reported under: once it holds
        any, those problems alone are reported. Any other problem stops the writing but not the
        checking, so every problem of the file is named; then the transaction rolls back and
        nothing stays written.
        """
        form, form_source = checked_form
        database_path = self._database_path

        def backup() -> None:
            assert database_path is not None
            backup_database(database_path, reason="before-import")

        at = utcnow()
        with fewer_collections(), self._sessions.begin() as session:
            run = ChunkedImport(
                session,
                self._actor,
                form,
                progress=progress,
                at=at,
                backup=backup if database_path is not None else None,
            )
            for chunk in chunks:
                run.add(chunk)
            if form:
                raise ValidationError(form.final(), source=form_source)
            run.name_missing()
            if run.problems:
                raise ValidationError(run.problems.final(), source=source)
            written = run.finish()
            imported = origin()
            if imported is not None:
                # One log row per programme the file wrote into, each with that programme's counts.
                for t in written:
                    assert t.programme is not None
                    record_import(
                        session,
                        self._actor,
                        imported,
                        t.programme,
                        at,
                        created=t.created,
                        replaced=t.replaced,
                        unchanged=t.unchanged,
                        warnings=t.warnings,
                    )
        return ValuesImportSummary(
            sum(t.created for t in written),
            sum(t.replaced for t in written),
            sum(t.unchanged for t in written),
            sum(t.warnings for t in written),
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


def _as_parsed(top: object) -> object:
    """The top level of a values file as json.loads would give it, its values list left empty
    (_json_file_problems looks at nothing more)."""
    if not isinstance(top, TopLevel):
        return top
    parsed: dict[str, object] = dict.fromkeys(top.keys)
    if "programme" in parsed:
        parsed["programme"] = top.programme
    if "values" in parsed:
        parsed["values"] = [] if top.values_is_list else top.values
    return parsed


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


def _csv_chunks(
    handle: BinaryIO, name: str, form: ProblemList, digest: Digest | None = None
) -> Iterator[list[ValueGroup]]:
    """The rows of a values CSV, CHUNK_VALUES at a time, grouped by programme within a chunk;
    problems of the file's form go to `form`; ValidationError for a file that is not a values
    CSV (encoding, header). `digest` is fed the file's bytes."""
    place = f"{name} row {{}}".format
    for chunk in iter_values_csv(handle, name, form, CHUNK_VALUES, digest):
        yield [
            ValueGroup(
                found.programme_code,
                found.items,
                _row_locator(name, found.rows),
                Problem(f"{name} row {found.rows[0]}", "", "programme"),
                found.rows,
                place,
            )
            for found in chunk
        ]


def _row_locator(name: str, numbers: Sequence[int]) -> Locate:
    """Problems located as a spreadsheet user sees them: `values.csv row 7, field 'period'`."""

    def locate(index: int, field_name: str, message: str) -> Problem:
        return Problem(f"{name} row {numbers[index]}", message, field_name)

    return locate

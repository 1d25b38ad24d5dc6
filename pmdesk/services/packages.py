# SPDX-License-Identifier: GPL-3.0-or-later
"""Programme packages (pmdesk.programme/1, DESIGN.md §7): create a programme from JSON, export one."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import ImportKind
from pmdesk.domain.errors import ValidationError
from pmdesk.domain.periods import (
    CustomPeriod,
    parse_period,
)
from pmdesk.formats.files import open_to_read, read_limited, write_atomically
from pmdesk.formats.json_safe import load_json
from pmdesk.formats.json_stream import UnusualFile, package_definitions
from pmdesk.formats.json_stream import value_items as json_value_items
from pmdesk.formats.package_schema import (
    definition_problems,
    framework_is_misshapen,
    schema_problems,
)
from pmdesk.formats.problems import ProblemList, ProgressFn, report
from pmdesk.formats.value_items import json_number
from pmdesk.services.actor import Actor
from pmdesk.services.import_log import Digest, ImportedFile, counts_text, record_import
from pmdesk.services.lookups import programme_by_code
from pmdesk.services.package_checks import (
    PackageChecker,
    add_fractional,
    allows_decimals,
    thresholds_of_package,
    undecided_indicators,
)
from pmdesk.services.package_export import PackageExporter
from pmdesk.services.package_loop import LoopWriter
from pmdesk.services.package_loop_checks import LOOP_KINDS, LoopChecker
from pmdesk.services.package_variance import SECTION as EXPLANATIONS
from pmdesk.services.package_variance import check_explanations, write_explanations
from pmdesk.services.value_batch import fewer_collections
from pmdesk.services.value_chunks import (
    CHUNK_VALUES,
    ChunkedImport,
    ImportTarget,
    batched,
    deferred_writer,
    json_group,
)
from pmdesk.storage.backup import backup_database
from pmdesk.storage.models import (
    CustomPeriodRow,
    DisaggregationRow,
    HistoryRow,
    IndicatorDisaggregationRow,
    IndicatorRow,
    OptionRow,
    PersonRow,
    ProgrammeRow,
    ResultRow,
    SiteRow,
    TargetRow,
    TierRow,
    TriggerRow,
    utcnow,
)

MAX_FILE_BYTES = 200 * 1024 * 1024
KINDS = (
    "custom_periods",
    "tiers",
    "results",
    "disaggregations",
    "options",
    "sites",
    "people",
    "indicators",
    "targets",
    "triggers",
    *LOOP_KINDS,
    EXPLANATIONS,
    "values",
)


@dataclass(frozen=True)
class PackageSummary:
    """What an import created: rows per kind (KINDS), and how many values carry a warning."""

    programme_code: str
    counts: dict[str, int]
    warnings: int


# -- reading files --------------------------------------------------------------------------------


def read_json_file(path: Path, *, max_bytes: int | None = None, digest: Digest | None = None) -> object:
    """Parse a JSON file strictly (pmdesk.formats.json_safe), refusing oversized or malformed ones.

    Raises ValidationError naming the file, and the line and column of a syntax error or the
    JSON path of a key given twice.
    """
    path = Path(path)
    data = read_limited(path, max_bytes or MAX_FILE_BYTES, digest=digest)
    return load_json(data, path.name)


# -- the service ----------------------------------------------------------------------------------


class PackageService:
    """Creates programmes from packages and writes programmes out as packages."""

    def __init__(
        self, sessions: sessionmaker[Session], actor: Actor, database_path: Path | None = None
    ) -> None:
        self._sessions = sessions
        self._actor = actor
        self._database_path = database_path

    def import_file(self, path: Path, *, progress: ProgressFn | None = None) -> PackageSummary:
        """Create the programme of a package file; ValidationError (naming the file) if refused.

        The file is read without holding its values (pmdesk.formats.json_stream): its
        definitions first, then the values a chunk at a time. A file that is unusual as JSON (not
        UTF-8, a key given twice, NaN, nesting too deep) is read whole by json_safe instead, which
        names the problem and its place.
        """
        path = Path(path)
        report(progress, 0, 0, f"Reading {path.name}")
        with open_to_read(path, MAX_FILE_BYTES) as handle:
            digest = hashlib.sha256()
            try:
                package = package_definitions(handle)
                chunks = batched(json_value_items(handle, digest), CHUNK_VALUES)
                return self._import(
                    package,
                    chunks,
                    path.name,
                    progress,
                    lambda: ImportedFile(ImportKind.PACKAGE, path.name, digest.hexdigest()),
                )
            except UnusualFile:
                pass
        digest = hashlib.sha256()
        data = read_json_file(path, digest=digest)
        origin = ImportedFile(ImportKind.PACKAGE, path.name, digest.hexdigest())
        return self.import_package(data, source=path.name, progress=progress, origin=origin)

    def import_package(
        self,
        data: object,
        source: str = "package",
        *,
        progress: ProgressFn | None = None,
        origin: ImportedFile | None = None,
    ) -> PackageSummary:
        """Create a programme from a parsed package, in one transaction.

        Every problem is collected (JSON path and message) and raised together as one
        ValidationError; nothing stays written then. A programme whose code exists is refused:
        importing creates. With a database path, a verified backup is made before writing.

        `progress(done, total, message)` is called at each phase and every few thousand values,
        while checking and inside the transaction while writing; whatever it raises (the UI's
        JobCancelled) propagates and leaves the database as it was.

        `origin`, the file the package was read from, goes to the import log in the same
        transaction.
        """
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            values: list[Any] = data["values"]
            package: object = {**data, "values": []}
            size = CHUNK_VALUES
            chunks: Iterable[tuple[int, list[Any]]] = (
                (start, values[start : start + size]) for start in range(0, len(values), size)
            )
        else:
            package, chunks = data, ()
        return self._import(package, chunks, source, progress, lambda: origin)

    def _import(
        self,
        package: object,
        chunks: Iterable[tuple[int, list[Any]]],
        source: str,
        progress: ProgressFn | None,
        origin: Callable[[], ImportedFile | None],
    ) -> PackageSummary:
        """Import a package whose `values` list is left empty: its items come as `chunks`
        ((offset in $.values, items)), checked and written through value_chunks like any
        values import, in the transaction that writes the definitions."""
        if not isinstance(package, dict):
            raise ValidationError(schema_problems(package), source=source)
        shapes = definition_problems(package)
        if shapes and framework_is_misshapen(package):
            # The meaning cannot be checked: the shapes alone are reported, the values' too.
            for offset, items in chunks:
                json_group("", items, offset, shapes, progress)
            raise ValidationError(shapes.final(), source=source)
        # Only targets may be misshapen here. The rest is checked for meaning too, so one run
        # reports every problem; the checker skips misshapen targets, and values' meaning is
        # checked only while every value is well formed.
        undecided = undecided_indicators(package)
        checker = PackageChecker(package, progress, fractional=undecided)
        catalog = checker.check_definitions()
        meaning = checker.problems
        LoopChecker(package, meaning).run()
        check_explanations(package, checker.periods, checker.custom, meaning)
        code = package["programme"]["code"]
        at = utcnow()
        with fewer_collections(), self._sessions.begin() as session:
            if session.scalar(select(ProgrammeRow.id).where(ProgrammeRow.code == code)) is not None:
                checker.add(
                    "$.programme.code", f"programme {code} already exists (importing creates a programme)"
                )
            writer: _PackageWriter | None = None
            counts = dict.fromkeys(KINDS, 0)
            if not shapes and not meaning:
                if self._database_path is not None:
                    report(progress, 0, 0, "Backing up the database")
                    backup_database(self._database_path, reason="before-import")
                report(progress, 0, 0, f"Creating programme {code}")
                writer = _PackageWriter(session, self._actor, package, checker.custom, frozenset())
                counts = writer.write()
                counts.update(LoopWriter(session, self._actor, package, writer.programme, source).write())
                counts[EXPLANATIONS] = write_explanations(
                    session, self._actor, package, writer.programme, checker.custom, source
                )
                target = ImportTarget(
                    writer.programme, catalog, deferred_writer(session, self._actor, writer.programme)
                )
            else:  # the values are only checked, so that every problem is named at once
                target = ImportTarget(None, catalog, None)
            value_shapes = ProblemList()
            run = ChunkedImport(session, self._actor, value_shapes, progress=progress, at=at)
            run.targets[code] = target
            fractional: set[str] = set()
            for offset, items in chunks:
                if undecided:
                    add_fractional(items, undecided, fractional)
                run.add([json_group(code, items, offset, value_shapes, progress)])
            found = _merged(shapes, value_shapes, meaning, ProblemList() if value_shapes else run.problems)
            if found:
                raise ValidationError(found.final(), source=source)
            assert writer is not None
            run.finish()
            # A package from before `allows_decimals`: its values decide (package_checks).
            for code_ in sorted(undecided & fractional):
                writer.indicators[code_].allows_decimals = True
            counts["values"] = target.created
            imported = origin()
            if imported is not None:
                definitions = counts_text({k: n for k, n in counts.items() if k != "values"})
                record_import(
                    session,
                    self._actor,
                    imported,
                    writer.programme,
                    at,
                    created=target.created,
                    warnings=target.warnings,
                    detail=definitions,
                )
            session.add(
                HistoryRow(
                    actor=self._actor.name,
                    device_uuid=self._actor.device_uuid,
                    programme_id=writer.programme.id,
                    entity="programme",
                    entity_uuid=writer.programme.uuid,
                    label=f"{code} {writer.programme.name}",
                    field="created",
                    old=None,
                    new=f"imported from {source}",
                )
            )
        return PackageSummary(code, counts, target.warnings)

    def export_package(
        self, programme_code: str, include_values: bool = True, *, progress: ProgressFn | None = None
    ) -> dict[str, Any]:
        """The programme as a package; importing it into another database recreates it."""
        with self._sessions() as session:
            programme = programme_by_code(session, programme_code)
            return PackageExporter(session, programme).package(include_values, progress)

    def export_file(
        self,
        programme_code: str,
        path: Path,
        include_values: bool = True,
        *,
        progress: ProgressFn | None = None,
    ) -> None:
        """Write the package as UTF-8 JSON, atomically: if `progress` raises, no file is written."""
        package = self.export_package(programme_code, include_values, progress=progress)
        path = Path(path)
        report(progress, 0, 0, f"Writing {path.name}")
        write_atomically(path, json.dumps(package, indent=1, ensure_ascii=False) + "\n")


class _PackageWriter:
    """Writes a checked package's definitions; the values are written by ValueWriter."""

    def __init__(
        self,
        session: Session,
        actor: Actor,
        data: Mapping[str, Any],
        custom: Mapping[str, CustomPeriod],
        fractional: Set[str],
    ) -> None:
        self.session = session
        self.actor = actor
        self.data = data
        self.custom = custom
        self.fractional = fractional  # package_checks.fractional_indicators
        self.programme = ProgrammeRow()
        self.indicators: dict[str, IndicatorRow] = {}  # by code, once written

    def write(self) -> dict[str, int]:
        session, data = self.session, self.data
        counts = dict.fromkeys(KINDS, 0)
        p = data["programme"]
        thresholds = thresholds_of_package(p)
        programme = self.programme
        programme.code, programme.name = p["code"], p["name"].strip()
        programme.donor, programme.description = p.get("donor", "").strip(), p.get("description", "")
        programme.start, programme.end = date.fromisoformat(p["start"]), date.fromisoformat(p["end"])
        programme.frequency = p["frequency"]
        programme.fiscal_year_start_month = p.get("fiscal_year_start_month", 1)
        programme.approval_by_other = p.get("approval_by_other", False)
        programme.threshold_exceeding = thresholds.exceeding
        programme.threshold_on_track = thresholds.on_track
        programme.threshold_at_risk = thresholds.at_risk
        session.add(programme)
        session.flush()
        pid = programme.id

        for item in self.custom.values():
            session.add(CustomPeriodRow(programme_id=pid, code=item.code, start=item.start, end=item.end))
        tiers = {}
        for level, name in enumerate(data.get("tiers", [])):
            tiers[name] = TierRow(programme_id=pid, level=level, name=name)
            session.add(tiers[name])
        session.flush()
        counts["custom_periods"], counts["tiers"] = len(self.custom), len(tiers)

        results: dict[str, ResultRow] = {}
        for order, item in enumerate(data.get("results", [])):
            results[item["code"]] = ResultRow(
                programme_id=pid,
                tier_id=tiers[item["tier"]].id,
                code=item["code"],
                title=item["title"].strip(),
                description=item.get("description", ""),
                sort_order=order,
            )
        self._with_parents(data.get("results", []), results)
        counts["results"] = len(results)

        options: dict[tuple[str, str], int] = {}
        disaggs: dict[str, DisaggregationRow] = {}
        for item in data.get("disaggregations", []):
            row = DisaggregationRow(programme_id=pid, code=item["code"], name=item["name"].strip())
            for order, option in enumerate(item["options"]):
                row.options.append(
                    OptionRow(code=option["code"], name=option["name"].strip(), sort_order=order)
                )
            session.add(row)
            disaggs[item["code"]] = row
        session.flush()
        for code, row in disaggs.items():
            options.update({(code, o.code): o.id for o in row.options})
        counts["disaggregations"], counts["options"] = len(disaggs), len(options)

        sites: dict[str, SiteRow] = {
            item["code"]: SiteRow(programme_id=pid, code=item["code"], name=item["name"].strip())
            for item in data.get("sites", [])
        }
        self._with_parents(data.get("sites", []), sites)
        counts["sites"] = len(sites)

        people: dict[str, PersonRow] = {}
        for item in data.get("people", []):
            people[item["code"]] = PersonRow(
                programme_id=pid,
                code=item["code"],
                name=item["name"].strip(),
                organisation=item.get("organisation", "").strip(),
                role=item.get("role", "").strip(),
                email=item.get("email", "").strip(),
            )
        session.add_all(people.values())
        session.flush()
        counts["people"] = len(people)

        indicators = self.indicators
        for order, item in enumerate(data.get("indicators", [])):
            baseline = item.get("baseline") or {}
            responsible = item.get("responsible")
            indicator = IndicatorRow(
                programme_id=pid,
                result_id=results[item["result"]].id,
                code=item["code"],
                name=item["name"].strip(),
                definition=item.get("definition", ""),
                measure=item["measure"],
                unit=item.get("unit", ""),
                direction=item.get("direction", "increase"),
                cumulation=item.get("cumulation", "periodic"),
                baseline_value=_float(baseline.get("value")),
                baseline_date=date.fromisoformat(baseline["date"]) if baseline.get("date") else None,
                baseline_note=baseline.get("note", ""),
                lop_target=_float(item.get("lop_target")),
                allows_decimals=allows_decimals(item, self.fractional),
                data_source=item.get("data_source", ""),
                collection_method=item.get("collection_method", ""),
                frequency=item.get("frequency", ""),
                responsible_id=people[responsible].id if responsible is not None else None,
                means_of_verification=item.get("means_of_verification", ""),
                rationale=item.get("rationale", ""),
                sort_order=order,
            )
            indicators[item["code"]] = indicator
        session.add_all(indicators.values())
        session.flush()
        counts["indicators"] = len(indicators)

        links = []
        targets = []
        now = utcnow()
        for item in data.get("indicators", []):
            ind_id = indicators[item["code"]].id
            for position, code in enumerate(item.get("disaggregations", [])):
                links.append(
                    {"indicator_id": ind_id, "disaggregation_id": disaggs[code].id, "position": position}
                )
            for target in item.get("targets", []):
                site = target.get("site")
                targets.append(
                    {
                        "uuid": str(uuid.uuid4()),
                        "modified_at": now,
                        "indicator_id": ind_id,
                        "period": parse_period(target["period"], self.custom).code,
                        "site_id": sites[site].id if site is not None else None,
                        "value": float(target["value"]),
                    }
                )
        if links:
            session.execute(insert(IndicatorDisaggregationRow), links)
        for start in range(0, len(targets), 50_000):
            session.execute(insert(TargetRow), targets[start : start + 50_000])
        counts["targets"] = len(targets)

        for item in data.get("triggers", []):
            indicator, result = item.get("indicator"), item.get("result")
            session.add(
                TriggerRow(
                    programme_id=pid,
                    code=item["code"],
                    indicator_id=indicators[indicator].id if indicator is not None else None,
                    result_id=results[result].id if result is not None else None,
                    metric=item["metric"],
                    comparison=item["comparison"],
                    threshold=_threshold_text(item["threshold"]),
                    consecutive_periods=item.get("consecutive_periods", 1),
                    scope=item.get("scope", "programme"),
                    response=item.get("response", ""),
                )
            )
            counts["triggers"] += 1
        session.flush()
        return counts

    def _with_parents(
        self, items: Sequence[Mapping[str, Any]], rows: Mapping[str, ResultRow | SiteRow]
    ) -> None:
        # Insert everything first, then link: the file may name a parent after its children.
        self.session.add_all(rows.values())
        self.session.flush()
        for item in items:
            parent = item.get("parent")
            if parent is not None:
                rows[item["code"]].parent_id = rows[parent].id
        self.session.flush()


def _threshold_text(value: object) -> str:
    if isinstance(value, str):
        return value
    number = json_number(float(value))  # type: ignore[arg-type]
    return str(number)


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _merged(*lists: ProblemList) -> ProblemList:
    """The problems of every list, in one (each list's count of problems left out kept)."""
    out = ProblemList()
    for problems in lists:
        out.extend(problems.items)
        out.dropped += problems.dropped
    return out

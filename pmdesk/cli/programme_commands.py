# SPDX-License-Identifier: GPL-3.0-or-later
"""Commands on programmes and their data: demo, programme list/import/export, iptt, values, imports."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.cli.common import (
    EXIT_OK,
    Context,
    UsageError,
    actor_of,
    counts_text,
    emit,
    note,
    print_warnings,
    to_json,
)
from pmdesk.cli.loop_commands import evaluate_alerts
from pmdesk.domain.errors import ConflictError, PmdeskError

# Services and storage are imported inside the commands: the GUI path should load only what the
# window needs (DESIGN.md §9, start-up close to an empty Qt window).
if TYPE_CHECKING:
    from pmdesk.domain.iptt_table import IpttTable
    from pmdesk.storage.database import Database


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.demo import DemoService

    with ctx.database(write=True) as db:
        try:
            summary = DemoService(db.sessions, actor_of(db), db.path).create_demo(replace=args.replace)
        except ConflictError as exc:
            raise ConflictError(
                f"{exc}; start afresh with 'pmdesk demo --replace' (this deletes everything entered in it)"
            ) from exc
    print(f"Created demo programme {summary.programme_code} in {ctx.db_path}: {counts_text(summary.counts)}")
    print_warnings(summary.warnings)
    return EXIT_OK


def cmd_programme_list(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.programmes import ProgrammeService

    with ctx.database(write=False) as db:
        programmes = ProgrammeService(db.sessions, actor_of(db)).list_programmes()
    if not programmes:
        print(f"No programmes in {ctx.db_path}.")
        return EXIT_OK
    rows = [
        (
            p.code,
            p.name,
            p.frequency.value,
            f"{p.start}…{p.end}",
            str(p.indicator_count),
            str(p.site_count),
            str(p.value_count),
        )
        for p in programmes
    ]
    header = ("Code", "Name", "Frequency", "Dates", "Indicators", "Sites", "Values")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    numeric = {4, 5, 6}
    for row in [header, *rows]:
        cells = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        print("  ".join(cells).rstrip())
    return EXIT_OK


def cmd_programme_import(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.packages import PackageService

    with ctx.database(write=True) as db:
        summary = PackageService(db.sessions, actor_of(db), db.path).import_file(Path(args.file))
        evaluate_alerts(db, summary.programme_code)
    print(f"Imported programme {summary.programme_code} from {args.file}: {counts_text(summary.counts)}")
    print_warnings(summary.warnings)
    return EXIT_OK


def cmd_programme_export(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.packages import PackageService

    with ctx.database(write=False) as db:
        service = PackageService(db.sessions, actor_of(db), db.path)
        if args.output and args.output != "-":
            service.export_file(args.code, Path(args.output).expanduser(), include_values=not args.no_values)
            note(f"wrote {args.output}")
            return EXIT_OK
        package = service.export_package(args.code, include_values=not args.no_values)
    emit(to_json(package), None)
    return EXIT_OK


def cmd_iptt(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.domain.periods import period_code_from_label
    from pmdesk.formats.iptt_text import iptt_csv, iptt_json, iptt_text
    from pmdesk.services.iptt import IpttService

    if args.format == "xlsx" and (args.output is None or args.output == "-"):
        raise UsageError("--format xlsx writes a workbook: name the file with -o FILE")
    if args.format == "pdf" and (args.output is None or args.output == "-"):
        raise UsageError("--format pdf writes a PDF: name the file with -o FILE")
    if args.format != "pdf" and (args.status or args.tier or args.result):
        raise UsageError("--status, --tier and --result choose the rows of the PDF: add --format pdf")
    # "2026 Q2" as the screens write it, "2026q2", "Mar 2026" … all mean the period's code.
    as_of = None if args.as_of is None else period_code_from_label(args.as_of)
    with ctx.database(write=False) as db:
        table = IpttService(db.sessions).table(
            args.code, as_of=as_of, site_code=args.site, approved_only=args.approved_only
        )
        if args.format == "xlsx":
            return _iptt_workbook(db, table, Path(args.output).expanduser())
    if args.format == "pdf":
        return _iptt_pdf(args, table, Path(args.output).expanduser())
    if args.format == "json":
        text = to_json(iptt_json(table))
    elif args.format == "csv":
        text = iptt_csv(table)
    else:
        text = iptt_text(table)
    emit(text, args.output)
    return EXIT_OK


def _iptt_workbook(db: Database, table: IpttTable, path: Path) -> int:
    """The IPTT screen's "Export to Excel…" job, run here without Qt."""
    from pmdesk.services.exports import export_iptt_excel
    from pmdesk.services.history import HistoryService
    from pmdesk.services.programmes import ProgrammeService

    if not path.parent.is_dir():
        raise PmdeskError(f"cannot write {path}: the folder {path.parent} does not exist")

    def progress(_done: int, _total: int, _message: str) -> None:
        pass  # the job takes seconds at most; stderr stays quiet as for the other formats

    export_iptt_excel(
        ProgrammeService(db.sessions, actor_of(db)), HistoryService(db.sessions), table, path, progress
    )
    note(f"wrote {path}")
    return EXIT_OK


def _iptt_pdf(args: argparse.Namespace, table: IpttTable, path: Path) -> int:
    """The IPTT screen's Save as PDF…, with its filters as options."""
    from pmdesk.domain.iptt_filter import iptt_filter_from_words
    from pmdesk.reports.iptt_pdf import write_iptt_pdf

    if not path.parent.is_dir():
        raise PmdeskError(f"cannot write {path}: the folder {path.parent} does not exist")
    shown = iptt_filter_from_words(table, args.status, args.tier, args.result)
    rows = shown.rows(table) if shown.is_active else None
    pages = write_iptt_pdf(table, path, rows, shown_as=shown.describe(table))
    note(f"wrote {path} ({pages} page{'' if pages == 1 else 's'})")
    return EXIT_OK


def cmd_values_import(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.values_io import ValuesService

    path = Path(args.file).expanduser()
    if args.dry_run:
        summary = _values_dry_run(ctx, path)
    else:
        with ctx.database(write=True) as db:
            summary = ValuesService(db.sessions, actor_of(db), db.path).import_file(path)
            evaluate_alerts(db, None)
    verb = "Would import" if args.dry_run else "Imported"
    print(
        f"{verb} values from {args.file}: {summary.created} new, {summary.replaced} replaced, "
        f"{summary.unchanged} unchanged"
    )
    print_warnings(summary.warnings)
    return EXIT_OK


def _values_dry_run(ctx: Context, path: Path) -> Any:
    """Import into a throw-away copy of the database: exactly the real checks and counts, and the
    real file is only read (so this also works while the GUI has it open)."""
    import tempfile

    from pmdesk.services.values_io import ValuesService
    from pmdesk.storage.backup import backup_database
    from pmdesk.storage.database import open_database

    if not ctx.db_path.exists():
        raise PmdeskError(f"there is no database at {ctx.db_path}")
    with tempfile.TemporaryDirectory(prefix="pmdesk-dry-run-") as folder:
        copy = backup_database(ctx.db_path, destination=Path(folder) / "dry-run.sqlite")
        db = open_database(copy)
        try:
            return ValuesService(db.sessions, actor_of(db)).import_file(path)
        finally:
            db.close()


def cmd_values_export(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.values_io import ValuesService

    with ctx.database(write=False) as db:
        service = ValuesService(db.sessions, actor_of(db), db.path)
        if args.output and args.output != "-":
            service.export_file(args.code, Path(args.output).expanduser(), args.format)
            note(f"wrote {args.output}")
            return EXIT_OK
        text = service.export_values(args.code, args.format)
    emit(text, None)
    return EXIT_OK


def cmd_imports(args: argparse.Namespace, ctx: Context) -> int:
    from datetime import UTC

    from pmdesk.services.import_log import ImportLogService

    with ctx.database(write=False) as db:
        entries = ImportLogService(db.sessions).list_imports(args.code, limit=args.limit)
    if args.format == "json":
        emit(
            to_json(
                [
                    {
                        "uuid": e.uuid,
                        "at": e.at.replace(tzinfo=UTC).isoformat(),
                        "actor": e.actor,
                        "device_uuid": e.device_uuid,
                        "device_name": e.device_name,
                        "kind": e.kind.value,
                        "file_name": e.file_name,
                        "sha256": e.sha256,
                        "programme": e.programme_code,
                        "created": e.created,
                        "replaced": e.replaced,
                        "unchanged": e.unchanged,
                        "warnings": e.warnings,
                        "detail": e.detail,
                    }
                    for e in entries
                ]
            ),
            None,
        )
        return EXIT_OK
    if not entries:
        where = f"programme {args.code}" if args.code else str(ctx.db_path)
        print(f"No imports recorded for {where}.")
        return EXIT_OK
    header = (
        "When",
        "Who",
        "Device",
        "Kind",
        "Programme",
        "File",
        "SHA-256",
        "New",
        "Replaced",
        "Unchanged",
        "Warnings",
    )
    rows = [
        (
            e.at.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M"),
            e.actor,
            e.device,
            e.kind.label,
            e.programme_code,
            e.file_name,
            e.short_sha,
            *(f"{n:,}" for n in (e.created, e.replaced, e.unchanged, e.warnings)),
        )
        for e in entries
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [c.rjust(w) if i >= 7 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        print("  ".join(cells).rstrip())
    return EXIT_OK

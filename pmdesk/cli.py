# SPDX-License-Identifier: GPL-3.0-or-later
"""The `pmdesk` command line: the GUI by default, headless commands over the same services."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk import __version__, config
from pmdesk.domain.errors import ConflictError, PmdeskError

# Services and storage are imported inside the commands: the GUI path should load only what the
# window needs (DESIGN.md §9, start-up close to an empty Qt window).
if TYPE_CHECKING:
    from pmdesk.domain.iptt_table import IpttTable
    from pmdesk.services.actor import Actor
    from pmdesk.storage.database import Database

log = logging.getLogger(__name__)

PROG = "pmdesk"
EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(PmdeskError):
    """The command line asks for something impossible; exits with the usage code."""


@dataclass(frozen=True)
class Context:
    """What every command needs: where the database and the data directory are."""

    db_path: Path
    data: Path
    debug: bool

    @contextmanager
    def database(self, *, write: bool) -> Iterator[Database]:
        """The database, closed afterwards.

        Commands that only read open it read-only and without the instance lock: they never write
        the file (no migration, no backup, no checkpoint) and work while the GUI has it open
        (SQLite's WAL lets readers run beside the writer). Commands that write take the lock and
        fail with DatabaseInUseError instead of writing beside the GUI.
        """
        from pmdesk.storage.database import open_database

        if not write and not self.db_path.exists():
            raise PmdeskError(
                f"there is no database at {self.db_path}; create one with 'pmdesk demo' or "
                "'pmdesk programme import FILE', or choose one with --db"
            )
        db = open_database(self.db_path, lock=write, read_only=not write, actor=config.person_override())
        try:
            yield db
        finally:
            db.close()


def _actor(db: Database) -> Actor:
    from pmdesk.services.actor import Actor

    return Actor(db.actor, db.device_uuid)


# -- output -----------------------------------------------------------------------------------------


def _emit(text: str, output: str | None) -> None:
    """Print `text`, or write it to `output` whole or not at all."""
    from pmdesk.formats.files import write_atomically

    if output is None or output == "-":
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    path = Path(output).expanduser()
    if not path.parent.is_dir():
        raise PmdeskError(f"cannot write {path}: the folder {path.parent} does not exist")
    write_atomically(path, text)
    _note(f"wrote {path}")


def _note(message: str) -> None:
    """A progress message: to stderr, so stdout stays clean for data."""
    print(message, file=sys.stderr)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _counts(counts: Any) -> str:
    """{"values": 1675, "alerts": 1} → "1675 values, 1 alert": the noun agrees with its count."""
    if isinstance(counts, dict):
        return ", ".join(f"{n} {_noun(name.replace('_', ' '), n)}" for name, n in counts.items() if n)
    return str(counts)


def _noun(plural: str, count: int) -> str:
    if count != 1:
        return plural
    return {"people": "person"}.get(plural) or (plural[:-1] if plural.endswith("s") else plural)


def _print_warnings(warnings: int | Sequence[Any], limit: int = 20) -> None:
    """Warnings never block an import (DESIGN.md §5), but the user should know they are there."""
    if isinstance(warnings, int):
        if warnings:
            _note(f"{warnings} values carry a warning (outlier or far above target); review them in the app")
        return
    for warning in list(warnings)[:limit]:
        _note(f"  warning: {warning}")
    if len(warnings) > limit:
        _note(f"  … and {len(warnings) - limit} more warnings")


# -- commands ---------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.demo import DemoService

    with ctx.database(write=True) as db:
        try:
            summary = DemoService(db.sessions, _actor(db), db.path).create_demo(replace=args.replace)
        except ConflictError as exc:
            raise ConflictError(
                f"{exc}; start afresh with 'pmdesk demo --replace' (this deletes everything entered in it)"
            ) from exc
    print(f"Created demo programme {summary.programme_code} in {ctx.db_path}: {_counts(summary.counts)}")
    _print_warnings(summary.warnings)
    return EXIT_OK


def cmd_programme_list(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.programmes import ProgrammeService

    with ctx.database(write=False) as db:
        programmes = ProgrammeService(db.sessions, _actor(db)).list_programmes()
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
        summary = PackageService(db.sessions, _actor(db), db.path).import_file(Path(args.file))
        _evaluate_alerts(db, summary.programme_code)
    print(f"Imported programme {summary.programme_code} from {args.file}: {_counts(summary.counts)}")
    _print_warnings(summary.warnings)
    return EXIT_OK


def cmd_programme_export(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.packages import PackageService

    with ctx.database(write=False) as db:
        service = PackageService(db.sessions, _actor(db), db.path)
        if args.output and args.output != "-":
            service.export_file(args.code, Path(args.output).expanduser(), include_values=not args.no_values)
            _note(f"wrote {args.output}")
            return EXIT_OK
        package = service.export_package(args.code, include_values=not args.no_values)
    _emit(_json(package), None)
    return EXIT_OK


def cmd_iptt(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.domain.periods import period_code_from_label
    from pmdesk.formats.iptt_text import iptt_csv, iptt_json, iptt_text
    from pmdesk.services.iptt import IpttService

    if args.format == "xlsx" and (args.output is None or args.output == "-"):
        raise UsageError("--format xlsx writes a workbook: name the file with -o FILE")
    # "2026 Q2" as the screens write it, "2026q2", "Mar 2026" … all mean the period's code.
    as_of = None if args.as_of is None else period_code_from_label(args.as_of)
    with ctx.database(write=False) as db:
        table = IpttService(db.sessions).table(
            args.code, as_of=as_of, site_code=args.site, approved_only=args.approved_only
        )
        if args.format == "xlsx":
            return _iptt_workbook(db, table, Path(args.output).expanduser())
    if args.format == "json":
        text = _json(iptt_json(table))
    elif args.format == "csv":
        text = iptt_csv(table)
    else:
        text = iptt_text(table)
    _emit(text, args.output)
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
        ProgrammeService(db.sessions, _actor(db)), HistoryService(db.sessions), table, path, progress
    )
    _note(f"wrote {path}")
    return EXIT_OK


def cmd_values_import(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.values_io import ValuesService

    path = Path(args.file).expanduser()
    if args.dry_run:
        summary = _values_dry_run(ctx, path)
    else:
        with ctx.database(write=True) as db:
            summary = ValuesService(db.sessions, _actor(db), db.path).import_file(path)
            _evaluate_alerts(db, None)
    verb = "Would import" if args.dry_run else "Imported"
    print(
        f"{verb} values from {args.file}: {summary.created} new, {summary.replaced} replaced, "
        f"{summary.unchanged} unchanged"
    )
    _print_warnings(summary.warnings)
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
            return ValuesService(db.sessions, _actor(db)).import_file(path)
        finally:
            db.close()


def cmd_values_export(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.values_io import ValuesService

    with ctx.database(write=False) as db:
        service = ValuesService(db.sessions, _actor(db), db.path)
        if args.output and args.output != "-":
            service.export_file(args.code, Path(args.output).expanduser(), args.format)
            _note(f"wrote {args.output}")
            return EXIT_OK
        text = service.export_values(args.code, args.format)
    _emit(text, None)
    return EXIT_OK


def cmd_imports(args: argparse.Namespace, ctx: Context) -> int:
    from datetime import UTC

    from pmdesk.services.import_log import ImportLogService

    with ctx.database(write=False) as db:
        entries = ImportLogService(db.sessions).list_imports(args.code, limit=args.limit)
    if args.format == "json":
        _emit(
            _json(
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


def cmd_actions_list(args: argparse.Namespace, ctx: Context) -> int:
    from datetime import date

    from pmdesk.services.action_listing import actions_csv, actions_json, actions_text
    from pmdesk.services.actions import ActionFilter, ActionService

    today = date.today()
    wanted = ActionFilter(
        programme_code=args.programme, owner=args.owner, overdue_as_of=today if args.overdue else None
    )
    with ctx.database(write=False) as db:
        actions = ActionService(db.sessions, _actor(db)).list(wanted)
    if args.format == "json":
        text = _json(actions_json(actions, today))
    elif args.format == "csv":
        text = actions_csv(actions, today)
    else:
        text = actions_text(actions, today)
    _emit(text, args.output)
    return EXIT_OK


def _evaluate_alerts(db: Database, programme_code: str | None) -> None:
    """Triggers are evaluated whenever values change (DESIGN.md §4): after an import, the
    programme's (None: every programme with triggers). The import itself is done by then, so a
    refusal here is only reported."""
    from pmdesk.services.alerts import AlertService

    service = AlertService(db.sessions, _actor(db))
    try:
        summaries = service.evaluate_all() if programme_code is None else (service.evaluate(programme_code),)
    except PmdeskError as exc:
        _note(f"the triggers could not be evaluated: {exc}")
        return
    for summary in summaries:
        for reason in summary.skipped:
            _note(f"  skipped {reason}")
        if summary.raised:
            _note(
                f"{summary.raised} new alert{'s' if summary.raised > 1 else ''} in "
                f"{summary.programme_code}: see '{PROG} alerts {summary.programme_code}'"
            )


def cmd_alerts(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.alerts import AlertService
    from pmdesk.storage.instance_lock import DatabaseInUseError

    try:
        with ctx.database(write=True) as db:
            service = AlertService(db.sessions, _actor(db))
            summary = service.evaluate(args.code)
            for reason in summary.skipped:
                _note(f"skipped {reason}")
            alerts = service.list(args.code, args.status)
    except DatabaseInUseError:
        # The window has the file open, and it evaluates the triggers itself whenever values change.
        _note("PMDesk has this database open and keeps its alerts up to date; listing them as they are")
        with ctx.database(write=False) as db:
            alerts = AlertService(db.sessions, _actor(db)).list(args.code, args.status)
    if args.format == "json":
        text = _json(
            {"programme": args.code, "status": args.status, "alerts": [_alert_record(a) for a in alerts]}
        )
    elif args.format == "csv":
        from pmdesk.formats.csv_safe import csv_text

        header = list(_alert_record(alerts[0]) if alerts else _ALERT_FIELDS)
        rows = [[_csv_cell(value) for value in _alert_record(a).values()] for a in alerts]
        text = csv_text([header, *rows])
    else:
        text = _alerts_table(args.code, args.status, alerts)
    _emit(text, args.output)
    return EXIT_OK


_ALERT_FIELDS = (
    "trigger",
    "indicator",
    "site",
    "periods",
    "figures",
    "status",
    "holds",
    "raised_at",
    "acknowledged_by",
    "acknowledged_at",
    "acknowledgement",
    "message",
    "uuid",
)


def _alert_record(alert: Any) -> dict[str, Any]:
    from datetime import UTC

    def stamp(moment: Any) -> str | None:
        return None if moment is None else moment.replace(tzinfo=UTC).isoformat()

    record = {
        "trigger": alert.trigger_code,
        "indicator": alert.indicator_code,
        "site": alert.site_code,
        "periods": list(alert.periods),
        "figures": list(alert.figures),
        "status": alert.status.value,
        "holds": alert.holds,
        "raised_at": stamp(alert.raised_at),
        "acknowledged_by": alert.acknowledged_by or None,
        "acknowledged_at": stamp(alert.acknowledged_at),
        "acknowledgement": alert.acknowledgement or None,
        "message": alert.message,
        "uuid": alert.uuid,
    }
    assert tuple(record) == _ALERT_FIELDS
    return record


def _csv_cell(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(value) if all(" " not in v for v in value) else "; ".join(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _alerts_table(code: str, status: str, alerts: Sequence[Any]) -> str:
    if not alerts:
        which = "" if status == "all" else f"{status} "
        return f"No {which}alerts for {code}."
    header = ("Trigger", "Indicator", "Site", "Periods", "Figures", "Status")
    rows = [
        (
            a.trigger_code,
            a.indicator_code,
            a.site_code or "(programme)",
            ", ".join(a.periods),
            ", ".join(a.figures),
            a.status.value + ("" if a.holds else ", no longer holds"),
        )
        for a in alerts
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    for a in alerts:
        if a.acknowledgement:
            when = f" on {a.acknowledged_at:%Y-%m-%d}" if a.acknowledged_at else ""
            lines.append(
                f"{a.trigger_code} {a.indicator_code}: acknowledged by {a.acknowledged_by}{when}: {a.acknowledgement}"
            )
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.integrity import IntegrityService

    with ctx.database(write=False) as db:
        report = IntegrityService(db.sessions).check()
    counts = ", ".join(f"{table}: {n}" for table, n in report.counts.items())
    if report.ok:
        print(f"{ctx.db_path}: ok ({counts})")
        return EXIT_OK
    for problem in report.problems:
        print(f"- {problem}")
    where = f" ({counts})" if counts else ""
    _note(f"{PROG}: error: {ctx.db_path} has {len(report.problems)} integrity problems{where}")
    return EXIT_FAILURE


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.storage.backup import backup_database

    # The file is copied as it is, without opening (and so without migrating) it: a backup must
    # be of what is there. The copy is made with SQLite's backup API, which is consistent even
    # while the GUI writes, and checked before it replaces the destination.
    if not ctx.db_path.exists():
        raise PmdeskError(f"there is no database at {ctx.db_path}")
    destination = Path(args.output).expanduser().resolve()
    if destination == ctx.db_path.resolve():
        raise UsageError("the backup must go to another file than the database itself")
    if destination.is_dir():
        raise UsageError(f"{destination} is a folder; give the name of the backup file")
    if destination.exists() and not args.force:
        raise UsageError(f"{destination} already exists; give another name, or --force to replace it")
    backup_database(ctx.db_path, destination=destination)
    print(f"Backed up {ctx.db_path} to {destination} (integrity verified)")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.backups import latest_verified_backup, list_backups, restore

    if args.list:
        backups = list_backups(ctx.db_path)
        if not backups:
            print(f"No backups of {ctx.db_path} (they would be in {ctx.db_path.stem}-backups beside it).")
        for info in backups:
            print(f"{info.created:%Y-%m-%d %H:%M}  {info.size / 1e6:8.1f} MB  {info.reason:<28}  {info.path}")
        return EXIT_OK
    if args.backup is None:
        newest = latest_verified_backup(ctx.db_path)
        if newest is None:
            raise PmdeskError(f"there is no sound backup of {ctx.db_path} to restore")
        backup = newest.path
    else:
        backup = Path(args.backup).expanduser()
    result = restore(ctx.db_path, backup)
    print(f"Restored {result.database} from {result.backup} (integrity verified).")
    for kept in result.kept:
        print(f"  the replaced file is kept as {kept}")
    return EXIT_OK


def run_gui_command(args: argparse.Namespace, ctx: Context) -> int:
    try:
        from pmdesk.app import run_gui
    except ImportError as exc:
        raise PmdeskError(f"the desktop window cannot start: {exc}") from exc
    # The window itself adds the demo programme, after it is on screen.
    result = run_gui(ctx.db_path, data_dir=ctx.data, with_demo=bool(args.demo))
    return int(result or 0)


def cmd_person(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.working_person import WorkingPersonService

    with ctx.database(write=args.name is not None) as db:
        service = WorkingPersonService(db.sessions, _actor(db))
        if args.name is not None:
            name = service.choose(args.name)
            print(f"Changes to {ctx.db_path} from this computer are now recorded as {name}")
            return EXIT_OK
        chosen = service.chosen()
    if config.person_override() is not None:
        print(
            f"{db.actor} ({config.PERSON_ENV} is set; the person chosen for this database is {chosen or 'nobody'})"
        )
    elif chosen:
        print(f"{chosen}")
    else:
        print(
            f"{db.actor} (the login name: nobody is chosen for this database yet; choose with "
            f"'{PROG} person NAME')"
        )
    return EXIT_OK


def cmd_screenshots(args: argparse.Namespace, ctx: Context) -> int:
    try:
        from pmdesk.screenshots import take_screenshots, zoom_step
    except ImportError as exc:
        raise PmdeskError(f"the desktop window cannot start: {exc}") from exc
    width, _, height = args.size.partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise UsageError(f"--size must look like 1280x800, not '{args.size}'")
    try:
        zoom_step(args.zoom)
    except ValueError as exc:
        raise UsageError(f"--zoom: {exc}") from exc
    saved = take_screenshots(Path(args.out).expanduser(), (int(width), int(height)), ctx.data, args.zoom)
    for path in saved:
        print(path)
    return EXIT_OK


# -- parser -----------------------------------------------------------------------------------------


def _global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # The same options are accepted after the command ('pmdesk iptt X --db F'); there they default to
    # SUPPRESS so that leaving them out does not overwrite what was given before the command.
    def default(value: Any) -> Any:
        return value if top else argparse.SUPPRESS

    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default(None),
        help=f"database file (default: ${config.DB_ENV}, else pmdesk.sqlite in the data folder)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default(None),
        help=f"data folder for the default database and logs (default: ${config.DATA_DIR_ENV}, "
        "else the user data folder)",
    )
    parser.add_argument(
        "--debug", action="store_true", default=default(False), help="log in detail and show tracebacks"
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not '{text}'")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="PMDesk: programme performance management. Without a command, opens the desktop window.",
    )
    _global_options(parser, top=True)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the demo database (demo.sqlite in the data folder); the window creates the "
        "demo programme in it if needed",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.set_defaults(handler=run_gui_command)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    def command(
        group: Any, name: str, handler: Callable[[argparse.Namespace, Context], int], help_text: str
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(name, help=help_text, description=help_text)
        _global_options(sub, top=False)
        sub.set_defaults(handler=handler)
        return sub

    demo = command(commands, "demo", cmd_demo, "create the demo programme DEMO-WASH")
    demo.add_argument(
        "--replace", action="store_true", help="delete an existing DEMO-WASH (and its data) first"
    )

    programme = commands.add_parser(
        "programme",
        help="list, import or export programmes",
        description="List, import or export programmes.",
    )
    _global_options(programme, top=False)
    programme_commands = programme.add_subparsers(dest="programme_command", metavar="ACTION", required=True)
    command(programme_commands, "list", cmd_programme_list, "list the programmes in the database")
    imports = command(
        programme_commands, "import", cmd_programme_import, "create a programme from a package file"
    )
    imports.add_argument("file", metavar="FILE", help="programme package (pmdesk.programme/1 JSON)")
    exports = command(programme_commands, "export", cmd_programme_export, "write a programme package")
    exports.add_argument("code", metavar="CODE", help="programme code")
    exports.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    exports.add_argument("--no-values", action="store_true", help="leave the data values out")

    iptt = command(commands, "iptt", cmd_iptt, "show the indicator performance tracking table")
    iptt.add_argument("code", metavar="CODE", help="programme code")
    iptt.add_argument(
        "--as-of",
        metavar="PERIOD",
        help="last period to include (default: the latest period every site reported)",
    )
    iptt.add_argument("--site", metavar="CODE", help="only this site and the sites below it")
    iptt.add_argument("--approved-only", action="store_true", help="count approved values only")
    iptt.add_argument(
        "--format",
        choices=("table", "json", "csv", "xlsx"),
        default="table",
        help="output format (xlsx: the IPTT screen's Excel workbook, with -o FILE)",
    )
    iptt.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    alerts = command(commands, "alerts", cmd_alerts, "evaluate a programme's triggers and list its alerts")
    alerts.add_argument("code", metavar="CODE", help="programme code")
    alerts.add_argument(
        "--status",
        choices=("open", "acknowledged", "all"),
        default="open",
        help="which alerts to list (default: open)",
    )
    alerts.add_argument("--format", choices=("table", "json", "csv"), default="table", help="output format")
    alerts.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")

    values = commands.add_parser(
        "values", help="import or export data values", description="Import or export data values."
    )
    _global_options(values, top=False)
    values_commands = values.add_subparsers(dest="values_command", metavar="ACTION", required=True)
    values_import = command(
        values_commands, "import", cmd_values_import, "import data values (all or nothing) from CSV or JSON"
    )
    values_import.add_argument("file", metavar="FILE", help="values file (.csv or .json)")
    values_import.add_argument("--dry-run", action="store_true", help="check and count, change nothing")
    values_export = command(values_commands, "export", cmd_values_export, "export a programme's data values")
    values_export.add_argument("code", metavar="CODE", help="programme code")
    values_export.add_argument("--format", choices=("csv", "json"), default="csv", help="output format")
    values_export.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
    )

    import_log = command(
        commands,
        "imports",
        cmd_imports,
        "list the files imported (packages, logframes, values): when, by whom, SHA-256 and counts",
    )
    import_log.add_argument("code", metavar="CODE", nargs="?", help="only the imports into this programme")
    import_log.add_argument(
        "--limit", metavar="N", type=_positive, default=50, help="the N newest imports (default 50)"
    )
    import_log.add_argument("--format", choices=("table", "json"), default="table", help="output format")

    person = command(
        commands,
        "person",
        cmd_person,
        "show or choose who changes from this computer are recorded as (History names them)",
    )
    person.add_argument(
        "name", metavar="NAME", nargs="?", help="the person to record from now on (default: show who it is)"
    )

    shots = command(
        commands, "screenshots", cmd_screenshots, "save a PNG of each main screen on the demo programme"
    )
    shots.add_argument("--out", metavar="DIR", required=True, help="folder for the PNG files")
    shots.add_argument("--size", metavar="WxH", default="1280x800", help="window size (default 1280x800)")
    shots.add_argument(
        "--zoom", metavar="PERCENT", type=int, default=100, help="View ▸ Zoom, e.g. 150 (default 100)"
    )
    actions = commands.add_parser(
        "actions", help="list action items", description="List action items across programmes."
    )
    _global_options(actions, top=False)
    actions_commands = actions.add_subparsers(dest="actions_command", metavar="ACTION", required=True)
    actions_list = command(
        actions_commands, "list", cmd_actions_list, "list action items (every programme unless --programme)"
    )
    actions_list.add_argument("--programme", metavar="CODE", help="only this programme's actions")
    actions_list.add_argument(
        "--overdue", action="store_true", help="only actions still open after their due date"
    )
    actions_list.add_argument(
        "--owner", metavar="NAME", help="only this owner's actions (name or person code)"
    )
    actions_list.add_argument(
        "--format", choices=("table", "json", "csv"), default="table", help="output format"
    )
    actions_list.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE instead of standard output"
    )
    command(commands, "check", cmd_check, "check the database for damage and inconsistent data")
    backup = command(commands, "backup", cmd_backup, "write a verified copy of the database")
    backup.add_argument("-o", "--output", metavar="FILE", required=True, help="the backup file")
    backup.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    restore = command(
        commands,
        "restore",
        cmd_restore,
        "put a verified backup in place of the database (the replaced file is kept beside it)",
    )
    restore.add_argument(
        "backup", metavar="BACKUP", nargs="?", help="the backup file (default: the newest sound backup)"
    )
    restore.add_argument("--list", action="store_true", help="list the backups of the database, newest first")
    return parser


# -- entry point ------------------------------------------------------------------------------------


def _describe_os_error(exc: OSError) -> str:
    if exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc) or type(exc).__name__


def _fail(message: str) -> None:
    print(f"{PROG}: error: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failure, 2 usage)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage, help or the version
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE

    debug = bool(args.debug)
    try:
        data = config.data_dir(args.data_dir)
        log_file = config.setup_logging(data, debug=debug)
        if args.demo and not args.db:
            db_path = config.demo_db_path(data)
        else:
            db_path = config.resolve_db_path(args.db, data)
        ctx = Context(db_path.expanduser().resolve(), data, debug)
    except OSError as exc:
        _fail(f"cannot use the data folder: {_describe_os_error(exc)}")
        return EXIT_FAILURE

    handler: Callable[[argparse.Namespace, Context], int] = args.handler
    log.info("pmdesk %s: %s on %s", __version__, args.command or "gui", ctx.db_path)
    try:
        return handler(args, ctx)
    except UsageError as exc:
        _fail(str(exc))
        return EXIT_USAGE
    except PmdeskError as exc:
        log.info("refused: %s", exc)
        if debug:
            traceback.print_exc()
        _fail(str(exc))
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away ('pmdesk iptt X | head'): not an error worth a message. Point
        # stdout at devnull so the interpreter's final flush does not complain either.
        _silence_stdout()
        return EXIT_FAILURE
    except OSError as exc:
        log.info("file error: %s", exc)
        if debug:
            traceback.print_exc()
        _fail(_describe_os_error(exc))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except Exception:  # a bug: the details go to the log, the user gets one line
        log.exception("unexpected error")
        if debug:
            traceback.print_exc()
        _fail(
            "PMDesk ran into an unexpected problem and stopped; nothing more was changed. "
            f"The details are in {log_file}"
        )
        return EXIT_FAILURE


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured in tests)
        pass

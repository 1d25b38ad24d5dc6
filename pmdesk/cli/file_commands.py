# SPDX-License-Identifier: GPL-3.0-or-later
"""Commands on the database file: check, backup, restore; the window; screenshots."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from pmdesk.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    PROG,
    Context,
    UsageError,
    note,
)
from pmdesk.domain.errors import PmdeskError

# Services and storage are imported inside the commands: the GUI path should load only what the
# window needs (DESIGN.md §9, start-up close to an empty Qt window).
if TYPE_CHECKING:
    from pmdesk.services.integrity import IntegrityReport


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.integrity import IntegrityService

    if getattr(args, "repair", False):
        return _check_and_repair(ctx)
    with ctx.database(write=False) as db:
        report = IntegrityService(db.sessions).check()
    return _print_report(report, ctx)


def _print_report(report: IntegrityReport, ctx: Context) -> int:
    counts = ", ".join(f"{table}: {n}" for table, n in report.counts.items())
    if report.ok:
        print(f"{ctx.db_path}: ok ({counts})")
        return EXIT_OK
    for problem in report.problems:
        print(f"- {problem}")
    where = f" ({counts})" if counts else ""
    note(f"{PROG}: error: {ctx.db_path} has {len(report.problems)} integrity problems{where}")
    return EXIT_FAILURE


def _check_and_repair(ctx: Context) -> int:
    """check --repair: sum the values again for the programmes whose value summary differs from
    them (derived data only; a verified backup first), then check again."""
    from pmdesk.services.integrity import IntegrityService

    with ctx.database(write=True) as db:
        service = IntegrityService(db.sessions, db.path)
        report = service.check()
        if not report.stale_summaries:
            if not report.ok:
                note(
                    f"{PROG}: --repair sums the values again where the totals differ from them; none do. "
                    "The problems below need a backup (pmdesk restore) or a correction by hand."
                )
            return _print_report(report, ctx)
        repair = service.repair_summary(report.stale_summaries)
    if repair.backup is not None:
        print(f"Backed up {ctx.db_path} to {repair.backup} (integrity verified).")
    print(
        "Summed the values again for "
        f"{', '.join(repair.rebuilt)}: the IPTT, Completeness and the value counts read them now. "
        "No value was changed."
    )
    print("Checked again:")
    return _print_report(repair.report, ctx)


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

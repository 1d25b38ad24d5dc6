# SPDX-License-Identifier: GPL-3.0-or-later
"""The argument parser: every command, its options and its help."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pmdesk import __version__, config
from pmdesk.cli.common import (
    PROG,
    Context,
)
from pmdesk.cli.document_commands import add_document_commands
from pmdesk.cli.file_commands import cmd_backup, cmd_check, cmd_restore, cmd_screenshots, run_gui_command
from pmdesk.cli.loop_commands import cmd_actions_list, cmd_alerts, cmd_person
from pmdesk.cli.programme_commands import (
    cmd_demo,
    cmd_imports,
    cmd_iptt,
    cmd_programme_export,
    cmd_programme_import,
    cmd_programme_list,
    cmd_values_export,
    cmd_values_import,
)
from pmdesk.cli.report_command import add_report_command
from pmdesk.cli.variance_commands import add_explain_command

# Services and storage are imported inside the commands: the GUI path should load only what the
# window needs (DESIGN.md §9, start-up close to an empty Qt window).
if TYPE_CHECKING:
    pass


def global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
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
    global_options(parser, top=True)
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
        global_options(sub, top=False)
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
    global_options(programme, top=False)
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
        choices=("table", "json", "csv", "xlsx", "pdf"),
        default="table",
        help="output format (xlsx: the IPTT screen's Excel workbook; pdf: the printed IPTT; both with -o FILE)",
    )
    iptt.add_argument(
        "--status",
        metavar="LIST",
        help="PDF: only indicators with these statuses to date, e.g. off_track,at_risk",
    )
    iptt.add_argument("--tier", metavar="LIST", help="PDF: only indicators of results of these tiers")
    iptt.add_argument(
        "--result", metavar="CODE", help="PDF: only indicators of this result and those below it"
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
    global_options(values, top=False)
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
    global_options(actions, top=False)
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
    add_explain_command(commands, command)
    add_document_commands(commands, command)
    add_report_command(commands, command)
    check = command(commands, "check", cmd_check, "check the database for damage and inconsistent data")
    check.add_argument(
        "--repair",
        action="store_true",
        help="sum the values again where the totals the IPTT reads differ from them "
        "(after a verified backup; values are never changed)",
    )
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

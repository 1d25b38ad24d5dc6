# SPDX-License-Identifier: GPL-3.0-or-later
"""pmdesk report CODE [--as-of P] -o FILE.pdf: the donor report of a programme as a PDF."""

from __future__ import annotations

import argparse
from typing import Any

from pmdesk.cli.common import Context, note
from pmdesk.cli.document_commands import output_path, reports_of, wrote


def cmd_report(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.domain.periods import period_code_from_label

    path = output_path(args.output)
    # "2026 Q2" as the screens write it, "2026q2", "Mar 2026" … all mean the period's code.
    as_of = None if args.as_of is None else period_code_from_label(args.as_of)

    def progress(done: int, total: int, message: str) -> None:
        if args.verbose:
            note(f"[{done}/{total}] {message}")

    with ctx.database(write=False) as db:
        return wrote(reports_of(db).donor_report(args.code, as_of, path, progress))


def add_report_command(commands: Any, command: Any) -> None:
    """The report command, added to the parser's commands."""
    report = command(
        commands,
        "report",
        cmd_report,
        "write the donor report of a programme as a PDF: status summary, IPTT, one section per "
        "indicator, alerts, meetings' decisions and actions, lessons and feedback",
    )
    report.add_argument("code", metavar="CODE", help="programme code")
    report.add_argument(
        "--as-of",
        metavar="PERIOD",
        help="the period reported on, e.g. 2026Q2 or '2026 Q2' (default: the latest period every site reported)",
    )
    report.add_argument("-o", "--output", metavar="FILE", required=True, help="the PDF file to write")
    report.add_argument(
        "-v", "--verbose", action="store_true", help="say on standard error how far it has got"
    )

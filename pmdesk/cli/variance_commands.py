# SPDX-License-Identifier: GPL-3.0-or-later
"""`pmdesk explain`: write, show or remove an indicator's variance explanation for a period, list a
programme's explanations, or list those its off-track and exceeding indicators lack."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pmdesk.cli.common import EXIT_OK, PROG, Context, UsageError, actor_of, emit, note, to_json

# Services and storage are imported inside the commands: the GUI path should load only what the
# window needs (DESIGN.md §9, start-up close to an empty Qt window).
if TYPE_CHECKING:
    from pmdesk.services.variance import ExplanationInfo, RequiredExplanation


def add_explain_command(commands: Any, command: Any) -> None:
    """The `explain` command and its options, on the parser's `commands`; `command` is
    parser.build_parser's helper that adds a command with the global options."""
    explain = command(
        commands,
        "explain",
        cmd_explain,
        "write, show or remove a variance explanation (why an indicator is off track or exceeding "
        "its target in a period); list a programme's explanations, or the missing ones",
    )
    explain.add_argument("code", metavar="CODE", help="programme code")
    explain.add_argument("indicator", metavar="INDICATOR", nargs="?", help="indicator code")
    explain.add_argument("period", metavar="PERIOD", nargs="?", help="reporting period, e.g. 2026Q2")
    explain.add_argument(
        "text",
        metavar="TEXT",
        nargs="?",
        help="the explanation ('-' reads it from standard input; empty removes it); "
        "without TEXT, shows the explanation saved",
    )
    explain.add_argument("--clear", action="store_true", help="remove the explanation (History keeps it)")
    explain.add_argument(
        "--missing",
        action="store_true",
        help="list the off-track and exceeding indicators that have no explanation as of a period",
    )
    explain.add_argument(
        "--as-of",
        metavar="PERIOD",
        help="with --missing: the IPTT's as-of period (default: the latest period every site reported); "
        "when listing: only explanations up to this period",
    )
    explain.add_argument(
        "--approved-only", action="store_true", help="with --missing: statuses from approved values only"
    )
    explain.add_argument("--format", choices=("table", "json"), default="table", help="output format")
    explain.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")


def cmd_explain(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.domain.periods import period_code_from_label
    from pmdesk.services.variance import VarianceService

    _check_usage(args)
    # Periods as the screens write them ('2026 Q2') are taken too.
    period: str = period_code_from_label(args.period) if args.period is not None else ""
    if args.as_of is not None:
        args.as_of = period_code_from_label(args.as_of)
    if args.indicator is None:
        with ctx.database(write=False) as db:
            service = VarianceService(db.sessions, actor_of(db))
            if args.missing:
                from pmdesk.services.iptt import IpttService

                table = IpttService(db.sessions).table(
                    args.code, args.as_of, approved_only=args.approved_only
                )
                text = _missing_output(args, table.as_of, service.missing(args.code, table=table))
            else:
                listed = service.explanations(args.code, args.as_of)
                text = _list_output(args, listed, service.orphaned(args.code))
        emit(text, args.output)
        return EXIT_OK
    if args.text is None and not args.clear:
        with ctx.database(write=False) as db:
            service = VarianceService(db.sessions, actor_of(db))
            found = service.get(args.code, args.indicator, period)
            outside = found is not None and found in service.orphaned(args.code, args.indicator)
        if outside:
            note(f"{period} is a period {args.code} no longer has (its dates or frequency changed)")
        if found is None:
            note(f"{args.indicator} has no variance explanation for {period}")
            if args.format == "json":
                emit(to_json(None), args.output)
            return EXIT_OK
        emit(to_json(_record(found)) if args.format == "json" else found.text, args.output)
        return EXIT_OK
    text = "" if args.clear else _text(args.text)
    with ctx.database(write=True) as db:
        service = VarianceService(db.sessions, actor_of(db))
        had = service.get(args.code, args.indicator, period) is not None
        saved = service.set(args.code, args.indicator, period, text)
    what = f"variance explanation of {args.indicator} for {period}"
    if saved is not None:
        note(f"Saved the {what} ({len(saved.text):,} characters) as {saved.written_by}")
    elif had:
        note(f"Removed the {what} (History keeps what it said)")
    else:
        note(f"There was no {what}; nothing changed")
    return EXIT_OK


def _check_usage(args: argparse.Namespace) -> None:
    if args.indicator is not None and args.period is None:
        raise UsageError(f"name the period too: '{PROG} explain {args.code} {args.indicator} PERIOD'")
    if args.missing and args.indicator is not None:
        raise UsageError(f"--missing lists a whole programme: '{PROG} explain {args.code} --missing'")
    if args.clear and (args.indicator is None or args.text is not None):
        raise UsageError(f"--clear removes one explanation: '{PROG} explain CODE INDICATOR PERIOD --clear'")
    if args.approved_only and not args.missing:
        raise UsageError("--approved-only goes with --missing")


def _text(given: str) -> str:
    return sys.stdin.read() if given == "-" else given


def _record(e: ExplanationInfo) -> dict[str, Any]:
    from datetime import UTC

    return {
        "indicator": e.indicator_code,
        "period": e.period,
        "text": e.text,
        "written_by": e.written_by,
        "written_at": e.written_at.replace(tzinfo=UTC).isoformat(),
        "uuid": e.uuid,
    }


ORPHANED_HEADING = "For periods the programme no longer has"


def _list_output(
    args: argparse.Namespace, explanations: Sequence[ExplanationInfo], orphaned: Sequence[ExplanationInfo]
) -> str:
    """The explanations, then those for periods the programme no longer has (its dates or
    frequency changed after they were written), under their own heading: never left out."""
    if args.format == "json":
        return to_json(
            {
                "programme": args.code,
                "as_of": args.as_of,
                "explanations": [_record(e) for e in explanations],
                "for_periods_no_longer_in_programme": [_record(e) for e in orphaned],
            }
        )
    upto = f" up to {args.as_of}" if args.as_of else ""
    lines = [] if explanations or orphaned else [f"No variance explanations in {args.code}{upto}."]
    if not explanations and orphaned:
        lines.append(f"No variance explanations for the reporting periods of {args.code}{upto}.")
    for e in explanations:
        lines += _entry(e)
    if orphaned:
        lines += ["", f"{ORPHANED_HEADING} ({len(orphaned)}; remove one with --clear):"]
        for e in orphaned:
            lines += _entry(e)
    return "\n".join(lines)


def _entry(e: ExplanationInfo) -> list[str]:
    head = f"{e.indicator_code} · {e.period} — {e.written_by or 'unknown'}, {e.written_at:%Y-%m-%d %H:%M} UTC"
    return [head, *(f"    {line}" for line in e.text.splitlines())]


def _missing_output(
    args: argparse.Namespace, as_of: str | None, missing: Sequence[RequiredExplanation]
) -> str:
    from pmdesk.formats.iptt_text import display_number

    if args.format == "json":
        return to_json(
            {
                "programme": args.code,
                "as_of": as_of,
                "missing": [
                    {
                        "indicator": m.indicator_code,
                        "name": m.indicator_name,
                        "period": m.period,
                        "status": m.status.value,
                        "partial": m.partial,
                        "target": m.target,
                        "actual": m.actual,
                        "pct_met": m.pct_met,
                    }
                    for m in missing
                ],
            }
        )
    if as_of is None:
        return f"{args.code} has no values yet: no status to explain."
    if not missing:
        return f"Every off-track or exceeding indicator of {args.code} is explained as of {as_of}."
    count = len(missing)
    head = f"{count} variance explanation{'' if count == 1 else 's'} missing in {args.code} as of {as_of}:"
    header = ("Indicator", "Status", "% met", "Name")
    rows = [
        (
            m.indicator_code,
            m.status.value.replace("_", " ") + (" (partial)" if m.partial else ""),
            display_number(m.pct_met),
            m.indicator_name,
        )
        for m in missing
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [head, ""]
    for row in [header, *rows]:
        cells = [c.rjust(w) if i == 2 else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    lines += ["", f'Write one with: {PROG} explain {args.code} INDICATOR {as_of} "why"']
    return "\n".join(lines)

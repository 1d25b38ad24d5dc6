# SPDX-License-Identifier: GPL-3.0-or-later
"""Commands that print documents: a meeting's minutes, the indicator reference sheets (PIRS) and
paper data-collection forms, each a PDF written with -o FILE."""

from __future__ import annotations

import argparse
import difflib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.cli.common import EXIT_OK, Context, UsageError, actor_of, note
from pmdesk.domain.errors import NotFoundError, PmdeskError

# Services and storage are imported inside the commands: the GUI path should load only what the
# window needs (DESIGN.md §9, start-up close to an empty Qt window).
if TYPE_CHECKING:
    from pmdesk.reports.reporter import ReportFile, Reports
    from pmdesk.services.meetings import MeetingSummary
    from pmdesk.storage.database import Database

_UUID_START = re.compile(r"[0-9a-fA-F-]{4,36}\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
SHOWN = 10  # meetings listed when the name fits several or none


def output_path(output: str) -> Path:
    path = Path(output).expanduser()
    if not path.parent.is_dir():
        raise PmdeskError(f"cannot write {path}: the folder {path.parent} does not exist")
    if path.suffix.lower() != ".pdf":
        raise UsageError(f"the file must end in .pdf, not '{path.name}'")
    return path


def reports_of(db: Database) -> Reports:
    from pmdesk.reports.reporter import Reports

    return Reports(db.sessions, actor_of(db))


def wrote(report: ReportFile) -> int:
    note(f"wrote {report.path} ({report.pages} page{'' if report.pages == 1 else 's'})")
    return EXIT_OK


def meeting_line(meeting: MeetingSummary) -> str:
    state = "final" if meeting.is_final else "draft"
    return f"  {meeting.uuid[:8]}  {meeting.held_on.isoformat()}  {meeting.programme_code}  {meeting.title} ({state})"


def find_meeting(name: str, meetings: Sequence[MeetingSummary]) -> MeetingSummary:
    """The one meeting `name` means: its UUID or the start of it (4 characters at least), the day
    it was held (YYYY-MM-DD), or its title (whole, else a part of it, in any case). A name that
    fits several meetings, or none, is refused with the meetings it could have meant."""
    wanted = name.strip()
    if not wanted:
        raise UsageError("name the meeting: the start of its id, the day it was held, or its title")
    lowered = wanted.lower()
    tries: list[list[MeetingSummary]] = []
    if _UUID_START.match(wanted):
        tries.append([m for m in meetings if m.uuid.lower().startswith(lowered)])
    if _DATE.match(wanted):
        tries.append([m for m in meetings if m.held_on.isoformat() == wanted])
    tries.append([m for m in meetings if m.title.strip().lower() == lowered])
    tries.append([m for m in meetings if lowered in m.title.lower()])
    for found in tries:
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            lines = "\n".join(meeting_line(m) for m in found[:SHOWN])
            more = f"\n  … and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
            raise UsageError(
                f"'{wanted}' fits {len(found)} meetings; did you mean one of these? Name it by the "
                f"start of its id (the first column):\n{lines}{more}"
            )
    if not meetings:
        raise NotFoundError("there are no meetings in this database yet")
    titles = {m.title.lower(): m for m in meetings}
    close = [titles[t] for t in difflib.get_close_matches(lowered, list(titles), n=SHOWN, cutoff=0.5)]
    listed = close or list(meetings)[:SHOWN]
    hint = "did you mean" if close else "the meetings are"
    lines = "\n".join(meeting_line(m) for m in listed)
    more = "" if close or len(meetings) <= SHOWN else f"\n  … and {len(meetings) - SHOWN} more"
    raise NotFoundError(f"no meeting is called '{wanted}'; {hint}:\n{lines}{more}")


def cmd_minutes(args: argparse.Namespace, ctx: Context) -> int:
    path = output_path(args.output)
    with ctx.database(write=False) as db:
        reports = reports_of(db)
        sources = reports.sources
        codes = [args.programme] if args.programme else [p.code for p in sources.programmes.list_programmes()]
        meetings = [m for code in codes for m in sources.meetings.list_meetings(code)]
        meeting = find_meeting(args.meeting, meetings)
        return wrote(reports.minutes(meeting.uuid, path))


def cmd_pirs(args: argparse.Namespace, ctx: Context) -> int:
    path = output_path(args.output)
    with ctx.database(write=False) as db:
        return wrote(reports_of(db).reference_sheets(args.code, path, args.indicator or None))


def cmd_form(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.storage.instance_lock import DatabaseInUseError

    path = output_path(args.output)
    try:
        # The grid stores an option combination the first time one is shown, so the form may
        # write; beside the open window, the file is read as it is.
        with ctx.database(write=True) as db:
            return wrote(_form(reports_of(db), args, path))
    except DatabaseInUseError:
        with ctx.database(write=False) as db:
            try:
                return wrote(_form(reports_of(db), args, path))
            except NotFoundError:
                raise
            except PmdeskError as exc:
                raise PmdeskError(
                    f"{exc} PMDesk has this database open, and the form needs to record the "
                    "indicators' option combinations first: open Data entry for this site and "
                    "period in PMDesk once, or close PMDesk, then try again"
                ) from exc


def _form(reports: Reports, args: argparse.Namespace, path: Path) -> ReportFile:
    periods = reports.sources.programmes.periods(args.code)
    period = _period_code(args.period, periods, args.code)
    return reports.paper_form(args.code, args.site, period, path, prefilled=args.prefilled)


def _period_code(text: str, periods: Sequence[Any], programme_code: str) -> str:
    """A period as its code ('2026Q3') or as the screens label it ('2026 Q3')."""
    wanted = text.strip()
    for period in periods:
        if wanted.lower() in (period.code.lower(), period.label().lower()):
            return str(period.code)
    listed = ", ".join(p.code for p in periods[:12]) + (" …" if len(periods) > 12 else "")
    raise NotFoundError(
        f"'{wanted}' is not a reporting period of {programme_code}; its periods are {listed or 'none'}"
    )


def add_document_commands(commands: Any, command: Any) -> None:
    """The minutes, pirs and form commands, added to the parser's commands."""
    minutes = command(commands, "minutes", cmd_minutes, "write a meeting's minutes as a PDF")
    minutes.add_argument(
        "meeting",
        metavar="MEETING",
        help="the meeting: the start of its id (as 'pmdesk minutes' lists when unsure), the day it "
        "was held (YYYY-MM-DD) or its title",
    )
    minutes.add_argument("--programme", metavar="CODE", help="look only among this programme's meetings")
    minutes.add_argument("-o", "--output", metavar="FILE", required=True, help="the PDF file to write")

    pirs = command(
        commands, "pirs", cmd_pirs, "write the indicator reference sheets (PIRS) of a programme as a PDF"
    )
    pirs.add_argument("code", metavar="CODE", help="programme code")
    pirs.add_argument(
        "--indicator",
        metavar="CODE",
        action="append",
        help="only this indicator (repeat for several; default: every indicator)",
    )
    pirs.add_argument("-o", "--output", metavar="FILE", required=True, help="the PDF file to write")

    form = command(
        commands,
        "form",
        cmd_form,
        "write a paper data-collection form (the data-entry grid of a site and period) as a PDF",
    )
    form.add_argument("code", metavar="CODE", help="programme code")
    form.add_argument(
        "--site", metavar="SITE", required=True, help="the site; a district gives one form per site below it"
    )
    form.add_argument("--period", metavar="PERIOD", required=True, help="the period, e.g. 2026Q3")
    form.add_argument(
        "--prefilled", action="store_true", help="show last period's values small in each box, for reference"
    )
    form.add_argument("-o", "--output", metavar="FILE", required=True, help="the PDF file to write")

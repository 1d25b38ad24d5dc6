# SPDX-License-Identifier: GPL-3.0-or-later
"""The minutes of one meeting as a PDF: who came, the agenda and the evidence behind each item, the
notes and decisions per item, the action items decided with owners, due dates and status, and the
amendments made after the minutes were finalised. A meeting still in draft prints marked as such."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmdesk.domain.actions import is_overdue
from pmdesk.domain.errors import NotFoundError
from pmdesk.domain.meetings import KIND_LABELS, AgendaKind
from pmdesk.reports import pdf_document as pdf

if TYPE_CHECKING:
    from pmdesk.reports.reporter import ReportFile, ReportSources
    from pmdesk.services.actions import ActionInfo
    from pmdesk.services.meetings import AgendaItemInfo, MeetingDetail, MeetingSummary
    from pmdesk.services.sites import PersonInfo

DRAFT_MARK = "Draft — not finalised"
NO_TEXT = "—"
OVERDUE_FILL = "#f6b6c4"
DONE_FILL = "#bfe6cf"

# Where an agenda item came from, in the words of the meeting screen.
EVIDENCE_WORDS = {
    AgendaKind.INDICATOR: "Indicator",
    AgendaKind.ALERT: "Alert",
    AgendaKind.ACTION: "Action item",
    AgendaKind.DECISION: "Earlier decision",
    AgendaKind.REPORTING: "Reporting",
    AgendaKind.OTHER: "",
}


def long_date(day: date) -> str:
    """'4 December 2026': day and month never confused, whatever the reader's habit."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """'26 Nov 2026', for table cells."""
    return f"{day.day} {day:%b %Y}"


def local_moment(moment: datetime) -> str:
    """A UTC time from the database on this computer's clock: '4 December 2026, 14:02'."""
    local = moment.replace(tzinfo=UTC).astimezone() if moment.tzinfo is None else moment.astimezone()
    return f"{local.day} {local:%B %Y, %H:%M}"


def find_meeting(sources: ReportSources, meeting_uuid: str) -> MeetingSummary:
    """The meeting with this UUID, in whichever programme it is."""
    for programme in sources.programmes.list_programmes():
        for meeting in sources.meetings.list_meetings(programme.code):
            if meeting.uuid == meeting_uuid:
                return meeting
    raise NotFoundError(f"there is no meeting {meeting_uuid}")


def write_minutes(
    sources: ReportSources, meeting_uuid: str, path: Path, progress: pdf.Progress | None = None
) -> ReportFile:
    from pmdesk.reports.reporter import ReportFile
    from pmdesk.services.actions import ActionFilter

    def step(done: int, message: str) -> None:
        if progress is not None:
            progress(done, 4, message)

    step(0, "Reading the meeting…")
    summary = find_meeting(sources, meeting_uuid)
    detail = sources.meetings.get(summary.id)
    programme = sources.programmes.get(summary.programme_code)
    step(1, "Reading its action items…")
    actions = [
        a
        for a in sources.actions.list(ActionFilter(programme_code=summary.programme_code))
        if a.meeting_uuid == summary.uuid
    ]
    people = {p.id: p for p in sources.sites.list_people(summary.programme_code)}
    step(2, "Laying out the minutes…")
    story = minutes_story(detail, programme.name, actions, people)
    title = f"Minutes: {summary.title}"
    footer = f"{programme.code} · {summary.title}, {long_date(summary.held_on)}"
    if not summary.is_final:
        footer += f" · {DRAFT_MARK.upper()}"
    step(3, "Writing the PDF…")
    pages = pdf.build_pdf(
        path, story, title=title, footer=footer, subject=f"{programme.code} {programme.name}"
    )
    step(4, "Done")
    return ReportFile(path, pages, title)


def minutes_story(
    detail: MeetingDetail,
    programme_name: str,
    actions: list[ActionInfo],
    people: dict[int, PersonInfo],
) -> list[Any]:
    from reportlab.platypus import KeepTogether, Spacer

    s = pdf.styles()
    meeting = detail.meeting
    width = pdf.frame_width()
    story: list[Any] = []
    if not meeting.is_final:
        story.append(_draft_banner(width))
        story.append(Spacer(1, 8))
    story.append(pdf.para(KIND_LABELS.get(meeting.kind, meeting.kind.value), s.subtitle))
    story.append(pdf.para(meeting.title, s.title))
    story.append(pdf.para(f"{meeting.programme_code} · {programme_name}", s.subtitle))
    story.append(Spacer(1, 6))

    facts: list[tuple[str, str]] = [("Date", long_date(meeting.held_on))]
    if meeting.place.strip():
        facts.append(("Place", meeting.place))
    if meeting.facilitator.strip():
        facts.append(("Facilitator", meeting.facilitator))
    if meeting.is_final:
        when = f" on {local_moment(meeting.finalised_at)}" if meeting.finalised_at else ""
        by = f" by {meeting.finalised_by}" if meeting.finalised_by else ""
        facts.append(("Status", f"Final: minutes finalised{by}{when}"))
    else:
        facts.append(("Status", f"{DRAFT_MARK}: the minutes may still change"))
    story.append(_facts_table(facts, width))

    # Attendees
    story.append(pdf.para(f"Attendees ({len(detail.attendees)})", s.h1))
    if detail.attendees:
        rows = []
        for attendee in detail.attendees:
            person = people.get(attendee.person_id) if attendee.person_id is not None else None
            rows.append([attendee.name, person.organisation if person else "", person.role if person else ""])
        story.append(
            pdf.table(["Name", "Organisation", "Role"], rows, [width * 0.4, width * 0.35, width * 0.25])
        )
    else:
        story.append(pdf.para("No attendees were recorded.", s.body))

    # Agenda
    story.append(pdf.para("Agenda", s.h1))
    if detail.items:
        rows = [[str(n), item.title, _evidence(item)] for n, item in enumerate(detail.items, start=1)]
        story.append(
            pdf.table(["#", "Item", "Evidence it came from"], rows, [18, width * 0.5 - 18, width * 0.5])
        )
    else:
        story.append(pdf.para("The meeting had no agenda items.", s.body))

    # Minutes per item
    by_decision: dict[str, list[ActionInfo]] = {}
    for action in actions:
        if action.source_uuid:
            by_decision.setdefault(action.source_uuid, []).append(action)
    story.append(pdf.para("Minutes", s.h1))
    if detail.notes.strip():
        story.append(pdf.para("Notes of the meeting", s.h2))
        story.append(pdf.para(detail.notes, s.body))
    for n, item in enumerate(detail.items, start=1):
        block: list[Any] = [pdf.para(f"{n}. {item.title}", s.h2)]
        block.append(pdf.para(item.notes if item.notes.strip() else "No notes.", s.body))
        story.append(KeepTogether(block))
        story.extend(_decisions(detail.decisions_of(item.id), by_decision, width))
    loose = detail.decisions_of(None)
    if loose:
        story.append(pdf.para("Other decisions", s.h2))
        story.extend(_decisions(loose, by_decision, width))
    if not detail.items and not detail.notes.strip() and not detail.decisions:
        story.append(pdf.para("No minutes were typed.", s.body))

    # Decisions and action items, all together
    story.append(pdf.para(f"Decisions ({len(detail.decisions)})", s.h1))
    if detail.decisions:
        rows = [[f"D{n}", d.text] for n, d in enumerate(detail.decisions, start=1)]
        story.append(pdf.table(["#", "Decision"], rows, [24, width - 24]))
    else:
        story.append(pdf.para("No decisions were recorded.", s.body))
    story.append(pdf.para(f"Action items ({len(actions)})", s.h1))
    if actions:
        numbers = {d.uuid: f"D{n}" for n, d in enumerate(detail.decisions, start=1)}
        story.append(_actions_table(actions, width, numbers))
        story.append(Spacer(1, 3))
        story.append(
            pdf.para(
                f"Status as of {long_date(date.today())}. Overdue: still open after the due date.", s.note
            )
        )
    else:
        story.append(pdf.para("No action items were decided.", s.body))

    # Amendments
    if meeting.is_final:
        story.append(pdf.para(f"Amendments ({len(detail.amendments)})", s.h1))
        if detail.amendments:
            rows = [[local_moment(a.amended_at), a.amended_by, a.text] for a in detail.amendments]
            story.append(pdf.table(["When", "By", "Correction"], rows, [110, 110, width - 220]))
        else:
            story.append(pdf.para("The minutes have not been amended since they were finalised.", s.body))
    return story


def _draft_banner(width: float) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    s = pdf.styles()
    banner = Table(
        [[pdf.para(f"{DRAFT_MARK}: these minutes are still being written and may change.", s.h2)]],
        colWidths=[width],
    )
    banner.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fbe09a")),
                ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#E69F00")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return banner


def _facts_table(facts: list[tuple[str, str]], width: float) -> Any:
    from reportlab.platypus import Table, TableStyle

    s = pdf.styles()
    result = Table(
        [[pdf.para(label, s.small, markup="b"), pdf.cell(value, s.small)] for label, value in facts],
        colWidths=[80, width - 80],
        hAlign="LEFT",
    )
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return result


def _evidence(item: AgendaItemInfo) -> str:
    kind = EVIDENCE_WORDS.get(item.kind, "")
    if item.indicator_code and item.kind in (AgendaKind.INDICATOR, AgendaKind.ALERT):
        kind = f"{kind} {item.indicator_code}"
    parts = [part for part in (kind, item.reason) if part]
    return ": ".join(parts) if parts else "Added by hand"


def _decisions(decisions: list[Any], by_decision: dict[str, list[ActionInfo]], width: float) -> list[Any]:
    s = pdf.styles()
    out: list[Any] = []
    for decision in decisions:
        out.append(pdf.para(f"Decision: {decision.text}", s.body, markup="b"))
        mine = by_decision.get(decision.uuid, [])
        if mine:
            out.append(_actions_table(mine, width, None))
    return out


def _actions_table(actions: list[ActionInfo], width: float, numbers: dict[str, str] | None) -> Any:
    today = date.today()
    header = ["Code", "Action", "Owner", "Due", "Priority", "Status"]
    widths = [36, width - 36 - 95 - 62 - 44 - 68, 95, 62, 44, 68]
    if numbers is not None:
        header.insert(2, "From")
        widths = [36, width - 36 - 30 - 95 - 62 - 44 - 68, 30, 95, 62, 44, 68]
    rows: list[list[object]] = []
    fills: list[tuple[int, int, str]] = []
    status_column = len(header) - 1
    for index, action in enumerate(actions):
        status = action.status.label
        if is_overdue(action.due, action.status, today):
            status += " · overdue"
            fills.append((status_column, index, OVERDUE_FILL))
        elif action.status.value == "done":
            fills.append((status_column, index, DONE_FILL))
        row: list[object] = [
            action.code,
            action.title,
            action.owner or "(no owner)",
            short_date(action.due) if action.due else "(no date)",
            action.priority.label,
            status,
        ]
        if numbers is not None:
            row.insert(2, numbers.get(action.source_uuid or "", NO_TEXT))
        rows.append(row)
    return pdf.table(header, rows, widths, fills=fills)

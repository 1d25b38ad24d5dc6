# SPDX-License-Identifier: GPL-3.0-or-later
"""The donor report's closed loop: alerts raised, the decisions and actions of the meetings held
since the as-of period began (with the status of each action on the report date), lessons learned
and feedback received. Every user string passes through pdf_document.para."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pmdesk.domain.meetings import KIND_LABELS, MeetingStatus
from pmdesk.reports.pdf_document import clip

if TYPE_CHECKING:
    from pmdesk.reports.donor_report import Contents
    from pmdesk.reports.donor_report_data import DonorReportData
    from pmdesk.services.actions import ActionInfo

OPEN_FILL = "#fbe09a"
OVERDUE_FILL = "#f6b6c4"


def _date(value: Any) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def _window(data: DonorReportData) -> str:
    return f"{_date(data.window[0])} – {_date(data.window[1])}"


def alerts(data: DonorReportData, contents: Contents) -> list[Any]:
    from reportlab.platypus import Spacer

    from pmdesk.reports.donor_report import heading
    from pmdesk.reports.pdf_document import frame_width, para, styles, table

    s = styles()
    story = heading(contents, "alerts", "Alerts raised", s.h1)
    if not data.alerts:
        return [*story, para("No trigger raised an alert up to the as-of period.", s.body), Spacer(1, 8)]
    story.append(
        para(
            "Alerts raised by the programme's triggers (pre-agreed rules for adaptive management) for "
            "streaks of periods up to the as-of period; an alert is acknowledged, never deleted.",
            s.body,
        )
    )
    rows: list[list[str]] = []
    fills: list[tuple[int, int, str]] = []
    for a in data.alerts:
        status = "Open" if a.is_open else f"Acknowledged by {a.acknowledged_by} on {_date(a.acknowledged_at)}"
        if a.acknowledgement.strip():
            status += f": {a.acknowledgement.strip()}"
        if not a.holds:
            status += " (the streak no longer holds)"
        if a.is_open:
            fills.append((5, len(rows), OPEN_FILL))
        rows.append(
            [
                _date(a.raised_at),
                clip(f"{a.indicator_code} {a.indicator_name}".strip(), 300),
                clip(a.site_name or a.site_code or "Programme total", 200),
                clip(", ".join(f"{label}: {figure}" for label, figure in zip(a.period_labels, a.figures))),
                clip(a.message),
                clip(status),
            ]
        )
    width = frame_width()
    story.append(
        table(
            ["Raised", "Indicator", "Where", "Periods", "Alert", "Status"],
            rows,
            [50, 95, 62, 82, width - 50 - 95 - 62 - 82 - 100, 100],
            fills=fills,
        )
    )
    return [*story, Spacer(1, 8)]


def meetings(data: DonorReportData, contents: Contents) -> list[Any]:
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    from pmdesk.reports.donor_report import heading
    from pmdesk.reports.pdf_document import para, styles

    s = styles()
    story = [CondPageBreak(160), *heading(contents, "meetings", "Meetings: decisions and actions", s.h1)]
    if not data.meetings:
        return [*story, para(f"No meeting was held from {_window(data)}.", s.body), Spacer(1, 8)]
    story.append(
        para(
            f"Meetings held from {_window(data)}: what was decided and the actions that followed, with each "
            f"action's status on {_date(data.today)}.",
            s.body,
        )
    )
    for detail in data.meetings:
        m = detail.meeting
        state = "minutes final" if m.status is MeetingStatus.FINAL else "minutes in draft"
        block = [
            para(f"{m.title}", s.h2),
            para(
                f"{KIND_LABELS.get(m.kind, m.kind.value)} · {_date(m.held_on)}"
                + (f" · {m.place}" if m.place else "")
                + (f" · facilitated by {m.facilitator}" if m.facilitator else "")
                + f" · {state}",
                s.small,
            ),
        ]
        if detail.decisions:
            block.append(para("Decisions", s.small, markup="b"))
            block += [para(f"{n}. {d.text}", s.body) for n, d in enumerate(detail.decisions, start=1)]
        else:
            block.append(para("No decision recorded.", s.small))
        story.append(KeepTogether(block))
        actions = [a for a in data.actions if a.meeting_uuid == m.uuid]
        if actions:
            story += [para("Actions", s.small, markup="b"), _actions_table(data, actions)]
        story.append(Spacer(1, 8))
    return story + _other_actions(data)


def _other_actions(data: DonorReportData) -> list[Any]:
    """Actions that no meeting of the window decided (from an alert, a lesson or none)."""
    from reportlab.platypus import Spacer

    from pmdesk.reports.pdf_document import para, styles

    if not data.other_actions:
        return []
    s = styles()
    return [
        para("Other actions", s.h2),
        para(
            "Actions from alerts, lessons or earlier meetings that are open, or were closed since "
            f"{_date(data.window[0])}; the source is in brackets.",
            s.small,
        ),
        _actions_table(data, list(data.other_actions), with_source=True),
        Spacer(1, 8),
    ]


def _actions_table(data: DonorReportData, actions: list[ActionInfo], with_source: bool = False) -> Any:
    from pmdesk.reports.pdf_document import frame_width, table

    rows: list[list[str]] = []
    fills: list[tuple[int, int, str]] = []
    for a in actions:
        status = a.status.label
        if a.is_overdue(data.today):
            status += " · overdue"
            fills.append((4, len(rows), OVERDUE_FILL))
        latest = a.latest_update
        progress = a.closing_note or (f"{_date(latest.on)}: {latest.note}" if latest else "")
        title = a.title
        if with_source:
            source = a.source.label.lower() if a.source.value != "none" else "no source"
            where = f": {a.meeting_title}" if a.meeting_title else ""
            title += f" ({source}{where})"
        rows.append([a.code, clip(title), clip(a.owner, 200), _date(a.due), status, clip(progress)])
    width = frame_width()
    return table(
        ["Action", "Title", "Owner", "Due", "Status", "Latest progress"],
        rows,
        [34, 150, 75, 52, 62, width - 34 - 150 - 75 - 52 - 62],
        fills=fills,
    )


def learning(data: DonorReportData, contents: Contents) -> list[Any]:
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    from pmdesk.reports.donor_report import heading
    from pmdesk.reports.pdf_document import frame_width, para, styles, table

    s = styles()
    story = [CondPageBreak(140), *heading(contents, "lessons", "Lessons learned", s.h1)]
    if not data.lessons:
        story.append(para(f"No lesson was recorded from {_window(data)}.", s.body))
    for lesson in data.lessons:
        block = [para(lesson.title, s.h2)]
        source = f"Recorded {_date(lesson.recorded_on)}" + (
            f" · {lesson.meeting_title}" if lesson.meeting_title else ""
        )
        block.append(para(source, s.small))
        for label, text in (
            ("What happened", lesson.what_happened),
            ("Why", lesson.why),
            ("What we learn", lesson.lesson),
            ("Recommendation", lesson.recommendation),
        ):
            if text.strip():
                block += [para(label, s.small, markup="b"), para(text, s.body)]
        story.append(KeepTogether(block))
    story += [Spacer(1, 8), CondPageBreak(140), *heading(contents, "feedback", "Feedback received", s.h1)]
    if not data.feedback:
        return [*story, para(f"No feedback was received from {_window(data)}.", s.body)]
    rows = [
        [
            _date(f.received_on),
            clip(f.source, 200),
            clip(f.channel, 200),
            clip(f.summary),
            clip(f.response),
            f.status.label,
        ]
        for f in data.feedback
    ]
    width = frame_width()
    story.append(
        table(
            ["Received", "From", "Channel", "What was said", "Response", "Status"],
            rows,
            [50, 80, 62, (width - 50 - 80 - 62 - 56) / 2, (width - 50 - 80 - 62 - 56) / 2, 56],
        )
    )
    return story

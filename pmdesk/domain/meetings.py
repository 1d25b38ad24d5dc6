# SPDX-License-Identifier: GPL-3.0-or-later
"""Meetings in plain rules: their kinds, the agenda a review meeting proposes from the evidence
(with a reason in words for each item), and the lock that finalising puts on the minutes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from pmdesk.domain.enums import Status
from pmdesk.domain.errors import LockedError, Problem, ValidationError

DUE_SOON_DAYS = 14  # an action due within this many days of the meeting is put on its agenda


class MeetingKind(StrEnum):
    REVIEW = "review"
    LEARNING = "learning"  # learning event, after-action review
    FEEDBACK = "feedback"  # stakeholder feedback session


KIND_LABELS = {
    MeetingKind.REVIEW: "Review meeting",
    MeetingKind.LEARNING: "Learning event / after-action review",
    MeetingKind.FEEDBACK: "Stakeholder feedback session",
}


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"


class AgendaKind(StrEnum):
    INDICATOR = "indicator"
    ALERT = "alert"
    ACTION = "action"
    DECISION = "decision"
    REPORTING = "reporting"
    OTHER = "other"


# -- the evidence an agenda is proposed from ---------------------------------------------------


@dataclass(frozen=True)
class IndicatorEvidence:
    """An indicator's status as the IPTT computes it, as of its default (latest complete) period."""

    indicator_id: int
    code: str
    name: str
    status: Status
    pct_met: float | None
    as_of_label: str  # "2026 Q2"
    partial: bool = False


@dataclass(frozen=True)
class AlertEvidence:
    alert_id: int
    trigger_code: str
    indicator_code: str
    indicator_id: int | None
    site_code: str
    periods: tuple[str, ...]  # labels of the streak's periods
    message: str
    indicator_name: str = ""


@dataclass(frozen=True)
class ActionEvidence:
    uuid: str
    code: str
    title: str
    owner: str
    due: date | None
    status: str


@dataclass(frozen=True)
class DecisionEvidence:
    uuid: str
    text: str
    meeting_title: str
    held_on: date


@dataclass(frozen=True)
class PartialReport:
    """An indicator with a period not every expected site has reported."""

    indicator_code: str
    period_code: str
    period_label: str
    sites_reported: int
    sites_expected: int


@dataclass(frozen=True)
class ProposedItem:
    kind: AgendaKind
    title: str
    reason: str
    indicator_id: int | None = None
    alert_id: int | None = None
    subject_uuid: str = ""


# -- words ------------------------------------------------------------------------------------


def percent_text(value: float | None) -> str:
    """62.4 → '62 %'; two decimals are for tables, a reason reads a whole number."""
    return "no figure" if value is None else f"{value:.0f} %"


def day_text(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def indicator_reason(evidence: IndicatorEvidence) -> str:
    """'Off track: 62 % of target as of 2026 Q2'."""
    word = "Off track" if evidence.status is Status.OFF_TRACK else "At risk"
    partial = " (partly reported)" if evidence.partial else ""
    return f"{word}: {percent_text(evidence.pct_met)} of target as of {evidence.as_of_label}{partial}"


def action_reason(action: ActionEvidence, on: date) -> str:
    """'Overdue: due 3 May 2026 (12 days ago), owner Amina' or 'Due soon: …'."""
    assert action.due is not None
    days = (action.due - on).days
    owner = f", owner {action.owner}" if action.owner else ""
    if days < 0:
        ago = "1 day ago" if days == -1 else f"{-days} days ago"
        return f"Overdue: due {day_text(action.due)} ({ago}){owner}"
    when = "on the day" if days == 0 else ("in 1 day" if days == 1 else f"in {days} days")
    return f"Due soon: due {day_text(action.due)} ({when}){owner}"


def is_overdue(due: date | None, on: date) -> bool:
    return due is not None and due < on


def is_due_soon(due: date | None, on: date) -> bool:
    return due is not None and on <= due <= date.fromordinal(on.toordinal() + DUE_SOON_DAYS)


# -- the proposal -----------------------------------------------------------------------------


def _alert_item(alert: AlertEvidence) -> ProposedItem:
    where = f" at {alert.site_code}" if alert.site_code else ""
    streak = ", ".join(alert.periods)
    # The alert's message (what held, the agreed response) is shown beside the item.
    reason = f"Open alert: trigger {alert.trigger_code} held in {streak}" if streak else "Open alert"
    name = f" {alert.indicator_name}" if alert.indicator_name else ""
    return ProposedItem(
        AgendaKind.ALERT,
        f"Alert: {alert.indicator_code}{name}{where}",
        reason,
        indicator_id=alert.indicator_id,
        alert_id=alert.alert_id,
    )


def propose_agenda(
    held_on: date,
    indicators: Sequence[IndicatorEvidence],
    alerts: Sequence[AlertEvidence],
    actions: Sequence[ActionEvidence],
    decisions: Sequence[DecisionEvidence],
    partial: Sequence[PartialReport],
) -> list[ProposedItem]:
    """The agenda of a review meeting held on `held_on`, from the evidence: off-track then at-risk
    indicators, open alerts, overdue then due-soon actions (open or in progress), the previous
    meeting's decisions to follow up, then the periods to chase for reports (one item each)."""
    items: list[ProposedItem] = []
    # An indicator with an open alert on its programme total is one item, the alert's, in the
    # indicator's place, with both reasons: not the same indicator twice.
    alerted = {a.indicator_id: a for a in alerts if not a.site_code and a.indicator_id is not None}
    merged: set[int] = set()
    for status in (Status.OFF_TRACK, Status.AT_RISK):
        for ind in indicators:
            if ind.status is not status:
                continue
            alert = alerted.get(ind.indicator_id)
            if alert is not None:
                item = _alert_item(alert)
                items.append(replace(item, reason=f"{indicator_reason(ind)} · {item.reason}"))
                merged.add(alert.alert_id)
                continue
            items.append(
                ProposedItem(
                    AgendaKind.INDICATOR,
                    f"{ind.code} {ind.name}",
                    indicator_reason(ind),
                    indicator_id=ind.indicator_id,
                )
            )
    items += [_alert_item(alert) for alert in alerts if alert.alert_id not in merged]
    open_actions = [a for a in actions if a.status in ("open", "in_progress")]
    overdue = sorted((a for a in open_actions if is_overdue(a.due, held_on)), key=_due)
    soon = sorted((a for a in open_actions if is_due_soon(a.due, held_on)), key=_due)
    for action in [*overdue, *soon]:
        items.append(
            ProposedItem(
                AgendaKind.ACTION,
                f"Action {action.code}: {action.title}",
                action_reason(action, held_on),
                subject_uuid=action.uuid,
            )
        )
    for decision in decisions:
        items.append(
            ProposedItem(
                AgendaKind.DECISION,
                f"Follow up: {_first_line(decision.text)}",
                f"Decided at {decision.meeting_title} on {day_text(decision.held_on)}",
                subject_uuid=decision.uuid,
            )
        )
    by_period: dict[str, list[PartialReport]] = {}
    for report in partial:
        by_period.setdefault(report.period_code, []).append(report)
    for reports in by_period.values():
        shown = [f"{r.indicator_code} ({r.sites_reported} of {r.sites_expected} sites)" for r in reports[:6]]
        more = f" and {len(reports) - 6} more" if len(reports) > 6 else ""
        items.append(
            ProposedItem(
                AgendaKind.REPORTING,
                f"Chase the {reports[0].period_label} reports",
                f"Partly reported: {', '.join(shown)}{more}",
            )
        )
    return items


def _due(action: ActionEvidence) -> date:
    assert action.due is not None
    return action.due


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "(no text)"
    return line if len(line) <= limit else line[: limit - 1] + "…"


# -- rules of editing -------------------------------------------------------------------------


def check_editable(status: str, title: str) -> None:
    """Finalised minutes are locked: raise LockedError saying how to correct them."""
    if status == MeetingStatus.FINAL:
        raise LockedError(
            f"The minutes of “{title}” are final and can no longer be edited. To correct them, "
            "add an amendment (Meetings ▸ Amend…): it is recorded with who made it and when."
        )


def meeting_problems(kind: str, title: str) -> list[Problem]:
    """What is wrong with a meeting's kind and title (each Problem names its field)."""
    problems = []
    if kind not in {k.value for k in MeetingKind}:
        problems.append(
            Problem("meeting", f"'{kind}' is not a kind of meeting (review, learning or feedback)", "kind")
        )
    if not title.strip():
        problems.append(Problem("meeting", "a meeting needs a title", "title"))
    return problems


def amendment_problem(status: str) -> str | None:
    """Amendments correct final minutes; a draft is edited instead."""
    if status != MeetingStatus.FINAL:
        return "the minutes are still a draft: edit them instead of amending them"
    return None


def check_meeting_fields(kind: str, title: str) -> None:
    problems = meeting_problems(kind, title)
    if problems:
        raise ValidationError("; ".join(p.message for p in problems))


def moved(ids: Sequence[int], item_id: int, delta: int) -> list[int]:
    """`ids` with `item_id` moved `delta` places (clamped at either end)."""
    order = list(ids)
    if item_id not in order:
        return order
    index = order.index(item_id)
    target = max(0, min(len(order) - 1, index + delta))
    order.insert(target, order.pop(index))
    return order


def clean_names(names: Sequence[str]) -> list[str]:
    """Attendee names, trimmed, without blanks or repeats (case-insensitive), in the order given."""
    seen: set[str] = set()
    out = []
    for name in names:
        text = " ".join(name.split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


def person_code_for(name: str, taken: set[str]) -> str:
    """A code for a person typed in by name ('Amina Diallo' → 'AMINA-DIALLO'), unlike those `taken`."""
    words = ["".join(ch for ch in word if ch.isascii() and ch.isalnum()) for word in name.upper().split()]
    base = "-".join(w for w in words if w)[:34] or "PERSON"
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code

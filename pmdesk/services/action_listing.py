# SPDX-License-Identifier: GPL-3.0-or-later
"""A list of action items as JSON-ready dicts, CSV (formula-safe) and a plain-text table, for
`pmdesk actions list` and the tracker's export."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pmdesk.formats.csv_safe import csv_text
from pmdesk.formats.files import write_atomically
from pmdesk.services.actions import ActionInfo

CSV_HEADER = (
    "programme",
    "code",
    "title",
    "owner",
    "owner_person",
    "due",
    "priority",
    "status",
    "overdue",
    "source",
    "source_text",
    "meeting",
    "meeting_date",
    "indicators",
    "latest_update",
    "latest_update_on",
    "closed_on",
    "closing_note",
    "uuid",
)


def action_dict(action: ActionInfo, as_of: date) -> dict[str, Any]:
    """One action as the JSON output writes it."""
    latest = action.latest_update
    return {
        "programme": action.programme_code,
        "code": action.code,
        "uuid": action.uuid,
        "title": action.title,
        "description": action.description,
        "owner": action.owner,
        "owner_person": action.owner_person_code,
        "due": action.due.isoformat() if action.due else None,
        "priority": action.priority.value,
        "status": action.status.value,
        "overdue": action.is_overdue(as_of),
        "source": None if action.source.value == "none" else action.source.value,
        "source_uuid": action.source_uuid,
        "source_text": action.source_text or None,
        "meeting": action.meeting_title or None,
        "meeting_date": action.meeting_held_on.isoformat() if action.meeting_held_on else None,
        "indicators": list(action.indicator_codes),
        "created_by": action.created_by,
        "closed_on": action.closed_at.date().isoformat() if action.closed_at else None,
        "closing_note": action.closing_note if action.status.is_closed else None,
        "updates": [
            {
                "on": u.on.isoformat(),
                "note": u.note,
                "status": u.status.value if u.status else None,
                "by": u.recorded_by,
            }
            for u in action.updates
        ],
        "latest_update": latest.note if latest else None,
    }


def actions_json(actions: Sequence[ActionInfo], as_of: date) -> list[dict[str, Any]]:
    return [action_dict(a, as_of) for a in actions]


def _row(action: ActionInfo, as_of: date) -> list[str | None]:
    latest = action.latest_update
    return [
        action.programme_code,
        action.code,
        action.title,
        action.owner,
        action.owner_person_code,
        action.due.isoformat() if action.due else None,
        action.priority.value,
        action.status.value,
        "yes" if action.is_overdue(as_of) else "no",
        None if action.source.value == "none" else action.source.value,
        action.source_text or None,
        action.meeting_title or None,
        action.meeting_held_on.isoformat() if action.meeting_held_on else None,
        " ".join(action.indicator_codes),
        latest.note if latest else None,
        latest.on.isoformat() if latest else None,
        action.closed_at.date().isoformat() if action.closed_at else None,
        action.closing_note if action.status.is_closed else None,
        action.uuid,
    ]


def actions_csv(actions: Sequence[ActionInfo], as_of: date) -> str:
    """Header and one row per action; cells that a spreadsheet would run as a formula are neutralised."""
    return csv_text([CSV_HEADER, *(_row(a, as_of) for a in actions)])


def write_actions_csv(actions: Sequence[ActionInfo], path: Path, as_of: date) -> None:
    """The CSV written to `path` whole or not at all."""
    write_atomically(path, actions_csv(actions, as_of))


def actions_text(actions: Sequence[ActionInfo], as_of: date) -> str:
    """A table for a terminal; overdue actions say so in words, not only by a mark."""
    if not actions:
        return "No actions match.\n"
    header = ("Programme", "Code", "Due", "Status", "Priority", "Owner", "Title")
    rows = []
    for a in actions:
        status = a.status.label + (" — OVERDUE" if a.is_overdue(as_of) else "")
        title = a.title if len(a.title) <= 60 else a.title[:59] + "…"
        rows.append(
            (
                a.programme_code,
                a.code,
                a.due.isoformat() if a.due else "—",
                status,
                a.priority.label,
                a.owner,
                title,
            )
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    overdue = sum(1 for a in actions if a.is_overdue(as_of))
    lines.append("")
    lines.append(f"{len(actions)} actions, {overdue} overdue as of {as_of.isoformat()}")
    return "\n".join(lines) + "\n"

# SPDX-License-Identifier: GPL-3.0-or-later
"""Commands of the closed loop: actions list, alerts, and who is working (person)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pmdesk import config
from pmdesk.cli.common import (
    EXIT_OK,
    PROG,
    Context,
    actor_of,
    csv_cell,
    emit,
    note,
    to_json,
)
from pmdesk.domain.errors import PmdeskError

# Services and storage are imported inside the commands: the GUI path should load only what the
# window needs (DESIGN.md §9, start-up close to an empty Qt window).
if TYPE_CHECKING:
    from pmdesk.storage.database import Database


def cmd_actions_list(args: argparse.Namespace, ctx: Context) -> int:
    from datetime import date

    from pmdesk.services.action_listing import actions_csv, actions_json, actions_text
    from pmdesk.services.actions import ActionFilter, ActionService

    today = date.today()
    wanted = ActionFilter(
        programme_code=args.programme, owner=args.owner, overdue_as_of=today if args.overdue else None
    )
    with ctx.database(write=False) as db:
        actions = ActionService(db.sessions, actor_of(db)).list(wanted)
    if args.format == "json":
        text = to_json(actions_json(actions, today))
    elif args.format == "csv":
        text = actions_csv(actions, today)
    else:
        text = actions_text(actions, today)
    emit(text, args.output)
    return EXIT_OK


def evaluate_alerts(db: Database, programme_code: str | None) -> None:
    """Triggers are evaluated whenever values change (DESIGN.md §4): after an import, the
    programme's (None: every programme with triggers). The import itself is done by then, so a
    refusal here is only reported."""
    from pmdesk.services.alerts import AlertService

    service = AlertService(db.sessions, actor_of(db))
    try:
        summaries = service.evaluate_all() if programme_code is None else (service.evaluate(programme_code),)
    except PmdeskError as exc:
        note(f"the triggers could not be evaluated: {exc}")
        return
    for summary in summaries:
        for reason in summary.skipped:
            note(f"  skipped {reason}")
        if summary.raised:
            note(
                f"{summary.raised} new alert{'s' if summary.raised > 1 else ''} in "
                f"{summary.programme_code}: see '{PROG} alerts {summary.programme_code}'"
            )


def cmd_alerts(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.alerts import AlertService
    from pmdesk.storage.instance_lock import DatabaseInUseError

    try:
        with ctx.database(write=True) as db:
            service = AlertService(db.sessions, actor_of(db))
            summary = service.evaluate(args.code)
            for reason in summary.skipped:
                note(f"skipped {reason}")
            alerts = service.list(args.code, args.status)
    except DatabaseInUseError:
        # The window has the file open, and it evaluates the triggers itself whenever values change.
        note("PMDesk has this database open and keeps its alerts up to date; listing them as they are")
        with ctx.database(write=False) as db:
            alerts = AlertService(db.sessions, actor_of(db)).list(args.code, args.status)
    if args.format == "json":
        text = to_json(
            {"programme": args.code, "status": args.status, "alerts": [_alert_record(a) for a in alerts]}
        )
    elif args.format == "csv":
        from pmdesk.formats.csv_safe import csv_text

        header = list(_alert_record(alerts[0]) if alerts else _ALERT_FIELDS)
        rows = [[csv_cell(value) for value in _alert_record(a).values()] for a in alerts]
        text = csv_text([header, *rows])
    else:
        text = _alerts_table(args.code, args.status, alerts)
    emit(text, args.output)
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


def cmd_person(args: argparse.Namespace, ctx: Context) -> int:
    from pmdesk.services.working_person import WorkingPersonService

    with ctx.database(write=args.name is not None) as db:
        service = WorkingPersonService(db.sessions, actor_of(db))
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

# SPDX-License-Identifier: GPL-3.0-or-later
"""The append-only History of changes: recording them and reading them back."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import ChangeReason
from pmdesk.domain.errors import ValidationError
from pmdesk.domain.history_entry import HistoryEntry
from pmdesk.services.actor import Actor
from pmdesk.services.import_log import ImportLogService
from pmdesk.storage.models import HistoryRow


@dataclass(frozen=True)
class Reason:
    """Why a target or baseline changed; `other` needs text."""

    code: ChangeReason
    text: str = ""

    def __post_init__(self) -> None:
        if self.code is ChangeReason.OTHER and not self.text.strip():
            raise ValidationError("a reason of 'other' needs an explanation")


def as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def record(
    session: Session,
    actor: Actor,
    *,
    entity: str,
    entity_uuid: str,
    field: str,
    old: object,
    new: object,
    label: str = "",
    programme_id: int | None = None,
    reason: Reason | None = None,
) -> None:
    """Append one change to History (in the caller's transaction)."""
    session.add(
        HistoryRow(
            actor=actor.name,
            device_uuid=actor.device_uuid,
            programme_id=programme_id,
            entity=entity,
            entity_uuid=entity_uuid,
            label=label,
            field=field,
            old=as_text(old),
            new=as_text(new),
            reason=reason.code.value if reason else "",
            reason_text=reason.text if reason else "",
        )
    )


class HistoryService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        # Bulk imports are History too: one log row per file, not one History row per value.
        self.imports = ImportLogService(sessions)

    def for_entity(self, entity_uuid: str) -> list[HistoryEntry]:
        """Every recorded change of one record, oldest first."""
        with self._sessions() as session:
            rows = session.scalars(
                select(HistoryRow).where(HistoryRow.entity_uuid == entity_uuid).order_by(HistoryRow.id)
            )
            return [_entry(r) for r in rows]

    def with_history(self, entity_uuids: Collection[str]) -> set[str]:
        """Those of `entity_uuids` that have at least one recorded change (one indexed query per
        500 ids, so a grid can mark its changed cells)."""
        wanted = list(dict.fromkeys(entity_uuids))
        found: set[str] = set()
        with self._sessions() as session:
            for start in range(0, len(wanted), 500):  # below SQLite's bound-variable limit
                chunk = wanted[start : start + 500]
                found.update(
                    session.scalars(
                        select(HistoryRow.entity_uuid).where(HistoryRow.entity_uuid.in_(chunk)).distinct()
                    )
                )
        return found

    def for_programme(self, programme_id: int, limit: int = 1000) -> list[HistoryEntry]:
        """The newest changes in a programme, newest first."""
        with self._sessions() as session:
            rows = session.scalars(
                select(HistoryRow)
                .where(HistoryRow.programme_id == programme_id)
                .order_by(HistoryRow.id.desc())
                .limit(limit)
            )
            return [_entry(r) for r in rows]


def _entry(row: HistoryRow) -> HistoryEntry:
    return HistoryEntry(
        row.at,
        row.actor,
        row.device_uuid,
        row.entity,
        row.entity_uuid,
        row.label,
        row.field,
        row.old,
        row.new,
        row.reason,
        row.reason_text,
    )

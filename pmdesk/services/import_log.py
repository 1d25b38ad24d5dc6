# SPDX-License-Identifier: GPL-3.0-or-later
"""The import log: which file each bulk import read, its SHA-256, who ran it, and what it changed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from pmdesk.domain.enums import ImportKind
from pmdesk.domain.errors import ValidationError
from pmdesk.services.actor import Actor
from pmdesk.storage.models import (
    DataValueRow,
    DeviceRow,
    HistoryRow,
    ImportLogRow,
    IndicatorRow,
    ProgrammeRow,
)

DEFAULT_LIMIT = 200
SHORT_SHA = 12  # enough to tell files apart at a glance; the full one is a click or --format json away


class Digest(Protocol):
    """What a reader feeds the bytes it read: hashlib.sha256() and its kin."""

    def update(self, data: bytes, /) -> None: ...


@dataclass(frozen=True)
class ImportedFile:
    """A file as an import read it: the SHA-256 is of the very bytes that were parsed."""

    kind: ImportKind
    name: str
    sha256: str


@dataclass(frozen=True)
class ImportLogEntry:
    uuid: str
    at: datetime  # UTC, as stored
    actor: str
    device_uuid: str
    device_name: str  # "" when the device is not known to this database
    kind: ImportKind
    file_name: str
    sha256: str
    programme_code: str  # as it was at the import
    created: int
    replaced: int
    unchanged: int
    warnings: int
    detail: str

    @property
    def short_sha(self) -> str:
        return self.sha256[:SHORT_SHA] + "…"

    @property
    def device(self) -> str:
        return self.device_name or self.device_uuid[:8]


def file_sha256(path: Path) -> str:
    """SHA-256 of a file read by a parser that opens it itself (openpyxl reads a zip by seeking)."""
    try:
        with Path(path).open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise ValidationError(f"cannot be read: {exc.strerror or exc}", source=Path(path).name) from None


def counts_text(counts: Mapping[str, int]) -> str:
    """{'custom_periods': 2, 'people': 1, 'values': 0} → '2 custom periods, 1 person'."""
    return ", ".join(f"{n:,} {_noun(kind, n)}" for kind, n in counts.items() if n)


def _noun(kind: str, count: int) -> str:
    words = kind.replace("_", " ")
    if count != 1:
        return words
    return "person" if words == "people" else words.removesuffix("s")


def record_import(
    session: Session,
    actor: Actor,
    origin: ImportedFile,
    programme: ProgrammeRow,
    at: datetime,
    *,
    created: int,
    replaced: int = 0,
    unchanged: int = 0,
    warnings: int = 0,
    detail: str = "",
) -> None:
    """Append one import to the log, in the caller's (the import's) transaction.

    `at` must be the stamp the import put on the values it wrote, so each value leads back here.
    """
    session.add(
        ImportLogRow(
            at=at,
            actor=actor.name,
            device_uuid=actor.device_uuid,
            kind=origin.kind.value,
            file_name=origin.name,
            sha256=origin.sha256,
            programme_uuid=programme.uuid,
            programme_code=programme.code,
            created=created,
            replaced=replaced,
            unchanged=unchanged,
            warnings=warnings,
            detail=detail,
        )
    )


class ImportLogService:
    """Reads the import log; the imports themselves write it."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def list_imports(
        self, programme_code: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> list[ImportLogEntry]:
        """The newest imports first: all, or those into the programme that has `programme_code`
        now (whatever its code was then); for a code no programme has any more, the imports into
        the programme that had it."""
        with self._sessions() as session:
            stmt = _entries()
            if programme_code is not None:
                programme_uuid = session.scalar(
                    select(ProgrammeRow.uuid).where(ProgrammeRow.code == programme_code)
                )
                stmt = stmt.where(
                    ImportLogRow.programme_uuid == programme_uuid
                    if programme_uuid is not None
                    else ImportLogRow.programme_code == programme_code
                )
            rows = session.execute(stmt.order_by(ImportLogRow.at.desc(), ImportLogRow.id.desc()).limit(limit))
            return [_entry(row, device) for row, device in rows]

    def for_value(self, value_uuid: str) -> list[ImportLogEntry]:
        """The imports that wrote one data value, oldest first: the one that set it as it is now
        (its `entered_at`) and those that replaced an earlier value (its History)."""
        with self._sessions() as session:
            value = session.execute(
                select(
                    DataValueRow.entered_at,
                    DataValueRow.device_uuid,
                    DataValueRow.entered_by,
                    ProgrammeRow.uuid,
                )
                .join(IndicatorRow, IndicatorRow.id == DataValueRow.indicator_id)
                .join(ProgrammeRow, ProgrammeRow.id == IndicatorRow.programme_id)
                .where(DataValueRow.uuid == value_uuid)
            ).first()
            if value is None:
                return []
            # One file can write into several programmes at the same moment: one log row each.
            programme_uuid = value[3]
            stamps = {(value[0], value[1], value[2])}
            stamps.update(
                (at, device, who)
                for at, device, who in session.execute(
                    select(HistoryRow.at, HistoryRow.device_uuid, HistoryRow.actor)
                    .where(HistoryRow.entity_uuid == value_uuid)
                    .distinct()
                )
            )
            ats = sorted({at for at, _, _ in stamps})
            found: list[ImportLogEntry] = []
            for start in range(0, len(ats), 500):  # below SQLite's bound-variable limit
                stmt = _entries().where(
                    ImportLogRow.programme_uuid == programme_uuid,
                    ImportLogRow.at.in_(ats[start : start + 500]),
                )
                for row, device in session.execute(stmt):
                    if (row.at, row.device_uuid, row.actor) in stamps:
                        found.append(_entry(row, device))
            return sorted(found, key=lambda e: e.at)


def _entries() -> Select[ImportLogRow, str]:  # the device name is None when unknown
    return select(ImportLogRow, DeviceRow.name).outerjoin(
        DeviceRow, DeviceRow.uuid == ImportLogRow.device_uuid
    )


def _entry(row: ImportLogRow, device_name: str | None) -> ImportLogEntry:
    return ImportLogEntry(
        row.uuid,
        row.at,
        row.actor,
        row.device_uuid,
        device_name or "",
        ImportKind(row.kind),
        row.file_name,
        row.sha256,
        row.programme_code,
        row.created,
        row.replaced,
        row.unchanged,
        row.warnings,
        row.detail,
    )

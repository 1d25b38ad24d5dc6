# SPDX-License-Identifier: GPL-3.0-or-later
"""Backups: consistent copies of an open database, verified, rotated beside the file."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import text

from pmdesk.storage.backup import KEEP_BACKUPS, backup_database, backup_dir
from pmdesk.storage.database import Database
from pmdesk.storage.models import ProgrammeRow


def _add_programmes(db: Database, *codes: str) -> None:
    with db.sessions.begin() as session:
        for code in codes:
            session.add(
                ProgrammeRow(
                    code=code,
                    name=f"Programme {code}",
                    start=date(2026, 1, 1),
                    end=date(2026, 12, 31),
                    frequency="monthly",
                )
            )


def _programme_codes(path: Path) -> list[str]:
    copy = sqlite3.connect(path)
    try:
        return [row[0] for row in copy.execute("SELECT code FROM programme ORDER BY code")]
    finally:
        copy.close()


def _integrity(path: Path) -> str:
    copy = sqlite3.connect(path)
    try:
        return str(copy.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        copy.close()


def test_backup_of_an_open_database_holds_what_is_still_in_the_wal(db: Database) -> None:
    _add_programmes(db, "P1", "P2")
    wal = db.path.with_name(db.path.name + "-wal")
    assert wal.stat().st_size > 0  # committed, not yet checkpointed into the main file

    copy = backup_database(db.path, reason="test")

    assert copy.parent == backup_dir(db.path)
    assert copy.name.startswith(db.path.stem + "-") and copy.name.endswith("-test.sqlite")
    assert _integrity(copy) == "ok"
    assert _programme_codes(copy) == ["P1", "P2"]
    with db.engine.connect() as conn:
        device = conn.exec_driver_sql("SELECT uuid FROM device").scalar_one()
    raw = sqlite3.connect(copy)
    try:
        assert raw.execute("SELECT uuid FROM device").fetchone() == (device,)
        # A copy is a single self-contained file, not a WAL database needing its sidecars.
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        raw.close()
    assert not copy.with_name(copy.name + "-wal").exists()
    assert not list(copy.parent.glob("*.partial"))


def test_backup_leaves_out_an_uncommitted_transaction(db: Database) -> None:
    _add_programmes(db, "P1")
    with db.engine.connect() as writer:
        writer.begin()
        writer.execute(
            text(
                'INSERT INTO programme (code, name, donor, description, start, "end", frequency, '
                "fiscal_year_start_month, threshold_exceeding, threshold_on_track, threshold_at_risk, "
                "uuid, modified_at) VALUES ('P9', 'x', '', '', '2026-01-01', '2026-12-31', 'monthly', "
                "1, 115, 85, 70, 'u-9', '2026-01-01 00:00:00')"
            )
        )
        assert writer.exec_driver_sql("SELECT count(*) FROM programme").scalar_one() == 2
        copy = backup_database(db.path)
        writer.rollback()
    assert _integrity(copy) == "ok"
    assert _programme_codes(copy) == ["P1"]


def test_rotation_keeps_the_newest_automatic_copies(db: Database) -> None:
    _add_programmes(db, "P1")
    made = [backup_database(db.path, reason=f"run-{i}") for i in range(KEEP_BACKUPS + 3)]
    assert len(set(made)) == len(made)
    kept = sorted(backup_dir(db.path).glob("*.sqlite"))
    assert kept == sorted(made[-KEEP_BACKUPS:])
    assert all(not path.exists() for path in made[:3])


def test_an_explicit_destination_is_honoured_and_never_rotated(db: Database, tmp_path: Path) -> None:
    _add_programmes(db, "P1")
    destination = tmp_path / "usb stick" / "before the workshop.sqlite"

    copy = backup_database(db.path, destination=destination)

    assert copy == destination
    assert _integrity(destination) == "ok"
    assert _programme_codes(destination) == ["P1"]
    assert not backup_dir(db.path).exists()  # an explicit copy does not start the rotation folder

    for i in range(KEEP_BACKUPS + 2):
        backup_database(db.path, reason=f"auto-{i}")
    assert destination.exists()
    assert len(list(backup_dir(db.path).glob("*.sqlite"))) == KEEP_BACKUPS


def test_a_leftover_partial_copy_is_replaced(db: Database, tmp_path: Path) -> None:
    _add_programmes(db, "P1")
    destination = tmp_path / "copy.sqlite"
    destination.with_name("copy.sqlite.partial").write_bytes(b"half a file from a power cut")

    backup_database(db.path, destination=destination)

    assert _programme_codes(destination) == ["P1"]
    assert not destination.with_name("copy.sqlite.partial").exists()

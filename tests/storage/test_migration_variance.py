# SPDX-License-Identifier: GPL-3.0-or-later
"""Migration 0007: a file of 0006 gains an empty variance_explanation table and keeps its values;
going back down removes the table (and its explanations) and keeps every value."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pmdesk.services.actor import Actor
from pmdesk.services.variance import VarianceService
from pmdesk.storage.database import current_revision, open_database
from pmdesk.storage.schema import HEAD_REVISION
from tests.storage.test_migrations import _add_values, _at_revision, _downgrade, _tables, _values


def _columns(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[1] for row in conn.execute("PRAGMA table_info(variance_explanation)")]
    finally:
        conn.close()


def test_a_0006_file_with_values_gets_an_empty_variance_explanation_table(db_path: Path) -> None:
    _at_revision(db_path, "0006_closed_loop")
    _add_values(db_path, 3)
    before = _values(db_path)
    assert "variance_explanation" not in _tables(db_path)

    db = open_database(db_path, actor="tester")
    try:
        assert current_revision(db.engine) == HEAD_REVISION  # 0007 or later
        variance = VarianceService(db.sessions, Actor(db.actor, db.device_uuid))
        assert variance.explanations("P1") == []
        saved = variance.set("P1", "I0", "2025Q2", "Rains delayed the works.")
        assert saved is not None and saved.written_by == "tester"
    finally:
        db.close()

    assert _values(db_path) == before
    assert set(_columns(db_path)) == {
        "id", "indicator_id", "period", "text", "written_by", "written_at", "uuid", "modified_at",
    }  # fmt: skip
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_the_variance_explanation_migration_goes_back_down_keeping_values(db_path: Path) -> None:
    _at_revision(db_path, "head")
    _add_values(db_path, 2)
    db = open_database(db_path, actor="tester")
    try:
        VarianceService(db.sessions, Actor(db.actor, db.device_uuid)).set("P1", "I1", "2025Q4", "Late rains.")
    finally:
        db.close()
    before = _values(db_path)

    _downgrade(db_path, "0006_closed_loop")
    assert "variance_explanation" not in _tables(db_path)
    assert _values(db_path) == before

    _at_revision(db_path, "head")  # and up again: an empty table
    assert _columns(db_path)
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM variance_explanation").fetchone() == (0,)
    finally:
        conn.close()
    assert _values(db_path) == before

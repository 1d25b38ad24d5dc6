# SPDX-License-Identifier: GPL-3.0-or-later
"""Migration 0008: a file of 0007 gains the value summary's tables, marked for a rebuild, and keeps
its values; the first refresh builds sums equal to the raw values; going back down removes the
tables and keeps every value."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pmdesk.services import value_summary
from pmdesk.storage.database import current_revision, open_database
from pmdesk.storage.schema import HEAD_REVISION
from tests.storage.test_migrations import _add_values, _at_revision, _downgrade, _tables, _values
from tests.unit.test_value_summary import raw_summary, stored_summary

SUMMARY_TABLES = {"value_rollup", "value_site_status", "value_summary_dirty"}


def test_a_0007_file_with_values_gets_a_summary_built_on_first_read(db_path: Path) -> None:
    _at_revision(db_path, "0007_variance_explanations")
    _add_values(db_path, 3)
    before = _values(db_path)
    assert not SUMMARY_TABLES & _tables(db_path)

    db = open_database(db_path, actor="tester")
    try:
        assert current_revision(db.engine) == HEAD_REVISION == "0008_value_summary"
        with db.sessions() as session:
            assert not value_summary.is_fresh(session)  # every programme marked for a rebuild
        value_summary.refresh_if_needed(db.sessions)
        with db.sessions() as session:
            assert value_summary.is_fresh(session)
    finally:
        db.close()

    assert _values(db_path) == before
    rollups, counts = stored_summary(db_path)
    assert rollups and sum(counts.values()) == len(before)
    assert (rollups, counts) == raw_summary(db_path)
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def test_the_value_summary_migration_goes_back_down_keeping_values(db_path: Path) -> None:
    _at_revision(db_path, "head")
    _add_values(db_path, 2)
    before = _values(db_path)

    _downgrade(db_path, "0007_variance_explanations")
    assert not SUMMARY_TABLES & _tables(db_path)
    assert _values(db_path) == before

    _at_revision(db_path, "head")  # and up again: marked for a rebuild
    assert _tables(db_path) >= SUMMARY_TABLES
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute(
            "SELECT count(*) FROM value_summary_dirty WHERE indicator_id IS NULL"
        ).fetchone() == (1,)
    finally:
        conn.close()
    assert _values(db_path) == before

# SPDX-License-Identifier: GPL-3.0-or-later
"""The integrity check compares the value summary with the values (issue #11): a summary changed,
or values written, behind PMDesk's back are named in words; the repair sums them again after a
backup, changes no value, and the next check is clean."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from pmdesk.services import value_summary
from pmdesk.services.integrity import IntegrityService
from pmdesk.services.iptt import IpttService
from pmdesk.storage.backup import backup_dir
from pmdesk.storage.database import Database, open_database
from tests.unit.builders import Services, small_programme

CODE = "WASH-01"


@pytest.fixture
def entered(db: Database) -> Services:
    """WASH-01 (sites N > N01, N02) with values entered through the services, which keep the summary."""
    s = small_programme(db, CODE)
    for site, female, male in (("N01", 10, 12), ("N02", 7, 5)):
        s.entry.set_value(CODE, "1.1", "2025Q1", site, {"SEX": "F"}, value=female)
        s.entry.set_value(CODE, "1.1", "2025Q1", site, {"SEX": "M"}, value=male)
    s.entry.set_value(CODE, "2.1", "2025Q1", "N01", numerator=3, denominator=10)
    s.entry.set_value(CODE, "1.1", "2025Q2", "N02", {"SEX": "F"}, value=4)
    # As the first reader after them does: the cells they marked are summed.
    assert db.gate.verdict(30) is None
    value_summary.refresh_if_needed(db.sessions)
    with db.sessions() as session:
        assert value_summary.is_fresh(session)
    return s


def _raw(db: Database, *statements: str) -> None:
    """Writes as another program would: plain sqlite3, nothing marked for the summary."""
    conn = sqlite3.connect(db.path)
    try:
        with conn:
            for statement in statements:
                conn.execute(statement)
    finally:
        conn.close()


def _values(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM data_value ORDER BY id").fetchall()
    finally:
        conn.close()


def _site_id(db: Database, code: str) -> int:
    conn = sqlite3.connect(db.path)
    try:
        return int(conn.execute("SELECT id FROM site WHERE code = ?", (code,)).fetchone()[0])
    finally:
        conn.close()


def _insert_unmarked_value(db: Database, site: str, period: str, value: float) -> None:
    """A copy of one of 1.1's values at another site and period, inserted without marking it."""
    conn = sqlite3.connect(db.path)
    try:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(data_value)") if row[1] != "id"]
        picked = {"uuid": f"'{uuid.uuid4()}'", "period": f"'{period}'", "value": str(value)}
        picked["site_id"] = str(_site_id(db, site))
        chosen = ", ".join(picked.get(column, column) for column in columns)
        with conn:
            conn.execute(
                f"INSERT INTO data_value ({', '.join(columns)}) SELECT {chosen} FROM data_value "
                "WHERE indicator_id = (SELECT id FROM indicator WHERE code = '1.1') LIMIT 1"
            )
    finally:
        conn.close()


def test_a_summary_kept_by_pmdesk_is_clean(db: Database, entered: Services) -> None:
    report = IntegrityService(db.sessions).check()
    assert report.ok, report.problems
    assert report.stale_summaries == ()


def test_a_changed_sum_is_named_repaired_after_a_backup_and_then_clean(
    db: Database, entered: Services
) -> None:
    expected_iptt = entered.iptt.table(CODE, site_code="N")
    north = _site_id(db, "N")
    _raw(
        db,
        f"UPDATE value_rollup SET sum_value = sum_value + 100 WHERE node_id = {north} AND period = '2025Q1'",
    )
    # The district's IPTT reads the summary: silently wrong.
    assert entered.iptt.table(CODE, site_code="N") != expected_iptt
    service = IntegrityService(db.sessions, db.path)

    report = service.check()
    assert not report.ok
    assert report.stale_summaries == (CODE,)
    (problem,) = report.problems
    assert problem == (
        "Programme WASH-01: the totals the IPTT reads differ from the values for 1 cell (indicator 1.1 "
        "in 2025Q1 at North district (N)); run 'pmdesk check --repair' (or File ▸ Check database…) "
        "to sum the values again."
    )

    values_before = _values(db.path)
    repair = service.repair_summary(report.stale_summaries)
    assert repair.rebuilt == (CODE,)
    assert repair.report.ok and repair.report.problems == ()
    assert repair.backup is not None and repair.backup.parent == backup_dir(db.path)
    assert "before-summary-repair" in repair.backup.name
    assert _values(repair.backup) == values_before  # the copy was made before the repair
    assert _values(db.path) == values_before  # the repair changed no value
    assert entered.iptt.table(CODE, site_code="N") == expected_iptt
    assert IntegrityService(db.sessions).check().ok


def test_a_value_written_without_marking_it_is_named_with_its_site(db: Database, entered: Services) -> None:
    _insert_unmarked_value(db, "N02", "2025Q3", 9)
    report = IntegrityService(db.sessions).check()
    (problem,) = report.problems
    assert problem.startswith(
        "Programme WASH-01: the totals the IPTT reads differ from the values for 1 cell (indicator 1.1 "
        "in 2025Q3 at North district (N)), and the value counts Completeness reads differ for 1 site "
        "and period (Mathare school (N02) in 2025Q3); run 'pmdesk check --repair'"
    )
    repair = IntegrityService(db.sessions, db.path).repair_summary(report.stale_summaries)
    assert repair.report.ok
    assert entered.iptt.table(CODE) == IpttService(db.sessions, use_summary=False).table(CODE)


def test_missing_and_extra_summary_rows_are_differences(db: Database, entered: Services) -> None:
    _raw(
        db,
        "DELETE FROM value_rollup WHERE node_id = 0 AND period = '2025Q2'",
        "INSERT INTO value_rollup VALUES (1, 0, 0, 1, '2025Q4', 1, 1, 5.0, NULL, NULL)",
        "DELETE FROM value_site_status WHERE period = '2025Q2'",
    )
    report = IntegrityService(db.sessions).check()
    (problem,) = report.problems
    assert "differ from the values for 2 cells (indicator 1.1 in 2025Q2 " in problem
    assert "indicator 1.1 in 2025Q4 for the whole programme)" in problem
    assert "for 1 site and period (Mathare school (N02) in 2025Q2)" in problem


def test_many_differences_are_counted_with_a_few_examples(db: Database, entered: Services) -> None:
    for period in ("2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"):
        _insert_unmarked_value(db, "N01", period, 1)
    (problem,) = IntegrityService(db.sessions).check().problems
    assert "for 5 cells (" in problem and "2026Q1" in problem and "2026Q2" not in problem
    assert "for 5 sites and periods (" in problem and " …)" in problem


def test_sums_equal_but_for_a_float_rounding_are_not_a_difference(db: Database, entered: Services) -> None:
    _raw(db, "UPDATE value_rollup SET sum_value = sum_value * (1 + 1e-14) WHERE sum_value IS NOT NULL")
    assert IntegrityService(db.sessions).check().ok


def test_cells_waiting_for_a_refresh_are_not_problems(db: Database, entered: Services) -> None:
    """A writer marked them: the next reader folds them in, as designed."""
    _insert_unmarked_value(db, "N02", "2025Q3", 9)
    with db.sessions.begin() as session:
        programme_id = session.execute(text("SELECT id FROM programme")).scalar_one()
        indicator = session.execute(text("SELECT id FROM indicator WHERE code = '1.1'")).scalar_one()
        value_summary.mark_changed(session, programme_id, [(indicator, "2025Q3", _site_id(db, "N02"))])
    assert IntegrityService(db.sessions).check().ok
    _raw(db, "UPDATE value_rollup SET n_values = n_values + 1 WHERE period = '2025Q1'")
    with db.sessions.begin() as session:
        value_summary.mark_programme(session, programme_id)
    assert IntegrityService(db.sessions).check().ok


def test_a_read_only_file_is_compared_too(db: Database, entered: Services) -> None:
    _raw(db, "UPDATE value_site_status SET n_values = 99 WHERE period = '2025Q2'")
    read_only = open_database(db.path, read_only=True)
    try:
        report = IntegrityService(read_only.sessions).check()
    finally:
        read_only.close()
    assert report.stale_summaries == (CODE,)
    assert "Completeness" in report.problems[0]


def test_a_repair_without_a_path_makes_no_backup_and_nothing_stale_writes_nothing(
    db: Database, entered: Services
) -> None:
    service = IntegrityService(db.sessions)
    nothing = service.repair_summary(())
    assert (nothing.rebuilt, nothing.backup, nothing.report.ok) == ((), None, True)
    _raw(db, "UPDATE value_rollup SET n_sites = 7")
    repair = service.repair_summary([CODE, "NO-SUCH"])
    assert (repair.rebuilt, repair.backup, repair.report.ok) == ((CODE,), None, True)
    assert not backup_dir(db.path).exists()


def test_the_check_reports_its_steps_and_stops_when_told(db: Database, entered: Services) -> None:
    steps: list[tuple[int, int, str]] = []
    IntegrityService(db.sessions).check(lambda done, total, message: steps.append((done, total, message)))
    assert [message for _, _, message in steps] == [
        "Checking the file for damage",
        "Checking the data",
        f"Comparing the sums of {CODE} with its values",
        "Counting",
    ]
    assert steps[-1][:2] == (3, 3)

    class Stop(Exception):
        pass

    def stop_at_the_sums(done: int, total: int, message: str) -> None:
        if message.startswith("Comparing"):
            raise Stop

    _raw(db, "UPDATE value_rollup SET n_sites = 7")
    with pytest.raises(Stop):
        IntegrityService(db.sessions, db.path).repair_summary([CODE], stop_at_the_sums)
    # Stopped in the check after the repair: the repair itself was made and kept.
    assert IntegrityService(db.sessions).check().ok

    def stop_before_summing(done: int, total: int, message: str) -> None:
        if message == "Summing the values again":
            raise Stop

    _raw(db, "UPDATE value_rollup SET n_sites = 7")
    with pytest.raises(Stop):
        IntegrityService(db.sessions, db.path).repair_summary([CODE], stop_before_summing)
    assert IntegrityService(db.sessions).check().stale_summaries == (CODE,)  # nothing half done

# SPDX-License-Identifier: GPL-3.0-or-later
"""`pmdesk check` names a value summary that differs from the values; `check --repair` sums them
again after a verified backup, says so, checks again and exits 0 (1 while problems remain)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from pmdesk import cli

pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _sql(path: Path, statement: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        with conn:
            return conn.execute(statement).fetchall()
    finally:
        conn.close()


def _spoil_the_summary(path: Path) -> None:
    """What a program writing the file behind PMDesk's back could leave: a programme total off by 50."""
    # The demo file was last written by the demo command, whose values a reader has not summed
    # yet: an IPTT first, as the window's first screen would.
    assert cli.main(["--db", str(path), "iptt", "DEMO-WASH", "--format", "json"]) == 0
    _sql(
        path,
        "UPDATE value_rollup SET sum_value = sum_value + 50 WHERE node_id = 0 AND approved_only = 0 "
        "AND (indicator_id, period) = "
        "(SELECT indicator_id, period FROM value_rollup WHERE node_id = 0 AND sum_value IS NOT NULL "
        "ORDER BY indicator_id, period LIMIT 1)",
    )


def test_check_names_the_totals_and_the_repair(capsys: pytest.CaptureFixture[str], demo_copy: Path) -> None:
    _spoil_the_summary(demo_copy)
    capsys.readouterr()
    code, out, err = run(capsys, "--db", str(demo_copy), "check")
    assert code == 1
    assert out.startswith(
        "- Programme DEMO-WASH: the totals the IPTT reads differ from the values for 1 cell"
    )
    assert "pmdesk check --repair" in out and "Check database" in out
    assert "1 integrity problems" in err


def test_check_repair_sums_again_after_a_backup_and_checks_again(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    _spoil_the_summary(demo_copy)
    values = _sql(demo_copy, "SELECT * FROM data_value ORDER BY id")
    capsys.readouterr()
    code, out, err = run(capsys, "--db", str(demo_copy), "check", "--repair")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith(f"Backed up {demo_copy} to ") and "copy-backups" in lines[0]
    assert lines[1].startswith("Summed the values again for DEMO-WASH")
    assert lines[2] == "Checked again:"
    assert lines[3].startswith(f"{demo_copy}: ok (")
    assert _sql(demo_copy, "SELECT * FROM data_value ORDER BY id") == values
    assert run(capsys, "--db", str(demo_copy), "check")[0] == 0


def test_check_repair_on_a_sound_file_says_ok_and_writes_no_backup(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    code, out, _ = run(capsys, "--db", str(demo_copy), "check", "--repair")
    assert code == 0 and ": ok (" in out and "Summed" not in out
    assert not (demo_copy.parent / "copy-backups").exists() or not any(
        "summary-repair" in p.name for p in (demo_copy.parent / "copy-backups").iterdir()
    )


def test_check_repair_leaves_other_problems_and_fails(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    _sql(demo_copy, "UPDATE target SET period = 'Q1-2026' WHERE id = (SELECT min(id) FROM target)")
    code, out, err = run(capsys, "--db", str(demo_copy), "check", "--repair")
    assert code == 1
    assert "'Q1-2026', which is not a period code" in out and "Summed" not in out
    assert "none do" in err and "1 integrity problems" in err


def test_check_repair_sums_again_and_still_fails_on_what_it_cannot_repair(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    _spoil_the_summary(demo_copy)
    # Changed behind PMDesk's back, the numerator is both wrong and missing from the sums.
    _sql(
        demo_copy,
        "UPDATE data_value SET numerator = denominator + 1 WHERE id = "
        "(SELECT min(id) FROM data_value WHERE numerator IS NOT NULL)",
    )
    capsys.readouterr()
    code, out, err = run(capsys, "--db", str(demo_copy), "check", "--repair")
    assert code == 1
    assert "Summed the values again for DEMO-WASH" in out
    checked_again = out.split("Checked again:\n")[1]
    assert "greater than its denominator" in checked_again and "totals" not in checked_again
    assert "1 integrity problems" in err

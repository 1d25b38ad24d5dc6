# SPDX-License-Identifier: GPL-3.0-or-later
"""`pmdesk explain`: write, show, clear and list variance explanations, and list the missing ones."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from pmdesk import cli
from pmdesk.services.history import HistoryService
from pmdesk.storage.database import open_database

pytestmark = pytest.mark.usefixtures("data_dir")
CODE = "DEMO-WASH"
# The demo as of 2026Q2: off track 1.1.1 and 3.1.1; exceeding 1.1, 2.1 and 2.1.1 (`pmdesk iptt`).
MISSING = ["1.1", "1.1.1", "2.1", "2.1.1", "3.1.1"]


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


def run(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--db", str(db), "explain", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_missing_lists_off_track_and_exceeding_indicators_until_explained(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    code, out, err = run(capsys, demo_copy, CODE, "--missing", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["programme"], data["as_of"]) == (CODE, "2026Q2")
    assert [m["indicator"] for m in data["missing"]] == MISSING
    first = data["missing"][0]
    assert (first["status"], first["partial"], first["period"]) == ("exceeding", False, "2026Q2")

    code, _, err = run(
        capsys, demo_copy, CODE, "1.1.1", "2026Q2", "Two contractors left; re-tendered in May."
    )
    assert code == 0 and "Saved the variance explanation of 1.1.1 for 2026Q2" in err

    code, out, _ = run(capsys, demo_copy, CODE, "--missing")
    assert code == 0
    assert out.startswith(f"4 variance explanations missing in {CODE} as of 2026Q2:")
    assert "1.1.1" not in out.split("\n", 3)[3] and "3.1.1      off track" in out
    assert 'pmdesk explain DEMO-WASH INDICATOR 2026Q2 "why"' in out

    code, out, _ = run(capsys, demo_copy, CODE, "--missing", "--as-of", "2025 Q2", "--format", "json")
    assert code == 0 and json.loads(out)["as_of"] == "2025Q2"


def test_periods_are_taken_as_the_screens_write_them(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    assert run(capsys, demo_copy, CODE, "3.1.1", "Q2 2026", "Trainers left in April.")[0] == 0
    code, out, _ = run(capsys, demo_copy, CODE, "3.1.1", "2026q2")
    assert (code, out) == (0, "Trainers left in April.\n")


def test_an_explanation_is_shown_listed_replaced_and_cleared(
    capsys: pytest.CaptureFixture[str], demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMDESK_PERSON", "Amina Yusuf")
    assert run(capsys, demo_copy, CODE, "2.1", "2026Q1", "Soap was handed out in January.")[0] == 0
    monkeypatch.setattr(
        "sys.stdin", io.StringIO("  Handwashing clubs started in every school.\nTeachers lead them.\n")
    )
    code, _, err = run(capsys, demo_copy, CODE, "2.1", "2026Q2", "-")
    assert code == 0 and "as Amina Yusuf" in err

    code, out, _ = run(capsys, demo_copy, CODE, "2.1", "2026Q2")
    assert (code, out) == (0, "Handwashing clubs started in every school.\nTeachers lead them.\n")

    code, out, _ = run(capsys, demo_copy, CODE)
    assert code == 0
    assert out.splitlines()[0].startswith("2.1 · 2026Q1 — Amina Yusuf, ")
    assert "    Teachers lead them." in out.splitlines()
    code, out, _ = run(capsys, demo_copy, CODE, "--as-of", "2026Q1", "--format", "json")
    listed = json.loads(out)["explanations"]
    assert [(e["indicator"], e["period"], e["written_by"]) for e in listed] == [
        ("2.1", "2026Q1", "Amina Yusuf")
    ]

    code, _, err = run(capsys, demo_copy, CODE, "2.1", "2026Q2", "--clear")
    assert code == 0 and "Removed the variance explanation of 2.1 for 2026Q2" in err
    code, _, err = run(capsys, demo_copy, CODE, "2.1", "2026Q2", "--clear")
    assert code == 0 and "There was no variance explanation of 2.1 for 2026Q2; nothing changed" in err
    code, out, err = run(capsys, demo_copy, CODE, "2.1", "2026Q2")
    assert (code, out) == (0, "") and "2.1 has no variance explanation for 2026Q2" in err

    db = open_database(demo_copy, read_only=True, lock=False)
    try:
        changes = [
            e for e in HistoryService(db.sessions).for_programme(1) if e.entity == "variance_explanation"
        ]
    finally:
        db.close()
    assert [(c.label, c.actor, c.new is None) for c in changes] == [
        ("2.1 · 2026Q2", "Amina Yusuf", True),
        ("2.1 · 2026Q2", "Amina Yusuf", False),
        ("2.1 · 2026Q1", "Amina Yusuf", False),
    ]


def test_explanations_for_periods_the_programme_no_longer_has_are_listed_under_their_heading(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    from dataclasses import replace
    from datetime import date

    from pmdesk.services.actor import Actor
    from pmdesk.services.programmes import ProgrammeService

    assert run(capsys, demo_copy, CODE, "2.1", "2026Q4", "Exams close the schools in November.")[0] == 0
    assert run(capsys, demo_copy, CODE, "2.1", "2026Q1", "Soap was handed out in January.")[0] == 0
    db = open_database(demo_copy, lock=False)
    try:
        programmes = ProgrammeService(db.sessions, Actor(db.actor, db.device_uuid))
        data = programmes.get(CODE).data
        programmes.update(CODE, replace(data, end=date(2026, 9, 30)), keep_outside=True)
    finally:
        db.close()

    code, out, _ = run(capsys, demo_copy, CODE)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("2.1 · 2026Q1 — ")
    heading = lines.index("For periods the programme no longer has (1; remove one with --clear):")
    assert lines[heading + 1].startswith("2.1 · 2026Q4 — ")
    assert lines[heading + 2] == "    Exams close the schools in November."
    code, out, _ = run(capsys, demo_copy, CODE, "--as-of", "2026Q1", "--format", "json")
    listed = json.loads(out)
    assert [e["period"] for e in listed["explanations"]] == ["2026Q1"]
    assert [e["period"] for e in listed["for_periods_no_longer_in_programme"]] == ["2026Q4"]

    code, out, err = run(capsys, demo_copy, CODE, "2.1", "2026Q4")
    assert (code, out) == (0, "Exams close the schools in November.\n")
    assert "2026Q4 is a period DEMO-WASH no longer has" in err
    code, _, err = run(capsys, demo_copy, CODE, "2.1", "2026Q4", "Rewritten")
    assert code != 0 and "'2026Q4' is not a reporting period of DEMO-WASH" in err
    code, _, err = run(capsys, demo_copy, CODE, "2.1", "2026Q4", "--clear")
    assert code == 0 and "Removed the variance explanation of 2.1 for 2026Q4" in err
    code, out, _ = run(capsys, demo_copy, CODE)
    assert "no longer has" not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("1.1",), "name the period too"),
        (("1.1", "2026Q2", "--missing"), "--missing lists a whole programme"),
        (("--clear",), "--clear removes one explanation"),
        (("1.1", "2026Q2", "text", "--clear"), "--clear removes one explanation"),
        (("--approved-only",), "--approved-only goes with --missing"),
    ],
)
def test_impossible_requests_are_usage_errors(
    capsys: pytest.CaptureFixture[str], demo_copy: Path, argv: tuple[str, ...], message: str
) -> None:
    code, _, err = run(capsys, demo_copy, CODE, *argv)
    assert code == 2 and message in err


def test_refusals_are_one_line_and_change_nothing(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    code, _, err = run(capsys, demo_copy, CODE, "1.1", "2030Q1", "Later.")
    assert code == 1
    assert err.strip() == (
        "pmdesk: error: variance explanation 1.1 · 2030Q1, field 'period': '2030Q1' is not a reporting"
        " period of DEMO-WASH (2025Q1 … 2026Q4)"
    )
    code, _, err = run(capsys, demo_copy, CODE, "1.1", "2026Q2", "x" * 4001)
    assert code == 1 and "at most 4,000 characters" in err and "Traceback" not in err
    code, out, _ = run(capsys, demo_copy, CODE)
    assert (code, out) == (0, f"No variance explanations in {CODE}.\n")

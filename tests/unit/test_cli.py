# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line, run in-process on temporary databases (and once as `python -m pmdesk`)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

from pmdesk import __version__, cli
from pmdesk.formats.iptt_text import CSV_COLUMNS
from pmdesk.storage.database import open_database

ROOT = Path(__file__).resolve().parents[2]
INDICATOR_KEYS = {
    "code",
    "name",
    "result",
    "measure",
    "direction",
    "cumulation",
    "baseline",
    "periods",
    "lop",
    "to_date",
}


# Logs and default databases kept out of the real user data folder (tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database, for tests that write."""
    copy = tmp_path / "copy.sqlite"
    shutil.copyfile(demo_file, copy)
    return copy


def _child_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "PMDESK_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(ROOT)}
    env.pop("PMDESK_DB", None)
    return env


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def iptt_json(capsys: pytest.CaptureFixture[str], db: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    code, out, err = run(capsys, "--db", str(db), "iptt", "DEMO-WASH", "--format", "json", *extra)
    assert (code, err) == (0, "")
    return json.loads(out)  # type: ignore[no-any-return]


# -- demo and programmes ----------------------------------------------------------------------------


def test_demo_creates_once_then_needs_replace(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = str(tmp_path / "new.sqlite")
    code, out, _ = run(capsys, "--db", db, "demo")
    assert code == 0
    assert out.startswith("Created demo programme DEMO-WASH")
    code, out, err = run(capsys, "--db", db, "demo")
    assert code == 1 and out == ""
    assert err.startswith("pmdesk: error: ") and "already exists" in err
    assert "Traceback" not in err
    code, out, _ = run(capsys, "demo", "--replace", "--db", db)  # options also after the command
    assert code == 0 and "DEMO-WASH" in out


def test_programme_list(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    code, out, _ = run(capsys, "--db", str(demo_file), "programme", "list")
    assert code == 0
    header, row = out.splitlines()
    assert header.split()[:2] == ["Code", "Name"]
    assert row.startswith("DEMO-WASH  Clean water and hygiene for rural schools")
    assert row.split()[-3:-1] == ["19", "14"]  # indicators, sites


def test_programme_list_on_an_empty_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    open_database(tmp_path / "empty.sqlite").close()
    code, out, _ = run(capsys, "--db", str(tmp_path / "empty.sqlite"), "programme", "list")
    assert code == 0 and out.startswith("No programmes")


# -- IPTT -------------------------------------------------------------------------------------------


def test_iptt_json_is_one_object_with_the_keys_of_design_section_8(
    capsys: pytest.CaptureFixture[str], demo_file: Path
) -> None:
    data = iptt_json(capsys, demo_file)
    assert set(data) == {"programme", "as_of", "site", "indicators"}
    assert (data["programme"], data["as_of"], data["site"]) == ("DEMO-WASH", "2026Q2", None)
    assert len(data["indicators"]) == 19
    for item in data["indicators"]:
        assert set(item) == INDICATOR_KEYS
        assert set(item["to_date"]) == {
            "target",
            "actual",
            "pct_met",
            "progress_from_baseline",
            "status",
            "partial",
        }
        assert all(p["sites_expected"] == 11 for p in item["periods"])
        assert [p["period"] for p in item["periods"]][-1] == "2026Q2"
    satisfaction = next(i for i in data["indicators"] if i["code"] == "2.3")
    assert [p["actual"] < 70 for p in satisfaction["periods"][-2:]] == [True, True]


def test_iptt_for_a_site(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    whole = iptt_json(capsys, demo_file)
    district = iptt_json(capsys, demo_file, "--site", "LAK")
    assert district["site"] == "LAK"

    def reached(data: dict) -> float:  # type: ignore[type-arg]
        return next(i for i in data["indicators"] if i["code"] == "2.1.1")["to_date"]["actual"]  # type: ignore[no-any-return]

    assert 0 < reached(district) < reached(whole)


def test_iptt_as_of(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    data = iptt_json(capsys, demo_file, "--as-of", "2025Q4")
    assert data["as_of"] == "2025Q4"
    assert [p["period"] for p in data["indicators"][0]["periods"]] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]


def test_iptt_approved_only_stops_at_the_last_approved_quarter(
    capsys: pytest.CaptureFixture[str], demo_file: Path
) -> None:
    assert iptt_json(capsys, demo_file, "--approved-only")["as_of"] == "2025Q4"


def test_iptt_csv(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    code, out, _ = run(capsys, "--db", str(demo_file), "iptt", "DEMO-WASH", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 19 * 6


def test_iptt_table_is_the_default(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    code, out, _ = run(capsys, "--db", str(demo_file), "iptt", "DEMO-WASH")
    assert code == 0
    assert out.startswith("IPTT DEMO-WASH: Clean water and hygiene for rural schools")
    assert "Goal G:" in out and "off track" in out and "exceeding" in out


def test_iptt_to_a_file(capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "iptt.json"
    code, out, err = run(
        capsys, "--db", str(demo_file), "iptt", "DEMO-WASH", "--format", "json", "-o", str(target)
    )
    assert (code, out) == (0, "")
    assert str(target) in err
    assert json.loads(target.read_text(encoding="utf-8"))["programme"] == "DEMO-WASH"


# -- packages and values ----------------------------------------------------------------------------


def test_export_then_import_into_another_database_gives_the_same_iptt(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path
) -> None:
    package = tmp_path / "demo.json"
    code, _, _ = run(capsys, "--db", str(demo_file), "programme", "export", "DEMO-WASH", "-o", str(package))
    assert code == 0
    code, out, _ = run(capsys, "--db", str(demo_file), "programme", "export", "DEMO-WASH")
    assert code == 0 and json.loads(out) == json.loads(package.read_text(encoding="utf-8"))

    other = tmp_path / "other.sqlite"
    code, out, err = run(capsys, "--db", str(other), "programme", "import", str(package))
    assert code == 0, err
    assert "DEMO-WASH" in out
    assert iptt_json(capsys, other) == iptt_json(capsys, demo_file)
    for extra in (("--site", "RIV"), ("--approved-only",), ("--as-of", "2025Q3")):
        assert iptt_json(capsys, other, *extra) == iptt_json(capsys, demo_file, *extra)


def test_export_without_values(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    code, out, _ = run(capsys, "--db", str(demo_file), "programme", "export", "DEMO-WASH", "--no-values")
    assert code == 0
    package = json.loads(out)
    assert package["format"] == "pmdesk.programme/1"
    assert not package.get("values")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_values_export_then_import(
    capsys: pytest.CaptureFixture[str], demo_copy: Path, tmp_path: Path, fmt: str
) -> None:
    exported = tmp_path / f"values.{fmt}"
    code, _, err = run(
        capsys, "--db", str(demo_copy), "values", "export", "DEMO-WASH", "--format", fmt, "-o", str(exported)
    )
    assert code == 0, err
    before = iptt_json(capsys, demo_copy)
    # Importing what is there changes nothing (and approved values are not touched).
    code, out, err = run(capsys, "--db", str(demo_copy), "values", "import", str(exported))
    assert code == 0, err
    assert "0 new" in out and "0 replaced" in out
    assert iptt_json(capsys, demo_copy) == before


def test_values_import_replaces_a_draft_value(
    capsys: pytest.CaptureFixture[str], demo_copy: Path, tmp_path: Path
) -> None:
    update = tmp_path / "update.json"
    update.write_text(
        json.dumps(
            {
                "programme": "DEMO-WASH",
                "values": [
                    {
                        "indicator": "1.2.1",
                        "period": "2026Q2",
                        "site": "LAK-01",
                        "value": 0,
                        "comment": "No delivery",
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--db", str(demo_copy), "values", "import", "--dry-run", str(update))
    assert code == 0, err
    assert "1 replaced" in out
    before = iptt_json(capsys, demo_copy)
    code, out, err = run(capsys, "--db", str(demo_copy), "values", "import", str(update))
    assert code == 0, err
    assert "1 replaced" in out
    after = iptt_json(capsys, demo_copy)
    packs = [next(i for i in d["indicators"] if i["code"] == "1.2.1") for d in (before, after)]
    assert packs[1]["periods"][-1]["actual"] < packs[0]["periods"][-1]["actual"]


# -- imports ------------------------------------------------------------------------------------------


def test_imports_lists_each_file_imported_and_no_dry_run(
    capsys: pytest.CaptureFixture[str], demo_copy: Path, tmp_path: Path
) -> None:
    db = ("--db", str(demo_copy))
    code, out, _ = run(capsys, *db, "imports")
    assert (code, out) == (0, f"No imports recorded for {demo_copy.resolve()}.\n")  # the demo is no file
    update = tmp_path / "update 1.json"
    item = {"indicator": "1.2.1", "period": "2026Q2", "site": "LAK-01", "value": 0}
    update.write_text(json.dumps({"programme": "DEMO-WASH", "values": [item]}), encoding="utf-8")
    sha = hashlib.sha256(update.read_bytes()).hexdigest()
    assert run(capsys, *db, "values", "import", "--dry-run", str(update))[0] == 0
    code, out, _ = run(capsys, *db, "imports", "--format", "json")
    assert (code, json.loads(out)) == (0, [])

    assert run(capsys, *db, "values", "import", str(update))[0] == 0
    code, out, err = run(capsys, *db, "imports", "DEMO-WASH")
    assert (code, err) == (0, "")
    header, row = out.splitlines()
    assert header.split() == [
        "When", "Who", "Device", "Kind", "Programme", "File", "SHA-256", "New", "Replaced", "Unchanged", "Warnings",
    ]  # fmt: skip
    assert f"Data values  DEMO-WASH  update 1.json  {sha[:12]}…" in row
    assert row.split()[-4:-1] == ["0", "1", "0"]  # new, replaced, unchanged
    code, out, _ = run(capsys, *db, "imports", "DEMO-WASH", "--format", "json", "--limit", "1")
    (entry,) = json.loads(out)
    assert {k: entry[k] for k in ("kind", "file_name", "sha256", "programme", "created", "replaced")} == {
        "kind": "values",
        "file_name": "update 1.json",
        "sha256": sha,
        "programme": "DEMO-WASH",
        "created": 0,
        "replaced": 1,
    }
    assert entry["actor"] and entry["device_uuid"] and entry["at"].endswith("+00:00")
    code, out, _ = run(capsys, *db, "imports", "OTHER")
    assert (code, out) == (0, "No imports recorded for programme OTHER.\n")
    assert run(capsys, *db, "imports", "--limit", "0")[0] == 2


def test_imports_reads_without_writing(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    before = demo_file.read_bytes()
    assert run(capsys, "--db", str(demo_file), "imports", "--format", "json")[0] == 0
    assert demo_file.read_bytes() == before


# -- check and backup -------------------------------------------------------------------------------


def test_check_ok(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    code, out, _ = run(capsys, "--db", str(demo_file), "check")
    assert code == 0
    assert ": ok (" in out


def test_check_lists_problems(capsys: pytest.CaptureFixture[str], demo_copy: Path) -> None:
    conn = sqlite3.connect(demo_copy)
    with conn:
        conn.execute(
            "UPDATE data_value SET numerator = denominator + 1 WHERE id = "
            "(SELECT min(id) FROM data_value WHERE numerator IS NOT NULL)"
        )
    conn.close()
    code, out, err = run(capsys, "--db", str(demo_copy), "check")
    assert code == 1
    assert "greater than its denominator" in out
    assert "integrity problems" in err


def test_backup_writes_a_verified_copy(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copies" / "backup.sqlite"
    code, out, _ = run(capsys, "--db", str(demo_file), "backup", "-o", str(target))
    assert code == 0 and "verified" in out
    conn = sqlite3.connect(target)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT code FROM programme").fetchall() == [("DEMO-WASH",)]
    finally:
        conn.close()
    assert iptt_json(capsys, target) == iptt_json(capsys, demo_file)


def test_backup_refuses_to_overwrite_the_database(
    capsys: pytest.CaptureFixture[str], demo_copy: Path
) -> None:
    code, _, err = run(capsys, "--db", str(demo_copy), "backup", "-o", str(demo_copy))
    assert code == 2 and "another file" in err


# -- the GUI holds the database ---------------------------------------------------------------------


def test_reading_works_while_another_pmdesk_holds_the_database(
    capsys: pytest.CaptureFixture[str], demo_copy: Path, tmp_path: Path
) -> None:
    holder = open_database(demo_copy)  # as the GUI would
    try:
        assert iptt_json(capsys, demo_copy)["programme"] == "DEMO-WASH"
        for argv in (
            ("programme", "list"),
            ("check",),
            ("backup", "-o", str(tmp_path / "b.sqlite")),
            ("programme", "export", "DEMO-WASH"),
            ("values", "export", "DEMO-WASH"),
        ):
            code, _, err = run(capsys, "--db", str(demo_copy), *argv)
            assert code == 0, (argv, err)
        code, _, err = run(capsys, "--db", str(demo_copy), "demo", "--replace")
        assert code == 1
        assert "already open in another PMDesk" in err and "Traceback" not in err
    finally:
        holder.close()


# -- errors -----------------------------------------------------------------------------------------


def test_unknown_programme(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    code, out, err = run(capsys, "--db", str(demo_file), "iptt", "NOPE")
    assert (code, out) == (1, "")
    assert err == "pmdesk: error: no programme with code 'NOPE'\n"


def test_unknown_site_and_period(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    code, _, err = run(capsys, "--db", str(demo_file), "iptt", "DEMO-WASH", "--site", "ZZ")
    assert code == 1 and "no site 'ZZ'" in err
    code, _, err = run(capsys, "--db", str(demo_file), "iptt", "DEMO-WASH", "--as-of", "2030Q1")
    assert code == 1 and "2030Q1" in err and "Traceback" not in err


def test_missing_file_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    code, _, err = run(capsys, "--db", str(tmp_path / "x.sqlite"), "programme", "import", str(missing))
    assert code == 1
    assert err.startswith("pmdesk: error: ") and "nowhere.json" in err
    assert "Traceback" not in err


def test_malformed_file_is_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"format": "pmdesk.programme/1", "programme": ', encoding="utf-8")
    code, _, err = run(capsys, "--db", str(tmp_path / "x.sqlite"), "programme", "import", str(bad))
    assert code == 1
    assert "broken.json" in err and "Traceback" not in err
    bad_values = tmp_path / "values.csv"
    bad_values.write_text("programme,indicator\nDEMO-WASH,1.1\n", encoding="utf-8")
    code, _, err = run(capsys, "--db", str(tmp_path / "x.sqlite"), "values", "import", str(bad_values))
    assert code == 1
    assert "values.csv" in err and "Traceback" not in err


def test_reading_a_database_that_does_not_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    code, _, err = run(capsys, "--db", str(missing), "iptt", "DEMO-WASH")
    assert code == 1 and "no database at" in err
    assert not missing.exists()  # a read never creates a file


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["iptt"]) == 2
    assert cli.main(["iptt", "X", "--format", "pdf"]) == 2
    assert cli.main(["programme"]) == 2
    assert cli.main(["frobnicate"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"pmdesk {__version__}"


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    code, _, err = run(capsys, "--debug", "--db", str(demo_file), "iptt", "NOPE")
    assert code == 1
    assert "Traceback" in err and err.rstrip().endswith("no programme with code 'NOPE'")


def test_db_from_the_environment(
    capsys: pytest.CaptureFixture[str], demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMDESK_DB", str(demo_file))
    code, out, _ = run(capsys, "programme", "list")
    assert code == 0 and "DEMO-WASH" in out


# -- the GUI path, without Qt -----------------------------------------------------------------------


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[Path, Path, bool]]]:
    calls: list[tuple[Path, Path, bool]] = []
    module = types.ModuleType("pmdesk.app")

    def run_gui(db_path: Path, data_dir: Path, with_demo: bool = False) -> int:
        calls.append((db_path, data_dir, with_demo))
        return 0

    module.run_gui = run_gui  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pmdesk.app", module)
    yield calls


def test_no_command_opens_the_gui(
    fake_app: list[tuple[Path, Path, bool]], data_dir: Path, tmp_path: Path
) -> None:
    db = tmp_path / "mine.sqlite"
    assert cli.main(["--db", str(db)]) == 0
    assert fake_app == [(db.resolve(), data_dir, False)]


def test_demo_flag_opens_the_gui_on_the_demo_database(
    fake_app: list[tuple[Path, Path, bool]], data_dir: Path
) -> None:
    assert cli.main(["--demo"]) == 0
    # The window adds the demo programme once it is on screen (pmdesk.app.open_services).
    assert fake_app == [((data_dir / "demo.sqlite").resolve(), data_dir, True)]


# -- as a program -----------------------------------------------------------------------------------


def test_python_m_pmdesk(demo_file: Path, tmp_path: Path) -> None:
    env = _child_env(tmp_path)
    ok = subprocess.run(
        [sys.executable, "-m", "pmdesk", "--db", str(demo_file), "iptt", "DEMO-WASH", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["programme"] == "DEMO-WASH"
    failed = subprocess.run(
        [sys.executable, "-m", "pmdesk", "--db", str(demo_file), "iptt", "NOPE"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr == "pmdesk: error: no programme with code 'NOPE'\n"


def test_commands_never_load_qt(demo_file: Path, tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pmdesk import cli\n"
        f"code = cli.main(['--db', {str(demo_file)!r}, 'iptt', 'DEMO-WASH', '--format', 'csv', '-o', 'x.csv'])\n"
        "assert code == 0, code\n"
        "assert not any(name.startswith('PySide6') for name in sys.modules), 'Qt was imported'\n"
    )
    env = _child_env(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr

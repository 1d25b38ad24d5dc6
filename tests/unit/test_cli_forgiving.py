# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line takes what a user types as the screens show it, and says every problem at once."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from pmdesk import cli
from tests.unit.package_fixtures import rich_package

# Logs and default databases kept out of the real user data folder (tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("data_dir")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("typed", ["2025 Q4", "2025q4", "2025-Q4", "Q4 2025", " 2025Q4 "])
def test_as_of_takes_the_quarter_as_the_screens_write_it(
    capsys: pytest.CaptureFixture[str], demo_file: Path, typed: str
) -> None:
    code, out, err = run(
        capsys, "--db", str(demo_file), "iptt", "DEMO-WASH", "--as-of", typed, "--format", "json"
    )
    assert (code, err) == (0, "")
    assert json.loads(out)["as_of"] == "2025Q4"


def test_a_period_that_is_not_there_is_still_refused(
    capsys: pytest.CaptureFixture[str], demo_file: Path
) -> None:
    code, _, err = run(capsys, "--db", str(demo_file), "iptt", "DEMO-WASH", "--as-of", "2030 Q1")
    assert code == 1 and "2030Q1" in err and "Traceback" not in err


def test_a_programme_code_in_the_wrong_case_gets_a_suggestion(
    capsys: pytest.CaptureFixture[str], demo_file: Path
) -> None:
    code, out, err = run(capsys, "--db", str(demo_file), "iptt", "demo-wash")
    assert (code, out) == (1, "")
    assert err == "pmdesk: error: no programme with code 'demo-wash'; did you mean DEMO-WASH?\n"
    code, _, err = run(capsys, "--db", str(demo_file), "values", "export", "Demo-Wash")
    assert code == 1 and "did you mean DEMO-WASH?" in err


def test_an_unknown_code_gets_no_suggestion(capsys: pytest.CaptureFixture[str], demo_file: Path) -> None:
    _, _, err = run(capsys, "--db", str(demo_file), "iptt", "NOPE")
    assert err == "pmdesk: error: no programme with code 'NOPE'\n"


def test_a_values_file_naming_the_programme_in_the_wrong_case_gets_a_suggestion(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path
) -> None:
    copy_db = tmp_path / "copy.sqlite"
    shutil.copyfile(demo_file, copy_db)
    values = tmp_path / "values.json"
    values.write_text(json.dumps({"programme": "demo-wash", "values": []}), encoding="utf-8")
    code, _, err = run(capsys, "--db", str(copy_db), "values", "import", str(values))
    assert code == 1 and "did you mean DEMO-WASH?" in err


def test_backup_does_not_overwrite_a_file_without_force(
    capsys: pytest.CaptureFixture[str], demo_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "precious.sqlite"
    target.write_bytes(b"my thesis")
    code, _, err = run(capsys, "--db", str(demo_file), "backup", "-o", str(target))
    assert code == 2 and "already exists" in err and "--force" in err
    assert target.read_bytes() == b"my thesis"
    code, out, _ = run(capsys, "--db", str(demo_file), "backup", "-o", str(target), "--force")
    assert code == 0 and "verified" in out
    assert target.read_bytes().startswith(b"SQLite format 3")


def test_programme_import_reports_shape_and_meaning_problems_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    package = copy.deepcopy(rich_package())
    package["indicators"][0]["targets"][0]["value"] = "lots"  # a shape problem
    package["indicators"][0]["result"] = "NO-SUCH-RESULT"  # a meaning problem
    package["sites"][0]["parent"] = "NO-SUCH-SITE"  # another
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    code, _, err = run(capsys, "--db", str(tmp_path / "new.sqlite"), "programme", "import", str(path))
    assert code == 1
    assert "3 problems" in err
    assert "$.indicators[0].targets[0].value: must be a number" in err
    assert "$.indicators[0].result: there is no result 'NO-SUCH-RESULT'" in err
    assert "$.sites[0].parent: there is no site 'NO-SUCH-SITE'" in err


def test_misshapen_values_still_let_the_framework_be_checked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    package = copy.deepcopy(rich_package())
    package["values"][0]["value"] = "twelve"
    package["tiers"].append(package["tiers"][0])  # a tier listed twice
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package), encoding="utf-8")
    code, _, err = run(capsys, "--db", str(tmp_path / "new.sqlite"), "programme", "import", str(path))
    assert code == 1
    assert "$.values[0].value" in err and "is listed twice" in err

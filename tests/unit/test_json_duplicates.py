# SPDX-License-Identifier: GPL-3.0-or-later
"""A key given twice in a JSON file is refused, at any depth, naming its JSON path: the last
one no longer silently wins (issue #6, item 9)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pmdesk import cli
from pmdesk.domain.errors import ValidationError
from pmdesk.formats.json_safe import load_json
from pmdesk.services.actor import Actor
from pmdesk.services.packages import PackageService
from pmdesk.services.programmes import ProgrammeService
from pmdesk.services.values_io import ValuesService
from pmdesk.storage.database import Database
from tests.unit.package_fixtures import rich_package, without_values


def _actor(db: Database) -> Actor:
    return Actor(db.actor, db.device_uuid)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _package_text(**extra_at_end: str) -> str:
    """The rich package as JSON, with raw `"key": value` text added at the end of the top object."""
    text = json.dumps(rich_package(), indent=1)
    assert text.endswith("}")
    return text[:-1] + "".join(f', "{k}": {v}' for k, v in extra_at_end.items()) + "}"


def test_a_second_indicators_key_is_refused_not_an_empty_programme(db: Database, tmp_path: Path) -> None:
    path = _write(tmp_path / "twice.json", _package_text(indicators="[]"))
    with pytest.raises(ValidationError) as caught:
        PackageService(db.sessions, _actor(db)).import_file(path)
    message = str(caught.value)
    assert message.startswith("twice.json: $.indicators: ")
    assert "given twice" in message
    assert ProgrammeService(db.sessions, _actor(db)).list_programmes() == []


def test_duplicates_deep_inside_are_named_by_path(db: Database, tmp_path: Path) -> None:
    package = rich_package()
    # Placeholder keys, turned into a second 'code' and a second 'SEX' in the text.
    package["indicators"][2]["__code__"] = 1
    package["values"][0]["options"]["__sex__"] = 1
    text = json.dumps(package, indent=1)
    text = text.replace('"__code__": 1', '"code": "X9"').replace('"__sex__": 1', '"SEX": "M"')
    path = _write(tmp_path / "deep.json", text)
    with pytest.raises(ValidationError) as caught:
        PackageService(db.sessions, _actor(db)).import_file(path)
    assert [str(p) for p in caught.value.problems] == [
        "$.indicators[2].code: the key 'code' is given twice in this object; give each key once",
        "$.values[0].options.SEX: the key 'SEX' is given twice in this object; give each key once",
    ]


def test_a_values_json_with_a_key_twice_is_refused(db: Database, tmp_path: Path) -> None:
    PackageService(db.sessions, _actor(db)).import_package(without_values(rich_package()))
    item = '{"indicator": "1.2", "period": "2025Q1", "site": "N01", "value": 1, "value": 1000}'
    path = _write(tmp_path / "v.json", f'{{"programme": "WASH-01", "values": [{item}]}}')
    with pytest.raises(ValidationError) as caught:
        ValuesService(db.sessions, _actor(db)).import_file(path)
    assert str(caught.value).startswith("v.json: $.values[0].value: ")
    path = _write(tmp_path / "p.json", '{"programme": "WASH-01", "programme": "OTHER", "values": []}')
    with pytest.raises(ValidationError, match=r"^p\.json: \$\.programme: "):
        ValuesService(db.sessions, _actor(db)).import_file(path)


def test_the_cli_exits_non_zero_naming_the_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMDESK_DATA_DIR", str(tmp_path / "data"))
    path = _write(tmp_path / "twice.json", _package_text(indicators="[]"))
    code = cli.main(["--db", str(tmp_path / "cli.sqlite"), "programme", "import", str(path)])
    err = capsys.readouterr().err
    assert code != 0
    assert "$.indicators" in err and "Traceback" not in err


def test_the_reader_names_odd_keys_and_skips_objects_a_duplicate_replaced() -> None:
    text = '{"a b": 1, "a b": 2, "x": {"k": 1, "k": 2}, "x": [{"k": 3}], "ok": [{}, {"k": 1, "k": 1}]}'
    with pytest.raises(ValidationError) as caught:
        load_json(text.encode(), "odd.json")
    assert [p.location for p in caught.value.problems] == ['$["a b"]', "$.x", "$.ok[1].k"]
    assert load_json(b'\xef\xbb\xbf{"a": [1, {"b": null}]}', "bom.json") == {"a": [1, {"b": None}]}

# SPDX-License-Identifier: GPL-3.0-or-later
"""Programme packages read their definitions first and stream their values a chunk at a time
(issue #11, part 3), through the values import's own check, plan and write path: still one
transaction, every problem named by its JSON path, and nothing left after a problem or a cancel."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import sqlite3
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pmdesk.domain.errors import ValidationError
from pmdesk.formats.json_stream import UnusualFile, package_definitions, value_items
from pmdesk.services import packages
from pmdesk.services.actor import Actor
from pmdesk.services.import_log import ImportLogService
from pmdesk.services.packages import PackageService, PackageSummary
from pmdesk.storage.database import Database, open_database
from tests.unit.package_fixtures import rich_package

CHUNK = 7  # rich_package(extra_sites=…) has 110 values: sixteen chunks
Package = dict[str, Any]


class Cancelled(Exception):
    """Stands in for the UI's JobCancelled."""


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packages, "CHUNK_VALUES", CHUNK)


@pytest.fixture
def other_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "other.sqlite", actor="tester")
    yield database
    database.close()


def _service(db: Database, *, backups: bool = False) -> PackageService:
    return PackageService(db.sessions, Actor(db.actor, db.device_uuid), db.path if backups else None)


def _dump(db: Database) -> list[str]:
    conn = sqlite3.connect(db.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _programmes(db: Database) -> int:
    conn = sqlite3.connect(db.path)
    try:
        return int(conn.execute("SELECT count(*) FROM programme").fetchone()[0])
    finally:
        conn.close()


def _file(path: Path, package: Package, *, values_first: bool = False) -> Path:
    if values_first:  # the definitions after the values: json_stream must read them all the same
        package = {"values": package["values"], **{k: v for k, v in package.items() if k != "values"}}
    path.write_text(json.dumps(package, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def _values(db: Database) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(
            "SELECT i.code, v.period, s.code, c.key, v.value, v.numerator, v.denominator, v.text,"
            " v.comment, v.status, v.status_reason, v.warnings FROM data_value AS v"
            " JOIN indicator AS i ON i.id = v.indicator_id JOIN site AS s ON s.id = v.site_id"
            " LEFT JOIN option_combo AS c ON c.id = v.combo_id ORDER BY 1, 2, 3, 4"
        ).fetchall()
    finally:
        conn.close()


def _same_programme(a: Database, b: Database) -> None:
    first = _service(a).export_package("WASH-01")
    second = _service(b).export_package("WASH-01")
    for package in (first, second):
        for value in package["values"]:  # who entered it and when differ between the two runs
            for key in ("entered_at", "entered_by", "uuid", "device", "modified_at"):
                value.pop(key, None)
    assert first["indicators"] == second["indicators"]
    assert sorted(map(json.dumps, first["values"])) == sorted(map(json.dumps, second["values"]))


# -- the same programme -----------------------------------------------------------------------------


@pytest.mark.parametrize("values_first", [False, True], ids=["values last", "values first"])
def test_a_package_file_in_many_chunks_imports_the_programme_a_single_chunk_does(
    db: Database, other_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, values_first: bool
) -> None:
    package = rich_package(extra_sites=30)
    path = _file(tmp_path / "wash.json", package, values_first=values_first)
    streamed = _service(db).import_file(path)
    monkeypatch.setattr(packages, "CHUNK_VALUES", 1_000_000)
    whole = _service(other_db).import_package(copy.deepcopy(package))
    assert streamed.counts == whole.counts
    assert streamed.counts["values"] == len(package["values"]) == 110
    assert streamed.counts["sites"] == whole.counts["sites"] > 30
    assert _values(db) == _values(other_db)
    _same_programme(db, other_db)
    entry = ImportLogService(db.sessions).list_imports("WASH-01")[0]
    assert entry.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert entry.created == 110


def test_a_package_from_before_allows_decimals_gets_the_same_flags_when_streamed(
    db: Database, other_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = rich_package(extra_sites=30)
    for indicator in older["indicators"]:
        indicator.pop("allows_decimals", None)
    # 1.2's only fraction comes in the last chunk: its values before it are checked as they come.
    halves = [i for i, v in enumerate(older["values"]) if v["indicator"] == "1.2" and v.get("value") == 10.5]
    assert halves
    for i in halves:
        older["values"][i]["value"] = 10
    older["values"][-1]["value"] = 2.5
    assert older["values"][-1]["indicator"] == "1.2"
    _service(db).import_file(_file(tmp_path / "old.json", older))
    monkeypatch.setattr(packages, "CHUNK_VALUES", 1_000_000)
    _service(other_db).import_package(copy.deepcopy(older))
    flags = {i["code"]: i["allows_decimals"] for i in _service(db).export_package("WASH-01")["indicators"]}
    assert flags == {
        i["code"]: i["allows_decimals"] for i in _service(other_db).export_package("WASH-01")["indicators"]
    }
    assert flags["1.2"] is True
    assert flags["1.1"] is False


# -- all or nothing -------------------------------------------------------------------------------


def test_a_problem_in_a_late_value_is_named_by_its_path_and_leaves_no_programme(
    db: Database, tmp_path: Path
) -> None:
    package = rich_package(extra_sites=30)
    package["values"][100]["period"] = "2026Q1"
    before = _dump(db)
    with pytest.raises(ValidationError) as caught:
        _service(db, backups=True).import_file(_file(tmp_path / "wash.json", package))
    assert [str(p) for p in caught.value.problems] == [
        "$.values[100].period: '2026Q1' is not a reporting period of WASH-01 (2025Q1 … 2025Q4)"
    ]
    assert caught.value.source == "wash.json"
    assert _programmes(db) == 0
    assert _dump(db) == before


def test_a_cell_given_twice_in_different_chunks_is_refused(db: Database) -> None:
    package = rich_package(extra_sites=30)
    package["values"][95] = dict(package["values"][2])
    with pytest.raises(ValidationError) as caught:
        _service(db).import_package(package)
    found = [str(p) for p in caught.value.problems]
    assert len(found) == 1
    assert found[0].startswith("$.values[95]: 1.1 · N01 · 2025Q1 · ")
    assert found[0].endswith(" is given twice (also at $.values[2])")
    assert _programmes(db) == 0


def test_a_total_in_one_chunk_and_values_by_option_in_another_are_refused(db: Database) -> None:
    package = rich_package(extra_sites=30)
    first = package["values"][0]  # 1.1 at N01 in 2025Q1, by SEX and AGE
    package["values"].append({k: first[k] for k in ("indicator", "period", "site")} | {"value": 3})
    with pytest.raises(ValidationError) as caught:
        _service(db).import_package(package)
    assert [p.location for p in caught.value.problems] == ["$.values[110].options"]
    assert _programmes(db) == 0


def test_problems_of_the_definitions_and_of_late_values_are_named_together(db: Database) -> None:
    package = rich_package(extra_sites=30)
    package["indicators"][3]["result"] = "NOPE"
    targets = package["indicators"][0]["targets"]
    targets.append({"period": "2025Q1"})  # misshapen: no value
    package["values"][104]["site"] = "ZZ"
    with pytest.raises(ValidationError) as caught:
        _service(db).import_package(package)
    assert [p.location for p in caught.value.problems] == [
        f"$.indicators[0].targets[{len(targets) - 1}]",
        "$.indicators[3].result",
        "$.values[104].site",
    ]
    assert _programmes(db) == 0


def test_a_misshapen_framework_reports_the_shapes_of_late_values_too(db: Database) -> None:
    package = rich_package(extra_sites=30)
    package["programme"]["frequency"] = "weekly"
    package["values"][3]["site"] = "ZZ"  # meaning: not checked when the framework is misshapen
    package["values"][101]["value"] = "many"
    with pytest.raises(ValidationError) as caught:
        _service(db).import_package(package)
    assert [p.location for p in caught.value.problems] == ["$.programme.frequency", "$.values[101].value"]


def test_a_misshapen_late_value_leaves_out_the_meaning_of_earlier_ones(db: Database) -> None:
    package = rich_package(extra_sites=30)
    package["values"][3]["site"] = "ZZ"
    package["values"][101]["value"] = "many"
    with pytest.raises(ValidationError) as caught:
        _service(db).import_package(package)
    assert [str(p) for p in caught.value.problems] == [
        "$.values[101].value: must be a number or null, not the text 'many'"
    ]


def test_an_existing_programme_is_refused_and_the_values_are_still_checked(db: Database) -> None:
    _service(db).import_package(rich_package())
    package = rich_package(extra_sites=30)
    package["values"][102]["period"] = "2026Q1"
    with pytest.raises(ValidationError) as caught:
        _service(db).import_package(package)
    assert [p.location for p in caught.value.problems] == ["$.programme.code", "$.values[102].period"]
    assert _programmes(db) == 1


def test_a_cancel_while_late_values_are_written_leaves_nothing(db: Database, tmp_path: Path) -> None:
    path = _file(tmp_path / "wash.json", rich_package(extra_sites=30))
    before = _dump(db)
    written: list[int] = []

    def progress(done: int, total: int, message: str) -> None:
        if message.startswith("Writing") and done:
            written.append(done)
            if len(written) == 5:  # four chunks of values are in the transaction
                raise Cancelled

    with pytest.raises(Cancelled):
        _service(db, backups=True).import_file(path, progress=progress)
    assert _dump(db) == before
    assert _service(db).import_file(path).counts["values"] == 110


def test_a_key_given_twice_in_a_late_value_is_named_by_the_whole_file_reading(
    db: Database, tmp_path: Path
) -> None:
    text = json.dumps(rich_package(extra_sites=30), indent=1)
    # The site of the last value given twice: only json_safe, reading the whole file, names it.
    marker = '"site": "X0001"'
    assert text.count(marker) == 1
    path = tmp_path / "twice.json"
    path.write_text(text.replace(marker, marker + ', "site": "X0002"'), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        _service(db).import_file(path)
    assert caught.value.source == "twice.json"
    [problem] = caught.value.problems
    assert str(problem).startswith("$.values[109].site: the key 'site' is given twice in this object")
    assert _programmes(db) == 0


def test_a_large_package_streamed_in_chunks_of_many_values(db: Database, tmp_path: Path) -> None:
    """More sites, values and chunks: the summary a single read gives, every count included."""
    package = rich_package(extra_sites=600)
    package["values"] += [
        {"indicator": "1.2", "period": quarter, "site": f"X{n:04d}", "value": n + q}
        for q, quarter in enumerate(("2025Q2", "2025Q3", "2025Q4"))
        for n in range(1, 601)
    ]
    summary: PackageSummary = _service(db).import_file(_file(tmp_path / "big.json", package))
    assert summary.counts["values"] == len(package["values"]) == 1_910


# -- reading a package's definitions ----------------------------------------------------------------


def _definitions(data: bytes) -> object:
    return package_definitions(io.BytesIO(data))


def test_the_definitions_are_read_as_json_loads_reads_them_with_the_values_left_empty() -> None:
    package = rich_package(extra_sites=3)
    for order in (package, {"values": package["values"], **package}):
        data = json.dumps(order).encode()
        expected = {**json.loads(data), "values": []}
        assert _definitions(data) == expected
        assert list(_definitions(data)) == list(order)  # the keys in the file's order
    assert _definitions(b'{"values": [{"a": {"b": 1}}], "x": {"y": {"z": [{"w": 2}]}}}') == {
        "values": [],
        "x": {"y": {"z": [{"w": 2}]}},
    }
    assert _definitions(b'{"values": {"a": 1}}') == {"values": {"a": 1}}  # not a list: kept
    assert _definitions(b"[1, {}]") == [1, {}]


@pytest.mark.parametrize(
    "data",
    [
        b'{"programme": {"code": "A", "code": "B"}, "values": []}',
        b'{"values": [], "programme": {}, "programme": {}}',
        b'{"values": [{"x": 1}], "indicators": [{"code": "A", "code": "B"}]}',
        b'{"values": [{"value": NaN}]}',
        b'{"programme": ',
        b"\xff{}",
        b"[" * 40 + b"]" * 40,
    ],
    ids=["key twice", "top key twice", "key twice after values", "NaN", "syntax", "not UTF-8", "deep"],
)
def test_an_unusual_file_is_left_to_the_whole_reading(data: bytes) -> None:
    with pytest.raises(UnusualFile):
        _definitions(data)


def test_reading_the_definitions_does_not_hold_the_values() -> None:
    items = [
        {"indicator": "1.1", "period": "2025Q1", "site": f"S{n}", "options": {"SEX": "F"}, "value": n}
        for n in range(100_000)
    ]
    data = json.dumps({"format": "pmdesk.programme/1", "values": items, "tiers": ["Goal"]}).encode()
    del items
    tracemalloc.start()
    try:
        definitions = _definitions(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert definitions == {"format": "pmdesk.programme/1", "values": [], "tiers": ["Goal"]}
    # 10 MB of JSON: json.loads holds some 65 MB of dicts; the reader a list of 100,000
    # references to one overwritten object, and ijson's buffers.
    assert peak < 4_000_000, peak


def test_the_values_of_a_package_are_handed_on_one_at_a_time() -> None:
    package = rich_package(extra_sites=3)
    data = json.dumps({"values": package["values"], "programme": package["programme"]}).encode()
    assert list(value_items(io.BytesIO(data))) == json.loads(data)["values"]

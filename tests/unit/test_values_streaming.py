# SPDX-License-Identifier: GPL-3.0-or-later
"""Values imports read, check and write a file a chunk at a time (issue #11, part 3), and stay
one transaction: a problem or a cancel anywhere leaves the database as it was, every problem is
still named, and a cell given twice is found across chunks."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pmdesk.domain.errors import ValidationError
from pmdesk.formats import json_stream
from pmdesk.formats.problems import ProblemList
from pmdesk.formats.values_csv import iter_values_csv
from pmdesk.services import value_summary, values_io
from pmdesk.services.actor import Actor
from pmdesk.services.import_log import ImportLogService
from pmdesk.services.packages import PackageService
from pmdesk.services.values_io import CSV_HEADER, ValuesService
from pmdesk.storage.backup import backup_dir
from pmdesk.storage.database import Database
from tests.unit.package_fixtures import rich_package, without_values

CODE = "WASH-01"
SITES = 30
CHUNK = 5


class Cancelled(Exception):
    """Stands in for the UI's JobCancelled."""


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values_io, "CHUNK_VALUES", CHUNK)


@pytest.fixture
def wash(db: Database) -> Iterator[Database]:
    """WASH-01 with 30 extra sites and no values."""
    PackageService(db.sessions, _actor(db)).import_package(without_values(rich_package(extra_sites=SITES)))
    yield db


def _actor(db: Database) -> Actor:
    return Actor(db.actor, db.device_uuid)


def _dump(db: Database) -> list[str]:
    conn = sqlite3.connect(db.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _rows(count: int = SITES) -> list[str]:
    """One value of indicator 1.2 per extra site: row n + 1 of the file is site X000n."""
    return [f"{CODE},1.2,2025Q4,X{n:04d},,{n},,," for n in range(1, count + 1)]


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([",".join(CSV_HEADER), *rows]) + "\n", encoding="utf-8")
    return path


def _items(count: int = SITES) -> list[dict[str, Any]]:
    return [
        {"indicator": "1.2", "period": "2025Q4", "site": f"X{n:04d}", "value": n} for n in range(1, count + 1)
    ]


def test_a_file_of_many_chunks_is_imported_whole(wash: Database, tmp_path: Path) -> None:
    service = ValuesService(wash.sessions, _actor(wash), wash.path)
    summary = service.import_file(_csv(tmp_path / "v.csv", _rows()))
    assert (summary.created, summary.replaced, summary.unchanged) == (SITES, 0, 0)
    # Backed up once, before the first chunk was written.
    assert len(list(backup_dir(wash.path).glob("*before-import*"))) == 1
    again = service.import_file(_csv(tmp_path / "v.csv", _rows()))
    assert (again.created, again.unchanged) == (0, SITES)


def test_a_problem_in_the_last_chunk_rolls_back_the_chunks_written_before(
    wash: Database, tmp_path: Path
) -> None:
    before = _dump(wash)
    rows = _rows()
    rows[-1] = rows[-1].replace("X0030", "NOWHERE")
    with pytest.raises(ValidationError) as caught:
        ValuesService(wash.sessions, _actor(wash)).import_file(_csv(tmp_path / "v.csv", rows))
    assert [str(p) for p in caught.value.problems] == [
        f"v.csv row {SITES + 1}, field 'site': site 'NOWHERE' is not in programme {CODE}"
    ]
    assert _dump(wash) == before


def test_every_problem_is_named_even_after_writing_stopped(wash: Database, tmp_path: Path) -> None:
    rows = _rows()
    for n in (2, 13, 29):  # in the first, third and last chunk
        rows[n] = rows[n].replace("2025Q4", "2031Q9")
    with pytest.raises(ValidationError) as caught:
        ValuesService(wash.sessions, _actor(wash)).import_file(_csv(tmp_path / "v.csv", rows))
    assert [p.location for p in caught.value.problems] == ["v.csv row 4", "v.csv row 15", "v.csv row 31"]


def test_a_cell_given_twice_in_different_chunks_is_refused_naming_both_rows(
    wash: Database, tmp_path: Path
) -> None:
    before = _dump(wash)
    rows = _rows()
    rows[27] = rows[27].replace("X0028", "X0003")  # row 29 repeats row 4's cell
    with pytest.raises(ValidationError) as caught:
        ValuesService(wash.sessions, _actor(wash)).import_file(_csv(tmp_path / "v.csv", rows))
    assert [str(p) for p in caught.value.problems] == [
        "v.csv row 29: 1.2 · X0003 · 2025Q4 is given twice (also at v.csv row 4)"
    ]
    assert _dump(wash) == before


def test_json_paths_in_late_chunks_are_exact(wash: Database) -> None:
    items = _items()
    items[23]["period"] = "2031Q9"
    items[26]["value"] = "many"
    items[28] = dict(items[3])  # the cell of $.values[3] again
    with pytest.raises(ValidationError) as caught:
        ValuesService(wash.sessions, _actor(wash)).import_items(CODE, items)
    assert [p.location for p in caught.value.problems] == ["$.values[26].value"]  # shapes first
    items[26]["value"] = 27
    with pytest.raises(ValidationError) as caught:
        ValuesService(wash.sessions, _actor(wash)).import_items(CODE, items)
    assert [p.location for p in caught.value.problems] == ["$.values[23].period", "$.values[28]"]
    assert "(also at $.values[3])" in str(caught.value.problems[1])


def test_a_cancel_after_chunks_were_written_leaves_the_database_unchanged(
    wash: Database, tmp_path: Path
) -> None:
    before = _dump(wash)
    path = _csv(tmp_path / "v.csv", _rows())
    written: list[int] = []

    def progress(done: int, total: int, message: str) -> None:
        if message.startswith("Writing") and done:
            written.append(done)
            if len(written) == 3:  # the third chunk's values are in the transaction
                raise Cancelled

    with pytest.raises(Cancelled):
        ValuesService(wash.sessions, _actor(wash), wash.path).import_file(path, progress=progress)
    assert _dump(wash) == before
    summary = ValuesService(wash.sessions, _actor(wash)).import_file(path)
    assert summary.created == SITES


class _CountingReader(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.lines = 0

    def readline(self, size: int | None = -1) -> bytes:
        self.lines += 1
        return super().readline(size)


def test_the_csv_reader_hands_on_a_chunk_before_reading_the_rest() -> None:
    rows = [",".join(CSV_HEADER)] + [f"{CODE},1.2,2025Q4,X{n:04d},,{n},,," for n in range(1, 10_001)]
    handle = _CountingReader(("\r\n".join(rows) + "\r\n").encode())
    chunks = iter_values_csv(handle, "big.csv", ProblemList(), chunk_rows=100)
    first = next(chunks)
    assert [len(found.items) for found in first] == [100]
    assert first[0].rows == list(range(2, 102))
    assert handle.lines <= 103  # the header, the chunk and the row that ended it
    assert sum(len(found.items) for chunk in chunks for found in chunk) == 9_900


# -- JSON values files -----------------------------------------------------------------------------


def _json(path: Path, items: list[dict[str, Any]], *, bom: bool = False) -> Path:
    text = json.dumps({"programme": CODE, "values": items}, indent=1)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    return path


def test_a_json_file_is_streamed_in_chunks_and_logged_with_its_checksum(
    wash: Database, tmp_path: Path
) -> None:
    path = _json(tmp_path / "v.json", _items(), bom=True)
    summary = ValuesService(wash.sessions, _actor(wash), wash.path).import_file(path)
    assert summary.created == SITES
    entry = ImportLogService(wash.sessions).list_imports(CODE)[0]
    assert (entry.file_name, entry.created) == ("v.json", SITES)
    assert entry.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_json_file_problems_in_late_chunks_are_named_by_exact_path(wash: Database, tmp_path: Path) -> None:
    before = _dump(wash)
    items = _items()
    items[23]["period"] = "2031Q9"
    items[28] = dict(items[3])
    with pytest.raises(ValidationError) as caught:
        ValuesService(wash.sessions, _actor(wash)).import_file(_json(tmp_path / "v.json", items))
    assert [p.location for p in caught.value.problems] == ["$.values[23].period", "$.values[28]"]
    assert caught.value.source == "v.json"
    assert _dump(wash) == before


def test_a_key_twice_in_a_late_item_is_named_and_nothing_is_written(wash: Database, tmp_path: Path) -> None:
    before = _dump(wash)
    path = _json(tmp_path / "v.json", _items())
    text = path.read_text()
    # The 28th item (in the sixth chunk) gets its value twice.
    path.write_text(text.replace('"value": 28', '"value": 28, "value": 2800'))
    with pytest.raises(ValidationError) as caught:
        ValuesService(wash.sessions, _actor(wash)).import_file(path)
    assert [str(p) for p in caught.value.problems] == [
        "$.values[27].value: the key 'value' is given twice in this object; give each key once"
    ]
    assert _dump(wash) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'{"programme": "WASH-01", "values": [{"value": NaN}]}', "NaN is not a number JSON allows"),
        (b'{"programme": "WASH-01", "values": [{"value": 1}', "is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "is not valid JSON"),
        (b'{"programme": "WASH-01", "values": ["\xff"]}', "is not UTF-8 text"),
    ],
    ids=["NaN", "truncated", "deep nesting", "latin-1"],
)
def test_hostile_json_files_are_refused_naming_the_file(
    wash: Database, tmp_path: Path, text: bytes, expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(text)
    with pytest.raises(ValidationError) as caught:
        ValuesService(wash.sessions, _actor(wash)).import_file(path)
    assert str(caught.value).startswith("bad.json: ")
    assert expected in str(caught.value)


def test_the_json_reader_hands_on_an_item_before_reading_the_rest(tmp_path: Path) -> None:
    path = _json(tmp_path / "big.json", _items(20_000))
    with path.open("rb") as handle:
        items = json_stream.value_items(handle)
        assert next(items) == {"indicator": "1.2", "period": "2025Q4", "site": "X0001", "value": 1}
        assert handle.tell() < path.stat().st_size / 4
        assert sum(1 for _ in items) == 19_999


def test_the_value_summary_is_rebuilt_once_after_the_last_chunk(
    wash: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.unit.test_value_summary import raw_summary, stored_summary

    monkeypatch.setattr(value_summary, "REBUILD_OVER", 2)  # every chunk marks the programme
    rebuilds: list[int] = []
    refresh_in_writer = value_summary.refresh_in_writer

    def counted(session: Any) -> None:
        rebuilds.append(1)
        refresh_in_writer(session)

    monkeypatch.setattr(value_summary, "refresh_in_writer", counted)
    ValuesService(wash.sessions, _actor(wash)).import_file(_csv(tmp_path / "v.csv", _rows()))
    assert rebuilds == [1]
    assert stored_summary(wash.path) == raw_summary(wash.path)


def test_an_empty_list_of_values_still_names_a_programme_that_must_exist(
    wash: Database, tmp_path: Path
) -> None:
    service = ValuesService(wash.sessions, _actor(wash))
    path = tmp_path / "none.json"
    path.write_text(json.dumps({"programme": "NOPE", "values": []}), encoding="utf-8")
    for run in (lambda: service.import_file(path), lambda: service.import_items("NOPE", [])):
        with pytest.raises(ValidationError, match="there is no programme 'NOPE'"):
            run()
    path.write_text(json.dumps({"programme": CODE, "values": []}), encoding="utf-8")
    assert service.import_file(path).created == 0

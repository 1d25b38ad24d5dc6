# SPDX-License-Identifier: GPL-3.0-or-later
"""Files written whole or not at all, and files from elsewhere read within a limit
(pmdesk.formats.files)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from pmdesk.domain.errors import ValidationError
from pmdesk.formats import files
from pmdesk.formats.files import read_limited, replacing, write_atomically


def test_the_written_file_is_complete_and_alone(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    text = "a,b\r\n" + "é,1\n" * 10_000
    write_atomically(target, text, encoding="utf-8-sig")
    assert target.read_bytes() == b"\xef\xbb\xbf" + text.encode("utf-8")  # line endings kept as given
    assert list(tmp_path.iterdir()) == [target]


def test_bytes_are_written_as_they_are(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    write_atomically(target, b"\x00\x01\r\n")
    assert target.read_bytes() == b"\x00\x01\r\n"


def test_a_failing_write_leaves_the_old_file_intact_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"the good old file")
    with pytest.raises(RuntimeError), replacing(target) as temporary:
        temporary.write_bytes(b"half a new")
        raise RuntimeError("the writer failed half-way")
    assert target.read_bytes() == b"the good old file"
    assert list(tmp_path.iterdir()) == [target]


def test_a_failing_rename_leaves_the_old_file_intact_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "values.json"
    target.write_text("old", encoding="utf-8")

    def refuse(_source: object, _destination: object) -> None:
        raise PermissionError(13, "the file is open in another program")

    monkeypatch.setattr(files.os, "replace", refuse)
    with pytest.raises(PermissionError):
        write_atomically(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_the_new_file_is_on_disk_before_its_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(descriptor: int) -> None:
        events.append("fsync")
        real_fsync(descriptor)

    def replace(source: str | Path, destination: str | Path) -> None:
        events.append("replace")
        real_replace(source, destination)

    monkeypatch.setattr(files.os, "fsync", fsync)
    monkeypatch.setattr(files.os, "replace", replace)
    write_atomically(tmp_path / "a.txt", "data")
    assert events[:2] == ["fsync", "replace"]


def test_a_temporary_file_sits_beside_the_target_and_is_hidden(tmp_path: Path) -> None:
    with replacing(tmp_path / "iptt.xlsx") as temporary:
        assert temporary.parent == tmp_path
        assert temporary.name.startswith(".iptt.xlsx.")
        temporary.write_bytes(b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["iptt.xlsx"]


def test_a_missing_folder_fails_without_creating_it(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomically(tmp_path / "missing" / "a.txt", "data")
    assert list(tmp_path.iterdir()) == []


def test_read_limited_returns_the_bytes_and_feeds_the_digest(tmp_path: Path) -> None:
    path = tmp_path / "values.csv"
    path.write_bytes(b"abc")
    digest = hashlib.sha256()
    assert read_limited(path, 3, digest=digest) == b"abc"
    assert digest.hexdigest() == hashlib.sha256(b"abc").hexdigest()


def test_read_limited_refuses_a_larger_file_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"x" * (3 * files.MB))
    with pytest.raises(ValidationError) as refused:
        read_limited(path, 2 * files.MB, what="workbooks")
    assert str(refused.value) == "big.xlsx: is 3.0 MB; workbooks larger than 2 MB are refused"


def test_read_limited_names_a_file_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        read_limited(tmp_path / "gone.json", 10)
    assert str(refused.value).startswith("gone.json: cannot be read")

# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures shared by the command-line tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from pmdesk import cli


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep logs and default databases out of the real user data folder."""
    folder = tmp_path / "data"
    monkeypatch.setenv("PMDESK_DATA_DIR", str(folder))
    monkeypatch.delenv("PMDESK_DB", raising=False)
    return folder


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the demo programme, made once with `pmdesk demo`; tests only read it."""
    folder = tmp_path_factory.mktemp("cli-demo")
    path = folder / "demo.sqlite"
    assert cli.main(["--data-dir", str(folder), "--db", str(path), "demo"]) == 0
    return path

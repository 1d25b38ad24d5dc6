# SPDX-License-Identifier: GPL-3.0-or-later
"""Another process that holds a database open until the test closes its stdin or kills it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

import pmdesk

REPO_ROOT = Path(pmdesk.__file__).resolve().parent.parent

HOLDER = """
import sys
from pathlib import Path
from pmdesk.storage.database import open_database

db = open_database(sys.argv[1])
Path(sys.argv[2]).write_text("ready")
sys.stdin.read()  # hold the database until the test closes our stdin or kills us
db.close()
"""


def held_elsewhere(path: Path, ready: Path) -> subprocess.Popen[str]:
    """Start the holder on `path` and wait until it has the database open (`ready` written)."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(ready)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    deadline = time.monotonic() + 30
    while not ready.exists():
        if process.poll() is not None:
            pytest.fail(f"holder process failed: {process.stderr.read() if process.stderr else ''}")
        if time.monotonic() > deadline:
            process.kill()
            process.wait(timeout=30)
            pytest.fail("holder process did not open the database in 30 s")
        time.sleep(0.02)
    return process

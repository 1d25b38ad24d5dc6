# SPDX-License-Identifier: GPL-3.0-or-later
"""Developer entry point: `python3 installer/dev.py demo|test` sets up .venv and runs PMDesk or its checks."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def install(extra: str) -> None:
    if sys.platform.startswith("linux"):
        run("bash", ROOT / "installer" / "system-deps.sh")
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extra or 'app'}"
    sources = [ROOT / "pyproject.toml"]
    if not stamp.exists() or any(s.stat().st_mtime > stamp.stat().st_mtime for s in sources):
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", f".[{extra}]" if extra else ".")
        stamp.touch()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "demo":
        install("")
        run(BIN / "pmdesk", "--demo", *argv[1:])
    elif command == "test":
        install("test")
        run(PYTHON, "-m", "ruff", "check", "pmdesk", "tests", "installer")
        run(PYTHON, "-m", "ruff", "format", "--check", "pmdesk", "tests", "installer")
        run(PYTHON, "-m", "mypy")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        run(PYTHON, "-m", "pytest", *argv[1:], env=env)
    else:
        print("usage: python3 installer/dev.py demo|test [extra arguments]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode or 1)

# SPDX-License-Identifier: GPL-3.0-or-later
"""Developer entry point: `python3 installer/dev.py demo|test` sets up .venv and runs PMDesk or its checks.

`python3 installer/dev.py system-deps` prints the Debian packages Qt still needs (nothing when none).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


# The shared libraries Qt's xcb platform plugin loads (soname -> Debian package that ships it).
QT_SYSTEM_LIBRARIES = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-image.so.0": "libxcb-image0",
    "libX11-xcb.so.1": "libx11-xcb1",
}
# A font file is looked for rather than asking `fc-list`, which is not installed everywhere
# (its absence would make the fonts look missing on every run).
DEJAVU_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# ldconfig's tag for the libraries this machine's processes can load.
LDCONFIG_ARCH = {"x86_64": "x86-64", "aarch64": "AArch64"}


def sonames_in_cache(ldconfig_output: str, arch: str | None = None) -> set[str]:
    """The library names `ldconfig -p` lists (lines like `\tlibEGL.so.1 (libc6,x86-64) => /lib/…`),
    only those built for `arch` (an ldconfig tag such as "x86-64") when it is given."""
    names = set()
    for line in ldconfig_output.splitlines():
        name, _, rest = line.strip().partition(" (")
        if not rest or " " in name:
            continue  # the heading "567 libs found in cache …"
        tags = rest.split(")", 1)[0].split(",")
        if arch is None or arch in tags:
            names.add(name)
    return names


def missing_system_packages(sonames: set[str], *, has_font: bool, has_venv: bool) -> list[str]:
    """The Debian packages to install, sorted and each once, so every run with the same
    machine gives the same answer."""
    missing = {package for soname, package in QT_SYSTEM_LIBRARIES.items() if soname not in sonames}
    if not has_font:
        missing.add("fonts-dejavu-core")
    if not has_venv:
        missing.add("python3-venv")
    return sorted(missing)


def can_make_venv() -> bool:
    try:
        import ensurepip  # noqa: F401  (Debian ships it in python3-venv)
    except ImportError:
        return False
    return True


def system_packages_to_install() -> list[str]:
    """What Qt still needs on a Debian/Ubuntu machine; [] elsewhere or when nothing is missing."""
    if not sys.platform.startswith("linux") or shutil.which("apt-get") is None:
        return []
    ldconfig = shutil.which("ldconfig") or next(
        (p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if Path(p).exists()), None
    )
    if ldconfig is None:
        return []
    # The whole listing is read before it is searched: `ldconfig -p | grep -q` under `pipefail`
    # failed whenever grep stopped reading early, so a different set looked missing on each run.
    listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, check=False).stdout
    return missing_system_packages(
        sonames_in_cache(listing, LDCONFIG_ARCH.get(platform.machine())),
        has_font=DEJAVU_FONT.exists(),
        has_venv=PYTHON.exists() or can_make_venv(),
    )


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def install(extra: str) -> None:
    missing = system_packages_to_install()
    if missing:
        run("bash", ROOT / "installer" / "system-deps.sh", *missing)
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
    elif command == "system-deps":
        for package in system_packages_to_install():
            print(package)
    else:
        print("usage: python3 installer/dev.py demo|test|system-deps [extra arguments]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode or 1)

# SPDX-License-Identifier: GPL-3.0-or-later
"""installer/dev.py decides which system packages Qt still needs the same way on every run."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

DEV_PY = Path(__file__).resolve().parents[2] / "installer" / "dev.py"


def load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pmdesk_dev_script", DEV_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dev = load_dev()

ALL_PRESENT = "\n".join(
    [f"{len(dev.QT_SYSTEM_LIBRARIES)} libs found in cache `/etc/ld.so.cache'"]
    + [
        f"\t{soname} (libc6,x86-64) => /lib/x86_64-linux-gnu/{soname}"
        for soname in reversed(list(dev.QT_SYSTEM_LIBRARIES))
    ]
)


def test_nothing_missing_when_every_library_font_and_venv_is_there() -> None:
    sonames = dev.sonames_in_cache(ALL_PRESENT, "x86-64")
    assert dev.missing_system_packages(sonames, has_font=True, has_venv=True) == []


def test_the_heading_of_the_listing_is_not_a_library() -> None:
    assert not any(" " in name for name in dev.sonames_in_cache(ALL_PRESENT))


def test_missing_packages_are_sorted_and_each_given_once() -> None:
    listing = "\n".join(
        line
        for line in ALL_PRESENT.splitlines()
        if "libxcb-cursor.so.0" not in line and "libEGL.so.1" not in line
    )
    sonames = dev.sonames_in_cache(listing + "\n" + listing, "x86-64")
    assert dev.missing_system_packages(sonames, has_font=False, has_venv=False) == [
        "fonts-dejavu-core",
        "libegl1",
        "libxcb-cursor0",
        "python3-venv",
    ]


def test_the_answer_does_not_depend_on_the_order_of_the_listing() -> None:
    lines = ALL_PRESENT.splitlines()
    partial = [line for line in lines if "xkbcommon" not in line]
    forwards = dev.sonames_in_cache("\n".join(partial), "x86-64")
    backwards = dev.sonames_in_cache("\n".join(reversed(partial)), "x86-64")
    assert dev.missing_system_packages(forwards, has_font=True, has_venv=True) == [
        "libxkbcommon-x11-0",
        "libxkbcommon0",
    ]
    assert dev.missing_system_packages(backwards, has_font=True, has_venv=True) == [
        "libxkbcommon-x11-0",
        "libxkbcommon0",
    ]


def test_a_library_only_for_another_architecture_counts_as_missing() -> None:
    listing = ALL_PRESENT.replace(
        "\tlibGL.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libGL.so.1",
        "\tlibGL.so.1 (libc6) => /lib/i386-linux-gnu/libGL.so.1",
    )
    assert dev.missing_system_packages(
        dev.sonames_in_cache(listing, "x86-64"), has_font=True, has_venv=True
    ) == ["libgl1"]
    assert dev.missing_system_packages(dev.sonames_in_cache(listing), has_font=True, has_venv=True) == []


def test_a_name_is_matched_whole_not_as_part_of_another() -> None:
    listing = "\tlibxkbcommon-x11.so.0 (libc6,x86-64) => /lib/libxkbcommon-x11.so.0"
    assert "libxkbcommon.so.0" not in dev.sonames_in_cache(listing)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check runs on Linux only")
def test_two_runs_of_the_check_on_this_machine_agree() -> None:
    def answer() -> str:
        return subprocess.run(
            [sys.executable, str(DEV_PY), "system-deps"], capture_output=True, text=True, check=True
        ).stdout

    assert answer() == answer()

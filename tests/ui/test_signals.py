# SPDX-License-Identifier: GPL-3.0-or-later
"""Data-change notices carry a kind from one list and their origin (issue #8 §3)."""

from __future__ import annotations

import pytest

from pmdesk.ui.signals import AppSignals, ChangeKind, DataChange


def test_a_notice_names_its_kind_programme_and_origin() -> None:
    signals = AppSignals()
    heard: list[DataChange] = []
    signals.data_changed.connect(heard.append)
    screen = object()
    signals.announce(ChangeKind.VALUES, "WASH-01", origin=screen)
    signals.announce("targets", "WASH-01")
    assert [c.kind for c in heard] == [ChangeKind.VALUES, ChangeKind.TARGETS]
    assert heard[0].made_by(screen) and not heard[1].made_by(screen)
    assert heard[0].concerns("WASH-01") and not heard[0].concerns("OTHER")
    assert heard[1].kind == "targets"  # the word it replaced still compares equal


def test_an_unknown_kind_is_refused_when_announced() -> None:
    with pytest.raises(ValueError, match="valus"):
        AppSignals().announce("valus")

# SPDX-License-Identifier: GPL-3.0-or-later
"""TargetService.apply_targets (a paste: all or nothing) and HistoryService.with_history."""

from __future__ import annotations

import pytest

from pmdesk.domain.enums import ChangeReason
from pmdesk.domain.errors import ValidationError
from pmdesk.services.history import HistoryService, Reason
from pmdesk.services.targets import TargetChange
from pmdesk.storage.database import Database
from tests.unit.builders import Services, services

P = "WASH-01"
DELAY = Reason(ChangeReason.IMPLEMENTATION_DELAY)


def _values(s: Services, site: str | None = None) -> dict[tuple[str, str], float]:
    return {(t.indicator_code, t.period): t.value for t in s.targets.list_targets(P, site)}


def test_new_targets_need_no_reason_and_are_saved_together(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    saved = s.targets.apply_targets(
        P,
        [TargetChange("1.1", "2025Q1", 30), TargetChange("1.1", "2025Q2", "40.5")],
        site_code="N01",
    )
    assert [t.value for t in saved if t] == [30.0, 40.5]
    assert _values(s, "N01") == {("1.1", "2025Q1"): 30.0, ("1.1", "2025Q2"): 40.5}


def test_one_bad_value_saves_nothing_and_every_problem_is_listed(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    before = _values(s)
    with pytest.raises(ValidationError) as caught:
        s.targets.apply_targets(
            P,
            [
                TargetChange("1.1", "2025Q1", 999),
                TargetChange("1.1", "2025Q2", "abc"),
                TargetChange("2.1", "2025Q3", -5),
            ],
            reason=DELAY,
        )
    assert len(caught.value.problems) == 2
    assert _values(s) == before


def test_changing_saved_targets_without_a_reason_rolls_back_the_new_ones(
    db_holds_wash01: None, db: Database
) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    before = _values(s)
    with pytest.raises(ValidationError, match="needs a reason"):  # 1.1 in 2025Q1 is 100
        s.targets.apply_targets(P, [TargetChange("2.1", "2025Q4", 1), TargetChange("1.1", "2025Q1", 5)])
    with pytest.raises(ValidationError, match="needs a reason"):
        s.targets.apply_targets(P, [TargetChange("1.1", "2025Q1", 5), TargetChange("2.1", "2025Q1", None)])
    with pytest.raises(ValidationError):
        s.targets.apply_targets(P, [TargetChange("9.9", "2025Q1", 5)], reason=DELAY)
    assert _values(s) == before


def test_changes_and_clears_with_a_reason_are_in_history(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    old = {(t.indicator_code, t.period): t for t in s.targets.list_targets(P)}
    s.targets.apply_targets(
        P, [TargetChange("1.1", "2025Q1", 120), TargetChange("2.1", "2025Q1", None)], reason=DELAY
    )
    values = _values(s)
    assert values[("1.1", "2025Q1")] == 120.0
    assert ("2.1", "2025Q1") not in values
    history = HistoryService(db.sessions)
    [change] = history.for_entity(old[("1.1", "2025Q1")].uuid)
    assert (change.old, change.new, change.reason) == ("100", "120", "implementation_delay")
    [cleared] = history.for_entity(old[("2.1", "2025Q1")].uuid)
    assert cleared.new is None
    uuids = [t.uuid for t in old.values()]
    assert history.with_history(uuids) == {old[("1.1", "2025Q1")].uuid, old[("2.1", "2025Q1")].uuid}
    assert history.with_history([]) == set()

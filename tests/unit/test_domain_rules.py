# SPDX-License-Identifier: GPL-3.0-or-later
"""The data rules of pmdesk.domain that one-cell services and bulk paths share, and their callers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pmdesk.domain.codes import check_code, is_valid_code
from pmdesk.domain.enums import Measure, ValueStatus
from pmdesk.domain.errors import ValidationError
from pmdesk.domain.framework_rules import (
    cycles,
    depth_first,
    disaggregation_problem,
    is_below,
    planned_figure_problem,
    target_problem,
    twice_listed,
)
from pmdesk.domain.value_rules import (
    HOLDS_OPTIONS,
    HOLDS_TOTAL,
    is_locked,
    judged_on_site_total,
    locked_message,
    mix_clash,
    mix_message,
    status_after_change,
    value_warnings,
)
from pmdesk.services.actor import Actor
from pmdesk.services.packages import PackageService
from pmdesk.storage.database import Database
from tests.unit.builders import services
from tests.unit.package_fixtures import rich_package


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("WASH-01", True),
        ("1.1", True),
        ("a_b", True),
        ("x" * 40, True),
        ("x" * 41, False),
        ("", False),
        (" N01", False),
        ("N01\n", False),
        ("-A", False),
        ("josé", False),
        (3, False),
    ],
)
def test_a_code_is_1_to_40_letters_digits_dots_dashes_underscores(code: object, valid: bool) -> None:
    assert is_valid_code(code) is valid
    assert (check_code(code, "site") == []) is valid


def test_a_refused_code_names_the_rule() -> None:
    [problem] = check_code("S 1", "site")
    assert str(problem) == (
        "site, field 'code': 'S 1' is not a valid code: 1–40 letters, digits, '.', '_' or '-',"
        " starting with a letter or digit"
    )


def test_a_place_holds_a_total_or_values_per_option_never_both() -> None:
    assert mix_clash(True, has_total=False, has_options=False) is None
    assert mix_clash(True, has_total=True, has_options=False) is None  # replacing the total
    assert mix_clash(True, has_total=False, has_options=True) == HOLDS_OPTIONS
    assert mix_clash(False, has_total=False, has_options=True) is None
    assert mix_clash(False, has_total=True, has_options=False) == HOLDS_TOTAL
    assert mix_clash(False, has_total=True, has_options=True) == HOLDS_TOTAL
    assert mix_message(HOLDS_TOTAL, "importing") == (
        "already has an undisaggregated total; clear it before importing values per option"
    )
    assert mix_message(HOLDS_OPTIONS) == (
        "already has values per option; clear them before entering an undisaggregated total"
    )


def test_approved_values_are_locked_and_changed_ones_go_back_to_draft() -> None:
    assert is_locked(ValueStatus.APPROVED) and is_locked("approved")
    assert not any(is_locked(s) for s in ("draft", "submitted", "returned"))
    assert locked_message("1.1 · N01 · 2025Q1") == (
        "1.1 · N01 · 2025Q1 is approved and locked; reopen it with a reason before editing"
    )
    assert [status_after_change(s) for s in ("draft", "submitted", "returned", "approved")] == [
        "draft",
        "draft",
        "draft",
        "approved",
    ]


def test_the_3x_rule_looks_at_the_site_total_for_a_count_per_option() -> None:
    assert judged_on_site_total(Measure.NUMBER, is_total=False)
    assert not judged_on_site_total(Measure.NUMBER, is_total=True)
    assert not judged_on_site_total(Measure.PERCENT, is_total=False)
    assert value_warnings(40, 100) == ()
    assert value_warnings(40, 100, site_total=301) == ("over_target",)
    assert value_warnings(400, 100, site_total=300) == ()  # exactly 3× is not more than 3×
    assert value_warnings(301, 100) == ("over_target",)
    assert value_warnings(301, None) == ()
    assert value_warnings(None, 100) == ()
    history = [10.0, 11.0, 10.0, 12.0, 11.0]
    assert value_warnings(60, 15, history=history) == ("outlier", "over_target")
    assert value_warnings(60, 60, history=history) == ()  # on its target: never unusual
    assert value_warnings(60, 15, series=sorted([*history, 60])) == ("outlier", "over_target")
    assert value_warnings(60, None, series=[10.0, 60.0]) == ()  # too short a history


def test_set_up_rules() -> None:
    assert (
        disaggregation_problem(Measure.QUALITATIVE, ["SEX"])
        == "a qualitative indicator cannot be disaggregated"
    )
    assert disaggregation_problem("qualitative", []) is None
    assert disaggregation_problem(Measure.NUMBER, ["SEX"]) is None
    assert twice_listed(["SEX", "AGE", "SEX", "SEX"]) == [2, 3]
    assert target_problem(-5) == "a target must not be negative (got -5)"
    assert target_problem(0) is None
    assert planned_figure_problem(-0.5) == "must not be negative (got -0.5)"
    assert planned_figure_problem(None) is None


def test_one_cycle_check() -> None:
    parents = {"A": None, "B": "A", "C": "B"}
    assert is_below(parents.get, "C", "A")  # A under C would close a loop
    assert is_below(parents.get, "A", "A")
    assert not is_below(parents.get, "A", "C")
    assert not is_below({"X": "Y", "Y": "X"}.get, "X", "Z")  # a stored loop ends the walk
    assert cycles({"A": "B", "B": "C", "C": "A", "D": "A", "E": "E2"}) == [["A", "B", "C"]]
    assert cycles({"N": "N01", "N01": "N"}) == [["N", "N01"]]
    assert cycles({"A": "B"}) == []


def test_one_tree_walk_for_results_and_sites() -> None:
    """Parents before children in the order given, with depths; an orphan at the top; a stored
    loop cut (its members are not reached)."""
    parents = {"B": "A", "A": None, "C": "A", "D": "B", "E": "gone", "X": "Y", "Y": "X"}
    walked = depth_first(list(parents), lambda k: k, parents.get)
    assert walked == [("A", 0), ("B", 1), ("D", 2), ("C", 1), ("E", 0)]


def test_the_framework_screen_and_a_package_refuse_the_same_indicator(
    db_holds_wash01: None, db: Database
) -> None:
    """A negative baseline or LoP target, a disaggregated qualitative indicator: refused by the
    one-indicator service as by a package import (before, the service saved a negative baseline
    that its own package export could not import again)."""
    s = services(db)  # db holds small_programme (tests/conftest.py)
    data = s.framework.get_indicator("WASH-01", "1.1").data
    bad = replace(data, code="9", baseline_value=-1.0, lop_target=-2.5)
    with pytest.raises(ValidationError) as caught:
        s.framework.save_indicator("WASH-01", bad)
    assert [str(p) for p in caught.value.problems] == [
        "indicator 9, field 'baseline_value': must not be negative (got -1)",
        "indicator 9, field 'lop_target': must not be negative (got -2.5)",
    ]
    texts = replace(data, code="9", measure=Measure.QUALITATIVE, disaggregations=("SEX",))
    with pytest.raises(ValidationError, match="a qualitative indicator cannot be disaggregated"):
        s.framework.save_indicator("WASH-01", texts)
    package = rich_package()
    package["indicators"][0]["baseline"] = {"value": -1}
    with pytest.raises(ValidationError, match=r"baseline\.value: must not be negative \(got -1\)"):
        PackageService(db.sessions, Actor(db.actor, db.device_uuid)).import_package(package)

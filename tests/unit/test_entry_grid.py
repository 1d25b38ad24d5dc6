# SPDX-License-Identifier: GPL-3.0-or-later
"""The data-entry grid's content and the completeness overview."""

from __future__ import annotations

import pytest

from pmdesk.domain.errors import NotFoundError
from pmdesk.services.completeness import CompletenessService, ReportState, state_of
from pmdesk.services.entry_grid import EntryGridService
from pmdesk.storage.database import Database
from tests.unit.builders import services, small_programme

P = "WASH-01"


def test_grid_lists_indicators_by_result_with_their_cells(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.targets.set_target(P, "1.1", "2025Q2", 30, site_code="N01")
    s.entry.set_value(P, "1.1", "2025Q2", "N01", {"SEX": "F"}, value=12)
    grid = EntryGridService(db.sessions).grid(P, "N01", "2025Q2")
    assert (grid.site_name, grid.period_label) == ("Kibera school", "2025 Q2")
    assert (grid.previous_period, grid.next_period) == ("2025Q1", "2025Q3")
    assert [r.code for r in grid.results] == ["G", "O1"]
    assert [i.code for i in grid.indicators] == ["3.1", "1.1", "2.1"]  # framework order: G before O1
    pupils = grid.indicators[1]
    assert [c.label for c in pupils.combos] == ["Female", "Male"]
    assert pupils.target == 30.0  # the site's own target wins over the programme's 100
    female = pupils.combos[0]
    assert pupils.values[female.combo_id].value == 12.0
    assert pupils.has_options and not pupils.has_total
    assert grid.indicators[2].target == 70.0  # programme target for 2.1 in Q2
    assert grid.indicators[2].combos == ()


def test_grid_first_and_last_period_have_no_neighbour(db_holds_wash01: None, db: Database) -> None:
    # db holds small_programme (tests/conftest.py)
    grids = EntryGridService(db.sessions)
    assert grids.grid(P, "N01", "2025Q1").previous_period is None
    assert grids.grid(P, "N01", "2025Q4").next_period is None
    with pytest.raises(NotFoundError):
        grids.grid(P, "N01", "2026Q1")
    with pytest.raises(NotFoundError):
        grids.grid(P, "ZZ", "2025Q1")


def test_values_in_cells_no_longer_used_are_shown_as_such(db: Database) -> None:
    from dataclasses import replace

    s = small_programme(db)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=4)
    data = s.framework.get_indicator(P, "1.1").data
    s.framework.save_indicator(P, replace(data, disaggregations=()), original_code="1.1")
    pupils = next(
        i for i in EntryGridService(db.sessions).grid(P, "N01", "2025Q1").indicators if i.code == "1.1"
    )
    assert pupils.combos == ()
    assert [c.label for c in pupils.stray] == ["Female (no longer used)"]


@pytest.mark.parametrize(
    ("statuses", "state"),
    [
        ({}, ReportState.NOT_STARTED),
        ({"approved": 3}, ReportState.APPROVED),
        ({"approved": 3, "submitted": 1}, ReportState.SUBMITTED),
        ({"submitted": 1, "draft": 1}, ReportState.DRAFT),
        ({"draft": 1, "returned": 1, "approved": 5}, ReportState.RETURNED),
    ],
)
def test_report_state_is_the_one_needing_action_first(statuses: dict, state: ReportState) -> None:
    assert state_of(statuses) is state


def test_completeness_shows_sites_by_periods(db_holds_wash01: None, db: Database) -> None:
    s = services(db)  # db holds small_programme (tests/conftest.py)
    s.entry.set_value(P, "1.1", "2025Q1", "N01", {"SEX": "F"}, value=4)
    s.entry.set_value(P, "2.1", "2025Q1", "N01", numerator=1, denominator=2)
    s.entry.set_value(P, "1.1", "2025Q1", "N02", {"SEX": "F"}, value=4)
    s.entry.submit(P, "N01", "2025Q1")
    s.entry.approve(P, "N01", "2025Q1", ["1.1"])
    overview = CompletenessService(db.sessions).overview(P)
    assert [site.code for site in overview.sites] == ["N01", "N02"]  # the district N does not report
    assert overview.cell("N01", "2025Q1").state is ReportState.SUBMITTED
    assert overview.cell("N01", "2025Q1").values == 2
    assert overview.cell("N02", "2025Q1").state is ReportState.DRAFT
    assert overview.cell("N02", "2025Q2").state is ReportState.NOT_STARTED
    assert overview.reporting_rate("2025Q1") == 50.0
    assert [p.code for p in overview.periods] == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]

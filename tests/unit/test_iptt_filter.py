# SPDX-License-Identifier: GPL-3.0-or-later
"""Which IPTT rows a filter shows (domain/iptt_filter.py): by status, tier and result subtree, with
the results above a shown indicator kept, and the filter named in words."""

from __future__ import annotations

from pmdesk.domain.enums import Status
from pmdesk.domain.iptt_filter import IpttFilter, result_subtree, results_shown, tiers_of
from tests.unit.iptt_synthetic import RESULTS, synthetic_iptt


def test_no_filter_shows_every_row() -> None:
    table = synthetic_iptt(10, 2)
    assert not IpttFilter().is_active
    assert IpttFilter().rows(table) == list(table.rows)
    assert IpttFilter().describe(table) == ""


def test_several_statuses_at_once() -> None:
    table = synthetic_iptt(20, 2)
    chosen = IpttFilter(statuses=frozenset({Status.OFF_TRACK, Status.AT_RISK}))
    rows = chosen.rows(table)
    assert rows and {r.figures.to_date.status for r in rows} == {Status.OFF_TRACK, Status.AT_RISK}
    assert len(rows) == sum(r.figures.to_date.status in chosen.statuses for r in table.rows)
    assert chosen.describe(table) == "status: At risk, Off track"  # in the order of the bands


def test_tier_and_result_subtree_combine() -> None:
    table = synthetic_iptt(20, 2)
    assert tiers_of(table) == ["Goal", "Outcome", "Output"]
    assert result_subtree(RESULTS, 2) == {2, 3, 4}
    outputs = IpttFilter(tiers=frozenset({"Output"}))
    assert {r.result_id for r in outputs.rows(table)} == {3, 4, 6}
    under_1 = IpttFilter(tiers=frozenset({"Output"}), result_id=2)
    assert {r.result_id for r in under_1.rows(table)} == {3, 4}
    assert under_1.describe(table) == "tier: Output · result: Outcome 1: Safe water in schools and below"


def test_result_headers_stay_above_every_shown_indicator() -> None:
    table = synthetic_iptt(20, 2)
    only_1_2 = [r for r in table.rows if r.result_id == 4]
    assert [r.code for r in results_shown(table.results, only_1_2)] == ["G", "1", "1.2"]
    assert results_shown(table.results, []) == []

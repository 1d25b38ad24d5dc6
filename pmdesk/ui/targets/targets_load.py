# SPDX-License-Identifier: GPL-3.0-or-later
"""What the Targets screen reads, in one job off the UI thread (issue #11 §2): on a programme of
150 indicators and a million values the seven service calls held the UI thread 0.3-0.6 s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pmdesk.ui.targets.target_lines import TargetLine, lines_of

if TYPE_CHECKING:
    from pmdesk.domain.periods import Period
    from pmdesk.services.targets import TargetInfo
    from pmdesk.ui.context import Services


@dataclass(frozen=True)
class TargetsLoad:
    programme_code: str
    programme_name: str
    site_code: str | None  # the level read: None (programme level) if the site asked for is gone
    sites: tuple[tuple[str, str, int], ...]  # code, name, depth: the level picker
    lines: tuple[TargetLine, ...]
    periods: tuple[Period, ...]
    targets: tuple[TargetInfo, ...]
    changed: frozenset[str]  # uuids of targets with a history
    has_indicators: bool


def load_targets(services: Services, programme_code: str, site_code: str | None) -> TargetsLoad:
    """The job: runs on a pool thread, touches no widget; each service call opens its own session."""
    programme = services.programmes.get(programme_code)
    periods = services.programmes.periods(programme_code)
    sites = services.sites.list_sites(programme_code)
    if site_code is not None and site_code not in {s.code for s in sites}:
        site_code = None  # the site was deleted or moved out: back to programme level
    results = services.framework.list_results(programme_code)
    indicators = services.framework.list_indicators(programme_code)
    targets = services.targets.list_targets(programme_code, site_code)
    changed = services.history.with_history([t.uuid for t in targets])
    return TargetsLoad(
        programme_code,
        programme.name,
        site_code,
        tuple((s.code, s.name, s.depth) for s in sites),
        tuple(lines_of(results, indicators)),
        tuple(periods),
        tuple(targets),
        frozenset(changed),
        bool(indicators),
    )

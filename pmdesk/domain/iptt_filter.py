# SPDX-License-Identifier: GPL-3.0-or-later
"""Which rows of an IPTT are shown: by the status to date, by tier and by result (a result and the
results below it). The screen and the printed IPTT filter the same way, and name the filter alike.

A result's header row stays when any indicator under it (in it or in a result below it) is shown,
so every shown indicator keeps its place in the framework."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from pmdesk.domain.enums import Status
from pmdesk.domain.errors import NotFoundError
from pmdesk.domain.iptt_table import IpttRow, IpttTable, ResultInfo
from pmdesk.domain.status_look import STATUS_ORDER, STATUS_WORDS


@dataclass(frozen=True)
class IpttFilter:
    """Empty sets (and no result) let every row through."""

    statuses: frozenset[Status] = field(default_factory=frozenset)
    tiers: frozenset[str] = field(default_factory=frozenset)
    result_id: int | None = None  # this result and every result below it

    @property
    def is_active(self) -> bool:
        return bool(self.statuses or self.tiers or self.result_id is not None)

    def rows(self, table: IpttTable) -> list[IpttRow]:
        """The rows shown, in the table's order."""
        if not self.is_active:
            return list(table.rows)
        tiers = {r.id: r.tier for r in table.results}
        subtree = result_subtree(table.results, self.result_id) if self.result_id is not None else None
        return [
            row
            for row in table.rows
            if (not self.statuses or row.figures.to_date.status in self.statuses)
            and (not self.tiers or tiers.get(row.result_id, "") in self.tiers)
            and (subtree is None or row.result_id in subtree)
        ]

    def describe(self, table: IpttTable) -> str:
        """The filter in words, e.g. "status: Off track, At risk · tier: Output · result: 1.2 and below";
        '' when nothing is filtered."""
        parts = []
        if self.statuses:
            parts.append("status: " + ", ".join(STATUS_WORDS[s] for s in STATUS_ORDER if s in self.statuses))
        if self.tiers:
            order = [r.tier for r in table.results]
            known = sorted(self.tiers, key=lambda t: (order.index(t) if t in order else len(order), t))
            parts.append("tier: " + ", ".join(known))
        if self.result_id is not None:
            result = next((r for r in table.results if r.id == self.result_id), None)
            parts.append(f"result: {result_label(result)} and below" if result else "result: (removed)")
        return " · ".join(parts)


def result_label(result: ResultInfo) -> str:
    """'Outcome 1.2: title' (tier and code, then the title)."""
    head = f"{result.tier} {result.code}" if result.tier else result.code
    return f"{head}: {' '.join(result.title.split())}"


def result_subtree(results: Iterable[ResultInfo], result_id: int | None) -> set[int]:
    """The ids of a result and of every result below it."""
    children: dict[int | None, list[int]] = {}
    for r in results:
        children.setdefault(r.parent_id, []).append(r.id)
    found: set[int] = set()
    stack = [result_id] if result_id is not None else []
    while stack:
        current = stack.pop()
        if current is None or current in found:
            continue
        found.add(current)
        stack.extend(children.get(current, ()))
    return found


def results_shown(results: Iterable[ResultInfo], rows: Collection[IpttRow]) -> list[ResultInfo]:
    """The results whose header stays: those with a shown indicator in them or below them."""
    results = list(results)
    parents = {r.id: r.parent_id for r in results}
    keep: set[int] = set()
    for row in rows:
        current: int | None = row.result_id
        while current is not None and current not in keep and current in parents:
            keep.add(current)
            current = parents[current]
    return [r for r in results if r.id in keep]


def tiers_of(table: IpttTable) -> list[str]:
    """The tiers of the framework, top first (each once)."""
    seen: dict[str, int] = {}
    for r in table.results:
        if r.tier:
            seen.setdefault(r.tier, r.depth)
    return sorted(seen, key=lambda t: (seen[t], list(seen).index(t)))


def iptt_filter_from_words(
    table: IpttTable, statuses: str | None, tiers: str | None, result_code: str | None
) -> IpttFilter:
    """A filter from the command line's words: 'off_track,at_risk' (or 'off track'), 'Output,Outcome'
    (any case) and a result code. Unknown words are refused, naming what there is."""
    chosen: set[Status] = set()
    for word in _words(statuses):
        key = word.casefold().replace(" ", "_").replace("-", "_")
        status = next(
            (s for s in Status if key in (s.value, STATUS_WORDS[s].casefold().replace(" ", "_"))), None
        )
        if status is None:
            known = ", ".join(s.value for s in STATUS_ORDER)
            raise NotFoundError(f"'{word}' is not a status; the statuses are {known}")
        chosen.add(status)
    known_tiers = tiers_of(table)
    picked: set[str] = set()
    for word in _words(tiers):
        tier = next((t for t in known_tiers if t.casefold() == word.casefold()), None)
        if tier is None:
            raise NotFoundError(
                f"'{word}' is not a tier of {table.programme_code}; its tiers are {', '.join(known_tiers) or 'none'}"
            )
        picked.add(tier)
    result_id = None
    if result_code:
        result = next((r for r in table.results if r.code.casefold() == result_code.strip().casefold()), None)
        if result is None:
            raise NotFoundError(f"'{result_code}' is not a result of {table.programme_code}")
        result_id = result.id
    return IpttFilter(frozenset(chosen), frozenset(picked), result_id)


def _words(text: str | None) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]

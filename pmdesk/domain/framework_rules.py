# SPDX-License-Identifier: GPL-3.0-or-later
"""The rules of a programme's set-up: indicators, their targets, and trees that must not loop.

The set-up services (framework, targets, sites) and the programme-package checker ask these
functions, so a package is refused for exactly what a screen refuses, in the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

from pmdesk.domain.enums import Measure

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

QUALITATIVE_NOT_DISAGGREGATED = "a qualitative indicator cannot be disaggregated"


def disaggregation_problem(measure: Measure | str, disaggregations: Sequence[str]) -> str | None:
    """Why an indicator may not use these disaggregations: a text is not added up, so a
    qualitative indicator has no cells per option."""
    if measure == Measure.QUALITATIVE and disaggregations:
        return QUALITATIVE_NOT_DISAGGREGATED
    return None


def twice_listed(codes: Sequence[str]) -> list[int]:
    """The positions of the codes that repeat an earlier one (a disaggregation listed twice)."""
    seen: set[str] = set()
    out = []
    for position, code in enumerate(codes):
        if code in seen:
            out.append(position)
        seen.add(code)
    return out


def target_problem(number: float) -> str | None:
    """Why a figure cannot be a period target: a target plans a count or a share, never below 0."""
    if number < 0:
        return f"a target must not be negative (got {number:g})"
    return None


def planned_figure_problem(number: float | None) -> str | None:
    """Why a figure cannot be a baseline or a life-of-programme target (None: not set, fine)."""
    if number is not None and number < 0:
        return f"must not be negative (got {number:g})"
    return None


def is_below(parent_of: Callable[[K], K | None], candidate: K | None, ancestor: K) -> bool:
    """Whether `candidate` is `ancestor` or somewhere below it, walking up through `parent_of`:
    moving `ancestor` under `candidate` would close a loop. A loop already stored ends the walk."""
    current = candidate
    seen: set[K] = set()
    while current is not None and current not in seen:
        if current == ancestor:
            return True
        seen.add(current)
        current = parent_of(current)
    return False


def depth_first(
    items: Sequence[T], key: Callable[[T], K], parent: Callable[[T], K | None]
) -> list[tuple[T, int]]:
    """`items` as their tree shows them, each with its depth (0 at the top): a parent before its
    children, children in the order given. An item whose parent is not among them is at the top; a
    loop already stored is cut where it closes (its items are not reached)."""
    keys = {key(item) for item in items}
    children: dict[K | None, list[T]] = {}
    for item in items:
        above = parent(item)
        children.setdefault(above if above in keys else None, []).append(item)
    out: list[tuple[T, int]] = []
    seen: set[K] = set()
    stack = [(item, 0) for item in reversed(children.get(None, []))]
    while stack:
        item, depth = stack.pop()
        if key(item) in seen:
            continue
        seen.add(key(item))
        out.append((item, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(key(item), [])))
    return out


def cycles(parents: Mapping[K, K]) -> list[list[K]]:
    """Every loop in a child → parent map, each once, as the list of its members in walking
    order from the first member met (a file naming results or sites in a circle)."""
    found: list[list[K]] = []
    reported: set[K] = set()
    for start in parents:
        chain, current = [start], parents.get(start)
        while current is not None and current not in chain and current not in reported:
            chain.append(current)
            current = parents.get(current)
        if current is not None and current in chain:
            cycle = chain[chain.index(current) :]
            if not reported.intersection(cycle):
                reported.update(cycle)
                found.append(cycle)
    return found

# SPDX-License-Identifier: GPL-3.0-or-later
"""Variance explanations (issue #10 §3): which statuses need one, and what an explanation's text may be.

An explanation says, in words, why an indicator's to-date figures as of a reporting period are off
track or above target: the donor report prints it beside the figures, and lists as missing every
one that should be there and is not.
"""

from __future__ import annotations

from pmdesk.domain.enums import Status

#: The statuses a donor report must explain. Off track (below the at-risk band) and exceeding (above
#: the on-track band) are both departures from the plan a donor asks about: under-delivery needs a
#: cause and a remedy, over-delivery may mean a target set too low or money spent faster than
#: planned. At risk is a warning, not yet a variance; no data and no target have no figure to explain.
REQUIRING = frozenset({Status.OFF_TRACK, Status.EXCEEDING})

#: The longest explanation, in characters: some 600 words, about a third of a page in the report.
#: Longer stories belong in a lesson or a meeting's notes, which the report prints too.
MAX_LENGTH = 4000


#: A partial status (resting on a period only some sites reported, DESIGN.md §3a) needs an
#: explanation like any other: the report prints it, marked partial, and a reader seeing "off track"
#: deserves the reason even when it is "only 4 of 11 sites have reported yet", which is then the
#: explanation. Left out, a programme could stay unexplained for as long as one site is late.
PARTIAL_REQUIRES = True


def requires_explanation(status: Status, partial: bool = False) -> bool:
    """Does a to-date status (partial or not) need a variance explanation?"""
    return status in REQUIRING and (PARTIAL_REQUIRES or not partial)


def normalise(text: str | None) -> str | None:
    """The text as stored: line ends made '\\n', trailing spaces of each line and blank lines at
    either end removed. Empty (or only spaces) means no explanation: None."""
    if text is None:
        return None
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    cleaned = "\n".join(lines).strip()
    return cleaned or None


def text_problem(text: str | None) -> str | None:
    """Why a (normalised) explanation cannot be saved, in words; None when it can."""
    if text is not None and len(text) > MAX_LENGTH:
        return (
            f"a variance explanation is at most {MAX_LENGTH:,} characters and this one has "
            f"{len(text):,}: shorten it, or write the longer story as a lesson or in a meeting's notes"
        )
    return None

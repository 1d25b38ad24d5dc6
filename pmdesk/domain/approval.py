# SPDX-License-Identifier: GPL-3.0-or-later
"""Four eyes on approval: a programme can require that submitted values are approved by someone
other than the person who submitted them. Every path that approves values calls this rule."""

from __future__ import annotations

from collections.abc import Iterable


def same_person(a: str, b: str) -> bool:
    """Names typed twice by one person differ in case and spacing, never in letters."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def approval_refusal(submitters: Iterable[str], approver: str, *, by_other_required: bool) -> str | None:
    """Why `approver` may not approve values submitted by `submitters`, or None when they may.

    A value whose submitter is not known (submitted before PMDesk recorded submitters, and
    without History saying who) does not block: the rule cannot be checked on it.
    """
    if not by_other_required:
        return None
    own = sum(1 for s in submitters if s.strip() and same_person(s, approver))
    if not own:
        return None
    these = "this value" if own == 1 else f"{own} of these values"
    return (
        f"This programme requires approval by someone other than the submitter, and you "
        f"({' '.join(approver.split())}) submitted {these}. Ask a colleague to approve, or return "
        "them with a reason."
    )

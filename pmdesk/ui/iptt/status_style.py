# SPDX-License-Identifier: GPL-3.0-or-later
"""How a status looks wherever it is shown (IPTT, Targets, Dashboard tiles, variance): its words
and light tint, the text colours on them, the shades of result rows and period groups, and the
status bands explained in words."""

from __future__ import annotations

from dataclasses import dataclass

from pmdesk.domain.enums import Status
from pmdesk.domain.iptt import BAND_NAMES, Thresholds, band_label


@dataclass(frozen=True)
class StatusStyle:
    label: str
    background: str | None  # light tints, so that dark text stays readable on every screen


# Hues after the Okabe–Ito palette (told apart with the common colour-vision deficiencies) and
# always paired with the status text, so colour is never the only cue.
STATUS_STYLES: dict[Status, StatusStyle] = {
    Status.EXCEEDING: StatusStyle("Exceeding", "#b3d7f2"),
    Status.ON_TRACK: StatusStyle("On track", "#bfe6cf"),
    Status.AT_RISK: StatusStyle("At risk", "#fbe09a"),
    Status.OFF_TRACK: StatusStyle("Off track", "#f6b6c4"),
    Status.NO_TARGET: StatusStyle("No target", None),
    Status.NO_DATA: StatusStyle("No data", "#dedede"),
}
TEXT_ON_COLOUR = "#1a1a1a"
MUTED_TEXT = "#5a5a5a"
# Result header rows: darker for the top of the framework.
RESULT_SHADES = ("#cfd9e6", "#dde5ef", "#e9eef5")
PERIOD_GROUP_SHADE = "#f3f5f8"  # every other period, so its three columns read as one group


def band_explanation(thresholds: Thresholds) -> str:
    """The status bands in words, for tooltips and legends."""
    bands = "".join(f"  {band_label(status, thresholds)}\n" for status in BAND_NAMES)
    return (
        "Status compares the actual to date with the target to date (% met):\n"
        f"{bands}"
        "  No target: no target to date, or it is 0\n"
        "  No data: a target, but no actual yet\n"
        "For decreasing indicators % met is target ÷ actual, so the bands read the same way."
    )

# SPDX-License-Identifier: GPL-3.0-or-later
"""How a status is shown wherever it is drawn (screens, charts, PDFs, workbooks): its words, a light
tint for table cells, a strong colour for chart marks and a hatch pattern.

Colours follow the Okabe–Ito palette, which stays distinguishable with the common colour-vision
deficiencies; the words and the hatch are always drawn too, so colour is never the only cue (and a
black-and-white print still tells the statuses apart)."""

from __future__ import annotations

from pmdesk.domain.enums import Status

STATUS_ORDER = (
    Status.EXCEEDING,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.NO_TARGET,
    Status.NO_DATA,
)

STATUS_WORDS: dict[Status, str] = {
    Status.EXCEEDING: "Exceeding",
    Status.ON_TRACK: "On track",
    Status.AT_RISK: "At risk",
    Status.OFF_TRACK: "Off track",
    Status.NO_TARGET: "No target",
    Status.NO_DATA: "No data",
}

# Light tints behind dark text (table cells).
STATUS_TINTS: dict[Status, str] = {
    Status.EXCEEDING: "#b3d7f2",
    Status.ON_TRACK: "#bfe6cf",
    Status.AT_RISK: "#fbe09a",
    Status.OFF_TRACK: "#f6b6c4",
    Status.NO_TARGET: "#f2f2f2",
    Status.NO_DATA: "#dedede",
}

# Okabe–Ito hues for marks on white (bars, dots).
STATUS_STRONG: dict[Status, str] = {
    Status.EXCEEDING: "#0072B2",
    Status.ON_TRACK: "#009E73",
    Status.AT_RISK: "#E69F00",
    Status.OFF_TRACK: "#D55E00",
    Status.NO_TARGET: "#999999",
    Status.NO_DATA: "#BBBBBB",
}

# matplotlib hatch strings: a second cue besides colour.
STATUS_HATCH: dict[Status, str] = {
    Status.EXCEEDING: "//",
    Status.ON_TRACK: "",
    Status.AT_RISK: "..",
    Status.OFF_TRACK: "xx",
    Status.NO_TARGET: "--",
    Status.NO_DATA: "",
}

TEXT_ON_TINT = "#1a1a1a"

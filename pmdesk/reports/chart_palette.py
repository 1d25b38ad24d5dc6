# SPDX-License-Identifier: GPL-3.0-or-later
"""The charts' colours, hatch patterns, status names and font: Okabe–Ito hues (told apart with the
common colour-vision deficiencies) in the families of the IPTT screen's status tints; every status
also has a hatch pattern and is written out in words, so colour is never the only cue. Text is
DejaVu Sans, the font bundled for the PDFs (accents, Greek and Cyrillic)."""

from __future__ import annotations

# Okabe–Ito hues, in the families of the IPTT screen's tints (sky blue, green, yellow-orange, red).
STATUS_COLOURS = {
    "exceeding": "#56B4E9",
    "on_track": "#009E73",
    "at_risk": "#E69F00",
    "off_track": "#D55E00",
    "no_data": "#BBBBBB",
    "no_target": "#E4E4E4",
}
STATUS_HATCHES = {
    "exceeding": "//",
    "on_track": "",
    "at_risk": "..",
    "off_track": "xx",
    "no_data": "--",
    "no_target": "",
}
STATUS_LABELS = {
    "exceeding": "Exceeding",
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "no_data": "No data",
    "no_target": "No target",
}
ACTUAL_COLOUR = "#0072B2"  # Okabe–Ito blue
TARGET_COLOUR = "#000000"
SUBMITTED_COLOUR = "#CC79A7"  # Okabe–Ito reddish purple: no status has it
EDGE_COLOUR = "#1a1a1a"
TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#5a5a5a"
GRID_COLOUR = "#d0d0d0"
PARTIAL_HATCH = "////"
PARTIAL_LABEL = "partly reported"
FONT_FILE = "DejaVuSans.ttf"  # resources/fonts: accents, Greek and Cyrillic, as in the PDFs
FONT_ITALIC_FILE = "DejaVuSans-Oblique.ttf"
FONT_PT = 9.0  # text size at the given dpi: pixels = points × dpi ÷ 72

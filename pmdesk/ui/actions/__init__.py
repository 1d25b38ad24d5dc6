# SPDX-License-Identifier: GPL-3.0-or-later
"""The action tracker, traceability and people scorecards (issue #9 §4–6)."""

# SPDX-License-Identifier: GPL-3.0-or-later
"""The lessons log and the stakeholder feedback log (issue #9 §7)."""

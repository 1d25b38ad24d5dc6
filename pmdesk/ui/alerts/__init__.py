# SPDX-License-Identifier: GPL-3.0-or-later
"""Triggers and alerts (issue #9 §1): the screen, its table models and dialogs, and the app-wide
listener that evaluates the triggers whenever values change."""

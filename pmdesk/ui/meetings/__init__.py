# SPDX-License-Identifier: GPL-3.0-or-later
"""Meetings: the Meetings screen, its dialogs and live minutes."""

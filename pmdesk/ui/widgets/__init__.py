# SPDX-License-Identifier: GPL-3.0-or-later
"""Reusable widgets shared by several screens."""

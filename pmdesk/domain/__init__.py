# SPDX-License-Identifier: GPL-3.0-or-later
"""The vocabulary and rules of PMDesk in plain Python (no Qt, no database)."""

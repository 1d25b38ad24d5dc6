# SPDX-License-Identifier: GPL-3.0-or-later
"""PMDesk: offline-first programme performance management."""

__version__ = "0.1.0"

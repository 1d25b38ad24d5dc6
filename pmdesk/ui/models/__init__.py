# SPDX-License-Identifier: GPL-3.0-or-later
"""Qt table models over the frozen dataclasses that services return."""

# SPDX-License-Identifier: GPL-3.0-or-later
"""File formats: reading and writing files, no transactions."""

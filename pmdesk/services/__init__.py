# SPDX-License-Identifier: GPL-3.0-or-later
"""Business logic: each public method is one transaction and returns frozen dataclasses."""

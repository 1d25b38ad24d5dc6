# SPDX-License-Identifier: GPL-3.0-or-later
"""The schema revision this code expects; a test keeps it equal to Alembic's head."""

HEAD_REVISION = "0008_value_summary"

# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables, the database file, migrations and backups: the only code that knows SQL."""

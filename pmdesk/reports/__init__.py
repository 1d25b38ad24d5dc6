# SPDX-License-Identifier: GPL-3.0-or-later
"""Reports: files and printable text built from service results, the same from a button or a shell."""

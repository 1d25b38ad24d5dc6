# SPDX-License-Identifier: GPL-3.0-or-later
"""The Reports screen: every printable file of a programme, made off the UI thread and opened."""

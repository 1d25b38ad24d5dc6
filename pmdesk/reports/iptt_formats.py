# SPDX-License-Identifier: GPL-3.0-or-later
"""Moved to pmdesk.formats.iptt_text (issue #8 §2); kept for the imports not yet changed."""

from pmdesk.formats.iptt_text import PARTIAL_RULE, iptt_csv, iptt_json, iptt_text, status_label

__all__ = ["PARTIAL_RULE", "iptt_csv", "iptt_json", "iptt_text", "status_label"]

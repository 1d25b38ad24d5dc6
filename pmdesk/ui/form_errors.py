# SPDX-License-Identifier: GPL-3.0-or-later
"""How a form says why it did not save: the error and info label styles every dialog uses, and the
refusal in the user's words (field and message, no service prefix, no exception name)."""

from __future__ import annotations

import html
from collections.abc import Mapping

from pmdesk.domain.errors import PmdeskError, StorageError, ValidationError
from pmdesk.ui.unsaved import storage_failure_text

ERROR_STYLE = (
    "QLabel#formErrors { background: #fdecea; color: #611a15; border: 1px solid #d93025;"
    " border-radius: 3px; padding: 6px; }"
)

INFO_STYLE = (
    "QLabel { background: #e8f0fe; color: #0b3a82; border: 1px solid #8ab4f8;"
    " border-radius: 3px; padding: 6px; }"
)
MESSAGE_ERROR_STYLE = ERROR_STYLE.replace("QLabel#formErrors", "QLabel")
# The closed loop's screens and dialogs (actions, lessons, alerts) show the service's message as it
# is, on this label.
LOOP_ERROR_STYLE = "background: #f6b6c4; color: #1a1a1a; padding: 6px; border-radius: 3px;"


def failure_html(exc: PmdeskError, labels: Mapping[str, str] | None = None) -> str:
    """Why OK did not save, for the dialog's rich-text error label. With `labels` (the form's words
    for the service's field names), each problem on a line of its own, led by its field in bold."""
    if isinstance(exc, StorageError):
        return html.escape(storage_failure_text(exc), quote=False).replace("\n", "<br>")
    if labels is not None and isinstance(exc, ValidationError):
        lines = [
            f"<b>{html.escape(labels.get(p.field, p.field.capitalize()), quote=False)}:</b> "
            + html.escape(p.message, quote=False)
            if p.field
            else html.escape(p.message, quote=False)
            for p in exc.problems
        ]
        return "Nothing was saved.<br>" + "<br>".join(lines)
    return "Nothing was saved. " + html.escape(readable_error(exc), quote=False)


def readable_error(exc: PmdeskError) -> str:
    """A refusal in the user's words: the field and the message, without the service's
    location prefix ('site, field 'code': …')."""
    if isinstance(exc, ValidationError):
        parts = [f"{p.field.capitalize()}: {p.message}" if p.field else p.message for p in exc.problems]
        return "; ".join(parts)
    return str(exc)

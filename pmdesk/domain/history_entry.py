# SPDX-License-Identifier: GPL-3.0-or-later
"""One change as History records it: when, who, on which device, what, the old and new value, why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    device_uuid: str
    entity: str
    entity_uuid: str
    label: str
    field: str
    old: str | None
    new: str | None
    reason: str
    reason_text: str

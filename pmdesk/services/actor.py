# SPDX-License-Identifier: GPL-3.0-or-later
"""Who is making a change, and on which device: stamped on values and History."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    name: str
    device_uuid: str

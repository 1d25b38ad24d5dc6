# SPDX-License-Identifier: GPL-3.0-or-later
"""Who is making a change, and on which device: stamped on values and History."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Actor:
    """Not frozen on purpose: the services of one open database share one Actor, so when the
    person working changes (WorkingPersonService.choose) the next write of every service names
    the new person."""

    name: str
    device_uuid: str

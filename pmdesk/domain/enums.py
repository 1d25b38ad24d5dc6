# SPDX-License-Identifier: GPL-3.0-or-later
"""The closed vocabularies of DESIGN.md §2 and §5."""

from __future__ import annotations

from enum import StrEnum


class Measure(StrEnum):
    NUMBER = "number"
    PERCENT = "percent"
    QUALITATIVE = "qualitative"


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    NONE = "none"


class Cumulation(StrEnum):
    PERIODIC = "periodic"
    CUMULATIVE = "cumulative"
    RUNNING_TOTAL = "running_total"


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"
    CUSTOM = "custom"


class Status(StrEnum):
    """Achievement status of actual-to-date against target-to-date."""

    EXCEEDING = "exceeding"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


class ValueStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class ChangeReason(StrEnum):
    """Why a target or baseline changed (DESIGN.md §5)."""

    ADAPTIVE_MANAGEMENT = "adaptive_management"
    BUDGET_REALIGNMENT = "budget_realignment"
    CHANGE_IN_CONTEXT = "change_in_context"
    DONOR_REQUIREMENT = "donor_requirement"
    IMPLEMENTATION_DELAY = "implementation_delay"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ImportKind(StrEnum):
    """What a bulk import read: a programme package, an Excel logframe, or a file of values."""

    PACKAGE = "package"
    LOGFRAME = "logframe"
    VALUES = "values"

    @property
    def label(self) -> str:
        return {"package": "Programme package", "logframe": "Excel logframe", "values": "Data values"}[
            self.value
        ]


TIER_TEMPLATES: dict[str, tuple[str, ...]] = {
    "logframe": ("Goal", "Outcome", "Output", "Activity"),
    "dfid": ("Impact", "Outcome", "Output", "Input"),
    "usaid": ("Development Objective", "Intermediate Result", "Sub-IR", "Output"),
    "okr": ("Objective", "Key result"),
    "balanced_scorecard": ("Perspective", "Objective"),
}

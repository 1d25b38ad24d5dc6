# SPDX-License-Identifier: GPL-3.0-or-later
"""The variance explanations table (issue #10 §3): why an indicator is off track or exceeding its
target in a reporting period, in words, for the donor report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.storage.models import Base, SyncedMixin, utcnow


class VarianceExplanationRow(SyncedMixin, Base):
    """One explanation per indicator and reporting period, for the programme as a whole (a site's
    figures are explained in the programme's words). Emptied text is no explanation: the row is
    deleted, and History keeps what it said."""

    __tablename__ = "variance_explanation"
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    written_by: Mapped[str] = mapped_column(String(200), default="")  # the working person, last to write it
    written_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("indicator_id", "period"),)

# SPDX-License-Identifier: GPL-3.0-or-later
"""The tables of the closed loop (DESIGN.md §2, §4; issue #9): alerts raised by triggers, meetings
with their agenda, decisions and amendments, action items with their updates, lessons and feedback.

Like every synced record they carry a UUID and a modification time. People are referred to by name
(as typed, or as chosen from People) with the Person's id when there is one: an attendee or owner
need not be in a programme's People, and a name outlives the Person record.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.storage.models import Base, SyncedMixin, utcnow


class AlertRow(SyncedMixin, Base):
    """One streak of a trigger holding, for one indicator (and one site when the trigger looks at
    each site). Raised once per streak: a streak is known by its first period, and a longer streak
    updates `periods` rather than raising again. Never deleted: when values change so that the
    streak no longer holds, `holds` becomes False and the alert stays, with its acknowledgement."""

    __tablename__ = "alert"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    # No foreign key to the trigger or the indicator: the alert is evidence, and outlives them.
    trigger_uuid: Mapped[str] = mapped_column(String(36))
    trigger_code: Mapped[str] = mapped_column(String(40))
    indicator_uuid: Mapped[str] = mapped_column(String(36))
    indicator_code: Mapped[str] = mapped_column(String(40))
    site_uuid: Mapped[str] = mapped_column(String(36), default="")  # "" for the programme total
    site_code: Mapped[str] = mapped_column(String(40), default="")
    first_period: Mapped[str] = mapped_column(String(20))
    periods: Mapped[str] = mapped_column(Text)  # the streak's period codes, comma-separated, in order
    figures: Mapped[str] = mapped_column(Text, default="")  # the metric in each period, as shown
    message: Mapped[str] = mapped_column(Text, default="")  # what held, in words, and the response
    holds: Mapped[bool] = mapped_column(default=True)
    raised_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="open")
    acknowledged_by: Mapped[str] = mapped_column(String(200), default="")
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledgement: Mapped[str] = mapped_column(Text, default="")  # the note
    __table_args__ = (
        UniqueConstraint("trigger_uuid", "indicator_uuid", "site_uuid", "first_period"),
        Index("ix_alert_programme", "programme_id", "status"),
        CheckConstraint("status IN ('open','acknowledged')", name="status"),
    )


class MeetingRow(SyncedMixin, Base):
    __tablename__ = "meeting"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(300), default="")
    facilitator: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")  # general notes, outside any agenda item
    status: Mapped[str] = mapped_column(String(20), default="draft")
    finalised_by: Mapped[str] = mapped_column(String(200), default="")
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        Index("ix_meeting_programme", "programme_id", "held_on"),
        CheckConstraint("kind IN ('review','learning','feedback')", name="kind"),
        CheckConstraint("status IN ('draft','final')", name="status"),
    )


class AttendeeRow(SyncedMixin, Base):
    __tablename__ = "meeting_attendee"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    __table_args__ = (UniqueConstraint("meeting_id", "name"),)


class AgendaItemRow(SyncedMixin, Base):
    """One item of a meeting's agenda: proposed from the evidence (an indicator off track, an
    alert, an action due, a decision to follow up, a period to chase) or added by hand."""

    __tablename__ = "agenda_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    title: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was proposed, in words
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="SET NULL"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="SET NULL"))
    # The action or decision of an earlier meeting this item follows up, by UUID: decisions and
    # actions hang from agenda items, so a foreign key back would make a cycle.
    subject_uuid: Mapped[str] = mapped_column(String(36), default="")
    notes: Mapped[str] = mapped_column(Text, default="")  # the minutes of this item
    __table_args__ = (
        Index("ix_agenda_item_meeting", "meeting_id", "position"),
        CheckConstraint("kind IN ('indicator','alert','action','decision','reporting','other')", name="kind"),
    )


class DecisionRow(SyncedMixin, Base):
    __tablename__ = "decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (Index("ix_decision_meeting", "meeting_id", "position"),)


class AmendmentRow(SyncedMixin, Base):
    """A correction to finalised minutes: the minutes stay as finalised; this says what changed,
    who changed it and when."""

    __tablename__ = "meeting_amendment"
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    amended_by: Mapped[str] = mapped_column(String(200))
    amended_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ActionItemRow(SyncedMixin, Base):
    """Something someone will do by a date; from a decision, an alert or a lesson, or on its own.
    Closing it (done or dropped) needs a note on what was done."""

    __tablename__ = "action_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))  # … within the programme
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    due: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(10), default="medium")
    status: Mapped[str] = mapped_column(String(20), default="open")
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id", ondelete="SET NULL"))
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id", ondelete="SET NULL"))
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closing_note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        Index("ix_action_item_status", "status", "due"),
        CheckConstraint("priority IN ('high','medium','low')", name="priority"),
        CheckConstraint("status IN ('open','in_progress','done','dropped')", name="status"),
        # A closed action says what was done: the database refuses one without.
        CheckConstraint(
            "status IN ('open','in_progress') OR length(trim(closing_note)) > 0", name="closed_with_note"
        ),
    )


class ActionIndicatorRow(Base):
    __tablename__ = "action_indicator"
    action_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True
    )


class ActionUpdateRow(SyncedMixin, Base):
    """A dated note of progress on an action; the status it moved to, if it moved."""

    __tablename__ = "action_update"
    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"))
    on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="")  # "" when the status did not change
    recorded_by: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (Index("ix_action_update_action", "action_id", "on"),)


class LessonRow(SyncedMixin, Base):
    __tablename__ = "lesson"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    what_happened: Mapped[str] = mapped_column(Text, default="")
    why: Mapped[str] = mapped_column(Text, default="")
    lesson: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(Text, default="")  # comma-separated
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200), default="")


class FeedbackRow(SyncedMixin, Base):
    """Feedback from communities, partners or donors; closed once the response is communicated."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"))
    received_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300))
    channel: Mapped[str] = mapped_column(String(100), default="")
    summary: Mapped[str] = mapped_column(Text)
    response: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    closed_on: Mapped[date | None] = mapped_column(Date)
    __table_args__ = (
        CheckConstraint("status IN ('open','responded','closed')", name="status"),
        # Closed means the response was communicated: there is one to communicate.
        CheckConstraint("status != 'closed' OR length(trim(response)) > 0", name="closed_with_response"),
    )


class LinkRow(Base):
    """A lesson or a piece of feedback linked to an indicator or an action (both ways in the UI)."""

    __tablename__ = "loop_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"))
    feedback_id: Mapped[int | None] = mapped_column(ForeignKey("feedback.id", ondelete="CASCADE"))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("action_item.id", ondelete="CASCADE"))
    __table_args__ = (
        CheckConstraint("(lesson_id IS NULL) != (feedback_id IS NULL)", name="one_source"),
        CheckConstraint("(indicator_id IS NULL) != (action_id IS NULL)", name="one_target"),
        UniqueConstraint("lesson_id", "feedback_id", "indicator_id", "action_id"),
    )

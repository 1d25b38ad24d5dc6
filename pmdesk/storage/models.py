# SPDX-License-Identifier: GPL-3.0-or-later
"""ORM models: the only place that knows the tables. Every synced record has a UUID and mtime."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_uuid() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SyncedMixin:
    """A global id and a modification time on every record that will travel in bundles."""

    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    modified_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class DeviceRow(Base):
    """One installation of PMDesk; the row with is_local = 1 is this one."""

    __tablename__ = "device"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    name: Mapped[str] = mapped_column(String(200))
    is_local: Mapped[bool] = mapped_column(default=False)
    # Who works with this database on this device (the local row only): History records this
    # person rather than the login name, which on a shared office computer says nothing.
    person_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ProgrammeRow(SyncedMixin, Base):
    __tablename__ = "programme"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    donor: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    frequency: Mapped[str] = mapped_column(String(20))
    fiscal_year_start_month: Mapped[int] = mapped_column(default=1)
    threshold_exceeding: Mapped[float] = mapped_column(Float, default=115.0)
    threshold_on_track: Mapped[float] = mapped_column(Float, default=85.0)
    threshold_at_risk: Mapped[float] = mapped_column(Float, default=70.0)
    # Four eyes: submitted values are approved by someone other than who submitted them.
    approval_by_other: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        CheckConstraint('start <= "end"', name="dates_in_order"),
        CheckConstraint(
            "frequency IN ('monthly','quarterly','semiannual','annual','custom')", name="frequency"
        ),
    )


class CustomPeriodRow(SyncedMixin, Base):
    __tablename__ = "custom_period"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    __table_args__ = (UniqueConstraint("programme_id", "code"),)


class TierRow(SyncedMixin, Base):
    __tablename__ = "tier"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    __table_args__ = (UniqueConstraint("programme_id", "level"), UniqueConstraint("programme_id", "name"))


class ResultRow(SyncedMixin, Base):
    __tablename__ = "result"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    tier_id: Mapped[int] = mapped_column(ForeignKey("tier.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("result.id"))
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    __table_args__ = (UniqueConstraint("programme_id", "code"),)


class DisaggregationRow(SyncedMixin, Base):
    __tablename__ = "disaggregation"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    options: Mapped[list[OptionRow]] = relationship(
        back_populates="disaggregation", order_by="OptionRow.sort_order", cascade="all, delete-orphan"
    )
    __table_args__ = (UniqueConstraint("programme_id", "code"),)


class OptionRow(SyncedMixin, Base):
    __tablename__ = "disaggregation_option"
    id: Mapped[int] = mapped_column(primary_key=True)
    disaggregation_id: Mapped[int] = mapped_column(ForeignKey("disaggregation.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    disaggregation: Mapped[DisaggregationRow] = relationship(back_populates="options")
    __table_args__ = (UniqueConstraint("disaggregation_id", "code"),)


class OptionComboRow(Base):
    """One cell of an indicator's disaggregation (DHIS2's category option combo).

    `key` is the sorted option ids joined by ',' ('' for the undisaggregated total), so the
    same combination of options is one row whatever order it was named in.
    """

    __tablename__ = "option_combo"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)


class SiteRow(SyncedMixin, Base):
    __tablename__ = "site"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    __table_args__ = (UniqueConstraint("programme_id", "code"),)


class PersonRow(SyncedMixin, Base):
    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    organisation: Mapped[str] = mapped_column(String(300), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(300), default="")
    __table_args__ = (UniqueConstraint("programme_id", "code"),)


class IndicatorRow(SyncedMixin, Base):
    __tablename__ = "indicator"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    result_id: Mapped[int] = mapped_column(ForeignKey("result.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text, default="")
    measure: Mapped[str] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(100), default="")
    direction: Mapped[str] = mapped_column(String(20), default="increase")
    cumulation: Mapped[str] = mapped_column(String(20), default="periodic")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None] = mapped_column(Date)
    baseline_note: Mapped[str] = mapped_column(Text, default="")
    lop_target: Mapped[float | None] = mapped_column(Float)
    # A count (a number's value, a percent's numerator and denominator) may have a fraction.
    allows_decimals: Mapped[bool] = mapped_column(default=False)
    data_source: Mapped[str] = mapped_column(Text, default="")
    collection_method: Mapped[str] = mapped_column(Text, default="")
    frequency: Mapped[str] = mapped_column(String(100), default="")
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    means_of_verification: Mapped[str] = mapped_column(Text, default="")
    rationale: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        CheckConstraint("measure IN ('number','percent','qualitative')", name="measure"),
        CheckConstraint("direction IN ('increase','decrease','none')", name="direction"),
        CheckConstraint("cumulation IN ('periodic','cumulative','running_total')", name="cumulation"),
    )


class IndicatorDisaggregationRow(Base):
    __tablename__ = "indicator_disaggregation"
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True
    )
    disaggregation_id: Mapped[int] = mapped_column(ForeignKey("disaggregation.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)


class TargetRow(SyncedMixin, Base):
    __tablename__ = "target"
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"))
    value: Mapped[float] = mapped_column(Float)
    __table_args__ = (
        # SQLite treats NULLs as distinct in a UNIQUE constraint, so the programme-level target
        # (site_id NULL) gets its own partial index.
        Index(
            "uq_target_programme_level",
            "indicator_id",
            "period",
            unique=True,
            sqlite_where=text("site_id IS NULL"),
        ),
        Index(
            "uq_target_site_level",
            "indicator_id",
            "period",
            "site_id",
            unique=True,
            sqlite_where=text("site_id IS NOT NULL"),
        ),
    )


class DataValueRow(SyncedMixin, Base):
    __tablename__ = "data_value"
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    combo_id: Mapped[int] = mapped_column(ForeignKey("option_combo.id"))
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[str] = mapped_column(String(200), default="")
    submitted_by: Mapped[str] = mapped_column(String(200), default="")  # who last submitted it
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    device_uuid: Mapped[str] = mapped_column(String(36), default="")
    __table_args__ = (
        # One row per cell.
        UniqueConstraint("indicator_id", "period", "site_id", "combo_id"),
        Index("ix_data_value_site_period", "site_id", "period"),
        # Everything the IPTT sums, in GROUP BY order: SQLite answers Σ per indicator and period
        # (whole programme, a site subtree, approved only) from this index alone. Through the
        # unique index instead it reads every row from the table, in the order the values were
        # entered (period by period), which took 0.8 s rather than 0.15 s for a million values.
        Index(
            "ix_data_value_iptt",
            "indicator_id",
            "period",
            "site_id",
            "status",
            "value",
            "numerator",
            "denominator",
        ),
        CheckConstraint("status IN ('draft','submitted','approved','returned')", name="status"),
    )


class TriggerRow(SyncedMixin, Base):
    """An adaptive-management rule (DESIGN.md §4); evaluated by the triggers service."""

    __tablename__ = "trigger_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    result_id: Mapped[int | None] = mapped_column(ForeignKey("result.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(20))
    comparison: Mapped[str] = mapped_column(String(4))
    threshold: Mapped[str] = mapped_column(String(40))
    consecutive_periods: Mapped[int] = mapped_column(default=1)
    scope: Mapped[str] = mapped_column(String(20), default="programme")
    response: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("programme_id", "code"),)


class HistoryRow(Base):
    """Append-only log of changes; SQLite triggers refuse UPDATE and DELETE on it."""

    __tablename__ = "history"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    device_uuid: Mapped[str] = mapped_column(String(36))
    programme_id: Mapped[int | None] = mapped_column(Integer)  # no FK: history outlives its subject
    entity: Mapped[str] = mapped_column(String(40))
    entity_uuid: Mapped[str] = mapped_column(String(36))
    label: Mapped[str] = mapped_column(Text, default="")  # what the entity was, in words
    field: Mapped[str] = mapped_column(String(60))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(40), default="")
    reason_text: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_history_entity", "entity_uuid", "at"),)


class ImportLogRow(Base):
    """One file a bulk import wrote into one programme; append-only like History (SQLite triggers).

    Written in the import's own transaction, so a refused or cancelled import leaves none. `at` is
    the `entered_at` the import stamped on every value it wrote (and the `at` of the History rows
    of the values it replaced): that equality is what ties a value back to its file, at no cost
    per value.
    """

    __tablename__ = "import_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    device_uuid: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    # No foreign key: the log outlives its programme. The code as it was then (codes can change);
    # the uuid finds the programme's imports whatever it is called now.
    programme_uuid: Mapped[str] = mapped_column(String(36))
    programme_code: Mapped[str] = mapped_column(String(40))
    created: Mapped[int] = mapped_column(Integer, default=0)
    replaced: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[str] = mapped_column(Text, default="")  # what else it created, in words
    __table_args__ = (
        Index("ix_import_log_programme", "programme_uuid", "at"),
        Index("ix_import_log_at", "at"),
        CheckConstraint("kind IN ('package','logframe','values')", name="kind"),
    )


# The closed loop's tables (alerts, meetings, actions, lessons, feedback), the value summary and
# the variance explanations live in modules of their own, imported here so that Base.metadata,
# and with it Alembic and the schema test, always has them.
from pmdesk.storage import loop_models, summary_models, variance_models  # noqa: E402, F401

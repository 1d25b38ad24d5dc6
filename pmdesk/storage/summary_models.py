# SPDX-License-Identifier: GPL-3.0-or-later
"""The value summary's tables (issue #11): sums of the values per site-tree node and per site,
kept by pmdesk.services.value_summary, so the IPTT and Completeness read thousands of rows, not a
million. Derived data only: no foreign keys, and rebuilt from data_value whenever in doubt."""

from __future__ import annotations

from sqlalchemy import Float, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from pmdesk.storage.models import Base

# The node of a programme's whole site tree in value_rollup.node_id (site ids start at 1).
PROGRAMME_NODE = 0


class ValueRollupRow(Base):
    """Σ of one indicator's values in one period over a node's subtree (the node included): for the
    programme (node 0) and for every site with sites below it, once for all values and once for
    approved ones. n_sites counts the sites with no site below them that hold a value (DESIGN.md
    §3a); n_values every value. A sum is NULL when no value of the subtree has that figure."""

    __tablename__ = "value_rollup"
    programme_id: Mapped[int] = mapped_column(Integer)
    node_id: Mapped[int] = mapped_column(Integer)
    approved_only: Mapped[int] = mapped_column(Integer)
    indicator_id: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    n_sites: Mapped[int] = mapped_column(Integer)
    n_values: Mapped[int] = mapped_column(Integer)
    sum_value: Mapped[float | None] = mapped_column(Float)
    sum_numerator: Mapped[float | None] = mapped_column(Float)
    sum_denominator: Mapped[float | None] = mapped_column(Float)
    __table_args__ = (
        PrimaryKeyConstraint("programme_id", "node_id", "approved_only", "indicator_id", "period"),
        {"sqlite_with_rowid": False},
    )


class ValueSiteStatusRow(Base):
    """How many of a programme's values one site holds for a period, per status (Completeness)."""

    __tablename__ = "value_site_status"
    programme_id: Mapped[int] = mapped_column(Integer)
    site_id: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    n_values: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        PrimaryKeyConstraint("programme_id", "site_id", "period", "status"),
        {"sqlite_with_rowid": False},
    )


class ValueSummaryDirtyRow(Base):
    """A cell key (indicator, period, site) whose values changed since the summary was refreshed,
    written in the writer's own transaction; with no indicator, the whole programme is rebuilt."""

    __tablename__ = "value_summary_dirty"
    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(Integer)
    indicator_id: Mapped[int | None] = mapped_column(Integer)
    period: Mapped[str | None] = mapped_column(String(20))
    site_id: Mapped[int | None] = mapped_column(Integer)

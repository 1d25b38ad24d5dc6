# SPDX-License-Identifier: GPL-3.0-or-later
"""The value summary (issue #11): value_rollup, value_site_status and value_summary_dirty. Nothing
existing changes. Every programme is marked for a rebuild, so the first read after the upgrade
builds the sums from the values (pmdesk.services.value_summary.refresh) with the code that keeps
them, rather than a second copy of it frozen here.

Revision ID: 0008_value_summary
Revises: 0007_variance_explanations
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_value_summary"
down_revision = "0007_variance_explanations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "value_rollup",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("approved_only", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("n_sites", sa.Integer(), nullable=False),
        sa.Column("n_values", sa.Integer(), nullable=False),
        sa.Column("sum_value", sa.Float(), nullable=True),
        sa.Column("sum_numerator", sa.Float(), nullable=True),
        sa.Column("sum_denominator", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint(
            "programme_id", "node_id", "approved_only", "indicator_id", "period", name=op.f("pk_value_rollup")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "value_site_status",
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("n_values", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "programme_id", "site_id", "period", "status", name=op.f("pk_value_site_status")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "value_summary_dirty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=20), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_summary_dirty")),
    )
    op.execute("INSERT INTO value_summary_dirty (programme_id) SELECT id FROM programme")


def downgrade() -> None:
    op.drop_table("value_summary_dirty")
    op.drop_table("value_site_status")
    op.drop_table("value_rollup")

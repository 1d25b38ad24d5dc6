# SPDX-License-Identifier: GPL-3.0-or-later
"""Variance explanations (issue #10 §3): one text per indicator and reporting period saying why it
is off track or exceeding its target, with who wrote it and when. A new table only: nothing
existing changes.

Revision ID: 0007_variance_explanations
Revises: 0006_closed_loop
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_variance_explanations"
down_revision = "0006_closed_loop"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "variance_explanation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(length=200), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_variance_explanation_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_variance_explanation")),
        sa.UniqueConstraint(
            "indicator_id", "period", name=op.f("uq_variance_explanation_indicator_id_period")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_variance_explanation_uuid")),
    )


def downgrade() -> None:
    op.drop_table("variance_explanation")

# SPDX-License-Identifier: GPL-3.0-or-later
"""A covering index on data_value, so that the IPTT sums from the index alone (DESIGN.md §9).

Revision ID: 0002_iptt_index
Revises: 0001_initial
"""

from alembic import op

revision = "0002_iptt_index"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

COLUMNS = ["indicator_id", "period", "site_id", "status", "value", "numerator", "denominator"]


def upgrade() -> None:
    # An index alone: batch mode creates it in place, without copying the table.
    with op.batch_alter_table("data_value", schema=None) as batch_op:
        batch_op.create_index("ix_data_value_iptt", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("data_value", schema=None) as batch_op:
        batch_op.drop_index("ix_data_value_iptt")

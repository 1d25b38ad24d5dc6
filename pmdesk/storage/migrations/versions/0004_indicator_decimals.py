# SPDX-License-Identifier: GPL-3.0-or-later
"""indicator.allows_decimals: counts refuse fractions unless the indicator allows them (issue #7 §2).

An existing indicator that already holds a fraction gets True, so no stored figure becomes invalid:
for a number, any value, target, baseline or LoP target; for a percent, any numerator or
denominator (its targets and baseline are percentages, not counts). Every other indicator gets
False.

Revision ID: 0004_indicator_decimals
Revises: 0003_import_log
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_indicator_decimals"
down_revision = "0003_import_log"
branch_labels = None
depends_on = None


def _fraction(column: str) -> str:
    return f"({column} IS NOT NULL AND {column} != CAST({column} AS INTEGER))"


HOLDS_A_FRACTION = f"""
UPDATE indicator SET allows_decimals = 1
WHERE (
    measure = 'number' AND (
        {_fraction("baseline_value")} OR {_fraction("lop_target")}
        OR EXISTS (SELECT 1 FROM target t WHERE t.indicator_id = indicator.id AND {_fraction("t.value")})
        OR EXISTS (SELECT 1 FROM data_value v WHERE v.indicator_id = indicator.id AND {_fraction("v.value")})
    )
) OR (
    measure = 'percent' AND EXISTS (
        SELECT 1 FROM data_value v WHERE v.indicator_id = indicator.id
        AND ({_fraction("v.numerator")} OR {_fraction("v.denominator")})
    )
)
"""


def upgrade() -> None:
    # ADD COLUMN in place: batch mode does not copy the table for it.
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("allows_decimals", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(HOLDS_A_FRACTION)


def downgrade() -> None:
    # In place (SQLite 3.35+): a batch copy of the indicator table would drop it, and with foreign
    # keys on, its values and targets with it.
    op.execute("ALTER TABLE indicator DROP COLUMN allows_decimals")

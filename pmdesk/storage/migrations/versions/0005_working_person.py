# SPDX-License-Identifier: GPL-3.0-or-later
"""Who is working (issue #7 §2): the person chosen on this device, who submitted each value, and a
programme setting that approval is by someone other than the submitter.

- device.person_name: the person working with this database on this device; History records it
  instead of the login name. Empty until someone is chosen.
- data_value.submitted_by: who last submitted the value. Filled for values already submitted or
  approved from their History (the actor of their latest change of status to "submitted"), so the
  approval rule holds for them too; empty where History does not say.
- programme.approval_by_other: off for existing programmes, as before.

Revision ID: 0005_working_person
Revises: 0004_indicator_decimals
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_working_person"
down_revision = "0004_indicator_decimals"
branch_labels = None
depends_on = None

SUBMITTERS_FROM_HISTORY = """
UPDATE data_value SET submitted_by = COALESCE((
    SELECT h.actor FROM history h
    WHERE h.entity_uuid = data_value.uuid AND h.entity = 'data_value'
      AND h.field = 'status' AND h.new = 'submitted'
    ORDER BY h.at DESC, h.id DESC LIMIT 1
), '')
WHERE status IN ('submitted', 'approved')
"""


def upgrade() -> None:
    # ADD COLUMN in place: batch mode does not copy the tables for it.
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_name", sa.String(200), nullable=False, server_default=""))
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("approval_by_other", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("data_value", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_by", sa.String(200), nullable=False, server_default=""))
    op.execute(SUBMITTERS_FROM_HISTORY)


def downgrade() -> None:
    # In place (SQLite 3.35+): a batch copy of programme or data_value would drop them, and with
    # foreign keys on, everything that hangs from them.
    op.execute("ALTER TABLE data_value DROP COLUMN submitted_by")
    op.execute("ALTER TABLE programme DROP COLUMN approval_by_other")
    op.execute("ALTER TABLE device DROP COLUMN person_name")

# SPDX-License-Identifier: GPL-3.0-or-later
"""The import log: one append-only row per file a bulk import wrote into a programme.

Revision ID: 0003_import_log
Revises: 0002_iptt_index
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_import_log"
down_revision = "0002_iptt_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("device_uuid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("programme_uuid", sa.String(length=36), nullable=False),
        sa.Column("programme_code", sa.String(length=40), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("replaced", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.CheckConstraint("kind IN ('package','logframe','values')", name=op.f("ck_import_log_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_log")),
        sa.UniqueConstraint("uuid", name=op.f("uq_import_log_uuid")),
    )
    with op.batch_alter_table("import_log", schema=None) as batch_op:
        batch_op.create_index("ix_import_log_at", ["at"], unique=False)
        batch_op.create_index("ix_import_log_programme", ["programme_uuid", "at"], unique=False)
    # Evidence, like History: the database itself refuses to rewrite or delete it.
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER import_log_no_{verb.lower()} BEFORE {verb} ON import_log "
            "BEGIN SELECT RAISE(ABORT, 'the import log is append-only'); END"
        )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS import_log_no_update")
    op.execute("DROP TRIGGER IF EXISTS import_log_no_delete")
    with op.batch_alter_table("import_log", schema=None) as batch_op:
        batch_op.drop_index("ix_import_log_programme")
        batch_op.drop_index("ix_import_log_at")

    op.drop_table("import_log")

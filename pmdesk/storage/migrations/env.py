# SPDX-License-Identifier: GPL-3.0-or-later
"""Alembic environment: always run on a connection handed over by pmdesk.storage.migrate."""

from alembic import context

from pmdesk.storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through pmdesk.storage.migrate, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

# SPDX-License-Identifier: GPL-3.0-or-later
"""Initial schema: programmes, framework, indicators, targets, data values, append-only history.

Revision ID: 0001_initial
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_local", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device")),
        sa.UniqueConstraint("uuid", name=op.f("uq_device_uuid")),
    )
    op.create_table(
        "history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("device_uuid", sa.String(length=36), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=True),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_uuid", sa.String(length=36), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("reason_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history")),
    )
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.create_index("ix_history_entity", ["entity_uuid", "at"], unique=False)

    op.create_table(
        "option_combo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_option_combo")),
        sa.UniqueConstraint("key", name=op.f("uq_option_combo_key")),
    )
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("donor", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.Column("fiscal_year_start_month", sa.Integer(), nullable=False),
        sa.Column("threshold_exceeding", sa.Float(), nullable=False),
        sa.Column("threshold_on_track", sa.Float(), nullable=False),
        sa.Column("threshold_at_risk", sa.Float(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "frequency IN ('monthly','quarterly','semiannual','annual','custom')",
            name=op.f("ck_programme_frequency"),
        ),
        sa.CheckConstraint('start <= "end"', name=op.f("ck_programme_dates_in_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
        sa.UniqueConstraint("code", name=op.f("uq_programme_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_programme_uuid")),
    )
    op.create_table(
        "custom_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_custom_period_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_custom_period")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_custom_period_programme_id_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_custom_period_uuid")),
    )
    op.create_table(
        "disaggregation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_disaggregation_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disaggregation")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_disaggregation_programme_id_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_disaggregation_uuid")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_person_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_person_programme_id_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_person_uuid")),
    )
    op.create_table(
        "site",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["site.id"], name=op.f("fk_site_parent_id_site")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_site_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_site_programme_id_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_site_uuid")),
    )
    op.create_table(
        "tier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_tier_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier")),
        sa.UniqueConstraint("programme_id", "level", name=op.f("uq_tier_programme_id_level")),
        sa.UniqueConstraint("programme_id", "name", name=op.f("uq_tier_programme_id_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_tier_uuid")),
    )
    op.create_table(
        "disaggregation_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("disaggregation_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["disaggregation_id"],
            ["disaggregation.id"],
            name=op.f("fk_disaggregation_option_disaggregation_id_disaggregation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disaggregation_option")),
        sa.UniqueConstraint(
            "disaggregation_id", "code", name=op.f("uq_disaggregation_option_disaggregation_id_code")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_disaggregation_option_uuid")),
    )
    op.create_table(
        "result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("tier_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["result.id"], name=op.f("fk_result_parent_id_result")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_result_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["tier_id"], ["tier.id"], name=op.f("fk_result_tier_id_tier")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_result_programme_id_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_result_uuid")),
    )
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("measure", sa.String(length=20), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("cumulation", sa.String(length=20), nullable=False),
        sa.Column("baseline_value", sa.Float(), nullable=True),
        sa.Column("baseline_date", sa.Date(), nullable=True),
        sa.Column("baseline_note", sa.Text(), nullable=False),
        sa.Column("lop_target", sa.Float(), nullable=True),
        sa.Column("data_source", sa.Text(), nullable=False),
        sa.Column("collection_method", sa.Text(), nullable=False),
        sa.Column("frequency", sa.String(length=100), nullable=False),
        sa.Column("responsible_id", sa.Integer(), nullable=True),
        sa.Column("means_of_verification", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "cumulation IN ('periodic','cumulative','running_total')", name=op.f("ck_indicator_cumulation")
        ),
        sa.CheckConstraint(
            "direction IN ('increase','decrease','none')", name=op.f("ck_indicator_direction")
        ),
        sa.CheckConstraint(
            "measure IN ('number','percent','qualitative')", name=op.f("ck_indicator_measure")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_indicator_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["responsible_id"],
            ["person.id"],
            name=op.f("fk_indicator_responsible_id_person"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["result_id"], ["result.id"], name=op.f("fk_indicator_result_id_result")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_indicator_programme_id_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_indicator_uuid")),
    )
    op.create_table(
        "data_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("combo_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("warnings", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=False),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("device_uuid", sa.String(length=36), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft','submitted','approved','returned')", name=op.f("ck_data_value_status")
        ),
        sa.ForeignKeyConstraint(
            ["combo_id"], ["option_combo.id"], name=op.f("fk_data_value_combo_id_option_combo")
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_data_value_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_data_value_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_value")),
        sa.UniqueConstraint(
            "indicator_id",
            "period",
            "site_id",
            "combo_id",
            name=op.f("uq_data_value_indicator_id_period_site_id_combo_id"),
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_data_value_uuid")),
    )
    with op.batch_alter_table("data_value", schema=None) as batch_op:
        batch_op.create_index("ix_data_value_site_period", ["site_id", "period"], unique=False)

    op.create_table(
        "indicator_disaggregation",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("disaggregation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["disaggregation_id"],
            ["disaggregation.id"],
            name=op.f("fk_indicator_disaggregation_disaggregation_id_disaggregation"),
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_indicator_disaggregation_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "indicator_id", "disaggregation_id", name=op.f("pk_indicator_disaggregation")
        ),
    )
    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_target_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_target_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
        sa.UniqueConstraint("uuid", name=op.f("uq_target_uuid")),
    )
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.create_index(
            "uq_target_programme_level",
            ["indicator_id", "period"],
            unique=True,
            sqlite_where=sa.text("site_id IS NULL"),
        )
        batch_op.create_index(
            "uq_target_site_level",
            ["indicator_id", "period", "site_id"],
            unique=True,
            sqlite_where=sa.text("site_id IS NOT NULL"),
        )

    op.create_table(
        "trigger_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("comparison", sa.String(length=4), nullable=False),
        sa.Column("threshold", sa.String(length=40), nullable=False),
        sa.Column("consecutive_periods", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("modified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_trigger_rule_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_trigger_rule_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["result_id"], ["result.id"], name=op.f("fk_trigger_rule_result_id_result"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trigger_rule")),
        sa.UniqueConstraint("programme_id", "code", name=op.f("uq_trigger_rule_programme_id_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_trigger_rule_uuid")),
    )
    # History is evidence: the database itself refuses to rewrite or delete it.
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER history_no_{verb.lower()} BEFORE {verb} ON history "
            "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
        )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS history_no_update")
    op.execute("DROP TRIGGER IF EXISTS history_no_delete")
    op.drop_table("trigger_rule")
    with op.batch_alter_table("target", schema=None) as batch_op:
        batch_op.drop_index("uq_target_site_level", sqlite_where=sa.text("site_id IS NOT NULL"))
        batch_op.drop_index("uq_target_programme_level", sqlite_where=sa.text("site_id IS NULL"))

    op.drop_table("target")
    op.drop_table("indicator_disaggregation")
    with op.batch_alter_table("data_value", schema=None) as batch_op:
        batch_op.drop_index("ix_data_value_site_period")

    op.drop_table("data_value")
    op.drop_table("indicator")
    op.drop_table("result")
    op.drop_table("disaggregation_option")
    op.drop_table("tier")
    op.drop_table("site")
    op.drop_table("person")
    op.drop_table("disaggregation")
    op.drop_table("custom_period")
    op.drop_table("programme")
    op.drop_table("option_combo")
    with op.batch_alter_table("history", schema=None) as batch_op:
        batch_op.drop_index("ix_history_entity")

    op.drop_table("history")
    op.drop_table("device")

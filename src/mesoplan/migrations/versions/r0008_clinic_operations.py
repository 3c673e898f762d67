"""Running the clinic: the history of a course's schedule changes; stock discarded (waste);
a product's price per mL and GTIN; calendar feeds; email reminders.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(column: str, table: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "schedule_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("session_number", sa.Integer(), nullable=True),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("to_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous_schedule_json", sa.Text(), nullable=False),
        sa.Column("schedule_json", sa.Text(), nullable=False),
        _fk("clinic_id", "schedule_change", "clinic"),
        _fk("course_id", "schedule_change", "course"),
        _fk("changed_by_id", "schedule_change", "practitioner"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_change")),
        sa.UniqueConstraint(
            "course_id", "revision", name=op.f("uq_schedule_change_course_id_revision")
        ),
    )
    op.create_index(op.f("ix_schedule_change_course_id"), "schedule_change", ["course_id"])
    op.create_table(
        "stock_waste",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("vial_id", sa.Integer(), nullable=True),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("volume_ul", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("discarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("discarded_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("units >= 0", name=op.f("ck_stock_waste_units_not_negative")),
        sa.CheckConstraint("volume_ul >= 0", name=op.f("ck_stock_waste_volume_not_negative")),
        _fk("clinic_id", "stock_waste", "clinic"),
        _fk("lot_id", "stock_waste", "lot"),
        _fk("vial_id", "stock_waste", "vial"),
        _fk("discarded_by_id", "stock_waste", "practitioner"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_waste")),
        sa.UniqueConstraint("vial_id", name=op.f("uq_stock_waste_vial_id")),
    )
    op.create_index(op.f("ix_stock_waste_clinic_id"), "stock_waste", ["clinic_id"])
    op.create_index(op.f("ix_stock_waste_lot_id"), "stock_waste", ["lot_id"])
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.String(length=16), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        _fk("clinic_id", "calendar_feed", "clinic"),
        _fk("practitioner_id", "calendar_feed", "practitioner"),
        _fk("created_by_id", "calendar_feed", "practitioner"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_calendar_feed_token_sha256")),
    )
    op.create_index(op.f("ix_calendar_feed_clinic_id"), "calendar_feed", ["clinic_id"])
    op.create_table(
        "reminder_opt_in",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("opted_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        _fk("clinic_id", "reminder_opt_in", "clinic"),
        _fk("patient_id", "reminder_opt_in", "patient"),
        _fk("recorded_by_id", "reminder_opt_in", "practitioner"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_opt_in")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_reminder_opt_in_patient_id")),
    )
    op.create_index(op.f("ix_reminder_opt_in_clinic_id"), "reminder_opt_in", ["clinic_id"])
    op.create_table(
        "reminder_sent",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("session_number", sa.Integer(), nullable=False),
        sa.Column("session_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        _fk("clinic_id", "reminder_sent", "clinic"),
        _fk("course_id", "reminder_sent", "course"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_sent")),
        sa.UniqueConstraint(
            "course_id",
            "session_number",
            "session_start",
            name=op.f("uq_reminder_sent_course_id_session_number_session_start"),
        ),
    )
    op.create_index(op.f("ix_reminder_sent_clinic_id"), "reminder_sent", ["clinic_id"])
    with op.batch_alter_table("product") as batch:
        batch.add_column(sa.Column("price_per_ml", sa.Float(), nullable=True))
        batch.add_column(sa.Column("gtin", sa.String(length=14), nullable=True))
        batch.create_unique_constraint(op.f("uq_product_clinic_id_gtin"), ["clinic_id", "gtin"])
        batch.create_check_constraint(op.f("ck_product_price_not_negative"), "price_per_ml >= 0")


def downgrade() -> None:
    with op.batch_alter_table("product") as batch:
        batch.drop_constraint(op.f("ck_product_price_not_negative"), type_="check")
        batch.drop_constraint(op.f("uq_product_clinic_id_gtin"), type_="unique")
        batch.drop_column("gtin")
        batch.drop_column("price_per_ml")
    op.drop_table("reminder_sent")
    op.drop_table("reminder_opt_in")
    op.drop_table("calendar_feed")
    op.drop_table("stock_waste")
    op.drop_table("schedule_change")

"""Initial schema: clinics, people, stock, courses, charted sessions, reactions.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "clinic",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic")),
        sa.UniqueConstraint("name", name=op.f("uq_clinic_name")),
    )
    op.create_table(
        "planned_map",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("content_hash", sa.String(length=80), nullable=False),
        sa.Column("point_count", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_map")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_planned_map_content_hash")),
    )
    op.create_table(
        "protocol_snapshot",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("protocol_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("content_hash", sa.String(length=80), nullable=False),
        sa.Column("canonical_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protocol_snapshot")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_protocol_snapshot_content_hash")),
    )
    op.create_table(
        "practitioner",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("handle", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("licence", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_practitioner_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practitioner")),
        sa.UniqueConstraint("handle", name=op.f("uq_practitioner_handle")),
    )
    op.create_index(op.f("ix_practitioner_clinic_id"), "practitioner", ["clinic_id"])

    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("active_ingredient", sa.String(length=200), nullable=True),
        sa.Column("agent_class", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_product_clinic_id_clinic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
        sa.UniqueConstraint("clinic_id", "name", name=op.f("uq_product_clinic_id_name")),
    )
    op.create_table(
        "lot",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("lot_number", sa.String(length=64), nullable=False),
        sa.Column("expiry_date", sa.Date(), nullable=False),
        sa.Column("quantity_received", sa.Integer(), nullable=False),
        sa.Column("unit_volume_ul", sa.Integer(), nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=False),
        sa.Column("recalled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recalled_by_id", sa.Integer(), nullable=True),
        sa.Column("recall_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("quantity_received > 0", name=op.f("ck_lot_quantity_positive")),
        sa.CheckConstraint("unit_volume_ul > 0", name=op.f("ck_lot_unit_volume_positive")),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_lot_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["recalled_by_id"], ["practitioner.id"], name=op.f("fk_lot_recalled_by_id_practitioner")
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"], ["practitioner.id"], name=op.f("fk_lot_received_by_id_practitioner")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot")),
        sa.UniqueConstraint("product_id", "lot_number", name=op.f("uq_lot_product_id_lot_number")),
    )
    op.create_index(op.f("ix_lot_lot_number"), "lot", ["lot_number"])

    op.create_table(
        "patient",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("given_name", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=16), nullable=False),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delete_reason", sa.Text(), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_patient_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["practitioner.id"],
            name=op.f("fk_patient_created_by_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["practitioner.id"],
            name=op.f("fk_patient_deleted_by_id_practitioner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
    )
    op.create_index(op.f("ix_patient_clinic_id"), "patient", ["clinic_id"])
    op.create_index(
        op.f("ix_patient_family_name_given_name"), "patient", ["family_name", "given_name"]
    )

    op.create_table(
        "course",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("zones", sa.JSON(), nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=False),
        sa.Column("plan_hash", sa.String(length=80), nullable=False),
        sa.Column("planned_map_id", sa.Integer(), nullable=False),
        sa.Column("schedule_json", sa.Text(), nullable=False),
        sa.Column("screening", sa.JSON(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delete_reason", sa.Text(), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["practitioner.id"],
            name=op.f("fk_course_deleted_by_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_course_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["planned_map_id"],
            ["planned_map.id"],
            name=op.f("fk_course_planned_map_id_planned_map"),
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["practitioner.id"],
            name=op.f("fk_course_started_by_id_practitioner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course")),
    )
    op.create_index(op.f("ix_course_patient_id"), "course", ["patient_id"])

    op.create_table(
        "patient_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("pregnant", sa.Boolean(), nullable=False),
        sa.Column("breastfeeding", sa.Boolean(), nullable=False),
        sa.Column("anticoagulants", sa.Boolean(), nullable=False),
        sa.Column("antiplatelets", sa.Boolean(), nullable=False),
        sa.Column("bleeding_disorder", sa.Boolean(), nullable=False),
        sa.Column("active_skin_infection", sa.Boolean(), nullable=False),
        sa.Column("recent_myocardial_infarction", sa.Boolean(), nullable=False),
        sa.Column("hypotension", sa.Boolean(), nullable=False),
        sa.Column("allergies", sa.JSON(), nullable=False),
        sa.Column("medications", sa.JSON(), nullable=False),
        sa.Column("consent_given_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_patient_history_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["practitioner.id"],
            name=op.f("fk_patient_history_recorded_by_id_practitioner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_history")),
    )
    op.create_index(op.f("ix_patient_history_patient_id"), "patient_history", ["patient_id"])

    op.create_table(
        "patient_identifier",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_patient_identifier_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_identifier")),
        sa.UniqueConstraint("system", "value", name=op.f("uq_patient_identifier_system_value")),
    )
    op.create_index(op.f("ix_patient_identifier_patient_id"), "patient_identifier", ["patient_id"])

    op.create_table(
        "vial",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=False),
        sa.Column("beyond_use_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("volume_initial_ul", sa.Integer(), nullable=False),
        sa.Column("volume_remaining_ul", sa.Integer(), nullable=False),
        sa.Column("recalled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recalled_by_id", sa.Integer(), nullable=True),
        sa.Column("recall_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "volume_remaining_ul <= volume_initial_ul", name=op.f("ck_vial_remaining_le_initial")
        ),
        sa.CheckConstraint("volume_remaining_ul >= 0", name=op.f("ck_vial_remaining_not_negative")),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_vial_lot_id_lot")),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["practitioner.id"], name=op.f("fk_vial_opened_by_id_practitioner")
        ),
        sa.ForeignKeyConstraint(
            ["recalled_by_id"],
            ["practitioner.id"],
            name=op.f("fk_vial_recalled_by_id_practitioner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vial")),
        sa.UniqueConstraint("code", name=op.f("uq_vial_code")),
    )
    op.create_index(op.f("ix_vial_lot_id"), "vial", ["lot_id"])

    op.create_table(
        "course_protocol",
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_course_protocol_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["protocol_snapshot.id"],
            name=op.f("fk_course_protocol_snapshot_id_protocol_snapshot"),
        ),
        sa.PrimaryKeyConstraint("course_id", "position", name=op.f("pk_course_protocol")),
    )
    op.create_table(
        "measurement",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("site", sa.String(length=64), nullable=True),
        sa.Column("height_above_kneecap_cm", sa.Float(), nullable=True),
        sa.Column("photo_file", sa.Text(), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delete_reason", sa.Text(), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_measurement_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["practitioner.id"],
            name=op.f("fk_measurement_deleted_by_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_measurement_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["practitioner.id"],
            name=op.f("fk_measurement_recorded_by_id_practitioner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurement")),
    )
    op.create_index(
        op.f("ix_measurement_patient_id_kind_taken_at"),
        "measurement",
        ["patient_id", "kind", "taken_at"],
    )

    op.create_table(
        "treatment_session",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("planned_map_id", sa.Integer(), nullable=False),
        sa.Column("point_status", sa.LargeBinary(), nullable=False),
        sa.Column("needle_gauge", sa.Integer(), nullable=True),
        sa.Column("needle_length_mm", sa.Float(), nullable=True),
        sa.Column("needle_lot", sa.String(length=64), nullable=True),
        sa.Column("anaesthetic", sa.String(length=200), nullable=True),
        sa.Column("anaesthetic_amount_g", sa.Float(), nullable=True),
        sa.Column("anaesthetic_applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signature", sa.String(length=80), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delete_reason", sa.Text(), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_treatment_session_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["practitioner.id"],
            name=op.f("fk_treatment_session_deleted_by_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_treatment_session_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["planned_map_id"],
            ["planned_map.id"],
            name=op.f("fk_treatment_session_planned_map_id_planned_map"),
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_treatment_session_practitioner_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_id"],
            ["practitioner.id"],
            name=op.f("fk_treatment_session_signed_by_id_practitioner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_session")),
    )
    op.create_index(op.f("ix_treatment_session_course_id"), "treatment_session", ["course_id"])
    op.create_index(op.f("ix_treatment_session_patient_id"), "treatment_session", ["patient_id"])
    op.create_index(
        op.f("ix_treatment_session_performed_at"), "treatment_session", ["performed_at"]
    )

    op.create_table(
        "addendum",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["practitioner.id"], name=op.f("fk_addendum_author_id_practitioner")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_session.id"],
            name=op.f("fk_addendum_session_id_treatment_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addendum")),
    )
    op.create_index(op.f("ix_addendum_session_id"), "addendum", ["session_id"])

    op.create_table(
        "cosignature",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_cosignature_practitioner_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_session.id"],
            name=op.f("fk_cosignature_session_id_treatment_session"),
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_cosignature")),
    )
    op.create_table(
        "override_record",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "course_id IS NOT NULL OR session_id IS NOT NULL",
            name=op.f("ck_override_record_course_or_session"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_override_record_course_id_course")
        ),
        sa.ForeignKeyConstraint(
            ["practitioner_id"],
            ["practitioner.id"],
            name=op.f("fk_override_record_practitioner_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_session.id"],
            name=op.f("fk_override_record_session_id_treatment_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_override_record")),
    )
    op.create_index(op.f("ix_override_record_course_id"), "override_record", ["course_id"])
    op.create_index(op.f("ix_override_record_session_id"), "override_record", ["session_id"])

    op.create_table(
        "product_use",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("vial_id", sa.Integer(), nullable=True),
        sa.Column("volume_ul", sa.Integer(), nullable=False),
        sa.Column("ingredient", sa.String(length=200), nullable=True),
        sa.CheckConstraint("volume_ul > 0", name=op.f("ck_product_use_volume_positive")),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_product_use_lot_id_lot")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_session.id"],
            name=op.f("fk_product_use_session_id_treatment_session"),
        ),
        sa.ForeignKeyConstraint(["vial_id"], ["vial.id"], name=op.f("fk_product_use_vial_id_vial")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_use")),
        sa.UniqueConstraint(
            "session_id", "position", name=op.f("uq_product_use_session_id_position")
        ),
    )
    op.create_index(
        op.f("ix_product_use_lot_id_session_id"), "product_use", ["lot_id", "session_id"]
    )
    op.create_index(op.f("ix_product_use_session_id"), "product_use", ["session_id"])
    op.create_index(
        op.f("ix_product_use_vial_id_session_id"), "product_use", ["vial_id", "session_id"]
    )

    op.create_table(
        "reaction",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=True),
        sa.Column("onset_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_min", sa.Float(), nullable=True),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delete_reason", sa.Text(), nullable=True),
        sa.Column("deleted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"],
            ["practitioner.id"],
            name=op.f("fk_reaction_deleted_by_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["practitioner.id"],
            name=op.f("fk_reaction_recorded_by_id_practitioner"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_session.id"],
            name=op.f("fk_reaction_session_id_treatment_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reaction")),
    )
    op.create_index(op.f("ix_reaction_session_id"), "reaction", ["session_id"])

    op.create_table(
        "session_point",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.String(length=80), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("x_cm", sa.Float(), nullable=True),
        sa.Column("y_cm", sa.Float(), nullable=True),
        sa.Column("depth_mm", sa.Float(), nullable=True),
        sa.Column("volume_ml", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_session.id"],
            name=op.f("fk_session_point_session_id_treatment_session"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_point")),
        sa.UniqueConstraint(
            "session_id", "point_id", name=op.f("uq_session_point_session_id_point_id")
        ),
    )
    op.create_index(op.f("ix_session_point_session_id"), "session_point", ["session_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_session_point_session_id"), table_name="session_point")

    op.drop_table("session_point")
    op.drop_index(op.f("ix_reaction_session_id"), table_name="reaction")

    op.drop_table("reaction")
    op.drop_index(op.f("ix_product_use_vial_id_session_id"), table_name="product_use")
    op.drop_index(op.f("ix_product_use_session_id"), table_name="product_use")
    op.drop_index(op.f("ix_product_use_lot_id_session_id"), table_name="product_use")

    op.drop_table("product_use")
    op.drop_index(op.f("ix_override_record_session_id"), table_name="override_record")
    op.drop_index(op.f("ix_override_record_course_id"), table_name="override_record")

    op.drop_table("override_record")
    op.drop_table("cosignature")
    op.drop_index(op.f("ix_addendum_session_id"), table_name="addendum")

    op.drop_table("addendum")
    op.drop_index(op.f("ix_treatment_session_performed_at"), table_name="treatment_session")
    op.drop_index(op.f("ix_treatment_session_patient_id"), table_name="treatment_session")
    op.drop_index(op.f("ix_treatment_session_course_id"), table_name="treatment_session")

    op.drop_table("treatment_session")
    op.drop_index(op.f("ix_measurement_patient_id_kind_taken_at"), table_name="measurement")

    op.drop_table("measurement")
    op.drop_table("course_protocol")
    op.drop_index(op.f("ix_vial_lot_id"), table_name="vial")

    op.drop_table("vial")
    op.drop_index(op.f("ix_patient_identifier_patient_id"), table_name="patient_identifier")

    op.drop_table("patient_identifier")
    op.drop_index(op.f("ix_patient_history_patient_id"), table_name="patient_history")

    op.drop_table("patient_history")
    op.drop_index(op.f("ix_course_patient_id"), table_name="course")

    op.drop_table("course")
    op.drop_index(op.f("ix_patient_family_name_given_name"), table_name="patient")
    op.drop_index(op.f("ix_patient_clinic_id"), table_name="patient")

    op.drop_table("patient")
    op.drop_index(op.f("ix_lot_lot_number"), table_name="lot")

    op.drop_table("lot")
    op.drop_table("product")
    op.drop_index(op.f("ix_practitioner_clinic_id"), table_name="practitioner")

    op.drop_table("practitioner")
    op.drop_table("protocol_snapshot")
    op.drop_table("planned_map")
    op.drop_table("clinic")

"""Tamper-evident records: the content version of a session's signature, keyed audit
entries (algorithm and key id), the access log of record reads, planned maps frozen once
a signed session uses them, and (PostgreSQL) no TRUNCATE of any clinical table.

Sessions signed before this revision keep content version 0 (the planned map covered by
its hash); audit entries written before it keep algorithm ``sha256`` (unkeyed).

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAP_MESSAGE = "a planned map used by a signed session never changes"
TRUNCATE_MESSAGE = "clinical records are never truncated"
MAP_USED = (
    "EXISTS (SELECT 1 FROM treatment_session WHERE planned_map_id = OLD.id "
    "AND signed_at IS NOT NULL)"
)
CLINICAL_TABLES = (
    "clinic",
    "planned_map",
    "protocol_snapshot",
    "audit_entry",
    "audit_head",
    "access_entry",
    "practitioner",
    "product",
    "clinic_protocol",
    "lot",
    "patient",
    "user_account",
    "api_key",
    "auth_token",
    "course",
    "patient_history",
    "patient_identifier",
    "vial",
    "course_protocol",
    "measurement",
    "treatment_session",
    "addendum",
    "cosignature",
    "override_record",
    "product_use",
    "reaction",
    "session_point",
)

PG_FUNCTIONS = f"""
CREATE FUNCTION mesoplan_refuse_signed_map() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF {MAP_USED} THEN
        RAISE EXCEPTION 'planned_map %: {MAP_MESSAGE}', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION mesoplan_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: {TRUNCATE_MESSAGE}', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END $$;
"""


def _columns() -> None:
    # Plain ADD COLUMN (no table rebuild on SQLite: the signed-record triggers stay).
    op.add_column("treatment_session", sa.Column("content_version", sa.Integer(), nullable=True))
    algorithm = sa.Column("algorithm", sa.String(16), nullable=False, server_default="sha256")
    op.add_column("audit_entry", algorithm)
    op.add_column("audit_entry", sa.Column("key_id", sa.String(length=64), nullable=True))
    op.add_column("audit_entry", sa.Column("signed_session_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_audit_entry_signed_session_id"), "audit_entry", ["signed_session_id"])
    op.create_table(
        "access_entry",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("who", sa.String(length=100), nullable=False),
        sa.Column("entrypoint", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=200), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["clinic_id"], ["clinic.id"], name=op.f("fk_access_entry_clinic_id_clinic")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_access_entry_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_entry")),
    )
    op.create_index(op.f("ix_access_entry_clinic_id_id"), "access_entry", ["clinic_id", "id"])
    op.create_index(op.f("ix_access_entry_patient_id"), "access_entry", ["patient_id"])
    _mark_version_0()


def _mark_version_0() -> None:
    """Sessions signed before this revision are content version 0: the one change ever
    made to a signed session's row, with its trigger held off for this statement only."""
    update = "UPDATE treatment_session SET content_version = 0 WHERE signed_at IS NOT NULL"
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE treatment_session DISABLE TRIGGER treatment_session_signed")
        op.execute(update)
        op.execute("ALTER TABLE treatment_session ENABLE TRIGGER treatment_session_signed")
        return
    bind = op.get_bind()
    found = bind.execute(
        sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name = 'treatment_session_signed_update'"
        )
    )
    saved = list(found)
    for name, _ in saved:
        op.execute(f'DROP TRIGGER "{name}"')
    op.execute(update)
    for _, sql in saved:
        op.execute(sql)


def _postgresql_triggers() -> None:
    op.execute(PG_FUNCTIONS)
    op.execute(
        "CREATE TRIGGER planned_map_signed BEFORE UPDATE OR DELETE ON planned_map "
        "FOR EACH ROW EXECUTE FUNCTION mesoplan_refuse_signed_map()"
    )
    for table in CLINICAL_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mesoplan_refuse_truncate()"
        )


def _sqlite_triggers() -> None:
    abort = f"SELECT RAISE(ABORT, '{MAP_MESSAGE}');"
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER planned_map_signed_{event.lower()} BEFORE {event} ON "
            f"planned_map WHEN {MAP_USED} BEGIN {abort} END"
        )


def upgrade() -> None:
    _columns()
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in CLINICAL_TABLES:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER planned_map_signed ON planned_map")
        op.execute("DROP FUNCTION mesoplan_refuse_signed_map()")
        op.execute("DROP FUNCTION mesoplan_refuse_truncate()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER planned_map_signed_{event}")
    op.drop_table("access_entry")
    op.drop_index(op.f("ix_audit_entry_signed_session_id"), "audit_entry")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_column("signed_session_id")
        batch.drop_column("key_id")
        batch.drop_column("algorithm")
    with op.batch_alter_table("treatment_session") as batch:
        batch.drop_column("content_version")

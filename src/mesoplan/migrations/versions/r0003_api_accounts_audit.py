"""API accounts and the audit chain: user accounts, login tokens, API keys, clinic
protocols, and a hash-chained audit log per clinic (with its head row, one per clinic).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "sha256:" + "0" * 64


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _fk(column: str, table: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _ts(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "user_account",
        _id(),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("practitioner_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _ts("created_at"),
        _fk("clinic_id", "user_account", "clinic"),
        _fk("practitioner_id", "user_account", "practitioner"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
        sa.UniqueConstraint("practitioner_id", name=op.f("uq_user_account_practitioner_id")),
    )
    op.create_index(op.f("ix_user_account_clinic_id"), "user_account", ["clinic_id"])
    op.create_table(
        "auth_token",
        _id(),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        _ts("created_at"),
        _ts("expires_at"),
        _ts("revoked_at", nullable=True),
        _fk("clinic_id", "auth_token", "clinic"),
        _fk("user_id", "auth_token", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_token")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_auth_token_token_sha256")),
    )
    op.create_index(op.f("ix_auth_token_clinic_id"), "auth_token", ["clinic_id"])
    op.create_table(
        "api_key",
        _id(),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        _ts("created_at"),
        _ts("revoked_at", nullable=True),
        _fk("clinic_id", "api_key", "clinic"),
        _fk("user_id", "api_key", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_api_key_key_sha256")),
    )
    op.create_index(op.f("ix_api_key_clinic_id"), "api_key", ["clinic_id"])
    _create_protocols_and_audit()


def _create_protocols_and_audit() -> None:
    op.create_table(
        "clinic_protocol",
        _id(),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("protocol_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("content_hash", sa.String(length=80), nullable=False),
        sa.Column("toml_text", sa.Text(), nullable=False),
        _ts("created_at"),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        _ts("deleted_at", nullable=True),
        _fk("clinic_id", "clinic_protocol", "clinic"),
        _fk("created_by_id", "clinic_protocol", "practitioner"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clinic_protocol")),
        sa.UniqueConstraint(
            "clinic_id",
            "protocol_id",
            "version",
            name=op.f("uq_clinic_protocol_clinic_id_protocol_id_version"),
        ),
    )
    op.create_index(op.f("ix_clinic_protocol_clinic_id"), "clinic_protocol", ["clinic_id"])
    head = op.create_table(
        "audit_head",
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(length=80), nullable=False),
        _fk("clinic_id", "audit_head", "clinic"),
        sa.PrimaryKeyConstraint("clinic_id", name=op.f("pk_audit_head")),
    )
    op.create_table(
        "audit_entry",
        _id(),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        _ts("at"),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=200), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("change_hash", sa.String(length=80), nullable=False),
        sa.Column("prev_hash", sa.String(length=80), nullable=False),
        sa.Column("entry_hash", sa.String(length=80), nullable=False),
        _fk("clinic_id", "audit_entry", "clinic"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
        sa.UniqueConstraint("clinic_id", "seq", name=op.f("uq_audit_entry_clinic_id_seq")),
    )
    op.create_index(op.f("ix_audit_entry_clinic_id_id"), "audit_entry", ["clinic_id", "id"])
    clinics = sa.table("clinic", sa.column("id", sa.Integer()))
    ids = [row[0] for row in op.get_bind().execute(sa.select(clinics.c.id))]
    if ids:
        op.bulk_insert(head, [{"clinic_id": i, "seq": 0, "entry_hash": GENESIS} for i in ids])


def downgrade() -> None:
    for table in (
        "audit_entry",
        "audit_head",
        "clinic_protocol",
        "api_key",
        "auth_token",
        "user_account",
    ):
        op.drop_table(table)

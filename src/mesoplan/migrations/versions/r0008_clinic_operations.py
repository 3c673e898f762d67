"""Running the clinic: the history of a course's schedule changes.

Revision ID: 0008
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0003"
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


def downgrade() -> None:
    op.drop_table("schedule_change")

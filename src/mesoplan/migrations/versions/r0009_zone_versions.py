"""Zone versions: a course keeps the zone catalogue version of each zone it was planned
on. Courses planned before zones were versioned were planned on version 1.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild: SQLite would have to drop a table that
    # sessions refer to); the constant default fills the rows already there.
    op.add_column(
        "course",
        sa.Column("zone_versions", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )
    course = sa.table(
        "course",
        sa.column("id", sa.Integer()),
        sa.column("zones", sa.JSON()),
        sa.column("zone_versions", sa.JSON()),
    )
    bind = op.get_bind()
    for row in bind.execute(sa.select(course.c.id, course.c.zones)).all():
        zones = row.zones if isinstance(row.zones, list) else json.loads(row.zones)
        bind.execute(
            course.update()
            .where(course.c.id == row.id)
            .values(zone_versions={str(z): 1 for z in zones})
        )


def downgrade() -> None:
    op.drop_column("course", "zone_versions")

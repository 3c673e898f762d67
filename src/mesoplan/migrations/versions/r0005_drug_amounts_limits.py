"""Drug amounts: a lot records the mg per mL of its product when it is received (charting
totals mg from it against the protocol's maxima).

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("lot", sa.Column("mg_per_ml", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lot") as batch:
        batch.drop_column("mg_per_ml")

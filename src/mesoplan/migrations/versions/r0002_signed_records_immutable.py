"""Signed records never change: triggers that refuse an UPDATE or DELETE of a signed
session, any change to the charted points or product uses of a signed session, and any
change to an addendum or a co-signature.

PostgreSQL: PL/pgSQL trigger functions that raise SQLSTATE 23514 (check_violation).
SQLite: ``RAISE(ABORT, ...)`` triggers with the same effect.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "signed records never change; add an addendum"
CHILD_TABLES = ("product_use", "session_point")
FROZEN_TABLES = ("addendum", "cosignature")

PG_FUNCTIONS = f"""
CREATE FUNCTION mesoplan_refuse_signed_session() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.signed_at IS NOT NULL THEN
        RAISE EXCEPTION 'treatment_session %: {MESSAGE}', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION mesoplan_refuse_signed_child() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM treatment_session WHERE id = OLD.session_id AND signed_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION '%: session %: {MESSAGE}', TG_TABLE_NAME, OLD.session_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND EXISTS (
        SELECT 1 FROM treatment_session WHERE id = NEW.session_id AND signed_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION '%: session %: {MESSAGE}', TG_TABLE_NAME, NEW.session_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION mesoplan_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: {MESSAGE}', TG_TABLE_NAME USING ERRCODE = 'check_violation';
END $$;
"""


def _postgresql_upgrade() -> None:
    op.execute(PG_FUNCTIONS)
    op.execute(
        "CREATE TRIGGER treatment_session_signed BEFORE UPDATE OR DELETE ON treatment_session "
        "FOR EACH ROW EXECUTE FUNCTION mesoplan_refuse_signed_session()"
    )
    for table in CHILD_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_signed BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mesoplan_refuse_signed_child()"
        )
    for table in FROZEN_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mesoplan_refuse_change()"
        )


def _sqlite_upgrade() -> None:
    abort = f"SELECT RAISE(ABORT, '{MESSAGE}');"
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER treatment_session_signed_{event.lower()} BEFORE {event} ON "
            f"treatment_session WHEN OLD.signed_at IS NOT NULL BEGIN {abort} END"
        )
    signed = "(SELECT signed_at FROM treatment_session WHERE id = {}.session_id) IS NOT NULL"
    for table in CHILD_TABLES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            op.execute(
                f"CREATE TRIGGER {table}_signed_{event.lower()} BEFORE {event} ON {table} "
                f"WHEN {signed.format(row)} BEGIN {abort} END"
            )
    for table in FROZEN_TABLES:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_frozen_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN {abort} END"
            )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _postgresql_upgrade()
    else:
        _sqlite_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in FROZEN_TABLES:
            op.execute(f"DROP TRIGGER {table}_frozen ON {table}")
        for table in CHILD_TABLES:
            op.execute(f"DROP TRIGGER {table}_signed ON {table}")
        op.execute("DROP TRIGGER treatment_session_signed ON treatment_session")
        for fn in ("signed_session", "signed_child", "change"):
            op.execute(f"DROP FUNCTION mesoplan_refuse_{fn}()")
        return
    names = ["treatment_session_signed_update", "treatment_session_signed_delete"]
    names += [f"{t}_signed_{e}" for t in CHILD_TABLES for e in ("insert", "update", "delete")]
    names += [f"{t}_frozen_{e}" for t in FROZEN_TABLES for e in ("update", "delete")]
    for name in names:
        op.execute(f"DROP TRIGGER {name}")

"""PostgreSQL with two roles: an owner that runs the migrations (and owns the tables and
their triggers), and the application's role, which may read and add records but not
UPDATE, DELETE or TRUNCATE the tables that signed records and the audit trail live in.
A triggers-off connection (``session_replication_role``) needs a superuser, which
neither role is."""

from __future__ import annotations

import re
from collections.abc import Iterable

APPEND_ONLY: tuple[str, ...] = (
    "addendum",
    "cosignature",
    "product_use",
    "override_record",
    "course_protocol",
    "planned_map",
    "protocol_snapshot",
    "audit_entry",
    "access_entry",
)
"""Written once and never changed by the application: no UPDATE or DELETE for its role."""

_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def application_grants(role: str, tables: Iterable[str]) -> list[str]:
    """The statements the owner runs (after each migration) for the application's role:
    SELECT and INSERT everywhere, UPDATE and DELETE except on :data:`APPEND_ONLY`
    tables, no TRUNCATE, the id sequences."""
    if not _ROLE.match(role):
        raise ValueError(f"role {role!r}: lower-case letters, digits and _ (up to 63)")
    changing = sorted(t for t in tables if t not in APPEND_ONLY and t != "alembic_version")
    quoted = f'"{role}"'
    return [
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {quoted}",
        f"REVOKE INSERT ON alembic_version FROM {quoted}",
        f"GRANT UPDATE, DELETE ON {', '.join(changing)} TO {quoted}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
    ]

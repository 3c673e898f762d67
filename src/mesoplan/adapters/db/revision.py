"""The schema revision, read without importing Alembic (every records command checks it,
so this keeps commands quick). A test checks it agrees with Alembic."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"
_FIELD = re.compile(r"^(down_)?revision\s*(?::[^=]*)?=\s*(?:\"([^\"]*)\"|'([^']*)'|None)", re.M)


@cache
def head() -> str | None:
    """The newest revision shipped: the one no other revision revises."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in VERSIONS.glob("r*.py"):
        for m in _FIELD.finditer(path.read_text(encoding="utf-8")):
            value = m.group(2) or m.group(3)
            if value is None:
                continue
            (revised if m.group(1) else revisions).add(value)
    heads = sorted(revisions - revised)
    return heads[-1] if heads else None


def current(engine: Engine) -> str | None:
    """The database's revision (None for a database without the records schema)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

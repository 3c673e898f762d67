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
def _chain() -> tuple[frozenset[str], frozenset[str]]:
    """The revisions shipped, and those that another revision revises."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in VERSIONS.glob("r*.py"):
        for m in _FIELD.finditer(path.read_text(encoding="utf-8")):
            value = m.group(2) or m.group(3)
            if value is None:
                continue
            (revised if m.group(1) else revisions).add(value)
    return frozenset(revisions), frozenset(revised)


def head() -> str | None:
    """The newest revision shipped: the one no other revision revises."""
    revisions, revised = _chain()
    heads = sorted(revisions - revised)
    return heads[-1] if heads else None


def known() -> frozenset[str]:
    """Every revision this version of mesoplan ships."""
    return _chain()[0]


def problem(current: str | None, *, upgradable: bool = False) -> str | None:
    """Why a database at revision ``current`` cannot be used as it is (None when it can).

    A revision this mesoplan does not know was made by a newer one: nothing here may
    touch it. With ``upgradable`` an older or missing schema is no problem (an upgrade
    is about to bring it up to date)."""
    newest = head()
    if current is not None and current not in known():
        return (
            f"is at schema revision {current}, which this mesoplan does not know (its "
            f"newest is {newest}): a newer mesoplan made it; upgrade mesoplan to use it"
        )
    if upgradable or current == newest:
        return None
    where = "has no records schema" if current is None else f"is at revision {current}"
    return f"{where}; mesoplan needs {newest}: run `mesoplan db upgrade`"


def current(engine: Engine) -> str | None:
    """The database's revision (None for a database without the records schema)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()

"""The relational storage of clinical records (SQLAlchemy 2, Alembic migrations)."""

from __future__ import annotations

from . import accounts, clinic_ops, people, records, stock
from .base import Base
from .engine import make_engine, normalise_url, session_factory

metadata = Base.metadata

__all__ = [
    "Base",
    "accounts",
    "clinic_ops",
    "make_engine",
    "metadata",
    "normalise_url",
    "people",
    "records",
    "session_factory",
    "stock",
]

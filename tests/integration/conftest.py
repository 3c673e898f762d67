"""Integration fixtures: every test runs on SQLite (a fresh file) and on the PostgreSQL
server named by MESOPLAN_TEST_DATABASE_URL (a database per module, its public schema
dropped and rebuilt by the migrations before each test)."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from mesoplan.adapters.db import make_engine, metadata, normalise_url
from mesoplan.adapters.db.migrate import upgrade
from mesoplan.services.unit_of_work import UnitOfWork

PG_ENV = "MESOPLAN_TEST_DATABASE_URL"
SKIP_PG = (
    f"{PG_ENV} is not set: the PostgreSQL half of the integration tests needs a server, "
    "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="module")
def pg_server_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A uniquely named database on the test server for this module, dropped after it."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(SKIP_PG)
    admin_url = normalise_url(base)
    module = re.sub(r"\W", "_", request.module.__name__.rsplit(".", 1)[-1])[:30]
    name = f"mesoplan_t_{module}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fresh_postgresql(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database made by the migrations: SQLite or PostgreSQL."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'records.sqlite'}")
    else:
        eng = _fresh_postgresql(request.getfixturevalue("pg_server_database"))
    upgrade(eng)
    yield eng
    eng.dispose()


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2025, 3, 3, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def uow(engine: Engine, clock: Clock) -> UnitOfWork:
    return UnitOfWork.from_engine(engine, clock)


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order: to show nothing changed."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            q = select(table).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(row) for row in conn.execute(q)]
    return out

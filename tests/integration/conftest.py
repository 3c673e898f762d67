"""Integration fixtures: every test runs on SQLite and on the PostgreSQL server named by
MESOPLAN_TEST_DATABASE_URL, each time on a fresh database. Per module the migrations
build one template (a SQLite file; a PostgreSQL database); each test gets its own copy."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import URL, Engine, select, text

from mesoplan.adapters.db import make_engine, metadata, normalise_url
from mesoplan.adapters.db.migrate import upgrade
from mesoplan.services.unit_of_work import UnitOfWork

PG_ENV = "MESOPLAN_TEST_DATABASE_URL"
SKIP_PG = (
    f"{PG_ENV} is not set: the PostgreSQL half of the integration tests needs a server, "
    "e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _name(request: pytest.FixtureRequest) -> str:
    module = re.sub(r"\W", "_", request.module.__name__.rsplit(".", 1)[-1])[:24]
    return f"mesoplan_t_{module}_{os.getpid()}_{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def pg_template(request: pytest.FixtureRequest) -> Iterator[tuple[Engine, URL, str]]:
    """A database on the test server made by the migrations, once per module: each test
    gets a fresh copy of it (CREATE DATABASE ... TEMPLATE), dropped after the test."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(SKIP_PG)
    server = normalise_url(base)
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    name = _name(request)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        migrated = make_engine(server.set(database=name))
        upgrade(migrated)
        migrated.dispose()
        yield admin, server, name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file made by the migrations, once per module; each test copies it."""
    path = tmp_path_factory.mktemp("template") / "records.sqlite"
    migrated = make_engine(f"sqlite:///{path}")
    upgrade(migrated)
    with migrated.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    migrated.dispose()
    return path


@contextmanager
def _postgresql_copy(template: tuple[Engine, URL, str]) -> Iterator[Engine]:
    admin, server, name = template
    copy = f"{name}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"'))
    eng = make_engine(server.set(database=copy))
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh database whose schema the migrations made: SQLite or PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "records.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
        return
    with _postgresql_copy(request.getfixturevalue("pg_template")) as eng:
        yield eng


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

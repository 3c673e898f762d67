"""kill -9 durability and lost-update races against a real server, on SQLite and on
PostgreSQL. CI runs the short version (5 kills per database, 10 s of racing);
``make chaos`` the long one (MESOPLAN_CHAOS_KILLS=20, MESOPLAN_CHAOS_RACE_S=30)."""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from mesoplan.adapters.db import make_engine, normalise_url

from .harness import durability, lost_updates, running_clinic

pytestmark = pytest.mark.chaos

KILLS = int(os.environ.get("MESOPLAN_CHAOS_KILLS", "5"))
RACE_S = float(os.environ.get("MESOPLAN_CHAOS_RACE_S", "10"))
MIN_WRITES = int(os.environ.get("MESOPLAN_CHAOS_MIN_WRITES", "500"))
PG_ENV = "MESOPLAN_TEST_DATABASE_URL"
REPORT = os.environ.get("MESOPLAN_CHAOS_REPORT")


def _report(line: str) -> None:
    print(line)
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as out:
            out.write(line + "\n")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'chaos.sqlite'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"{PG_ENV} is not set: the PostgreSQL chaos run needs a server")
    server = normalise_url(base)
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    name = f"mesoplan_chaos_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _stored_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {r[0] for r in conn.execute(text("SELECT family_name FROM patient"))}
    finally:
        engine.dispose()


def test_every_acknowledged_write_survives_kill_9(database: str, tmp_path: Path) -> None:
    with running_clinic(database, tmp_path) as (server, headers):
        run = durability(server, headers, KILLS, MIN_WRITES, seed=KILLS)
    stored = _stored_names(database)
    lost = [name for name in run.acknowledged if name not in stored]
    kind = database.split(":", 1)[0]
    _report(
        f"chaos {kind}: {len(run.acknowledged)} acknowledged writes, {run.kills} kills, "
        f"{len(lost)} lost, {run.refused} refused or cut off, {run.seconds:.0f} s"
    )
    assert run.kills == KILLS
    assert len(run.acknowledged) >= MIN_WRITES
    assert not lost, f"{len(lost)} acknowledged writes lost: {lost[:10]}"
    if kind == "sqlite":
        con = sqlite3.connect(database.removeprefix("sqlite:///"))
        try:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        finally:
            con.close()


def test_no_update_is_lost_by_racing_clients(database: str, tmp_path: Path) -> None:
    with running_clinic(database, tmp_path) as (server, headers):
        race = lost_updates(server, headers, RACE_S)
    kind = database.split(":", 1)[0]
    _report(
        f"race {kind}: 8 clients, {race.seconds:.0f} s, {race.accepted} updates accepted, "
        f"{race.stale} refused as stale (412), {race.lost} lost"
    )
    assert not race.unexpected, race.unexpected[:5]
    assert race.accepted > 0
    assert race.lost == 0

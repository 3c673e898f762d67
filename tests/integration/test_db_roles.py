"""PostgreSQL with two roles (names unique to the run, dropped afterwards): the owner runs
the migrations and the grants; the application's role charts and signs, and may not
UPDATE, DELETE or TRUNCATE the tables of signed records and the audit trail."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import URL, Engine, text
from sqlalchemy.exc import DBAPIError

from mesoplan.adapters.db import make_engine, normalise_url
from mesoplan.adapters.db.audit import Actor
from mesoplan.adapters.db.migrate import upgrade
from mesoplan.services import audit, sessions, signing
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import PG_ENV, SKIP_PG, Clock
from .records_factory import DR, two_lot_mix, world

pytestmark = pytest.mark.integration


@dataclass
class Roles:
    owner: Engine
    app: Engine
    signed_session: int


def _grants(url: URL, role: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "mesoplan", "audit", "app-role-sql", role],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ | {"MESOPLAN_DATABASE_URL": url.render_as_string(hide_password=False)},
        check=True,
    )
    return [s for s in done.stdout.split(";\n") if s.strip()]


@pytest.fixture(scope="module")
def roles() -> Iterator[Roles]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(SKIP_PG)
    server = normalise_url(base)
    tag = uuid.uuid4().hex[:8]
    owner, app, database = f"mp_owner_{tag}", f"mp_app_{tag}", f"mp_roles_{tag}"
    admin = make_engine(server, isolation_level="AUTOCOMMIT")
    engines: list[Engine] = []
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{owner}" LOGIN'))
            conn.execute(text(f'CREATE ROLE "{app}" LOGIN'))
            conn.execute(text(f'CREATE DATABASE "{database}" OWNER "{owner}"'))
        as_owner = make_engine(server.set(database=database, username=owner))
        engines.append(as_owner)
        upgrade(as_owner)
        with as_owner.begin() as conn:
            for statement in _grants(server, app):
                conn.execute(text(statement))
        as_app = make_engine(server.set(database=database, username=app))
        engines.append(as_app)
        yield Roles(as_owner, as_app, _signed_session(as_app))
    finally:
        for engine in engines:
            engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{app}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{owner}"'))
        admin.dispose()


def _signed_session(engine: Engine) -> int:
    """Charted, signed and amended by the application's role, audited."""
    clock = Clock()
    uow = UnitOfWork.from_engine(engine, clock, actor=Actor(DR, "test"))
    w = world(uow)
    sid = sessions.record_session(uow, DR, w.course_id, two_lot_mix()).id
    clock.advance(minutes=30)
    signing.sign_session(uow, DR, sid)
    signing.add_addendum(uow, DR, sid, "Called: fine.")
    return sid


def test_the_application_role_charts_signs_and_is_audited(roles: Roles) -> None:
    (report,) = audit.verify_chains(UnitOfWork.from_engine(roles.app))
    assert report.intact and report.sessions == 1 and report.entries > 5


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE addendum SET text = 'rewritten'",
        "DELETE FROM audit_entry",
        "UPDATE audit_entry SET actor = 'someone else'",
        "UPDATE product_use SET volume_ul = 1",
        "UPDATE planned_map SET data = data",
        "TRUNCATE treatment_session CASCADE",
        "SET session_replication_role = replica",
    ],
)
def test_the_application_role_cannot_rewrite_what_is_signed(roles: Roles, statement: str) -> None:
    sid = roles.signed_session
    with pytest.raises(DBAPIError, match="permission denied"), roles.app.begin() as conn:
        conn.execute(text(statement))
    assert signing.verify_session(UnitOfWork.from_engine(roles.app), sid).intact

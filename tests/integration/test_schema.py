"""The schema is made by the migrations and agrees with the models; signed records are
protected by the database itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from mesoplan.adapters.db import make_engine, revision
from mesoplan.adapters.db.migrate import current_revision, head_revision, schema_diff, upgrade
from mesoplan.services import sessions, signing
from mesoplan.services.unit_of_work import UnitOfWork

from .records_factory import DR, two_lot_mix, world


def test_models_and_migrations_agree(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert schema_diff(engine) == []


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert revision.current(engine) == revision.head() == head_revision()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x' / 'records.sqlite'}")
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        with pytest.raises(DBAPIError):
            conn.execute(
                text(
                    "INSERT INTO practitioner (clinic_id, handle, name, role, created_at) "
                    "VALUES (999, 'x', 'x', 'nurse', '2025-01-01')"
                )
            )
    engine.dispose()


def _signed_session(uow: UnitOfWork) -> int:
    w = world(uow)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    signing.sign_session(uow, DR, view.id)
    signing.add_addendum(uow, DR, view.id, "Patient called: fine.")
    return view.id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE treatment_session SET notes = 'changed' WHERE id = :id",
        "UPDATE treatment_session SET signed_at = NULL WHERE id = :id",
        "DELETE FROM treatment_session WHERE id = :id",
        "UPDATE product_use SET volume_ul = 1 WHERE session_id = :id",
        "DELETE FROM product_use WHERE session_id = :id",
        "INSERT INTO session_point (session_id, point_id, status) "
        "VALUES (:id, 'thigh-left-lateral:0', 'moved')",
        "UPDATE addendum SET text = 'rewritten' WHERE session_id = :id",
        "DELETE FROM addendum WHERE session_id = :id",
    ],
)
def test_database_refuses_to_change_a_signed_session(
    uow: UnitOfWork, engine: Engine, statement: str
) -> None:
    session_id = _signed_session(uow)
    with pytest.raises(DBAPIError, match="signed records never change"), engine.begin() as conn:
        conn.execute(text(statement), {"id": session_id})
    assert signing.verify_session(uow, session_id).intact


def test_an_unsigned_session_may_still_be_corrected_in_the_database(
    uow: UnitOfWork, engine: Engine
) -> None:
    w = world(uow)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE treatment_session SET notes = 'ok' WHERE id = :id"), {"id": view.id}
        )

"""Soft deletes keep who, when and why; SQLite backup and restore; PostgreSQL refuses."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mesoplan.adapters.db import backup
from mesoplan.adapters.db.records import CourseRow
from mesoplan.domain.record_errors import ConflictError, NotFoundError, RefusedError
from mesoplan.services import corrections, patients, reactions, recall, sessions, signing
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import dump
from .records_factory import DR, two_lot_mix, world


def test_a_course_with_a_signed_session_is_not_deleted(uow: UnitOfWork, engine: Engine) -> None:
    w = world(uow)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    signing.sign_session(uow, DR, view.id)
    before = dump(engine)
    with pytest.raises(RefusedError, match="has signed sessions"):
        corrections.delete_course(uow, DR, w.course_id, "wrong protocol")
    assert dump(engine) == before


def test_soft_deleted_records_leave_lists_but_stay_for_recall(uow: UnitOfWork) -> None:
    w = world(uow)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    onset = datetime(2025, 3, 3, 9, tzinfo=UTC)
    reaction = reactions.record_reaction(uow, DR, view.id, "bruising", "thigh-left-lateral", onset)
    corrections.delete_reaction(uow, DR, reaction.id, "entered twice")
    with pytest.raises(NotFoundError, match="unknown reaction"):
        corrections.delete_reaction(uow, DR, reaction.id, "again")
    sessions.delete_session(uow, DR, view.id, "wrong patient")
    corrections.delete_course(uow, DR, w.course_id, "wrong patient")
    patients.delete_patient(uow, DR, w.patient_id, "registered in error")
    rows = recall.who_received(uow, lot_number="TF-A1").rows
    assert [(r.patient_id, r.patient_deleted, r.session_deleted) for r in rows] == [
        (w.patient_id, True, True)
    ]
    with uow:
        course = uow.session.get(CourseRow, w.course_id)
        assert course is not None and course.delete_reason == "wrong patient"
        with pytest.raises(NotFoundError, match="unknown course"):
            uow.records.course(w.course_id)


def test_backup_and_restore_sqlite(engine: Engine, uow: UnitOfWork, tmp_path: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        with pytest.raises(RefusedError, match="pg_dump"):
            backup.backup(url, tmp_path / "b.sqlite")
        return
    w = world(uow)
    target = backup.backup(url, tmp_path / "b.sqlite")
    with pytest.raises(ConflictError, match="exists already"):
        backup.backup(url, target)
    patients.delete_patient(uow, DR, w.patient_id, "test")
    engine.dispose()
    kept = backup.restore(url, target, datetime(2025, 3, 4, tzinfo=UTC))
    assert kept is not None and kept.exists()
    assert [p.id for p in patients.list_patients(uow, DR)] == [w.patient_id]
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all")
    with pytest.raises(RefusedError, match="not a mesoplan database"):
        backup.restore(url, junk, datetime(2025, 3, 4, tzinfo=UTC))

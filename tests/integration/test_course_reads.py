"""Reading a course: one query for the course, its frozen protocol and its planned map;
the plan's totals parsed once per plan (by its content hash), never across clinics."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, inspect, update

from mesoplan.adapters.db import session_factory
from mesoplan.adapters.db.records import CourseRow
from mesoplan.domain.record_errors import NotFoundError
from mesoplan.services import clinics, courses
from mesoplan.services.courses import PLAN_VOLUMES, course_view
from mesoplan.services.scoped import ClinicUnitOfWork
from mesoplan.services.unit_of_work import UnitOfWork

from .records_factory import add_patient, setup_clinic, start_course


@pytest.fixture(autouse=True)
def cold_cache() -> None:
    PLAN_VOLUMES.clear()


def test_a_read_from_the_cache_equals_a_full_read(uow: UnitOfWork) -> None:
    setup_clinic(uow)
    course_id = start_course(uow, add_patient(uow))
    PLAN_VOLUMES.clear()
    with uow:
        cold = courses.read_course(uow, course_id)
    with uow:
        row, refs = uow.records.course_summary(course_id)
        warm = course_view(uow, row, refs)
        assert "plan_json" in inspect(row).unloaded  # the plan text was never read
        full = course_view(uow, uow.records.course(course_id))
    assert cold == warm == full
    assert (warm.point_count, warm.volume_ml, warm.protocol) == (50, 10.0, "cellulite@2.0.0")
    assert PLAN_VOLUMES.peek(warm.plan_hash) == 10.0


def test_a_plan_text_that_does_not_match_its_hash_is_not_cached(
    uow: UnitOfWork, engine: Engine
) -> None:
    setup_clinic(uow)
    course_id = start_course(uow, add_patient(uow))
    with uow:
        row = uow.records.course(course_id)
        plan = json.loads(row.plan_json)
    plan["totals"]["volume_ml"] = 99.0
    with engine.begin() as conn:
        conn.execute(update(CourseRow).values(plan_json=json.dumps(plan)))
    PLAN_VOLUMES.clear()
    view = courses.show_course(uow, course_id)
    assert view.volume_ml == 99.0
    assert PLAN_VOLUMES.peek(view.plan_hash) is None


def test_another_clinic_finds_no_course_however_warm_the_cache(
    uow: UnitOfWork, engine: Engine
) -> None:
    setup_clinic(uow)
    course_id = start_course(uow, add_patient(uow))
    other = clinics.add_clinic(uow, "Other Clinic", "Europe/Rome")
    with uow:
        own_id = uow.people.clinic("Demo Clinic").id
    sessions = session_factory(engine)
    with ClinicUnitOfWork(sessions, own_id) as own:
        assert courses.read_course(own, course_id).volume_ml == 10.0
    with ClinicUnitOfWork(sessions, other.id) as theirs:
        with pytest.raises(NotFoundError, match=f"unknown course {course_id}"):
            courses.read_course(theirs, course_id)
        with pytest.raises(NotFoundError):
            theirs.records.course_summary(course_id)

"""Starting a course: screened, planned, scheduled, the protocol frozen by its hash."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine

from mesoplan.domain.errors import SafetyError
from mesoplan.domain.record_errors import NotFoundError, RefusedError
from mesoplan.protocols import builtin_protocols
from mesoplan.services import courses
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import dump
from .records_factory import DR, add_patient, cellulite, plan_document, setup_clinic, start_course


def test_a_course_keeps_a_frozen_protocol_the_plan_and_the_schedule(uow: UnitOfWork) -> None:
    setup_clinic(uow)
    pid = add_patient(uow)
    course_id = start_course(uow, pid)
    view = courses.show_course(uow, course_id)
    protocol = cellulite()
    assert view.protocol == "cellulite@2.0.0"
    assert view.protocol_hash == protocol.content_hash
    assert view.zones == ("thigh-left-lateral", "thigh-right-lateral")
    assert view.point_count == 50 and view.volume_ml == 10.0
    assert [s["date"] for s in view.sessions[:5]] == [
        "2025-03-03",
        "2025-03-10",
        "2025-03-17",
        "2025-03-24",
        "2025-04-07",
    ]
    assert view.sessions[0]["start"] == "2025-03-03T10:00+01:00"
    assert view.follow_up and view.findings == ()
    with uow:
        snap = uow.records.course_snapshots(course_id)[0]
        assert courses.protocol_of(snap) == protocol
        row = uow.records.course(course_id)
        assert json.loads(row.plan_json) == plan_document(protocol)
        assert row.plan_hash.startswith("sha256:")


def test_courses_share_one_snapshot_and_one_planned_map(uow: UnitOfWork) -> None:
    setup_clinic(uow)
    a = start_course(uow, add_patient(uow, "A"))
    b = start_course(uow, add_patient(uow, "B"))
    with uow:
        assert uow.records.course(a).planned_map_id == uow.records.course(b).planned_map_id
        sa, sb = uow.records.course_snapshots(a)[0], uow.records.course_snapshots(b)[0]
        assert sa.id == sb.id


def test_a_hard_stop_is_refused_and_leaves_nothing(uow: UnitOfWork, engine: Engine) -> None:
    setup_clinic(uow)
    pid = add_patient(uow, pregnant=True)
    before = dump(engine)
    with pytest.raises(SafetyError, match=r"hard stop .*pregnancy"):
        start_course(uow, pid)
    assert dump(engine) == before


def test_no_consent_is_a_hard_stop(uow: UnitOfWork) -> None:
    setup_clinic(uow)
    pid = add_patient(uow, consent_given_at=None)
    with pytest.raises(SafetyError, match="consent"):
        start_course(uow, pid)


def test_an_override_with_a_reason_is_kept(uow: UnitOfWork) -> None:
    setup_clinic(uow)
    pid = add_patient(uow, allergies=("sulfite",), anticoagulants=True)
    with pytest.raises(SafetyError, match="allergy"):
        start_course(uow, pid)
    course_id = start_course(
        uow, pid, overrides={"allergy": "sulfite-free tefamine from the pharmacy"}
    )
    view = courses.show_course(uow, course_id)
    found = {f.rule_id: f for f in view.findings}
    assert found["allergy"].override_reason == "sulfite-free tefamine from the pharmacy"
    assert found["bleeding-risk"].severity == "warning"
    with uow:
        kept = uow.records.overrides_of(course_id)
        assert [(o.code, o.reason) for o in kept] == [
            ("allergy", "sulfite-free tefamine from the pharmacy")
        ]


def test_screen_reports_without_writing(uow: UnitOfWork, engine: Engine) -> None:
    setup_clinic(uow)
    pid = add_patient(uow, hypotension=True)
    before = dump(engine)
    result = courses.screen_patient(uow, DR, pid, cellulite())
    assert result.blocked
    assert [f.rule_id for f in result.findings] == ["xanthine-hypotension"]
    assert dump(engine) == before


def test_a_plan_from_another_protocol_is_refused(uow: UnitOfWork, engine: Engine) -> None:
    setup_clinic(uow)
    pid = add_patient(uow)
    before = dump(engine)
    face = builtin_protocols()["face"]
    with pytest.raises(RefusedError, match="plan again"):
        courses.start_course(
            uow,
            DR,
            pid,
            cellulite(),
            plan_document(face),
            courses.ScheduleOptions(start=date(2025, 3, 3)),
        )
    with pytest.raises(NotFoundError, match="unknown patient 42"):
        courses.start_course(
            uow,
            DR,
            42,
            cellulite(),
            plan_document(cellulite()),
            courses.ScheduleOptions(start=date(2025, 3, 3)),
        )
    assert dump(engine) == before

"""Rescheduling a stored course: a session moved or missed, the rest following with the
rules the course was planned with; every change kept with the schedule before it."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from sqlalchemy import Engine

from mesoplan.domain.errors import ScheduleError
from mesoplan.domain.record_errors import ConflictError, RefusedError
from mesoplan.services import courses, record_edits, schedule_changes, sessions
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import Clock, dump
from .records_factory import DR, NURSE, two_lot_mix, world


def _dates(view: courses.CourseView) -> list[str]:
    return [str(s["date"]) for s in view.sessions]


def test_a_moved_session_keeps_the_later_intervals_and_the_change_is_kept(
    uow: UnitOfWork,
) -> None:
    w = world(uow)
    before = courses.show_course(uow, w.course_id)
    assert _dates(before)[:6] == [
        "2025-03-03",
        "2025-03-10",
        "2025-03-17",
        "2025-03-24",
        "2025-04-07",
        "2025-04-21",
    ]
    view = schedule_changes.move_session(
        uow, DR, w.course_id, 3, date(2025, 3, 19), "patient away on the 17th"
    )
    assert _dates(view)[:6] == [
        "2025-03-03",
        "2025-03-10",
        "2025-03-19",
        "2025-03-26",
        "2025-04-09",
        "2025-04-23",
    ]
    assert len(view.sessions) == len(before.sessions)
    assert view.sessions[2]["status"] == "moved" and view.sessions[3]["status"] == "planned"
    assert view.sessions[2]["start"] == "2025-03-19T10:00+01:00"
    (change,) = schedule_changes.schedule_history(uow, w.course_id).items
    assert (change.action, change.session_number, change.revision) == ("moved", 3, 1)
    assert (change.from_date, change.to_date) == (date(2025, 3, 17), date(2025, 3, 19))
    assert change.reason == "patient away on the 17th" and change.changed_by == DR
    assert [s["date"] for s in change.previous_sessions] == _dates(before)
    assert [s["date"] for s in change.sessions] == _dates(view)


def test_two_changes_in_a_row_build_on_each_other(uow: UnitOfWork) -> None:
    w = world(uow)
    schedule_changes.move_session(uow, DR, w.course_id, 2, date(2025, 3, 11), "a")
    view = schedule_changes.move_session(
        uow, DR, w.course_id, 4, date(2025, 3, 27), "b", at=time(15, 30)
    )
    assert _dates(view)[:5] == [
        "2025-03-03",
        "2025-03-11",
        "2025-03-18",
        "2025-03-27",
        "2025-04-10",
    ]
    assert view.sessions[3]["start"] == "2025-03-27T15:30+01:00"
    assert view.sessions[1]["status"] == "moved"
    history = schedule_changes.schedule_history(uow, w.course_id).items
    assert [c.revision for c in history] == [1, 2]
    assert history[1].previous_sessions == history[0].sessions


def test_a_move_closer_than_the_protocol_allows_is_refused_and_changes_nothing(
    uow: UnitOfWork, engine: Engine
) -> None:
    w = world(uow)
    snapshot = dump(engine)
    with pytest.raises(ScheduleError, match=r"at least 6 days after session 1 .*2025-03-09 or"):
        schedule_changes.move_session(uow, DR, w.course_id, 2, date(2025, 3, 8), "too soon")
    with pytest.raises(RefusedError, match="before today"):
        schedule_changes.move_session(uow, DR, w.course_id, 2, date(2025, 3, 1), "past")
    with pytest.raises(RefusedError, match="needs a reason"):
        schedule_changes.move_session(uow, DR, w.course_id, 2, date(2025, 3, 12), "  ")
    with pytest.raises(ScheduleError, match="no session 99"):
        schedule_changes.mark_missed(uow, DR, w.course_id, 99, "x")
    assert dump(engine) == snapshot


def test_a_charted_session_is_done_and_never_moves(uow: UnitOfWork, clock: Clock) -> None:
    w = world(uow)
    sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    with pytest.raises(ScheduleError, match="session 1 is done on 2025-03-03"):
        schedule_changes.move_session(uow, DR, w.course_id, 1, date(2025, 3, 5), "x")
    clock.advance(days=2)
    view = schedule_changes.move_session(uow, NURSE, w.course_id, 2, date(2025, 3, 12), "x")
    assert view.sessions[0]["status"] == "done"
    assert _dates(view)[:3] == ["2025-03-03", "2025-03-12", "2025-03-19"]


def test_a_missed_session_is_rebooked_from_today(uow: UnitOfWork, clock: Clock) -> None:
    w = world(uow)
    clock.advance(days=9)  # Wednesday 12 March; session 2 was due on Monday 10 March
    view = schedule_changes.mark_missed(uow, DR, w.course_id, 2, "did not come")
    assert view.sessions[1]["status"] == "missed"
    assert _dates(view)[:4] == ["2025-03-03", "2025-03-12", "2025-03-19", "2025-03-26"]
    (change,) = schedule_changes.schedule_history(uow, w.course_id).items
    assert (change.action, change.from_date, change.to_date) == (
        "missed",
        date(2025, 3, 10),
        date(2025, 3, 12),
    )


def test_dating_a_course_again_is_kept_in_its_history(uow: UnitOfWork) -> None:
    w = world(uow)
    schedule_changes.move_session(uow, DR, w.course_id, 2, date(2025, 3, 12), "x")
    options = courses.ScheduleOptions(date(2025, 3, 5), time(11, 0))
    view = record_edits.reschedule_course(uow, DR, w.course_id, options)
    assert _dates(view)[:2] == ["2025-03-05", "2025-03-12"]
    history = schedule_changes.schedule_history(uow, w.course_id).items
    assert [(c.revision, c.action) for c in history] == [(1, "moved"), (2, "restarted")]
    assert history[1].reason == "course dated again from 2025-03-05"
    view = schedule_changes.move_session(uow, DR, w.course_id, 3, date(2025, 3, 20), "y")
    assert view.sessions[2]["start"] == "2025-03-20T11:00+01:00"
    assert schedule_changes.schedule_history(uow, w.course_id).items[-1].revision == 3


def test_a_stored_schedule_that_does_not_recompute_is_refused(uow: UnitOfWork) -> None:
    w = world(uow)
    with uow:
        row = uow.records.course(w.course_id)
        doc = json.loads(row.schedule_json)
        doc["sessions"][3]["start"] = "2025-03-25T10:00+01:00"
        row.schedule_json = json.dumps(doc)
        uow.commit()
    with pytest.raises(ScheduleError, match="cannot be recomputed"):
        schedule_changes.move_session(uow, DR, w.course_id, 5, date(2025, 4, 8), "x")


def test_one_revision_per_change_is_enforced_by_the_database(uow: UnitOfWork) -> None:
    w = world(uow)
    schedule_changes.move_session(uow, DR, w.course_id, 2, date(2025, 3, 11), "x")
    with uow:
        row = uow.records.course(w.course_id)
        who = uow.people.practitioner(DR)
        doc = json.loads(row.schedule_json)
        schedule_changes.keep_change(uow, row, who.id, "moved", "again", doc, revision=1)
        with pytest.raises(ConflictError):
            uow.flush()

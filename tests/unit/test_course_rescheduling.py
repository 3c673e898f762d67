"""Rescheduling: done sessions never move; later sessions follow the real date."""

from __future__ import annotations

import datetime as dt
import itertools
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import builtin_protocols
from mesoplan.domain.clinic_calendar import ClinicCalendar
from mesoplan.domain.course import CourseSchedule, SessionStatus
from mesoplan.domain.errors import ScheduleError
from mesoplan.domain.rescheduling import mark_done, mark_missed, move_session
from mesoplan.domain.scheduling import schedule_course

PROTOCOLS = builtin_protocols()
WEEKEND = ClinicCalendar.closed_on([5, 6])
START = date(2025, 1, 6)  # a Monday


def dates(schedule: CourseSchedule) -> list[date]:
    return [s.date for s in schedule.sessions]


def face() -> CourseSchedule:
    return schedule_course(PROTOCOLS["face"], START, calendar=WEEKEND)


def test_moving_a_session_recomputes_the_later_ones_from_the_real_date() -> None:
    before = face()
    after = move_session(before, 3, date(2025, 1, 22))  # a Wednesday, 2 days late
    assert dates(after)[:2] == dates(before)[:2]
    assert dates(after)[2:5] == [date(2025, 1, 22), date(2025, 1, 29), date(2025, 2, 5)]
    assert after.sessions[2].status is SessionStatus.MOVED
    assert len(after.sessions) == len(before.sessions)
    assert after.revision == before.revision + 1
    assert after.follow_ups[1].date >= after.sessions[-1].date + dt.timedelta(days=84)
    assert "outside its window" in after.warnings[0]


def test_a_move_cannot_break_min_days_between() -> None:
    schedule = face()
    with pytest.raises(ScheduleError, match=r"at least 6 days .* valid: 2025-01-19 or later"):
        move_session(schedule, 3, date(2025, 1, 18))


def test_a_done_session_never_moves() -> None:
    schedule = mark_done(face(), 2)
    assert schedule.sessions[1].status is SessionStatus.DONE
    with pytest.raises(ScheduleError, match="session 2 is done on 2025-01-13"):
        move_session(schedule, 2, date(2025, 1, 14))
    with pytest.raises(ScheduleError, match="never moves"):
        mark_missed(schedule, 2, today=date(2025, 1, 14))
    with pytest.raises(ScheduleError, match="already done on 2025-01-13"):
        mark_done(schedule, 2, on=date(2025, 1, 14))
    assert mark_done(schedule, 2) is schedule


def test_an_earlier_session_cannot_change_once_a_later_one_is_done() -> None:
    schedule = mark_done(face(), 4)
    with pytest.raises(ScheduleError, match="session 4 after session 3 is already done"):
        move_session(schedule, 3, date(2025, 1, 21))


def test_done_and_moved_sessions_survive_a_later_change() -> None:
    schedule = mark_done(face(), 1)
    schedule = move_session(schedule, 2, date(2025, 1, 14))
    schedule = mark_done(schedule, 2)
    schedule = move_session(schedule, 5, date(2025, 2, 5))
    assert [s.status for s in schedule.sessions[:5]] == [
        SessionStatus.DONE,
        SessionStatus.DONE,
        SessionStatus.PLANNED,
        SessionStatus.PLANNED,
        SessionStatus.MOVED,
    ]
    assert dates(schedule)[:6] == [
        date(2025, 1, 6),
        date(2025, 1, 14),
        date(2025, 1, 21),
        date(2025, 1, 28),
        date(2025, 2, 5),
        date(2025, 2, 12),
    ]
    assert schedule.revision == 4


def test_a_missed_session_is_rebooked_on_the_first_open_day_from_today() -> None:
    schedule = mark_missed(face(), 3, today=date(2025, 1, 24))  # a Friday
    assert schedule.sessions[2].date == date(2025, 1, 24)
    assert schedule.sessions[2].status is SessionStatus.MISSED
    assert dates(schedule)[3] == date(2025, 1, 31)
    rebooked = mark_missed(face(), 3, today=date(2025, 1, 25))  # a Saturday -> Monday
    assert rebooked.sessions[2].date == date(2025, 1, 27)


def test_a_missed_session_is_never_rebooked_before_its_planned_day() -> None:
    schedule = mark_missed(face(), 3, today=date(2025, 1, 2))
    assert schedule.sessions[2].date == date(2025, 1, 21)


def test_done_on_another_day_moves_the_later_sessions() -> None:
    schedule = mark_done(face(), 2, on=date(2025, 1, 15))
    assert dates(schedule)[1:3] == [date(2025, 1, 15), date(2025, 1, 22)]


def test_a_monthly_phase_counts_its_months_from_a_moved_session() -> None:
    hair = schedule_course(PROTOCOLS["hair"], date(2024, 1, 10))
    assert dates(hair)[4:7] == [date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30)]
    moved = move_session(hair, 6, date(2024, 4, 2))
    assert dates(moved)[5:] == [
        date(2024, 4, 2),
        date(2024, 5, 2),
        date(2024, 6, 2),
        date(2024, 7, 2),
        date(2024, 8, 2),
    ]


def test_unknown_session_number_names_the_range() -> None:
    with pytest.raises(ScheduleError, match="no session 11 in this course; valid: 1 to 10"):
        move_session(face(), 11, date(2025, 5, 1))


@given(
    pid=st.sampled_from(sorted(PROTOCOLS)),
    number=st.integers(1, 10),
    delay=st.integers(0, 40),
    done=st.integers(0, 9),
)
def test_property_min_days_between_survives_any_missed_session(
    pid: str, number: int, delay: int, done: int
) -> None:
    schedule = schedule_course(PROTOCOLS[pid], START, calendar=WEEKEND)
    for n in range(1, min(done, number - 1) + 1):
        schedule = mark_done(schedule, n)
    before = schedule
    today = schedule.sessions[number - 1].date + dt.timedelta(days=delay)
    schedule = mark_missed(schedule, number, today=today)
    phases = {p.name: p for p in schedule.protocol.phases}
    for a, b in itertools.pairwise(schedule.sessions):
        assert b.date >= phases[b.phase].earliest_after(a.date)
    for old, new in zip(before.sessions[: number - 1], schedule.sessions, strict=False):
        assert (old.date, old.status) == (new.date, new.status)
    assert schedule.sessions[number - 1].date >= today
    assert all(schedule.request.calendar.is_open(s.date) for s in schedule.sessions[number - 1 :])

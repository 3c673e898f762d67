"""Due and overdue, derived from a course's dates, what was charted and the day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mesoplan.domain.worklist import Due, Visit, classify, due_follow_ups, due_sessions

SESSIONS = [
    Visit(1, date(2025, 3, 3), date(2025, 3, 4)),
    Visit(2, date(2025, 3, 10), date(2025, 3, 11)),
    Visit(3, date(2025, 3, 17), date(2025, 3, 18)),
    Visit(4, date(2025, 3, 24), date(2025, 3, 25)),
]
FOLLOW_UPS = [
    Visit(None, date(2025, 4, 7), date(2025, 4, 7), "review"),
    Visit(None, date(2025, 6, 16), date(2025, 6, 16), "adverse_event"),
]


def _summary(found):  # type: ignore[no-untyped-def]
    return [(d.visit.number, d.due, d.days_overdue, d.later_overdue) for d in found]


def test_a_session_past_its_window_is_overdue_and_stands_for_the_later_ones() -> None:
    assert _summary(due_sessions(SESSIONS, {1}, date(2025, 3, 12))) == [
        (2, Due.OVERDUE, 1, 0),
        (3, Due.THIS_WEEK, 0, 0),
    ]
    assert _summary(due_sessions(SESSIONS, {1}, date(2025, 3, 19))) == [
        (2, Due.OVERDUE, 8, 1),
        (4, Due.THIS_WEEK, 0, 0),
    ]


def test_a_session_is_due_from_its_date_to_the_end_of_its_window() -> None:
    assert _summary(due_sessions(SESSIONS, {1}, date(2025, 3, 10))) == [(2, Due.TODAY, 0, 0)]
    assert _summary(due_sessions(SESSIONS, {1}, date(2025, 3, 11))) == [
        (2, Due.TODAY, 0, 0),
        (3, Due.THIS_WEEK, 0, 0),
    ]
    assert due_sessions(SESSIONS, {1, 2}, date(2025, 3, 11))[0].visit.number == 3
    assert due_sessions(SESSIONS, {1, 2, 3, 4}, date(2025, 3, 30)) == []


def test_follow_ups_are_due_once_the_sessions_are_charted_until_a_measurement() -> None:
    assert due_follow_ups(FOLLOW_UPS, SESSIONS, {1, 2, 3}, [], date(2025, 4, 7)) == []
    every = {1, 2, 3, 4}
    assert _summary(due_follow_ups(FOLLOW_UPS, SESSIONS, every, [], date(2025, 4, 2))) == [
        (None, Due.THIS_WEEK, 0, 0)
    ]
    late = due_follow_ups(FOLLOW_UPS, SESSIONS, every, [], date(2025, 4, 10))
    assert [(d.visit.kind, d.due, d.days_overdue) for d in late] == [("review", Due.OVERDUE, 3)]
    held = [date(2025, 3, 31)]
    assert due_follow_ups(FOLLOW_UPS, SESSIONS, every, held, date(2025, 4, 10)) == []
    early = [date(2025, 3, 30)]
    assert len(due_follow_ups(FOLLOW_UPS, SESSIONS, every, early, date(2025, 4, 10))) == 1


@given(
    st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    st.integers(0, 10),
    st.integers(-30, 30),
)
def test_classify_splits_the_days_without_overlap(day: date, spread: int, offset: int) -> None:
    visit = Visit(1, day, day + timedelta(days=spread))
    today = day + timedelta(days=offset)
    due = classify(visit, today)
    assert (due is Due.OVERDUE) == (today > visit.window_end)
    rebooked = Visit(1, visit.window_end + timedelta(days=2), visit.window_end)
    assert (classify(rebooked, today) is Due.OVERDUE) == (today > rebooked.day)
    assert (due is Due.TODAY) == (day <= today <= visit.window_end)
    assert (due is Due.THIS_WEEK) == (0 < (day - today).days < 7)

"""The course calendar: dated sessions of the built-in protocols, closed days, month ends."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from mesoplan import builtin_protocols
from mesoplan.domain.clinic_calendar import (
    ClinicCalendar,
    WindowSettings,
    WindowStep,
    add_months,
    clinic_zone,
)
from mesoplan.domain.course import CourseSchedule, FollowUpKind, PhaseLength
from mesoplan.domain.errors import ScheduleError
from mesoplan.domain.protocol import Phase, Protocol
from mesoplan.domain.scheduling import schedule_course

PROTOCOLS = builtin_protocols()
WEEKEND = ClinicCalendar.closed_on([5, 6])
ROME = "Europe/Rome"
START = date(2025, 1, 6)  # a Monday


def with_phases(base: Protocol, *phases: Phase) -> Protocol:
    return dataclasses.replace(base, phases=phases)


def monthly(months: int = 6, min_days: int = 21) -> Protocol:
    phase = Phase(
        name="monthly",
        interval_months=1,
        duration_months=months,
        min_interval_days=min_days,
        source="default",
    )
    return with_phases(PROTOCOLS["hair"], phase)


def dates(schedule: CourseSchedule) -> list[date]:
    return [s.date for s in schedule.sessions]


def gaps(days: list[date]) -> list[int]:
    return [(b - a).days for a, b in itertools.pairwise(days)]


# -- the three built-ins, all days open: counts and intervals per phase --------------------

BUILTIN_TABLE = [
    # protocol, sessions per phase, day gaps inside each phase (None: calendar months)
    ("cellulite", {"induction": 4, "maintenance": 6}, {"induction": 7, "maintenance": 14}),
    ("face", {"course": 10}, {"course": 7}),
    ("hair", {"induction": 4, "maintenance": 6}, {"induction": 7, "maintenance": None}),
]


@pytest.mark.parametrize(("pid", "counts", "steps"), BUILTIN_TABLE)
def test_builtin_counts_and_intervals_per_phase(
    pid: str, counts: dict[str, int], steps: dict[str, int | None]
) -> None:
    schedule = schedule_course(PROTOCOLS[pid], START, zone=ROME)
    by_phase: dict[str, list[date]] = {}
    for s in schedule.sessions:
        by_phase.setdefault(s.phase, []).append(s.date)
    assert {k: len(v) for k, v in by_phase.items()} == counts
    assert [s.number for s in schedule.sessions] == list(range(1, sum(counts.values()) + 1))
    for phase, days in by_phase.items():
        step = steps[phase]
        if step is None:
            assert days == [add_months(days[0], k) for k in range(len(days))]
        else:
            assert set(gaps(days)) == {step}
    assert schedule.warnings == ()


@pytest.mark.parametrize(
    ("pid", "first_gap"), [("cellulite", 14), ("hair", 31)]
)  # 27 Jan -> 27 Feb is 31 days
def test_a_phase_starts_one_of_its_own_intervals_after_the_phase_before(
    pid: str, first_gap: int
) -> None:
    s = schedule_course(PROTOCOLS[pid], START).sessions
    assert (s[4].date - s[3].date).days == first_gap
    assert (s[3].phase, s[4].phase) == ("induction", "maintenance")


# -- first and last dates for a given start, weekends closed ------------------------------

DATES_TABLE = [
    ("cellulite", date(2025, 1, 6), date(2025, 4, 21), 10),
    ("face", date(2025, 1, 6), date(2025, 3, 10), 10),
    # Hair maintenance: 27 Apr and 27 Jul 2025 are Sundays -> the Monday after.
    ("hair", date(2025, 1, 6), date(2025, 7, 28), 10),
]


@pytest.mark.parametrize(("pid", "first", "last", "count"), DATES_TABLE)
def test_first_and_last_dates_with_weekends_closed(
    pid: str, first: date, last: date, count: int
) -> None:
    schedule = schedule_course(
        PROTOCOLS[pid], START, at=dt.time(10, 0), zone=ROME, calendar=WEEKEND
    )
    assert len(schedule.sessions) == count
    assert schedule.sessions[0].date == first
    assert schedule.sessions[-1].date == last
    assert all(s.date.weekday() < 5 for s in schedule.sessions)
    assert all(s.window_start <= s.date <= s.window_end for s in schedule.sessions)
    assert all(s.start.time() == dt.time(10, 0) for s in schedule.sessions)
    assert all(
        s.start.tzinfo is not None and str(s.start.tzinfo) == ROME for s in schedule.sessions
    )


def test_hair_maintenance_moves_a_sunday_to_monday_and_keeps_its_month_grid() -> None:
    schedule = schedule_course(PROTOCOLS["hair"], START, calendar=WEEKEND)
    maintenance = [s for s in schedule.sessions if s.phase == "maintenance"]
    assert [s.nominal for s in maintenance] == [date(2025, m, 27) for m in (2, 3, 4, 5, 6, 7)]
    assert [s.date for s in maintenance] == [
        date(2025, 2, 27),
        date(2025, 3, 27),
        date(2025, 4, 28),
        date(2025, 5, 27),
        date(2025, 6, 27),
        date(2025, 7, 28),
    ]
    assert (maintenance[2].window_start, maintenance[2].window_end) == (
        date(2025, 4, 20),
        date(2025, 5, 4),
    )


# -- monthly steps across month ends and leap years ----------------------------------------

MONTH_END_TABLE = [
    (date(2025, 1, 31), [(2025, 1, 31), (2025, 2, 28), (2025, 3, 31), (2025, 4, 30)]),
    (date(2024, 1, 31), [(2024, 1, 31), (2024, 2, 29), (2024, 3, 31), (2024, 4, 30)]),
    (date(2023, 12, 30), [(2023, 12, 30), (2024, 1, 30), (2024, 2, 29), (2024, 3, 30)]),
    (date(2024, 2, 29), [(2024, 2, 29), (2024, 3, 29), (2024, 4, 29), (2024, 5, 29)]),
    (date(2099, 12, 31), [(2099, 12, 31), (2100, 1, 31), (2100, 2, 28), (2100, 3, 31)]),
]


@pytest.mark.parametrize(("start", "expected"), MONTH_END_TABLE)
def test_monthly_steps_count_from_the_phase_origin_and_clamp(
    start: date, expected: list[tuple[int, int, int]]
) -> None:
    schedule = schedule_course(monthly(months=4), start)
    assert dates(schedule) == [date(*ymd) for ymd in expected]
    assert schedule.warnings == ()


def test_hair_maintenance_after_an_induction_ending_on_the_31st() -> None:
    schedule = schedule_course(PROTOCOLS["hair"], date(2024, 1, 10))
    assert dates(schedule)[3] == date(2024, 1, 31)
    assert dates(schedule)[4:] == [
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
        date(2024, 6, 30),
        date(2024, 7, 31),
    ]


@given(st.dates(date(1900, 1, 1), date(2200, 12, 31)), st.integers(-240, 240))
def test_add_months_matches_dateutil(day: date, months: int) -> None:
    assert add_months(day, months) == day + relativedelta(months=months)


# -- closed days: the nearest open day in the window, later side first ---------------------

FACE = PROTOCOLS["face"]


def test_a_closed_day_moves_to_the_later_day_first_and_later_sessions_follow() -> None:
    calendar = ClinicCalendar.closed_on(holidays=[date(2025, 1, 13)])
    days = dates(schedule_course(FACE, START, calendar=calendar))
    assert days[:4] == [date(2025, 1, 6), date(2025, 1, 14), date(2025, 1, 21), date(2025, 1, 28)]


def test_the_earlier_side_is_used_when_the_later_is_closed() -> None:
    calendar = ClinicCalendar.closed_on(holidays=[date(2025, 1, 13), date(2025, 1, 14)])
    days = dates(schedule_course(FACE, START, calendar=calendar))
    assert days[:3] == [date(2025, 1, 6), date(2025, 1, 12), date(2025, 1, 19)]
    assert min(gaps(days)) >= (FACE.phases[0].min_days or 0)


def test_no_open_day_in_the_window_keeps_the_date_and_warns() -> None:
    closed = [date(2025, 1, 12), date(2025, 1, 13), date(2025, 1, 14)]
    schedule = schedule_course(FACE, START, calendar=ClinicCalendar.closed_on(holidays=closed))
    assert dates(schedule)[1] == date(2025, 1, 13)
    assert dates(schedule)[2] == date(2025, 1, 20)
    assert len(schedule.warnings) == 1
    assert "session 2 on 2025-01-13" in schedule.warnings[0]
    assert "2025-01-12 to 2025-01-14" in schedule.warnings[0]


def test_windows_follow_the_clinic_setting_per_interval_length() -> None:
    schedule = schedule_course(PROTOCOLS["cellulite"], START)
    s = schedule.sessions
    assert (s[1].window_start, s[1].window_end) == (date(2025, 1, 12), date(2025, 1, 14))
    assert (s[4].window_start, s[4].window_end) == (date(2025, 2, 7), date(2025, 2, 13))
    wide = WindowSettings((WindowStep(7, 2), WindowStep(10**6, 5)))
    s = schedule_course(PROTOCOLS["cellulite"], START, windows=wide).sessions
    # +/-2 days, but never closer than min_days_between (6) to the session before.
    assert (s[1].window_start, s[1].window_end) == (date(2025, 1, 12), date(2025, 1, 15))
    # +/-5 days around 10 Feb, but at least 11 days after 27 Jan.
    assert (s[4].window_start, s[4].window_end) == (date(2025, 2, 7), date(2025, 2, 15))


def test_a_start_on_a_closed_day_moves_within_the_first_window() -> None:
    schedule = schedule_course(FACE, date(2025, 1, 5), calendar=WEEKEND)  # a Sunday
    assert dates(schedule)[0] == date(2025, 1, 6)


# -- maintenance length, follow-ups, errors ------------------------------------------------


@pytest.mark.parametrize(
    ("pid", "length", "maintenance"),
    [
        ("cellulite", PhaseLength(months=6), 12),  # 27 Jan to 27 Jul: 181 days
        ("cellulite", PhaseLength(sessions=3), 3),
        ("cellulite", PhaseLength(days=28), 2),
        ("hair", PhaseLength(months=12), 12),
        ("hair", PhaseLength(sessions=2), 2),
    ],
)
def test_a_chosen_maintenance_length(pid: str, length: PhaseLength, maintenance: int) -> None:
    schedule = schedule_course(PROTOCOLS[pid], START, phase_lengths={"maintenance": length})
    assert sum(s.phase == "maintenance" for s in schedule.sessions) == maintenance
    assert sum(s.phase == "induction" for s in schedule.sessions) == 4


def test_follow_up_visits() -> None:
    schedule = schedule_course(PROTOCOLS["face"], START, calendar=WEEKEND)
    last = schedule.sessions[-1].date
    review, safety = schedule.follow_ups
    assert review.kind is FollowUpKind.REVIEW and review.date == last + dt.timedelta(days=7)
    assert safety.kind is FollowUpKind.ADVERSE_EVENT
    assert safety.date == last + dt.timedelta(days=84)  # a Monday: open
    assert "84 days" in safety.reason


def test_the_adverse_event_follow_up_is_never_early() -> None:
    last = date(2025, 3, 10)  # face, weekly from 6 Jan: +84 days is Mon 2 Jun
    holidays = [date(2025, 6, 2), date(2025, 6, 3)]
    calendar = ClinicCalendar.closed_on([5, 6], holidays)
    schedule = schedule_course(PROTOCOLS["face"], START, calendar=calendar)
    assert schedule.sessions[-1].date == last
    assert schedule.follow_ups[1].date == date(2025, 6, 4)


def test_unknown_phase_length_names_the_valid_phases() -> None:
    with pytest.raises(ScheduleError, match="no phase 'maintenance'; valid: course"):
        schedule_course(FACE, START, phase_lengths={"maintenance": PhaseLength(months=2)})


def test_a_time_outside_opening_hours_is_refused() -> None:
    with pytest.raises(ScheduleError, match=r"20:00 is outside .* 08:00-20:00"):
        schedule_course(FACE, START, at=dt.time(20, 0))
    with pytest.raises(ScheduleError, match="19:45"):
        schedule_course(FACE, START, at=dt.time(19, 45))  # a 30-minute session ends 20:15


def test_unknown_time_zone_suggests_a_valid_one() -> None:
    with pytest.raises(ScheduleError, match=r"unknown time zone 'Europe/Roma'.*Europe/Rome"):
        clinic_zone("Europe/Roma")
    with pytest.raises(ScheduleError, match="IANA"):
        clinic_zone("../etc/passwd")
    assert clinic_zone("Europe/Rome").key == "Europe/Rome"


@pytest.mark.parametrize(
    "kwargs",
    [{"sessions": 0}, {"months": 1, "sessions": 1}, {}],
)
def test_a_phase_length_is_one_positive_number(kwargs: dict[str, int]) -> None:
    with pytest.raises(ScheduleError, match="exactly one"):
        PhaseLength(**kwargs)


def test_a_wall_time_skipped_by_daylight_saving_is_warned_about() -> None:
    calendar = ClinicCalendar(opens=dt.time(0, 0), closes=dt.time(23, 0))
    schedule = schedule_course(
        FACE, date(2025, 3, 16), at=dt.time(2, 30), zone=ROME, calendar=calendar
    )
    moved = schedule.sessions[2]  # Sunday 30 March 2025: 02:00 -> 03:00
    assert moved.start.isoformat() == "2025-03-30T03:30:00+02:00"
    assert any("does not exist in Europe/Rome" in w for w in schedule.warnings)


def test_the_course_id_is_stable() -> None:
    a = schedule_course(FACE, START, zone=ROME)
    b = schedule_course(FACE, START, zone=ROME)
    c = schedule_course(FACE, START + dt.timedelta(days=1), zone=ROME)
    assert a.course_id == b.course_id != c.course_id


# -- properties over random calendars and holidays -----------------------------------------

calendars = st.builds(
    lambda open_days, holidays: ClinicCalendar(
        open_weekdays=frozenset(open_days), closed_dates=frozenset(holidays)
    ),
    st.sets(st.integers(0, 6), min_size=1),
    st.lists(st.dates(date(2024, 1, 1), date(2026, 12, 31)), max_size=40),
)
lengths = (
    st.none()
    | st.builds(PhaseLength, months=st.integers(1, 12))
    | st.builds(PhaseLength, sessions=st.integers(1, 15))
)


@given(
    pid=st.sampled_from(sorted(PROTOCOLS)),
    start=st.dates(date(2024, 1, 1), date(2025, 6, 30)),
    calendar=calendars,
    length=lengths,
)
def test_property_schedules_respect_the_calendar(
    pid: str, start: date, calendar: ClinicCalendar, length: PhaseLength | None
) -> None:
    protocol = PROTOCOLS[pid]
    override = {"maintenance": length} if length and pid != "face" else None
    schedule = schedule_course(protocol, start, calendar=calendar, phase_lengths=override)
    sessions = schedule.sessions
    phases = {p.name: p for p in protocol.phases}
    all_open = schedule_course(protocol, start, phase_lengths=override)
    assert len(sessions) == len(all_open.sessions)
    for s in sessions:
        assert s.window_start <= s.date <= s.window_end
        if not calendar.is_open(s.date):
            assert any(f"session {s.number} on {s.date}" in w for w in schedule.warnings)
    for before, after in itertools.pairwise(sessions):
        assert after.date >= phases[after.phase].earliest_after(before.date)
    last = sessions[-1].date
    assert schedule.follow_ups[1].date >= last + dt.timedelta(days=protocol.follow_up_days)
    assert schedule.follow_ups[0].date > last


@given(start=st.dates(date(2024, 1, 1), date(2025, 12, 31)), calendar=calendars)
def test_property_closed_day_moves_stay_within_the_window_nearest_first(
    start: date, calendar: ClinicCalendar
) -> None:
    schedule = schedule_course(FACE, start, calendar=calendar)
    for s in schedule.sessions:
        if s.date != s.nominal and calendar.is_open(s.date):
            distance = abs((s.date - s.nominal).days)
            nearer = [
                s.nominal + dt.timedelta(days=d)
                for d in range(-distance + 1, distance)
                if s.window_start <= s.nominal + dt.timedelta(days=d) <= s.window_end
            ]
            assert not any(calendar.is_open(d) for d in nearer)
            if s.date < s.nominal:  # the later side at the same distance was not usable
                mirror = s.nominal + dt.timedelta(days=distance)
                assert mirror > s.window_end or not calendar.is_open(mirror)

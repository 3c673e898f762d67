"""Parsing the course-calendar options of ``mesoplan plan``: one clear line per mistake."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from mesoplan import builtin_protocols
from mesoplan.domain.errors import ScheduleError
from mesoplan.entrypoints.cli.schedule_options import (
    ScheduleOptions,
    build_schedule,
    parse_date,
    parse_holidays,
    parse_time,
    parse_weekdays,
    schedule_ics_for,
    schedule_json_for,
)

PROTOCOLS = builtin_protocols()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("sat,sun", {5, 6}), ("Sat, SUN", {5, 6}), ("monday", {0}), ("wed", {2})],
)
def test_weekdays(text: str, expected: set[int]) -> None:
    assert parse_weekdays(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["sa", "sat,funday", "", "mon,,tue"])
def test_unknown_weekdays_name_the_valid_ones(text: str) -> None:
    with pytest.raises(ScheduleError, match="valid: a comma-separated list of mon, tue, wed"):
        parse_weekdays(text)


def test_closing_every_day_is_refused() -> None:
    with pytest.raises(ScheduleError, match="at least one"):
        parse_weekdays("mon,tue,wed,thu,fri,sat,sun")


@pytest.mark.parametrize("text", ["2025-02-30", "2025-1-6", "06/01/2025", "20250106", "soon"])
def test_bad_dates(text: str) -> None:
    with pytest.raises(ScheduleError, match=r"--start .* valid: a calendar date YYYY-MM-DD"):
        parse_date(text, "--start")


def test_times_and_holidays() -> None:
    assert parse_time("9:05") == dt.time(9, 5)
    for bad in ("25:00", "9h", "09:60", "0900"):
        with pytest.raises(ScheduleError, match="valid: HH:MM on a 24-hour clock"):
            parse_time(bad)
    assert parse_holidays(["2025-04-21", "2025-05-01,2025-06-02"]) == [
        dt.date(2025, 4, 21),
        dt.date(2025, 5, 1),
        dt.date(2025, 6, 2),
    ]
    with pytest.raises(ScheduleError, match="--holiday '2025-13-01'"):
        parse_holidays(["2025-13-01"])


def test_build_schedule_from_options() -> None:
    options = ScheduleOptions(
        start="2025-01-06",
        time="10:00",
        tz="Europe/Rome",
        closed="sat,sun",
        holidays=("2025-01-13",),
        maintenance_months=6,
    )
    schedule = build_schedule(PROTOCOLS["hair"], options)
    assert schedule.sessions[1].date == dt.date(2025, 1, 14)
    assert sum(s.phase == "maintenance" for s in schedule.sessions) == 6
    assert schedule.sessions[0].start.isoformat() == "2025-01-06T10:00:00+01:00"


def test_maintenance_months_need_a_maintenance_phase() -> None:
    options = ScheduleOptions(start="2025-01-06", maintenance_months=3)
    with pytest.raises(ScheduleError, match=r"'face' has no maintenance phase .*course"):
        build_schedule(PROTOCOLS["face"], options)
    for months in (0, 121, 1_000_000):
        with pytest.raises(ScheduleError, match="valid: a whole number of months, 1 to 120"):
            options = ScheduleOptions(start="2025-01-06", maintenance_months=months)
            build_schedule(PROTOCOLS["hair"], options)


def test_json_and_ics_for_a_protocol(capsys: pytest.CaptureFixture[str]) -> None:
    options = ScheduleOptions(
        start="2025-01-06", holidays=("2025-01-12", "2025-01-13", "2025-01-14")
    )
    data = schedule_json_for(PROTOCOLS["face"], options)
    assert list(data) == ["sessions", "follow_up"]
    assert data["sessions"][0] == {
        "number": 1,
        "phase": "course",
        "date": "2025-01-06",
        "start": "2025-01-06T09:00+00:00",
        "window_start": "2025-01-05",
        "window_end": "2025-01-07",
        "protocol": "face@2.0.0",
    }
    assert "warning: session 2 on 2025-01-13" in capsys.readouterr().err
    text = schedule_ics_for(PROTOCOLS["face"], options, zones=["face"])
    assert text.count("BEGIN:VEVENT") == 12


def test_the_options_module_loads_no_calendar_library() -> None:
    code = (
        "import sys, mesoplan.entrypoints.cli.schedule_options; "
        "print(sorted(m for m in ('icalendar', 'dateutil', 'recurring_ical_events') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

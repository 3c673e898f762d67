"""The iCalendar export, read back by an independent reader (recurring-ical-events)."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any

import icalendar
import pytest
import recurring_ical_events

from mesoplan import builtin_protocols
from mesoplan.adapters.ical import course_ics, session_uid
from mesoplan.adapters.schedule_json import schedule_json
from mesoplan.domain.clinic_calendar import ClinicCalendar
from mesoplan.domain.course import CourseSchedule
from mesoplan.domain.rescheduling import move_session
from mesoplan.domain.scheduling import schedule_course

PROTOCOLS = builtin_protocols()
STAMP = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)
CALENDAR = ClinicCalendar.closed_on([5, 6], [date(2025, 4, 21)], location="Studio Bianchi, Roma")


def course(pid: str, start: date, zone: str = "Europe/Rome") -> CourseSchedule:
    return schedule_course(PROTOCOLS[pid], start, at=dt.time(10, 30), zone=zone, calendar=CALENDAR)


def read_back(text: str, first: date, last: date) -> list[Any]:
    cal = icalendar.Calendar.from_ical(text)
    events = recurring_ical_events.of(cal).between(first, last + dt.timedelta(days=1))
    return sorted(events, key=lambda e: e.decoded("DTSTART"))


# Spring (30 Mar 2025) and autumn (26 Oct 2025) daylight-saving changes in Europe/Rome.
CASES = [
    ("cellulite", date(2025, 2, 3)),
    ("face", date(2025, 2, 17)),
    ("hair", date(2025, 2, 3)),
    ("face", date(2025, 9, 15)),
    ("hair", date(2025, 8, 4)),
]


@pytest.mark.parametrize(("pid", "start"), CASES)
def test_the_ics_read_back_gives_the_json_local_start_times(pid: str, start: date) -> None:
    schedule = course(pid, start)
    data = schedule_json(schedule)
    first, last = schedule.sessions[0].date, schedule.follow_ups[-1].date
    events = read_back(course_ics(schedule, stamp=STAMP), first, last)
    sessions = [e for e in events if "-session-" in str(e["UID"])]
    assert [e.decoded("DTSTART").isoformat(timespec="minutes") for e in sessions] == [
        s["start"] for s in data["sessions"]
    ]
    assert [str(e["UID"]) for e in sessions] == [
        session_uid(schedule, s["number"]) for s in data["sessions"]
    ]
    others = [e.decoded("DTSTART").date().isoformat() for e in events if e not in sessions]
    assert others == [f["date"] for f in data["follow_up"]]
    offsets = {s["start"][-6:] for s in data["sessions"]}
    assert offsets == {"+01:00", "+02:00"}  # the course crosses a daylight-saving change
    assert {e.decoded("DTSTART").strftime("%H:%M") for e in events} == {"10:30"}


def test_the_calendar_holds_a_vtimezone_and_one_event_per_visit() -> None:
    schedule = course("cellulite", date(2025, 2, 3))
    cal = icalendar.Calendar.from_ical(course_ics(schedule, stamp=STAMP))
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Rome"]
    events = cal.walk("VEVENT")
    assert len(events) == len(schedule.sessions) + 2
    assert len({str(e["UID"]) for e in events}) == len(events)
    third = events[2]
    assert str(third["SUMMARY"]) == (
        "Mesotherapy: Cellulite (thighs, hips, stomach), session 3 of 10"
    )
    description = str(third["DESCRIPTION"])
    assert "Protocol: Cellulite (thighs, hips, stomach) (cellulite@2.0.0)" in description
    assert "Zones: thighs, hips, stomach" in description
    assert "Session 3 of 10, phase induction" in description
    assert str(third["LOCATION"]) == "Studio Bianchi, Roma"
    assert third["DTSTART"].params["TZID"] == "Europe/Rome"
    assert third.decoded("DTEND") - third.decoded("DTSTART") == dt.timedelta(minutes=30)
    assert third.decoded("DTSTAMP") == STAMP
    alarms = third.walk("VALARM")
    assert len(alarms) == 1
    assert alarms[0].decoded("TRIGGER") == dt.timedelta(days=-1)
    assert str(alarms[0]["ACTION"]) == "DISPLAY"


def test_options_zones_location_and_reminder() -> None:
    schedule = course("face", date(2025, 2, 17))
    text = course_ics(
        schedule,
        zones=["face"],
        location="Room 2",
        reminder=dt.timedelta(hours=2),
        stamp=STAMP,
    )
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert "Zones: face" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "Room 2"
    assert event.walk("VALARM")[0].decoded("TRIGGER") == dt.timedelta(hours=-2)
    quiet = course_ics(schedule, reminder=None, stamp=STAMP)
    assert "BEGIN:VALARM" not in quiet


def test_uids_are_stable_and_a_rescheduled_course_raises_the_sequence() -> None:
    schedule = course("face", date(2025, 2, 17))
    assert course_ics(schedule, stamp=STAMP) == course_ics(schedule, stamp=STAMP)
    moved = move_session(schedule, 4, date(2025, 3, 12))
    before = icalendar.Calendar.from_ical(course_ics(schedule, stamp=STAMP)).walk("VEVENT")
    after = icalendar.Calendar.from_ical(course_ics(moved, stamp=STAMP)).walk("VEVENT")
    assert [str(e["UID"]) for e in before] == [str(e["UID"]) for e in after]
    assert {int(e["SEQUENCE"]) for e in before} == {0}
    assert {int(e["SEQUENCE"]) for e in after} == {1}
    assert after[3].decoded("DTSTART").date() == date(2025, 3, 12)


def test_lines_end_with_crlf_and_fold_at_75_octets() -> None:
    text = course_ics(course("hair", date(2025, 2, 3)), stamp=STAMP)
    lines = text.split("\r\n")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert max(len(line.encode("utf-8")) for line in lines) <= 75
    assert text.startswith("BEGIN:VCALENDAR\r\n")


def test_a_zone_far_from_europe() -> None:
    schedule = course("face", date(2025, 3, 3), zone="America/New_York")  # DST on 9 Mar
    events = read_back(course_ics(schedule, stamp=STAMP), date(2025, 3, 1), date(2025, 9, 1))
    offsets = [e.decoded("DTSTART").utcoffset() for e in events[:3]]
    assert offsets == [dt.timedelta(hours=-5), dt.timedelta(hours=-4), dt.timedelta(hours=-4)]


@pytest.mark.parametrize(("pid", "start"), CASES)
def test_the_vtimezone_alone_gives_the_same_instants(pid: str, start: date) -> None:
    """Renamed so no reader can look the zone up by name: only the VTIMEZONE is left.
    (A name per case: icalendar caches the zones it builds from a VTIMEZONE by TZID.)"""
    schedule = course(pid, start)
    tzid = f"Clinic time {pid} {start}"
    text = course_ics(schedule, stamp=STAMP).replace("Europe/Rome", tzid)
    first, last = schedule.sessions[0].date, schedule.follow_ups[-1].date
    events = read_back(text, first, last)
    expected = [s.start for s in schedule.sessions] + [f.start for f in schedule.follow_ups]
    starts = [e.decoded("DTSTART") for e in events]
    assert [s.isoformat() for s in starts] == [s.isoformat() for s in sorted(expected)]

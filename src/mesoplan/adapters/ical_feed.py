"""A calendar feed as iCalendar (RFC 5545): one VEVENT per appointment, each with a stable
UID, a DTSTAMP and its start in the clinic's zone (with the VTIMEZONE), so Google, Apple
and Outlook calendars subscribed to the feed keep each session's local time across a
daylight-saving change and update a moved session in place."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

PRODID = "-//mesoplan//calendar feed//EN"


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    start: dt.datetime
    """Aware, in the feed's zone."""
    duration_min: int
    summary: str
    description: str
    sequence: int = 0


def feed_ics(
    events: Sequence[FeedEvent], zone: ZoneInfo, name: str, location: str, stamp: dt.datetime
) -> str:
    """The feed's text (CRLF line ends); ``stamp``: the DTSTAMP of every event."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone.key)
    years = [e.start.year for e in events] or [stamp.year]
    cal.add_component(
        Timezone.from_tzinfo(
            zone,
            tzid=zone.key,
            first_date=dt.date(min(years), 1, 1),
            last_date=dt.date(max(years) + 1, 1, 1),
        )
    )
    for e in events:
        event = Event()
        event.add("uid", e.uid)
        event.add("dtstamp", stamp.astimezone(dt.UTC))
        event.add("sequence", e.sequence)
        event.add("dtstart", e.start.astimezone(zone))
        event.add("dtend", e.start.astimezone(zone) + dt.timedelta(minutes=e.duration_min))
        event.add("summary", e.summary)
        event.add("description", e.description)
        event.add("location", location)
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data.decode("utf-8")

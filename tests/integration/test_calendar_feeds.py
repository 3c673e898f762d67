"""Calendar feeds: read by recurring-ical-events; UID, DTSTAMP and the VTIMEZONE on every
event; a session across a daylight-saving change keeps its local time; no patient name
in the default feed; a revoked token answers 404."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import Engine

from mesoplan.domain.record_errors import NotFoundError
from mesoplan.services import calendar_feeds, schedule_changes
from mesoplan.services.unit_of_work import UnitOfWork

from .api_support import ZONES, clinic_with_roles, iso, make_client, now
from .records_factory import DR, NURSE, add_patient, start_course, world

ROME = ZoneInfo("Europe/Rome")


def _events(text: str) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(text)
    return list(recurring_ical_events.of(cal).between(date(2025, 1, 1), date(2026, 1, 1)))


def test_the_default_feed_says_appointment_in_local_time(uow: UnitOfWork) -> None:
    w = world(uow)
    made = calendar_feeds.create_feed(uow, DR)
    assert made.token.startswith("mpc_") and made.path == f"/calendar/{made.token}.ics"
    text = calendar_feeds.feed_calendar(uow, made.token)
    cal = icalendar.Calendar.from_ical(text)
    (tz,) = cal.walk("VTIMEZONE")
    assert tz["TZID"] == "Europe/Rome"
    events = _events(text)
    assert len(events) == 12  # the course's 10 sessions and its 2 follow-up visits
    for e in events:
        assert e["UID"].endswith("@mesoplan") and "DTSTAMP" in e
        assert str(e["SUMMARY"]) == "appointment"
        assert str(e["DESCRIPTION"]).startswith("ref ")
        assert e["DTSTART"].params["TZID"] == "Europe/Rome"
    assert len({str(e["UID"]) for e in events}) == 12
    starts = sorted(e["DTSTART"].dt for e in events)
    before, after = starts[3], starts[4]  # 24 March (CET), 7 April (CEST)
    assert (before.date(), after.date()) == (date(2025, 3, 24), date(2025, 4, 7))
    assert before.astimezone(ROME).time() == after.astimezone(ROME).time() == time(10, 0)
    assert before.utcoffset() == timedelta(hours=1) and after.utcoffset() == timedelta(hours=2)
    for secret in ("Testpatient", "Alice", "cellulite", "thigh", "Cellulite"):
        assert secret not in text
    # a moved session keeps its UID: a subscribed calendar updates it in place
    uids = {e["DTSTART"].dt.date(): str(e["UID"]) for e in events}
    schedule_changes.move_session(uow, DR, w.course_id, 5, date(2025, 4, 8), "x")
    moved = {
        e["DTSTART"].dt.date(): str(e["UID"])
        for e in _events(calendar_feeds.feed_calendar(uow, made.token))
    }
    assert moved[date(2025, 4, 8)] == uids[date(2025, 4, 7)]


def test_a_feed_may_show_initials_and_covers_one_practitioner(uow: UnitOfWork) -> None:
    world(uow)
    start_course(uow, add_patient(uow, "Bianco"))
    mine = calendar_feeds.create_feed(uow, DR, NURSE, "initials")
    assert _events(calendar_feeds.feed_calendar(uow, mine.token)) == []  # the nurse started none
    clinic = calendar_feeds.create_feed(uow, DR, detail="initials")
    summaries = {
        str(e["SUMMARY"]) for e in _events(calendar_feeds.feed_calendar(uow, clinic.token))
    }
    assert summaries == {"appointment A.T.", "appointment A.B."}
    protocol = calendar_feeds.create_feed(uow, DR, DR, "protocol")
    summaries = {
        str(e["SUMMARY"]) for e in _events(calendar_feeds.feed_calendar(uow, protocol.token))
    }
    assert summaries == {"appointment: cellulite"}


def test_a_revoked_or_unknown_token_is_not_found(uow: UnitOfWork) -> None:
    world(uow)
    made = calendar_feeds.create_feed(uow, DR)
    view = calendar_feeds.revoke_feed(uow, DR, made.feed.id)
    assert view.revoked_at is not None
    with pytest.raises(NotFoundError):
        calendar_feeds.feed_calendar(uow, made.token)
    with pytest.raises(NotFoundError):
        calendar_feeds.feed_calendar(uow, "mpc_" + "x" * 43)
    assert [f.revoked_at is not None for f in calendar_feeds.list_feeds(uow, DR)] == [True]


def test_the_feed_through_the_api(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "k")
    anna = c.headers["practitioner"]
    body = {"family_name": "Neri", "given_name": "Lia", "birth_date": "1980-02-03", "sex": "female"}
    body["history"] = {"consent_given_at": iso(now() - timedelta(days=1))}
    pid = client.post("/patients", json=body, headers=anna).json()["id"]
    start = datetime.now(ROME).date() + timedelta(days=1)
    r = client.post(
        f"/patients/{pid}/courses",
        json={"protocol": "cellulite", "zones": ZONES, "start_date": start.isoformat()},
        headers=anna,
    )
    assert r.status_code == 201
    made = client.post("/calendar-feeds", json={}, headers=anna)
    assert made.status_code == 201, made.text
    path = made.json()["path"]
    feed = client.get(path)  # no sign-in: the token is the credential
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    assert "Neri" not in feed.text and "Lia" not in feed.text and "SUMMARY:appointment" in feed.text
    assert client.post("/calendar-feeds", json={"detail": "names"}, headers=anna).status_code == 422
    feed_id = made.json()["feed"]["id"]
    assert (
        client.post(f"/calendar-feeds/{feed_id}/revoke", headers=c.headers["auditor"]).status_code
        == 403
    )
    assert client.post(f"/calendar-feeds/{feed_id}/revoke", headers=anna).status_code == 200
    assert client.get(path).status_code == 404
    assert client.get("/calendar/mpc_unknown.ics").status_code == 404
    listed = client.get("/calendar-feeds", headers=c.headers["auditor"]).json()["items"]
    assert [f["revoked_at"] is not None for f in listed] == [True]

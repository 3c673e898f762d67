"""Use cases: calendar feeds. A clinic (or one practitioner) gets a read-only iCalendar
URL named by a secret token, which calendar applications subscribe to; revoking the
feed makes its URL answer "not found". By default an event says only "appointment" and
an opaque reference (no name, no protocol); a feed may show the patient's initials or
the protocol instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.record_errors import NotFoundError, RefusedError
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from ..adapters.db.clinic_ops import CalendarFeedRow

DETAILS: tuple[str, ...] = ("none", "initials", "protocol")
TOKEN_PREFIX = "mpc_"
PAST_DAYS, AHEAD_DAYS = 90, 400
"""The feed holds the appointments from this many days ago to this many days ahead."""
MAX_EVENTS = 5000


@dataclass(frozen=True)
class FeedView:
    id: int
    practitioner: str | None
    """None: the whole clinic."""
    detail: str
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class NewFeed:
    feed: FeedView
    token: str
    """The secret of the feed's URL: shown once, kept only as its SHA-256."""
    path: str


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _view(uow: UnitOfWork, row: CalendarFeedRow) -> FeedView:
    who = uow.people.practitioner_by_id
    practitioner = who(row.practitioner_id).handle if row.practitioner_id else None
    return FeedView(
        row.id,
        practitioner,
        row.detail,
        row.created_at,
        who(row.created_by_id).handle,
        row.revoked_at,
    )


def create_feed(
    uow: UnitOfWork, actor: str | None, practitioner: str | None = None, detail: str = "none"
) -> NewFeed:
    """A new feed of the clinic's appointments, or of ``practitioner``'s courses."""
    from ..adapters.db.clinic_ops import CalendarFeedRow

    if detail not in DETAILS:
        raise RefusedError(f"feed detail {detail!r}; valid: {', '.join(DETAILS)}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uow:
        who = uow.people.practitioner(actor)
        whose = None
        if practitioner:
            found = uow.people.practitioner(practitioner)
            if found.clinic_id != who.clinic_id:
                raise NotFoundError(f"unknown practitioner {practitioner!r}")
            whose = found.id
        row = uow.records.add(
            CalendarFeedRow(
                clinic_id=who.clinic_id,
                practitioner_id=whose,
                detail=detail,
                token_sha256=_digest(token),
                created_at=uow.now(),
                created_by_id=who.id,
            )
        )
        uow.flush()
        view = _view(uow, row)
        uow.commit()
        return NewFeed(view, token, feed_path(token))


def list_feeds(uow: UnitOfWork, actor: str | None) -> list[FeedView]:
    from sqlalchemy import select

    from ..adapters.db.clinic_ops import CalendarFeedRow

    with uow:
        who = uow.people.practitioner(actor)
        q = select(CalendarFeedRow).where(CalendarFeedRow.clinic_id == who.clinic_id)
        return [_view(uow, r) for r in uow.session.scalars(q.order_by(CalendarFeedRow.id))]


def revoke_feed(uow: UnitOfWork, actor: str | None, feed_id: int) -> FeedView:
    """From now on the feed's URL answers "not found"."""
    from ..adapters.db.clinic_ops import CalendarFeedRow

    with uow:
        who = uow.people.practitioner(actor)
        row = uow.session.get(CalendarFeedRow, feed_id)
        if row is None or row.clinic_id != who.clinic_id:
            raise NotFoundError(f"unknown calendar feed {feed_id}")
        if row.revoked_at is None:
            row.revoked_at = uow.now()
        uow.flush()
        view = _view(uow, row)
        uow.commit()
        return view


def feed_calendar(uow: UnitOfWork, token: str) -> str:
    """The iCalendar text of the feed ``token`` names (NotFoundError when it is unknown
    or revoked). ``uow`` is not scoped to a clinic: the token says which."""
    from sqlalchemy import select

    from ..adapters.db.clinic_ops import CalendarFeedRow
    from ..adapters.ical_feed import feed_ics
    from ..domain.clinic_calendar import clinic_zone

    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        raise NotFoundError("unknown calendar feed")
    with uow:
        q = select(CalendarFeedRow).where(CalendarFeedRow.token_sha256 == _digest(token))
        feed = uow.session.scalar(q)
        if feed is None or feed.revoked_at is not None:
            raise NotFoundError("unknown calendar feed")
        clinic = uow.people.clinic_by_id(feed.clinic_id)
        zone = clinic_zone(clinic.timezone)
        now = uow.now()
        events = _events(uow, feed, zone, now.astimezone(zone).date())
        name = f"{clinic.name} appointments"
        return feed_ics(events, zone, name, clinic.name, now)


def _events(uow: UnitOfWork, feed: CalendarFeedRow, zone: Any, today: dt.date) -> list[Any]:
    from ..adapters.ical_feed import FeedEvent
    from .worklists import clinic_courses

    first, last = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=AHEAD_DAYS)
    out: list[FeedEvent] = []
    for course, patient, protocol in clinic_courses(uow, feed.clinic_id):
        if feed.practitioner_id is not None and course.started_by_id != feed.practitioner_id:
            continue
        doc = json.loads(course.schedule_json)
        duration = int((doc.get("request") or {}).get("duration_min") or 30)
        visits = [(f"s{s['number']}", str(s["start"])) for s in doc.get("sessions", [])]
        visits += [(f"f{i}", str(f["date"])) for i, f in enumerate(doc.get("follow_up", []))]
        for key, start in visits:
            when = _start(start, zone, doc)
            if not first <= when.date() <= last:
                continue
            ref = hmac.new(feed.token_sha256.encode(), f"{course.id}:{key}".encode(), "sha256")
            ref_text = ref.hexdigest()[:16]
            summary = _summary(feed.detail, patient, protocol)
            out.append(
                FeedEvent(f"{ref_text}@mesoplan", when, duration, summary, f"ref {ref_text}",
                          int(doc.get("revision") or 0))
            )  # fmt: skip
            if len(out) >= MAX_EVENTS:
                return out
    return sorted(out, key=lambda e: e.start)


def _start(text: str, zone: Any, doc: dict[str, Any]) -> dt.datetime:
    """A session's start (local, with offset) or a follow-up's date (at the course's
    time) in the clinic's zone."""
    if "T" in text:
        return dt.datetime.fromisoformat(text).astimezone(zone)
    at = str((doc.get("request") or {}).get("at") or "09:00")
    return dt.datetime.combine(dt.date.fromisoformat(text), dt.time.fromisoformat(at), tzinfo=zone)


def _summary(detail: str, patient: Any, protocol: str) -> str:
    if detail == "initials":
        return f"appointment {patient.given_name[:1]}.{patient.family_name[:1]}."
    if detail == "protocol":
        return f"appointment: {protocol.split('@')[0]}"
    return "appointment"

"""Course limits at charting: the minimum interval between sessions, the maximum number
of sessions and the most one session may deliver. Each breach is a stop that only an
override with a reason lets through (the calendar itself never proposes one: see
:mod:`.scheduling`). Dates are the clinic's local dates, passed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .protocol import Phase, Protocol
from .safety import Finding, ScreeningResult
from .session_volume import session_volume_text

_TOLERANCE_ML = 1e-6


@dataclass(frozen=True)
class Charted:
    """A session of the course: its number, the date it was (or is) held on and the
    phase the course's calendar gives it."""

    number: int
    date: dt.date
    phase: Phase


def check_interval(earlier: Charted, later: Charted) -> Finding | None:
    """``course-min-interval`` when ``later`` comes sooner after ``earlier`` than its
    phase's minimum interval allows."""
    earliest = later.phase.earliest_after(earlier.date)
    if later.date >= earliest:
        return None
    days = (later.date - earlier.date).days
    return Finding(
        "course-min-interval",
        "stop",
        f"session {later.number} on {later.date} is {days} day(s) after session "
        f"{earlier.number} on {earlier.date}; phase {later.phase.name!r} needs at least "
        f"{later.phase.min_interval_text()} between sessions (valid: {earliest} or later)",
    )


def check_course_limits(
    protocol: Protocol,
    session: Charted,
    previous: Charted | None,
    following: Charted | None,
    charted: int,
) -> ScreeningResult:
    """The session being charted against the previous and the following charted sessions
    of the course (by date) and against ``max_sessions`` (``charted`` sessions are on
    record already)."""
    findings = [
        f
        for f in (
            check_interval(previous, session) if previous else None,
            check_interval(session, following) if following else None,
        )
        if f is not None
    ]
    limit = protocol.max_sessions
    count = max(charted + 1, session.number)
    if limit is not None and count > limit:
        findings.append(
            Finding(
                "course-max-sessions",
                "stop",
                f"session {session.number} would make {count} sessions in this course; "
                f"protocol {protocol.key} allows at most {limit} (max_sessions, source "
                f"{protocol.limits_source})",
            )
        )
    return ScreeningResult(tuple(findings))


def check_session_volume(protocol: Protocol, delivered_ml: float) -> ScreeningResult:
    """``session-volume-max`` when a session delivered more than the protocol's
    ``max_session_volume_ml`` over all its rules."""
    limit = protocol.max_session_volume_ml
    if limit is None or delivered_ml <= limit + _TOLERANCE_ML:
        return ScreeningResult()
    message = f"delivered {delivered_ml:g} mL, above {session_volume_text(protocol)}"
    return ScreeningResult((Finding("session-volume-max", "stop", message),))


__all__ = ["Charted", "check_course_limits", "check_interval", "check_session_volume"]

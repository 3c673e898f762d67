"""Which sessions and follow-up visits are due, and which are overdue, on a given day.

Pure: the clinic's date ``today`` is passed in. Nothing is stored: a session is overdue
when its window has passed without a charted session ("missed" stays a mark the
practitioner makes, which rebooks it). The rules are in docs/calendar.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

WEEK_DAYS = 7
"""Due "this week": from tomorrow to six days after today."""
FOLLOW_UP_EARLY_DAYS = 7
"""A measurement of the course this many days before a follow-up visit counts as it."""


class Due(StrEnum):
    TODAY = "today"
    THIS_WEEK = "this_week"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Visit:
    """A dated session or follow-up visit of a course, as the course keeps it."""

    number: int | None
    """The session's number; None for a follow-up visit."""
    day: dt.date
    window_end: dt.date
    kind: str = "session"
    """``session``, ``review`` or ``adverse_event``."""


@dataclass(frozen=True)
class DueVisit:
    visit: Visit
    due: Due
    days_overdue: int
    later_overdue: int = 0
    """For an overdue session: how many later sessions of the course are overdue too."""


def classify(visit: Visit, today: dt.date) -> Due | None:
    """Due today, this week, overdue (its window ended before today) or not yet. A
    session moved or rebooked outside its window is due until its own date passes."""
    if max(visit.window_end, visit.day) < today:
        return Due.OVERDUE
    if visit.day <= today:
        return Due.TODAY
    if visit.day < today + dt.timedelta(days=WEEK_DAYS):
        return Due.THIS_WEEK
    return None


def due_sessions(
    sessions: Sequence[Visit], charted: Iterable[int], today: dt.date
) -> list[DueVisit]:
    """A course's sessions not charted that are due or overdue on ``today``: the earliest
    overdue one stands for the course (with the count of later ones overdue too)."""
    done = set(charted)
    open_ = [s for s in sessions if s.number not in done]
    overdue = [s for s in open_ if classify(s, today) is Due.OVERDUE]
    out: list[DueVisit] = []
    if overdue:
        first = overdue[0]
        late = (today - max(first.window_end, first.day)).days
        out.append(DueVisit(first, Due.OVERDUE, late, len(overdue) - 1))
    for s in open_:
        due = classify(s, today)
        if due in (Due.TODAY, Due.THIS_WEEK):
            out.append(DueVisit(s, due, 0))
    return out


def due_follow_ups(
    follow_ups: Sequence[Visit],
    sessions: Sequence[Visit],
    charted: Iterable[int],
    measured: Iterable[dt.date],
    today: dt.date,
) -> list[DueVisit]:
    """Follow-up visits due this week or past, once every session of the course is charted
    (until then the visits are not yet dated for good), and not yet held: a measurement
    of the course on or after ``FOLLOW_UP_EARLY_DAYS`` before a visit counts as it."""
    done = set(charted)
    if any(s.number not in done for s in sessions):
        return []
    taken = sorted(measured)
    out: list[DueVisit] = []
    for visit in follow_ups:
        earliest = visit.day - dt.timedelta(days=FOLLOW_UP_EARLY_DAYS)
        if any(d >= earliest for d in taken):
            continue
        due = classify(visit, today)
        if due is not None:
            late = (today - visit.window_end).days if due is Due.OVERDUE else 0
            out.append(DueVisit(visit, due, late))
    return out

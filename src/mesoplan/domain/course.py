"""A course and its dated sessions: the values scheduling produces and rescheduling keeps.

How the dates are computed is in :mod:`.scheduling` (and docs/calendar.md); changing a
course (done, moved, missed) is in :mod:`.rescheduling`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

from .clinic_calendar import ClinicCalendar, WindowSettings
from .errors import ScheduleError
from .protocol import Phase, Protocol


class SessionStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    MOVED = "moved"
    MISSED = "missed"
    """Missed on its planned date; ``date`` is the day it was rebooked to."""


@dataclass(frozen=True)
class PhaseLength:
    """A chosen length for a phase: a number of sessions, of months or of days."""

    sessions: int | None = None
    months: int | None = None
    days: int | None = None

    def __post_init__(self) -> None:
        given = [v for v in (self.sessions, self.months, self.days) if v is not None]
        if len(given) != 1 or given[0] <= 0:
            raise ScheduleError(
                "a phase length is exactly one of sessions, months or days, greater than 0"
            )

    @classmethod
    def of(cls, phase: Phase) -> PhaseLength:
        """The protocol's own length for ``phase``."""
        return cls(phase.sessions, phase.duration_months, phase.duration_days)


@dataclass(frozen=True)
class CourseRequest:
    """What a course calendar is computed from, besides the protocol."""

    start: dt.date
    at: dt.time = dt.time(9, 0)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    calendar: ClinicCalendar = field(default_factory=ClinicCalendar)
    windows: WindowSettings = field(default_factory=WindowSettings)
    phase_lengths: tuple[tuple[str, PhaseLength], ...] = ()
    duration_min: int = 30

    def length_of(self, phase: Phase) -> PhaseLength:
        return dict(self.phase_lengths).get(phase.name) or PhaseLength.of(phase)


@dataclass(frozen=True)
class ScheduledSession:
    """One dated session: ``start`` is aware, in the clinic's zone; the window is the
    range of dates the session may be held on (inclusive)."""

    number: int
    phase: str
    start: dt.datetime
    window_start: dt.date
    window_end: dt.date
    nominal: dt.date
    status: SessionStatus = SessionStatus.PLANNED

    @property
    def date(self) -> dt.date:
        return self.start.date()


class FollowUpKind(StrEnum):
    REVIEW = "review"
    ADVERSE_EVENT = "adverse_event"


@dataclass(frozen=True)
class FollowUp:
    kind: FollowUpKind
    start: dt.datetime
    reason: str

    @property
    def date(self) -> dt.date:
        return self.start.date()


@dataclass(frozen=True)
class Fixed:
    """A session whose date is a fact or a decision (done, moved, missed and rebooked)."""

    day: dt.date
    at: dt.time
    status: SessionStatus
    reanchor: bool


@dataclass(frozen=True)
class CourseSchedule:
    """A course's dated sessions and follow-up visits, with the protocol snapshot and the
    request they come from (rescheduling recomputes from both)."""

    course_id: str
    protocol: Protocol
    request: CourseRequest
    sessions: tuple[ScheduledSession, ...]
    follow_ups: tuple[FollowUp, ...]
    warnings: tuple[str, ...] = ()
    revision: int = 0
    changes: tuple[tuple[int, Fixed], ...] = ()
    """Sessions done, moved or missed so far, by number (what rescheduling keeps)."""

    def session(self, number: int) -> ScheduledSession:
        if not 1 <= number <= len(self.sessions):
            raise ScheduleError(
                f"no session {number} in this course; valid: 1 to {len(self.sessions)}"
            )
        return self.sessions[number - 1]

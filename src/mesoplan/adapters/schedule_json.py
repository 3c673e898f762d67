"""The course calendar as JSON (a public contract; see docs/calendar.md).

``sessions``: ``number``, ``phase``, ``date`` (ISO 8601 date), ``start`` (local ISO 8601
date-time with its UTC offset), ``window_start``, ``window_end`` and ``protocol``
(``id@version``). ``follow_up``: ``date`` and ``reason``.
"""

from __future__ import annotations

from typing import Any

from ..domain.course import CourseSchedule


def schedule_json(schedule: CourseSchedule) -> dict[str, list[dict[str, Any]]]:
    """The ``sessions`` and ``follow_up`` lists of a course, JSON-ready."""
    protocol = schedule.protocol.key
    sessions = [
        {
            "number": s.number,
            "phase": s.phase,
            "date": s.date.isoformat(),
            "start": s.start.isoformat(timespec="minutes"),
            "window_start": s.window_start.isoformat(),
            "window_end": s.window_end.isoformat(),
            "protocol": protocol,
        }
        for s in schedule.sessions
    ]
    follow_up = [{"date": f.date.isoformat(), "reason": f.reason} for f in schedule.follow_ups]
    return {"sessions": sessions, "follow_up": follow_up}

"""Request and response bodies of running the clinic: schedule changes."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, Field

from .base import example, strict_example

Reason = Field(min_length=1, max_length=1000, description="why (kept in the history)")


class SessionMove(BaseModel):
    """Move one session; the sessions after it follow with the protocol's intervals."""

    model_config = strict_example(to_date="2025-03-19", reason="patient away on the 17th")

    to_date: date
    at: time | None = Field(None, description="local start time (default: as planned)")
    reason: str = Reason


class SessionMissed(BaseModel):
    """A session did not take place: rebooked from today, the later ones following."""

    model_config = strict_example(reason="did not come")

    reason: str = Reason


class ScheduleChangeRead(BaseModel):
    model_config = example(
        id=1,
        course_id=3,
        revision=1,
        action="moved",
        session_number=3,
        from_date="2025-03-17",
        to_date="2025-03-19",
        reason="patient away on the 17th",
        changed_by="dr-rossi",
        changed_at="2025-03-12T09:00:00Z",
        previous_sessions=[{"number": 3, "date": "2025-03-17"}],
        sessions=[{"number": 3, "date": "2025-03-19", "status": "moved"}],
    )

    id: int
    course_id: int
    revision: int
    action: str
    session_number: int | None
    from_date: date | None
    to_date: date | None
    reason: str
    changed_by: str
    changed_at: datetime
    previous_sessions: list[dict[str, Any]]
    sessions: list[dict[str, Any]]


class WorkItemRead(BaseModel):
    model_config = example(
        kind="session",
        due="overdue",
        patient_id=7,
        patient="Rossi, Maria",
        course_id=3,
        protocol="cellulite@1.0.0",
        number=4,
        date="2025-03-24",
        start="2025-03-24T10:00+01:00",
        window_end="2025-03-25",
        status="planned",
        days_overdue=7,
        later_overdue=0,
        reason=None,
    )

    kind: str = Field(description="session, review or adverse_event")
    due: str = Field(description="today, this_week or overdue")
    patient_id: int
    patient: str
    course_id: int
    protocol: str
    number: int | None
    date: dt.date
    start: str
    window_end: dt.date
    status: str
    days_overdue: int
    later_overdue: int
    reason: str | None


class WorklistRead(BaseModel):
    model_config = example(
        today="2025-04-01",
        timezone="Europe/Rome",
        due_today=[],
        due_this_week=[],
        overdue=[WorkItemRead.model_config["json_schema_extra"]["examples"][0]],  # type: ignore[index]
        follow_ups=[],
    )

    today: date
    timezone: str
    due_today: list[WorkItemRead]
    due_this_week: list[WorkItemRead]
    overdue: list[WorkItemRead]
    follow_ups: list[WorkItemRead]

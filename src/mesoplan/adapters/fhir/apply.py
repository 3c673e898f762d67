"""``$apply``: a protocol applied to a patient from a start date, as an R4 CarePlan.

The CarePlan instantiates the protocol's PlanDefinition and holds a contained RequestGroup
whose actions are the dated sessions (and the follow-up visits) of the course calendar,
each with its date-time and the window of days it may move within.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from ...domain.course import CourseSchedule, FollowUp, ScheduledSession
from .codes import PLAN_ACTION_SYSTEM, extension_url
from .datatypes import JSON, coding, concept, extension, fhir_id, instant, reference
from .plan_definition import plan_definition_canonical

REQUEST_GROUP_ID = "sessions"
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def is_fhir_id(text: str) -> bool:
    return bool(_FHIR_ID.match(text))


def apply_care_plan(schedule: CourseSchedule, patient: str) -> JSON:
    """The CarePlan (status draft, intent proposal) for ``schedule``; ``patient`` is a
    reference such as ``Patient/123`` or ``urn:uuid:...``."""
    protocol = schedule.protocol
    canonical = plan_definition_canonical(protocol)
    subject = reference(patient)
    actions = [session_action(s, len(schedule.sessions)) for s in schedule.sessions]
    actions += [follow_up_action(i, f) for i, f in enumerate(schedule.follow_ups, start=1)]
    group: JSON = {
        "resourceType": "RequestGroup",
        "id": REQUEST_GROUP_ID,
        "instantiatesCanonical": [canonical],
        "status": "draft",
        "intent": "proposal",
        "subject": subject,
        "action": actions,
    }
    ends = [s.start for s in schedule.sessions] + [f.start for f in schedule.follow_ups]
    out: JSON = {
        "resourceType": "CarePlan",
        "id": fhir_id(f"course-{schedule.course_id}"),
        "contained": [group],
        "instantiatesCanonical": [canonical],
        "status": "draft",
        "intent": "proposal",
        "title": f"{protocol.title}: course of {len(schedule.sessions)} sessions",
        "subject": subject,
        "period": {"start": instant(schedule.sessions[0].start), "end": instant(max(ends))},
        "activity": [{"reference": reference(f"#{REQUEST_GROUP_ID}")}],
    }
    if schedule.warnings:
        out["note"] = [{"text": w} for w in schedule.warnings]
    return out


def session_action(session: ScheduledSession, total: int) -> JSON:
    window = {"start": session.window_start.isoformat(), "end": session.window_end.isoformat()}
    return {
        "id": f"session-{session.number}",
        "extension": [extension(extension_url("session-window"), valuePeriod=window)],
        "title": f"Session {session.number} of {total} ({session.phase} phase)",
        "code": [
            concept(coding(PLAN_ACTION_SYSTEM, "session", "Mesotherapy session"), text="session")
        ],
        "timingDateTime": instant(session.start),
    }


def follow_up_action(index: int, visit: FollowUp) -> JSON:
    return {
        "id": f"follow-up-{index}",
        "title": visit.reason,
        "code": [
            concept(coding(PLAN_ACTION_SYSTEM, "follow-up-" + visit.kind.value.replace("_", "-")))
        ],
        "timingDateTime": instant(visit.start),
    }


def actions_from_schedule_doc(doc: Mapping[str, Any]) -> list[JSON]:
    """RequestGroup actions from a stored course calendar (the JSON of docs/calendar.md:
    ``sessions`` with ``number``, ``phase``, ``start``, ``window_start``, ``window_end``;
    ``follow_up`` with ``date`` and ``reason``)."""
    sessions = list(doc.get("sessions", []))
    actions: list[JSON] = []
    for s in sessions:
        window = {"start": s["window_start"], "end": s["window_end"]}
        actions.append(
            {
                "id": f"session-{s['number']}",
                "extension": [extension(extension_url("session-window"), valuePeriod=window)],
                "title": f"Session {s['number']} of {len(sessions)} ({s['phase']} phase)",
                "code": [
                    concept(
                        coding(PLAN_ACTION_SYSTEM, "session", "Mesotherapy session"),
                        text="session",
                    )
                ],
                "timingDateTime": instant(dt.datetime.fromisoformat(s["start"])),
            }
        )
    for i, f in enumerate(doc.get("follow_up", []), start=1):
        kind = "review" if "review" in str(f["reason"]) else "adverse-event"
        actions.append(
            {
                "id": f"follow-up-{i}",
                "title": f["reason"],
                "code": [concept(coding(PLAN_ACTION_SYSTEM, f"follow-up-{kind}"))],
                "timingDateTime": f["date"],
            }
        )
    return actions

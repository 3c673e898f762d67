"""$apply: a protocol's course for a patient as a CarePlan with dated RequestGroup actions."""

from __future__ import annotations

import datetime as dt

import pytest

from mesoplan import builtin_protocols
from mesoplan.adapters.fhir import apply_care_plan, plan_definition_canonical
from mesoplan.domain.scheduling import schedule_course
from tests.fhir_check import assert_valid, parse_model

PROTOCOLS = builtin_protocols()


@pytest.mark.parametrize("pid", sorted(PROTOCOLS))
def test_care_plan_is_valid_r4_and_instantiates_the_plan_definition(pid: str) -> None:
    schedule = schedule_course(PROTOCOLS[pid], dt.date(2026, 3, 2), zone="Europe/Rome")
    care_plan = apply_care_plan(schedule, "Patient/p1")
    assert_valid(care_plan)
    assert care_plan["instantiatesCanonical"] == [plan_definition_canonical(PROTOCOLS[pid])]
    group = care_plan["contained"][0]
    assert care_plan["activity"] == [{"reference": {"reference": "#" + group["id"]}}]
    assert group["subject"] == care_plan["subject"] == {"reference": "Patient/p1"}
    parse_model(care_plan)


def test_actions_are_the_scheduled_dates() -> None:
    protocol = PROTOCOLS["cellulite"]
    schedule = schedule_course(
        protocol, dt.date(2026, 3, 2), at=dt.time(10, 30), zone="Europe/Rome"
    )
    group = apply_care_plan(schedule, "Patient/p1")["contained"][0]
    sessions = [a for a in group["action"] if a["id"].startswith("session-")]
    # 4 weekly, then every 14 days for 3 months after the 4th session (23 Mar): 6 more
    assert len(sessions) == len(schedule.sessions) == 10
    assert [a["timingDateTime"] for a in sessions[:5]] == [
        "2026-03-02T10:30:00+01:00",
        "2026-03-09T10:30:00+01:00",
        "2026-03-16T10:30:00+01:00",
        "2026-03-23T10:30:00+01:00",
        "2026-04-06T10:30:00+02:00",
    ]
    assert sessions[0]["title"] == "Session 1 of 10 (induction phase)"
    assert sessions[4]["title"] == "Session 5 of 10 (maintenance phase)"
    assert sessions[1]["extension"][0]["valuePeriod"] == {
        "start": "2026-03-08",
        "end": "2026-03-10",
    }
    follow = [a for a in group["action"] if a["id"].startswith("follow-up-")]
    codes = [a["code"][0]["coding"][0]["code"] for a in follow]
    assert codes == ["follow-up-review", "follow-up-adverse-event"]
    last = schedule.sessions[-1].date
    assert dt.date.fromisoformat(follow[1]["timingDateTime"][:10]) >= last + dt.timedelta(days=84)


def test_period_spans_first_session_to_last_visit() -> None:
    schedule = schedule_course(PROTOCOLS["face"], dt.date(2026, 1, 5))
    care_plan = apply_care_plan(schedule, "Patient/p1")
    assert care_plan["period"]["start"] == "2026-01-05T09:00:00+00:00"
    assert care_plan["period"]["end"] == schedule.follow_ups[-1].start.isoformat()
    assert care_plan["status"] == "draft" and care_plan["intent"] == "proposal"

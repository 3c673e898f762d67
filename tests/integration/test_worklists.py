"""The worklist: due and overdue sessions and follow-ups, with the patients' names, read
in the clinic's time zone from the kept calendars; through the service and the API."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from mesoplan.domain.course import PhaseLength
from mesoplan.domain.outcomes import Measurement
from mesoplan.services import courses, measurements, schedule_changes, sessions, stock, worklists
from mesoplan.services.sessions import UseInput
from mesoplan.services.unit_of_work import UnitOfWork

from .api_support import ZONES, clinic_with_roles, iso, make_client, now
from .conftest import Clock
from .records_factory import (
    DR,
    add_patient,
    cellulite,
    plan_document,
    setup_clinic,
    start_course,
    stock_up,
    two_lot_mix,
    world,
)


def test_overdue_and_due_sessions_with_the_patients_names(uow: UnitOfWork, clock: Clock) -> None:
    w = world(uow)
    other = start_course(uow, add_patient(uow, "Bianco"))
    sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    clock.advance(days=9)  # Wednesday 12 March: session 2 (10 March, window to 11) passed
    view = worklists.worklist(uow, DR)
    assert view.today == date(2025, 3, 12) and view.timezone == "Europe/Rome"
    # the other patient's session 1 was never charted either: it stands for the course
    assert [
        (i.patient, i.course_id, i.number, i.days_overdue, i.later_overdue) for i in view.overdue
    ] == [
        ("Bianco, Alice", other, 1, 8, 1),
        ("Testpatient, Alice", w.course_id, 2, 1, 0),
    ]
    assert [(i.patient, i.number, str(i.date)) for i in view.due_this_week] == [
        ("Bianco, Alice", 3, "2025-03-17"),
        ("Testpatient, Alice", 3, "2025-03-17"),
    ]
    assert view.due_today == () and view.follow_ups == ()
    moved = schedule_changes.mark_missed(uow, DR, w.course_id, 2, "did not come")
    assert moved.sessions[1]["date"] == "2025-03-12"
    view = worklists.worklist(uow, DR)
    assert [(i.patient, i.number, i.status) for i in view.due_today] == [
        ("Testpatient, Alice", 2, "missed")
    ]
    assert [i.patient for i in view.overdue] == ["Bianco, Alice"]


def test_today_is_the_clinics_date_not_the_servers(uow: UnitOfWork, clock: Clock) -> None:
    w = world(uow)
    sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    clock.now = datetime(2025, 3, 9, 23, 30, tzinfo=UTC)  # 00:30 on 10 March in Rome
    view = worklists.worklist(uow, DR)
    assert view.today == date(2025, 3, 10)
    assert [(i.number, i.start) for i in view.due_today] == [(2, "2025-03-10T10:00+01:00")]


def _chart_every_session(uow: UnitOfWork, clock: Clock, course_id: int) -> list[str]:
    """Chart each session on its planned day and time (a fresh vial of each lot from the
    second on)."""
    view = courses.show_course(uow, course_id)
    for s in view.sessions:
        at = datetime.fromisoformat(str(s["start"]))
        clock.now = at.astimezone(UTC)
        n = s["number"]
        mix = two_lot_mix()
        if n > 1:
            for product, lot in (
                ("Tefamin", "TF-A1"),
                ("Tefamin", "TF-B2"),
                ("Carnitine", "CN-77"),
            ):
                stock.open_vial(uow, DR, product, lot, f"{lot}-{n}")
            mix = [
                UseInput(u.product, u.lot_number, u.volume_ml, f"{u.lot_number}-{n}") for u in mix
            ]
        sessions.record_session(uow, DR, course_id, mix, number=n, performed_at=at)
    return [str(f["date"]) for f in view.follow_up]


def test_follow_ups_are_due_once_every_session_is_charted_until_measured(
    uow: UnitOfWork, clock: Clock
) -> None:
    setup_clinic(uow)
    stock_up(uow)
    patient = add_patient(uow)
    protocol = cellulite()
    options = courses.ScheduleOptions(
        date(2025, 3, 3), time(10, 0), None, {"maintenance": PhaseLength(sessions=1)}
    )
    course = courses.start_course(uow, DR, patient, protocol, plan_document(protocol), options)
    review, safety = _chart_every_session(uow, clock, course.id)
    assert (review, safety) == ("2025-04-21", "2025-06-30")  # last session 7 April
    clock.now = datetime(2025, 4, 18, 8, 0, tzinfo=UTC)
    view = worklists.worklist(uow, DR)
    assert [(i.kind, i.due, str(i.date), i.patient) for i in view.follow_ups] == [
        ("review", "this_week", "2025-04-21", "Testpatient, Alice")
    ]
    assert view.overdue == () and view.due_today == ()
    clock.now = datetime(2025, 5, 2, 8, 0, tzinfo=UTC)
    (late,) = worklists.worklist(uow, DR).follow_ups
    assert (late.kind, late.due, late.days_overdue) == ("review", "overdue", 11)
    thigh = Measurement("thigh_circumference_cm", clock.now, 55.0, "left", 18.0)
    measurements.record_measurement(uow, DR, patient, thigh, course_id=course.id)
    assert worklists.worklist(uow, DR).follow_ups == ()
    far = worklists.worklist(uow, DR, date(2025, 7, 2)).follow_ups
    assert [(i.kind, i.due) for i in far] == [("adverse_event", "overdue")]


def test_the_worklist_through_the_api(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "w")
    anna = c.headers["practitioner"]
    body = {"family_name": "Neri", "given_name": "Lia", "birth_date": "1980-02-03", "sex": "female"}
    body["history"] = {"consent_given_at": iso(now() - timedelta(days=30))}
    pid = client.post("/patients", json=body, headers=anna).json()["id"]
    start = datetime.now(ZoneInfo("Europe/Rome")).date() - timedelta(days=10)
    r = client.post(
        f"/patients/{pid}/courses",
        json={"protocol": "cellulite", "zones": ZONES, "start_date": start.isoformat()},
        headers=anna,
    )
    assert r.status_code == 201, r.text
    view = client.get("/worklist", headers=c.headers["auditor"])
    assert view.status_code == 200, view.text
    (late,) = view.json()["overdue"]
    assert (late["patient"], late["number"], late["later_overdue"]) == ("Neri, Lia", 1, 1)
    assert late["days_overdue"] == 9  # its window closed the day after it
    r = client.get("/worklist", params={"date": start.isoformat()}, headers=anna)
    assert [i["number"] for i in r.json()["due_today"]] == [1]
    assert client.get("/worklist", params={"date": "9999-12-31"}, headers=anna).status_code == 422
    assert client.get("/worklist", params={"date": "soon"}, headers=anna).status_code == 422

"""The stock forecast on both databases against a fixture computed by hand: two courses
over four weeks, two lots of Tefamin, one of them expiring mid-way."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import Engine

from mesoplan.services import courses, forecast, sessions, stock, waste
from mesoplan.services.sessions import UseInput
from mesoplan.services.unit_of_work import UnitOfWork

from .api_support import clinic_with_roles, make_client
from .conftest import Clock
from .records_factory import DR, add_patient, cellulite, plan_document, setup_clinic

TEF = stock.NewProduct("Tefamin", "drug", "aminophylline", "xanthine")
CAR = stock.NewProduct("Carnitine", "drug", "carnitine")
CONSENT = datetime(2025, 2, 1, 9, 0, tzinfo=UTC)


def _course(uow: UnitOfWork, clock: Clock, family: str, start: date, vial: str) -> int:
    protocol = cellulite()
    options = courses.ScheduleOptions(start, time(10, 0))
    course = courses.start_course(
        uow,
        DR,
        add_patient(uow, family, consent_given_at=CONSENT),
        protocol,
        plan_document(protocol),
        options,
    )
    clock.now = datetime.combine(start, time(9, 30), tzinfo=UTC)
    mix = [UseInput("Tefamin", "TF-0", 1.0, vial), UseInput("Carnitine", "CN", 2.0, "CN-V1")]
    sessions.record_session(uow, DR, course.id, mix)
    return course.id


def test_two_courses_two_lots_one_expiring_mid_way(uow: UnitOfWork, clock: Clock) -> None:
    clock.now = datetime(2025, 2, 24, 8, 0, tzinfo=UTC)
    setup_clinic(uow)
    stock.receive_stock(uow, DR, TEF, "TF-0", date(2026, 1, 31), 2, 1.5, mg_per_ml=160.0)
    stock.receive_stock(uow, DR, TEF, "TF-A", date(2025, 3, 11), 3, 1.5, mg_per_ml=160.0)
    stock.receive_stock(uow, DR, TEF, "TF-B", date(2026, 1, 31), 1, 1.5, mg_per_ml=160.0)
    stock.receive_stock(uow, DR, CAR, "CN", date(2026, 3, 31), 10, 5.0)
    for product, lot, code in (("Tefamin", "TF-0", "V1"), ("Tefamin", "TF-0", "V2")):
        stock.open_vial(uow, DR, product, lot, code)
    stock.open_vial(uow, DR, "Carnitine", "CN", "CN-V1")  # beyond use 24 March 09:00 UTC
    first = _course(uow, clock, "Uno", date(2025, 2, 24), "V1")
    second = _course(uow, clock, "Due", date(2025, 2, 26), "V2")
    waste.discard_vial(uow, DR, "V1", "dropped")
    waste.discard_vial(uow, DR, "V2", "dropped")
    clock.now = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
    view = forecast.stock_forecast(uow, DR)
    assert (view.today, view.last_day, view.weeks, view.sessions) == (
        date(2025, 3, 3),
        date(2025, 3, 30),
        4,
        6,
    )
    # Each course needs 1 mL of Tefamin and 2 mL of Carnitine a session (its session 1):
    # 3, 10, 17 March (course one) and 5, 12, 19 March (course two). Tefamin by hand:
    # 3 Mar opens TF-A (0.5 left); 5 Mar takes it and opens TF-A again (1.0 left);
    # 10 Mar empties it; 12 Mar TF-A has expired with one unit unopened, TF-B is opened
    # (0.5 left); 17 Mar takes 0.5 of the 1 mL; 19 Mar finds nothing.
    assert [
        (s.date, s.product, s.missing_ml, s.course_id, s.number, s.patient) for s in view.shortfalls
    ] == [
        (date(2025, 3, 17), "Tefamin", 0.5, first, 4, "Uno, Alice"),
        (date(2025, 3, 19), "Tefamin", 1.0, second, 4, "Due, Alice"),
    ]
    assert [(u.product, u.lot_number, u.expires, u.units, u.volume_ml) for u in view.unused] == [
        ("Tefamin", "TF-A", date(2025, 3, 11), 1, 1.5)
    ]
    assert [(p.product, p.needed_ml, p.short_ml) for p in view.products] == [
        ("Carnitine", 12.0, 0.0),
        ("Tefamin", 6.0, 1.5),
    ]


def test_a_course_not_started_needs_its_planned_volume(uow: UnitOfWork, clock: Clock) -> None:
    setup_clinic(uow)
    stock.receive_stock(uow, DR, TEF, "TF-0", date(2026, 1, 31), 2, 1.5, mg_per_ml=160.0)
    protocol = cellulite()
    options = courses.ScheduleOptions(date(2025, 3, 4), time(10, 0))
    courses.start_course(uow, DR, add_patient(uow), protocol, plan_document(protocol), options)
    view = forecast.stock_forecast(uow, DR, weeks=1)
    # 10 mL planned, shared by tefamine and carnitine; no product provides carnitine
    assert [(p.product, p.needed_ml, p.short_ml) for p in view.products] == [
        ("(no product for carnitine)", 5.0, 5.0),
        ("Tefamin", 5.0, 2.0),
    ]
    assert [s.date for s in view.shortfalls] == [date(2025, 3, 4), date(2025, 3, 4)]


def test_the_forecast_through_the_api_and_the_page(engine: Engine) -> None:
    client = make_client(engine)
    c = clinic_with_roles(client, engine, "f")
    reader = c.headers["auditor"]
    r = client.get("/stock/forecast", headers=reader)
    assert r.status_code == 200 and r.json()["weeks"] == 4 and r.json()["sessions"] == 0
    assert client.get("/stock/forecast", params={"weeks": 53}, headers=reader).status_code == 422

"""Reactions flagged against the protocol; outcome measurements and the course review."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from mesoplan.domain.errors import OutcomeError, ReactionError
from mesoplan.domain.outcomes import Measurement, PhotoRef
from mesoplan.domain.record_errors import NotFoundError, RefusedError
from mesoplan.services import measurements, reactions, sessions, stock
from mesoplan.services.sessions import UseInput
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import Clock, dump
from .records_factory import DR, add_patient, start_course, two_lot_mix, world

ONSET = datetime(2025, 3, 3, 11, 0, tzinfo=UTC)


def test_redness_past_one_day_is_flagged_for_the_built_in_mix(
    uow: UnitOfWork, clock: Clock
) -> None:
    w = world(uow)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    clock.advance(days=3)
    short = reactions.record_reaction(
        uow, DR, view.id, "redness", "thigh-left-lateral", ONSET, "mild", 600, True
    )
    assert not short.flagged and short.expected_max_min == 1440
    long = reactions.record_reaction(
        uow, DR, view.id, "redness", "thigh-left-lateral", ONSET, "mild", 2880, True
    )
    assert [f["code"] for f in long.flags] == ["longer_than_expected"]
    assert "needs: mix contains phosphatidylcholine" in long.flags[0]["message"]
    assert long.exposed == ()


def test_a_nodule_lists_every_other_patient_exposed_to_the_mix(
    uow: UnitOfWork, clock: Clock
) -> None:
    w = world(uow)
    first = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    other = add_patient(uow, "Exposed")
    clean = add_patient(uow, "Unexposed")
    clock.advance(days=1)
    sessions.record_session(
        uow,
        DR,
        start_course(uow, other),
        [UseInput("Tefamin", "TF-B2", 0.5, "VB"), UseInput("Carnitine", "CN-77", 1.0, "VC")],
    )
    stock_course = start_course(uow, clean)
    stock.receive_stock(
        uow,
        DR,
        stock.NewProduct("Tefamin"),
        "TF-C3",
        datetime(2026, 1, 1).date(),
        1,
        1.5,
        mg_per_ml=160,
    )
    stock.receive_stock(
        uow, DR, stock.NewProduct("Carnitine"), "CN-88", datetime(2026, 1, 1).date(), 1, 5.0
    )
    sessions.record_session(
        uow,
        DR,
        stock_course,
        [UseInput("Tefamin", "TF-C3", 0.5), UseInput("Carnitine", "CN-88", 1.0)],
    )
    clock.advance(days=20)
    view = reactions.record_reaction(
        uow, DR, first.id, "nodule", "thigh-left-lateral", clock.now, "moderate"
    )
    assert "possible_mycobacterial_infection" in [f["code"] for f in view.flags]
    assert {r.patient_id for r in view.exposed} == {other}
    assert {(r.lot_number, r.vial) for r in view.exposed} == {("TF-B2", "VB"), ("CN-77", "VC")}


def test_reaction_refusals_change_nothing(uow: UnitOfWork, engine: Engine) -> None:
    w = world(uow)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    before = dump(engine)
    with pytest.raises(ReactionError, match="valid: redness"):
        reactions.record_reaction(uow, DR, view.id, "sparkles", "thigh-left-lateral", ONSET)
    with pytest.raises(RefusedError, match="valid: mild"):
        reactions.record_reaction(uow, DR, view.id, "redness", "x", ONSET, "awful")
    with pytest.raises(RefusedError, match="in the future"):
        reactions.record_reaction(
            uow, DR, view.id, "redness", "x", datetime(2030, 1, 1, tzinfo=UTC)
        )
    with pytest.raises(ReactionError, match="before its session"):
        reactions.record_reaction(
            uow, DR, view.id, "redness", "x", datetime(2025, 3, 1, tzinfo=UTC)
        )
    with pytest.raises(NotFoundError, match="unknown session 77"):
        reactions.record_reaction(uow, DR, 77, "redness", "x", ONSET)
    assert dump(engine) == before


def test_measurements_and_the_course_review(uow: UnitOfWork, engine: Engine, clock: Clock) -> None:
    w = world(uow)

    def thigh(cm: float, day: int) -> Measurement:
        at = datetime(2025, 3, day, 9, tzinfo=UTC)
        return Measurement("thigh_circumference_cm", at, cm, "left", 18.0)

    measurements.record_measurement(uow, DR, w.patient_id, thigh(58.0, 1), w.course_id)
    measurements.record_measurement(uow, DR, w.patient_id, thigh(56.5, 3), w.course_id)
    photo = PhotoRef("photos/p1-front.jpg", "Canon R6", "studio softbox", "front standing")
    pic = measurements.record_measurement(
        uow, DR, w.patient_id, Measurement("photo", clock.now, photo=photo)
    )
    assert pic.photo_file == "photos/p1-front.jpg" and pic.meta["pose"] == "front standing"
    listed = measurements.list_measurements(uow, w.patient_id, "thigh_circumference_cm")
    assert [(m.value, m.unit, m.height_above_kneecap_cm) for m in listed] == [
        (58.0, "cm", 18.0),
        (56.5, "cm", 18.0),
    ]
    review = measurements.review_course(uow, w.course_id)
    thighs = [o for o in review.outcomes if o.measure == "thigh_circumference_cm"]
    assert thighs[0].change == pytest.approx(-1.5) and thighs[0].status == "as_expected"

    before = dump(engine)
    with pytest.raises(OutcomeError, match="height_above_kneecap_cm is required"):
        measurements.record_measurement(
            uow,
            DR,
            w.patient_id,
            Measurement("thigh_circumference_cm", clock.now, 50.0),
        )
    with pytest.raises(RefusedError, match="in the future"):
        measurements.record_measurement(uow, DR, w.patient_id, thigh(50.0, 30))
    assert dump(engine) == before
    measurements.delete_measurement(uow, DR, listed[0].id, "tape slipped")
    assert len(measurements.list_measurements(uow, w.patient_id, "thigh_circumference_cm")) == 1

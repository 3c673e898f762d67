"""Charting a session point by point, the mix and its lots; signing, co-signing, addenda."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from mesoplan.domain.charting import point_changes_from_rows
from mesoplan.domain.charting_points import PointChange
from mesoplan.domain.errors import ChartingError, MesoplanError, SafetyError, SignedRecordError
from mesoplan.domain.record_errors import ConflictError, RefusedError
from mesoplan.domain.safety import PatientHistory
from mesoplan.services import patients, sessions, signing, stock
from mesoplan.services.session_views import session_points, show_session
from mesoplan.services.sessions import SessionInput, UseInput
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import Clock, dump
from .records_factory import DIRECTOR, DR, NURSE, two_lot_mix, weigh, world

FULL = SessionInput(
    needle_gauge=30,
    needle_length_mm=4.0,
    needle_lot="N-55",
    anaesthetic="EMLA cream",
    anaesthetic_amount_g=5.0,
    anaesthetic_applied_at=datetime(2025, 3, 3, 9, 30, tzinfo=UTC),
    diluent=UseInput("Water for injection", "WFI-9", 6.5, "VW"),
    notes="Patient tolerated well.",
)


def test_every_planned_point_is_done_by_default(uow: UnitOfWork) -> None:
    w = world(uow)
    weigh(uow, w.patient_id)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix(), details=FULL)
    assert view.number == 1
    assert view.points == {
        "planned": 50,
        "done": 50,
        "moved": 0,
        "skipped": 0,
        "added": 0,
        "planned_volume_ml": 10.0,
        "delivered_volume_ml": 10.0,
    }
    assert [(u["lot_number"], u["provides"], u["role"]) for u in view.uses] == [
        ("TF-A1", "tefamine", "mix"),
        ("TF-B2", "tefamine", "mix"),
        ("CN-77", "carnitine", "mix"),
        ("WFI-9", None, "diluent"),
    ]
    assert view.needle == {"gauge": 30, "length_mm": 4.0, "lot": "N-55"}
    assert view.anaesthetic is not None and view.anaesthetic["amount_g"] == 5.0
    assert view.notes == "Patient tolerated well."


def test_point_statuses_are_stored_and_read_back(uow: UnitOfWork) -> None:
    w = world(uow)
    rows = [
        {"id": "thigh-left-lateral:0", "status": "skipped"},
        {"id": "thigh-left-lateral:1", "status": "moved", "x_cm": "2.5", "y_cm": "0.4"},
        {"id": "thigh-left-lateral:2", "status": "done", "depth_mm": "1.8"},
        {"id": "thigh-right-lateral", "status": "added", "x_cm": "9", "y_cm": "9"},
    ]
    changes = point_changes_from_rows(rows, "points.csv")
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix(), changes)
    assert (view.points["done"], view.points["skipped"], view.points["moved"]) == (48, 1, 1)
    assert view.points["added"] == 1
    points = {p["id"]: p for p in session_points(uow, view.id)}
    assert len(points) == 51
    assert points["thigh-left-lateral:0"]["status"] == "skipped"
    assert points["thigh-left-lateral:0"]["volume_ml"] == 0.0
    assert (points["thigh-left-lateral:1"]["x_cm"], points["thigh-left-lateral:1"]["y_cm"]) == (
        2.5,
        0.4,
    )
    assert points["thigh-left-lateral:2"]["depth_mm"] == 1.8
    assert points["thigh-right-lateral:a1"]["status"] == "added"
    assert points["thigh-right-lateral:a1"]["volume_ml"] == 0.2
    with uow:
        stored = uow.records.points_of(view.id)
        assert sorted(p.point_id for p in stored) == [
            "thigh-left-lateral:1",
            "thigh-left-lateral:2",
            "thigh-right-lateral:a1",
        ]


def test_sign_cosign_addendum_and_verify(uow: UnitOfWork, clock: Clock) -> None:
    w = world(uow)
    weigh(uow, w.patient_id)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix(), details=FULL)
    clock.advance(minutes=10)
    signed = signing.sign_session(uow, DR, view.id)
    assert signed.signed_by == DR and signed.signature and signed.signature.startswith("sha256:")
    clock.advance(hours=2)
    co = signing.cosign_session(uow, DIRECTOR, view.id)
    assert co.cosigned_by == DIRECTOR
    clock.advance(days=1)
    amended = signing.add_addendum(uow, DR, view.id, "Called the patient: no bruising.")
    assert [a["text"] for a in amended.addenda] == ["Called the patient: no bruising."]
    assert amended.signature == signed.signature
    assert signing.verify_session(uow, view.id).intact
    assert show_session(uow, view.id).points == view.points


@pytest.mark.parametrize(
    ("step", "error", "message"),
    [
        (lambda u, s: signing.sign_session(u, DR, s), SignedRecordError, "already signed"),
        (lambda u, s: sessions.correct_session(u, DR, s, notes="x"), SignedRecordError, "signed"),
        (lambda u, s: sessions.delete_session(u, DR, s, "typo"), SignedRecordError, "addendum"),
        (lambda u, s: signing.cosign_session(u, DR, s), RefusedError, "only a medical director"),
        (lambda u, s: signing.add_addendum(u, DR, s, "  "), ChartingError, "non-empty"),
        (lambda u, s: signing.sign_session(u, NURSE, s), RefusedError, "cannot sign"),
    ],
)
def test_a_signed_session_never_changes(
    uow: UnitOfWork, engine: Engine, step: object, error: type[MesoplanError], message: str
) -> None:
    w = world(uow)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    signing.sign_session(uow, DR, view.id)
    before = dump(engine)
    with pytest.raises(error, match=message):
        step(uow, view.id)  # type: ignore[operator]
    assert dump(engine) == before
    assert signing.verify_session(uow, view.id).intact


def test_cosigning_rules(uow: UnitOfWork) -> None:
    w = world(uow)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    with pytest.raises(ChartingError, match="co-sign after it is signed"):
        signing.cosign_session(uow, DIRECTOR, view.id)
    with pytest.raises(ChartingError, match="not signed yet"):
        signing.add_addendum(uow, DR, view.id, "early")
    signing.sign_session(uow, DIRECTOR, view.id)
    with pytest.raises(ChartingError, match="someone other than the signer"):
        signing.cosign_session(uow, DIRECTOR, view.id)


def test_an_unsigned_session_can_be_corrected_or_deleted(uow: UnitOfWork) -> None:
    w = world(uow)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    fixed = sessions.correct_session(
        uow, DR, view.id, [PointChange("thigh-left-lateral:3", "skipped")], "corrected"
    )
    assert fixed.points["skipped"] == 1 and fixed.notes == "corrected"
    sessions.delete_session(uow, DR, view.id, "charted on the wrong patient")
    again = sessions.record_session(uow, DR, w.course_id, two_lot_mix()[1:])
    assert again.number == 1


def _expired_world(uow: UnitOfWork, clock: Clock) -> int:
    w = world(uow)
    clock.now = datetime(2026, 1, 30, 9, 0, tzinfo=UTC)
    stock.open_vial(uow, DR, "Tefamin", "TF-A1", "VA2", beyond_use_days=1)
    return w.course_id


def test_an_expired_lot_is_refused_unless_overridden(
    uow: UnitOfWork, engine: Engine, clock: Clock
) -> None:
    course_id = _expired_world(uow, clock)
    mix = [UseInput("Tefamin", "TF-A1", 0.5, "VA2"), UseInput("Carnitine", "CN-77", 1.0, "VC")]
    clock.advance(days=6)
    before = dump(engine)
    with pytest.raises(SafetyError, match=r"lot-expired:TF-A1: lot TF-A1 expired on 2026-01-31"):
        sessions.record_session(uow, DR, course_id, mix)
    assert dump(engine) == before
    reasons = {
        "lot-expired": "no other stock; patient informed",
        "vial-beyond-use": "same",
    }
    view = sessions.record_session(uow, DR, course_id, mix, overrides=reasons)
    assert {f.rule_id: f.override_reason for f in view.findings} == {
        "lot-expired": "no other stock; patient informed",
        "vial-beyond-use": "same",
    }
    with uow:
        kept = sorted(o.code for o in uow.records.overrides_of(course_id))
    # VA2 and VC (opened on the first day, 28-day beyond-use) are both past their time
    assert kept == ["lot-expired", "vial-beyond-use", "vial-beyond-use"]


def test_a_vial_past_its_beyond_use_time_is_refused(uow: UnitOfWork, clock: Clock) -> None:
    w = world(uow)
    clock.advance(days=29)
    with pytest.raises(SafetyError, match="vial-beyond-use:VA"):
        sessions.record_session(uow, DR, w.course_id, two_lot_mix())


def test_screening_runs_again_before_each_session(uow: UnitOfWork, engine: Engine) -> None:
    w = world(uow)
    patients.record_history(
        uow, DR, w.patient_id, PatientHistory(pregnant=True, consent_given_at=date_time())
    )
    before = dump(engine)
    with pytest.raises(SafetyError, match="pregnancy"):
        sessions.record_session(uow, DR, w.course_id, two_lot_mix())
    assert dump(engine) == before


def date_time() -> datetime:
    return datetime(2025, 3, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"changes": [PointChange("thigh-left-lateral:99", "skipped")]},
            ChartingError,
            r"unknown point id 'thigh-left-lateral:99'; the plan's points: thigh-left-lateral:0",
        ),
        (
            {"uses": [UseInput("Tefamin", "TF-A1", 0.5, "VA")]},
            ChartingError,
            "no product in the mix provides 'carnitine'",
        ),
        (
            {"uses": [UseInput("Tefamin", "TF-A1", 0.5, "VB"), *two_lot_mix()[2:]]},
            RefusedError,
            "vial VB is not from lot TF-A1",
        ),
        ({"uses": [UseInput("Tefamin", "NOPE", 0.5)]}, MesoplanError, "has no lot 'NOPE'"),
        ({"number": 0}, RefusedError, "1 or more"),
        (
            {"performed_at": datetime(2025, 3, 4, tzinfo=UTC)},
            RefusedError,
            "in the future",
        ),
        ({"overrides": {"pregnancy": "x"}}, SafetyError, "names no finding"),
    ],
)
def test_charting_refusals_change_nothing(
    uow: UnitOfWork, engine: Engine, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    w = world(uow)
    before = dump(engine)
    args = {"uses": two_lot_mix(), **kwargs}
    with pytest.raises(error, match=message):
        sessions.record_session(uow, DR, w.course_id, **args)  # type: ignore[arg-type]
    assert dump(engine) == before


def test_a_session_number_is_charted_once(uow: UnitOfWork, clock: Clock) -> None:
    w = world(uow)
    sessions.record_session(uow, DR, w.course_id, two_lot_mix()[1:], number=1)
    clock.advance(days=7)
    with pytest.raises(ConflictError, match="session 1 of course"):
        sessions.record_session(uow, DR, w.course_id, two_lot_mix()[1:], number=1)
    assert sessions.record_session(uow, DR, w.course_id, two_lot_mix()[1:]).number == 2


def test_an_override_given_at_the_course_start_carries_to_its_sessions(uow: UnitOfWork) -> None:
    from .records_factory import add_patient, setup_clinic, start_course, stock_up

    setup_clinic(uow)
    pid = add_patient(uow, allergies=("sulfite",))
    stock_up(uow)
    course_id = start_course(uow, pid, overrides={"allergy": "sulfite-free ampoules"})
    view = sessions.record_session(uow, DR, course_id, two_lot_mix())
    assert {f.rule_id: f.override_reason for f in view.findings} == {
        "allergy": "sulfite-free ampoules (as at the start of the course)"
    }
    patients.record_history(
        uow,
        DR,
        pid,
        PatientHistory(allergies=("sulfite",), pregnant=True, consent_given_at=date_time()),
    )
    with pytest.raises(SafetyError, match="pregnancy") as err:
        sessions.record_session(uow, DR, course_id, two_lot_mix()[1:])
    assert "allergy" not in str(err.value)


def test_the_anaesthetic_time_defaults_to_the_session_time(uow: UnitOfWork) -> None:
    w = world(uow)
    weigh(uow, w.patient_id)
    details = SessionInput(anaesthetic="EMLA cream", anaesthetic_amount_g=5.0, needle_gauge=30)
    with pytest.raises(ChartingError, match="needle length_mm"):
        sessions.record_session(uow, DR, w.course_id, two_lot_mix(), details=details)
    details = SessionInput(anaesthetic="EMLA cream", anaesthetic_amount_g=5.0)
    view = sessions.record_session(uow, DR, w.course_id, two_lot_mix(), details=details)
    assert view.anaesthetic == {
        "name": "EMLA cream",
        "amount_g": 5.0,
        "applied_at": view.performed_at,
    }

"""Clinics, practitioners, patients and their history; refusals leave nothing behind."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select

from mesoplan.adapters.db.people import PatientHistoryRow
from mesoplan.domain.errors import MesoplanError
from mesoplan.domain.record_errors import ConflictError, NotFoundError, RefusedError
from mesoplan.domain.safety import PatientHistory
from mesoplan.services import clinics, patients
from mesoplan.services.unit_of_work import UnitOfWork

from .conftest import dump
from .records_factory import DR, add_patient, setup_clinic


def test_register_list_show_and_soft_delete_a_patient(uow: UnitOfWork) -> None:
    setup_clinic(uow)
    first = add_patient(uow, "Alpha")
    second = add_patient(uow, "Beta", pregnant=True, allergies=("sulfite",))
    listed = patients.list_patients(uow, DR)
    assert [p.family_name for p in listed] == ["Alpha", "Beta"]
    assert listed[0].identifiers == {"clinic-mrn": "MRN-Alpha"}
    assert [p.id for p in patients.list_patients(uow, DR, name="bet")] == [second]
    with uow:
        history = patients.history_of(uow, second)
    assert history.pregnant and history.allergies == ("sulfite",)
    assert history.consent_given_at == datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    patients.delete_patient(uow, DR, first, "registered twice")
    assert [p.id for p in patients.list_patients(uow, DR)] == [second]
    kept = patients.list_patients(uow, DR, include_deleted=True)
    assert [(p.id, p.deleted) for p in kept] == [(first, True), (second, False)]
    with uow:
        row = uow.people.patient(first, include_deleted=True)
        assert row.delete_reason == "registered twice"
        assert row.deleted_by_id == uow.people.practitioner(DR).id
        with pytest.raises(NotFoundError, match="unknown patient"):
            uow.people.patient(first)


def test_history_is_versioned_and_the_latest_holds(uow: UnitOfWork, clock: object) -> None:
    setup_clinic(uow)
    pid = add_patient(uow)
    patients.record_history(uow, DR, pid, PatientHistory(anticoagulants=True), ("warfarin",))
    with uow:
        assert patients.history_of(uow, pid).anticoagulants
        assert patients.history_of(uow, pid).consent_given_at is None
        assert len(uow.session.scalars(select(PatientHistoryRow)).all()) == 2


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda u: clinics.add_clinic(u, "Demo Clinic"), ConflictError, "exists already"),
        (lambda u: clinics.add_clinic(u, "Other", "Mars/Base"), RefusedError, "unknown time zone"),
        (lambda u: clinics.add_practitioner(u, "dr-x", "X", "surgeon"), RefusedError, "valid: "),
        (lambda u: clinics.add_practitioner(u, "dr-rossi", "X"), ConflictError, "exists"),
        (lambda u: clinics.add_practitioner(u, "Bad Handle", "X"), RefusedError, "handle"),
        (
            lambda u: patients.register_patient(u, "nobody", "A", "B", date(1990, 1, 1), "female"),
            NotFoundError,
            "unknown practitioner 'nobody'",
        ),
        (
            lambda u: patients.register_patient(u, None, "A", "B", date(1990, 1, 1), "female"),
            NotFoundError,
            "MESOPLAN_PRACTITIONER",
        ),
        (
            lambda u: patients.register_patient(u, DR, "A", "B", date(2030, 1, 1), "female"),
            RefusedError,
            "in the future",
        ),
        (
            lambda u: patients.register_patient(u, DR, "A", "B", date(1990, 1, 1), "robot"),
            RefusedError,
            "valid: female",
        ),
        (
            lambda u: patients.register_patient(
                u, DR, "A", "B", date(1990, 1, 1), "male", identifiers={"clinic-mrn": "MRN-Seed"}
            ),
            ConflictError,
            "belongs to patient",
        ),
        (lambda u: patients.delete_patient(u, DR, 1, " "), RefusedError, "needs a reason"),
        (lambda u: patients.delete_patient(u, DR, 99, "x"), NotFoundError, "unknown patient 99"),
    ],
)
def test_refusals_change_nothing(
    uow: UnitOfWork, engine: Engine, call: object, error: type[MesoplanError], message: str
) -> None:
    setup_clinic(uow)
    add_patient(uow, "Seed")
    before = dump(engine)
    with pytest.raises(error, match=message):
        call(uow)  # type: ignore[operator]
    assert dump(engine) == before

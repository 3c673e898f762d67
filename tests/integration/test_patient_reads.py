"""Reading a patient: one query for the patient and their identifiers, never across
clinics, deleted patients hidden unless asked for."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, event

from mesoplan.adapters.db import session_factory
from mesoplan.domain.record_errors import NotFoundError
from mesoplan.services import clinics, patients
from mesoplan.services.scoped import ClinicUnitOfWork
from mesoplan.services.unit_of_work import UnitOfWork

from .records_factory import DR, add_patient, setup_clinic


def _clinic_id(uow: UnitOfWork) -> int:
    with uow:
        return uow.people.clinic("Demo Clinic").id


def test_one_query_reads_what_two_did(uow: UnitOfWork, engine: Engine) -> None:
    setup_clinic(uow)
    pid = patients.register_patient(
        uow,
        DR,
        "Rossi",
        "Maria",
        date(1985, 4, 2),
        "female",
        identifiers={"urn:b": "B-2", "urn:a": "A-1", "urn:c": "C-3"},
    ).id
    bare = add_patient(uow, "Bianchi")
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    with ClinicUnitOfWork(session_factory(engine), _clinic_id(uow)) as scoped:
        event.listen(engine, "before_cursor_execute", count)
        try:
            view = patients.read_patient(scoped, pid)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert len(statements) == 1
        full = patients.patient_view(scoped, scoped.people.patient(pid))
        assert view == full
        assert list(view.identifiers.items()) == [
            ("urn:a", "A-1"),
            ("urn:b", "B-2"),
            ("urn:c", "C-3"),
        ]
        assert patients.read_patient(scoped, bare).identifiers == {"clinic-mrn": "MRN-Bianchi"}
        assert (view.family_name, view.birth_date, view.deleted) == (
            "Rossi",
            date(1985, 4, 2),
            False,
        )


def test_another_clinic_finds_no_patient(uow: UnitOfWork, engine: Engine) -> None:
    setup_clinic(uow)
    pid = add_patient(uow)
    other = clinics.add_clinic(uow, "Other Clinic", "Europe/Rome")
    sessions = session_factory(engine)
    with ClinicUnitOfWork(sessions, _clinic_id(uow)) as own:
        assert patients.read_patient(own, pid).identifiers == {"clinic-mrn": "MRN-Testpatient"}
    with ClinicUnitOfWork(sessions, other.id) as theirs:
        with pytest.raises(NotFoundError, match=f"unknown patient {pid}"):
            patients.read_patient(theirs, pid)
        with pytest.raises(NotFoundError):
            theirs.people.patient_card(pid, include_deleted=True)


def test_a_deleted_patient_is_found_only_when_asked_for(uow: UnitOfWork, engine: Engine) -> None:
    setup_clinic(uow)
    pid = add_patient(uow)
    patients.delete_patient(uow, DR, pid, "entered twice")
    with ClinicUnitOfWork(session_factory(engine), _clinic_id(uow)) as scoped:
        with pytest.raises(NotFoundError, match=f"unknown patient {pid}"):
            patients.read_patient(scoped, pid)
        row, identifiers = scoped.people.patient_card(pid, include_deleted=True)
        assert (row.id, identifiers) == (pid, {"clinic-mrn": "MRN-Testpatient"})
        with pytest.raises(NotFoundError):
            scoped.people.patient_card(pid + 1000)

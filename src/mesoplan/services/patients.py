"""Use cases: register a patient, record the safety history, list, show, soft-delete."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

from ..domain.bounds import check_birth_date, check_event_time
from ..domain.record_errors import ConflictError, RefusedError
from ..domain.safety import PatientHistory
from .unit_of_work import UnitOfWork
from .views import HistoryView, PatientView

if TYPE_CHECKING:
    from ..adapters.db.people import PatientHistoryRow, PatientRow

SEXES: tuple[str, ...] = ("female", "male", "other", "unknown")
HISTORY_BOOLS: tuple[str, ...] = (
    "pregnant",
    "breastfeeding",
    "anticoagulants",
    "antiplatelets",
    "bleeding_disorder",
    "active_skin_infection",
    "recent_myocardial_infarction",
    "hypotension",
)


def _check_patient(family_name: str, given_name: str, birth_date: date, sex: str) -> None:
    if not family_name.strip() or not given_name.strip():
        raise RefusedError("patient: give a non-empty family name and given name")
    if sex not in SEXES:
        raise RefusedError(f"patient sex {sex!r} is not valid; valid: {', '.join(SEXES)}")


def register_patient(
    uow: UnitOfWork,
    actor: str | None,
    family_name: str,
    given_name: str,
    birth_date: date,
    sex: str,
    phone: str | None = None,
    email: str | None = None,
    identifiers: Mapping[str, str] | None = None,
    history: PatientHistory | None = None,
) -> PatientView:
    """A new patient in the acting practitioner's clinic, with an optional history."""
    from ..adapters.db.people import PatientIdentifierRow, PatientRow

    _check_patient(family_name, given_name, birth_date, sex)
    with uow:
        who = uow.people.practitioner(actor)
        check_birth_date(birth_date, uow.now().date())
        row = uow.people.add(
            PatientRow(
                clinic_id=who.clinic_id,
                family_name=family_name.strip(),
                given_name=given_name.strip(),
                birth_date=birth_date,
                sex=sex,
                phone=phone,
                email=email,
                created_at=uow.now(),
                created_by_id=who.id,
            )
        )
        uow.flush()
        for system, value in (identifiers or {}).items():
            check_identifier_free(uow, system, value)
            uow.people.add(PatientIdentifierRow(patient_id=row.id, system=system, value=value))
        if history is not None:
            check_consent(uow, history, birth_date, "history/consent_given_at")
            _add_history(uow, row.id, who.id, history)
        uow.flush()
        view = patient_view(uow, row)
        uow.commit()
        return view


def record_history(
    uow: UnitOfWork,
    actor: str | None,
    patient_id: int,
    history: PatientHistory,
    medications: tuple[str, ...] = (),
    notes: str | None = None,
) -> HistoryView:
    """A new version of the patient's safety history (the older ones are kept)."""
    with uow:
        who = uow.people.practitioner(actor)
        patient = uow.people.patient(patient_id)
        check_consent(uow, history, patient.birth_date, "consent_given_at")
        row = _add_history(uow, patient_id, who.id, history, medications, notes)
        uow.flush()
        view = history_view(row, who.handle)
        uow.commit()
        return view


def check_consent(uow: UnitOfWork, history: PatientHistory, birth: date, field: str) -> None:
    """Consent is given after birth and not in the future."""
    if history.consent_given_at is not None:
        check_event_time(history.consent_given_at, birth, uow.now(), field)


def _add_history(
    uow: UnitOfWork,
    patient_id: int,
    by_id: int,
    history: PatientHistory,
    medications: tuple[str, ...] = (),
    notes: str | None = None,
) -> PatientHistoryRow:
    from ..adapters.db.people import PatientHistoryRow

    flags = {name: bool(getattr(history, name)) for name in HISTORY_BOOLS}
    return uow.people.add(
        PatientHistoryRow(
            patient_id=patient_id,
            recorded_at=uow.now(),
            recorded_by_id=by_id,
            allergies=list(history.allergies),
            medications=list(medications),
            consent_given_at=history.consent_given_at,
            notes=notes,
            **flags,
        )
    )


def history_of(uow: UnitOfWork, patient_id: int) -> PatientHistory:
    """The latest history as the domain's :class:`PatientHistory` (empty when none)."""
    row = uow.people.latest_history(patient_id)
    if row is None:
        return PatientHistory()
    flags = {name: bool(getattr(row, name)) for name in HISTORY_BOOLS}
    return PatientHistory(
        allergies=tuple(row.allergies), consent_given_at=row.consent_given_at, **flags
    )


def history_view(row: PatientHistoryRow, recorded_by: str) -> HistoryView:
    return HistoryView(
        recorded_at=row.recorded_at,
        recorded_by=recorded_by,
        flags={name: bool(getattr(row, name)) for name in HISTORY_BOOLS},
        allergies=tuple(row.allergies),
        medications=tuple(row.medications),
        consent_given_at=row.consent_given_at,
        notes=row.notes,
    )


def patient_view(
    uow: UnitOfWork, row: PatientRow, identifiers: Mapping[str, str] | None = None
) -> PatientView:
    """The view of ``row``; its identifiers are read unless they are passed (as
    :meth:`~mesoplan.adapters.db.repositories.PeopleRepository.patient_card` gives them)."""
    if identifiers is None:
        identifiers = _identifiers(uow, row.id)
    return PatientView(
        id=row.id,
        family_name=row.family_name,
        given_name=row.given_name,
        birth_date=row.birth_date,
        sex=row.sex,
        phone=row.phone,
        email=row.email,
        identifiers=dict(identifiers),
        deleted=row.deleted_at is not None,
    )


def read_patient(uow: UnitOfWork, patient_id: int) -> PatientView:
    """One patient, identifiers included, in one query (an open unit of work); entered in
    the access log."""
    view = patient_view(uow, *uow.people.patient_card(patient_id))
    uow.log_access([patient_id], "read patient", f"patient {patient_id}")
    return view


def _identifiers(uow: UnitOfWork, patient_id: int) -> dict[str, str]:
    from sqlalchemy import select

    from ..adapters.db.people import PatientIdentifierRow

    ids = uow.session.execute(
        select(PatientIdentifierRow.system, PatientIdentifierRow.value)
        .where(PatientIdentifierRow.patient_id == patient_id)
        .order_by(PatientIdentifierRow.system)
    )
    return {system: value for system, value in ids}


def list_patients(
    uow: UnitOfWork, actor: str | None, name: str | None = None, include_deleted: bool = False
) -> list[PatientView]:
    with uow:
        who = uow.people.practitioner(actor)
        rows = uow.people.patients(who.clinic_id, name, include_deleted)
        return [patient_view(uow, r) for r in rows]


def delete_patient(uow: UnitOfWork, actor: str | None, patient_id: int, reason: str) -> None:
    """Soft delete: the patient is hidden from lists, kept with who, when and why."""
    if not reason.strip():
        raise RefusedError("a deletion needs a reason")
    with uow:
        who = uow.people.practitioner(actor)
        row = uow.people.patient(patient_id)
        row.deleted_at, row.deleted_by_id, row.delete_reason = uow.now(), who.id, reason.strip()
        uow.commit()


def check_identifier_free(uow: UnitOfWork, system: str, value: str) -> None:
    from sqlalchemy import select

    from ..adapters.db.people import PatientIdentifierRow

    q = select(PatientIdentifierRow.patient_id).where(
        PatientIdentifierRow.system == system, PatientIdentifierRow.value == value
    )
    owner = uow.session.scalar(q)
    if owner is not None:
        raise ConflictError(f"identifier {system}={value} belongs to patient {owner} already")


__all__ = [
    "SEXES",
    "delete_patient",
    "history_of",
    "list_patients",
    "record_history",
    "register_patient",
]

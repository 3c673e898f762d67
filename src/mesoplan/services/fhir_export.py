"""Export use cases: a patient's records as a FHIR Bundle, every record as bulk NDJSON,
and records as CSV. Each reads in one unit of work and writes nothing to the database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from .unit_of_work import UnitOfWork

JSON = dict[str, Any]
BULK_REQUEST = "mesoplan export fhir --all"


def patient_bundle(uow: UnitOfWork, patient_id: int, bundle_type: str = "collection") -> JSON:
    """Everything about one patient as a Bundle (the clinic, its practitioners, the
    patient, the protocols of their courses, zones, courses, sessions, products drawn,
    measurements, reactions and signatures); references are the entries' ``urn:uuid:``
    fullUrls. Raises NotFoundError for an unknown (or deleted) patient."""
    from ..adapters.fhir.db_source import DatabaseSource
    from ..adapters.fhir.export import records_bundle

    with uow:
        uow.people.patient(patient_id)
        uow.log_access([patient_id], "export patient (FHIR)", f"patient {patient_id}")
        source = DatabaseSource(uow.session, patient_id)
        return records_bundle(source, uow.now(), bundle_type=bundle_type)


def record_count(uow: UnitOfWork) -> int:
    """About how many resources a bulk export writes (for a progress bar): one per row of
    the exported tables; a course's zones, and a history's allergies and medications,
    are counted as one each."""
    from ..adapters.db.people import (
        ClinicRow,
        MeasurementRow,
        PatientHistoryRow,
        PatientRow,
        PractitionerRow,
    )
    from ..adapters.db.records import (
        AddendumRow,
        CosignatureRow,
        CourseRow,
        ProtocolSnapshotRow,
        ReactionRow,
        SessionRow,
    )
    from ..adapters.db.stock import ProductUseRow

    tables = (
        ClinicRow, PractitionerRow, PatientRow, ProtocolSnapshotRow, CourseRow, CourseRow,
        SessionRow, SessionRow, ProductUseRow, MeasurementRow, ReactionRow, CosignatureRow,
        AddendumRow, PatientHistoryRow,
    )  # fmt: skip
    with uow:
        return sum(uow.session.scalar(select(func.count()).select_from(t)) or 0 for t in tables)


def bulk_export(
    uow: UnitOfWork, directory: Path, progress: Callable[[JSON], None] | None = None
) -> JSON:
    """Every live record as one NDJSON file per resource type under ``directory``, with
    ``manifest.json`` (Bulk Data Access layout); streamed, so memory stays flat."""
    from ..adapters.fhir.bulk import write_bulk
    from ..adapters.fhir.db_source import DatabaseSource
    from ..adapters.fhir.export import export_resources
    from ..adapters.fhir.refs import Refs

    with uow:
        source = DatabaseSource(uow.session)
        resources = (r for _, r in export_resources(source, Refs()))
        manifest = write_bulk(
            directory,
            resources,
            transaction_time=uow.now(),
            request=BULK_REQUEST,
            progress=progress,
        )
        log_bulk_export(uow)
        return manifest


def log_bulk_export(uow: UnitOfWork) -> None:
    """A bulk export reads every live patient's record: one access entry each."""
    if uow.reader is None:
        return
    from sqlalchemy import select

    from ..adapters.db.people import PatientRow

    ids = uow.session.scalars(select(PatientRow.id).where(PatientRow.deleted_at.is_(None)))
    uow.log_access(ids, "bulk export (FHIR)", "bulk export")

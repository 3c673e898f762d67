"""Export use case: records as CSV, one file per record type (see adapters/csv_export)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from .unit_of_work import UnitOfWork


def csv_types() -> tuple[str, ...]:
    from ..adapters.csv_export import CSV_TYPES

    return tuple(CSV_TYPES)


def export_csv(uow: UnitOfWork, kind: str, out: IO[str], patient_id: int | None = None) -> int:
    """The ``kind`` records (all, or one patient's) as CSV on ``out``; returns the rows."""
    from ..adapters.csv_export import write_csv
    from ..adapters.fhir.db_source import DatabaseSource

    with uow:
        if patient_id is not None:
            uow.people.patient(patient_id)
        return write_csv(DatabaseSource(uow.session, patient_id), kind, out)


def export_csv_folder(
    uow: UnitOfWork, directory: Path, patient_id: int | None = None
) -> dict[str, int]:
    """Every record type as ``<type>.csv`` under ``directory``; rows written per type."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for kind in csv_types():
        with (directory / f"{kind}.csv").open("w", encoding="utf-8", newline="") as out:
            counts[kind] = export_csv(uow, kind, out, patient_id)
    return counts

"""Bulk FHIR export of one clinic (the API's ``$export``): the same NDJSON files and
manifest as :func:`fhir_export.bulk_export`, but only the records of the clinic the unit
of work is scoped to."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .fhir_export import log_bulk_export
from .scoped import ClinicUnitOfWork

JSON = dict[str, Any]


def clinic_bulk_export(
    uow: ClinicUnitOfWork,
    directory: Path,
    request: str,
    progress: Callable[[JSON], None] | None = None,
    types: frozenset[str] | None = None,
) -> JSON:
    """Every live record of ``uow``'s clinic (of the resource ``types`` only, when given)
    as one NDJSON file per resource type under ``directory`` with ``manifest.json``;
    ``request`` is recorded in the manifest.
    Streamed: memory stays flat whatever the clinic's size."""
    from ..adapters.fhir.bulk import write_bulk
    from ..adapters.fhir.clinic_source import ClinicSource
    from ..adapters.fhir.export import export_resources
    from ..adapters.fhir.refs import Refs

    with uow:
        source = ClinicSource(uow.session)
        every = (r for _, r in export_resources(source, Refs()))
        resources = every if types is None else (r for r in every if r["resourceType"] in types)
        manifest = write_bulk(
            directory, resources, transaction_time=uow.now(), request=request, progress=progress
        )
        log_bulk_export(uow)
        return manifest

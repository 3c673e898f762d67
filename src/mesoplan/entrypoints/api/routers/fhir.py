"""FHIR R4 over HTTP: a patient's ``$everything`` and the asynchronous Bulk Data
``$export`` of the caller's clinic (kick-off, status, output files, cancellation)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from ....services import fhir_export
from ....services.fhir_clinic_export import clinic_bulk_export
from ..bounds import PathId
from ..deps import Context, Reader, allow
from ..fhir_jobs import JobStore

router = APIRouter(prefix="/fhir", tags=["fhir"])
Exporter = Annotated[Context, Depends(allow("fhir:export"))]
JobId = Annotated[str, PathParam(max_length=64, description="the job id from Content-Location")]
Types = Annotated[
    str | None,
    Query(
        alias="_type",
        max_length=1000,
        pattern=r"^[A-Z][A-Za-z]{0,63}(,[A-Z][A-Za-z]{0,63})*$",
        description="only these resource types, comma-separated (Patient,Procedure)",
    ),
]
FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"
RESOURCE: dict[str, Any] = {"type": "object", "required": ["resourceType"]}
BUNDLE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "a searchset Bundle of everything about the patient",
        "content": {FHIR_JSON: {"schema": RESOURCE, "example": {"resourceType": "Bundle"}}},
    }
}
BUSY = {
    "type": "about:blank",
    "title": "Too Many Requests",
    "status": 429,
    "detail": "an export of your clinic is already running: wait for it or delete it",
}
KICK_OFF_DOC: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "accepted; poll the URL in Content-Location",
        "headers": {"Content-Location": {"schema": {"type": "string"}}},
    },
    429: {
        "description": "an export of the clinic is already running; retry later",
        "headers": {"Retry-After": {"schema": {"type": "string"}}},
        "content": {"application/problem+json": {"schema": {"type": "object"}, "example": BUSY}},
    },
}
MANIFEST: dict[str, Any] = {
    "transactionTime": "2025-03-03T09:00:00Z",
    "request": "https://clinic.example/fhir/$export",
    "requiresAccessToken": True,
    "output": [
        {
            "type": "Patient",
            "url": "https://clinic.example/fhir/$export/JOB/Patient.ndjson",
            "count": 1,
        }
    ],
    "error": [],
}
FAILED = {"type": "about:blank", "title": "Internal Server Error", "status": 500,
          "detail": "the export failed; it was logged"}  # fmt: skip
STATUS_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "done: the Bulk Data manifest",
        "content": {"application/json": {"schema": {"type": "object"}, "example": MANIFEST}},
    },
    202: {
        "description": "still running",
        "headers": {"X-Progress": {"schema": {"type": "string"}}},
    },
    500: {
        "description": "the export failed",
        "content": {"application/problem+json": {"schema": {"type": "object"}, "example": FAILED}},
    },
}
FILE_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "one resource per line",
        "content": {
            NDJSON: {"schema": {"type": "string"}, "example": '{"resourceType":"Patient"}\n'}
        },
    }
}


def jobs(ctx: Context) -> JobStore:
    return JobStore(ctx.state.settings.resolved_data_dir() / "exports")


@router.get("/Patient/{patient_id}/$everything", response_class=Response, responses=BUNDLE_DOC)
async def patient_everything(patient_id: PathId, ctx: Reader) -> Response:
    """Everything about one patient of the clinic as a FHIR R4 searchset Bundle whose
    references resolve inside it (``urn:uuid:`` fullUrls)."""
    work = partial(fhir_export.patient_bundle, ctx.read(), patient_id, "searchset")
    bundle = await run_in_threadpool(work)
    body = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, 200, media_type=FHIR_JSON)


@router.get("/$export", status_code=202, response_class=Response, responses=KICK_OFF_DOC)
def export_kick_off(ctx: Exporter, request: Request, types: Types = None) -> Response:
    """Start a Bulk Data export of every live record of the caller's clinic (or of the
    resource types in ``_type``). Needs the header ``Prefer: respond-async`` (400 without
    it); answers 202 with the status URL in ``Content-Location``, or 429 while another
    export of the clinic runs. Output: one NDJSON file per resource type."""
    prefer = {p.strip().lower() for p in request.headers.get("prefer", "").split(",")}
    if "respond-async" not in prefer:
        raise HTTPException(400, "a bulk export is asynchronous: send Prefer: respond-async")
    store = jobs(ctx)
    if store.running(ctx.who.clinic_id):
        raise HTTPException(429, BUSY["detail"], {"Retry-After": "30"})
    url = str(request.url)
    total = fhir_export.record_count(ctx.read())
    state = {"request": url, "requested_by": ctx.who.username, "total": total}
    only = frozenset(types.split(",")) if types else None
    job_id = store.start(ctx.read(), state, partial(_export, request=url, types=only))
    status = str(request.url_for("export_status", job_id=job_id))
    return Response(status_code=202, headers={"Content-Location": status})


def _export(
    uow: Any, folder: Path, progress: Any, *, request: str, types: frozenset[str] | None
) -> dict[str, Any]:
    return clinic_bulk_export(uow, folder, request, progress, types)


@router.get("/$export/{job_id}", response_class=Response, responses=STATUS_DOC)
def export_status(job_id: JobId, ctx: Exporter, request: Request) -> Response:
    """The job's state: 202 with ``X-Progress`` while it runs; 200 with the Bulk Data
    manifest (absolute output URLs, which need the same bearer token) once done."""
    job = jobs(ctx).get(ctx.who.clinic_id, job_id)
    if job is None:
        raise HTTPException(404, f"no export job {job_id!r} in your clinic")
    if job.status == "running":
        return Response(status_code=202, headers={"X-Progress": job.progress()})
    if job.status == "failed":
        raise HTTPException(500, job.error)
    manifest = job.manifest()
    for item in manifest["output"]:
        name = str(item["url"])
        item["url"] = str(request.url_for("export_file", job_id=job_id, file_name=name))
    manifest |= {"request": job.state["request"], "requiresAccessToken": True}
    return Response(json.dumps(manifest), 200, media_type="application/json")


@router.get("/$export/{job_id}/{file_name}", response_class=Response, responses=FILE_DOC)
def export_file(job_id: JobId, file_name: str, ctx: Exporter) -> Response:
    """One output file of a finished job (``Patient.ndjson``...)."""
    job = jobs(ctx).get(ctx.who.clinic_id, job_id)
    path = job.file(file_name) if job is not None else None
    if path is None:
        raise HTTPException(404, f"no file {file_name!r} in a finished export {job_id!r}")
    return FileResponse(path, media_type=NDJSON, filename=file_name)


@router.delete("/$export/{job_id}", status_code=202, response_class=Response)
def export_delete(job_id: JobId, ctx: Exporter) -> Response:
    """Cancel a running job or remove a finished one and its files."""
    if not jobs(ctx).remove(ctx.who.clinic_id, job_id):
        raise HTTPException(404, f"no export job {job_id!r} in your clinic")
    return Response(status_code=202)

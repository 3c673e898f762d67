"""Patients, their safety history, screening and outcome plots."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from ....domain.safety import PatientHistory
from ....services import listings, patients, record_edits
from ....services.record_edits import PatientChange
from ....services.unit_of_work import UnitOfWork
from .. import etags
from ..bounds import PathId, QueryId
from ..deps import IfMatch, Paging, PatientWriter, Reader
from ..pagination import Page, encode_cursor
from ..schemas.people import (
    HistoryCreate,
    HistoryRead,
    PatientCreate,
    PatientRead,
    PatientUpdate,
    ScreeningRead,
)

router = APIRouter(tags=["patients"])
Reason = Annotated[str, Query(min_length=1, max_length=1000, description="why")]
SVG: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {"example": "<svg ...>"}}, "description": "SVG"}
}


def read_patient(uow: UnitOfWork, patient_id: int) -> PatientRead:
    return PatientRead.model_validate(patients.read_patient(uow, patient_id))


def _history(body: HistoryCreate) -> PatientHistory:
    flags = body.model_dump(exclude={"allergies", "medications", "notes", "consent_given_at"})
    return PatientHistory(
        allergies=tuple(body.allergies), consent_given_at=body.consent_given_at, **flags
    )


@router.get("/patients", response_model=Page[PatientRead])
def list_patients(
    ctx: Reader, paging: Paging, name: str | None = None, include_deleted: bool = False
) -> Page[PatientRead]:
    """Patients of the clinic; ``name`` matches part of the family or given name."""
    with ctx.read() as uow:
        p = listings.patients(uow, name, include_deleted, paging.after, paging.limit)
        items = [PatientRead.model_validate(v) for v in p.items]
    return Page[PatientRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.post("/patients", response_model=PatientRead, status_code=201)
def register_patient(body: PatientCreate, ctx: PatientWriter, response: Response) -> PatientRead:
    history = _history(body.history) if body.history else None
    view = patients.register_patient(
        ctx.write(),
        ctx.who.handle,
        body.family_name,
        body.given_name,
        body.birth_date,
        body.sex,
        body.phone,
        body.email,
        body.identifiers,
        history,
    )
    response.headers["Location"] = f"/patients/{view.id}"
    return etags.with_etag(response, PatientRead.model_validate(view))


@router.get("/patients/{patient_id}", response_model=PatientRead)
async def get_patient(patient_id: PathId, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: read_patient(uow, patient_id))


@router.patch("/patients/{patient_id}", response_model=PatientRead)
def update_patient(
    patient_id: PathId,
    body: PatientUpdate,
    ctx: PatientWriter,
    if_match: IfMatch,
    response: Response,
) -> PatientRead:
    uow = ctx.write(etags.matching(if_match, lambda u: read_patient(u, patient_id)))
    change = PatientChange(**body.model_dump(exclude_unset=True))
    view = record_edits.update_patient(uow, ctx.who.handle, patient_id, change)
    return etags.with_etag(response, PatientRead.model_validate(view))


@router.delete("/patients/{patient_id}", status_code=204)
def delete_patient(
    patient_id: PathId, reason: Reason, ctx: PatientWriter, if_match: IfMatch
) -> Response:
    """Soft delete: hidden from lists, kept with who, when and why."""
    uow = ctx.write(etags.matching(if_match, lambda u: read_patient(u, patient_id)))
    patients.delete_patient(uow, ctx.who.handle, patient_id, reason)
    return Response(status_code=204)


@router.get("/patients/{patient_id}/history", response_model=Page[HistoryRead])
def list_history(patient_id: PathId, ctx: Reader, paging: Paging) -> Page[HistoryRead]:
    """Every version of the safety history, oldest first (the last one holds)."""
    with ctx.read() as uow:
        p = listings.history_versions(uow, patient_id, paging.after, paging.limit)
        items = [HistoryRead.model_validate(v, from_attributes=True) for v in p.items]
    return Page[HistoryRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.post("/patients/{patient_id}/history", response_model=HistoryRead, status_code=201)
def record_history(patient_id: PathId, body: HistoryCreate, ctx: PatientWriter) -> HistoryRead:
    view = patients.record_history(
        ctx.write(),
        ctx.who.handle,
        patient_id,
        _history(body),
        tuple(body.medications),
        body.notes,
    )
    return HistoryRead.model_validate(view, from_attributes=True)


@router.get("/patients/{patient_id}/screening", response_model=ScreeningRead)
def screen_patient(
    patient_id: PathId, ctx: Reader, protocol: Annotated[str, Query(min_length=1)] = "cellulite"
) -> ScreeningRead:
    """Screen the latest history against a protocol (nothing is stored)."""
    from ....services.clinic_protocols import find_protocol
    from ....services.courses import screen_patient as screen

    with ctx.read() as uow:
        found = find_protocol(uow, protocol).protocol
    view = screen(ctx.read(), ctx.who.handle, patient_id, found)
    return ScreeningRead.model_validate(view, from_attributes=True)


@router.get("/patients/{patient_id}/outcomes.svg", response_class=Response, responses=SVG)
def outcome_plot(patient_id: PathId, ctx: Reader, course_id: QueryId = None) -> Response:
    """The patient's outcome measurements over time; with ``course_id``, each panel says
    whether the latest value moved as the course's protocol expects."""
    from ....services.outcome_plots import outcome_plot as plot

    return Response(plot(ctx.read(), patient_id, course_id), media_type="image/svg+xml")

"""Outcome measurements of a patient."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ....domain.outcomes import Measurement, PhotoRef
from ....services import listings, measurements
from ....services.unit_of_work import UnitOfWork
from .. import etags
from ..bounds import PathId
from ..deps import IfMatch, Paging, PatientWriter, Reader
from ..pagination import Page, encode_cursor
from ..schemas.people import MeasurementCreate, MeasurementRead

router = APIRouter(tags=["measurements"])
Reason = Annotated[str, Query(min_length=1, max_length=1000, description="why")]


def _read(uow: UnitOfWork, measurement_id: int) -> MeasurementRead:
    row = uow.people.measurement(measurement_id)
    return MeasurementRead.model_validate(measurements.measurement_view(row))


@router.get("/patients/{patient_id}/measurements", response_model=Page[MeasurementRead])
def list_measurements(
    patient_id: PathId, ctx: Reader, paging: Paging, kind: str | None = None
) -> Page[MeasurementRead]:
    with ctx.read() as uow:
        p = listings.measurements(uow, patient_id, kind, paging.after, paging.limit)
        items = [MeasurementRead.model_validate(v) for v in p.items]
    return Page[MeasurementRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.post("/patients/{patient_id}/measurements", response_model=MeasurementRead, status_code=201)
def record_measurement(
    patient_id: PathId, body: MeasurementCreate, ctx: PatientWriter, response: Response
) -> MeasurementRead:
    """A value on its kind's scale, or a photo reference (kind ``photo``)."""
    photo = PhotoRef(**body.photo.model_dump()) if body.photo else None
    m = Measurement(
        body.kind,
        body.taken_at,
        body.value,
        body.site,
        body.height_above_kneecap_cm,
        photo,
        body.note or "",
    )
    view = measurements.record_measurement(
        ctx.write(), ctx.who.handle, patient_id, m, body.course_id
    )
    response.headers["Location"] = f"/measurements/{view.id}"
    return etags.with_etag(response, MeasurementRead.model_validate(view))


@router.get("/measurements/{measurement_id}", response_model=MeasurementRead)
async def get_measurement(measurement_id: PathId, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: _read(uow, measurement_id))


@router.delete("/measurements/{measurement_id}", status_code=204)
def delete_measurement(
    measurement_id: PathId, reason: Reason, ctx: PatientWriter, if_match: IfMatch
) -> Response:
    uow = ctx.write(etags.matching(if_match, lambda u: _read(u, measurement_id)))
    measurements.delete_measurement(uow, ctx.who.handle, measurement_id, reason)
    return Response(status_code=204)

"""Charted sessions: chart, correct, delete (unsigned), sign, co-sign, addenda, verify."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ....domain.bounds import FieldError
from ....domain.charting_points import PointChange
from ....domain.errors import ChartingError
from ....services import listings, sessions, signing
from ....services.session_views import read_session_view, session_points
from ....services.sessions import SessionInput, UseInput
from ....services.unit_of_work import UnitOfWork
from .. import etags
from ..bounds import PathId, QueryId
from ..deps import Charter, Cosigner, IfMatch, Paging, Reader, Signer
from ..pagination import Page, encode_cursor
from ..schemas.sessions import (
    AddendumCreate,
    PointChangeCreate,
    PointRead,
    SessionCreate,
    SessionRead,
    SessionUpdate,
    UseCreate,
    VerificationRead,
)

router = APIRouter(tags=["sessions"])
Reason = Annotated[str, Query(min_length=1, max_length=1000, description="why")]


def read_session(uow: UnitOfWork, session_id: int) -> SessionRead:
    view = read_session_view(uow, session_id)
    return SessionRead.model_validate(view, from_attributes=True)


def _use(u: UseCreate) -> UseInput:
    return UseInput(u.product, u.lot_number, u.volume_ml, u.vial, u.provides)


def _changes(changes: list[PointChangeCreate]) -> list[PointChange]:
    """The domain's changes; a change it refuses is named by its place (``changes/3``)."""
    out = []
    for i, c in enumerate(changes):
        try:
            out.append(PointChange(**c.model_dump()))
        except ChartingError as exc:
            raise FieldError(f"changes/{i}", str(exc)) from None
    return out


@router.get("/sessions", response_model=Page[SessionRead])
def list_sessions(
    ctx: Reader,
    paging: Paging,
    course_id: QueryId = None,
    patient_id: QueryId = None,
    signed: bool | None = None,
) -> Page[SessionRead]:
    with ctx.read() as uow:
        p = listings.sessions(uow, course_id, patient_id, signed, paging.after, paging.limit)
        items = [SessionRead.model_validate(v, from_attributes=True) for v in p.items]
    return Page[SessionRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.post("/courses/{course_id}/sessions", response_model=SessionRead, status_code=201)
def chart_session(
    course_id: PathId, body: SessionCreate, ctx: Charter, response: Response
) -> SessionRead:
    """Chart what was done: the mix with its lots and vials (drawn down), the points
    that differ from the plan; the patient is screened again."""
    details = SessionInput(
        needle_gauge=body.needle_gauge,
        needle_length_mm=body.needle_length_mm,
        needle_lot=body.needle_lot,
        anaesthetic=body.anaesthetic,
        anaesthetic_amount_g=body.anaesthetic_amount_g,
        anaesthetic_applied_at=body.anaesthetic_applied_at,
        diluent=_use(body.diluent) if body.diluent else None,
        notes=body.notes,
    )
    view = sessions.record_session(
        ctx.write(),
        ctx.who.handle,
        course_id,
        [_use(u) for u in body.uses],
        _changes(body.changes),
        details,
        body.number,
        body.performed_at,
        body.overrides,
    )
    response.headers["Location"] = f"/sessions/{view.id}"
    return SessionRead.model_validate(view, from_attributes=True)


@router.get("/sessions/{session_id}", response_model=SessionRead)
async def get_session(session_id: PathId, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: read_session(uow, session_id))


@router.patch("/sessions/{session_id}", response_model=SessionRead)
def correct_session(
    session_id: PathId, body: SessionUpdate, ctx: Charter, if_match: IfMatch, response: Response
) -> SessionRead:
    """Re-chart the points or notes of an unsigned session (a signed one: 409)."""
    uow = ctx.write(etags.matching(if_match, lambda u: read_session(u, session_id)))
    changes = _changes(body.changes) if body.changes is not None else None
    view = sessions.correct_session(uow, ctx.who.handle, session_id, changes, body.notes)
    return etags.with_etag(response, SessionRead.model_validate(view, from_attributes=True))


@router.delete("/sessions/{session_id}", status_code=204)
def delete_session(session_id: PathId, reason: Reason, ctx: Charter, if_match: IfMatch) -> Response:
    """Soft-delete an unsigned session charted in error (a signed one: 409)."""
    uow = ctx.write(etags.matching(if_match, lambda u: read_session(u, session_id)))
    sessions.delete_session(uow, ctx.who.handle, session_id, reason)
    return Response(status_code=204)


@router.post("/sessions/{session_id}/sign", response_model=SessionRead)
def sign_session(
    session_id: PathId, ctx: Signer, if_match: IfMatch, response: Response
) -> SessionRead:
    """Sign: from now on the session never changes. If-Match, when sent, is checked."""
    uow = ctx.write(etags.optional(if_match, lambda u: read_session(u, session_id)))
    view = signing.sign_session(uow, ctx.who.handle, session_id)
    return etags.with_etag(response, SessionRead.model_validate(view, from_attributes=True))


@router.post("/sessions/{session_id}/cosign", response_model=SessionRead)
def cosign_session(
    session_id: PathId, ctx: Cosigner, if_match: IfMatch, response: Response
) -> SessionRead:
    """A medical director's co-signature, once, by someone other than the signer."""
    uow = ctx.write(etags.optional(if_match, lambda u: read_session(u, session_id)))
    view = signing.cosign_session(uow, ctx.who.handle, session_id)
    return etags.with_etag(response, SessionRead.model_validate(view, from_attributes=True))


@router.post("/sessions/{session_id}/addenda", response_model=SessionRead, status_code=201)
def add_addendum(
    session_id: PathId, body: AddendumCreate, ctx: Signer, response: Response
) -> SessionRead:
    """A signed amendment to a signed session; the session itself never changes."""
    view = signing.add_addendum(ctx.write(), ctx.who.handle, session_id, body.text)
    return etags.with_etag(response, SessionRead.model_validate(view, from_attributes=True))


@router.get("/sessions/{session_id}/points", response_model=Page[PointRead])
def list_points(session_id: PathId, ctx: Reader, paging: Paging) -> Page[PointRead]:
    """Every point as delivered: id, status, position, depth and volume."""
    rows = session_points(ctx.read(), session_id)
    start = paging.after or 0
    more = start + paging.limit < len(rows)
    items = [PointRead.model_validate(r) for r in rows[start : start + paging.limit]]
    return Page[PointRead](
        items=items, next_cursor=encode_cursor(start + paging.limit) if more else None
    )


@router.get("/sessions/{session_id}/verify", response_model=VerificationRead)
def verify_session(session_id: PathId, ctx: Reader) -> VerificationRead:
    """Recompute the signature from what is stored now."""
    result = signing.verify_session(ctx.read(), session_id)
    return VerificationRead.model_validate(result, from_attributes=True)

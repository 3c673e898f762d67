"""The caller's clinic and its audit trail."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ....services import audit, listings, record_edits
from ....services.unit_of_work import UnitOfWork
from .. import etags
from ..bounds import PathId
from ..deps import AuditReader, ClinicAdmin, IfMatch, Paging, Reader
from ..pagination import Page, encode_cursor
from ..schemas.accounts import (
    AccessEntryRead,
    AuditEntryRead,
    AuditVerifyRead,
    ClinicRead,
    ClinicUpdate,
)

router = APIRouter(tags=["clinics and audit"])


def _clinic(uow: UnitOfWork, clinic_id: int) -> ClinicRead:
    return ClinicRead.model_validate(record_edits.clinic_view(uow, clinic_id))


@router.get("/clinics", response_model=Page[ClinicRead])
def list_clinics(ctx: Reader, paging: Paging) -> Page[ClinicRead]:
    """The clinics the caller can see: their own."""
    with ctx.read() as uow:
        items = [_clinic(uow, c.id) for c in uow.people.clinics() if (paging.after or 0) < c.id]
    return Page[ClinicRead](items=items[: paging.limit], next_cursor=None)


@router.get("/clinics/{clinic_id}", response_model=ClinicRead)
async def get_clinic(clinic_id: PathId, ctx: Reader) -> Response:
    return await ctx.respond(lambda uow: _clinic(uow, clinic_id))


@router.patch("/clinics/{clinic_id}", response_model=ClinicRead)
def update_clinic(
    clinic_id: PathId, body: ClinicUpdate, ctx: ClinicAdmin, if_match: IfMatch, response: Response
) -> ClinicRead:
    uow = ctx.write(etags.matching(if_match, lambda u: _clinic(u, clinic_id)))
    view = record_edits.update_clinic(uow, clinic_id, body.name, body.timezone)
    return etags.with_etag(response, ClinicRead.model_validate(view))


@router.get("/audit", response_model=Page[AuditEntryRead])
def list_audit(ctx: AuditReader, paging: Paging) -> Page[AuditEntryRead]:
    """The clinic's audit entries, oldest first."""
    with ctx.read() as uow:
        p = listings.audit_entries(uow, paging.after, paging.limit)
        items = [AuditEntryRead.model_validate(r, from_attributes=True) for r in p.items]
    return Page[AuditEntryRead](items=items, next_cursor=encode_cursor(p.next_after))


@router.get("/audit/verify", response_model=AuditVerifyRead)
def verify_audit(ctx: AuditReader) -> AuditVerifyRead:
    """Recompute the clinic's chain (``broken_at`` is the first broken entry) and
    re-verify every signed session against its signature and the content hash the chain
    recorded at signing (``mismatches``: every session that does not verify)."""
    (r,) = audit.verify_chains(ctx.read(), ctx.who.clinic_id)
    return AuditVerifyRead.model_validate(r.as_dict())


@router.get("/audit/access", response_model=Page[AccessEntryRead])
def list_access(
    ctx: AuditReader, paging: Paging, patient_id: int | None = None
) -> Page[AccessEntryRead]:
    """The access log: every read of a patient's record (who, when, what, entrypoint),
    oldest first; ``patient_id`` keeps one patient's."""
    found = audit.access_log(
        ctx.read(), ctx.who.clinic_id, patient_id, paging.after, paging.limit + 1
    )
    items = [AccessEntryRead.model_validate(e, from_attributes=True) for e in found]
    more = len(items) > paging.limit
    items = items[: paging.limit]
    return Page[AccessEntryRead](
        items=items, next_cursor=encode_cursor(items[-1].id if more else None)
    )

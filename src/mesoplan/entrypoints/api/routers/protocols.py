"""Protocols (built-in and the clinic's own, uploaded as TOML) and the zone catalogue."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from ....domain.errors import Issue, ProtocolError
from ....services import clinic_protocols as cp
from ....services.unit_of_work import UnitOfWork
from .. import etags
from ..deps import IfMatch, Paging, ProtocolWriter, Reader
from ..pagination import Page, encode_cursor
from ..schemas.plans import ProtocolDetailRead, ProtocolRead, ZoneRead

router = APIRouter(tags=["protocols and zones"])
MAX_TOML_BYTES = 200_000
TOML_EXAMPLE = 'format_version = 1\nid = "clinic-face"\nversion = "1.0.0"\ntitle = "..."\n'
UPLOAD: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/toml": {"schema": {"type": "string"}, "example": TOML_EXAMPLE},
            "text/plain": {"schema": {"type": "string"}, "example": TOML_EXAMPLE},
        },
    }
}


def _summary(entry: cp.ProtocolEntry) -> dict[str, Any]:
    p = entry.protocol
    return {
        "id": p.id,
        "version": p.version,
        "key": p.key,
        "title": p.title,
        "indication": p.indication,
        "hash": p.content_hash,
        "origin": entry.origin,
        "uploaded_at": entry.uploaded_at,
    }


def _detail(uow: UnitOfWork, ref: str) -> ProtocolDetailRead:
    entry = cp.find_protocol(uow, ref)
    content = json.loads(entry.protocol.canonical_json())
    return ProtocolDetailRead(**_summary(entry), content=content)


@router.get("/protocols", response_model=Page[ProtocolRead])
def list_protocols(ctx: Reader, paging: Paging, origin: str | None = None) -> Page[ProtocolRead]:
    """Built-in protocols, then the clinic's own; ``origin`` = builtin or clinic."""
    with ctx.read() as uow:
        entries = [e for e in cp.all_protocols(uow) if origin in (None, e.origin)]
    start = paging.after or 0
    chunk = entries[start : start + paging.limit]
    more = start + paging.limit < len(entries)
    items = [ProtocolRead(**_summary(e)) for e in chunk]
    return Page[ProtocolRead](
        items=items, next_cursor=encode_cursor(start + paging.limit) if more else None
    )


@router.get("/protocols/{ref}", response_model=ProtocolDetailRead)
async def get_protocol(ref: str, ctx: Reader) -> Response:
    """``ref``: ``id`` (newest version) or ``id@version``."""
    return await ctx.respond(lambda uow: _detail(uow, ref))


@router.post("/protocols", response_model=ProtocolRead, status_code=201, openapi_extra=UPLOAD)
async def upload_protocol(request: Request, ctx: ProtocolWriter, response: Response) -> Any:
    """Upload a clinic protocol as TOML; every problem comes back with its line."""
    from starlette.concurrency import run_in_threadpool

    data = await request.body()
    if len(data) > MAX_TOML_BYTES:
        raise ProtocolError([Issue("", f"larger than {MAX_TOML_BYTES} bytes", "<upload>")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError([Issue("", "the protocol is not UTF-8 text", "<upload>")]) from None
    entry = await run_in_threadpool(cp.upload_protocol, ctx.write(), ctx.who.handle, text)
    response.headers["Location"] = f"/protocols/{entry.protocol.key}"
    return ProtocolRead(**_summary(entry))


@router.delete("/protocols/{ref}", status_code=204)
def withdraw_protocol(ref: str, ctx: ProtocolWriter, if_match: IfMatch) -> Response:
    """Withdraw a clinic protocol from new plans (courses keep their frozen copy)."""
    cp.withdraw_protocol(ctx.write(etags.matching(if_match, lambda u: _detail(u, ref))), ref)
    return Response(status_code=204)


def _zone(zone: Any) -> ZoneRead:
    return ZoneRead(
        id=zone.id,
        group=zone.group,
        title=zone.title,
        laterality=zone.laterality,
        area_cm2=round(float(zone.area_cm2), 2),
        measurements=list(zone.measurements),
    )


@router.get("/zones", response_model=Page[ZoneRead])
def list_zones(
    ctx: Reader, paging: Paging, group: Annotated[str | None, Query(max_length=64)] = None
) -> Page[ZoneRead]:
    """The built-in treatment zones at reference size; ``group``: thighs, face, scalp..."""
    from ....domain.anatomy import zone_catalogue

    zones = [z for z in zone_catalogue().values() if group in (None, z.group)]
    start = paging.after or 0
    more = start + paging.limit < len(zones)
    items = [_zone(z) for z in zones[start : start + paging.limit]]
    return Page[ZoneRead](
        items=items, next_cursor=encode_cursor(start + paging.limit) if more else None
    )


@router.get("/zones/{zone_id}", response_model=ZoneRead)
def get_zone(zone_id: str, ctx: Reader) -> ZoneRead:
    from ....domain.anatomy import get_zone as find
    from ....domain.errors import PlanningError
    from ....domain.record_errors import NotFoundError

    try:
        return _zone(find(zone_id))
    except PlanningError as exc:
        raise NotFoundError(str(exc)) from None
